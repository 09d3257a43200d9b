#!/bin/sh
# issue 9's attacks against the seed lab, each asserting what holds now
# (the Map-Register replay is in t_msmr, the ITR's own defences in
# test_locid_hostile). lisp2 runs decap-check mapping-system.
#
#  hostA --- lisp1 ====== mapserver (MS/MR) ====== lisp2 --- hostB
#                             |
#                  nonlisp 198.51.100.1: the attacker, and the victim the
#                  spoofed requests name as their ITR-RLOC
#
#  9  spoofed decapsulation: a 4341 packet from nonlisp with hostA's
#     address inside is refused (the sender is no locator of 198.18.1.0/24)
#  3  MR reflection: ECM Map-Requests of 8 records from random spoofed
#     sources naming the victim: octets to the victim <= octets sent
#  2  probe reflection: RLOC-probes spoofed from the victim: octets to the
#     victim <= octets sent, replies within the limiter's burst
#  1  cache hijack: the attacker holds site lisp3's key (198.18.3.0/24) and
#     answers lisp1's request with 0.0.0.0/0 and lisp2's prefix as well:
#     lisp1 caches 198.18.3.0/24 only, hostA -> hostB unchanged
#  4  MS forward amplification: an ECM of 8 records for lisp2's space is
#     forwarded once, answered once
#  5  forwarding loop: lisp3 registering the Map-Server's own address is
#     refused
#  8  key rotation: a reload that changes lisp3's key removes its
#     registration at once
# the reflection cases print their factor (octets out / octets in).
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-at_}
. tests/netns/lib.sh
trap_cleanup
ATT="python3 tests/netns/attack.py"

topo_seed_lab
for n in lisp1 lisp2 mapserver; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
echo "decap-check mapping-system" >>"$NETNS_TMP/lisp2.conf"
# site lisp2 has a second xTR (203.0.113.99, not started) listed in the
# mapping: lisp2 must not mark its RLOC local (issue 10 item 8)
sed -i 's|^\(\s*rloc 203.0.113.5 priority 1 weight 100\)$|\1\n\trloc 203.0.113.99 priority 2 weight 100|' \
    "$NETNS_TMP/lisp2.conf"
grep -q "rloc 203.0.113.99" "$NETNS_TMP/lisp2.conf" || fail "lisp2.conf: second RLOC not added"
cat >>"$NETNS_TMP/mapserver.conf" <<'CONF'
site lisp3 {
	description "the attacker's own site"
	key 0 sha256 "lisp3-s3cret"
	eid-prefix 198.18.3.0/24
}
CONF
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"
# the spoofed sources cross the mapserver: no reverse-path filter there
in_ns mapserver sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
for i in eth1 eth2 eth3; do in_ns mapserver sysctl -qw net.ipv4.conf.$i.rp_filter=0; done

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
cap_start reg mapserver eth2 'udp port 4342'
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered"
cap_stop reg
r=$(tsh reg 'lisp.type == 3 && ip.src == 203.0.113.5' lisp.loc.locator lisp.loc.flags.local | head -1)
[ "$r" = "203.0.113.5,203.0.113.99|1,0" ] || fail "L bit only on lisp2's own RLOC (got '$r')"
pass "L bit on the registering xTR's own RLOC only"
drops() { ctl "$1" "$2" --json show stats | jq -r --arg k "$3" '.drops[$k] // 0'; }

# decap-check mapping-system: the first packets from a source lisp2 has
# not cached are dropped while it asks; then the ping crosses
in_ns hostA ping -c6 -i 0.3 -W1 198.18.2.10 >"$NETNS_TMP/ping" 2>&1
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$NETNS_TMP/ping")
[ "${got:-0}" -ge 3 ] || fail "hostA -> hostB with decap-check on: $(cat "$NETNS_TMP/ping")"
[ "$(drops lisp2 "$S2" 'decap: inner source not in the map-cache')" -ge 1 ] ||
    fail "the first packet from an uncached source was not held back"
ctl lisp2 "$S2" --json show map-cache 198.18.1.10 | jq -e '.[0].eid_prefix == "198.18.1.0/24"' >/dev/null ||
    fail "lisp2 did not learn 198.18.1.0/24"
pass "decap-check mapping-system: first packets dropped while asking, then $got of 6 echoes"
fastpath_check hostA 198.18.2.10 lisp1 "$S1" lisp2 "$S2"

