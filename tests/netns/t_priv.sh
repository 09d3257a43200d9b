#!/bin/sh
# the seed lab with "user nobody" in all three configurations: after
# start-up every daemon runs as nobody; the xTRs keep exactly CAP_NET_ADMIN
# (routes, rules, TUN), the MS/MR keeps no capability at all. registration,
# EID-to-EID traffic, a negative entry (its throw route installed as
# nobody), locictl and the cleanup on stop still work; a reload that would
# need root again fails and leaves the daemon running on its old config.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-pv_}
. tests/netns/lib.sh
trap_cleanup

NOBODY=$(id -u nobody) || fail "no user nobody"
# the socket directory belongs to the user (it removes the sockets on
# stop); the configs must stay readable by it for a reload
chmod 755 "$NETNS_TMP"
RUN="$NETNS_TMP/run"
mkdir -p "$RUN" && chown nobody "$RUN" || fail "run directory"

topo_seed_lab
for n in lisp1 lisp2 mapserver; do
	{ echo "user nobody"
	  sed "s|/run/locid-$n.sock|$RUN/$n.sock|" examples/seed-lab/$n.conf
	} >"$NETNS_TMP/$n.conf"
	chmod 644 "$NETNS_TMP/$n.conf"
done
S1="$RUN/lisp1.sock"; S2="$RUN/lisp2.sock"; SM="$RUN/mapserver.sock"

# v1 NS SOCKET CMD [ARGS]: a request in control protocol v1 (locictl(8)),
# printing the result, or a streamed reply's items as one JSON array
v1() {
	in_ns "$1" python3 - "$2" "$3" "${4:-}" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"cmd": sys.argv[2], "args": json.loads(sys.argv[3] or "{}")}).encode() + b"\n")
f = s.makefile("rb")
head = json.loads(f.readline())
if not head.get("ok"):
    sys.exit("error: %s" % head.get("error"))
if not head.get("stream"):
    print(json.dumps(head.get("result")))
    sys.exit(0)
items = []
for line in f:
    m = json.loads(line)
    if "end" in m:
        break
    items.append(m["item"])
print(json.dumps(items))
PY
}

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start: $(cat "$NETNS_TMP/mapserver.log")"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 5 "[ -S $S1 ] && [ -S $S2 ]" || fail "xTRs did not start"

# status N FIELD: the field of /proc/PID/status of daemon N
status() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$(cat "$NETNS_TMP/$1.pid")/status"; }
wait_until 5 "grep -q 'running as user nobody' $NETNS_TMP/mapserver.log" ||
    fail "mapserver did not drop: $(cat "$NETNS_TMP/mapserver.log")"
for n in lisp1 lisp2 mapserver; do
	u=$(status $n Uid | tr -s ' \t' ' ')
	[ "$u" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] || fail "$n Uid: '$u'"
	g=$(status $n Gid | tr -s ' \t' ' ')
	[ "$g" = "$(id -g nobody) $(id -g nobody) $(id -g nobody) $(id -g nobody)" ] ||
	    fail "$n Gid: '$g'"
	[ -z "$(status $n Groups | tr -d ' \t')" ] || fail "$n Groups: $(status $n Groups)"
	[ "$(status $n NoNewPrivs)" = 1 ] || fail "$n NoNewPrivs"
	[ "$(status $n CapInh)" = 0000000000000000 ] || fail "$n CapInh $(status $n CapInh)"
	[ "$(status $n CapAmb)" = 0000000000000000 ] || fail "$n CapAmb $(status $n CapAmb)"
done
for n in lisp1 lisp2; do	# CAP_NET_ADMIN is bit 12
	[ "$(status $n CapEff)" = 0000000000001000 ] || fail "$n CapEff $(status $n CapEff)"
	[ "$(status $n CapPrm)" = 0000000000001000 ] || fail "$n CapPrm $(status $n CapPrm)"
done
[ "$(status mapserver CapEff)" = 0000000000000000 ] || fail "mapserver CapEff $(status mapserver CapEff)"
[ "$(status mapserver CapPrm)" = 0000000000000000 ] || fail "mapserver CapPrm $(status mapserver CapPrm)"
pass "all three run as nobody; xTRs with only CAP_NET_ADMIN, the MS/MR with none"

wait_until 10 "v1 mapserver $SM 'show site' | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered: $(v1 mapserver "$SM" 'show site')"
pass "lisp1 and lisp2 registered with the map-server"

