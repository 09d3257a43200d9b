#!/bin/sh
# the seed lab end to end, asserted on packet captures, pings and locictl.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5 .2.1    .2.10
#                        |  (MS/MR, underlay router)
#                     nonlisp 198.51.100.1 (mapserver .254)
#  EID-prefixes: 198.18.1.0/24 at lisp1, 198.18.2.0/24 at lisp2
#
# steps: non-EID-sourced ping goes native without a Map-Request; EID ->
# non-LISP destination gets the negative 198.32.0.0/11 natively-forward;
# EID -> EID: ECM to the MR, forwarded unchanged to lisp2, Map-Reply from
# lisp2 straight to lisp1, ICMP encapsulated on 4341, first ping answered;
# malformed packets on 4341 dropped and counted; kernel state removed on stop.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-sl_}
. tests/netns/lib.sh
trap_cleanup

topo_seed_lab
for n in lisp1 lisp2 mapserver; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
cap_start reg mapserver eth1 'udp or icmp'
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered"
cap_stop reg
pass "lisp1 and lisp2 registered with the map-server"
# the first Map-Register on the wire: M and I bits, xTR-ID and Site-ID,
# the record authoritative with lisp1's RLOC (L and R), and its Map-Notify
r=$(tsh reg 'lisp.type == 3' ip.src ip.dst lisp.mreg.flags.wmn lisp.mreg.flags.xtrid lisp.xtrid \
    lisp.siteid lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen lisp.mapping.auth lisp.mapping.ttl \
    lisp.loc.locator lisp.loc.priority lisp.loc.weight lisp.loc.flags.local lisp.loc.flags.reach \
    lisp.nonce | head -1)
