#!/bin/sh
# DDT (RFC 8111): a delegation tree resolved by a DDT Map-Resolver.
#
#          root 203.0.113.1        node1 .5    node2 .9   (198.18.0.0/16,
#   (198.18.0.0/15 -> node1,node2)     \        /          1/24 -> ms1,
#                         \             \      /           2/24 -> ms2)
#                          +------------ core ------------+
#                         /        /     (router)  \       \
#               ms1 .13  ms2 .17   mr .21        xtr1 .25   xtr2 .29
#   site 198.18.1.0/24  198.18.2.0/24  ddt-root .1  EID 198.18.1.1  EID 198.18.2.1
#   (and 3.0/24, unregistered)    ms3 .33 (198.18.3.0/24) - xtr3 .37 EID 198.18.3.1
#   node1/node2 delegate 198.18.3.0/24 to ms1 then ms3
#
# every node on its own /30 to core (node .4n+1, core .4n+2). checks:
# resolution through root -> node -> Map-Server both ways (the ping
# crosses, the ETR answers the ITR), the Map-Referrals on the wire decoded
# by tshark (NODE-REFERRAL, MS-REFERRAL, MS-ACK with TTLs, the ECM D bit),
# the MR's referral cache, a delegation hole answered negatively (the
# ITR's cache holds the hole prefix, natively-forward), MS-NOT-REGISTERED
# from the first Map-Server of a set and MS-ACK from the second, referral
# cache expiry (referral-ttl-max), node1 down and node2 taking over,
# locictl rig; then RFC 8111 signatures: the whole tree signs, the parents
# give the children's keys, the MR checks from its trust anchor (SigCnt and
# Security Key LCAFs on the wire, the cache verified), and a node signing
# with a key nobody gave it is dropped, counted and logged.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-dd_}
. tests/netns/lib.sh
trap_cleanup
command -v jq >/dev/null || { log "skip: no jq"; exit 0; }
command -v tshark >/dev/null || { log "skip: no tshark"; exit 0; }
T=$NETNS_TMP

ns_add core; router core
i=0
for n in root node1 node2 ms1 ms2 mr xtr1 xtr2 ms3 xtr3; do
	ns_add $n
	a=$((i * 4 + 1)); c=$((i * 4 + 2))
	link_add $n eth0 203.0.113.$a/30 core e$i 203.0.113.$c/30
	in_ns $n ip route add default via 203.0.113.$c
	i=$((i + 1))
done
# the EIDs on lo as /24s, pinged at .7: an address of an interface
# itself is refused as the inner destination of an ECM (a loop guard)
for n in 1 2 3; do in_ns xtr$n ip addr add 198.18.$n.1/24 dev lo; done

conf() {	# conf NAME: writes $T/NAME.conf from stdin, control socket added
	{ echo "control \"$T/$1.sock\""; echo "log-rate 100"; cat; } >"$T/$1.conf"
	"$LOCID" -n -f "$T/$1.conf" 2>"$T/$1.n" || fail "locid -n $1: $(cat "$T/$1.n")"
}
conf root <<EOF
role ddt-node
ddt-authoritative-prefix 198.18.0.0/15
ddt-delegation 198.18.0.0/16 node 203.0.113.5 203.0.113.9
EOF
for n in node1 node2; do conf $n <<EOF
role ddt-node
ddt-authoritative-prefix 198.18.0.0/16
ddt-delegation 198.18.1.0/24 map-server 203.0.113.13
ddt-delegation 198.18.2.0/24 map-server 203.0.113.17
ddt-delegation 198.18.3.0/24 map-server 203.0.113.13 203.0.113.33
EOF
done
for n in 1 2 3; do conf ms$n <<EOF
role map-server
site site$n {
	key 0 sha256 "site$n-s3cret"
	eid-prefix 198.18.$n.0/24
}
$([ $n = 1 ] && printf 'site site3 {\n\tkey 0 sha256 "site3-s3cret"\n\teid-prefix 198.18.3.0/24\n}\n')
EOF
done
conf mr <<EOF
role map-resolver
ddt-root 203.0.113.1
timers {
	map-request-timeout 500
	referral-ttl-max 6
}
EOF
for n in 1 2 3; do conf xtr$n <<EOF
role itr
role etr
database-mapping 198.18.$n.0/24 {
	rloc 203.0.113.$(case $n in 1) echo 25 ;; 2) echo 29 ;; 3) echo 37 ;; esac) priority 1 weight 100
}
map-server 203.0.113.$(case $n in 1) echo 13 ;; 2) echo 17 ;; 3) echo 33 ;; esac) key 0 sha256 "site$n-s3cret"
map-resolver 203.0.113.21
tun lisp0
EOF
done
pass "locid -n on the ten configurations"

