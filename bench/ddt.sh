#!/bin/sh
# resolution latency through a DDT tree against a direct MS/MR, measured
# in the same run: lig round-trip times (p50, p99) asked of
#   direct  the MS/MR itself (proxy-reply)
#   cold    the DDT Map-Resolver with its referral cache emptied before
#           each request: root -> node -> Map-Server, then the proxy reply
#   warm    the DDT Map-Resolver with the referral cached: straight to the
#           Map-Server
# and their ratios to direct; then Map-Resolver throughput: a client
# keeping 32 ECM Map-Requests outstanding for 2 s against the direct MS/MR
# and against the DDT Map-Resolver (referral cached: each request costs
# the MR a DDT Map-Request and the Map-Server an MS-ACK besides its proxy
# reply), answers/s and the ratio.
#
#   root .1   node .5   ms .9 (MS/MR, site 198.18.1.0/24)   mr .13 (ddt-root .1)
#        \       |      /                                  /
#         +------ core (router) ------------------------- +
#        /       |
#   etr .17    client .21
#
# usage: bench/ddt.sh [BUILD]   env: RUNS (30), FLOOD_S (2). bounded: 3 x
# RUNS lig runs of one request each, every one at most 2 s, two floods of
# FLOOD_S seconds.
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
export BUILD
NS_PREFIX=${NS_PREFIX:-ddtb-}
. tests/netns/lib.sh
trap_cleanup
RUNS=${RUNS:-30}
[ "$(id -u)" -eq 0 ] || { echo "ddt: skipped (needs root for network namespaces)"; exit 0; }
command -v jq >/dev/null || { echo "ddt: skipped (no jq)"; exit 0; }
T=$NETNS_TMP

ns_add core; router core
i=0
for n in root node ms mr etr client; do
	ns_add $n
	link_add $n eth0 203.0.113.$((i * 4 + 1))/30 core e$i 203.0.113.$((i * 4 + 2))/30
	in_ns $n ip route add default via 203.0.113.$((i * 4 + 2))
	i=$((i + 1))
done
cat >"$T/root.conf" <<EOF
role ddt-node
control "$T/root.sock"
ddt-authoritative-prefix 198.18.0.0/15
ddt-delegation 198.18.0.0/16 node 203.0.113.5
EOF
cat >"$T/node.conf" <<EOF
role ddt-node
control "$T/node.sock"
ddt-authoritative-prefix 198.18.0.0/16
ddt-delegation 198.18.1.0/24 map-server 203.0.113.9
EOF
cat >"$T/ms.conf" <<EOF
role map-server
role map-resolver
control "$T/ms.sock"
map-request-ratelimit 0
site one {
	key 0 sha256 "one-s3cret"
	eid-prefix 198.18.1.0/24
}
EOF
cat >"$T/mr.conf" <<EOF
role map-resolver
control "$T/mr.sock"
map-request-ratelimit 0
ddt-root 203.0.113.1
EOF
cat >"$T/etr.conf" <<EOF
role etr
control "$T/etr.sock"
database-mapping 198.18.1.0/24 {
	rloc 203.0.113.17 priority 1 weight 100
}
map-server 203.0.113.9 key 0 sha256 "one-s3cret" proxy-reply
tun lisp0
EOF
for n in root node ms mr etr; do locid_start $n "$T/$n.conf"; done
wait_until 10 "ctl ms $T/ms.sock --json show site | jq -e '.[] | select(.registered)'" ||
    fail "etr did not register: $(cat "$T/etr.log")"
wait_until 5 "[ -S $T/mr.sock ]" || fail "mr did not start"

lig() {	# lig RESOLVER: one rtt in ms, or nothing
	in_ns client "$LOCICTL" lig -m "$1" -c 1 --json 198.18.1.7 2>/dev/null |
	    jq -r 'select(.records != null) | .rtt_ms'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
# p50 p99 of the numbers in FILE
pct() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
	i = int(NR * 0.5 + 0.5); if (i < 1) i = 1; j = int(NR * 0.99 + 0.5); if (j < 1) j = 1;
	printf "%.3f %.3f\n", v[i], v[j] }'; }

: >"$T/direct"; : >"$T/cold"; : >"$T/warm"
lig 203.0.113.9 >/dev/null; lig 203.0.113.13 >/dev/null	# ARP, first packets
cap_start wire core e5 udp	# the client's link
r=0
while [ $r -lt "$RUNS" ]; do
	lig 203.0.113.9 >>"$T/direct"
	ctl mr "$T/mr.sock" clear referral-cache >/dev/null
	lig 203.0.113.13 >>"$T/cold"
	lig 203.0.113.13 >>"$T/warm"
	r=$((r + 1))
