#!/bin/sh
# PITR and PETR (RFC 6832) in the pxtr lab (examples/pxtr-lab/), asserted on
# captures, pings and locictl.
#
#                               pxtr 203.0.113.9 / 2001:db8:ff:9::1  (PITR+PETR)
#                                 | (mapserver .10)
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  |  .6/.5, .14/.13  .2.1    .2.10
#                              nonlisp 198.51.100.1, 2001:db8:ff:100::1
#  the underlay (mapserver) routes 198.18.0.0/15, 2001:db8:1::/48 and
#  2001:db8:2::/48 to the pxtr; lisp1 and lisp2 have use-petr 203.0.113.9.
#
# steps: nonlisp -> hostA: the PITR sends a Map-Request with the p bit,
# lisp1 answers it directly, the echo request is encapsulated pxtr -> lisp1;
# the reply hits lisp1's negative natively-forward entry and is
# encapsulated lisp1 -> pxtr (no throw route), the PETR forwards it
# natively; the same over IPv6; a spoofed inner source at the PETR is
# dropped and counted; unregistered EID space at the PITR is dropped.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-px_}
. tests/netns/lib.sh
trap_cleanup

topo_pxtr_lab
for n in lisp1 lisp2 mapserver pxtr; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/pxtr-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
S1="$NETNS_TMP/lisp1.sock"; SM="$NETNS_TMP/mapserver.sock"; SP="$NETNS_TMP/pxtr.sock"

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
locid_start pxtr "$NETNS_TMP/pxtr.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 4'" ||
    fail "both sites registered"
wait_until 5 "[ -S $SP ]" || fail "pxtr did not start"
pass "lisp1, lisp2 registered; pxtr up"

# the PITR's kernel state: pitr-prefix routes to the TUN behind a from-all rule
in_ns pxtr ip rule | grep -q '^100:.*from all lookup 100' || fail "from-all rule: $(in_ns pxtr ip rule)"
in_ns pxtr ip rule | grep -q '^99:.*lookup main suppress_prefixlength 0' || fail "suppress rule"
in_ns pxtr ip route show table 100 | grep -q '^198.18.0.0/15 dev lisp0' || fail "pitr-prefix route"
in_ns pxtr ip -6 route show table 100 | grep -q '^2001:db8:1::/48 dev lisp0' || fail "IPv6 pitr-prefix route"
pass "PITR: pitr-prefix routes in table 100 behind 'from all lookup 100'"
ctl pxtr "$SP" --json show database >"$NETNS_TMP/pdb.json"
jq -e '.mappings == [] and .proxy.pitr and .proxy.petr and
    .proxy.rlocs == ["203.0.113.9", "2001:db8:ff:9::1"] and .proxy.routes_installed == 3 and
    .proxy.pitr_prefixes == ["198.18.0.0/15", "2001:db8:1::/48", "2001:db8:2::/48"]' \
    "$NETNS_TMP/pdb.json" >/dev/null || fail "pxtr show database: $(cat "$NETNS_TMP/pdb.json")"
pass "show database: the proxy's RLOCs (from the interface towards the MR) and prefixes"


# 1. nonlisp -> hostA through the PITR, reply through the PETR
cap_start px mapserver eth5
cap_start l1 mapserver eth1
cap_start nl mapserver eth3
in_ns nonlisp ping -c1 -W2 198.18.1.10 >/dev/null 2>&1 || fail "first ping nonlisp -> hostA lost"
in_ns nonlisp ping -c3 -i 0.2 -W1 198.18.1.10 >/dev/null 2>&1 || fail "pings nonlisp -> hostA"
cap_stop px; cap_stop l1; cap_stop nl
pass "nonlisp -> hostA answered, the first ping too"

r=$(tsh px 'lisp.type == 8 && lisp.mreq.record.prefix.ipv4 == 198.18.1.10' ip.src ip.dst \
    lisp.mreq.flags.pitr lisp.mreq.srceid.ipv4 lisp.mreq.itr_rloc_ipv4 | head -1)
