#!/bin/sh
# match.sh SCHEMA [FILE]: every key of the JSON in FILE (default stdin) must
# be in SCHEMA with one of its types. prints what differs; exit 1 if any.
[ $# -ge 1 ] || { echo "usage: match.sh SCHEMA [FILE]" >&2; exit 2; }
schema=$1; shift
out=$(jq -r --rawfile schema "$schema" --arg sname "${schema##*/}" '
	def segs: gsub("\\[\\]"; ".[]") | split(".") | map(select(. != ""));
	def jtype: if type == "number" then (if . == floor then "integer" else "real" end)
	    else type end;
	def fits($t; $types): ($types | index($t)) != null or
	    ($types | index("number")) != null and ($t == "integer" or $t == "real");
	def matches($p; $q): ($p | length) == ($q | length) and
	    ([range(0; $p | length)] | all(. as $i | $q[$i] == "*" or $q[$i] == $p[$i]));
	($schema | split("\n") | map(select(length > 0 and (startswith("#") | not))
	    | split(" ") | { p: (if .[0] == "." then [] else (.[0] | segs) end),
	    t: (.[1] | split("|")) })) as $S
	| . as $d
	| ([[]] + [paths]) [] as $path
	| ($path | map(if type == "number" then "[]" else . end)) as $p
	| ($d | getpath($path) | jtype) as $t
	| ([$S[] | select(matches($p; .p))] | first) as $s
	| ($p | map(if . == "[]" then . else "." + . end) | join("") | ltrimstr(".")
	    | if . == "" then "." else . end) as $name
	| if $s == null then "not in \($sname): \($name) (\($t))"
	  elif fits($t; $s.t) | not then "type of \($name): \($t), \($sname) says \($s.t | join("|"))"
	  else empty end' "$@" | sort -u) || exit 2
[ -z "$out" ] && exit 0
printf '%s\n' "$out"
exit 1