# 9. spoofed decapsulation
cap_start b lisp2 eth1 'icmp'
in_ns nonlisp $ATT decap 203.0.113.5 198.18.1.10 198.18.2.10 >/dev/null
in_ns nonlisp $ATT decap 203.0.113.5 198.18.77.10 198.18.2.10 >/dev/null
sleep 0.5
cap_stop b
[ -z "$(tsh b 'icmp.type == 8' frame.number)" ] || fail "a spoofed packet reached hostB's link"
[ "$(drops lisp2 "$S2" 'decap: outer source not a locator of the inner source')" = 1 ] ||
    fail "spoofed decapsulation not counted"
grep -q "not a locator of inner source 198.18.1.10 (decap-check)" "$NETNS_TMP/lisp2.log" ||
    fail "spoofed decapsulation not logged"
if [ "$DATAPLANE" = ebpf ]; then
	ctl lisp2 "$S2" --json show stats | jq -e '.xtr.ebpf.decap_pass_decap_check >= 2' >/dev/null ||
	    fail "the BPF program decapsulated a spoofed packet: $(ctl lisp2 "$S2" --json show stats | jq -c .xtr.ebpf)"
fi
pass "9: spoofed 4341 from a non-locator refused, counted, logged; nothing reached hostB"

# 3. MR reflection: 1500 ECMs of 8 records, random spoofed sources (over
# the map-request-ratelimit of 1000 a second towards one ITR-RLOC)
cap_start r3 nonlisp eth0 'udp dst port 40000'
in_ns nonlisp $ATT sink 198.51.100.1 40000 4 >"$NETNS_TMP/sink3" &
sp=$!
sleep 0.3
in_ns nonlisp $ATT mr-flood 203.0.113.2 198.51.100.1 1500 >"$NETNS_TMP/sent3"
wait $sp
cap_stop r3
# one negative Map-Reply per ECM: of its 8 records as many as fit in the
# 116 octets of the ECM (12 + 6 x 16), natively-forward
r=$(tsh r3 'lisp.type == 2' udp.length lisp.mapping.act | head -1)
[ "$r" = "116|1,1,1,1,1,1" ] || fail "negative Map-Reply with 6 records in 108 octets (got '$r')"
in3=$(jq .octets "$NETNS_TMP/sent3"); out3=$(jq .octets "$NETNS_TMP/sink3")
n3=$(jq .datagrams "$NETNS_TMP/sink3")
f3=$(echo "$out3 $in3" | awk '{ printf "%.3f", $1 / $2 }')
log "MR reflection: $in3 octets in 1500 ECMs, $out3 octets in $n3 replies to the victim: factor $f3"
awk "BEGIN { exit !($out3 <= $in3) }" || fail "MR reflection factor $f3 > 1"
[ "$n3" -lt 1500 ] || fail "$n3 replies for 1500 requests"
[ "$(drops mapserver "$SM" 'map-reply: rate limit towards the itr-rloc')" -ge 1 ] ||
    fail "the per-ITR-RLOC limit did not act"
pass "3: MR reflection factor $f3 (<= 1), limited per ITR-RLOC"

# 2. probe reflection: 2000 probes spoofed from the victim
in_ns nonlisp $ATT sink 198.51.100.1 40001 4 >"$NETNS_TMP/sink2" &
sp=$!
sleep 0.3
in_ns nonlisp $ATT probe-flood 203.0.113.5 198.18.2.0 198.51.100.1 2000 >"$NETNS_TMP/sent2"
wait $sp
in2=$(jq .octets "$NETNS_TMP/sent2"); out2=$(jq .octets "$NETNS_TMP/sink2")
n2=$(jq .datagrams "$NETNS_TMP/sink2")
f2=$(echo "$out2 $in2" | awk '{ printf "%.3f", $1 / $2 }')
log "probe reflection: $in2 octets in 2000 probes, $out2 octets in $n2 replies: factor $f2" \
    "(per reply $(echo "$out2 $n2 $in2" | awk '{ if ($2) printf "%.2f", ($1 / $2) / ($3 / 2000) }'))"
awk "BEGIN { exit !($out2 <= $in2) }" || fail "probe reflection factor $f2 > 1"
[ "$n2" -ge 1 ] && [ "$n2" -le 600 ] || fail "$n2 probe replies for 2000 probes"
[ "$(drops lisp2 "$S2" 'etr: rloc-probe reply rate limited')" -ge 1400 ] ||
    fail "the probe limiter did not act"
pass "2: probe reflection factor $f2 (<= 1), $n2 replies for 2000 probes"

# 1. cache hijack by a site whose key the attacker holds
PEER="python3 tests/netns/msmr_peer.py"
in_ns nonlisp $PEER register 198.51.100.1 198.51.100.254 198.18.3.0/24 198.51.100.1 lisp3-s3cret 1 \
    >"$NETNS_TMP/r3.json" || fail "lisp3 register: $(cat "$NETNS_TMP/r3.json")"
