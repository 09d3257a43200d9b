#!/bin/sh
# data-plane benchmark in the seed lab (topology: tests/netns/lib.sh
# topo_seed_lab), hostA -> hostB through lisp1 and lisp2, in one run:
#   lisp    locid xTRs (TUN, UDP 4341)
#   native  the same veth path routed natively (EID routes in the underlay)
#   vxlan   a kernel VXLAN tunnel between lisp1 and lisp2 (FOU is not
#           available in every kernel; VXLAN is)
# each: iperf3 TCP 1 and 4 streams, UDP with 64-octet IP packets from a
# sendmmsg sender (pps arriving at hostB's interface). then first-packet-to-mapping time over 100 fresh resolutions
# (map-cache cleared each time), as measured by the ITR from the packet's
# arrival to the installed mapping, and the first ping's RTT.
# usage: bench/dataplane.sh [BUILD]   (root; about 60 s)
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
T=${BENCH_SECONDS:-4}
NS_PREFIX=${NS_PREFIX:-bd_}
. tests/netns/lib.sh
trap_cleanup
command -v iperf3 >/dev/null || { echo "bench: iperf3 missing"; exit 1; }

topo_seed_lab
for n in lisp1 lisp2 mapserver; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
S1="$NETNS_TMP/lisp1.sock"

in_ns hostB iperf3 -s -D -B 198.18.2.10 --pidfile "$NETNS_TMP/iperf3.pid" >/dev/null 2>&1
wait_until 5 "[ -s $NETNS_TMP/iperf3.pid ]" || fail "iperf3 server"
_pids="$_pids $(cat "$NETNS_TMP/iperf3.pid")"

tcp() {	# STREAMS -> Gbit/s received
	in_ns hostA iperf3 -c 198.18.2.10 -t "$T" -P "$1" -J 2>/dev/null |
	    jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100'
}
# a UDP sender that is not the bottleneck: sendmmsg batches of 64
cat >"$NETNS_TMP/udpflood.c" <<'C'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
int
main(int argc, char **argv)
{
	struct sockaddr_in d = { .sin_family = AF_INET };
	struct mmsghdr m[64];
	struct iovec iov;
	char buf[1500] = { 0 };
	time_t end;
	long n = 0;
	int s, i, r;

	if (argc != 5)
		return 2;
	inet_pton(AF_INET, argv[1], &d.sin_addr);
	d.sin_port = htons((unsigned short)atoi(argv[2]));
	iov.iov_base = buf;
	iov.iov_len = (size_t)atoi(argv[3]);
	memset(m, 0, sizeof(m));
	for (i = 0; i < 64; i++) {
		m[i].msg_hdr.msg_name = &d;
		m[i].msg_hdr.msg_namelen = sizeof(d);
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	end = time(NULL) + atoi(argv[4]);
	while (time(NULL) < end)
		if ((r = sendmmsg(s, m, 64, 0)) > 0)
			n += r;
	printf("%ld\n", n);
	return 0;
}
C
cc -O2 -o "$NETNS_TMP/udpflood" "$NETNS_TMP/udpflood.c" || fail "udpflood"
rxpkts() { in_ns hostB ip -s -j link show eth0 | jq '.[0].stats64.rx.packets'; }
udp() {	# -> packets/s arriving at hostB, 64-octet IP packets (36 octets of payload)
	_a=$(rxpkts)
	_s=$(in_ns hostA "$NETNS_TMP/udpflood" 198.18.2.10 9 36 "$T")
	sleep 0.5
	_b=$(rxpkts)
	echo $(( (_b - _a) / T ))
}
# IPv4 fragments the two tunnel ends created (/proc/net/snmp Ip: FragCreates)
frags() {
	_s=0
	for _x in lisp1 lisp2; do
		_v=$(in_ns $_x awk '/^Ip:/ { if (h) print $20; h = 1 }' /proc/net/snmp)
		_s=$((_s + _v))
	done
	echo $_s
}
measure() {	# NAME
	in_ns hostA ping -c2 -W2 198.18.2.10 >/dev/null || fail "$1: no path"
	t1=$(tcp 1); t4=$(tcp 4); u=$(udp)
	echo "$1 $t1 $t4 $u" >>"$NETNS_TMP/results"
	printf '%-8s TCP 1 stream %6s Gbit/s   TCP 4 streams %6s Gbit/s   UDP 64 B %9s pps\n' \
	    "$1" "$t1" "$t4" "$u"
}

# 1. LISP
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $NETNS_TMP/mapserver.sock ]" || fail "mapserver"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $NETNS_TMP/mapserver.sock --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "registration"
measure lisp