case $r in
"203.0.113.1|203.0.113.2|1|1|00112233445566778899aabbccdd0001|"*"|198.18.1.0|24|1|1440|203.0.113.1|1|100|1|1|"*) ;;
*) fail "Map-Register from lisp1 (got '$r')" ;;
esac
nonce=${r##*|}
[ -n "$(tsh reg "lisp.type == 4 && lisp.nonce == $nonce && ip.src == 203.0.113.2 && ip.dst == 203.0.113.1" frame.number)" ] ||
    fail "Map-Notify for the Map-Register nonce $nonce"
pass "Map-Register (M, I, xTR-ID, Site-ID, A, L, R) and its Map-Notify on the wire"
ctl lisp1 "$S1" --json show database >"$NETNS_TMP/db1.json"
jq -e '.map_servers[0].state == "registered" and .map_servers[0].notifies >= 1' \
    "$NETNS_TMP/db1.json" >/dev/null || fail "lisp1 database shows its registration"
pass "show database: registered, map-notify received"

# 1. a ping not sourced from EID space goes native: no LISP at all
cap_start native lisp1 eth0 'udp or icmp'
in_ns lisp1 ping -c1 -W1 198.18.2.10 >/dev/null 2>&1
cap_stop native
[ -z "$(tsh native 'lisp' frame.number)" ] || fail "LISP packets for a non-EID-sourced ping"
[ -n "$(tsh native 'icmp.type == 8 && ip.src == 203.0.113.1 && ip.dst == 198.18.2.10' frame.number)" ] ||
    fail "non-EID-sourced echo request sent natively"
[ -n "$(tsh native 'icmp.type == 3 && ip.src == 203.0.113.2' frame.number)" ] ||
    fail "mapserver answers unreachable for the non-EID-sourced ping"
pass "non-EID-sourced ping: native, unreachable, no Map-Request"

# 2. EID-sourced ping to a non-LISP destination: negative natively-forward
cap_start neg lisp1 eth0 'udp or icmp'
in_ns lisp1 ping -c1 -W1 -I 198.18.1.1 198.51.100.1 >/dev/null 2>&1
in_ns lisp1 ping -c1 -W1 -I 198.18.1.1 198.51.100.1 >/dev/null 2>&1
cap_stop neg
nreq=$(tsh neg 'lisp.type == 1 && lisp.mreq.record.prefix.ipv4 == 198.51.100.1' frame.number | wc -l)
[ "$nreq" -eq 1 ] || fail "one Map-Request for 198.51.100.1 (saw $nreq)"
r=$(tsh neg 'lisp.type == 2 && lisp.mrep.flags.probe == 0 && ip.dst == 203.0.113.1' ip.src lisp.mapping.eid.ipv4 \
    lisp.mapping.eid.masklen lisp.mapping.act lisp.mapping.ttl lisp.mapping.loccnt)
[ "$r" = "203.0.113.2|198.32.0.0|11|1|15|0" ] ||
    fail "negative Map-Reply 198.32.0.0/11 natively-forward TTL 15 (got '$r')"
n=$(tsh neg 'icmp.type == 8 && ip.src == 198.18.1.1 && ip.dst == 198.51.100.1 && !lisp-data' frame.number | wc -l)
[ "$n" -eq 2 ] || fail "both echo requests forwarded natively (saw $n)"
ctl lisp1 "$S1" --json show map-cache 198.51.100.1 >"$NETNS_TMP/neg.json"
jq -e '.[0] | .eid_prefix == "198.32.0.0/11" and .state == "negative" and
    .action == "natively-forward" and .ttl == 15 and .expires_in > 800' "$NETNS_TMP/neg.json" >/dev/null ||
    fail "map-cache negative entry: $(cat "$NETNS_TMP/neg.json")"
in_ns lisp1 ip route show table 100 | grep -q '^throw 198.32.0.0/11' || fail "throw route for 198.32.0.0/11"
pass "EID -> non-LISP: negative 198.32.0.0/11 natively-forward TTL 15, cached, throw route, native"

# 3. EID to EID, first ping answered
cap_start l1 mapserver eth1 'udp or icmp'
cap_start l2 mapserver eth2 'udp or icmp'
in_ns hostA ping -c1 -W2 198.18.2.10 >"$NETNS_TMP/ping1" 2>&1 || fail "first ping hostA -> hostB lost"
in_ns hostA ping -c3 -i 0.2 -W1 198.18.2.10 >/dev/null 2>&1 || fail "pings hostA -> hostB"
cap_stop l1
cap_stop l2
pass "first EID-to-EID ping answered"
# lisp1 -> MR: ECM carrying the Map-Request
r=$(tsh l1 'lisp.type == 8 && ip.src == 203.0.113.1 && lisp.mreq.record.prefix.ipv4 == 198.18.2.10' \
    ip.src ip.dst udp.dstport lisp.mreq.srceid.ipv4 lisp.mreq.itr_rloc_ipv4 lisp.nonce | head -1)
case $r in
"203.0.113.1,203.0.113.1|203.0.113.2,198.18.2.10|4342,4342|198.18.1.10|203.0.113.1|"*) ;;
*) fail "ECM Map-Request lisp1 -> MR (got '$r')" ;;
esac
nonce=${r##*|}
# MS -> lisp2: the same inner Map-Request, unchanged
in1=$(tsh l1 "lisp.type == 8 && lisp.nonce == $nonce" udp.payload | head -1 | cut -d, -f2)
in2=$(tsh l2 "lisp.type == 8 && lisp.nonce == $nonce && ip.dst == 203.0.113.5" ip.src udp.payload | head -1)
[ "${in2%%|*}" = "203.0.113.6,203.0.113.1" ] || fail "ECM MS -> lisp2 (got '${in2%%|*}')"
[ -n "$in1" ] && [ "$(echo "${in2#*|}" | cut -d, -f2)" = "$in1" ] ||
    fail "inner Map-Request forwarded unchanged"
# lisp2 -> lisp1 directly: Map-Reply with lisp2's RLOC, authoritative
r=$(tsh l2 "lisp.type == 2 && lisp.nonce == $nonce" ip.src ip.dst udp.srcport udp.dstport \
    lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen lisp.mapping.auth lisp.loc.locator lisp.loc.flags.reach)
case $r in
"203.0.113.5|203.0.113.1|4342|4342|198.18.2.0|24|1|203.0.113.5|1") ;;
*) fail "Map-Reply lisp2 -> lisp1 (got '$r')" ;;
esac
[ -n "$(tsh l1 "lisp.type == 2 && lisp.nonce == $nonce && ip.src == 203.0.113.5" frame.number)" ] ||
    fail "the Map-Reply crosses the mapserver link to lisp1 unchanged"
# ordering on lisp1's link: ECM request, then the reply, then data
o=$(tsh l1 "(lisp.type == 8 && lisp.nonce == $nonce) || (lisp.type == 2 && lisp.nonce == $nonce) || lisp-data" lisp.type |
    sed 's/,.*//' | uniq | head -3 | tr '\n' ' ')
[ "$o" = "8 2  " ] || fail "order on the lisp1 link: ECM, Map-Reply, data (got $o)"
# encapsulated ICMP on 4341 both ways
r=$(tsh l1 'udp.dstport == 4341 && icmp.type == 8' ip.src ip.dst udp.checksum ip.ttl | head -1)
case $r in
"203.0.113.1,198.18.1.10|203.0.113.5,198.18.2.10|0x0000|63,63") ;;
*) fail "encapsulated echo request on 4341 (got '$r')" ;;
esac
[ -n "$(tsh l2 'udp.dstport == 4341 && icmp.type == 0 && ip.src == 203.0.113.5' frame.number)" ] ||
    fail "encapsulated echo reply lisp2 -> lisp1"
