#!/bin/sh
# the seed lab grown (issue 5), steps 6-12 after scripts/demo.sh: a PxTR on
# mapserver, dual-stack EIDs and RLOCs, a second uplink of lisp2.
# `scripts/demo-pxtr.sh [BUILD-DIR]` builds it in network namespaces (the
# seed lab's names plus pxtr), starts locid from examples/pxtr-lab/ and tells
# the story with real packets: nonlisp reaches hostA through the PITR and the
# reply returns through the PETR; IPv6 EID to EID in 6-in-6; lisp2's first
# uplink fails and a running flow moves to 203.0.113.13, then back; lisp2's
# mapping changes and an SMR brings lisp1's cache up to date (6-in-4 and
# 4-in-6 after it). `scripts/demo-pxtr.sh down` removes it.
#
#                               pxtr 203.0.113.9 / 2001:db8:ff:9::1 (PITR + PETR)
#                                 | (mapserver .10)
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  |  .6/.5  (.14/.13)  .2.1    .2.10
#  2001:db8:1::10  2001:db8:ff:1::/64  ff:2::/64  2001:db8:2::10
#                              nonlisp 198.51.100.1, 2001:db8:ff:100::1
# NS_PREFIX=x- runs a private copy (namespaces x-hostA..., sockets in
# its directory) beside a running demo.
cd "$(dirname "$0")/.." || exit 1
NS_PREFIX=${NS_PREFIX:-}
DEMO=/tmp/locid-demo-pxtr${NS_PREFIX:+-$NS_PREFIX}
SOCKDIR=/run
[ -n "$NS_PREFIX" ] && SOCKDIR=$DEMO
NS_LIST="hostA lisp1 mapserver lisp2 hostB nonlisp pxtr"
SOCKS="lisp1 lisp2 mapserver pxtr"

