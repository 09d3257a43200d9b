#!/bin/sh
# LISP-SEC (RFC 9303) end to end in the seed lab with a third site whose
# ETR is hostile and holds its own site's key (issue 9, attack 1).
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5 .2.1    .2.10
#                        |  (MS/MR)  \
#                     nonlisp       lisp3 203.0.113.9 (.10 at mapserver)
#                                   attacker ETR of site lisp3 198.18.3.0/24
#                                   (tests/netns/lispsec_peer.py)
#
# steps: lisp1 and lisp2 with lisp-sec on: hostA -> hostB crosses, the ECM
# from lisp1, the ECM the MS forwards and lisp2's Map-Reply carry S on the
# wire (tshark), the map-cache entry says lisp-sec; the attacker answers a
# request for its own site with 0.0.0.0/0 and 198.18.2.0/24: the second is
# refused by the EID-AD, the first cut to 198.18.3.0/24, both counted and
# logged, lisp1 still reaches hostB through lisp2; with lisp-sec required
# an answer without S (the attacker strips it) is refused and counted.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-lsec_}
. tests/netns/lib.sh
trap_cleanup
PEER="python3 tests/netns/lispsec_peer.py"
python3 -c 'import cryptography' 2>/dev/null || fail "python3-cryptography missing (scripts/deps.sh)"

topo_seed_lab
ns_add lisp3
link_add lisp3 eth0 203.0.113.9/30 mapserver eth4 203.0.113.10/30
in_ns lisp3 ip route add default via 203.0.113.10
OTK='lisp-sec-key 1 "itr-mr-otk-s3cret"'
for n in lisp1 lisp2 mapserver; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
	echo "$OTK" >>"$NETNS_TMP/$n.conf"
done
echo "lisp-sec on" >>"$NETNS_TMP/lisp1.conf"
echo "lisp-sec on" >>"$NETNS_TMP/lisp2.conf"
cat >>"$NETNS_TMP/mapserver.conf" <<'CONF'
site lisp3 {
	key 0 sha256 "lisp3-s3cret"
	eid-prefix 198.18.3.0/24
}
CONF
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
cap_start reg mapserver eth2 'udp port 4342'
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "lisp1 and lisp2 registered"
in_ns lisp3 $PEER register 203.0.113.9 203.0.113.10 198.18.3.0/24 203.0.113.9 lisp3-s3cret 1 |
    jq -e .notify >/dev/null || fail "the attacker's site registered"
cap_stop reg
[ "$(tsh reg 'lisp.type == 3 && ip.src == 203.0.113.5' lisp.mreg.flags.sec | head -1)" = 1 ] ||
    fail "lisp2 registers with S"
ctl mapserver "$SM" --json show site --detail >"$NETNS_TMP/site.json"
jq -e '[.[] | .details[0].lisp_sec] == [true, true, true]' "$NETNS_TMP/site.json" >/dev/null ||
    fail "show site: lisp-sec per registration: $(cat "$NETNS_TMP/site.json")"
sh tests/schema/match.sh tests/schema/show-site.schema "$NETNS_TMP/site.json" || fail "show site JSON off the schema"
pass "three sites registered, lisp2's Map-Register with S, show site says which ETRs sign"

# 1. a protected resolution: the ping crosses, S on every message
cap_start l1 mapserver eth1 'udp port 4342'
cap_start l2 mapserver eth2 'udp port 4342'
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 ||
    in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "ping hostA -> hostB with lisp-sec on"
cap_stop l1
cap_stop l2
# tshark 4.0 shows the S bit and leaves the AD (and what follows) as data
r=$(tsh l1 'lisp.type == 8 && ip.src == 203.0.113.1' lisp.ecm.flags.sec | sort -u)
[ "$r" = 1 ] || fail "ECMs from lisp1 with S (got '$r')"
r=$(tsh l2 'lisp.type == 8 && ip.dst == 203.0.113.5' lisp.ecm.flags.sec | sort -u)
[ "$r" = 1 ] || fail "ECM forwarded to lisp2 with S (got '$r')"
r=$(tsh l2 'lisp.type == 2 && ip.src == 203.0.113.5' lisp.mrep.flags.sec lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen | head -1)
[ "$r" = "1|198.18.2.0|24" ] || fail "Map-Reply from lisp2 with S (got '$r')"
# the AD bytes after the records: type 1 ... the EID-AD the MS made
# (length 32: 8 + record 8 + HMAC 16), PKT-AD 20 with HMAC ID 2
d=$(tsh l2 'lisp.type == 2 && ip.src == 203.0.113.5' udp.payload | head -1 | tr -d ':')
ad=${d#????????????????????????}	# the 12-octet header
ad=${ad#????????????????????????????????????????????????????????}	# the record, 28 octets
# MR AD type 1 | EID-AD length 32, KDF 2, 1 record, E clear, HMAC ID 2,
# 198.18.2.0/24, 16-octet EID HMAC | PKT-AD length 20, HMAC ID 2, 16 octets
case $ad in
0100000000200002010000020018000"1"c6120200????????????????????????????????00140002????????????????????????????????) ;;
*) fail "Map-Reply authentication data (got '$ad')" ;;
esac
# locictl decode reads the same AD back
"$LOCICTL" decode --json -r "$NETNS_TMP/l2.pcap" >"$NETNS_TMP/dec.json" || fail "locictl decode"
jq -s -e '[.[] | select(.type == "ecm" and .ip_dst == "203.0.113.5")][0].lisp_sec |
    .key_id == 0 and .otk_wrap == "aes-key-wrap-128+hkdf-sha256" and .eid_ad == ["198.18.2.0/24"] and
    .etr_cant_sign == false' "$NETNS_TMP/dec.json" >/dev/null || fail "decode of the forwarded ECM's AD"