[ -z "$(tsh l1 'icmp && !lisp-data && ip.src == 198.18.1.10' frame.number)" ] ||
    fail "EID-to-EID traffic leaked unencapsulated"
pass "ECM Map-Request -> MR -> lisp2 unchanged, Map-Reply lisp2 -> lisp1 direct, ICMP in 4341"

ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc1.json"
jq -e '.[] | select(.eid_prefix == "198.18.2.0/24") | .state == "complete" and
    .source == "map-reply" and .authoritative and .ttl == 1440 and
    .locators[0].address == "203.0.113.5" and .locators[0].state == "up" and
    .locators[0].priority == 1 and .locators[0].weight == 100 and
    .locators[0].encap_packets >= 4' "$NETNS_TMP/mc1.json" >/dev/null ||
    fail "lisp1 map-cache: $(cat "$NETNS_TMP/mc1.json")"
ctl lisp2 "$S2" --json show map-cache >"$NETNS_TMP/mc2.json"
jq -e '.[] | select(.eid_prefix == "198.18.1.0/24") | .state == "complete" and
    .locators[0].address == "203.0.113.1"' "$NETNS_TMP/mc2.json" >/dev/null ||
    fail "lisp2 map-cache: $(cat "$NETNS_TMP/mc2.json")"
ctl lisp1 "$S1" show map-cache | grep -q '^198.18.2.0/24, uptime: .*via map-reply, complete' ||
    fail "text map-cache"
pass "locictl --json show map-cache on both xTRs"

# lig without -m asks the map-resolver the xTR uses (from the daemon), with
# a global -s for the socket and -c1 in one word
ctl lisp1 "$S1" lig -c1 198.18.2.10 >"$NETNS_TMP/lig.txt" || fail "lig: $(cat "$NETNS_TMP/lig.txt")"
MR=$(sed -n 's/^map-resolver \([^ ]*\).*/\1/p' "$NETNS_TMP/lisp1.conf" | head -1)
grep -q "^Send map-request to $MR for 198.18.2.10" "$NETNS_TMP/lig.txt" || fail "lig resolver: $(cat "$NETNS_TMP/lig.txt")"
grep -q "^198.18.2.0/24, record ttl" "$NETNS_TMP/lig.txt" || fail "lig answer: $(cat "$NETNS_TMP/lig.txt")"
pass "lig asks the daemon's map-resolver"
# lig self: our own EID-prefix as the mapping system answers for it
ctl lisp1 "$S1" lig -c1 self >"$NETNS_TMP/ligself.txt" || fail "lig self: $(cat "$NETNS_TMP/ligself.txt")"
grep -q "^Send map-request to $MR for 198.18.1.0/24" "$NETNS_TMP/ligself.txt" &&
    grep -q "^198.18.1.0/24, record ttl" "$NETNS_TMP/ligself.txt" || fail "lig self: $(cat "$NETNS_TMP/ligself.txt")"
