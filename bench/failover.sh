#!/bin/sh
# failover time: lisp2's preferred RLOC link goes down -> first packet of
# a flow encapsulated to its backup RLOC, over repeated runs (p50/p99),
# against the target probe-interval + 1 probe-timeout.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#            203.0.113.1        .6/.5  203.0.113.5  (priority 1)
#                              .14/.13 203.0.113.13 (priority 2)
#
# usage: bench/failover.sh [BUILD]   env: RUNS (10), PROBE_INTERVAL (2),
# PROBE_TIMEOUT (1). a flow of 100 echoes/s runs from hostA to hostB; each
# run takes 203.0.113.5's link down at T0, takes the time of the first
# encapsulated packet to 203.0.113.13 captured on that link (tcpdump, same
# clock), restores the link and waits for the flow to move back, then a
# random pause so that T0 falls anywhere in the probe cycle.
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
export BUILD
NS_PREFIX=${NS_PREFIX:-p5ab-}
. tests/netns/lib.sh
trap_cleanup

RUNS=${RUNS:-10}
PROBE_INTERVAL=${PROBE_INTERVAL:-2}
PROBE_TIMEOUT=${PROBE_TIMEOUT:-1}
[ "$(id -u)" -eq 0 ] || { echo "failover: skipped (needs root for network namespaces)"; exit 0; }

for n in hostA lisp1 mapserver lisp2 hostB; do ns_add $n; done
link_add hostA eth0 198.18.1.10/24 lisp1 eth1 198.18.1.1/24
link_add lisp1 eth0 203.0.113.1/30 mapserver eth1 203.0.113.2/30
link_add lisp2 eth0 203.0.113.5/30 mapserver eth2 203.0.113.6/30
link_add lisp2 eth2 203.0.113.13/30 mapserver eth4 203.0.113.14/30
link_add hostB eth0 198.18.2.10/24 lisp2 eth1 198.18.2.1/24
in_ns hostA ip route add default via 198.18.1.1
in_ns hostB ip route add default via 198.18.2.1
in_ns lisp1 ip route add default via 203.0.113.2
in_ns lisp2 ip route add default via 203.0.113.6 metric 10
in_ns lisp2 ip route add default via 203.0.113.14 metric 20
router lisp1; router lisp2; router mapserver

S1="$NETNS_TMP/lisp1.sock"; SM="$NETNS_TMP/mapserver.sock"
xtr_conf() {	# NAME EID RLOC-LINES
	cat <<EOF
role itr
role etr
control "$NETNS_TMP/$1.sock"
timers {
	probe-interval $PROBE_INTERVAL
	probe-timeout $PROBE_TIMEOUT
}
database-mapping $2 {
$3
}
map-server 203.0.113.2 key 0 sha256 "$1-s3cret" want-map-notify
map-resolver 203.0.113.2
tun lisp0
EOF
}
sed "s|/run/locid-mapserver.sock|$SM|" examples/seed-lab/mapserver.conf >"$NETNS_TMP/mapserver.conf"
xtr_conf lisp1 198.18.1.0/24 "	rloc 203.0.113.1 priority 1 weight 100" >"$NETNS_TMP/lisp1.conf"
xtr_conf lisp2 198.18.2.0/24 "	rloc 203.0.113.5 priority 1 weight 100
	rloc 203.0.113.13 priority 2 weight 100" >"$NETNS_TMP/lisp2.conf"
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "sites registered"

loc() {	# RLOC JQ-EXPR on lisp1's entry for 198.18.2.0/24
	ctl lisp1 "$S1" --json show map-cache |
	    jq -e ".[] | select(.eid_prefix == \"198.18.2.0/24\") | .locators[] |
	    select(.address == \"$1\") | $2"
}

in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null || fail "first ping"
in_ns hostA ping -q -i 0.01 -w $(( RUNS * 20 + 30 )) 198.18.2.10 >/dev/null 2>&1 &
_pids="$_pids $!"
in_ns lisp2 tcpdump -i eth2 -U --immediate-mode -n -w "$NETNS_TMP/backup.pcap" \
    'udp dst port 4341 and dst host 203.0.113.13' 2>"$NETNS_TMP/tcpdump.err" &
_pids="$_pids $!"
wait_until 5 "grep -q listening $NETNS_TMP/tcpdump.err" || fail "tcpdump"
wait_until 10 "loc 203.0.113.5 '.probe == \"up\"'" || fail "probing"

: >"$NETNS_TMP/t0"
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	date +%s.%N >>"$NETNS_TMP/t0"
	in_ns lisp2 ip link set eth0 down
	wait_until 15 "loc 203.0.113.5 '.state == \"down\"'" || fail "run $i: no failover"
	in_ns lisp2 ip link set eth0 up
	in_ns lisp2 ip route replace default via 203.0.113.6 metric 10
	wait_until 15 "loc 203.0.113.5 '.state == \"up\"'" || fail "run $i: no recovery"
	p0=$(loc 203.0.113.5 .encap_packets)
	wait_until 5 "loc 203.0.113.5 '.encap_packets > $p0'" || fail "run $i: flow not back"
	# a random pause: T0 anywhere in the probe cycle
	sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" -v p="$PROBE_INTERVAL" \
	    'BEGIN { printf "%.3f", (s % 1000) / 1000 * p }')"
done
sleep 0.3
tshark -r "$NETNS_TMP/backup.pcap" -Y 'icmp.type == 8' -T fields -e frame.time_epoch \
    2>/dev/null >"$NETNS_TMP/backup.txt"
target=$(( (PROBE_INTERVAL + PROBE_TIMEOUT) * 1000 ))
awk -v target="$target" -v runs="$RUNS" '
	NR == FNR { t0[++n] = $1; next }
	{ pk[++m] = $1 }
	END {
		k = 0
		for (i = 1; i <= n; i++) {
			for (j = 1; j <= m; j++)
				if (pk[j] > t0[i]) {
					d[++k] = (pk[j] - t0[i]) * 1000
					break
				}
		}
		if (k < n) { printf "failover: only %d of %d runs measured\n", k, n; exit 1 }
		for (i = 1; i <= k; i++)
			for (j = i + 1; j <= k; j++)
				if (d[j] < d[i]) { x = d[i]; d[i] = d[j]; d[j] = x }
		printf "failover time (link down -> first packet on the backup RLOC), %d runs, ms:", k
		for (i = 1; i <= k; i++) printf " %.0f", d[i]
		printf "\n"
		p50 = d[int((k + 1) / 2)]
		p99 = d[k - int(k / 100)]
		printf "failover p50 %.0f ms, p99 %.0f ms, max %.0f ms\n", p50, p99, d[k]
		printf "target probe-interval + probe-timeout = %d ms: p50/target %.2f, p99/target %.2f (%s)\n",
		    target, p50 / target, p99 / target, p99 <= target ? "met" : "MISSED"
	}' "$NETNS_TMP/t0" "$NETNS_TMP/backup.txt"
