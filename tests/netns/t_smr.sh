#!/bin/sh
# SMR: a mapping change at lisp2 reaches lisp1's map-cache.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5  .2.1    .2.10
#                              .14/.13 == 203.0.113.13 (lisp2, added by reload)
#  EID-prefixes: 198.18.1.0/24 at lisp1, 198.18.2.0/24 at lisp2
#
# steps: traffic both ways fills both map-caches; lisp2 reloads with a
# second RLOC -> SMR from lisp2 to lisp1 (Source-EID 198.18.2.0), lisp1's
# SMR-invoked Map-Request (s=1) in an ECM to the Map-Resolver, the Map-Reply
# from lisp2 with both locators, lisp1's cache updated; two changes in a
# row -> SMRs to lisp1 at least 3 s apart, the cache follows both.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-p5as-}
. tests/netns/lib.sh
trap_cleanup

for n in hostA lisp1 mapserver lisp2 hostB; do ns_add $n; done
link_add hostA eth0 198.18.1.10/24 lisp1 eth1 198.18.1.1/24
link_add lisp1 eth0 203.0.113.1/30 mapserver eth1 203.0.113.2/30
link_add lisp2 eth0 203.0.113.5/30 mapserver eth2 203.0.113.6/30
link_add lisp2 eth2 203.0.113.13/30 mapserver eth4 203.0.113.14/30
link_add hostB eth0 198.18.2.10/24 lisp2 eth1 198.18.2.1/24
in_ns hostA ip route add default via 198.18.1.1
in_ns hostB ip route add default via 198.18.2.1
in_ns lisp1 ip route add default via 203.0.113.2
in_ns lisp2 ip route add default via 203.0.113.6
router lisp1; router lisp2; router mapserver

S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"

xtr_conf() {	# NAME EID RLOC-LINES
	cat <<EOF
role itr
role etr
control "$NETNS_TMP/$1.sock"
database-mapping $2 {
$3
}
map-server 203.0.113.2 key 0 sha256 "$1-s3cret" want-map-notify
map-resolver 203.0.113.2
tun lisp0
EOF
}
sed "s|/run/locid-mapserver.sock|$SM|" examples/seed-lab/mapserver.conf >"$NETNS_TMP/mapserver.conf"
xtr_conf lisp1 198.18.1.0/24 "	rloc 203.0.113.1 priority 1 weight 100" >"$NETNS_TMP/lisp1.conf"
xtr_conf lisp2 198.18.2.0/24 "	rloc 203.0.113.5 priority 1 weight 100" >"$NETNS_TMP/lisp2.conf"

seed_lab_start

cache2() {	# JQ-EXPR on lisp1's entry for 198.18.2.0/24
	ctl lisp1 "$S1" --json show map-cache |
	    jq -e ".[] | select(.eid_prefix == \"198.18.2.0/24\") | $1"
}

# 1. traffic both ways: lisp1 caches lisp2's prefix, lisp2 has seen lisp1
in_ns hostA ping -c3 -i0.2 -W3 198.18.2.10 >/dev/null || fail "ping hostA -> hostB"
cache2 '.locators | length == 1' >/dev/null || fail "lisp1 caches one locator"
pass "map-caches filled"

# 2. lisp2 gets a second RLOC
cap_start smr lisp1 eth0 'udp'
xtr_conf lisp2 198.18.2.0/24 "	rloc 203.0.113.5 priority 1 weight 100
	rloc 203.0.113.13 priority 2 weight 100" >"$NETNS_TMP/lisp2.conf"
ctl lisp2 "$S2" reload >/dev/null || fail "reload lisp2"
wait_until 10 "cache2 '[.locators[] | select(.address == \"203.0.113.13\" and .priority == 2)] | length == 1'" ||
    fail "lisp1's cache shows 203.0.113.13"
cap_stop smr
cache2 '.locators | length == 2' >/dev/null || fail "two locators in lisp1's cache"
smr=$(tsh smr 'lisp.type == 1 && lisp.mreq.flags.smr == 1' frame.number ip.src ip.dst \
    lisp.mreq.srceid.ipv4 lisp.mreq.record.prefix.ipv4 | head -1)
case $smr in
*'|203.0.113.5|203.0.113.1|198.18.2.0|198.18.1.'*) ;;
*) fail "SMR from lisp2 to lisp1 with Source-EID 198.18.2.0 (got '$smr')" ;;
esac
inv=$(tsh smr 'lisp.type == 8 && lisp.mreq.flags.smri == 1' frame.number ip.src ip.dst \
    lisp.mreq.record.prefix.ipv4 lisp.mreq.record.prefix.length | head -1)
case $inv in
*'|203.0.113.1,203.0.113.1|203.0.113.2,198.18.2.0|198.18.2.0|24') ;;
*) fail "SMR-invoked Map-Request in an ECM from lisp1 to the MR (got '$inv')" ;;
esac
rep=$(tsh smr 'lisp.type == 2 && lisp.mrep.flags.probe == 0 && ip.dst == 203.0.113.1' \
    frame.number ip.src lisp.mapping.eid.ipv4 lisp.mapping.loccnt | head -1)
case $rep in
*'|203.0.113.5|198.18.2.0|2') ;;
*) fail "Map-Reply from lisp2 with both locators (got '$rep')" ;;
esac
[ "${smr%%|*}" -lt "${inv%%|*}" ] && [ "${inv%%|*}" -lt "${rep%%|*}" ] ||
    fail "order SMR ($smr) < SMR-invoked request ($inv) < Map-Reply ($rep)"
ctl lisp1 "$S1" --json show stats | jq -e '.xtr.smr_in >= 1' >/dev/null ||
    fail "lisp1 counts the SMR"
ctl lisp2 "$S2" --json show stats | jq -e '.xtr.smr.sent >= 1' >/dev/null ||
    fail "lisp2 counts the SMR it sent"
pass "SMR -> SMR-invoked Map-Request via the MR -> Map-Reply with 2 locators -> cache updated"
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null || fail "ping after the change"

# 3. a second change right after the first was announced: the SMRs to
# lisp1 are 3 s apart (a change before the SMR went out shares it)
cap_start rate lisp1 eth0 'udp'
for prio in 3 4; do
	xtr_conf lisp2 198.18.2.0/24 "	rloc 203.0.113.5 priority 1 weight 100
	rloc 203.0.113.13 priority $prio weight 100" >"$NETNS_TMP/lisp2.conf"
	ctl lisp2 "$S2" reload >/dev/null || fail "reload lisp2 ($prio)"
	# the second change comes right after the first one was announced
	wait_until 10 "cache2 '[.locators[] | select(.address == \"203.0.113.13\" and .priority == $prio)] | length == 1'" ||
	    fail "lisp1's cache follows the change to priority $prio"
done
cap_stop rate
t=$(tsh rate 'lisp.type == 1 && lisp.mreq.flags.smr == 1 && ip.dst == 203.0.113.1' frame.time_relative)
[ "$(echo "$t" | wc -l)" -eq 2 ] || fail "two SMRs for two changes (got: $t)"
gap=$(echo "$t" | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) * 1000 }')
[ "$gap" -ge 2900 ] || fail "SMRs to one RLOC ${gap} ms apart (limit 3 s)"
pass "two changes: SMRs ${gap} ms apart, cache shows the last one"
log "PASS t_smr"