ctl lisp1 "$S1" lig --help | grep -q "^usage: locictl lig" || fail "lig --help"
pass "lig self: the site's own prefix answered; lig --help"

# the xTR's JSON against the golden schema; map-cache OpenMetrics per locator
for f in "$NETNS_TMP/mc1.json" "$NETNS_TMP/mc2.json"; do
	sh tests/schema/match.sh tests/schema/show-map-cache.schema "$f" || fail "show map-cache JSON off the schema"
done
ctl lisp1 "$S1" --json show database >"$NETNS_TMP/db1.json" &&
    sh tests/schema/match.sh tests/schema/show-database.schema "$NETNS_TMP/db1.json" || fail "show database JSON off the schema"
ctl lisp1 "$S1" --json show stats >"$NETNS_TMP/st1.json" &&
    sh tests/schema/match.sh tests/schema/show-stats.schema "$NETNS_TMP/st1.json" || fail "show stats JSON off the schema"
ctl lisp1 "$S1" --openmetrics show map-cache >"$NETNS_TMP/mc1.om" || fail "show map-cache --openmetrics"
grep -Eq '^locid_map_cache_locator_encap_packets_total\{eid_prefix="198.18.2.0/24",iid="0",rloc="203.0.113.5"\} [0-9]+$' \
    "$NETNS_TMP/mc1.om" && [ "$(tail -1 "$NETNS_TMP/mc1.om")" = "# EOF" ] || fail "map-cache openmetrics: $(cat "$NETNS_TMP/mc1.om")"
ctl lisp1 "$S1" --openmetrics show stats | grep -q '^locid_xtr_encap_packets_total [1-9]' || fail "xtr openmetrics"
pass "xTR JSON matches tests/schema; map-cache and stats in OpenMetrics"

# 4. malformed and foreign packets on 4341 are dropped and counted
in_ns mapserver python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d = ("203.0.113.5", 4341)
s.sendto(b"\x00\x00\x00", d)                                   # short LISP header
s.sendto(b"\x00" * 8 + b"\x75" + b"\x00" * 30, d)              # not IP inside
ip = bytes([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 198, 51, 100, 1, 198, 51, 100, 99]) + b"\x00" * 8
s.sendto(b"\x00" * 8 + ip, d)                                  # inner destination not ours
PY
wait_until 5 "ctl lisp2 $S2 --json show stats | jq -e '.drops[\"decap: malformed\"] == 2 and
    .drops[\"decap: destination not in our EID space\"] == 1'" ||
    fail "decap drops counted: $(ctl lisp2 "$S2" --json show stats | jq -c .drops)"
in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null || fail "traffic still flows after garbage"
pass "malformed and foreign packets on 4341 dropped and counted by reason"

# forged Map-Notifies to lisp1: a wrong key, then the right key with a
# nonce lisp1 never sent; both dropped and counted
in_ns mapserver python3 - <<'PY'
import hashlib, hmac, socket, struct
def notify(key, nonce):
    rec = struct.pack("!IBBHHH", 1440, 1, 24, 0x1000, 0, 1) + bytes([198, 18, 1, 0])
    rec += struct.pack("!BBBBHH", 1, 100, 255, 0, 5, 1) + bytes([203, 0, 113, 1])
    m = bytearray(struct.pack("!IQBBH", (4 << 28) | 1, nonce, 0, 2, 32) + bytes(32) + rec)
    m[16:48] = hmac.new(key, bytes(m), hashlib.sha256).digest()
    return bytes(m)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 0))
