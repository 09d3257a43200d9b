#!/bin/sh
# idle cost of a real xTR daemon with N cached mappings (issue 8: timers
# per object, < 1% of a core at 100k and 1M entries): the entries are
# static map-cache entries from the config (map-cache PREFIX { rloc ... }),
# so the daemon's own loop, timers and heap carry them. for each N the
# daemon runs alone in a netns; over T seconds of idling we read its CPU
# time and voluntary context switches (one per sleep of the event loop)
# from /proc, and print them beside N=0 measured in the same run.
# usage: bench/wakeups.sh [BUILD]; BENCH_N="100000 1000000", BENCH_T=10
cd "$(dirname "$0")/.." || exit 1
build=${1:-${BUILD:-build}}
LOCID=$build/bin/locid
LOCICTL=$build/bin/locictl
NS=${NS_PREFIX:-wk_}x
T=${BENCH_T:-10}
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$tmp"' EXIT
[ -x "$LOCID" ] || { echo "wakeups: $LOCID not built"; exit 1; }
hz=$(getconf CLK_TCK)

ip netns del $NS 2>/dev/null
ip netns add $NS
ip -n $NS link set lo up
ip -n $NS link add d0 type veth peer name d1
ip -n $NS addr add 203.0.113.1/24 dev d0
ip -n $NS link set d0 up

conf() {	# conf N FILE
	{
		cat <<CONF
role itr
role etr
control "$tmp/x.sock"
database-mapping 198.18.1.0/24 {
	rloc 203.0.113.1 priority 1 weight 100
}
map-server 203.0.113.2 key 0 sha256 "k"
map-resolver 203.0.113.2
map-cache-limit 16777216
CONF
		# N /32 entries in 10.0.0.0/8 and up, two locators each
		awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
			printf "map-cache %d.%d.%d.%d/32 {\n\trloc 203.0.113.5 priority 1 weight 50\n\trloc 203.0.113.6 priority 1 weight 50\n}\n",
			    10 + int(i / 16777216), int(i / 65536) % 256, int(i / 256) % 256, i % 256 }'
	} >"$2"
}

stat_of() {	# utime+stime ticks, voluntary switches of pid
	echo "$(awk '{ print $14 + $15 }' /proc/$1/stat) $(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/$1/status)"
}

run() {	# run N: prints "N load_s cpu_pct wakeups_per_s rss_kb"
	conf "$1" "$tmp/x.conf"
	t0=$(date +%s.%N)
	ip netns exec $NS "$LOCID" -d -f "$tmp/x.conf" >"$tmp/log" 2>&1 &
	pid=$!
	i=0
	until ip netns exec $NS "$LOCICTL" -s "$tmp/x.sock" show version >/dev/null 2>&1; do
		sleep 0.2; i=$((i + 1))
		[ $i -lt 600 ] || { echo "wakeups: locid did not come up: $(tail -3 "$tmp/log")"; exit 1; }
	done
	t1=$(date +%s.%N)
	sleep 2
	a=$(stat_of $pid)
	sleep "$T"
	b=$(stat_of $pid)
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)
	kill $pid; wait $pid 2>/dev/null
	echo "$1 $t0 $t1 $a $b $rss" | awk -v T="$T" -v hz="$hz" '{
		printf "%d %.2f %.3f %.1f %d\n", $1, $3 - $2, ($6 - $4) * 100 / hz / T,
		    ($7 - $5) / T, $8 }'
}

base=$(run 0)
printf '%-9s %-8s %-12s %-12s %-10s %s\n' entries load_s cpu_%core wakeups/s rss_MB "ratio to N=0 (cpu, wakeups)"
echo "$base" | awk '{ printf "%-9d %-8.2f %-12.3f %-12.1f %-10.1f baseline\n", $1, $2, $3, $4, $5 / 1024 }'
for n in ${BENCH_N:-100000 1000000}; do
	r=$(run "$n")
	echo "$r $base" | awk '{ c = $8 > 0 ? $3 / $8 : 0; w = $9 > 0 ? $4 / $9 : 0
		printf "%-9d %-8.2f %-12.3f %-12.1f %-10.1f %.2f, %.2f   (%.0f B per entry over N=0)\n",
		    $1, $2, $3, $4, $5 / 1024, c, w, ($5 - $10) * 1024 / $1 }'
done
