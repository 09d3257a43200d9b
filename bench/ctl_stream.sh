#!/bin/sh
# locictl reading a large show map-cache: peak RSS and time of
# `locictl --json show map-cache` against a fake daemon (python3) that
# answers with a protocol v1 stream, and, as the baseline in the same run,
# with the same entries as one protocol-0 line (the old whole-reply form).
# prints each figure and the ratios. usage: bench/ctl_stream.sh [BUILD]
BUILD=${1:-${BUILD:-build}}
LOCICTL=$BUILD/bin/locictl
[ -x "$LOCICTL" ] || { echo "skip: $LOCICTL not built"; exit 0; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 0; }
[ -x /usr/bin/time ] || { echo "skip: no /usr/bin/time"; exit 0; }
T=$(mktemp -d) || exit 1
trap 'kill $SP 2>/dev/null; rm -rf "$T"' EXIT

# serve MODE N: one connection, entries generated on the fly
cat >"$T/srv.py" <<'PY'
import os, socket, sys
path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path); s.listen(1)
open(path + ".ready", "w").close()
c, _ = s.accept()
f = c.makefile("rwb", buffering=1 << 20)
f.readline()
ent = ('{"eid_prefix":"198.%d.%d.0/24","iid":0,"state":"complete","source":"map-reply",'
       '"uptime":65,"expires_in":86335,"ttl":1440,"authoritative":true,"packets":4,'
       '"bytes":336,"drops":0,"locators":[{"address":"203.0.113.5","state":"up",'
       '"priority":1,"weight":100,"reachable":true,"local":false,"encap_packets":4,'
       '"encap_bytes":336,"probe":"up","rtt_ms":0.25,"probes_sent":1,"probes_answered":1}]}')
if mode == "stream":
    f.write(b'{"v":1,"ok":true,"stream":true}\n')
    for i in range(n):
        f.write(b'{"item":' + (ent % (18 + i // 65536, i // 256 % 256)).encode() + b'}\n')
    f.write(b'{"end":true,"count":%d}\n' % n)
else:
    f.write(b'{"ok":true,"result":[')
    for i in range(n):
        f.write((("," if i else "") + ent % (18 + i // 65536, i // 256 % 256)).encode())
    f.write(b']}\n')
f.flush(); c.close()
PY

# run MODE N: prints "rss_kib seconds"
run() {
	rm -f "$T/s" "$T/s.ready"
	python3 "$T/srv.py" "$T/s" "$1" "$2" & SP=$!
	i=0; while [ ! -e "$T/s.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	/usr/bin/time -f "%M %e" -o "$T/time" "$LOCICTL" -s "$T/s" --json show map-cache >"$T/out" ||
	    { echo "FAIL: locictl $1 $2"; exit 1; }
	wait $SP
	[ "$(jq length "$T/out")" = "$2" ] || { echo "FAIL: $1 $2: wrong count"; exit 1; }
	cat "$T/time"
}

set -- $(run single 100000); b_rss=$1; b_t=$2
set -- $(run stream 100000); s1_rss=$1; s1_t=$2
set -- $(run stream 1000000); s2_rss=$1; s2_t=$2
echo "locictl --json show map-cache, peak RSS (KiB) and time (s):"
echo "  protocol 0, 100k entries in one line (baseline): $b_rss KiB, $b_t s"
echo "  protocol 1 stream, 100k entries:                 $s1_rss KiB, $s1_t s"
echo "  protocol 1 stream, 1M entries:                   $s2_rss KiB, $s2_t s"
awk -v b="$b_rss" -v s1="$s1_rss" -v s2="$s2_rss" 'BEGIN {
	printf "  ratio RSS stream 100k / protocol 0 100k: %.3f\n", s1 / b
	printf "  ratio RSS stream 1M / stream 100k:       %.3f (bounded: ~1)\n", s2 / s1 }'
