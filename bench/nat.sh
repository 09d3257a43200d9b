#!/bin/sh
# NAT traversal figures (issue 12) in the lab of tests/netns/nat_lab.sh,
# each with its baseline measured in the same run:
#   register   time from starting xtrA (behind the NAT) to its Map-Notify
#              through the RTR, against xtrB's (direct) from its start
#   rtr        hostB -> hostA through the RTR and the NAT's binding:
#              iperf3 TCP 1 stream and UDP 64-octet IP packets (pps received)
#   direct     the same hosts with xtrA registered directly (the NAT's rules
#              removed, its RLOC routed): xTR to xTR, no RTR
# usage: bench/nat.sh [BUILD]   (root; about 40 s)
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
S=${BENCH_SECONDS:-4}
NS_PREFIX=${NS_PREFIX:-bn_}
. tests/netns/lib.sh
trap_cleanup
for c in iperf3 jq nft; do
	command -v $c >/dev/null || { echo "bench: $c missing"; exit 1; }
done
T=$NETNS_TMP
. tests/netns/nat_lab.sh
topo_nat_lab

ms_now() { date +%s%3N; }
# NAME CONF SOCK: start, then ms until the Map-Server acknowledged it
reg_time() {
	_t0=$(ms_now)
	locid_start "$1" "$2"
	wait_until 30 "ctlq $1 $3 '.map_servers[0].notifies >= 1' show database" ||
	    fail "$1 did not register: $(tail -3 "$T/$1.log")"
	echo $(( $(ms_now) - _t0 ))
}
tcp() {	# FROM DST -> Mbit/s received
	in_ns "$1" timeout $((S + 10)) iperf3 -c "$2" -t "$S" -J 2>/dev/null |
	    jq -r '.end.sum_received.bits_per_second / 1e6 | round' 2>/dev/null || echo 0
}
udp() {	# FROM DST -> packets/s received (36 octets of payload: 64-octet IP packets)
	in_ns "$1" timeout $((S + 10)) iperf3 -c "$2" -u -l 36 -b 0 -t "$S" -J 2>/dev/null |
	    jq -r '.end.sum as $s | (($s.packets - $s.lost_packets) / $s.seconds) | round' 2>/dev/null ||
	    echo 0
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

in_ns hostA iperf3 -s -D --pidfile "$T/iperf3.pid" >/dev/null 2>&1
wait_until 5 "[ -s $T/iperf3.pid ]" || fail "iperf3 server"
_pids="$_pids $(cat "$T/iperf3.pid")"

locid_start ms "$T/ms.conf"
locid_start rtr "$T/rtr.conf"
wait_until 10 "ctl ms $T/ms.sock --json show stats && ctl rtr $T/rtr.sock --json show nat" ||
    fail "ms, rtr"
direct_reg=$(reg_time xtrB "$T/xtrB.conf" "$T/xtrB.sock")
nat_reg=$(reg_time xtrA "$T/xtrA.conf" "$T/xtrA.sock")
printf 'register   behind NAT via RTR %6d ms   direct (xtrB) %6d ms   ratio %s\n' \
    "$nat_reg" "$direct_reg" "$(ratio "$nat_reg" "$direct_reg")"

wait_until 20 "in_ns hostB ping -c1 -W1 198.18.1.10" || fail "no path hostB -> hostA"
rt=$(tcp hostB 198.18.1.10); ru=$(udp hostB 198.18.1.10)
ctl rtr "$T/rtr.sock" --json show stats |
    jq -r '"rtr: encap \(.xtr.encap_packets) decap \(.xtr.decap_packets) packets"'

# the same hosts, xTR to xTR: no NAT rules, xtrA's RLOC routed, registered
# directly
locid_stop xtrA
in_ns nat nft delete table ip nt_nat
in_ns ms ip route add 198.19.0.0/24 via 203.0.113.1
in_ns nat conntrack -F >/dev/null 2>&1
sed -e '/^nat-traversal/d' -e '/^info-request-interval/d' "$T/xtrA.conf" >"$T/xtrA-direct.conf"
reg_time xtrA "$T/xtrA-direct.conf" "$T/xtrA.sock" >/dev/null
in_ns xtrB "$LOCICTL" -s "$T/xtrB.sock" clear map-cache >/dev/null
wait_until 20 "in_ns hostB ping -c1 -W1 198.18.1.10" || fail "no direct path hostB -> hostA"
ctlq xtrB "$T/xtrB.sock" '.[] | select(.eid_prefix == "198.18.1.0/24") |
    .locators | map(.address) == ["198.19.0.2"]' show map-cache || fail "direct path not direct"
dt=$(tcp hostB 198.18.1.10); du=$(udp hostB 198.18.1.10)
printf 'rtr        TCP 1 stream %6s Mbit/s   UDP 64 B %8s pps\n' "$rt" "$ru"
printf 'direct     TCP 1 stream %6s Mbit/s   UDP 64 B %8s pps\n' "$dt" "$du"
printf 'ratio rtr/direct: TCP %s  UDP %s\n' "$(ratio "$rt" "$dt")" "$(ratio "$ru" "$du")"
