#!/bin/sh
# independent decoding of every sample packet of tests/unit/vectors.h with
# tshark: test_pcapgen writes them into a pcap (control on UDP 4342, data on
# UDP 4341), tshark must dissect each frame as LISP (control) or LISP data,
# and must not report a malformed packet or an expert error, except the
# known Wireshark 4.0 disagreements listed in ALLOW below.
#
#	tests/unit/tshark_check.sh [build-dir] [file.pcap]
#
# with a pcap argument, that file is checked instead (every frame counts as
# control unless its number is listed in DATA_FRAMES="13 14").
set -e
build=${1:-build}
pcap=$2

if ! command -v tshark >/dev/null 2>&1; then
	echo "tshark_check: tshark not installed, skipped"
	exit 0
fi

# frame name|expert message Wireshark gets wrong (see LISP-PROTOCOL.md §2.10)
ALLOW='info-request-dn|Expecting NULL AFI (0), found 17, incorrect packet!'

tmp=$(mktemp -d /tmp/locid-tshark.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -z "$pcap" ]; then
	make -s --no-print-directory BUILD="$build" "$build/tests/test_pcapgen" >/dev/null
	"$build/tests/test_pcapgen" "$tmp/v.pcap" >"$tmp/frames"
	pcap=$tmp/v.pcap
else
	n=$(tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
	i=1
	: >"$tmp/frames"
	while [ "$i" -le "$n" ]; do
		kind=control
		for d in $DATA_FRAMES; do [ "$d" = "$i" ] && kind=data; done
		printf '%s\tframe-%s\t%s\t0\n' "$i" "$i" "$kind" >>"$tmp/frames"
		i=$((i + 1))
	done
fi

tshark -r "$pcap" -T fields -E separator=/t -e frame.number \
    -e frame.protocols 2>/dev/null >"$tmp/protos"
tshark -r "$pcap" -Y '_ws.malformed || _ws.expert.severity == error' \
    -T fields -E separator=/t -E occurrence=a -E aggregator='|' \
    -e frame.number -e _ws.expert.message 2>/dev/null >"$tmp/errors"

fail=0
total=0
while IFS="$(printf '\t')" read -r num name kind len; do
	total=$((total + 1))
	protos=$(awk -F'\t' -v n="$num" '$1 == n { print $2 }' "$tmp/protos")
	case "$kind:$protos" in
	control:*:udp:lisp|control:*:udp:lisp:*) ;;
	data:*:udp:lisp-data|data:*:udp:lisp-data:*) ;;
	*)
		echo "FAIL: frame $num ($name): not dissected as $kind LISP: $protos"
		fail=$((fail + 1))
		continue
		;;
	esac
	msgs=$(awk -F'\t' -v n="$num" '$1 == n { print $2 }' "$tmp/errors")
	[ -z "$msgs" ] && continue
	# every message of the frame must be on the allow list
	left=$(printf '%s\n' "$msgs" | tr '|' '\n' | while read -r m; do
		[ -z "$m" ] && continue
		printf '%s\n' "$ALLOW" | grep -qxF "$name|$m" || printf '%s\n' "$m"
	done)
	if [ -n "$left" ] || printf '%s' "$msgs" | grep -q 'Malformed'; then
		echo "FAIL: frame $num ($name): $msgs"
		fail=$((fail + 1))
	else
		echo "ok (known wireshark disagreement): frame $num ($name): $msgs"
	fi
done <"$tmp/frames"

if [ "$fail" -ne 0 ]; then
	echo "tshark_check: $fail of $total frames failed (re-run: tshark -r <pcap> -V)"
	exit 1
fi
echo "tshark_check: $total frames dissected by tshark without errors"
