#!/bin/sh
# configuration load time: `locid -n` on one map-server site of 10k, 100k
# and 1M eid-prefixes (plain, and every prefix with accept-more-specifics),
# against a plain read of the same file (`wc -l`) in the same run; then the
# start-up of a Map-Server daemon with the 1M file until its control
# socket answers `locictl show stats` (needs root: a network namespace).
# targets: 100k <= 1 s, 1M <= 10 s, t(1M)/t(100k) <= 12. each time is the
# best of BENCH_RUNS (3) runs.
# usage: bench/confload.sh [BUILD]   env: SIZES ("10000 100000 1000000")
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
export BUILD
NS_PREFIX=${NS_PREFIX:-cb_}
. tests/netns/lib.sh
trap_cleanup
SIZES=${SIZES:-"10000 100000 1000000"}

[ -x "$LOCID" ] || { echo "confload: $LOCID not built"; exit 1; }

# gen N MORE: one site, N /32 eid-prefixes, accept-more-specifics if MORE
gen() {
	awk -v n="$1" -v more="$2" -v sock="$NETNS_TMP/ms.sock" 'BEGIN {
		printf "role map-server\nrole map-resolver\ncontrol \"%s\"\n", sock
		printf "site big {\n\tkey 1 sha256 \"bench-secret\"\n"
		for (i = 0; i < n; i++)
			printf "\teid-prefix 10.%d.%d.%d/32%s\n", int(i / 65536),
			    int(i / 256) % 256, i % 256,
			    more ? " accept-more-specifics" : ""
		printf "}\n"
	}'
}

now() { date +%s.%N; }
# secs CMD...: wall time of one run, in seconds
secs() {
	_t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "confload: $* failed" >&2; exit 1; }
	_t1=$(now)
	echo "$_t0 $_t1" | awk '{ printf "%.3f", $2 - $1 }'
}
# best CMD...: the shortest of BENCH_RUNS (3) runs: on a shared machine a
# single run of 0.1 s moves by half, and the ratio with it
best() {
	_b=
	for _r in $(seq "${BENCH_RUNS:-3}"); do
		_s=$(secs "$@") || exit 1
		_b=$(echo "$_s ${_b:-$_s}" | awk '{ print ($1 < $2) ? $1 : $2 }')
	done
	echo "$_b"
}
ratio() { echo "$1 $2" | awk '{ printf "%.1f", ($2 > 0) ? $1 / $2 : 0 }'; }

printf '%-10s %-6s %10s %10s %9s %10s\n' prefixes kind "locid -n" "wc -l" "x wc" "MB"
for kind in plain more; do
	for n in $SIZES; do
		f="$NETNS_TMP/$kind-$n.conf"
		gen "$n" "$([ $kind = more ] && echo 1 || echo 0)" >"$f"
		w=$(best wc -l "$f")
		t=$(best "$LOCID" -n -f "$f")
		eval "t_${kind}_$n=$t"
		printf '%-10s %-6s %9ss %9ss %9s %10s\n' "$n" "$kind" "$t" "$w" \
		    "$(ratio "$t" "$w")" "$(du -m "$f" | cut -f1)"
	done
done
for kind in plain more; do
	eval "a=\${t_${kind}_100000:-}; b=\${t_${kind}_1000000:-}"
	[ -n "$a" ] && [ -n "$b" ] || continue
	r=$(ratio "$b" "$a")
	echo "$kind: t(1M)/t(100k) = $r (target <= 12); 100k ${a}s (target <= 1), 1M ${b}s (target <= 10): $(echo "$a $b $r" |
	    awk '{ print ($1 <= 1 && $2 <= 10 && $3 <= 12) ? "met" : "MISSED" }')"
done

# start-up of a Map-Server with the largest plain file
if [ "$(id -u)" -ne 0 ]; then
	echo "start-up: skipped (needs root for a network namespace)"
	exit 0
fi
n=$(echo $SIZES | awk '{ print $NF }')
ns_add ms
t0=$(now)
locid_start ms "$NETNS_TMP/plain-$n.conf"
wait_until 120 "$LOCICTL -s $NETNS_TMP/ms.sock show stats" || fail "the map-server did not answer"
t1=$(now)
st=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
eval "c=\$t_plain_$n"
echo "start-up: map-server with $n prefixes answers show stats after ${st}s (locid -n of the same file ${c}s, ratio $(ratio "$st" "$c"))"
