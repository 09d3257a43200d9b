#!/bin/sh
# the seed lab grown (issue 5), steps 6-10 after scripts/demo.sh: a PxTR on mapserver, dual-stack EIDs and
# RLOCs. `scripts/demo-pxtr.sh [BUILD-DIR]` builds it in network namespaces
# (the seed lab's names plus pxtr), starts locid from examples/pxtr-lab/ and
# tells the story with real packets: nonlisp reaches hostA through the PITR
# and the reply returns through the PETR; IPv6 EID to EID in 6-in-6, then
# 6-in-4 and 4-in-6. `scripts/demo-pxtr.sh down` removes it.
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

down() {
	_seed=""
	[ -z "$NS_PREFIX" ] && _seed=/tmp/locid-demo/*.pid	# the seed demo's lab
	for f in "$DEMO"/*.pid $_seed; do
		[ -f "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	sleep 0.5
	for n in $NS_LIST; do ip netns del "$NS_PREFIX$n" 2>/dev/null; done
	for s in $SOCKS; do rm -f "$SOCKDIR/locid-$s.sock"; done
}

if [ "$1" = down ]; then
	down
	echo "pxtr lab removed"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "demo-pxtr.sh: needs root (network namespaces)" >&2; exit 1; }
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
down
rm -rf "$DEMO"
mkdir -p "$DEMO"
NETNS_TMP=$DEMO
export NETNS_TMP
. tests/netns/lib.sh
KEEP_TMP=1
PATH=$BUILD/bin:$PATH
export PATH

B=$(printf '\033[1m'); N=$(printf '\033[0m')
[ -t 1 ] || { B=""; N=""; }
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
say() { printf '   %s\n' "$*"; }
run() { printf '%s$ %s%s\n' "$B" "$*" "$N"; sh -c "$*" 2>&1 | sed 's/^/   /'; }
X() { printf 'ip netns exec %s' "$(ns "$1")"; }		# X lisp1: the prefix to run in lisp1
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
control_only='lisp && !lisp-data && lisp.type != 3 && lisp.type != 4'

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
run "$(C pxtr) --json show stats | jq '{drops, decap: .xtr.decap_pkts, encap: .xtr.encap_pkts}'"

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

step "10. lisp2 now prefers its IPv4 RLOC for IPv6 EIDs and its IPv6 RLOC for IPv4 EIDs"
sed -e 's/203.0.113.5 priority 1/203.0.113.5 priority P2/' \
    -e 's/203.0.113.5 priority 2/203.0.113.5 priority P1/' \
    -e 's/2001:db8:ff:2::1 priority 1/2001:db8:ff:2::1 priority P2/' \
    -e 's/2001:db8:ff:2::1 priority 2/2001:db8:ff:2::1 priority P1/' \
    -e 's/priority P/priority /' "$DEMO/lisp2.conf" >"$DEMO/lisp2.new"
mv "$DEMO/lisp2.new" "$DEMO/lisp2.conf"
run "$(C lisp2) reload"
sleep 1
run "$(C lisp1) clear map-cache"
cap_start x mapserver eth1
run "$(X hostA) ping -6 -c2 -W2 2001:db8:2::10; $(X hostA) ping -c2 -W2 198.18.2.10"
cap_stop x
say "IPv6 inside IPv4 (6-in-4) and IPv4 inside IPv6 (4-in-6) on lisp1's uplink:"
show_cap x 'lisp-data'
run "$(C lisp1) show map-cache"

step "the lab keeps running"
say "explore:   $(C pxtr) show map-cache"
say "           $(C pxtr) show stats"
say "           $(X nonlisp) ping 198.18.2.10"
say "           $(X hostB) ping -6 2001:db8:ff:100::1"
say "logs:      $DEMO/*.log   captures: $DEMO/*.pcap"
say "take down: ${NS_PREFIX:+NS_PREFIX=$NS_PREFIX }scripts/demo-pxtr.sh down"