case $r in
"203.0.113.9,203.0.113.9|203.0.113.10,198.18.1.10|1|198.51.100.1|203.0.113.9") ;;
*) fail "PITR ECM Map-Request with the p bit (got '$r')" ;;
esac
r=$(tsh px 'lisp.type == 2 && lisp.mrep.flags.probe == 0' ip.src ip.dst lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen lisp.mapping.auth | head -1)
[ "$r" = "203.0.113.1|203.0.113.9|198.18.1.0|24|1" ] || fail "Map-Reply lisp1 -> pxtr direct (got '$r')"
pass "PITR Map-Request carries the p bit; lisp1 replies straight to the PITR"

r=$(tsh l1 'udp.dstport == 4341 && icmp.type == 8' ip.src ip.dst udp.checksum | head -1)
[ "$r" = "203.0.113.9,198.51.100.1|203.0.113.1,198.18.1.10|0x0000" ] ||
    fail "echo request encapsulated pxtr -> lisp1 (got '$r')"
r=$(tsh l1 'udp.dstport == 4341 && icmp.type == 0' ip.src ip.dst | head -1)
[ "$r" = "203.0.113.1,198.18.1.10|203.0.113.9,198.51.100.1" ] ||
    fail "echo reply encapsulated lisp1 -> PETR (got '$r')"
[ -z "$(tsh l1 'icmp && !lisp-data' frame.number)" ] || fail "unencapsulated ICMP on lisp1's uplink"
n=$(tsh l1 'udp.dstport == 4341 && icmp.type == 0' frame.number | wc -l)
[ "$n" -eq 4 ] || fail "4 encapsulated replies to the PETR (saw $n)"
r=$(tsh nl 'icmp.type == 0' ip.src ip.dst lisp-data | sort -u)
[ "$r" = "198.18.1.10|198.51.100.1|" ] || fail "the PETR forwards the reply natively (got '$r')"
r=$(tsh px 'icmp.type == 0 && !lisp-data' ip.src ip.dst | sort -u)
[ "$r" = "198.18.1.10|198.51.100.1" ] || fail "native reply leaves the pxtr (got '$r')"
pass "encapsulated pxtr -> lisp1 on 4341; reply lisp1 -> PETR on 4341, then native to nonlisp"

ctl pxtr "$SP" --json show map-cache >"$NETNS_TMP/pmc.json"
jq -e '.[] | select(.eid_prefix == "198.18.1.0/24") | .state == "complete" and
    .locators[0].address == "203.0.113.1" and .locators[0].encap_packets == 4' "$NETNS_TMP/pmc.json" >/dev/null ||
    fail "pxtr map-cache: $(cat "$NETNS_TMP/pmc.json")"
ctl lisp1 "$S1" --json show map-cache 198.51.100.1 >"$NETNS_TMP/neg.json"
jq -e '.[0] | .eid_prefix == "198.32.0.0/11" and .state == "negative" and
    .action == "natively-forward" and .packets == 4' "$NETNS_TMP/neg.json" >/dev/null ||
    fail "lisp1 negative entry: $(cat "$NETNS_TMP/neg.json")"
in_ns lisp1 ip route show table 100 | grep -q '^throw' && fail "throw route with use-petr"
ctl pxtr "$SP" --json show stats >"$NETNS_TMP/pst.json"
jq -e '.xtr.decap_packets == 4 and .xtr.petr_packets == 4 and .xtr.encap_packets == 4 and .tx.ecm >= 1' \
    "$NETNS_TMP/pst.json" >/dev/null ||
    fail "pxtr stats: $(jq -c .xtr "$NETNS_TMP/pst.json")"
