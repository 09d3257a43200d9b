#!/bin/sh
# issue 9's attacks 7, 10 and 11 against the seed lab (1 to 5, 8 and 9 are
# in t_attacks, the Map-Register replay of 6 in t_msmr), each asserting
# what holds now:
#
#  hostA --- lisp1 ====== mapserver (MS/MR) ====== lisp2 --- hostB
#                             |
#                  nonlisp 198.51.100.1: the attacker (it holds the key of
#                  site lisp3, 198.18.3.0/24)
#
#  7  unbounded state: 5000 Map-Registers of 198.18.3.0/24, each with
#     another xTR-ID and Record TTL 0xffffffff with the T bit: at most
#     registrants-per-prefix (16) registrations, each expiring within a day
#     (record-ttl-max), the rest refused and counted; the Map-Server's RSS
#     stays within 8 MB of what it was
# 10  control socket: a client that sends requests for 3 s and never reads
#     does not grow the Map-Server (RSS within 16 MB) and others are still
#     answered meanwhile
# 11  Map-Request storm: a Map-Resolver answering every request with a
#     record that does not cover the EID (199.32.0.0/11 for 198.51.100.77,
#     as one deployed Map-Server does): 400 packets to that EID in 4 s make
#     lisp1 send at most 8 Map-Requests (1 a second, doubling), the packets
#     held meanwhile, each useless answer counted
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-a2_}
. tests/netns/lib.sh
trap_cleanup
command -v jq >/dev/null || { log "skip: no jq"; exit 0; }
command -v python3 >/dev/null || { log "skip: no python3"; exit 0; }
ATT="python3 tests/netns/attack.py"

topo_seed_lab
seed_lab_confs
cat >>"$NETNS_TMP/mapserver.conf" <<'CONF'
site lisp3 {
	description "the attacker's own site"
	key 0 sha256 "lisp3-s3cret"
	eid-prefix 198.18.3.0/24
}
CONF
S1="$NETNS_TMP/lisp1.sock"; SM="$NETNS_TMP/mapserver.sock"
seed_lab_start
pass "seed lab up"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$NETNS_TMP/$1.pid")/status"; }

# 7. registrations without bound
r0=$(rss mapserver)
in_ns nonlisp $ATT reg-flood 198.51.100.254 198.18.3.0/24 198.51.100.1 lisp3-s3cret 5000 \
    >"$NETNS_TMP/flood.json" || fail "reg-flood: $(cat "$NETNS_TMP/flood.json")"
jq -e '.messages == 5000' "$NETNS_TMP/flood.json" >/dev/null || fail "flood: $(cat "$NETNS_TMP/flood.json")"
wait_until 5 "ctl mapserver $SM --json show stats | jq -e '.drops[\"map-register: too many registrants for the prefix\"] >= 4000'" ||
    fail "registrants not refused: $(ctl mapserver "$SM" --json show stats | jq -c .drops)"
ctl mapserver "$SM" --json show site lisp3 --detail >"$NETNS_TMP/s3.json"
[ -s "$NETNS_TMP/s3.json" ] || fail "no answer: show site lisp3 --detail"
jq -e '.[0].registrations == 16 and (.[0].details | length == 16) and
    all(.[0].details[]; .ttl_is_lifetime and .expires_in <= 86400 and .expires_in > 80000)' \
    "$NETNS_TMP/s3.json" >/dev/null || fail "lisp3 registrations: $(jq -c '.[0] | del(.details)' "$NETNS_TMP/s3.json") $(jq -c '[.[0].details[] | .expires_in]' "$NETNS_TMP/s3.json")"
r1=$(rss mapserver)
[ $((r1 - r0)) -le 8192 ] || fail "mapserver RSS grew from $r0 to $r1 kB"
pass "7: 5000 registrants: 16 kept, each expiring within a day, the rest refused; RSS $r0 -> $r1 kB"
ctl mapserver "$SM" clear site lisp3 >/dev/null || fail "clear site lisp3"

# 10. a control client that never reads
r0=$(rss mapserver)
in_ns mapserver $ATT ctl-stall "$SM" 3 >"$NETNS_TMP/stall.json" &
st=$!
sleep 1
t0=$(date +%s%N)
ctl mapserver "$SM" --json show stats >"$NETNS_TMP/st10.json" || fail "show stats during the stall"
t1=$(date +%s%N)
[ -s "$NETNS_TMP/st10.json" ] || fail "no answer during the stall"
wait $st
r1=$(rss mapserver)
# the daemon stops reading a client whose answers pile up: what it took in
# stays small (unbounded, 3 s of writing is hundreds of MB of requests)
jq -e '.written > 0 and .written < 4194304' "$NETNS_TMP/stall.json" >/dev/null ||
    fail "stall client: $(cat "$NETNS_TMP/stall.json")"
[ $((r1 - r0)) -le 16384 ] || fail "mapserver RSS grew from $r0 to $r1 kB under a stalled client"
pass "10: stalled client ($(jq .written "$NETNS_TMP/stall.json") octets of requests): RSS $r0 -> $r1 kB, others answered in $(((t1 - t0) / 1000000)) ms"

# 11. a resolver whose answers never cover the EID
sed -i 's|^map-resolver 203.0.113.2$|map-resolver 198.51.100.1|' "$NETNS_TMP/lisp1.conf"
grep -q "^map-resolver 198.51.100.1$" "$NETNS_TMP/lisp1.conf" || fail "lisp1.conf: map-resolver not replaced"
ctl lisp1 "$S1" reload >/dev/null || fail "reload lisp1"
in_ns nonlisp $ATT evil-mr 198.51.100.1 6 >"$NETNS_TMP/evil.json" &
ev=$!
sleep 0.5
in_ns hostA ping -q -i 0.01 -c 400 -W 1 198.51.100.77 >/dev/null 2>&1
wait $ev
n=$(jq .requests "$NETNS_TMP/evil.json")
[ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le 8 ] || fail "Map-Requests to the useless resolver: '$n' (want 1..8)"
ctl lisp1 "$S1" --json show stats >"$NETNS_TMP/st11.json"
jq -e '.drops["itr: map-reply did not cover the requested eid"] >= 1 and
    .drops["itr: map-reply did not cover the requested eid"] <= 8' "$NETNS_TMP/st11.json" >/dev/null ||
    fail "useless answers not counted: $(jq -c .drops "$NETNS_TMP/st11.json")"
pass "11: 400 packets to an EID the resolver answers uselessly: $n Map-Requests, each useless answer counted"

sed -i 's|^map-resolver 198.51.100.1$|map-resolver 203.0.113.2|' "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null || fail "reload lisp1 back"
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 || in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 ||
    fail "hostA -> hostB after the attacks"
pass "hostA -> hostB after the attacks"
