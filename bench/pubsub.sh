#!/bin/sh
# change-to-subscriber-cache latency of publish/subscribe (RFC 9437):
# xtr1 subscribes to 198.18.2.0/24; each run clears xtr2's site at the
# Map-Server (published: no locators) and xtr2's next Map-Register (every
# second) brings the mapping back (published: one locator). the figure is
# that Map-Register's arrival at the Map-Server to xtr1's Map-Notify-Ack
# (its map-cache already set) leaving, both captured on the Map-Server
# (one clock); the baseline, measured in the same run, is the ping
# round-trip between the Map-Server and xtr1 over the same link.
#
#   xtr1 203.0.113.1 ---- .2 [ ms ] .6 ---- 203.0.113.5 xtr2
#
# usage: bench/pubsub.sh [BUILD]   env: RUNS (10): bounded, about 3 s
# a run.
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
export BUILD
NS_PREFIX=${NS_PREFIX:-psb-}
. tests/netns/lib.sh
trap_cleanup
RUNS=${RUNS:-10}
[ "$(id -u)" -eq 0 ] || { echo "pubsub: skipped (needs root for network namespaces)"; exit 0; }
for c in jq tshark; do command -v $c >/dev/null || { echo "pubsub: skipped (no $c)"; exit 0; }; done
T=$NETNS_TMP

ns_add ms; router ms
for i in 1 2; do
	ns_add xtr$i
	link_add xtr$i eth0 203.0.113.$((i * 4 - 3))/30 ms e$i 203.0.113.$((i * 4 - 2))/30
	in_ns xtr$i ip route add default via 203.0.113.$((i * 4 - 2))
	in_ns xtr$i ip addr add 198.18.$i.1/24 dev lo
done
cat >"$T/ms.conf" <<EOF
role map-server
role map-resolver
control "$T/ms.sock"
pubsub-key 1 sha256 "pubsub-s3cret"
site site1 {
	key 0 sha256 "site1-s3cret"
	eid-prefix 198.18.1.0/24
}
site site2 {
	key 0 sha256 "site2-s3cret"
	eid-prefix 198.18.2.0/24
}
EOF
for n in 1 2; do cat >"$T/xtr$n.conf" <<EOF
role itr
role etr
control "$T/xtr$n.sock"
timers {
	register-interval 1
}
database-mapping 198.18.$n.0/24 {
	rloc 203.0.113.$((n * 4 - 3)) priority 1 weight 100
}
map-server 203.0.113.$((n * 4 - 2)) key 0 sha256 "site$n-s3cret"
xtr-id 0x0000000000000000000000000000000$n
map-resolver 203.0.113.$((n * 4 - 2))
pubsub-key 1 sha256 "pubsub-s3cret"
tun lisp0
EOF
done
locid_start ms "$T/ms.conf"; locid_start xtr1 "$T/xtr1.conf"; locid_start xtr2 "$T/xtr2.conf"
wait_until 10 "ctl ms $T/ms.sock --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "sites registered"
in_ns xtr1 ping -c1 -W2 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1
wait_until 5 "ctl ms $T/ms.sock --json show subscriptions | jq -e '.[] | select(.state == \"confirmed\")'" ||
    fail "no confirmed subscription"

cap_start a ms e1 udp
cap_start b ms e2 udp
r=0
while [ $r -lt "$RUNS" ]; do
	ctl ms "$T/ms.sock" clear site site2 >/dev/null
	wait_until 8 "ctl xtr1 $T/xtr1.sock --json show map-cache 198.18.2.1 | jq -e '.[0].locators | length == 1'" ||
	    fail "run $r: mapping not back in xtr1's cache"
	r=$((r + 1))
done
cap_stop a; cap_stop b
# for each publication with a locator: the Map-Register from xtr2 just
# before it (the one that brought the mapping back) and xtr1's ack after
tsh b 'lisp.type == 3 && ip.src == 203.0.113.5' frame.time_epoch >"$T/reg"
tsh a 'lisp.type == 4 && ip.dst == 203.0.113.1 && lisp.mapping.loccnt == 1' frame.time_epoch lisp.nonce >"$T/pub"
# (Wireshark 4.0 does not dissect Map-Notify-Ack: the first from xtr1
# after the publication, runs being seconds apart)
tsh a 'udp.srcport == 4342 && ip.src == 203.0.113.1 && udp.payload[0] == 0x50' frame.time_epoch >"$T/ack"
: >"$T/lat"
while IFS='|' read -r tp nonce; do
	treg=$(awk -v t="$tp" '$1 <= t { r = $1 } END { print r }' "$T/reg")
	tack=$(awk -v t="$tp" '$1 >= t { print $1; exit }' "$T/ack")
	[ -n "$treg" ] && [ -n "$tack" ] && awk -v a="$tack" -v r="$treg" 'BEGIN { printf "%.6f\n", (a - r) * 1000 }' >>"$T/lat"
done <"$T/pub"
in_ns ms ping -c "$RUNS" -i 0.05 -q 203.0.113.1 >"$T/ping" 2>&1
base=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$T/ping")
pct() { sort -n "$1" | awk -v q="$2" '{ v[NR] = $1 } END { i = int(NR * q + 0.5); if (i < 1) i = 1; printf "%.3f", v[i] }'; }
n=$(wc -l <"$T/lat")
[ "$n" -gt 0 ] && [ -n "$base" ] || fail "no samples ($n) or no ping baseline"
p50=$(pct "$T/lat" 0.5); p99=$(pct "$T/lat" 0.99)
printf 'pubsub: change to subscriber cache over %d changes (of %d runs)\n' "$n" "$RUNS"
printf '  Map-Register in -> Map-Notify-Ack out  p50 %s ms  p99 %s ms\n' "$p50" "$p99"
printf '  baseline ping rtt ms <-> xtr1 (avg)     %s ms   ratio p50 %.2f\n' "$base" \
    "$(awk -v a="$p50" -v b="$base" 'BEGIN { printf "%.4f", a / b }')"