pass "map-caches: pxtr 198.18.1.0/24 -> 203.0.113.1; lisp1 198.32.0.0/11 to the PETR, no throw route"
if [ "$DATAPLANE" = ebpf ]; then
	# the established flow: the PITR's encapsulation and the PETR's
	# decapsulation in the BPF program, the TUN path's counters still
	q='.xtr | [.ebpf.pitr_packets, .ebpf.petr_packets, .encap_packets - .ebpf.encap_packets,
	    .petr_packets - .ebpf.petr_packets] | @tsv'
	a=$(ctl pxtr "$SP" --json show stats | jq -r "$q")
	in_ns nonlisp ping -c5 -i 0.2 -W2 198.18.1.10 >/dev/null 2>&1 || fail "pings nonlisp -> hostA"
	b=$(ctl pxtr "$SP" --json show stats | jq -r "$q")
	printf '%s\n%s\n' "$a" "$b" | awk -F'\t' '{ p[NR] = $1; e[NR] = $2; t[NR] = $3; u[NR] = $4 }
	    END { exit !(p[2] - p[1] >= 5 && e[2] - e[1] >= 5 && t[2] == t[1] && u[2] == u[1]) }' ||
	    fail "pxtr BPF counters (pitr, petr, tun encap, tun petr): $a -> $b"
	pass "ebpf: PITR encapsulation and PETR decapsulation in the BPF program, TUN counters unchanged"
fi

# 2. the same over IPv6: 6-in-6 from the PITR, 6-in-4 to the PETR
cap_start l1v6 mapserver eth1
in_ns nonlisp ping -6 -c2 -i 0.2 -W2 2001:db8:1::10 >/dev/null 2>&1 || fail "ping6 nonlisp -> hostA"
cap_stop l1v6
r=$(tsh l1v6 'udp.dstport == 4341 && icmpv6.type == 128' ipv6.src ipv6.dst | head -1)
[ "$r" = "2001:db8:ff:9::1,2001:db8:ff:100::1|2001:db8:ff:1::1,2001:db8:1::10" ] ||
    fail "echo request 6-in-6 pxtr -> lisp1 (got '$r')"
r=$(tsh l1v6 'udp.dstport == 4341 && icmpv6.type == 129' ip.src ip.dst ipv6.src ipv6.dst | head -1)
[ "$r" = "203.0.113.1|203.0.113.9|2001:db8:1::10|2001:db8:ff:100::1" ] ||
    fail "echo reply 6-in-4 lisp1 -> PETR (got '$r')"
pass "IPv6: nonlisp -> hostA 6-in-6 through the PITR, reply 6-in-4 through the PETR"

# 3. a spoofed inner source at the PETR is dropped and counted
cap_start spoof mapserver eth3
in_ns mapserver python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ip = bytes([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 198, 51, 100, 66, 198, 51, 100, 1]) + \
    bytes([0x30, 0x39, 0x30, 0x39, 0, 8, 0, 0])
for i in range(3):
    s.sendto(b"\x08\x00\x00\x00\x00\x00\x00\x00" + ip, ("203.0.113.9", 4341))
PY
wait_until 5 "ctl pxtr $SP --json show stats | jq -e '.drops[\"petr: inner source not in petr-prefix EID space\"] == 3'" ||
    fail "spoofed drops counted: $(ctl pxtr "$SP" --json show stats | jq -c .drops)"
cap_stop spoof
[ -z "$(tsh spoof 'ip.src == 198.51.100.66' frame.number)" ] || fail "spoofed packet forwarded"
grep -q 'petr: packet from 198.51.100.66 to 198.51.100.1 dropped' "$NETNS_TMP/pxtr.log" ||
    fail "spoofed drop logged"
pass "PETR: 3 packets with inner source 198.51.100.66 dropped, counted and logged"

