#!/bin/sh
# run the script-driven checks: tests/*/check.sh and tests/unit/*.sh
build=${1:-build}
fail=0; n=0
for t in tests/*/check.sh tests/unit/*.sh; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	echo "check: $t"
	if ! BUILD=$build sh "$t"; then
		echo "FAIL: $t"; fail=$((fail + 1))
	fi
done
echo "checks: $((n - fail))/$n passed"
[ "$fail" -eq 0 ]
