#!/bin/sh
# NAT traversal, detection (issue 12 items 1, 2 and 4): an xTR behind an
# nftables source NAT (masquerade with random ports) finds out by
# Info-Request that it is behind a NAT, which address and port the NAT
# maps it to and which RTRs the Map-Server offers; a lost binding (the
# NAT's conntrack flushed) is noticed by the periodic Info-Request.
#
#  hostA --- xtrA ------------- nat =============== ms ============ rtr
#  .1.10  .1.1  198.19.0.2/24  .1  203.0.113.1/30  .2  .10  203.0.113.9/30
#  EID 198.18.1.0/24           masquerade          map-server   (+ pitr, petr)
#                                                  map-resolver
#                                                  nat-rtr .9
#                                                     | .6
#                                     hostB --- xtrB  203.0.113.5/30
#                                    .2.10  .2.1   EID 198.18.2.0/24
#
# Then the xTR registers through the RTR: the ECM'd Map-Register (R) from
# the data port, relayed (N) to the MS, the MS's ECM'd Map-Notify back to
# the RTR and on to the xTR as a Data-Map-Notify, all decoded by tshark;
# the MS shows the site registered with the RTR as its locator, the xTR
# its registration acknowledged, the RTR the xTR's NAT state. Pings both
# ways between hostA and hostB cross through the RTR: out, hostA's xTR
# sends everything to the RTR; in, the MS answers for hostA's EID with the
# RTR, which sends on through the NAT's binding from UDP 4342.
# Checks: show nat (JSON against its schema, and text): behind-nat, the
# global address and port the NAT's conntrack shows, the RTR list; the
# Info-Request and the signed Info-Reply decoded by tshark on the NAT's
# outside; the MS's counters; a flushed binding found again with the new
# port and counted; a forged Info-Reply (unknown nonce) dropped and counted.
cd "$(dirname "$0")/../.." || exit 1
. tests/netns/lib.sh
trap_cleanup
for c in jq nft conntrack tshark; do
	command -v $c >/dev/null || { log "skip: no $c"; exit 0; }
done
NS_PREFIX=${NS_PREFIX:-nt_}
T=$NETNS_TMP
. tests/netns/nat_lab.sh
topo_nat_lab
"$LOCID" -n -f "$T/xtrA.conf" 2>/dev/null || fail "locid -n xtrA.conf"
"$LOCID" -n -f "$T/rtr.conf" 2>/dev/null || fail "locid -n rtr.conf"

cap_start outside nat eth0 "udp port 4342"
cap_start rtrside rtr eth0 "udp"
locid_start ms "$T/ms.conf"
locid_start rtr "$T/rtr.conf"
locid_start xtrB "$T/xtrB.conf"
wait_until 10 "ctl ms $T/ms.sock --json show stats" || fail "ms did not come up: $(cat "$T/ms.log")"
wait_until 10 "ctl rtr $T/rtr.sock --json show nat" || fail "rtr did not come up: $(cat "$T/rtr.log")"
locid_start xtrA "$T/xtrA.conf"
wait_until 10 "ctlq xtrA $T/xtrA.sock '.uplinks[0].state == \"behind-nat\"' show nat" ||
    fail "no NAT detected: $(ctl xtrA "$T/xtrA.sock" --json show nat) $(tail -5 "$T/xtrA.log")"

ctl xtrA "$T/xtrA.sock" --json show nat >"$T/nat1.json"
[ -s "$T/nat1.json" ] || fail "no answer: ctl xtrA $T/xtrA.sock --json show nat"
sh tests/schema/match.sh tests/schema/show-nat.schema "$T/nat1.json" || fail "show nat JSON off the schema"
jq -e '.nat_traversal and (.uplinks | length == 1) and .uplinks[0].uplink == "198.19.0.2" and
    .uplinks[0].map_server == "203.0.113.2" and .uplinks[0].global == "203.0.113.1" and
    .uplinks[0].local_port == 4342 and .uplinks[0].rtrs == ["203.0.113.9"] and
    .uplinks[0].replies >= 1' "$T/nat1.json" >/dev/null || fail "show nat: $(cat "$T/nat1.json")"