for n in root node1 node2 ms1 ms2 mr xtr1 xtr2 ms3 xtr3; do locid_start $n "$T/$n.conf"; done
for n in 1 2 3; do
	wait_until 10 "ctl ms$n $T/ms$n.sock --json show site | jq -e '.[] | select(.registered)'" ||
	    fail "xtr$n registered with ms$n: $(cat "$T/ms$n.log")"
done
wait_until 5 "ctl mr $T/mr.sock --json show referral-cache" || fail "mr up: $(cat "$T/mr.log")"
pass "tree up, the three sites registered"

# 1. xtr1 -> xtr2 through the tree, and the answer back
cap_start walk core e5 udp
in_ns xtr1 ping -c1 -W3 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1 ||
    in_ns xtr1 ping -c1 -W3 -I 198.18.1.7 198.18.2.7 >"$T/p1" 2>&1 ||
    fail "ping xtr1 -> xtr2 through DDT: $(cat "$T/p1")"
cap_stop walk
pass "ping 198.18.1.7 -> 198.18.2.7 crosses (resolved through root, node, ms2)"
# the DDT Map-Requests: ECM with D to root, node1, ms2, in that order
r=$(tsh walk 'lisp.type == 8 && lisp.ecm.flags.ddt == 1 && ip.src == 203.0.113.21' ip.dst | cut -d, -f1 | head -3 | tr '\n' ' ')
[ "$r" = "203.0.113.1 203.0.113.5 203.0.113.17 " ] || fail "DDT Map-Requests root, node1, ms2 (got '$r')"
# the Map-Referrals back: action, prefix, TTL, I bit, referral set
r=$(tsh walk 'lisp.type == 6 && ip.dst == 203.0.113.21' ip.src lisp.mapping.act lisp.mapping.eid.ipv4 \
    lisp.mapping.eid.masklen lisp.mapping.ttl lisp.referral.incomplete lisp.loc.locator | head -3)
exp="203.0.113.1|0|198.18.0.0|16|1440|0|203.0.113.5,203.0.113.9
203.0.113.5|1|198.18.2.0|24|1440|0|203.0.113.17
203.0.113.17|2|198.18.2.0|24|1440|1|203.0.113.17"
[ "$r" = "$exp" ] || fail "Map-Referrals on the wire: got
$r"
# the referral nonce is the ITR's Map-Request nonce
n1=$(tsh walk 'lisp.type == 8 && ip.dst == 203.0.113.1' lisp.nonce | head -1)
n2=$(tsh walk 'lisp.type == 6 && ip.src == 203.0.113.1' lisp.nonce | head -1)
[ -n "$n1" ] && [ "$n1" = "$n2" ] || fail "referral nonce $n2 is the request's $n1"
pass "NODE-REFERRAL, MS-REFERRAL, MS-ACK on the wire (tshark), nonces copied"

ctl xtr1 "$T/xtr1.sock" --json show map-cache 198.18.2.1 >"$T/mc1.json"
jq -e '.[0] | .eid_prefix == "198.18.2.0/24" and .state != "negative" and
    (.locators | map(.address) | index("203.0.113.29")) != null' "$T/mc1.json" >/dev/null ||
    fail "xtr1 map-cache 198.18.2.0/24 -> 203.0.113.29: $(cat "$T/mc1.json")"
ctl xtr2 "$T/xtr2.sock" --json show map-cache 198.18.1.1 >"$T/mc2.json"
jq -e '.[0] | .eid_prefix == "198.18.1.0/24" and .state != "negative"' "$T/mc2.json" >/dev/null ||
    fail "xtr2 resolved the way back: $(cat "$T/mc2.json")"
ctl mr "$T/mr.sock" --json show referral-cache >"$T/rc.json"
jq -e '(.[0].eid_prefix == "root") and
    ([.[] | select(.eid_prefix == "198.18.0.0/16" and .action == "node-referral" and
	.referral_set == ["203.0.113.5", "203.0.113.9"])] | length == 1) and
    ([.[] | select(.eid_prefix == "198.18.2.0/24" and .action == "ms-referral")] | length == 1) and
    ([.[] | select(.eid_prefix == "198.18.1.0/24" and .action == "ms-referral")] | length == 1)' \
    "$T/rc.json" >/dev/null || fail "mr referral cache: $(cat "$T/rc.json")"
