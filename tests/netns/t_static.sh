#!/bin/sh
# static map-cache entries (issue 10 item 11) in the seed lab: lisp1 is
# configured with 198.18.2.0/24 -> 203.0.113.5 and 198.51.100.0/24
# natively-forward. hostA reaches hostB without a Map-Request for it;
# show map-cache says static, with no expiry; clear map-cache keeps them;
# a reload without them removes them (and the next packet asks again).
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-st_}
. tests/netns/lib.sh
trap_cleanup

topo_seed_lab
seed_lab_confs
cp "$NETNS_TMP/lisp1.conf" "$NETNS_TMP/lisp1.plain"
cat >>"$NETNS_TMP/lisp1.conf" <<'CONF'
map-cache 198.18.2.0/24 {
	rloc 203.0.113.5 priority 1 weight 100
}
map-cache 198.51.100.0/24 native-forward
CONF
S1="$NETNS_TMP/lisp1.sock"; SM="$NETNS_TMP/mapserver.sock"
"$LOCID" -nv -f "$NETNS_TMP/lisp1.conf" 2>/dev/null | grep -q "^map-cache 198.51.100.0/24 native-forward$" ||
    fail "locid -nv does not print the static entries"

seed_lab_start
ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc0.json"
jq -e '[.[] | select(.source == "static")] | length == 2' "$NETNS_TMP/mc0.json" >/dev/null ||
    fail "static entries not in the map-cache: $(cat "$NETNS_TMP/mc0.json")"
jq -e '.[] | select(.eid_prefix == "198.18.2.0/24") | .expires_in == null and .locators[0].address == "203.0.113.5"' \
    "$NETNS_TMP/mc0.json" >/dev/null || fail "static positive entry: $(cat "$NETNS_TMP/mc0.json")"
in_ns lisp1 ip route show table 100 | grep -q '^throw 198.51.100.0/24' || fail "no throw route for the static negative"
pass "static entries installed: positive and natively-forward, no expiry"

cap_start a lisp1 eth0 'udp or icmp'
in_ns hostA ping -c2 -i 0.3 -W1 198.18.2.10 >/dev/null 2>&1 || fail "hostA -> hostB with a static entry"
# (no way back to EID space from nonlisp in this lab: the request counts)
in_ns hostA ping -c1 -W1 198.51.100.1 >/dev/null 2>&1
cap_stop a
r=$(tsh a "lisp.type == 8 && ip.src == 203.0.113.1" lisp.mreq.record.prefix.ipv4)
[ -z "$r" ] || fail "a Map-Request went out for a static prefix: $r"
[ -n "$(tsh a 'udp.dstport == 4341 && icmp.type == 8 && ip.dst == 203.0.113.5' frame.number)" ] ||
    fail "no encapsulated echo to 203.0.113.5"
[ -n "$(tsh a 'icmp.type == 8 && ip.dst == 198.51.100.1 && !lisp-data' frame.number)" ] ||
    fail "the static negative was not forwarded natively"
pass "traffic by the static entries: encapsulated to 203.0.113.5 and native, no Map-Request"

ctl lisp1 "$S1" clear map-cache >/dev/null || fail "clear map-cache"
ctl lisp1 "$S1" --json show map-cache | jq -e '[.[] | select(.source == "static")] | length == 2' >/dev/null ||
    fail "clear map-cache removed the static entries"
cp "$NETNS_TMP/lisp1.plain" "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null || fail "reload lisp1"
ctl lisp1 "$S1" --json show map-cache | jq -e '[.[] | select(.source == "static")] | length == 0' >/dev/null ||
    fail "reload kept the static entries"
in_ns hostA ping -c2 -i 0.3 -W2 198.18.2.10 >/dev/null 2>&1 || fail "hostA -> hostB after the reload"
ctl lisp1 "$S1" --json show map-cache 198.18.2.10 | jq -e '.[0].source == "map-reply"' >/dev/null ||
    fail "198.18.2.0/24 not resolved after the static entry went"
pass "clear map-cache keeps them; a reload without them removes them; resolution takes over"
# an EID on the xTR itself (lisp1's site gateway 198.18.1.1): the MS
# forwards the request to lisp1, whose ETR answers for its own address
ctl lisp2 "$NETNS_TMP/lisp2.sock" clear map-cache >/dev/null || fail "clear lisp2's map-cache"
in_ns hostB ping -c2 -i 0.3 -W2 198.18.1.1 >/dev/null 2>&1 || fail "hostB -> lisp1's gateway EID 198.18.1.1"
pass "an EID held on the xTR's own interface is resolved and reached"
echo "t_static: all passed"
