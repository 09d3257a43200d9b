#!/bin/sh
# publish/subscribe (RFC 9437): a subscribed ITR's map-cache follows a
# mapping change pushed by the Map-Server, without SMR.
#
#   xtr1 203.0.113.1 ---- .2 [ ms ] .6 ---- 203.0.113.5 xtr2
#   ITR+ETR 198.18.1.0/24     .10              ETR 198.18.2.0/24
#                              |
#                      xtr3 203.0.113.9  ETR 198.18.2.0/24 (a second RLOC)
#
# checks: xtr1's Map-Request carries I and N (tshark), the Map-Server keeps
# a confirmed subscription; xtr3 registering the same prefix reaches xtr1's
# cache (two locators) within 1 s of its Map-Register, with no SMR on the
# wire and a Map-Notify-Ack back; xtr3's registration expiring is
# published too; a forged Notify (wrong key) and a replayed one are refused
# and counted, the cache unchanged.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-dd_}ps_
. tests/netns/lib.sh
trap_cleanup
command -v jq >/dev/null || { log "skip: no jq"; exit 0; }
command -v tshark >/dev/null || { log "skip: no tshark"; exit 0; }
command -v python3 >/dev/null || { log "skip: no python3"; exit 0; }
T=$NETNS_TMP

ns_add ms; router ms
for i in 1 2 3; do
	ns_add xtr$i
	link_add xtr$i eth0 203.0.113.$((i * 4 - 3))/30 ms e$i 203.0.113.$((i * 4 - 2))/30
	in_ns xtr$i ip route add default via 203.0.113.$((i * 4 - 2))
done
in_ns xtr1 ip addr add 198.18.1.1/24 dev lo
in_ns xtr2 ip addr add 198.18.2.1/24 dev lo

cat >"$T/ms.conf" <<EOF
role map-server
role map-resolver
control "$T/ms.sock"
log-rate 100
pubsub-key 1 sha256 "pubsub-s3cret"
timers {
	registration-ttl 4
}
site site1 {
	key 0 sha256 "site1-s3cret"
	eid-prefix 198.18.1.0/24
}
site site2 {
	key 0 sha256 "site2-s3cret"
	eid-prefix 198.18.2.0/24
}
EOF
xconf() {	# xconf N SITE ROLES...
	n=$1; s=$2; shift 2
	{ for r in "$@"; do echo "role $r"; done
	cat <<EOF
control "$T/xtr$n.sock"
log-rate 100
timers {
	register-interval 1
}
database-mapping 198.18.$s.0/24 {
	rloc 203.0.113.$((n * 4 - 3)) priority 1 weight 50
}
map-server 203.0.113.$((n * 4 - 2)) key 0 sha256 "site$s-s3cret"
xtr-id 0x0000000000000000000000000000000$n
site-id $n
map-resolver 203.0.113.$((n * 4 - 2))
pubsub-key 1 sha256 "pubsub-s3cret"
tun lisp0
EOF
	} >"$T/xtr$n.conf"
	"$LOCID" -n -f "$T/xtr$n.conf" 2>"$T/n$n" || fail "locid -n xtr$n: $(cat "$T/n$n")"
}
xconf 1 1 itr etr
xconf 2 2 itr etr
xconf 3 2 etr
"$LOCID" -n -f "$T/ms.conf" 2>"$T/nms" || fail "locid -n ms: $(cat "$T/nms")"

locid_start ms "$T/ms.conf"
locid_start xtr1 "$T/xtr1.conf"
locid_start xtr2 "$T/xtr2.conf"
wait_until 10 "ctl ms $T/ms.sock --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "xtr1 and xtr2 registered: $(cat "$T/ms.log")"
pass "map-server with pubsub-key up, two sites registered"

# 1. resolution subscribes
cap_start sub ms e1 udp
in_ns xtr1 ping -c1 -W2 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1
wait_until 5 "ctl xtr1 $T/xtr1.sock --json show map-cache 198.18.2.1 | jq -e '.[0].state == \"complete\"'" ||
    fail "xtr1 resolved 198.18.2.1: $(ctl xtr1 "$T/xtr1.sock" --json show map-cache)"