in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "first ping hostA -> hostB lost"
in_ns hostA ping -c3 -i 0.2 -W1 198.18.2.10 >/dev/null 2>&1 || fail "pings hostA -> hostB"
v1 lisp1 "$S1" 'show map-cache' >"$NETNS_TMP/mc1.json"
jq -e '.[] | select(.eid_prefix == "198.18.2.0/24") | .state == "complete" and
    .locators[0].address == "203.0.113.5" and .locators[0].encap_packets >= 4' \
    "$NETNS_TMP/mc1.json" >/dev/null || fail "lisp1 map-cache: $(cat "$NETNS_TMP/mc1.json")"
pass "EID-to-EID ping answered; map-cache complete over the control socket"
# locictl itself (it reads protocol v1 streams): checked now, failed at
# the end so that the later steps still run
late=""
ctl lisp1 "$S1" show map-cache >"$NETNS_TMP/mc1.txt" 2>&1
grep -q '^198.18.2.0/24, uptime: .*via map-reply, complete' "$NETNS_TMP/mc1.txt" ||
    late="locictl show map-cache as root against a daemon running as nobody: $(head -c 200 "$NETNS_TMP/mc1.txt")"

in_ns lisp1 ping -c1 -W1 -I 198.18.1.1 198.51.100.1 >/dev/null 2>&1
wait_until 5 "v1 lisp1 $S1 'show map-cache' | jq -e '.[] | select(.eid_prefix == \"198.32.0.0/11\") | .state == \"negative\"'" ||
    fail "negative entry: $(v1 lisp1 "$S1" 'show map-cache')"
in_ns lisp1 ip route show table 100 | grep -q '^throw 198.32.0.0/11' ||
    fail "throw route for 198.32.0.0/11 (installed as nobody)"
pass "negative entry cached and its throw route installed with CAP_NET_ADMIN only"

# reloads that need root again fail cleanly: a control socket in a
# directory nobody cannot write (xTR), a control port below 1024 (MS)
mkdir -p "$NETNS_TMP/rootonly" && chmod 755 "$NETNS_TMP/rootonly"
sed -i "s|$RUN/lisp1.sock|$NETNS_TMP/rootonly/lisp1.sock|" "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >"$NETNS_TMP/reload1" 2>&1 && fail "xTR reload to a root-only directory succeeded"
kill -0 "$(cat "$NETNS_TMP/lisp1.pid")" || fail "lisp1 died on the reload"
[ ! -e "$NETNS_TMP/rootonly/lisp1.sock" ] || fail "socket created in the root-only directory"
ctl lisp1 "$S1" --json show stats >/dev/null || fail "lisp1 control socket after the failed reload"
grep -q 'reload failed: control socket .* could not be opened; the previous configuration was restored' \
    "$NETNS_TMP/lisp1.log" || fail "lisp1 logs the failed reload"
echo "control-port 434" >>"$NETNS_TMP/mapserver.conf"
ctl mapserver "$SM" reload >"$NETNS_TMP/reloadm" 2>&1 && fail "MS reload to port 434 succeeded"
kill -0 "$(cat "$NETNS_TMP/mapserver.pid")" || fail "mapserver died on the reload"
in_ns mapserver ss -lun | grep -q ':4342 ' || fail "the MS lost its 4342 socket"
grep -q 'previous configuration was restored' "$NETNS_TMP/reloadm" ||
    fail "MS reload reply: $(cat "$NETNS_TMP/reloadm")"
in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "traffic after the failed reloads"
pass "reloads that would need root fail, roll back and the daemons keep running"

# stop as nobody: TUN, rules, routes and the control sockets go away
locid_stop lisp1
in_ns lisp1 ip rule | grep -q 'lookup 100\|suppress_prefixlength' && fail "ip rules left: $(in_ns lisp1 ip rule)"
[ -z "$(in_ns lisp1 ip route show table 100 2>/dev/null)" ] || fail "routes left in table 100"
in_ns lisp1 ip link show lisp0 >/dev/null 2>&1 && fail "lisp0 left"
[ ! -e "$S1" ] && [ ! -e "$S1.ro" ] || fail "control sockets left: $(ls "$RUN")"
grep -q 'locid stopped' "$NETNS_TMP/lisp1.log" || fail "lisp1 did not stop cleanly"
pass "stop as nobody removes the kernel state and the control sockets"
[ -z "$late" ] || fail "$late"
pass "locictl show map-cache"
echo "t_priv: all passed"