s.sendto(notify(b"wrong-key", 1), ("203.0.113.1", 4342))
s.sendto(notify(b"lisp1-s3cret", 0x1234), ("203.0.113.1", 4342))
PY
wait_until 5 "ctl lisp1 $S1 --json show stats | jq -e '.drops[\"map-notify authentication failed\"] == 1 and
    .drops[\"map-notify nonce mismatch\"] == 1'" ||
    fail "forged map-notifies counted: $(ctl lisp1 "$S1" --json show stats | jq -c .drops)"
pass "Map-Notify with a bad MAC or a foreign nonce dropped and counted"

# 5. clear map-cache, then the next ping resolves again and is answered
ctl lisp1 "$S1" clear map-cache 198.18.2.0/24 | grep -q 'cleared 1' || fail "clear map-cache"
ctl lisp1 "$S1" --json show map-cache | jq -e 'map(select(.eid_prefix == "198.18.2.0/24")) | length == 0' \
    >/dev/null || fail "entry gone after clear"
in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null || fail "first ping after clear"
pass "clear map-cache; first ping after it answered"
fastpath_check hostA 198.18.2.10 lisp1 "$S1" lisp2 "$S2"

# 5b. a prefix a reload removes is withdrawn at once (not left registered
# for the 180 s of the registration)
sed -i 's|^\(\s*eid-prefix 198.18.2.0/24\)$|\1\n\teid-prefix 198.18.22.0/24|' "$NETNS_TMP/mapserver.conf"
ctl mapserver "$SM" reload >/dev/null || fail "reload mapserver"
cp "$NETNS_TMP/lisp2.conf" "$NETNS_TMP/lisp2.orig"
cat >>"$NETNS_TMP/lisp2.conf" <<'CONF'
database-mapping 198.18.22.0/24 {
	rloc 203.0.113.5 priority 1 weight 100
}
CONF
ctl lisp2 "$S2" reload >/dev/null || fail "reload lisp2 with 198.18.22.0/24"
wait_until 5 "ctl mapserver $SM --json show site lisp2 | jq -e '.[] | select(.eid_prefix == \"198.18.22.0/24\") | .registered'" ||
    fail "198.18.22.0/24 not registered after the reload"
cp "$NETNS_TMP/lisp2.orig" "$NETNS_TMP/lisp2.conf"
ctl lisp2 "$S2" reload >/dev/null || fail "reload lisp2 without 198.18.22.0/24"
wait_until 2 "ctl mapserver $SM --json show site lisp2 | jq -e '.[] | select(.eid_prefix == \"198.18.22.0/24\") | .registered == false'" ||
    fail "198.18.22.0/24 still registered after the reload removed it"
ctl mapserver "$SM" --json show site lisp2 | jq -e '.[] | select(.eid_prefix == "198.18.2.0/24") | .registered' >/dev/null ||
    fail "198.18.2.0/24 went with it"
grep -q "198.18.22.0/24 withdrawn from map-server 203.0.113.6" "$NETNS_TMP/lisp2.log" || fail "withdrawal not logged"
pass "reload: the removed 198.18.22.0/24 withdrawn at once, 198.18.2.0/24 kept"

# 6. stopping locid withdraws its prefix (Record TTL 0, seen on the wire
# and at the MS at once) and removes the TUN, rules and routes
cap_start wd mapserver eth1 'udp port 4342'
locid_stop lisp1
cap_stop wd
r=$(tsh wd 'lisp.type == 3 && ip.src == 203.0.113.1' lisp.mapping.eid.ipv4 lisp.mapping.ttl lisp.mreg.flags.wmn | tail -1)
[ "$r" = "198.18.1.0|0|0" ] || fail "withdrawal Map-Register on stop (got '$r')"
ctl mapserver "$SM" --json show site lisp1 | jq -e '.[0].registered == false' >/dev/null ||
    fail "lisp1 still registered after its clean stop"
pass "clean stop: 198.18.1.0/24 withdrawn (Record TTL 0), the MS drops it at once"
in_ns lisp1 ip rule | grep -q 'lookup 100\|suppress_prefixlength' && fail "ip rules left: $(in_ns lisp1 ip rule)"
[ -z "$(in_ns lisp1 ip route show table 100 2>/dev/null)" ] || fail "routes left in table 100"
in_ns lisp1 ip link show lisp0 >/dev/null 2>&1 && fail "lisp0 left"
in_ns lisp1 ping -c1 -W1 203.0.113.5 >/dev/null || fail "underlay still works"
pass "policy routing state removed when locid stops"
echo "t_seed_lab: all passed"