wait_until 5 "ctl ms $T/ms.sock --json show subscriptions | jq -e '.[] | select(.state == \"confirmed\")'" ||
    fail "no confirmed subscription: $(ctl ms "$T/ms.sock" --json show subscriptions)"
cap_stop sub
# the inner Map-Request's octets (Wireshark does not dissect RFC 9437):
# I in word 0, N in the record, xTR-ID and Site-ID at the end
r=$(tsh sub 'lisp.type == 1 && ip.src == 203.0.113.1' udp.payload | head -1)
python3 - "${r##*,}" <<'PY' || fail "Map-Request without I, N, xTR-ID or Site-ID: $r"
import sys, struct
m = bytes.fromhex(sys.argv[1].replace(':', ''))
w0 = struct.unpack('!I', m[:4])[0]
alen = {0: 0, 1: 4, 2: 16}
o = 12
afi = struct.unpack('!H', m[o:o + 2])[0]; o += 2 + alen[afi]
for _ in range(((w0 >> 8) & 0x1f) + 1):
    afi = struct.unpack('!H', m[o:o + 2])[0]; o += 2 + alen[afi]
ok = (w0 >> 28) == 1 and w0 & 0x00100000 and m[o] & 0x80 and \
    m[-24:] == bytes(15) + b'\x01' + struct.pack('!Q', 1)
sys.exit(0 if ok else 1)
PY
ctl ms "$T/ms.sock" --json show subscriptions >"$T/subs.json"
sh tests/schema/match.sh tests/schema/show-subscriptions.schema "$T/subs.json" ||
    fail "show subscriptions off the schema"
jq -e '.[0] | .eid_prefix == "198.18.2.0/24" and .xtr_id == "00000000000000000000000000000001" and
    .site_id == 1 and .itr_rloc == "203.0.113.1" and .acks >= 1' "$T/subs.json" >/dev/null ||
    fail "subscription: $(cat "$T/subs.json")"
pass "Map-Request with I and N, subscription of xtr1 to 198.18.2.0/24 confirmed"

# 2. a second ETR registers the prefix: published to xtr1 within 1 s
[ -n "$(tsh sub 'lisp.type == 4 && ip.src == 203.0.113.2 && ip.dst == 203.0.113.1' frame.number)" ] &&
    [ -n "$(tsh sub 'lisp.type == 5 && ip.src == 203.0.113.1' frame.number)" ] ||
    fail "confirmation Map-Notify and its Map-Notify-Ack on the wire"
ctl ms "$T/ms.sock" show subscriptions | grep -q "^198.18.2.0/24  *00000000000000000000000000000001  *1  *203.0.113.1  *confirmed" ||
    fail "show subscriptions text: $(ctl ms "$T/ms.sock" show subscriptions)"
cap_start chg3 ms e3 udp
cap_start chg1 ms e1 udp
ip netns exec "$(ns ms)" "$LOCICTL" -s "$T/ms.sock" monitor --json -c 1 -t 8 pubsub \
    >"$T/mon.json" 2>&1 </dev/null &
mon=$!
wait_until 3 "in_ns ms ss -xp | grep -q 'pid=$mon,'" || fail "locictl monitor did not connect"
locid_start xtr3 "$T/xtr3.conf"
wait_until 5 "ctl xtr1 $T/xtr1.sock --json show map-cache 198.18.2.1 | jq -e '.[0].locators | length == 2'" ||
    fail "xtr1 cache did not follow: $(ctl xtr1 "$T/xtr1.sock" --json show map-cache 198.18.2.1)"