# the port is the one the NAT's conntrack gave the flow
port1=$(jq .uplinks[0].global_port "$T/nat1.json")
in_ns nat conntrack -L -p udp --orig-src 198.19.0.2 --orig-port-src 4342 2>/dev/null >"$T/ct1.txt"
grep -q "dst=203.0.113.1 sport=4342 dport=$port1 " "$T/ct1.txt" ||
    fail "global port $port1 not the NAT's mapping: $(cat "$T/ct1.txt")"
ctl xtrA "$T/xtrA.sock" show nat >"$T/nat1.txt"
grep -q "^198.19.0.2  *203.0.113.2  *behind-nat  *203.0.113.1:$port1 .* 203.0.113.9\$" "$T/nat1.txt" ||
    fail "show nat text: $(cat "$T/nat1.txt")"
pass "NAT detected: 198.19.0.2 seen as 203.0.113.1:$port1, RTR 203.0.113.9"

# on the wire, outside the NAT: the request from the mapped port, signed,
# with the site's EID-prefix; the reply back to it with the NAT LCAF
cap_stop outside
# the mapped port is random: it may be one tshark gives another dissector
# (2268 is AMT's), so it is decoded as LISP too
tshp() {
	_y=$1; shift; _e=""
	for _x in "$@"; do _e="$_e -e $_x"; done
	tshark -r "$T/outside.pcap" -d "udp.port==$port1,lisp" -Y "$_y" -T fields \
	    -E separator='|' $_e 2>/dev/null
}
tshp "lisp.type == 7 && lisp.info.r == 0 && ip.src == 203.0.113.1" \
    udp.srcport udp.dstport lisp.info.prefix.ipv4 lisp.info.prefix.masklen >"$T/req.txt"
grep -q "^$port1|4342|198.18.1.0|24\$" "$T/req.txt" || fail "info-request on the wire: $(cat "$T/req.txt")"
tshp "lisp.type == 7 && lisp.info.r == 1 && ip.dst == 203.0.113.1" \
    udp.srcport udp.dstport lisp.lcaf.natt.etrport lisp.lcaf.natt.msport lisp.lcaf.natt.rloc.ipv4 >"$T/rep.txt"
grep -q "^4342|$port1|$port1|4342|203.0.113.1,203.0.113.2,203.0.113.9\$" "$T/rep.txt" ||
    fail "info-reply on the wire: $(cat "$T/rep.txt")"
ctl ms "$T/ms.sock" --json show stats >"$T/st.json"
[ -s "$T/st.json" ] || fail "no answer: ctl ms $T/ms.sock --json show stats"
sh tests/schema/match.sh tests/schema/show-stats.schema "$T/st.json" || fail "show stats JSON off the schema"
jq -e '.map_server_nat.info_replies >= 1 and .map_server_nat.info_replies_unauthenticated == 0' \
    "$T/st.json" >/dev/null || fail "ms info counters: $(cat "$T/st.json")"
pass "info-request/reply decoded by tshark"

# registration through the RTR: the MS has the site with the RTR as its
# locator, the xTR got its Map-Notify (a Data-Map-Notify from the RTR),
# the RTR verified the xTR's NAT state
wait_until 15 "ctlq xtrA $T/xtrA.sock '.map_servers[0].notifies >= 1' show database" ||
    fail "no map-notify through the rtr: $(ctl xtrA "$T/xtrA.sock" --json show database | jq -c .map_servers) $(tail -5 "$T/rtr.log")"
ctl ms "$T/ms.sock" --json show site --detail >"$T/site.json"
[ -s "$T/site.json" ] || fail "no answer: ctl ms $T/ms.sock --json show site --detail"
jq -e '.[] | select(.eid_prefix == "198.18.1.0/24" and .registered) | .details[] |
    select(.locators | map(.address) == ["203.0.113.9"]) | select(.proxy_reply)' "$T/site.json" >/dev/null ||
    fail "ms site not registered with the rtr as locator: $(cat "$T/site.json")"