ctl mr "$T/mr.sock" show referral-cache | grep -q "^198.18.0.0/16  *node-referral  *1440 " ||
    fail "show referral-cache text: $(ctl mr "$T/mr.sock" show referral-cache)"
ctl mr "$T/mr.sock" --json show referral-cache >"$T/rc.json"
sh tests/schema/match.sh tests/schema/show-referral-cache.schema "$T/rc.json" ||
    fail "show referral-cache off the schema"
pass "both map-caches resolved, MR referral cache holds /16 node and both /24 ms referrals"

# 1b. two Map-Servers for 198.18.3.0/24: ms1 has it configured but not
# registered (MS-NOT-REGISTERED), ms3 has the registration (MS-ACK)
cap_start two core e5 udp
in_ns xtr1 ping -c1 -W3 -I 198.18.1.7 198.18.3.7 >/dev/null 2>&1 ||
    in_ns xtr1 ping -c1 -W3 -I 198.18.1.7 198.18.3.7 >"$T/p3" 2>&1 ||
    fail "ping xtr1 -> xtr3 past an MS without the registration: $(cat "$T/p3")"
cap_stop two
r=$(tsh two 'lisp.type == 6 && ip.dst == 203.0.113.21 && lisp.mapping.eid.ipv4 == 198.18.3.0' ip.src \
    lisp.mapping.act lisp.mapping.ttl lisp.loc.locator | head -3)
exp="203.0.113.5|1|1440|203.0.113.13,203.0.113.33
203.0.113.13|3|1|203.0.113.13
203.0.113.33|2|1440|203.0.113.33"
[ "$r" = "$exp" ] || fail "MS-REFERRAL, MS-NOT-REGISTERED from ms1, MS-ACK from ms3: got
$r"
pass "MS-NOT-REGISTERED from ms1, the next Map-Server of the set (ms3) answers MS-ACK, ping crosses"

# 2. a delegation hole: negative Map-Reply for the hole prefix
cap_start hole core e6 udp
in_ns xtr1 ping -c1 -W1 -I 198.18.1.7 198.18.9.1 >/dev/null 2>&1
wait_until 5 "ctl xtr1 $T/xtr1.sock --json show map-cache 198.18.9.1 | jq -e '.[0].state == \"negative\"'" ||
    fail "no negative entry for 198.18.9.1"
cap_stop hole
ctl xtr1 "$T/xtr1.sock" --json show map-cache 198.18.9.1 >"$T/mch.json"
jq -e '.[0] | .eid_prefix == "198.18.8.0/21" and .action == "natively-forward" and .ttl == 15' \
    "$T/mch.json" >/dev/null || fail "hole in xtr1 cache: $(cat "$T/mch.json")"
r=$(tsh hole 'lisp.type == 2 && ip.src == 203.0.113.21' lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen \
    lisp.mapping.act lisp.mapping.ttl lisp.mapping.loccnt | head -1)
[ "$r" = "198.18.8.0|21|1|15|0" ] || fail "negative Map-Reply from the MR (got '$r')"
ctl mr "$T/mr.sock" --json show referral-cache |
    jq -e '.[] | select(.eid_prefix == "198.18.8.0/21" and .action == "delegation-hole")' >/dev/null ||
    fail "hole not in the referral cache"
pass "DELEGATION-HOLE: negative 198.18.8.0/21 natively-forward TTL 15 at the ITR"

# 3. expiry: referral-ttl-max 6 s leaves the root only
wait_until 10 "ctl mr $T/mr.sock --json show referral-cache | jq -e 'length == 1'" ||
    fail "referral cache did not expire: $(ctl mr "$T/mr.sock" --json show referral-cache)"
pass "referral cache expired after referral-ttl-max"

# 4. node1 down: node2 takes over after the timeout
locid_stop node1
ctl xtr1 "$T/xtr1.sock" clear map-cache >/dev/null || fail "clear map-cache"
cap_start alt core e5 udp
ip netns exec "$(ns mr)" "$LOCICTL" -s "$T/mr.sock" monitor --json -c 3 -t 8 ddt >"$T/mon.json" 2>&1 </dev/null &
mon=$!
# attached once its control connection is up
wait_until 3 "in_ns mr ss -xp | grep -q 'pid=$mon,'" || fail "locictl monitor did not connect"
in_ns xtr1 ping -c1 -W4 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1 ||
    in_ns xtr1 ping -c1 -W4 -I 198.18.1.7 198.18.2.7 >"$T/p4" 2>&1 ||
    fail "ping with node1 down: $(cat "$T/p4")"