jq -s -e '[.[] | select(.type == "map-reply" and .ip_src == "203.0.113.5")][0].lisp_sec |
    .eid_ad == ["198.18.2.0/24"] and .pkt_hmac == "hmac-sha256-128"' "$NETNS_TMP/dec.json" >/dev/null ||
    fail "decode of the Map-Reply's AD"
ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc1.json"
jq -e '[.[] | select(.eid_prefix == "198.18.2.0/24" and .source == "lisp-sec" and
    .locators[0].address == "203.0.113.5")] | length == 1' "$NETNS_TMP/mc1.json" >/dev/null ||
    fail "lisp1 map-cache 198.18.2.0/24 via lisp-sec: $(cat "$NETNS_TMP/mc1.json")"
pass "protected resolution: ping crosses, S on ECM, forwarded ECM and Map-Reply, AD on the wire, cached via lisp-sec"

# 2. attack 1: the attacker's ETR answers for its own site with
# 0.0.0.0/0 and lisp2's prefix, properly signed with its MS-OTK
in_ns lisp3 $PEER etr 203.0.113.9 lisp3-s3cret signed 0.0.0.0/0 198.18.2.0/24 \
    >"$NETNS_TMP/peer1.out" 2>"$NETNS_TMP/peer1.err" &
_pids="$_pids $!"
wait_until 5 "grep -q ready $NETNS_TMP/peer1.out" || fail "attacker etr did not start"
in_ns lisp1 ping -c1 -W1 -I 198.18.1.1 198.18.3.10 >/dev/null 2>&1
wait_until 5 "grep -q replied_to $NETNS_TMP/peer1.out" || fail "attacker got no forwarded request: $(cat $NETNS_TMP/peer1.err)"
j=$(grep replied_to "$NETNS_TMP/peer1.out")
echo "$j" | jq -e '.ecm_s and .ecm_e and .ad_type == 1 and .otk_len == 24 and .key_id == 0 and
    .wrap_id == 2 and .kdf == 2 and .req_hmac == 2 and .eid_hmac_id == 2 and .e == false and
    .eid_ad == ["198.18.3.0/24"] and .unwrapped' >/dev/null ||
    fail "the forwarded ECM's AD as an independent decoder reads it: $j"
wait_until 5 "ctl lisp1 $S1 --json show stats | jq -e '.drops[\"itr: lisp-sec: record outside the eid-ad\"] >= 1'" ||
    fail "the other site's record refused by the EID-AD: $(ctl lisp1 $S1 --json show stats | jq -c .drops)"
ctl lisp1 "$S1" --json show stats | jq -e '.drops["itr: lisp-sec: record truncated to the eid-ad"] >= 1' >/dev/null ||
    fail "0.0.0.0/0 cut to the EID-AD"
grep -q "record 198.18.2.0/24 refused: outside the lisp-sec eid-ad" "$NETNS_TMP/lisp1.log" ||
    fail "the refusal logged"
grep -q "record 0.0.0.0/0 cut to 198.18.3.0/24" "$NETNS_TMP/lisp1.log" || fail "the cut logged"
ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc2.json"
jq -e '[.[] | select(.eid_prefix == "198.18.2.0/24")][0].locators[0].address == "203.0.113.5" and
    ([.[] | select(.eid_prefix == "0.0.0.0/0")] | length == 0) and
    ([.[] | select(.eid_prefix == "198.18.3.0/24")][0].locators[0].address == "203.0.113.9")' \
    "$NETNS_TMP/mc2.json" >/dev/null || fail "map-cache after the attack: $(cat "$NETNS_TMP/mc2.json")"
in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "hostA -> hostB after the attack"
pass "attack 1 under lisp-sec: 198.18.2.0/24 refused, 0.0.0.0/0 cut to 198.18.3.0/24, counted, logged; hostB still via lisp2"

# 3. required: an answer without S is refused (a downgrade)
sed -i 's/^lisp-sec on$/lisp-sec required/' "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null || fail "reload lisp1 with lisp-sec required"
ctl lisp1 "$S1" clear map-cache >/dev/null || fail "clear map-cache"
in_ns lisp3 $PEER etr 203.0.113.9 lisp3-s3cret plain 198.18.3.0/24 \
    >"$NETNS_TMP/peer2.out" 2>"$NETNS_TMP/peer2.err" &
_pids="$_pids $!"
wait_until 5 "grep -q ready $NETNS_TMP/peer2.out" || fail "attacker etr did not start"
in_ns lisp1 ping -c1 -W1 -I 198.18.1.1 198.18.3.10 >/dev/null 2>&1
wait_until 5 "grep -q replied_to $NETNS_TMP/peer2.out" || fail "attacker got no request: $(cat $NETNS_TMP/peer2.err)"
wait_until 5 "ctl lisp1 $S1 --json show stats | jq -e '.drops[\"itr: lisp-sec: map-reply without lisp-sec\"] >= 1'" ||
    fail "unsigned reply refused under required"
grep -q "dropped: lisp-sec: without lisp-sec" "$NETNS_TMP/lisp1.log" || fail "the refusal logged"
ctl lisp1 "$S1" --json show map-cache 198.18.3.10 | jq -e '.[0].state != "positive"' >/dev/null ||
    fail "the unsigned answer installed nothing"
in_ns hostA ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 || fail "hostA -> hostB under required"
pass "lisp-sec required: the unsigned answer refused, counted, logged; signed resolution still works"