ctl rtr "$T/rtr.sock" --json show nat >"$T/rtr.json"
[ -s "$T/rtr.json" ] || fail "no answer: ctl rtr $T/rtr.sock --json show nat"
sh tests/schema/match.sh tests/schema/show-nat.schema "$T/rtr.json" || fail "rtr show nat JSON off the schema"
jq -e '.rtr and (.xtrs | length == 1) and .xtrs[0].state == "verified" and
    .xtrs[0].global == "203.0.113.1" and .xtrs[0].private == "198.19.0.2" and
    .xtrs[0].eid_prefixes == ["198.18.1.0/24"] and .xtrs[0].map_server == "203.0.113.2"' \
    "$T/rtr.json" >/dev/null || fail "rtr show nat: $(cat "$T/rtr.json")"
dport=$(jq .xtrs[0].global_port "$T/rtr.json")
# that port is the NAT's binding of the xTR's data port 4341
in_ns nat conntrack -L -p udp --orig-src 198.19.0.2 --orig-port-src 4341 2>/dev/null |
    grep -q "dst=203.0.113.1 sport=4342 dport=$dport " || fail "rtr's port $dport not the binding of 4341"
ctl rtr "$T/rtr.sock" show nat | grep -q "verified  *203.0.113.1:$dport  *198.19.0.2 .* 198.18.1.0/24\$" ||
    fail "rtr show nat text: $(ctl rtr "$T/rtr.sock" show nat)"
cap_stop rtrside
tshr() {
	_y=$1; shift; _e=""
	for _x in "$@"; do _e="$_e -e $_x"; done
	tshark -r "$T/rtrside.pcap" -d "udp.port==$dport,lisp" -Y "$_y" -T fields \
	    -E separator='|' $_e 2>/dev/null
}
# in: the ECM (R) from the NAT's binding of 4341, a Map-Register inside
# from the private address to the MS, its locator the RTR
tshr "ip.src == 203.0.113.1 && udp.dstport == 4342 && lisp.type == 8" \
    udp.srcport ip.src ip.dst lisp.type lisp.loc.locator >"$T/ecm-in.txt"
grep -q "^$dport,4342|203.0.113.1,198.19.0.2|203.0.113.9,203.0.113.2|8,3|203.0.113.9\$" "$T/ecm-in.txt" ||
    fail "ecm'd map-register at the rtr: $(cat "$T/ecm-in.txt")"
# relayed to the MS, and the ECM'd Map-Notify back, both with S and the
# MS-RTR authentication data (ms-rtr-auth required): tshark stops at the
# AD, so msrtr_check.py decodes them and checks the HMAC with the key
tshr "ip.src == 203.0.113.9 && ip.dst == 203.0.113.2 && lisp.type == 8 && lisp.ecm.flags.sec == 1" \
    udp.payload >"$T/ecm-relay.txt"
[ -s "$T/ecm-relay.txt" ] || fail "no signed relay to the ms: $(tshr "ip.dst == 203.0.113.2" ip.src lisp.type)"
python3 tests/netns/msrtr_check.py ms-rtr-s3cret 3 $(cat "$T/ecm-relay.txt") >"$T/relay-ad.txt" ||
    fail "relay to the ms: $(cat "$T/relay-ad.txt")"
tshr "ip.src == 203.0.113.10 && ip.dst == 203.0.113.9 && udp.srcport == 4342 && lisp.type == 8 && lisp.ecm.flags.sec == 1" \
    udp.payload >"$T/ecm-notify.txt"
[ -s "$T/ecm-notify.txt" ] || fail "no signed map-notify to the rtr"
python3 tests/netns/msrtr_check.py ms-rtr-s3cret 4 $(cat "$T/ecm-notify.txt") >"$T/notify-ad.txt" ||
    fail "ecm'd map-notify to the rtr: $(cat "$T/notify-ad.txt")"
ctlq rtr "$T/rtr.sock" '.rtr.notifies_authenticated >= 1 and .rtr.notifies_authenticated == .rtr.notifies_relayed' show stats ||
    fail "rtr authenticated notifies: $(ctl rtr "$T/rtr.sock" --json show stats | jq -c .rtr)"
# out: the Data-Map-Notify from 4342 to the binding, IID 0xFFFFFF
tshark -r "$T/rtrside.pcap" -d "udp.port==$dport,lisp-data" \
    -Y "ip.dst == 203.0.113.1 && udp.srcport == 4342 && lisp-data.iid == 0xffffff" \
    -T fields -e udp.dstport 2>/dev/null | head -1 >"$T/dmn.txt"