# first packet to mapping, 100 fresh resolutions
: >"$NETNS_TMP/res"
i=0
while [ $i -lt 100 ]; do
	ctl lisp1 "$S1" clear map-cache >/dev/null
	in_ns hostA ping -c1 -W1 198.18.2.10 2>/dev/null |
	    sed -n 's/.*time=\([0-9.]*\) ms/\1/p' >>"$NETNS_TMP/rtt"
	ctl lisp1 "$S1" --json show map-cache 198.18.2.10 |
	    jq -r '.[] | select(.prefix == "198.18.2.0/24") | .resolve_us // empty' >>"$NETNS_TMP/res"
	i=$((i + 1))
done
pct() {	# FILE P -> value at percentile P
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
	    i = int((NR * p + 99) / 100); if (i < 1) i = 1; print v[i] }'
}
r50=$(pct "$NETNS_TMP/res" 50); r99=$(pct "$NETNS_TMP/res" 99)
p50=$(pct "$NETNS_TMP/rtt" 50); p99=$(pct "$NETNS_TMP/rtt" 99)
echo "first packet to mapping ($(wc -l <"$NETNS_TMP/res") resolutions): p50 ${r50} us, p99 ${r99} us;" \
    "first ping RTT p50 ${p50} ms, p99 ${p99} ms"
locid_stop lisp1
locid_stop lisp2
locid_stop mapserver

# 2. native routing over the same path
in_ns mapserver ip route add 198.18.1.0/24 via 203.0.113.1
in_ns mapserver ip route add 198.18.2.0/24 via 203.0.113.5
measure native
in_ns mapserver ip route del 198.18.1.0/24 via 203.0.113.1
in_ns mapserver ip route del 198.18.2.0/24 via 203.0.113.5

# 3. kernel VXLAN tunnel lisp1 <-> lisp2 over the same underlay
# over its lower device (dev eth0): the kernel sizes vx0's MTU from it
# (1450), so full-size inner packets are not fragmented on the underlay
in_ns lisp1 ip link add vx0 type vxlan id 42 local 203.0.113.1 remote 203.0.113.5 dstport 4789 dev eth0
in_ns lisp2 ip link add vx0 type vxlan id 42 local 203.0.113.5 remote 203.0.113.1 dstport 4789 dev eth0
in_ns lisp1 ip addr add 198.19.255.1/30 dev vx0
in_ns lisp2 ip addr add 198.19.255.2/30 dev vx0
in_ns lisp1 ip link set vx0 up
in_ns lisp2 ip link set vx0 up
in_ns lisp1 ip route add 198.18.2.0/24 via 198.19.255.2
in_ns lisp2 ip route add 198.18.1.0/24 via 198.19.255.1
f0=$(frags)
measure vxlan
f1=$(frags)
echo "vxlan: vx0 mtu $(in_ns lisp1 cat /sys/class/net/vx0/mtu), outer fragments created $((f1 - f0))"
[ "$f1" -eq "$f0" ] || echo "bench: WARNING the VXLAN baseline fragments its outer packets"

awk '{ r[$1] = $0 } END {
	split(r["lisp"], l); split(r["native"], n); split(r["vxlan"], v)
	printf "ratios   lisp/vxlan: TCP1 %.2f  TCP4 %.2f  UDP %.2f   lisp/native: TCP1 %.2f  TCP4 %.2f  UDP %.2f\n",
	    l[2] / v[2], l[3] / v[3], l[4] / v[4], l[2] / n[2], l[3] / n[3], l[4] / n[4]
}' "$NETNS_TMP/results"
echo "targets: TCP >= 0.3 x vxlan, >= 150000 pps of 64 B per direction, first-packet resolution p50 <= 5 ms"