cap_stop alt
r=$(tsh alt 'lisp.type == 8 && lisp.ecm.flags.ddt == 1 && ip.src == 203.0.113.21' ip.dst | cut -d, -f1 | head -4 | tr '\n' ' ')
[ "$r" = "203.0.113.1 203.0.113.5 203.0.113.9 203.0.113.17 " ] ||
    fail "DDT Map-Requests root, node1 (silent), node2, ms2 (got '$r')"
ctl mr "$T/mr.sock" --json show referral-cache |
    jq -e '.[] | select(.eid_prefix == "198.18.0.0/16") | .referral_set == ["203.0.113.9", "203.0.113.5"]' \
    >/dev/null || fail "silent node1 not moved behind node2: $(ctl mr "$T/mr.sock" --json show referral-cache)"
wait $mon
jq -s -e 'map(select(.kind == "ddt" and .event == "referral")) | map(.from + " " + .action) |
    . == ["203.0.113.1 node-referral", "203.0.113.9 ms-referral", "203.0.113.17 ms-ack"]' \
    "$T/mon.json" >/dev/null || fail "locictl monitor ddt: $(cat "$T/mon.json")"
pass "node1 down: node2 answered after the timeout, ping crossed, node1 demoted; locictl monitor ddt shows the walk"

# 5. rig from the MR's namespace: the walk printed hop by hop
ctl mr "$T/mr.sock" rig -m 203.0.113.1 --json 198.18.1.7 >"$T/rig.json" || true
jq -e '.result == "ms-ack" and (.hops | map(.action)) == ["node-referral", "ms-referral", "ms-ack"] and
    .hops[0].asked == "203.0.113.1" and .hops[1].asked == "203.0.113.9" and .hops[2].eid_prefix == "198.18.1.0/24"' \
    "$T/rig.json" >/dev/null || fail "rig: $(cat "$T/rig.json")"
in_ns mr "$LOCICTL" rig -m 203.0.113.1 198.19.3.3 >"$T/rig.txt"
grep -q "198.19.0.0/16 delegation-hole, ttl 15 min" "$T/rig.txt" || fail "rig of a root hole: $(cat "$T/rig.txt")"
pass "locictl rig: root -> node2 -> ms1 MS-ACK; root hole 198.19.0.0/16"

ctl mr "$T/mr.sock" --json show stats >"$T/st.json"
jq -e '.ddt_resolver.resolved >= 3 and .ddt_resolver.negative_replies >= 1 and .ddt_resolver.pending == 0' \
    "$T/st.json" >/dev/null || fail "mr stats: $(jq -c '.ddt_resolver' "$T/st.json")"
pass "ddt-resolver stats"

# 6. signatures (RFC 8111 §6.4.1, §10): root, nodes and Map-Servers sign
# with their keys, each parent gives the children's keys, the MR holds the
# root's as its trust anchor; every Map-Referral of the walk carries one
# signature and the cache is marked verified. then node2 signs with a key
# nobody gave it: with node1 down its referrals are dropped and counted,
# nothing resolves through it
command -v openssl >/dev/null || { log "skip: signatures (no openssl)"; exit 0; }
for k in root node ms rogue; do
	openssl genrsa -out "$T/$k.pem" 2048 2>/dev/null &&
	    openssl rsa -in "$T/$k.pem" -pubout -out "$T/$k.pub" 2>/dev/null || fail "openssl key $k"
done
sed -i 's|^\(ddt-delegation .*\)$|\1 key "node.pub"|' "$T/root.conf"
echo 'ddt-signing-key "root.pem"' >>"$T/root.conf"
for n in node1 node2; do
	sed -i 's|^\(ddt-delegation .*\)$|\1 key "ms.pub"|' "$T/$n.conf"
	echo 'ddt-signing-key "node.pem"' >>"$T/$n.conf"
