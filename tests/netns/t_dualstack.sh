#!/bin/sh
# dual stack in the pxtr lab (examples/pxtr-lab/): IPv6 EID-prefixes and
# RLOCs in registration, resolution, negative answers and the data plane,
# 6-in-6, then 6-in-4 and 4-in-6 after lisp2 changes its priorities.
#
#  hostA ----- lisp1 ============ mapserver ============ lisp2 ----- hostB
#  2001:db8:1::10   2001:db8:ff:1::1/::2  |  ::2/2001:db8:ff:2::1   2001:db8:2::10
#  198.18.1.10      203.0.113.1/.2        |  .6/203.0.113.5         198.18.2.10
#                                    pxtr 203.0.113.9 (PITR+PETR), nonlisp
#  lisp1: 2001:db8:1::/48 prefers 2001:db8:ff:1::1, 198.18.1.0/24 203.0.113.1
#  lisp2: 2001:db8:2::/48 prefers 2001:db8:ff:2::1, 198.18.2.0/24 203.0.113.5
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-ds_}
. tests/netns/lib.sh
trap_cleanup

topo_pxtr_lab
for n in lisp1 lisp2 mapserver pxtr; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/pxtr-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
locid_start pxtr "$NETNS_TMP/pxtr.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 4'" ||
    fail "both sites registered with both prefixes"
ctl mapserver "$SM" --json show site >"$NETNS_TMP/site.json"
jq -e '[.[] | select(.registered) | .eid_prefix] | index("2001:db8:2::/48") != null' \
    "$NETNS_TMP/site.json" >/dev/null || fail "IPv6 EID-prefix registered: $(cat "$NETNS_TMP/site.json")"
pass "IPv4 and IPv6 EID-prefixes registered"

in_ns lisp1 ip -6 rule | grep -q 'from 2001:db8:1::/48 lookup 100' || fail "IPv6 from-EID rule: $(in_ns lisp1 ip -6 rule)"
in_ns lisp1 ip -6 route show table 100 | grep -q '^default dev lisp0' || fail "IPv6 default route to the TUN"
pass "IPv6 policy routing: from 2001:db8:1::/48 lookup 100, default dev lisp0"


# 1. IPv6 EID to EID over IPv6 RLOCs (6-in-6), first ping answered
cap_start a mapserver eth1
cap_start b mapserver eth2
in_ns hostA ping -6 -c1 -W2 2001:db8:2::10 >/dev/null 2>&1 || fail "first ping6 hostA -> hostB lost"
in_ns hostA ping -6 -c3 -i 0.2 -W1 2001:db8:2::10 >/dev/null 2>&1 || fail "ping6 hostA -> hostB"
cap_stop a; cap_stop b
r=$(tsh a 'lisp.type == 8 && lisp.mreq.record.prefix.ipv6 == 2001:db8:2::10' ip.src ip.dst \
    lisp.mreq.srceid_ipv6 lisp.mreq.itr_rloc_ipv4 lisp.mreq.itr_rloc_ipv6 | head -1)
[ "$r" = "203.0.113.1|203.0.113.2|2001:db8:1::10|203.0.113.1|2001:db8:ff:1::1" ] ||
    fail "ECM Map-Request for 2001:db8:2::10 with both ITR-RLOCs (got '$r')"
r=$(tsh b 'lisp.type == 2 && lisp.mrep.flags.probe == 0 && lisp.mapping.eid.ipv6 == 2001:db8:2::' ip.src ip.dst lisp.mapping.eid.masklen \
    lisp.loc.priority lisp.loc.locator | head -1)
[ "$r" = "203.0.113.5|203.0.113.1|48|2,3,1|203.0.113.5,203.0.113.13,2001:db8:ff:2::1" ] ||
    fail "Map-Reply for 2001:db8:2::/48 from lisp2 (got '$r')"
