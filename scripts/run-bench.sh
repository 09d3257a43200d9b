#!/bin/sh
# run every benchmark: build/bench/* binaries (codec and trie first; idle,
# msmr, ... by the glob below) and
# bench/*.sh scripts; missing ones are skipped. each is bounded in time.
# usage: scripts/run-bench.sh [BUILD]
build=${1:-build}
n=0; fail=0

run() {
	name=$1; shift
	echo "=== bench: $name"
	n=$((n + 1))
	timeout 300 "$@"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: bench $name (exit $rc)"
		fail=$((fail + 1))
	fi
	echo
}

for b in codec trie; do
	if [ -x "$build/bench/$b" ]; then
		run "$b" "$build/bench/$b"
	else
		echo "=== bench: $b: skipped ($build/bench/$b not built)"
	fi
done
for b in "$build"/bench/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	case ${b##*/} in
	codec|trie|*.d|*.o) continue ;;
	esac
	run "${b##*/}" "$b"
done
# issue 13: 100k registrations over three Map-Servers under a DDT tree,
# resolved through a DDT Map-Resolver, against the direct MS/MR
[ ! -x "$build/bench/msmr" ] || run msmr-ddt "$build/bench/msmr" -n 100000 -6 0 -r 60000 -t 5 -D
# issue 9: the LISP-SEC on/off ratio with the MS and the client on CPUs
# of their own and the client spinning (no wake-ups charged to the MS)
[ ! -x "$build/bench/msmr" ] || run msmr-lispsec-pinned "$build/bench/msmr" -R 5 -P -S
for s in bench/*.sh; do
	[ -f "$s" ] || continue
	run "${s##*/}" env BUILD="$build" sh "$s" "$build"
done
echo "bench ($build): $((n - fail))/$n benchmarks ran"
[ "$fail" -eq 0 ]
