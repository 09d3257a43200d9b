#!/bin/sh
# run unit test binaries; print a summary, fail if any failed
build=$1; shift
fail=0; n=0
for t in "$@"; do
	n=$((n + 1))
	if ! "$t" >"$t.log" 2>&1; then
		echo "FAIL: $t (log: $t.log)"; tail -30 "$t.log"; fail=$((fail + 1))
	fi
done
echo "unit ($build): $((n - fail))/$n test programs passed"
[ "$fail" -eq 0 ]
