#!/bin/sh
# locictl decode against tshark and golden files.
#  1. every capture in /work/shared/captures and the synthetic ones made by
#     mkpcap.py (Ethernet+QinQ, SLL, SLL2, raw IP) decodes without failure,
#     and compare.py finds its fields equal to `tshark -T json`'s;
#  2. the text rendering equals tests/decode/expected/*.txt;
#  3. --key verifies the synthetic Map-Register/Map-Notify, a wrong key
#     does not; a truncated message fails with exit 1 and a reason.
# run from the top of the tree; BUILD names the build directory.
# UPDATE=1 rewrites the golden files.
set -u
BUILD=${BUILD:-build}
LOCICTL=${LOCICTL:-$BUILD/bin/locictl}
CAPS=${CAPS:-/work/shared/captures}
here=tests/decode
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "decode-check: FAIL: $*"; fail=1; }

[ -x "$LOCICTL" ] || { echo "decode-check: no $LOCICTL (make first)"; exit 1; }
python3 $here/mkpcap.py "$tmp" || exit 1

have_tshark=1
command -v tshark >/dev/null 2>&1 || { have_tshark=0; echo "decode-check: tshark missing, comparisons skipped"; }

for f in "$CAPS"/*.pcap "$tmp"/synth_*.pcap; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .pcap)
	if ! "$LOCICTL" decode --json -r "$f" >"$tmp/$n.jsonl" 2>"$tmp/$n.err"; then
		bad "$n: decode failed: $(cat "$tmp/$n.err")"
		continue
	fi
	if [ $have_tshark = 1 ]; then
		tshark -T json -r "$f" >"$tmp/$n.tshark.json" 2>/dev/null ||
		    { bad "$n: tshark failed"; continue; }
		if out=$(python3 $here/compare.py "$tmp/$n.jsonl" "$tmp/$n.tshark.json"); then
			echo "decode-check: $n: $out"
		else
			echo "$out"
			bad "$n: differs from tshark"
		fi
	fi
	# text goldens: the shared captures and one synthetic capture
	case $n in synth_sll|synth_sll2|synth_raw) continue ;; esac
	"$LOCICTL" decode --key lisp-secret -r "$f" >"$tmp/$n.txt" 2>&1
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/$n.txt" "$here/expected/$n.txt"
	elif ! diff -u "$here/expected/$n.txt" "$tmp/$n.txt"; then
		bad "$n: text differs from $here/expected/$n.txt"
	fi
done

# the link types must all give the same messages
for n in synth_sll synth_sll2 synth_raw; do
	jq -c 'del(.frame)' "$tmp/synth_eth.jsonl" >"$tmp/a" 2>/dev/null
	jq -c 'del(.frame)' "$tmp/$n.jsonl" >"$tmp/b" 2>/dev/null
	cmp -s "$tmp/a" "$tmp/b" || bad "$n: decodes differently from synth_eth"
done
[ "$(wc -l <"$tmp/synth_eth.jsonl")" -eq 9 ] ||
    bad "synth_eth: expected 9 LISP packets (3 non-LISP skipped)"

# --key: valid with the right secret, invalid with another
v=$("$LOCICTL" decode --json --key lisp-secret -r "$tmp/synth_eth.pcap" |
    jq -r 'select(.auth != null and .auth != "none") | .auth' | sort | uniq -c | tr -s ' ')
[ "$v" = " 2 valid" ] || bad "--key lisp-secret: got '$v'"
v=$("$LOCICTL" decode --json --key wrong -r "$tmp/synth_eth.pcap" |
    jq -r 'select(.auth != null and .auth != "none") | .auth' | sort | uniq -c | tr -s ' ')
[ "$v" = " 2 invalid" ] || bad "--key wrong: got '$v'"

# a truncated Map-Register: exit 1 and a reason on stderr
"$LOCICTL" decode 3000010100000000000000010001001400 >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 1 ] || bad "truncated message: exit $rc, want 1"
grep -q '^locictl: decode: map-register: ' "$tmp/e" || bad "truncated message: stderr '$(cat "$tmp/e")'"
[ -s "$tmp/o" ] && bad "truncated message: something on stdout"

# a data packet from hex (UDP payload to 4341): with --data, and found
# without it; the inner header agrees with tshark's reading of the capture
d=$(tshark -r "$CAPS/peers/oor-interop.pcap" -Y 'udp.dstport == 4341 && icmp' -T fields \
    -e udp.payload -e ip.src -e ip.dst 2>/dev/null | head -1)
if [ -n "$d" ]; then
	hex=${d%%	*}
	inner=$(echo "$d" | cut -f2 | cut -d, -f2)" -> "$(echo "$d" | cut -f3 | cut -d, -f2)
	for opt in --data ""; do
		# shellcheck disable=SC2086
		"$LOCICTL" decode $opt "$hex" >"$tmp/d" 2>"$tmp/e" || bad "decode $opt data: $(cat "$tmp/e")"
		grep -q '^LISP data$' "$tmp/d" && grep -q "Inner: $inner\$" "$tmp/d" ||
		    bad "decode $opt data: '$(cat "$tmp/d")' (want inner $inner)"
	done
fi

[ $fail = 0 ] && echo "decode-check: passed"
exit $fail
