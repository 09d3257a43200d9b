#!/bin/sh
# RLOC probing and failover, and a redundant mapping system.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5  .2.1    .2.10
#                 ff:1::1/::2    |  \  .14/.13 == 203.0.113.13 (lisp2, priority 2)
#                                |       ff:3::2/::1     2001:db8:ff:3::1 (priority 3)
#                               ms2 203.0.113.18 (mapserver .17)
#  EID-prefixes: 198.18.1.0/24 at lisp1, 198.18.2.0/24 at lisp2
#  MS/MR: mapserver (203.0.113.2) and ms2 (203.0.113.18); both xTRs
#  register with both and resolve through 203.0.113.2, then 203.0.113.18.
#
# steps: registrations on both Map-Servers; lisp1 probes the three RLOCs of
# lisp2 (state up, RTT); lisp2's preferred RLOC link goes down -> the
# locator goes down within probe interval + timeout and the flow moves to
# 203.0.113.13 (capture); the link comes back -> the flow moves back; the
# first Map-Server/Map-Resolver stops -> lisp1 still resolves through ms2;
# it comes back -> lisp1 uses it again after the hold-down.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-p5a-}
. tests/netns/lib.sh
trap_cleanup

PROBE_INTERVAL=2
PROBE_TIMEOUT=1

for n in hostA lisp1 mapserver lisp2 hostB ms2; do ns_add $n; done
link_add hostA eth0 198.18.1.10/24 lisp1 eth1 198.18.1.1/24
link_add lisp1 eth0 203.0.113.1/30 mapserver eth1 203.0.113.2/30
link_add lisp2 eth0 203.0.113.5/30 mapserver eth2 203.0.113.6/30
link_add lisp2 eth2 203.0.113.13/30 mapserver eth4 203.0.113.14/30
link_add hostB eth0 198.18.2.10/24 lisp2 eth1 198.18.2.1/24
link_add ms2 eth0 203.0.113.18/30 mapserver eth6 203.0.113.17/30
in_ns hostA ip route add default via 198.18.1.1
in_ns hostB ip route add default via 198.18.2.1
in_ns lisp1 ip route add default via 203.0.113.2
in_ns lisp2 ip route add default via 203.0.113.6 metric 10
in_ns lisp2 ip route add default via 203.0.113.14 metric 20
in_ns ms2 ip route add default via 203.0.113.17
# IPv6 underlay on lisp2's second link: a third, IPv6 locator to probe
in_ns lisp1 ip -6 addr add 2001:db8:ff:1::1/64 dev eth0 nodad
in_ns mapserver ip -6 addr add 2001:db8:ff:1::2/64 dev eth1 nodad
in_ns lisp2 ip -6 addr add 2001:db8:ff:3::1/64 dev eth2 nodad
in_ns mapserver ip -6 addr add 2001:db8:ff:3::2/64 dev eth4 nodad
in_ns lisp1 ip -6 route add default via 2001:db8:ff:1::2
in_ns lisp2 ip -6 route add default via 2001:db8:ff:3::2
router lisp1; router lisp2; router mapserver

S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"
SM="$NETNS_TMP/mapserver.sock"; SM2="$NETNS_TMP/ms2.sock"

xtr_conf() {	# NAME EID RLOC-LINES
	cat <<EOF
role itr
role etr
control "$NETNS_TMP/$1.sock"
timers {
	register-interval 5
	probe-interval $PROBE_INTERVAL
	probe-timeout $PROBE_TIMEOUT
}
database-mapping $2 {
$3
}
map-server 203.0.113.2 key 0 sha256 "$1-s3cret" want-map-notify
map-server 203.0.113.18 key 0 sha256 "$1-s3cret" want-map-notify
map-resolver 203.0.113.2
map-resolver 203.0.113.18
tun lisp0
EOF
}
ms_conf() {	# NAME
	cat <<EOF
role map-server
role map-resolver
control "$NETNS_TMP/$1.sock"
site lisp1 {
	key 0 sha256 "lisp1-s3cret"
	eid-prefix 198.18.1.0/24
}
site lisp2 {
	key 0 sha256 "lisp2-s3cret"
	eid-prefix 198.18.2.0/24
}
EOF
}
xtr_conf lisp1 198.18.1.0/24 "	rloc 203.0.113.1 priority 1 weight 100" >"$NETNS_TMP/lisp1.conf"
xtr_conf lisp2 198.18.2.0/24 "	rloc 203.0.113.5 priority 1 weight 100
	rloc 203.0.113.13 priority 2 weight 100
	rloc 2001:db8:ff:3::1 priority 3 weight 100" >"$NETNS_TMP/lisp2.conf"
ms_conf mapserver >"$NETNS_TMP/mapserver.conf"
ms_conf ms2 >"$NETNS_TMP/ms2.conf"

locid_start mapserver "$NETNS_TMP/mapserver.conf"
locid_start ms2 "$NETNS_TMP/ms2.conf"
wait_until 5 "[ -S $SM ] && [ -S $SM2 ]" || fail "map-servers did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
for s in mapserver:$SM ms2:$SM2; do
	wait_until 10 "ctl ${s%%:*} ${s#*:} --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
	    fail "both sites registered on ${s%%:*}"