done
for n in 1 2 3; do echo 'ddt-signing-key "ms.pem"' >>"$T/ms$n.conf"; done
sed -i 's|^ddt-root 203.0.113.1$|ddt-root 203.0.113.1 key "root.pub"|' "$T/mr.conf"
for n in root node1 node2 ms1 ms2 ms3 mr; do
	"$LOCID" -n -f "$T/$n.conf" 2>"$T/$n.n" || fail "locid -n $n signed: $(cat "$T/$n.n")"
done
locid_start node1 "$T/node1.conf"
for n in root node2 ms1 ms2 ms3 mr; do ctl $n "$T/$n.sock" reload >/dev/null || fail "reload $n"; done
wait_until 5 "ctl node1 $T/node1.sock --json show stats" || fail "node1 back: $(cat "$T/node1.log")"
ctl mr "$T/mr.sock" clear referral-cache >/dev/null || fail "clear referral-cache"
ctl xtr1 "$T/xtr1.sock" clear map-cache >/dev/null || fail "clear map-cache"
cap_start sig core e5 udp
in_ns xtr1 ping -c1 -W3 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1 ||
    in_ns xtr1 ping -c1 -W3 -I 198.18.1.7 198.18.2.7 >"$T/p6" 2>&1 ||
    fail "ping through the signed tree: $(cat "$T/p6")"
cap_stop sig
r=$(tsh sig 'lisp.type == 6 && ip.dst == 203.0.113.21' ip.src lisp.mapping.act lisp.referral.sigcnt | head -3)
exp="203.0.113.1|0|1
203.0.113.5|1|1
203.0.113.17|2|1"
[ "$r" = "$exp" ] || fail "signed Map-Referrals root, node1, ms2 on the wire: got
$r"
# the children's keys: each RLOC of the root's and node's referral set in
# a Security Key LCAF (type 11)
r=$(tsh sig 'lisp.type == 6 && ip.src == 203.0.113.1' lisp.lcaf.type | head -1)
[ "$r" = "11,11" ] || fail "root's referral set in Security Key LCAFs (got '$r')"
ctl mr "$T/mr.sock" --json show referral-cache >"$T/rcs.json"
jq -e 'all(.[]; .verified) and length >= 3' "$T/rcs.json" >/dev/null ||
    fail "referral cache not verified: $(cat "$T/rcs.json")"
sh tests/schema/match.sh tests/schema/show-referral-cache.schema "$T/rcs.json" ||
    fail "show referral-cache off the schema"
ctl mr "$T/mr.sock" --json show stats >"$T/st6.json"
jq -e '.ddt_resolver.referrals_verified >= 3 and .ddt_resolver.keys == 2 and
    (.drops["map-referral: signature missing or invalid"] // 0) == 0' "$T/st6.json" >/dev/null ||
    fail "mr stats signed: $(jq -c '.ddt_resolver, .drops' "$T/st6.json")"
ctl root "$T/root.sock" --json show stats | jq -e '.ddt_node.referral_signatures >= 1' >/dev/null ||
    fail "root signature counters: $(ctl root "$T/root.sock" --json show stats | jq -c .ddt_node)"
pass "signed tree: Map-Referrals with SigCnt 1, children's keys in Security Key LCAFs, cache verified, ping crosses"

sed -i 's|^ddt-signing-key "node.pem"$|ddt-signing-key "rogue.pem"|' "$T/node2.conf"
ctl node2 "$T/node2.sock" reload >/dev/null || fail "reload node2 rogue"
locid_stop node1
ctl mr "$T/mr.sock" clear referral-cache >/dev/null
ctl xtr1 "$T/xtr1.sock" clear map-cache >/dev/null
in_ns xtr1 ping -c1 -W2 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1
wait_until 5 "ctl mr $T/mr.sock --json show stats | jq -e '.drops[\"map-referral: signature missing or invalid\"] >= 1'" ||
    fail "rogue-signed referral not dropped: $(ctl mr "$T/mr.sock" --json show stats | jq -c .drops)"
ctl mr "$T/mr.sock" --json show referral-cache | jq -e 'map(select(.eid_prefix == "198.18.2.0/24")) == []' >/dev/null ||
    fail "rogue referral cached: $(ctl mr "$T/mr.sock" --json show referral-cache)"
grep -q "map-referral from 203.0.113.9:4342 for 198.18.2.7/32 dropped: no signature by the expected key" "$T/mr.log" ||
    fail "no log line for the rogue referral: $(tail -5 "$T/mr.log")"
pass "node2 signing with a key its parent did not give: referral dropped, counted, logged, not cached"