r=$(tsh a 'udp.dstport == 4341 && icmpv6.type == 128' ipv6.src ipv6.dst ip.src udp.checksum | head -1)
[ "$r" = "2001:db8:ff:1::1,2001:db8:1::10|2001:db8:ff:2::1,2001:db8:2::10||0x0000" ] ||
    fail "echo request 6-in-6 lisp1 -> lisp2 (got '$r')"
r=$(tsh b 'udp.dstport == 4341 && icmpv6.type == 129' ipv6.src ipv6.dst | head -1)
[ "$r" = "2001:db8:ff:2::1,2001:db8:2::10|2001:db8:ff:1::1,2001:db8:1::10" ] ||
    fail "echo reply 6-in-6 lisp2 -> lisp1 (got '$r')"
[ -z "$(tsh a 'icmpv6.type == 128 && !lisp-data' frame.number)" ] || fail "IPv6 EID traffic leaked natively"
pass "IPv6 EID -> EID: Map-Request with IPv4+IPv6 ITR-RLOCs, 6-in-6 on 4341 both ways"

ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc1.json"
jq -e '.[] | select(.eid_prefix == "2001:db8:2::/48") | .state == "complete" and
    .source == "map-reply" and .authoritative and (.locators | length) == 3 and
    (.locators[] | select(.address == "2001:db8:ff:2::1") | .priority == 1 and .state == "up" and
    .encap_packets == 4) and
    (.locators[] | select(.address == "203.0.113.5") | .priority == 2 and .encap_packets == 0) and
    (.locators[] | select(.address == "203.0.113.13") | .priority == 3)' "$NETNS_TMP/mc1.json" >/dev/null ||
    fail "lisp1 map-cache 2001:db8:2::/48: $(cat "$NETNS_TMP/mc1.json")"
ctl lisp2 "$S2" --json show map-cache 2001:db8:1::10 >"$NETNS_TMP/mc2.json"
jq -e '.[0] | .eid_prefix == "2001:db8:1::/48" and .state == "complete"' "$NETNS_TMP/mc2.json" >/dev/null ||
    fail "lisp2 map-cache 2001:db8:1::/48: $(cat "$NETNS_TMP/mc2.json")"
pass "locictl --json show map-cache: 2001:db8:2::/48 with three locators, IPv6 one in use"
fastpath_check hostA 2001:db8:2::10 lisp1 "$S1" lisp2 "$S2" -6

# 2. a negative IPv6 prefix: the non-LISP host goes through the PETR (6-in-4)
cap_start n mapserver eth1
in_ns hostA ping -6 -c2 -i 0.3 -W2 2001:db8:ff:100::1 >/dev/null 2>&1 || fail "ping6 hostA -> nonlisp"
cap_stop n
r=$(tsh n 'lisp.type == 2 && lisp.mrep.flags.probe == 0 && ip.dst == 203.0.113.1' ip.src lisp.mapping.eid.ipv6 lisp.mapping.eid.masklen \
    lisp.mapping.act lisp.mapping.ttl lisp.mapping.loccnt | head -1)
[ "$r" = "203.0.113.2|2001:db8:80::|41|1|15|0" ] ||
    fail "negative Map-Reply 2001:db8:80::/41 natively-forward TTL 15 (got '$r')"
ctl lisp1 "$S1" --json show map-cache 2001:db8:ff:100::1 >"$NETNS_TMP/neg.json"
jq -e '.[0] | .eid_prefix == "2001:db8:80::/41" and .state == "negative" and
    .action == "natively-forward" and .packets == 2' "$NETNS_TMP/neg.json" >/dev/null ||
    fail "negative IPv6 entry: $(cat "$NETNS_TMP/neg.json")"
r=$(tsh n 'udp.dstport == 4341 && icmpv6.type == 128' ip.src ip.dst ipv6.src ipv6.dst | head -1)
[ "$r" = "203.0.113.1|203.0.113.9|2001:db8:1::10|2001:db8:ff:100::1" ] ||
    fail "IPv6 echo request 6-in-4 to the PETR (got '$r')"
