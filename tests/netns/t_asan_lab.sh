#!/bin/sh
# the seed lab's essential flow with the ASan+UBSan daemons of build-asan/
# (`make SAN=1 build-asan/bin/locid build-asan/bin/locictl`, done by
# `make netns`): any AddressSanitizer, UndefinedBehaviorSanitizer or
# LeakSanitizer report in a daemon log fails the test.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5 .2.1    .2.10
#                        |  (MS/MR, underlay router)
#                     nonlisp 198.51.100.1 (mapserver .254)
#  EID-prefixes: 198.18.1.0/24 at lisp1, 198.18.2.0/24 at lisp2
#
# steps: registration; negative Map-Reply for a non-LISP destination;
# EID-to-EID pings both ways; hostile packets on 4341 and 4342 (random,
# truncated, every message type) to the xTRs and the MS/MR; a reload of
# every daemon; a clean stop with SIGTERM so the leak checker reports.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-as_}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
case $ASAN_BUILD in /*) ;; *) ASAN_BUILD=$(pwd)/$ASAN_BUILD ;; esac
LOCID=$ASAN_BUILD/bin/locid
LOCICTL=$ASAN_BUILD/bin/locictl
if [ ! -x "$LOCID" ] || [ ! -x "$LOCICTL" ]; then
	echo "t_asan_lab: SKIP: no sanitizer build; run" \
	    "'make SAN=1 build-asan/bin/locid build-asan/bin/locictl' (make netns does)" >&2
	exit 0
fi
export LOCID LOCICTL
ASAN_OPTIONS=detect_leaks=1:halt_on_error=0:abort_on_error=0
UBSAN_OPTIONS=print_stacktrace=1
export ASAN_OPTIONS UBSAN_OPTIONS
. tests/netns/lib.sh
trap_cleanup

DAEMONS="mapserver lisp1 lisp2"

# a sanitizer report in any daemon log
san_check() {
	for n in $DAEMONS; do
		[ -f "$NETNS_TMP/$n.log" ] || continue
		if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|UndefinedBehaviorSanitizer\|SUMMARY: .*Sanitizer' \
		    "$NETNS_TMP/$n.log"; then
			log "--- $n.log ---"
			grep -A40 'Sanitizer\|runtime error:' "$NETNS_TMP/$n.log" | head -80 >&2
			fail "sanitizer report in the $n log ($1)"
		fi
	done
}
alive() {
	for n in $DAEMONS; do
		kill -0 "$(cat "$NETNS_TMP/$n.pid")" 2>/dev/null || {
			tail -40 "$NETNS_TMP/$n.log" >&2
			fail "$n died ($1)"
		}
	done
}

topo_seed_lab
for n in $DAEMONS; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 15 "[ -S $SM ]" || fail "mapserver did not start: $(tail -5 "$NETNS_TMP/mapserver.log")"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 20 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered"
wait_until 10 "ctl lisp1 $S1 --json show database | jq -e '.map_servers[0].state == \"registered\"'" ||
    fail "lisp1 got its Map-Notify"
pass "registration under ASan/UBSan"

# negative Map-Reply for a non-LISP destination
in_ns lisp1 ping -c1 -W2 -I 198.18.1.1 198.51.100.1 >/dev/null 2>&1
wait_until 5 "ctl lisp1 $S1 --json show map-cache 198.51.100.1 | jq -e '.[0].state == \"negative\"'" ||
    fail "negative entry: $(ctl lisp1 "$S1" --json show map-cache)"
pass "negative Map-Reply cached"

# EID to EID, both ways
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null || in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null ||
    fail "ping hostA -> hostB"
in_ns hostB ping -c3 -i 0.2 -W2 198.18.1.10 >/dev/null || fail "ping hostB -> hostA"
in_ns hostA ping -c3 -i 0.2 -W2 198.18.2.10 >/dev/null || fail "pings hostA -> hostB"
pass "EID-to-EID pings both ways"
alive "after the pings"

# hostile input: a fixed pseudo-random set (bounded: ~3000 datagrams)
# from the mapserver namespace to 4341/4342 of both xTRs and to the MS/MR
in_ns mapserver python3 tests/netns/hostile.py 203.0.113.1:4342 203.0.113.5:4342 \
    203.0.113.2:4342 203.0.113.1:4341 203.0.113.5:4341
sleep 1
alive "after the hostile packets"
san_check "after the hostile packets"
d=$(ctl lisp2 "$S2" --json show stats | jq '[.drops // {} | to_entries[] | .value] | add // 0')
[ "${d:-0}" -gt 0 ] || fail "lisp2 counted no drops: $(ctl lisp2 "$S2" --json show stats | jq -c .drops)"
d=$(ctl mapserver "$SM" --json show stats | jq '[.drops // {} | to_entries[] | .value] | add // 0')
[ "${d:-0}" -gt 0 ] || fail "mapserver counted no drops"
in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null || fail "traffic after the hostile packets"
pass "hostile packets on 4341/4342 dropped and counted, no sanitizer report, traffic flows"

# reload every daemon (same configs), traffic still flows
for n in $DAEMONS; do
	ctl $n "$NETNS_TMP/$n.sock" reload >/dev/null || fail "reload $n"
done
wait_until 15 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "registered after the reload"
ctl lisp1 "$S1" clear map-cache >/dev/null || fail "clear map-cache"
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null || in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null ||
    fail "ping after the reload"
alive "after the reload"
pass "reload of every daemon"

# clean stop: SIGTERM, so LeakSanitizer writes its report
for n in lisp1 lisp2 mapserver; do
	p=$(cat "$NETNS_TMP/$n.pid")
	kill -TERM "$p"
	wait_until 20 "! kill -0 $p" || fail "$n did not stop on SIGTERM"
	rm -f "$NETNS_TMP/$n.pid"
done
san_check "at exit"
for n in $DAEMONS; do
	grep -q 'Sanitizer' "$NETNS_TMP/$n.log" && fail "sanitizer output in the $n log"
done
pass "clean stop, no leak or UB report"
echo "t_asan_lab: all passed"