sleep 0.3
cap_stop chg1
cap_stop chg3
treg=$(tsh chg3 'lisp.type == 3 && ip.src == 203.0.113.9' frame.time_epoch | head -1)
tack=$(tsh chg1 'lisp.type == 5 && ip.src == 203.0.113.1' frame.time_epoch | head -1)
[ -n "$treg" ] && [ -n "$tack" ] || fail "Map-Register of xtr3 ($treg) or Map-Notify-Ack of xtr1 ($tack) missing"
dt=$(awk -v a="$tack" -v r="$treg" 'BEGIN { printf "%.6f", a - r }')
awk -v d="$dt" 'BEGIN { exit !(d > 0 && d < 1) }' || fail "change to subscriber cache took $dt s"
[ -z "$(tsh chg1 'lisp.type == 1 && lisp.mreq.flags.smr == 1' frame.number)" ] || fail "an SMR on the wire"
[ -z "$(tsh chg1 'lisp.type == 1 && ip.src == 203.0.113.1' frame.number)" ] || fail "xtr1 asked again"
r=$(tsh chg1 'lisp.type == 4 && ip.dst == 203.0.113.1' lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen \
    lisp.mapping.loccnt | head -1)
[ "$r" = "198.18.2.0|24|2" ] || fail "published Map-Notify (got '$r')"
log "  change to subscriber cache: $(awk -v d="$dt" 'BEGIN { printf "%.1f", d * 1000 }') ms (Map-Register in to Map-Notify-Ack out)"
wait $mon
jq -e '.kind == "pubsub" and .event == "published" and .eid_prefix == "198.18.2.0/24" and
    .itr_rloc == "203.0.113.1"' "$T/mon.json" >/dev/null || fail "locictl monitor pubsub: $(cat "$T/mon.json")"
pass "xtr3's registration published: xtr1's cache has both RLOCs within 1 s, no SMR, no Map-Request; locictl monitor pubsub"


