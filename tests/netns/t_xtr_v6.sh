#!/bin/sh
# IPv6 EIDs and RLOCs, mixed families, in the seed lab (lib.sh
# topo_seed_lab) with IPv6 added on every link:
#
#  hostA --- lisp1 ========= mapserver ========= lisp2 --- hostB
#        1::/64   ff:1::1/64  ff:1::2  ff:2::6  ff:2::5/64   2::/64
#  (2001:db8: prefixes; IPv4 plan as in the seed lab)
#
# lisp2 registers 198.18.2.0/24 with an IPv6 RLOC only (lisp1 sends 4-in-6)
# and 2001:db8:2::/48 with an IPv4 RLOC only (lisp1 sends 6-in-4).
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-v6_}
. tests/netns/lib.sh
trap_cleanup

topo_seed_lab
a6() { in_ns "$1" ip -6 addr add "$2" dev "$3" nodad; }
a6 hostA 2001:db8:1::10/64 eth0; a6 lisp1 2001:db8:1::1/64 eth1
a6 lisp1 2001:db8:ff:1::1/64 eth0; a6 mapserver 2001:db8:ff:1::2/64 eth1
a6 lisp2 2001:db8:ff:2::5/64 eth0; a6 mapserver 2001:db8:ff:2::6/64 eth2
a6 hostB 2001:db8:2::10/64 eth0; a6 lisp2 2001:db8:2::1/64 eth1
in_ns hostA ip -6 route add default via 2001:db8:1::1
in_ns hostB ip -6 route add default via 2001:db8:2::1
in_ns lisp1 ip -6 route add default via 2001:db8:ff:1::2
in_ns lisp2 ip -6 route add default via 2001:db8:ff:2::6

cat >"$NETNS_TMP/mapserver.conf" <<C
role map-server
role map-resolver
control "$NETNS_TMP/mapserver.sock"
site lisp1 {
	key 0 sha256 "k1"
	eid-prefix 198.18.1.0/24
	eid-prefix 2001:db8:1::/48
}
site lisp2 {
	key 0 sha256 "k2"
	eid-prefix 198.18.2.0/24
	eid-prefix 2001:db8:2::/48
}
C
cat >"$NETNS_TMP/lisp1.conf" <<C
role itr
role etr
control "$NETNS_TMP/lisp1.sock"
database-mapping 198.18.1.0/24 {
	rloc 203.0.113.1 priority 1 weight 50
	rloc 2001:db8:ff:1::1 priority 1 weight 50
}
database-mapping 2001:db8:1::/48 {
	rloc 203.0.113.1 priority 1 weight 50
	rloc 2001:db8:ff:1::1 priority 1 weight 50
}
map-server 203.0.113.2 key 0 sha256 "k1" want-map-notify
map-resolver 203.0.113.2
C
cat >"$NETNS_TMP/lisp2.conf" <<C
role itr
role etr
control "$NETNS_TMP/lisp2.sock"
database-mapping 198.18.2.0/24 {
	rloc 2001:db8:ff:2::5 priority 1 weight 100
}
database-mapping 2001:db8:2::/48 {
	rloc 203.0.113.5 priority 1 weight 100
}
map-server 203.0.113.6 key 0 sha256 "k2" want-map-notify
map-resolver 203.0.113.6
C
S1="$NETNS_TMP/lisp1.sock"; SM="$NETNS_TMP/mapserver.sock"
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 4'" ||
    fail "both sites registered, two prefixes each"
in_ns lisp1 ip -6 rule | grep -q 'from 2001:db8:1::/48 lookup 100' || fail "IPv6 policy rule"
in_ns lisp1 ip link show lisp0 | grep -q 'mtu 1444' || fail "TUN MTU 1500 - 56 with an IPv6 RLOC"
pass "IPv6 rules installed, TUN MTU from the IPv6 overhead"

cap_start l2 mapserver eth2 'udp port 4341'
in_ns hostA ping -c2 -W2 198.18.2.10 >/dev/null || fail "IPv4 EID over an IPv6 RLOC (4-in-6)"
in_ns hostA ping -6 -c2 -W2 2001:db8:2::10 >/dev/null || fail "IPv6 EID over an IPv4 RLOC (6-in-4)"
cap_stop l2
r=$(tsh l2 'ipv6.dst == 2001:db8:ff:2::5 && icmp.type == 8' ipv6.src ip.src | head -1)
[ "$r" = "2001:db8:ff:1::1|198.18.1.10" ] || fail "4-in-6 echo request on 4341 (got '$r')"
r=$(tsh l2 'ip.dst == 203.0.113.5 && icmpv6.type == 128' ip.src ipv6.src | head -1)
[ "$r" = "203.0.113.1|2001:db8:1::10" ] || fail "6-in-4 echo request on 4341 (got '$r')"
pass "4-in-6 and 6-in-4 encapsulation on the wire, pings answered"

ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc.json"
jq -e '(.[] | select(.eid_prefix == "2001:db8:2::/48") | .locators[0].address == "203.0.113.5") and
    (.[] | select(.eid_prefix == "198.18.2.0/24") | .locators[0].address == "2001:db8:ff:2::5")' \
    "$NETNS_TMP/mc.json" >/dev/null || fail "map-cache: $(cat "$NETNS_TMP/mc.json")"
ctl lisp1 "$S1" show map-cache | grep -q 'LISP IPv6 Mapping Cache, 1 entries' || fail "text view IPv6 section"
pass "map-cache holds both families"
locid_stop lisp1
in_ns lisp1 ip -6 rule | grep -q 'lookup 100' && fail "IPv6 rules left after stop"
pass "IPv6 rules removed on stop"
echo "t_xtr_v6: all passed"