pass "negative 2001:db8:80::/41 natively-forward cached; IPv6 to non-LISP goes 6-in-4 to the PETR"

# 3. lisp2 prefers the other family: 6-in-4 and 4-in-6
sed -e 's/203.0.113.5 priority 1/203.0.113.5 priority P2/' \
    -e 's/203.0.113.5 priority 2/203.0.113.5 priority P1/' \
    -e 's/2001:db8:ff:2::1 priority 1/2001:db8:ff:2::1 priority P2/' \
    -e 's/2001:db8:ff:2::1 priority 2/2001:db8:ff:2::1 priority P1/' \
    -e 's/priority P/priority /' "$NETNS_TMP/lisp2.conf" >"$NETNS_TMP/lisp2.new"
mv "$NETNS_TMP/lisp2.new" "$NETNS_TMP/lisp2.conf"
ctl lisp2 "$S2" reload >/dev/null || fail "reload lisp2"
wait_until 10 "ctl lisp2 $S2 --json show database | jq -e '.mappings[] | select(.eid_prefix == \"2001:db8:2::/48\") |
    .locators[] | select(.address == \"203.0.113.5\") | .priority == 1'" ||
    fail "lisp2 reloaded with swapped priorities"
sleep 0.5	# the quick Map-Register after the reload
ctl lisp1 "$S1" clear map-cache >/dev/null || fail "clear map-cache"
cap_start c mapserver eth1
in_ns hostA ping -6 -c2 -i 0.2 -W2 2001:db8:2::10 >/dev/null 2>&1 || fail "ping6 hostA -> hostB over IPv4 RLOCs"
in_ns hostA ping -c2 -i 0.2 -W2 198.18.2.10 >/dev/null 2>&1 || fail "ping hostA -> hostB over IPv6 RLOCs"
cap_stop c
r=$(tsh c 'udp.dstport == 4341 && icmpv6.type == 128' ip.src ip.dst ipv6.src ipv6.dst | head -1)
[ "$r" = "203.0.113.1|203.0.113.5|2001:db8:1::10|2001:db8:2::10" ] ||
    fail "6-in-4: IPv6 echo request in IPv4 lisp1 -> lisp2 (got '$r')"
r=$(tsh c 'udp.dstport == 4341 && icmp.type == 8' ipv6.src ipv6.dst ip.src ip.dst | head -1)
[ "$r" = "2001:db8:ff:1::1|2001:db8:ff:2::1|198.18.1.10|198.18.2.10" ] ||
    fail "4-in-6: IPv4 echo request in IPv6 lisp1 -> lisp2 (got '$r')"
ctl lisp1 "$S1" --json show map-cache 2001:db8:2::10 >"$NETNS_TMP/mc3.json"
jq -e '.[0].locators[] | select(.address == "203.0.113.5") | .priority == 1 and .encap_packets == 2' \
    "$NETNS_TMP/mc3.json" >/dev/null || fail "map-cache after the change: $(cat "$NETNS_TMP/mc3.json")"
pass "6-in-4 and 4-in-6 after lisp2 swapped its RLOC priorities"
fastpath_check hostA 2001:db8:2::10 lisp1 "$S1" lisp2 "$S2" -6
fastpath_check hostA 198.18.2.10 lisp1 "$S1" lisp2 "$S2"

# 4. ICMPv6 packet-too-big from the ITR when a packet does not fit the path
in_ns lisp1 ip link set lisp0 mtu 1500	# larger than the IPv6 underlay allows
in_ns hostA ip -6 route flush cache
in_ns hostA ping -6 -c1 -W2 -s 1450 -M do 2001:db8:2::10 >"$NETNS_TMP/ptb" 2>&1
grep -q 'From 2001:db8:ff:1::1 .*Packet too big: mtu=1464' "$NETNS_TMP/ptb" ||
    fail "ICMPv6 packet-too-big from lisp1: $(cat "$NETNS_TMP/ptb")"
ctl lisp1 "$S1" --json show stats | jq -e '.xtr.icmp_too_big == 1 and
    .drops["itr: packet larger than the tunnel MTU"] == 1' >/dev/null ||
    fail "too-big counted: $(ctl lisp1 "$S1" --json show stats | jq -c '[.xtr, .drops]')"
in_ns lisp1 ip link set lisp0 mtu 1444
pass "IPv6 packet of 1498 octets on the 6-in-4 path (1464): packet-too-big mtu=1464 from lisp1's RLOC"

# 5. the control plane over IPv6: lisp1 registers and resolves through
# 2001:db8:ff:1::2 and uses the PETR's IPv6 RLOC
sed -e 's/map-server 203.0.113.2/map-server 2001:db8:ff:1::2/' \
    -e 's/map-resolver 203.0.113.2/map-resolver 2001:db8:ff:1::2/' \
    -e 's/use-petr 203.0.113.9/use-petr 2001:db8:ff:9::1/' "$NETNS_TMP/lisp1.conf" >"$NETNS_TMP/lisp1.new"
mv "$NETNS_TMP/lisp1.new" "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null || fail "reload lisp1"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.site == \"lisp1\" and
    .who_last_registered == \"2001:db8:ff:1::1\")] | length == 2'" ||
    fail "lisp1 registered over IPv6: $(ctl mapserver "$SM" --json show site | jq -c .)"
ctl lisp1 "$S1" --json show database | jq -e '.map_servers[0].map_server == "2001:db8:ff:1::2" and
    .map_servers[0].state == "registered"' >/dev/null || fail "lisp1 database: map-server over IPv6"
ctl lisp1 "$S1" clear map-cache >/dev/null
cap_start v6c mapserver eth1
in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "ping hostA -> hostB, resolved over IPv6"
in_ns hostA ping -6 -c1 -W2 2001:db8:ff:100::1 >/dev/null 2>&1 || fail "ping6 hostA -> nonlisp via the IPv6 PETR"
cap_stop v6c
r=$(tsh v6c 'lisp.type == 8 && lisp.mreq.record.prefix.ipv4 == 198.18.2.10' ipv6.src ipv6.dst udp.dstport | head -1)
[ "$r" = "2001:db8:ff:1::1|2001:db8:ff:1::2|4342,4342" ] || fail "ECM Map-Request over IPv6 (got '$r')"
r=$(tsh v6c 'udp.dstport == 4341 && icmpv6.type == 128' ipv6.src ipv6.dst | head -1)
[ "$r" = "2001:db8:ff:1::1,2001:db8:1::10|2001:db8:ff:9::1,2001:db8:ff:100::1" ] ||
    fail "IPv6 to non-LISP 6-in-6 to the PETR's IPv6 RLOC (got '$r')"
pass "IPv6 control plane: Map-Register and ECM Map-Request over IPv6; use-petr 2001:db8:ff:9::1"
# lig of an IPv6 EID over IPv4: the inner IPv6 source is an address of
# this host, not :: (issue 10 item 5)
cap_start lg mapserver eth1 'udp port 4342'
ctl lisp1 "$S1" lig -c1 -m 203.0.113.2 2001:db8:2::10 >"$NETNS_TMP/lig6.txt" ||
    fail "lig 6-over-4: $(cat "$NETNS_TMP/lig6.txt")"
cap_stop lg
r=$(tsh lg 'lisp.type == 8 && ip.dst == 203.0.113.2' ipv6.src ipv6.dst | head -1)
case $r in
"::|"*|"") fail "lig 6-over-4 inner source (got '$r')" ;;
*"|2001:db8:2::10") ;;
*) fail "lig 6-over-4 inner header (got '$r')" ;;
esac
pass "lig: an IPv6 EID asked over IPv4 has a real inner IPv6 source (${r%%|*})"
echo "t_dualstack: all passed"