# 3. forged and replayed Notifies change nothing
pub=$(tsh chg1 'lisp.type == 4 && ip.dst == 203.0.113.1' udp.payload | head -1)
in_ns ms python3 - "$pub" <<'EOF' || fail "forge"
import socket, sys, os
pub = bytes.fromhex(sys.argv[1].replace(':', ''))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('203.0.113.2', 0))
# the captured publication again (replay), then with its HMAC altered and
# a locator of the forger's own (forgery)
s.sendto(pub, ('203.0.113.1', 4342))
forged = bytearray(pub)
forged[16:48] = os.urandom(32)
forged[-4:] = bytes([198, 51, 100, 66])
s.sendto(bytes(forged), ('203.0.113.1', 4342))
EOF
wait_until 3 "ctl xtr1 $T/xtr1.sock --json show stats | jq -e '.drops[\"itr: publication authentication failed\"] == 1 and
    .drops[\"itr: publication nonce not newer\"] == 1'" ||
    fail "forged/replayed not counted: $(ctl xtr1 "$T/xtr1.sock" --json show stats | jq -c .drops)"
ctl xtr1 "$T/xtr1.sock" --json show map-cache 198.18.2.1 |
    jq -e '.[0].locators | map(.address) | sort == ["203.0.113.5", "203.0.113.9"]' >/dev/null ||
    fail "cache changed by a forged notify: $(ctl xtr1 "$T/xtr1.sock" --json show map-cache 198.18.2.1)"
pass "forged (bad HMAC) and replayed (old nonce) Map-Notifies refused, counted, cache unchanged"

# 4. xtr3 goes: its registration expires (registration-ttl 4) and that is
# published too
locid_stop xtr3
wait_until 10 "ctl xtr1 $T/xtr1.sock --json show map-cache 198.18.2.1 | jq -e '.[0].locators | map(.address) == [\"203.0.113.5\"]'" ||
    fail "expiry not published: $(ctl xtr1 "$T/xtr1.sock" --json show map-cache 198.18.2.1)"
in_ns xtr1 ping -c1 -W2 -I 198.18.1.7 198.18.2.7 >/dev/null 2>&1 || fail "ping after the change"
ctl ms "$T/ms.sock" --json show stats >"$T/st.json"
jq -e '.map_server.pubsub | .subscriptions >= 1 and .acks >= 3 and .map_notifies >= 3' "$T/st.json" >/dev/null ||
    fail "pubsub stats: $(jq -c '.map_server.pubsub' "$T/st.json")"
sh tests/schema/match.sh tests/schema/show-stats.schema "$T/st.json" || fail "show stats off the schema"
pass "expiry of xtr3's registration published; ping crosses; counters"

# 5. clear map-cache on xtr1 unsubscribes (RFC 9437 §5): an ECM'd
# Map-Request with I, N and one ITR-RLOC of AFI 0, one Map-Notify back with
# its nonce, acked; the subscription is gone and a change of the mapping is
# not published to xtr1 any more
cap_start uns ms e1 udp
ctl xtr1 "$T/xtr1.sock" clear map-cache >/dev/null || fail "clear map-cache"
wait_until 5 "ctl ms $T/ms.sock --json show subscriptions | jq -e 'map(select(.xtr_id == \"00000000000000000000000000000001\")) == []'" ||
    fail "subscription still there: $(ctl ms "$T/ms.sock" --json show subscriptions)"
sleep 0.3
cap_stop uns
r=$(tsh uns 'lisp.type == 1 && ip.src == 203.0.113.1' udp.payload | head -1)
[ -n "$r" ] || fail "no unsubscribe Map-Request from xtr1"
cat >"$T/unsub.py" <<'PY'
import sys, struct
m = bytes.fromhex(sys.argv[1].replace(':', ''))
w0 = struct.unpack('!I', m[:4])[0]
alen = {0: 0, 1: 4, 2: 16}
o = 12
afi = struct.unpack('!H', m[o:o + 2])[0]; o += 2 + alen[afi]
irc = (w0 >> 8) & 0x1f
itr = struct.unpack('!H', m[o:o + 2])[0]; o += 2
ok = (w0 >> 28) == 1 and w0 & 0x00100000 and irc == 0 and itr == 0 and m[o] & 0x80
print(m[4:12].hex())
sys.exit(0 if ok else 1)
PY
n=$(python3 "$T/unsub.py" "${r##*,}") || fail "unsubscribe Map-Request not I+N with one AFI-0 ITR-RLOC: $r"
nn=$(tsh uns 'lisp.type == 4 && ip.src == 203.0.113.2 && ip.dst == 203.0.113.1' lisp.nonce)
[ "$(echo "$nn" | wc -l)" = 1 ] && [ "$(echo "$nn" | tr -d ':' | sed 's/^0x//')" = "$n" ] ||
    fail "one Map-Notify with the unsubscribe's nonce $n (got '$nn')"
[ -n "$(tsh uns 'lisp.type == 5 && ip.src == 203.0.113.1' frame.number)" ] || fail "its Map-Notify-Ack"
jq -e '.xtr.unsubscribes >= 1' <<EOF >/dev/null || fail "xtr unsubscribes counter"
$(ctl xtr1 "$T/xtr1.sock" --json show stats)
EOF
jq -e '.map_server.pubsub.unsubscribed == 1' <<EOF >/dev/null || fail "ms unsubscribed counter"
$(ctl ms "$T/ms.sock" --json show stats)
EOF
cap_start gone ms e1 udp
locid_start xtr3 "$T/xtr3.conf"
wait_until 10 "ctl ms $T/ms.sock --json show site site2 --detail | jq -e '.[0].registrations == 2'" ||
    fail "xtr3 registered again: $(ctl ms "$T/ms.sock" --json show site site2 --detail)"
sleep 1
cap_stop gone
[ -z "$(tsh gone 'lisp.type == 4 && ip.dst == 203.0.113.1' frame.number)" ] ||
    fail "a publication to xtr1 after it unsubscribed"
pass "clear map-cache: unsubscribe on the wire (I+N, AFI-0 ITR-RLOC), one Map-Notify with its nonce, acked; nothing published after"