. scripts/demo-lib.sh
down() {
	_seed=""
	[ -z "$NS_PREFIX" ] && _seed=/tmp/locid-demo/*.pid	# the seed demo's lab
	demo_kill "$DEMO"/*.pid "$DEMO"/*.cap $_seed	# daemons, the ping flow, captures
	demo_netns_del
	for s in $SOCKS; do rm -f "$SOCKDIR/locid-$s.sock"; done
}

if [ "$1" = down ]; then
	down
	echo "pxtr lab removed"
	exit 0
fi
demo_setup demo-pxtr.sh "$1"
C() { printf '%s locictl -s %s/locid-%s.sock' "$(X "$1")" "$SOCKDIR" "$1"; }	# locictl for it
cap_start() {	# NAME NS IF
	ip netns exec "$(ns "$2")" tcpdump -Z root --immediate-mode -i "$3" -U -w "$DEMO/$1.pcap" \
	    udp or icmp or icmp6 >/dev/null 2>"$DEMO/$1.err" </dev/null &
	echo $! >"$DEMO/$1.cap"
	wait_until 5 "grep -q listening $DEMO/$1.err"
}
cap_stop() {
	sleep 0.3
	kill "$(cat "$DEMO/$1.cap")" 2>/dev/null
	wait_until 5 "! kill -0 $(cat "$DEMO/$1.cap")"
	rm -f "$DEMO/$1.cap"
}
# one line per packet: time, outer who -> whom, [inner who -> whom], what
show_cap() {	# NAME [FILTER]
	tshark -r "$DEMO/$1.pcap" -Y "${2:-udp or icmp or icmpv6}" -T fields -E separator='	' \
	    -e frame.time_relative -e frame.protocols -e ip.src -e ip.dst -e ipv6.src \
	    -e ipv6.dst -e _ws.col.Info 2>/dev/null |
	    awk -F'\t' '{
		p = $2 ":"; i4 = index(p, ":ip:"); i6 = index(p, ":ipv6:")
		split($3, s4, ","); split($4, d4, ","); split($5, s6, ","); split($6, d6, ",")
		if (i4 && (!i6 || i4 < i6)) { os = s4[1]; od = d4[1]; is = s6[1] != "" ? s6[1] : s4[2]; id = d6[1] != "" ? d6[1] : d4[2] }
		else { os = s6[1]; od = d6[1]; is = s4[1] != "" ? s4[1] : s6[2]; id = d4[1] != "" ? d4[1] : d6[2] }
		inner = index(p, ":lisp-data:") ? sprintf("[%s -> %s] ", is, id) : ""
		printf "   %7.3fs  %-18s -> %-18s %s%s\n", $1, os, od, inner, $7 }'
}
# control messages of the story; RLOC probes (every 2 s) are shown on their own
probes='lisp.mreq.flags.probe == 1 || lisp.mrep.flags.probe == 1'
control_only="lisp && !lisp-data && lisp.type != 3 && lisp.type != 4 && !($probes)"
loc() {	# RLOC JQ-EXPR: on that locator of lisp1's entry for 198.18.2.0/24
	$(C lisp1) --json show map-cache 198.18.2.0/24 | jq -e ".[] |
	    select(.eid_prefix == \"198.18.2.0/24\") | .locators[] | select(.address == \"$1\") | $2"
}

step "6. the lab grows: a PxTR beside the mapserver, IPv6 EIDs and RLOCs, a second uplink for lisp2"
say "in step 3 the non-LISP host could not answer: EID space is not routed in the underlay."
say "a PxTR fixes that (RFC 6832): the underlay routes the EID aggregates to its PITR, and"
say "the sites send what has no mapping to its PETR instead of natively."
topo_pxtr_lab
for n in $SOCKS; do
	sed "s|/run/locid-$n.sock|$SOCKDIR/locid-$n.sock|" examples/pxtr-lab/$n.conf >"$DEMO/$n.conf"
done
locid_start mapserver "$DEMO/mapserver.conf"
wait_until 5 "[ -S $SOCKDIR/locid-mapserver.sock ]"
for n in lisp1 lisp2 pxtr; do locid_start $n "$DEMO/$n.conf"; done
wait_until 10 "$(C mapserver) --json show site | jq -e '[.[] | select(.registered)] | length == 4'" ||
    say "(registration not complete yet; see $DEMO/*.log)"
say "each site registers an IPv4 and an IPv6 EID-prefix, with RLOCs of both families:"
run "$(C mapserver) show site"
say "the underlay routes the EID aggregates to the PxTR, as BGP would:"
run "$(X mapserver) ip route show 198.18.0.0/15; $(X mapserver) ip -6 route show 2001:db8:1::/48"
say "the PxTR (role pitr + role petr) takes them into its TUN, for every source:"
run "$(X pxtr) ip rule show; $(X pxtr) ip route show table 100"
say "lisp1 and lisp2 have 'use-petr 203.0.113.9': non-LISP destinations go to the PETR"

step "7. nonlisp 198.51.100.1 pings hostA 198.18.1.10: in through the PITR, back through the PETR"
cap_start px mapserver eth5
cap_start l1 mapserver eth1
cap_start nl mapserver eth3
run "$(X nonlisp) ping -c3 -W2 198.18.1.10"
cap_stop px; cap_stop l1; cap_stop nl
say "nonlisp's link: plain IP both ways, nonlisp knows nothing of LISP:"
show_cap nl 'icmp'
say "the PxTR's link: its Map-Request carries the p bit (\"by P-ITR\"), lisp1 answers it"
say "directly; the echo request leaves encapsulated, the reply arrives encapsulated from"
say "lisp1 and leaves natively after the PETR checked its source is an EID:"
show_cap px "$control_only || lisp-data || icmp"
say "lisp1's link: 4341 both ways (lisp1's own Map-Request for 198.51.100.1 gets the negative"
say "198.32.0.0/11; with use-petr the Natively-Forward entry encapsulates to the PETR):"
show_cap l1 "$control_only || lisp-data"
run "$(C pxtr) show map-cache"
run "$(C lisp1) show map-cache"
say "no throw route on lisp1 this time: nothing leaves it natively"
run "$(X lisp1) ip route show table 100"

step "8. the PETR refuses packets whose inner source is not an EID (anti-spoofing)"
say "mapserver sends the PETR three LISP packets with inner source 198.51.100.66:"
$(X mapserver) python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ip = bytes([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 198, 51, 100, 66, 198, 51, 100, 1]) + \
    bytes([0x30, 0x39, 0x30, 0x39, 0, 8, 0, 0])
for i in range(3):
    s.sendto(b"\x08\x00\x00\x00\x00\x00\x00\x00" + ip, ("203.0.113.9", 4341))
PY
sleep 0.3
say "(the other drops are the kernel's own IPv6 chatter on the TUN, outside the pitr-prefixes)"
run "$(C pxtr) --json show stats | jq '{drops, decap: .xtr.decap_packets, encap: .xtr.encap_packets}'"

step "9. IPv6: hostA 2001:db8:1::10 pings hostB 2001:db8:2::10 (IPv6 RLOCs preferred: 6-in-6)"
cap_start v6a mapserver eth1
run "$(X hostA) ping -6 -c3 -W2 2001:db8:2::10"
cap_stop v6a
show_cap v6a "$control_only || lisp-data"
run "$(C lisp1) show map-cache 2001:db8:2::10"
say "and a non-LISP IPv6 destination: negative 2001:db8:80::/41, then to the PETR (6-in-4),"
say "the reply back through the PITR (6-in-6):"
cap_start v6n mapserver eth1
run "$(X hostA) ping -6 -c2 -W2 2001:db8:ff:100::1"
cap_stop v6n
show_cap v6n "$control_only || lisp-data"

step "10. lisp2 is multi-homed: its first uplink fails and the flow moves to 203.0.113.13"
say "lisp2 registers 203.0.113.5 (priority 1) and 2001:db8:ff:2::1 (priority 2) on its first"
say "uplink, 203.0.113.13 (priority 3) on the second; its underlay gets a backup default route:"
$(X lisp2) ip route add default via 203.0.113.14 metric 20
$(X lisp2) sysctl -qw net.ipv6.conf.eth0.keep_addr_on_down=1
run "$(X lisp2) ip route show default"
say "hostA pings hostB five times a second for this step and the next:"
$(X hostA) ping -i 0.2 -c 900 -W1 198.18.2.10 >"$DEMO/flow.txt" 2>&1 </dev/null &
echo $! >"$DEMO/flow.pid"
say "lisp1 probes each locator of the mapping in use (RLOC-probe Map-Requests every 2 s,"
say "down after 1 s without an answer); the map-cache shows the probe state and RTT:"
wait_until 15 "loc 203.0.113.5 '.probe == \"up\" and .encap_packets > 0' &&
    loc 203.0.113.13 '.probe == \"up\"' && loc 2001:db8:ff:2::1 '.probe == \"up\"'" ||
    say "(not every locator answered a probe yet)"
run "$(C lisp1) show map-cache 198.18.2.10"
cap_start fo mapserver eth4
b0=$(loc 203.0.113.13 .encap_packets)
t0=$(date +%s%N)
run "$(X lisp2) ip link set eth0 down"
wait_until 15 "loc 203.0.113.5 '.state == \"down\"'" || say "(203.0.113.5 is not down yet)"
t1=$(date +%s%N)
wait_until 10 "loc 203.0.113.13 '.encap_packets > $b0 + 5'" ||
    say "(no packets on 203.0.113.13 yet)"
say "lisp1 judged 203.0.113.5 down $(( (t1 - t0) / 1000000 )) ms after the link went down"
say "(at most probe-interval + probe-timeout = 3 s); 2001:db8:ff:2::1 shares that link:"
run "$(C lisp1) show map-cache 198.18.2.10"
cap_stop fo
say "the backup link (mapserver <-> lisp2 203.0.113.13): the flow, encapsulated both ways"
say "(lisp2 still answers from its RLOC 203.0.113.5, now routed over this link),"
show_cap fo 'lisp-data && icmp' | head -4
say "and lisp1's RLOC-probes of 203.0.113.13, answered by lisp2 from that RLOC:"
show_cap fo "(lisp.mreq.flags.probe == 1 && ip.src == 203.0.113.1) ||
    (lisp.mrep.flags.probe == 1 && ip.dst == 203.0.113.1)" | head -2

step "11. the uplink comes back: the next answered probe moves the flow back to 203.0.113.5"
cap_start fb mapserver eth2
run "$(X lisp2) ip link set eth0 up; $(X lisp2) ip route replace default via 203.0.113.6; $(X lisp2) ip -6 route replace default via 2001:db8:ff:2::2"
wait_until 15 "loc 203.0.113.5 '.state == \"up\"'" || say "(203.0.113.5 is not up yet)"
p0=$(loc 203.0.113.5 .encap_packets)
wait_until 5 "loc 203.0.113.5 '.encap_packets > $p0 + 5'" || say "(no packets on 203.0.113.5 yet)"
cap_stop fb
run "$(C lisp1) show map-cache 198.18.2.10"
say "lisp2's first uplink again: lisp1's probe of 203.0.113.5 answered, then the flow:"
show_cap fb "(lisp.mreq.flags.probe == 1 && ip.dst == 203.0.113.5) ||
    (lisp.mrep.flags.probe == 1 && ip.src == 203.0.113.5) ||
    (lisp-data && ip.dst == 203.0.113.5 && icmp)" | head -5
kill "$(cat "$DEMO/flow.pid")" 2>/dev/null
rm -f "$DEMO/flow.pid"
sleep 0.3
sent=$(sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p' "$DEMO/flow.txt" | tail -1)
say "the flow (one echo per 200 ms) through failure and recovery:" \
    "$(grep -c 'bytes from' "$DEMO/flow.txt") of ${sent:-?} echoes answered;"
say "the ones lost were sent before lisp1 judged 203.0.113.5 down"

step "12. lisp2 changes its mapping: SMR, and lisp1 asks the mapping system again"
say "lisp2's new configuration swaps the priorities on its first uplink: IPv4 EIDs now"
say "prefer the IPv6 RLOC, IPv6 EIDs the IPv4 RLOC:"
cp "$DEMO/lisp2.conf" "$DEMO/lisp2.conf.old"
sed -e 's/203.0.113.5 priority 1/203.0.113.5 priority P2/' \
    -e 's/203.0.113.5 priority 2/203.0.113.5 priority P1/' \
    -e 's/2001:db8:ff:2::1 priority 1/2001:db8:ff:2::1 priority P2/' \
    -e 's/2001:db8:ff:2::1 priority 2/2001:db8:ff:2::1 priority P1/' \
    -e 's/priority P/priority /' "$DEMO/lisp2.conf.old" >"$DEMO/lisp2.conf"
run "diff -U0 $DEMO/lisp2.conf.old $DEMO/lisp2.conf | grep '^[-+]	'"
$(X hostA) ping -c2 -i0.2 -W1 198.18.2.10 >/dev/null 2>&1	# lisp1 is a recent sender
cap_start smr mapserver eth1
cap_start smr2 mapserver eth2
run "$(C lisp2) reload"
say "lisp2 sends an SMR to every ITR that sent it traffic in the last minute, one per changed"
say "EID-prefix, at most one every 3 s to the same ITR RLOC (RFC 9301 rate limit)..."
wait_until 15 "loc 2001:db8:ff:2::1 '.priority == 1'" || say "(lisp1's cache has not changed yet)"
if $(C lisp1) --json show map-cache 2001:db8:2::/48 | jq -e 'length > 0' >/dev/null 2>&1; then
	wait_until 15 "$(C lisp1) --json show map-cache 2001:db8:2::/48 | jq -e '.[] | .locators[] |
	    select(.address == \"203.0.113.5\") | .priority == 1'" ||
	    say "(lisp1's IPv6 entry has not changed yet)"
fi
cap_stop smr; cap_stop smr2
say "lisp1's link: the SMRs (Map-Request with S=1, the changed prefix as Source-EID, lisp1's"
say "prefix as record) to each RLOC of lisp1 lisp2 has seen, lisp1's SMR-invoked Map-Request"
say "(s=1) in an ECM to the Map-Resolver, lisp2's Map-Reply with the new priorities straight"
say "to lisp1; the same for the IPv6 prefix 3 s later:"
show_cap smr "$control_only"
tshark -r "$DEMO/smr.pcap" -Y 'lisp.type == 1 && lisp.mreq.flags.smr == 1' -T fields \
    -E separator='|' -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e lisp.mreq.srceid.ipv4 \
    -e lisp.mreq.srceid_ipv6 2>/dev/null | awk -F'|' '{
	printf "   SMR %-18s -> %-18s Source-EID %s (changed)\n", $1 $2, $3 $4, $5 $6 }' 
say "lisp2's link: the Map-Resolver hands the SMR-invoked Map-Request on to lisp2:"
show_cap smr2 "$control_only && lisp.type == 8"
run "$(C lisp2) --json show stats | jq -c '.xtr.smr'"
run "$(C lisp1) --json show stats | jq -c '{smr_in: .xtr.smr_in}'"
say "lisp1's cache follows, without clear map-cache:"
run "$(C lisp1) show map-cache"
say "so IPv4 now travels inside IPv6 (4-in-6), IPv6 inside IPv4 (6-in-4):"
cap_start x mapserver eth1
run "$(X hostA) ping -6 -c2 -W2 2001:db8:2::10; $(X hostA) ping -c2 -W2 198.18.2.10"
cap_stop x
show_cap x 'lisp-data'

[ -n "$SEED_ONLY" ] || [ ! -x scripts/demo-ddt.sh ] || scripts/demo-ddt.sh "$BUILD"
[ -n "$SEED_ONLY" ] || [ ! -x scripts/demo-nat.sh ] || scripts/demo-nat.sh "$BUILD"
step "the lab keeps running"
say "explore:   $(C lisp1) show map-cache"
say "           $(C lisp2) show database"
say "           $(C pxtr) show stats"
say "           $(X nonlisp) ping 198.18.2.10"
say "           $(X hostB) ping -6 2001:db8:ff:100::1"
say "           $(X lisp2) ip link set eth0 down    (and up; then: ip route replace"
say "               default via 203.0.113.6) while hostA pings hostB: failover"
say "           (locictl is $BUILD/bin/locictl; man -l man/locictl.8)"
say "logs:      $DEMO/*.log   captures: $DEMO/*.pcap"
if [ -n "$NS_PREFIX" ]; then
	say "take down: NS_PREFIX=$NS_PREFIX scripts/demo-pxtr.sh down"
else
	say "take down: scripts/demo.sh down"
fi
