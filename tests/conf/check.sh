#!/bin/sh
# golden tests of the configuration language through the daemon itself:
#   ok/X.conf   `locid -n` says OK, `locid -nv` prints ok/X.out, and that
#               output, checked again, prints itself
#   bad/X.conf  `locid -n` fails and prints bad/X.err on stderr
# run from the top of the tree: tests/conf/check.sh [path/to/locid]
locid=${1:-${LOCID:-build/bin/locid}}
dir=tests/conf
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0

if [ ! -x "$locid" ]; then
	echo "check.sh: $locid not built" >&2
	exit 1
fi
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

for conf in $dir/ok/*.conf; do
	n=$((n + 1))
	out=${conf%.conf}.out
	if ! "$locid" -n -f "$conf" >"$tmp/stdout" 2>"$tmp/stderr"; then
		bad "$conf: locid -n failed: $(cat "$tmp/stderr")"
		continue
	fi
	grep -qx 'configuration OK' "$tmp/stderr" ||
	    bad "$conf: locid -n did not say 'configuration OK'"
	"$locid" -nv -f "$conf" >"$tmp/v" 2>"$tmp/stderr" ||
	    bad "$conf: locid -nv failed"
	cmp -s "$tmp/v" "$out" || { bad "$conf: -nv differs from $out";
	    diff -u "$out" "$tmp/v" | head -20; }
	cp "$tmp/v" "$tmp/again.conf"
	"$locid" -nv -f "$tmp/again.conf" >"$tmp/v2" 2>"$tmp/stderr" ||
	    bad "$conf: printed form does not load: $(cat "$tmp/stderr")"
	cmp -s "$tmp/v" "$tmp/v2" || bad "$conf: printed form is not stable"
done

for conf in $dir/bad/*.conf; do
	n=$((n + 1))
	err=${conf%.conf}.err
	if "$locid" -n -f "$conf" >"$tmp/stdout" 2>"$tmp/stderr"; then
		bad "$conf: locid -n accepted it"
		continue
	fi
	cmp -s "$tmp/stderr" "$err" || { bad "$conf: errors differ from $err";
	    diff -u "$err" "$tmp/stderr" | head -20; }
done

echo "conf: $((n - fail))/$n golden files passed"
[ "$fail" -eq 0 ]