in_ns nonlisp $ATT evil-etr 198.51.100.1 198.18.3.0/24 198.18.2.0/24 >"$NETNS_TMP/evil" &
ep=$!
sleep 0.3
in_ns hostA ping -c1 -W1 198.18.3.10 >/dev/null 2>&1
wait $ep
jq -e '.records == 3' "$NETNS_TMP/evil" >/dev/null || fail "the evil ETR did not answer: $(cat "$NETNS_TMP/evil")"
ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc1.json"
jq -e '[.[] | select(.eid_prefix == "198.18.3.0/24")] | length == 1' "$NETNS_TMP/mc1.json" >/dev/null ||
    fail "198.18.3.0/24 not cached: $(cat "$NETNS_TMP/mc1.json")"
jq -e '[.[] | select(.eid_prefix == "0.0.0.0/0")] | length == 0' "$NETNS_TMP/mc1.json" >/dev/null ||
    fail "0.0.0.0/0 cached from the hijacker"
jq -e '.[] | select(.eid_prefix == "198.18.2.0/24") | [.locators[].address] == ["203.0.113.5", "203.0.113.99"]' \
    "$NETNS_TMP/mc1.json" >/dev/null || fail "lisp2's entry changed: $(cat "$NETNS_TMP/mc1.json")"
in_ns hostA ping -c2 -i 0.3 -W1 198.18.2.10 >/dev/null 2>&1 || fail "hostA -> hostB after the hijack"
[ "$(drops lisp1 "$S1" 'itr: map-reply record coarser than allowed')" -ge 1 ] ||
    fail "the 0.0.0.0/0 record was not counted"
pass "1: hijack refused: only 198.18.3.0/24 cached, lisp2's entry and hostA -> hostB unchanged"

# 4. an ECM of 8 records for lisp2's space: one forward, one answer
cap_start f4 mapserver eth2 'udp port 4342'
in_ns nonlisp $ATT sink 198.51.100.1 40000 2 >"$NETNS_TMP/sink4" &
sp=$!
sleep 0.3
in_ns nonlisp $ATT mr-flood 203.0.113.2 198.51.100.1 1 198.18.2 >"$NETNS_TMP/sent4"
wait $sp
cap_stop f4
n=$(tsh f4 'lisp.type == 8 && ip.dst == 203.0.113.5' frame.number | wc -l)
[ "$n" = 1 ] || fail "the 8-record ECM was forwarded $n times"
[ "$(jq .datagrams "$NETNS_TMP/sink4")" = 1 ] || fail "lisp2 answered $(jq .datagrams "$NETNS_TMP/sink4") times"
f4=$(echo "$(jq .octets "$NETNS_TMP/sink4") $(jq .octets "$NETNS_TMP/sent4")" | awk '{ printf "%.3f", $1 / $2 }')
log "ETR answer to an 8-record ECM: factor $f4"
awk "BEGIN { exit !($f4 <= 1) }" || fail "ETR answer factor $f4 > 1"
pass "4: an 8-record ECM forwarded once and answered once (factor $f4)"

# 5. a site registering the Map-Server's own address
in_ns nonlisp $PEER register 198.51.100.1 198.51.100.254 198.18.3.0/24 203.0.113.2 lisp3-s3cret 2 \
    >/dev/null && fail "a register of the MS's own address got a map-notify"
[ "$(drops mapserver "$SM" 'map-register: rloc is an address of this node')" = 1 ] ||
    fail "own-address register not counted"
ctl mapserver "$SM" --json show site lisp3 --detail >"$NETNS_TMP/s3.json"
jq -e '.[0].details | [.[].locators[]?.address] | index("203.0.113.2") == null' "$NETNS_TMP/s3.json" \
    >/dev/null || fail "the MS's address was registered: $(cat "$NETNS_TMP/s3.json")"
pass "5: registration of the Map-Server's own address refused"

# 8. lisp3's key changes: its registration goes with the reload
sed -i 's/lisp3-s3cret/lisp3-new-s3cret/' "$NETNS_TMP/mapserver.conf"
ctl mapserver "$SM" reload >/dev/null || fail "reload"
ctl mapserver "$SM" --json show site lisp3 | jq -e '.[0].registered == false' >/dev/null ||
    fail "lisp3 still registered with a revoked key"
pass "8: reload with a changed key removed lisp3's registration"

# the lab still works
in_ns hostA ping -c2 -i 0.3 -W1 198.18.2.10 >/dev/null 2>&1 || fail "hostA -> hostB after the attacks"
pass "hostA -> hostB after the attacks"
echo "t_attacks: all passed"
