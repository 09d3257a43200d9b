#!/bin/sh
# data-plane figures for issue 5 in the pxtr lab (tests/netns/lib.sh
# topo_pxtr_lab, examples/pxtr-lab/), each against a native baseline in the
# same run:
#   v6-lisp     hostA -> hostB, IPv6 EIDs over IPv6 RLOCs (6-in-6), locid xTRs
#   v6-native   the same veth path routed natively (EID routes in the underlay)
#   px-lisp     nonlisp -> hostB (v4) through the PITR, back through the PETR
#   px-native   the same namespaces routed natively, through the pxtr as a
#               plain router both ways (same hops as px-lisp)
#   px-direct   native without the detour through the pxtr
# each: iperf3 TCP 1 and 4 streams, UDP with 64-octet IP packets (pps
# received; px-*: also the reverse direction, i.e. through the PETR).
# usage: bench/dataplane-pxtr.sh [BUILD]   (root; about 90 s)
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
T=${BENCH_SECONDS:-4}
NS_PREFIX=${NS_PREFIX:-bp_}
. tests/netns/lib.sh
trap_cleanup
command -v iperf3 >/dev/null || { echo "bench: iperf3 missing"; exit 1; }

topo_pxtr_lab
for n in lisp1 lisp2 mapserver pxtr; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/pxtr-lab/$n.conf >"$NETNS_TMP/$n.conf"
done

in_ns hostB iperf3 -s -D --pidfile "$NETNS_TMP/iperf3.pid" >/dev/null 2>&1
wait_until 5 "[ -s $NETNS_TMP/iperf3.pid ]" || fail "iperf3 server"
_pids="$_pids $(cat "$NETNS_TMP/iperf3.pid")"

# FROM DST [extra iperf3 args] -> figures
tcp() {	# STREAMS FROM DST -> Gbit/s received
	in_ns "$2" timeout $((T + 10)) iperf3 -c "$3" -t "$T" -P "$1" -J 2>/dev/null |
	    jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100' 2>/dev/null ||
	    echo 0
}
udp() {	# FROM DST PAYLOAD [-R] -> packets/s received
	in_ns "$1" timeout $((T + 10)) iperf3 -c "$2" -u -l "$3" -b 0 -t "$T" $4 -J 2>/dev/null |
	    jq -r '.end.sum as $s | (($s.packets - $s.lost_packets) / $s.seconds) | round' 2>/dev/null ||
	    echo 0
}
measure() {	# NAME FROM DST PAYLOAD REVERSE(0/1)
	in_ns "$2" ping -c2 -W2 "$3" >/dev/null 2>&1 || fail "$1: no path $2 -> $3"
	t1=$(tcp 1 "$2" "$3"); t4=$(tcp 4 "$2" "$3"); u=$(udp "$2" "$3" "$4")
	ur=-
	[ "$5" = 1 ] && ur=$(udp "$2" "$3" "$4" -R)
	echo "$1 $t1 $t4 $u $ur" >>"$NETNS_TMP/results"
	printf '%-10s TCP 1 stream %6s Gbit/s  TCP 4 streams %6s Gbit/s  UDP 64 B %8s pps  reverse %8s pps\n' \
	    "$1" "$t1" "$t4" "$u" "$ur"
}

# 1. LISP: all four daemons
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $NETNS_TMP/mapserver.sock ]" || fail "mapserver"
for n in lisp1 lisp2 pxtr; do locid_start $n "$NETNS_TMP/$n.conf"; done
wait_until 10 "ctl mapserver $NETNS_TMP/mapserver.sock --json show site | jq -e '[.[] | select(.registered)] | length == 4'" ||
    fail "registration"
wait_until 5 "[ -S $NETNS_TMP/pxtr.sock ]" || fail "pxtr"
measure v6-lisp hostA 2001:db8:2::10 16 0
measure px-lisp nonlisp 198.18.2.10 36 1
ctl pxtr "$NETNS_TMP/pxtr.sock" --json show stats |
    jq -r '"pxtr: encap \(.xtr.encap_packets) decap \(.xtr.decap_packets) packets, drops \(.drops)"'
for n in pxtr lisp1 lisp2 mapserver; do locid_stop $n; done

# 2. native IPv6 over the same path
in_ns mapserver ip -6 route replace 2001:db8:1::/48 via 2001:db8:ff:1::1
in_ns mapserver ip -6 route replace 2001:db8:2::/48 via 2001:db8:ff:2::1
measure v6-native hostA 2001:db8:2::10 16 0

# 3. native through the pxtr as a plain router, both ways: the mapserver
# sends what comes back from the pxtr on to lisp2 / nonlisp, and lisp2's
# traffic for nonlisp to the pxtr first
in_ns mapserver ip route add 198.18.2.0/24 via 203.0.113.5 table 200
in_ns mapserver ip rule add iif eth5 lookup 200 prio 50
in_ns mapserver ip route add default via 203.0.113.9 table 201
in_ns mapserver ip rule add iif eth2 to 198.51.100.0/24 lookup 201 prio 51
measure px-native nonlisp 198.18.2.10 36 1
in_ns mapserver ip rule del iif eth5 lookup 200 prio 50
in_ns mapserver ip rule del iif eth2 to 198.51.100.0/24 lookup 201 prio 51

# 4. native without the detour
in_ns mapserver ip route add 198.18.2.0/24 via 203.0.113.5
measure px-direct nonlisp 198.18.2.10 36 1

awk '{ r[$1] = $0 } END {
	split(r["v6-lisp"], l); split(r["v6-native"], n)
	split(r["px-lisp"], p); split(r["px-native"], q); split(r["px-direct"], d)
	f = "%s TCP1 %.2f  TCP4 %.2f  UDP %.2f%s\n"
	printf f, "ratios   v6 lisp/native:      ", l[2] / n[2], l[3] / n[3], l[4] / n[4], ""
	printf f, "         pxtr lisp/native-via:", p[2] / q[2], p[3] / q[3], p[4] / q[4],
	    sprintf("  UDP reverse (PETR) %.2f", p[5] / q[5])
	printf f, "         pxtr lisp/direct:    ", p[2] / d[2], p[3] / d[3], p[4] / d[4],
	    sprintf("  UDP reverse (PETR) %.2f", p[5] / d[5])
}' "$NETNS_TMP/results"