grep -qx "$dport,4342" "$T/dmn.txt" || fail "data-map-notify: $(cat "$T/dmn.txt")"
pass "registered through the rtr: ecm'd map-register, relay and map-notify signed (ms-rtr auth), data-map-notify; rtr holds 203.0.113.1:$dport"

# data through the RTR, both ways
wait_until 10 "ctlq xtrB $T/xtrB.sock '.map_servers[0].notifies >= 1' show database" ||
    fail "xtrB not registered"
cap_start rtrdata rtr eth0 "udp"
wait_until 20 "in_ns hostA ping -c1 -W1 -I 198.18.1.10 198.18.2.10" ||
    fail "hostA -> hostB: no reply $(ctl rtr "$T/rtr.sock" --json show stats | jq -c .drops)"
in_ns hostA ping -c3 -i 0.2 -W2 198.18.2.10 >/dev/null || fail "hostA -> hostB: pings lost"
wait_until 20 "in_ns hostB ping -c1 -W1 -I 198.18.2.10 198.18.1.10" ||
    fail "hostB -> hostA: no reply $(ctl xtrB "$T/xtrB.sock" --json show map-cache)"
in_ns hostB ping -c3 -i 0.2 -W2 198.18.1.10 >/dev/null || fail "hostB -> hostA: pings lost"
cap_stop rtrdata
# towards hostA the RTR sends from 4342 to the NAT's binding; hostB's
# xTR has the RTR as hostA's locator
n=$(tshark -r "$T/rtrdata.pcap" -d "udp.port==$dport,lisp-data" \
    -Y "ip.src == 203.0.113.9 && ip.dst == 203.0.113.1 && udp.srcport == 4342 && udp.dstport == $dport && icmp.type == 8" \
    2>/dev/null | wc -l)