done
cap_stop wire
# the same requests on the wire (no lig process wake-up in it): request
# out to answer in, by nonce; the runs go direct, cold, warm in turn
tsh wire 'lisp.type == 8 && ip.src == 203.0.113.21' frame.time_epoch lisp.nonce >"$T/req"
tsh wire 'lisp.type == 2 && ip.dst == 203.0.113.21' frame.time_epoch lisp.nonce >"$T/rep"
awk -F'|' -v T="$T" 'NR == FNR { rep[$2] = $1; next }
	{ k = (FNR - 1) % 3; f = k == 0 ? "direct" : k == 1 ? "cold" : "warm"
	  if ($2 in rep) printf "%.3f\n", (rep[$2] - $1) * 1000 > (T "/w" f) }' "$T/rep" "$T/req"
for f in direct cold warm; do [ -f "$T/w$f" ] || : >"$T/w$f"; done
set -- $(pct "$T/wdirect"); wd50=$1
set -- $(pct "$T/wcold"); wc50=$1
set -- $(pct "$T/wwarm"); ww50=$1
set -- $(pct "$T/direct"); d50=$1; d99=$2
set -- $(pct "$T/cold"); c50=$1; c99=$2
set -- $(pct "$T/warm"); w50=$1; w99=$2
[ "$d50" != "-" ] && [ "$c50" != "-" ] && [ "$w50" != "-" ] || fail "no answers: direct $d50 cold $c50 warm $w50"
printf 'ddt: lig rtt over %d runs (answered: direct %d, cold %d, warm %d)\n' "$RUNS" \
    "$(wc -l <"$T/direct")" "$(wc -l <"$T/cold")" "$(wc -l <"$T/warm")"
printf '  direct MS/MR      p50 %8s ms  p99 %8s ms  (baseline)\n' "$d50" "$d99"
printf '  DDT cold (3 hops) p50 %8s ms  p99 %8s ms  ratio p50 %.2f\n' "$c50" "$c99" \
    "$(div "$c50" "$d50")"
printf '  DDT warm (cached) p50 %8s ms  p99 %8s ms  ratio p50 %.2f\n' "$w50" "$w99" \
    "$(div "$w50" "$d50")"
if [ "$wd50" != "-" ] && [ "$wc50" != "-" ] && [ "$ww50" != "-" ]; then
	printf '  on the wire (request out to reply in) p50: direct %s ms, cold %s ms (ratio %.2f), warm %s ms (ratio %.2f)\n' \
	    "$wd50" "$wc50" "$(div "$wc50" "$wd50")" "$ww50" "$(div "$ww50" "$wd50")"
fi

# throughput: the same client, the same packets, both resolvers
FLOOD_S=${FLOOD_S:-2}
flood() {	# flood RESOLVER: answers per second
	in_ns client python3 - "$1" "$FLOOD_S" <<'PY'
import socket, struct, sys, time, select
res, secs = sys.argv[1], float(sys.argv[2])
me = '203.0.113.21'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((me, 0)); port = s.getsockname()[1]
s.setblocking(False)
def csum(b):
    if len(b) % 2: b += b'\0'
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
def pkt(nonce, eid):
    mr = struct.pack('!IQ', (1 << 28) | 1, nonce) + struct.pack('!H', 0)
    mr += struct.pack('!H', 1) + socket.inet_aton(me)
    mr += struct.pack('!BBH', 0, 32, 1) + socket.inet_aton(eid)
    src, dst = socket.inet_aton(me), socket.inet_aton(eid)
    ulen = 8 + len(mr)
    ph = src + dst + struct.pack('!BBH', 0, 17, ulen)
    u = struct.pack('!HHHH', port, 4342, ulen, 0) + mr
    c = csum(ph + u) or 0xffff
    u = u[:6] + struct.pack('!H', c) + u[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ulen, 0, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return struct.pack('!I', 8 << 28) + ip + u
out, n, got, W = {}, 0, 0, 32
end = time.monotonic() + secs
while time.monotonic() < end:
    while len(out) < W:
        n += 1
        s.sendto(pkt(n, '198.18.1.%d' % (1 + n % 250)), (res, 4342))
        out[n] = time.monotonic()
    r, _, _ = select.select([s], [], [], 0.05)
    while r:
        try:
            d = s.recv(2048)
        except BlockingIOError:
            break
        if len(d) >= 12 and d[0] >> 4 == 2:
            k = struct.unpack('!Q', d[4:12])[0]
            if out.pop(k, None) is not None:
                got += 1
    t = time.monotonic()
    for k in [k for k, v in out.items() if t - v > 0.5]:
        del out[k]		# lost: the window moves on
print('%.0f' % (got / secs))
PY
}
ctl mr "$T/mr.sock" clear referral-cache >/dev/null
lig 203.0.113.13 >/dev/null	# the referral cached
td=$(flood 203.0.113.9)
tw=$(flood 203.0.113.13)
[ -n "$td" ] && [ "$td" -gt 0 ] && [ -n "$tw" ] || fail "flood: direct '$td' ddt '$tw'"
printf '  MR throughput: direct %s answers/s, DDT (cached) %s answers/s, ratio %.2f\n' \
    "$td" "$tw" "$(div "$tw" "$td")"
