#!/bin/sh
# map-cache expiry and refresh, ETR restart and mapserver restart in the
# seed lab (topology in lib.sh topo_seed_lab):
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#                           |
#                        nonlisp
#
# lisp2's mapping has a TTL of 1 min and the map-server's negative TTL is
# 1 min: a flow kept busy refreshes its entry before it expires, an idle
# negative entry expires and its throw route goes; restarted daemons
# register again and cached flows keep working meanwhile.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-rc_}
. tests/netns/lib.sh
trap_cleanup

topo_seed_lab
for n in lisp1 lisp2 mapserver; do
	sed -e "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" \
	    -e 's/register-interval 60/register-interval 5/' \
	    -e 's/negative-ttl 15/negative-ttl 1/' \
	    -e 's/ttl 1440/ttl 1/' examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"
registered() { ctl mapserver "$SM" --json show site | jq -e '[.[] | select(.registered)] | length == 2'; }
entry() {	# NS SOCK PREFIX JQ-CONDITION
	ctl "$1" "$2" --json show map-cache | jq -e ".[] | select(.eid_prefix == \"$3\") | $4"
}

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 registered || fail "both sites registered"

in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null || fail "first ping"
in_ns lisp1 ping -c1 -W1 -I 198.18.1.1 198.51.100.1 >/dev/null 2>&1
entry lisp1 "$S1" 198.18.2.0/24 '.ttl == 1 and .expires_in <= 60' >/dev/null || fail "TTL 1 min entry"
entry lisp1 "$S1" 198.32.0.0/11 '.ttl == 1 and .action == "natively-forward"' >/dev/null ||
    fail "negative entry with TTL 1 min"
in_ns lisp1 ip route show table 100 | grep -q 'throw 198.32.0.0/11' || fail "throw route"
pass "entries with a 1-minute TTL cached"

# keep 198.18.2.0/24 busy for longer than its TTL; 198.32.0.0/11 stays idle
# a simple command, so $! is ping itself (in_ns, a function, would give a subshell)
ip netns exec "$(ns hostA)" ping -i 0.5 -w 68 -W 1 198.18.2.10 >"$NETNS_TMP/busy.ping" 2>&1 &
busy=$!
_pids="$_pids $busy"
wait_until 75 "! entry lisp1 $S1 198.32.0.0/11 true" || fail "idle negative entry expired"
in_ns lisp1 ip route show table 100 | grep -q 'throw 198.32.0.0/11' && fail "throw route removed on expiry"
pass "idle negative entry expired after its TTL, throw route removed"
wait_until 20 "! kill -0 $busy"
sent=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$NETNS_TMP/busy.ping")
set -- $sent
[ -n "$1" ] && [ "$2" -ge $(($1 - 1)) ] || fail "busy flow lost packets across the refresh: $sent"
entry lisp1 "$S1" 198.18.2.0/24 '.uptime >= 60 and .expires_in > 30' >/dev/null ||
    fail "busy entry refreshed in place: $(ctl lisp1 "$S1" --json show map-cache)"
pass "busy entry refreshed before expiry without losing the flow ($2/$1 answered)"

# ETR restart: lisp2 comes back, registers, and the flow keeps working
locid_stop lisp2
in_ns lisp2 ip link show lisp0 >/dev/null 2>&1 && fail "lisp0 left after stop"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl lisp2 $S2 --json show database | jq -e '.map_servers[0].state == \"registered\"'" ||
    fail "lisp2 registered again"
in_ns hostA ping -c3 -i 0.3 -W2 198.18.2.10 >"$NETNS_TMP/etr.ping" 2>&1 ||
    fail "flow after ETR restart: $(cat "$NETNS_TMP/etr.ping")"
grep -q '3 received' "$NETNS_TMP/etr.ping" || fail "all pings after ETR restart: $(cat "$NETNS_TMP/etr.ping")"
pass "ETR restart: registered again, cached flow answered"

# mapserver restart: data keeps flowing without it, registrations come back
locid_stop mapserver
in_ns hostA ping -c2 -i 0.3 -W2 198.18.2.10 >/dev/null || fail "flow while the mapserver is down"
# an unanswered Map-Request is retransmitted with backoff and a fresh nonce
cap_start retx lisp1 eth0 'udp port 4342'
in_ns lisp1 ping -c1 -W4 -I 198.18.1.1 198.51.100.77 >/dev/null 2>&1
cap_stop retx
tshark -r "$NETNS_TMP/retx.pcap" -Y 'lisp.type == 8 && lisp.mreq.record.prefix.ipv4 == 198.51.100.77' \
    -T fields -e frame.time_relative -e lisp.nonce 2>/dev/null >"$NETNS_TMP/retx.txt"
[ "$(wc -l <"$NETNS_TMP/retx.txt")" -ge 3 ] || fail "3 Map-Requests in 4 s: $(cat "$NETNS_TMP/retx.txt")"
[ "$(cut -f2 "$NETNS_TMP/retx.txt" | sort -u | wc -l)" -eq "$(wc -l <"$NETNS_TMP/retx.txt")" ] ||
    fail "a fresh nonce per retransmission"
awk 'NR == 1 { t0 = $1 } NR == 2 { g1 = $1 - t0; t1 = $1 } NR == 3 { g2 = $1 - t1 }
    END { exit !(g1 >= 0.9 && g1 <= 1.3 && g2 >= 1.9 && g2 <= 2.3) }' "$NETNS_TMP/retx.txt" ||
    fail "retransmissions after 1 s then 2 s: $(cat "$NETNS_TMP/retx.txt")"
pass "unanswered Map-Request retransmitted after 1 s, 2 s with fresh nonces"
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 15 registered || fail "registrations back after mapserver restart"
in_ns hostA ping -c2 -i 0.3 -W2 198.18.2.10 >/dev/null || fail "flow after the mapserver restart"
pass "mapserver restart: flows kept working, both sites registered again"
echo "t_xtr_recovery: all passed"