[ "$n" -ge 4 ] || fail "echo requests to hostA through the binding: $n"
n=$(tshark -r "$T/rtrdata.pcap" -Y "ip.src == 203.0.113.1 && udp.dstport == 4341 && icmp.type == 8" 2>/dev/null | wc -l)
[ "$n" -ge 4 ] || fail "echo requests from hostA to the rtr: $n"
# re-encapsulating goes back out the TUN it came in by: no ICMP redirect
n=$(tshark -r "$T/rtrdata.pcap" -Y "icmp.type == 5" 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || fail "the rtr sent $n icmp redirects"
ctlq xtrB "$T/xtrB.sock" '.[] | select(.eid_prefix == "198.18.1.0/24") |
    .locators | map(.address) == ["203.0.113.9"]' show map-cache || fail "xtrB's mapping of hostA: $(ctl xtrB "$T/xtrB.sock" --json show map-cache)"
# xtrB probes the RTR's locator for hostA's EID: the RTR answers for it
wait_until 10 "ctlq xtrB $T/xtrB.sock '.[] | select(.eid_prefix == \"198.18.1.0/24\") | .locators[0].probes_answered >= 1 and .locators[0].reachable' show map-cache" ||
    fail "rloc-probes of the rtr unanswered: $(ctl xtrB "$T/xtrB.sock" --json show map-cache)"
pass "pings both ways hostA <-> hostB through the rtr; the rtr answers rloc-probes"

# a second site behind the same NAT: both register through the RTR (two
# xTR-IDs, two bindings). with nat-shortcut the RTR, seeing the two
# verified behind the same global address, tells each the other's
# EID-prefix at its private address (then at the RTR, the fallback):
# they talk directly inside the NAT, the RTR carries none of it
locid_start xtrC "$T/xtrC.conf"
wait_until 15 "ctlq rtr $T/rtr.sock '[.xtrs[] | select(.state == \"verified\")] | length == 2' show nat" ||
    fail "second NATed site not at the rtr: $(ctl rtr "$T/rtr.sock" --json show nat)"
ctlq rtr "$T/rtr.sock" '[.xtrs[].global_port] | unique | length == 2' show nat ||
    fail "the two sites share a binding: $(ctl rtr "$T/rtr.sock" --json show nat)"
wait_until 10 "ctlq xtrA $T/xtrA.sock '.[] | select(.eid_prefix == \"198.18.3.0/24\") |
    .source == \"nat-shortcut\" and (.locators | map(.address) == [\"198.19.1.2\", \"203.0.113.9\"])' show map-cache" ||
    fail "xtrA has no short-cut to hostC: $(ctl xtrA "$T/xtrA.sock" --json show map-cache) $(grep short-cut "$T/xtrA.log")"
wait_until 10 "ctlq xtrC $T/xtrC.sock '.[] | select(.eid_prefix == \"198.18.1.0/24\") |
    .source == \"nat-shortcut\" and (.locators | map(.address) == [\"198.19.0.2\", \"203.0.113.9\"])' show map-cache" ||
    fail "xtrC has no short-cut to hostA: $(ctl xtrC "$T/xtrC.sock" --json show map-cache)"
ctlq rtr "$T/rtr.sock" '.rtr.shortcut_hints >= 2' show stats || fail "rtr hints not counted"
rd0=$(ctl rtr "$T/rtr.sock" --json show stats | jq .xtr.decap_packets)
cap_start inside nat eth2 "udp"
wait_until 15 "in_ns hostA ping -c1 -W1 198.18.3.10" || fail "hostA -> hostC"
in_ns hostA ping -c3 -i 0.2 -W2 198.18.3.10 >/dev/null || fail "hostA -> hostC: pings lost"
in_ns hostC ping -c3 -i 0.2 -W2 198.18.1.10 >/dev/null || fail "hostC -> hostA"
cap_stop inside
# on xtrC's side of the NAT: LISP data from xtrA's private address to
# xtrC's, both ways, no NAT between them
n=$(tsh inside "ip.src == 198.19.0.2 && ip.dst == 198.19.1.2 && udp.dstport == 4341 && icmp.type == 8" frame.number | wc -l)
[ "$n" -ge 4 ] || fail "echo requests hostA -> hostC not direct: $n"
n=$(tsh inside "ip.src == 198.19.1.2 && ip.dst == 198.19.0.2 && udp.dstport == 4341 && icmp.type == 8" frame.number | wc -l)
[ "$n" -ge 3 ] || fail "echo requests hostC -> hostA not direct: $n"
rd1=$(ctl rtr "$T/rtr.sock" --json show stats | jq .xtr.decap_packets)
[ "$rd1" = "$rd0" ] || fail "the rtr decapsulated $((rd1 - rd0)) packets of the short-cut"
# the private locators answer RLOC-probes directly
wait_until 10 "ctlq xtrA $T/xtrA.sock '.[] | select(.eid_prefix == \"198.18.3.0/24\") | .locators[0].probes_answered >= 1 and .locators[0].reachable' show map-cache" ||
    fail "short-cut locator not probed: $(ctl xtrA "$T/xtrA.sock" --json show map-cache)"
pass "two NATed sites behind one NAT: the rtr's short-cut, pings hostA <-> hostC directly 198.19.0.2 <-> 198.19.1.2"
# the inside path breaks (the NAT stops forwarding between its inside
# ports): the probes judge the private locators down and the sites reach
# each other through the RTR, the entries' second locator
in_ns nat nft -f - <<'NFT' || fail "nft block"
table ip nt_block {
	chain inside {
		type filter hook forward priority 0; policy accept;
		iifname "eth1" oifname "eth2" drop
		iifname "eth2" oifname "eth1" drop
	}
}
NFT
wait_until 15 "ctlq xtrA $T/xtrA.sock '.[] | select(.eid_prefix == \"198.18.3.0/24\") | .locators[0].state == \"down\"' show map-cache &&
    ctlq xtrC $T/xtrC.sock '.[] | select(.eid_prefix == \"198.18.1.0/24\") | .locators[0].state == \"down\"' show map-cache" ||
    fail "private locators not judged down: $(ctl xtrA "$T/xtrA.sock" --json show map-cache)"
in_ns hostA ping -c2 -i 0.2 -W2 198.18.3.10 >/dev/null || fail "hostA -> hostC through the rtr: $(ctl xtrA "$T/xtrA.sock" --json show map-cache | jq -c .) $(ctl xtrC "$T/xtrC.sock" --json show map-cache | jq -c .) $(ctl rtr "$T/rtr.sock" --json show stats | jq -c "{drops, x: .xtr}")"
rd2=$(ctl rtr "$T/rtr.sock" --json show stats | jq .xtr.decap_packets)
[ "$rd2" -ge $((rd1 + 4)) ] || fail "the fallback did not go through the rtr: decap $rd1 -> $rd2"
in_ns nat nft delete table ip nt_block
pass "short-cut path broken: the probes fall back to the rtr, pings cross"

# the NAT forgets the binding: the next periodic Info-Request gets a new
# one (a new random port), noticed and counted
in_ns nat conntrack -F >/dev/null 2>&1
wait_until 15 "ctlq xtrA $T/xtrA.sock '.uplinks[0].binding_changes >= 1 and .uplinks[0].global_port != $port1' show nat" ||
    fail "binding change not seen: $(ctl xtrA "$T/xtrA.sock" --json show nat)"
ctl xtrA "$T/xtrA.sock" --json show nat >"$T/nat2.json"
[ -s "$T/nat2.json" ] || fail "no answer: ctl xtrA $T/xtrA.sock --json show nat"
port2=$(jq .uplinks[0].global_port "$T/nat2.json")
in_ns nat conntrack -L -p udp --orig-src 198.19.0.2 --orig-port-src 4342 2>/dev/null | grep -q "dport=$port2 " ||
    fail "new port $port2 not the NAT's mapping"
grep -q "binding changed from 203.0.113.1:$port1 to 203.0.113.1:$port2" "$T/xtrA.log" || fail "binding change not logged"
# and the xTR registered again through the RTR from its new binding
wait_until 15 "ctlq rtr $T/rtr.sock '(.xtrs[] | select(.xtr_id == \"0x0123456789abcdef0123456789abcdef\")).global_port != $dport and (.xtrs[] | select(.xtr_id == \"0x0123456789abcdef0123456789abcdef\")).state == \"verified\"' show nat" ||
    fail "rtr did not follow the new binding: $(ctl rtr "$T/rtr.sock" --json show nat)"
dport2=$(ctl rtr "$T/rtr.sock" --json show nat | jq '(.xtrs[] | select(.xtr_id == "0x0123456789abcdef0123456789abcdef")).global_port')
in_ns nat conntrack -L -p udp --orig-src 198.19.0.2 --orig-port-src 4341 2>/dev/null | grep -q "dport=$dport2 " ||
    fail "rtr's new port $dport2 not the binding of 4341"
in_ns hostB ping -c2 -i 0.2 -W2 198.18.1.10 >/dev/null || fail "hostB -> hostA after the new binding"
in_ns hostA ping -c2 -i 0.2 -W2 198.18.2.10 >/dev/null || fail "hostA -> hostB after the new binding"
pass "binding lost and found again: port $port1 -> $port2, rtr follows $dport -> $dport2, pings cross"

# the uplink's address changes (a new DHCP lease behind the NAT): a new
# detection from the new address, a new registration through the RTR
in_ns xtrA ip addr del 198.19.0.2/24 dev eth0
in_ns xtrA ip addr add 198.19.0.3/24 dev eth0
in_ns xtrA ip route replace default via 198.19.0.1 || fail "route via the new address"
wait_until 15 "ctlq xtrA $T/xtrA.sock '.uplinks | length == 1 and .[0].uplink == \"198.19.0.3\" and .[0].state == \"behind-nat\"' show nat" ||
    fail "new address not detected: $(ctl xtrA "$T/xtrA.sock" --json show nat)"
wait_until 15 "ctlq rtr $T/rtr.sock '(.xtrs[] | select(.xtr_id == \"0x0123456789abcdef0123456789abcdef\")).private == \"198.19.0.3\" and (.xtrs[] | select(.xtr_id == \"0x0123456789abcdef0123456789abcdef\")).state == \"verified\"' show nat" ||
    fail "rtr did not follow the new address: $(ctl rtr "$T/rtr.sock" --json show nat)"
wait_until 10 "in_ns hostB ping -c1 -W1 198.18.1.10" || fail "hostB -> hostA after the address change"
in_ns hostA ping -c2 -i 0.2 -W2 198.18.2.10 >/dev/null || fail "hostA -> hostB after the address change"
pass "uplink address change: detected from 198.19.0.3, registered again through the rtr, pings cross"

# the RTR restarts and forgets every xTR: the next periodic Map-Register
# (5 s here) through it brings the state back, and the pings cross again.
# while it is down, a forged short-cut from its address and port through
# xtrA's binding (a Map-Reply whose nonce xtrA never sent, sending
# 198.18.2.0/24 to 198.19.0.66) is dropped and counted, hostB's mapping
# unchanged
bport=$(ctl rtr "$T/rtr.sock" --json show nat | jq '(.xtrs[] | select(.xtr_id == "0x0123456789abcdef0123456789abcdef")).global_port')
locid_stop rtr
in_ns rtr python3 - "$bport" <<'PY' || fail "sending a forged short-cut"
import socket, struct, sys
def ck(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
loc = lambda p, a: struct.pack("!BBBBHH", p, 100, 255, 0, 1, 1) + bytes(a)
rec = struct.pack("!IBBHHH", 3, 2, 24, 0, 0, 1) + bytes([198, 18, 2, 0]) + \
    loc(1, [198, 19, 0, 66]) + loc(2, [203, 0, 113, 9])
msg = struct.pack("!IQ", 0x20000001, 0x0badc0ffee) + rec
udp = struct.pack("!HHHH", 4342, 4342, 8 + len(msg), 0) + msg
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
    bytes([203, 0, 113, 9]), bytes([198, 19, 0, 3]))
ip = ip[:10] + struct.pack("!H", ck(ip)) + ip[12:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.9", 4342))
s.sendto(struct.pack("!II", 0x08000000, 0xffffff00) + ip + udp, ("203.0.113.1", int(sys.argv[1])))
PY
wait_until 5 "ctlq xtrA $T/xtrA.sock '.drops[\"nat: short-cut with unknown nonce\"] >= 1' show stats" ||
    fail "forged short-cut not counted: $(ctl xtrA "$T/xtrA.sock" --json show stats | jq -c .drops) $(tail -3 "$T/xtrA.log")"
ctlq xtrA "$T/xtrA.sock" '[.[] | select(.source == "nat-shortcut")] | length == 1' show map-cache ||
    fail "forged short-cut installed: $(ctl xtrA "$T/xtrA.sock" --json show map-cache)"
locid_start rtr "$T/rtr.conf"
wait_until 15 "ctlq rtr $T/rtr.sock '(.xtrs[] | select(.xtr_id == \"0x0123456789abcdef0123456789abcdef\")).state == \"verified\"' show nat" ||
    fail "rtr state not back after a restart: $(ctl rtr "$T/rtr.sock" --json show nat)"
wait_until 10 "in_ns hostB ping -c1 -W1 198.18.1.10" || fail "hostB -> hostA after the rtr restart"
in_ns hostA ping -c2 -i 0.2 -W2 198.18.2.10 >/dev/null || fail "hostA -> hostB after the rtr restart"
pass "rtr restart: state back from the next map-register, pings cross"

# a forged Info-Reply (a nonce the xTR never sent) through the binding,
# from the Map-Server's address and port (the MS stopped to free it)
port3=$(ctl xtrA "$T/xtrA.sock" --json show nat | jq .uplinks[0].global_port)
locid_stop ms
in_ns ms python3 - "$port3" <<'PY' || fail "sending a forged info-reply"
import socket, struct, sys
m = struct.pack("!IQHHIBBH", 0x78000000, 0x0123456789abcdef, 0, 0, 15, 0, 0, 0)
lcaf = struct.pack("!HHH", 4342, int(sys.argv[1]), 1) + bytes([203, 0, 113, 66]) + struct.pack("!HH", 0, 0)
m += struct.pack("!HBBBBH", 16387, 0, 0, 7, 0, len(lcaf)) + lcaf
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 4342))
s.sendto(m, ("203.0.113.1", int(sys.argv[1])))
PY
wait_until 5 "ctlq xtrA $T/xtrA.sock '.drops[\"nat: info-reply with unknown nonce\"] >= 1' show stats" ||
    fail "forged info-reply not counted: $(ctl xtrA "$T/xtrA.sock" --json show stats | jq .drops)"
ctlq xtrA "$T/xtrA.sock" '.uplinks[0].global == "203.0.113.1"' show nat ||
    fail "forged info-reply changed the state"
pass "forged info-reply dropped and counted"

locid_stop xtrA
locid_stop xtrB
locid_stop xtrC
locid_stop rtr
pass "t_nat"