done
pass "lisp1 and lisp2 registered on both map-servers"
for s in lisp1:$S1 lisp2:$S2; do
	wait_until 10 "ctl ${s%%:*} ${s#*:} --json show database | jq -e '[.map_servers[] | select(.state == \"registered\")] | length == 2'" ||
	    fail "${s%%:*}: show database lists both map-servers registered"
done
pass "show database: registered with both map-servers"

loc() {	# RLOC JQ-EXPR: on lisp1's entry for 198.18.2.0/24
	ctl lisp1 "$S1" --json show map-cache |
	    jq -e ".[] | select(.eid_prefix == \"198.18.2.0/24\") | .locators[] |
	    select(.address == \"$1\") | $2"
}

# 1. the flow and probing of both locators
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null || fail "first ping hostA -> hostB"
# a simple command, so $! is ping itself (in_ns, a function, would give a subshell)
ip netns exec "$(ns hostA)" ping -i 0.1 -c 400 -W1 198.18.2.10 >"$NETNS_TMP/flow.txt" 2>&1 &
FLOW=$!
_pids="$_pids $FLOW"
wait_until 10 "loc 203.0.113.5 '.probe == \"up\" and .rtt_ms > 0' && loc 203.0.113.13 '.probe == \"up\" and .rtt_ms > 0'" ||
    fail "lisp1 probes both RLOCs of lisp2 (up, with an RTT)"
loc 203.0.113.5 '.state == "up" and .encap_packets > 0' >/dev/null ||
    fail "the flow uses the priority 1 RLOC"
ctl lisp1 "$S1" show map-cache >"$NETNS_TMP/mc.txt"
grep -Eq '^  203\.0\.113\.13 +up +2/100 +[0-9]+ +[0-9.]+ ms$' "$NETNS_TMP/mc.txt" ||
    { cat "$NETNS_TMP/mc.txt" >&2; fail "show map-cache prints state and probe RTT"; }
wait_until 10 "loc 2001:db8:ff:3::1 '.probe == \"up\" and .rtt_ms > 0'" ||
    fail "lisp1 probes the IPv6 RLOC of lisp2"
pass "all three RLOCs of lisp2 probed (IPv4 and IPv6): up, RTT shown"

# 2. the preferred RLOC fails: the flow moves to 203.0.113.13
cap_start backup lisp2 eth2 'udp'
b0=$(loc 203.0.113.13 .encap_packets)
t0=$(date +%s%N)
in_ns lisp2 ip link set eth0 down
wait_until 15 "loc 203.0.113.5 '.state == \"down\"'" || fail "203.0.113.5 judged down"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
target=$(( (PROBE_INTERVAL + PROBE_TIMEOUT) * 1000 ))
[ "$ms" -le $(( target + 2000 )) ] ||
    fail "failover took ${ms} ms (target ${target} ms + 2 s slack)"
wait_until 5 "loc 203.0.113.13 '.encap_packets > $b0 + 5'" || fail "flow on 203.0.113.13"
# one more answered probe of each backup locator: replies now leave by eth2
a13=$(loc 203.0.113.13 .probes_answered); a6=$(loc 2001:db8:ff:3::1 .probes_answered)
wait_until $(( PROBE_INTERVAL + 3 )) "loc 203.0.113.13 '.probes_answered > $a13' &&
    loc 2001:db8:ff:3::1 '.probes_answered > $a6'" || fail "backup locators probed"
cap_stop backup
n=$(tsh backup 'ip.src == 203.0.113.1 && ip.dst == 203.0.113.13 && udp.dstport == 4341 && icmp.type == 8' frame.number | wc -l)
[ "$n" -ge 3 ] || fail "encapsulated echo requests to 203.0.113.13 on lisp2 eth2 (saw $n)"
pass "203.0.113.5 down after ${ms} ms (target ${target} ms); flow moved to 203.0.113.13 ($n packets captured)"
# the probes on that link: P=1 Map-Request for the cached prefix, plain on
# 4342; the P=1 Map-Reply, authoritative, p bit on the probed locator only
pq=$(tsh backup 'lisp.type == 1 && lisp.mreq.flags.probe == 1 && ip.src == 203.0.113.1' \
    ip.dst udp.dstport lisp.mreq.srceid.afi lisp.mreq.record.prefix.ipv4 \
    lisp.mreq.record.prefix.length | head -1)
[ "$pq" = "203.0.113.13|4342|0|198.18.2.0|24" ] || fail "RLOC-probe from lisp1 (got '$pq')"
tsh backup 'lisp.type == 2 && lisp.mrep.flags.probe == 1 && ip.dst == 203.0.113.1' \
    ip.src lisp.mapping.auth lisp.loc.locator lisp.loc.flags.probe >"$NETNS_TMP/pr.txt"
grep -qx '203.0.113.13|1|203.0.113.5,203.0.113.13,2001:db8:ff:3::1|0,1,0' "$NETNS_TMP/pr.txt" ||
    { cat "$NETNS_TMP/pr.txt" >&2; fail "RLOC-probe reply from lisp2 with p on 203.0.113.13 only"; }
# the IPv6 locator's probe is answered to lisp1's IPv4 ITR-RLOC
grep -qx '203.0.113.13|1|203.0.113.5,203.0.113.13,2001:db8:ff:3::1|0,0,1' "$NETNS_TMP/pr.txt" ||
    { cat "$NETNS_TMP/pr.txt" >&2; fail "RLOC-probe reply for the IPv6 locator"; }
pass "RLOC-probe and reply on the wire: P bits, A=1, p on the probed locator"
in_ns hostA ping -c2 -W2 198.18.2.10 >/dev/null || fail "hostB reachable over the backup RLOC"

# 3. it comes back: the flow moves back
in_ns lisp2 ip link set eth0 up
in_ns lisp2 ip route replace default via 203.0.113.6 metric 10
cap_start primary lisp2 eth0 'udp'
wait_until $(( PROBE_INTERVAL * 3 + 5 )) "loc 203.0.113.5 '.state == \"up\" and .probe == \"up\"'" ||
    fail "203.0.113.5 up again"
p0=$(loc 203.0.113.5 .encap_packets)
wait_until 5 "loc 203.0.113.5 '.encap_packets > $p0'" || fail "flow back on 203.0.113.5"
cap_stop primary
n=$(tsh primary 'ip.dst == 203.0.113.5 && udp.dstport == 4341 && icmp.type == 8' frame.number | wc -l)
[ "$n" -ge 1 ] || fail "encapsulated echo requests to 203.0.113.5 again (saw $n)"
pass "203.0.113.5 answers again: flow back on it ($n packets captured)"
fastpath_check hostA 198.18.2.10 lisp1 "$S1" lisp2 "$S2"
kill "$FLOW" 2>/dev/null
wait "$FLOW" 2>/dev/null
got=$(grep -c 'bytes from' "$NETNS_TMP/flow.txt")
last=$(sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p' "$NETNS_TMP/flow.txt" | tail -1)
log "flow (1 echo per 100 ms) during failover and back: $got of ${last:-?} echoes answered"

# 4. the first Map-Server/Map-Resolver stops: lisp1 resolves through ms2
# (a monitor on lisp1 sees it go down and come back)
ctl lisp1 "$S1" monitor --json -t 60 map-resolver >"$NETNS_TMP/mon.json" 2>&1 &
monp=$!
sleep 0.3
locid_stop mapserver
ctl lisp1 "$S1" clear map-cache >/dev/null || fail "clear map-cache"
in_ns hostA ping -c1 -W5 198.18.2.10 >/dev/null || fail "hostB resolved with 203.0.113.2 down"
ctl lisp1 "$S1" --json show stats >"$NETNS_TMP/st.json"
jq -e '.xtr.map_resolvers[0].map_resolver == "203.0.113.2" and
    .xtr.map_resolvers[0].state == "down" and .xtr.map_resolvers[0].timeouts >= 1 and
    .xtr.map_resolvers[1].state == "up" and .xtr.map_resolvers[1].answered >= 1' \
    "$NETNS_TMP/st.json" >/dev/null || { cat "$NETNS_TMP/st.json" >&2; fail "map-resolver failover state"; }
loc 203.0.113.5 '.state == "up"' >/dev/null || fail "mapping resolved through ms2"
pass "203.0.113.2 down: resolved through 203.0.113.18"

# 5. it comes back: registrations return, and after the hold-down (10 s)
# the next resolution goes to it first
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 15 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "registrations back on mapserver"
wait_until 15 "ctl lisp1 $S1 --json show stats | jq -e '.xtr.map_resolvers[0].retry_in_ms == null'" ||
    fail "hold-down over"
a0=$(ctl lisp1 "$S1" --json show stats | jq '.xtr.map_resolvers[0].answered')
ctl lisp1 "$S1" clear map-cache >/dev/null
in_ns hostA ping -c1 -W5 198.18.2.10 >/dev/null || fail "ping after mapserver restart"
ctl lisp1 "$S1" --json show stats >"$NETNS_TMP/st.json"
jq -e ".xtr.map_resolvers[0].state == \"up\" and .xtr.map_resolvers[0].answered > $a0" \
    "$NETNS_TMP/st.json" >/dev/null || { cat "$NETNS_TMP/st.json" >&2; fail "back to 203.0.113.2"; }
kill $monp 2>/dev/null; wait $monp 2>/dev/null
jq -se '[.[] | select(.kind == "map-resolver" and .address == "203.0.113.2") | .state] == ["down", "up"]' \
    "$NETNS_TMP/mon.json" >/dev/null || fail "monitor map-resolver events: $(cat "$NETNS_TMP/mon.json")"
pass "203.0.113.2 answers again and is used first; monitor saw it go down and come back"
log "PASS t_failover"