# 4. EID space nobody registered: negative at the PITR, dropped, not looped
in_ns nonlisp ping -c2 -i 0.3 -W1 198.18.77.1 >/dev/null 2>&1 && fail "ping to unregistered EID answered"
wait_until 5 "ctl pxtr $SP --json show stats | jq -e '.drops[\"pitr: no LISP site for the destination\"] >= 1'" ||
    fail "unregistered EID drop: $(ctl pxtr "$SP" --json show stats | jq -c .drops)"
ctl pxtr "$SP" --json show map-cache 198.18.77.1 >"$NETNS_TMP/pneg.json"
jq -e '.[0] | .state == "negative" and .action == "natively-forward"' "$NETNS_TMP/pneg.json" >/dev/null ||
    fail "pxtr negative entry: $(cat "$NETNS_TMP/pneg.json")"
pass "PITR: unregistered EID $(jq -r '.[0].eid_prefix' "$NETNS_TMP/pneg.json") negative, dropped, not looped"

# 5. a reload re-installs the same kernel state, once, and traffic goes on
ctl pxtr "$SP" reload >/dev/null || fail "reload pxtr"
[ "$(in_ns pxtr ip rule | grep -c 'from all lookup 100')" -eq 1 ] || fail "one from-all rule after reload: $(in_ns pxtr ip rule)"
[ "$(in_ns pxtr ip route show table 100 | grep -c '^198.18.0.0/15 dev lisp0')" -eq 1 ] || fail "pitr-prefix route after reload"
in_ns nonlisp ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "nonlisp -> hostB after the reload"
pass "reload: rules and routes re-installed once; nonlisp -> hostB through the PxTR"

# 5b. the PITR is a row of its own: a reload without it stops only that
# row and takes its routes away; a reload with it starts it and puts them back
cp "$NETNS_TMP/pxtr.conf" "$NETNS_TMP/pxtr.orig"
sed -i 's|^role pitr$|# role pitr|' "$NETNS_TMP/pxtr.conf"
ctl pxtr "$SP" --json reload >"$NETNS_TMP/rl1.json" || fail "reload pxtr without pitr"
jq -e '.roles.pitr == "stopped" and .roles.petr == "reconfigured" and .roles.xtr == "reconfigured"' \
    "$NETNS_TMP/rl1.json" >/dev/null || fail "reload without pitr: $(cat "$NETNS_TMP/rl1.json")"
[ -z "$(in_ns pxtr ip route show table 100 2>/dev/null)" ] ||
    fail "pitr-prefix routes left after the pitr row stopped: $(in_ns pxtr ip route show table 100)"
in_ns pxtr ip rule | grep -q 'from all lookup 100' && fail "from-all rule left: $(in_ns pxtr ip rule)"
cp "$NETNS_TMP/pxtr.orig" "$NETNS_TMP/pxtr.conf"
ctl pxtr "$SP" --json reload >"$NETNS_TMP/rl2.json" || fail "reload pxtr with pitr"
jq -e '.roles.pitr == "started"' "$NETNS_TMP/rl2.json" >/dev/null ||
    fail "reload with pitr: $(cat "$NETNS_TMP/rl2.json")"
[ "$(in_ns pxtr ip route show table 100 | grep -c '^198.18.0.0/15 dev lisp0')" -eq 1 ] ||
    fail "pitr-prefix route after the pitr row started again"
wait_until 5 "in_ns nonlisp ping -c1 -W1 198.18.2.10 >/dev/null 2>&1" || fail "nonlisp -> hostB after pitr came back"
pass "reload: the pitr row stopped (routes gone, petr kept) and started again (routes back, traffic flows)"

# 6. stopping the proxy removes its rules and routes
locid_stop pxtr
in_ns pxtr ip rule | grep -q 'lookup 100\|suppress_prefixlength' && fail "ip rules left: $(in_ns pxtr ip rule)"
[ -z "$(in_ns pxtr ip route show table 100 2>/dev/null)" ] || fail "routes left in table 100"
pass "PITR kernel state removed when locid stops"
echo "t_pxtr: all passed"
