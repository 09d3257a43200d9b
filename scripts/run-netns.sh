#!/bin/sh
# run every network-namespace test (needs root)
build=${1:-build}
fail=0; n=0
for t in tests/netns/t_*.sh; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	echo "netns: $t"
	if ! BUILD=$build timeout 300 sh "$t"; then
		echo "FAIL: $t"; fail=$((fail + 1))
	fi
done
echo "netns: $((n - fail))/$n scenarios passed"
[ "$fail" -eq 0 ]
