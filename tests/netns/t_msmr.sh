#!/bin/sh
# Map-Server / Map-Resolver with the real locid and locictl binaries.
#
#   etr1 203.0.113.1/30 ---- .2 [ ms ] .6 ---- 203.0.113.5/30 etr2
#                                 .10
#                                  |
#                           itr 203.0.113.9/30
#
# etr1/etr2 are a small Python ETR (msmr_peer.py) that registers and, for
# etr1, answers the one Map-Request the MS forwards to it; lig runs in itr.
# Checks: locid -n, registration / refusal and `show site`, Map-Notify
# authenticity, lig answers (forwarded to the ETR, proxy reply, negative
# coarse prefix), show stats, reload of a bad and a good config, SIGHUP,
# clean stop.
cd "$(dirname "$0")/../.." || exit 1
. tests/netns/lib.sh
trap_cleanup
command -v python3 >/dev/null || { log "skip: no python3"; exit 0; }
command -v jq >/dev/null || { log "skip: no jq"; exit 0; }
NS_PREFIX=msmr-$$-
PEER="python3 $(pwd)/tests/netns/msmr_peer.py"
T=$NETNS_TMP
SOCK=$T/ms.sock

ns_add ms; ns_add etr1; ns_add etr2; ns_add itr
link_add etr1 eth0 203.0.113.1/30 ms eth1 203.0.113.2/30
link_add etr2 eth0 203.0.113.5/30 ms eth2 203.0.113.6/30
link_add itr eth0 203.0.113.9/30 ms eth3 203.0.113.10/30
router ms
for n in etr1 etr2 itr; do in_ns $n ip route add default via 203.0.113.$(
	case $n in etr1) echo 2 ;; etr2) echo 6 ;; itr) echo 10 ;; esac); done

write_conf() {	# write_conf FILE [extra lines]
	cat >"$1" <<CONF
role map-server
role map-resolver
control "$SOCK"
log-rate 50
strict-register-nonce yes
timers {
	registration-ttl 60
	negative-ttl 15
	unregistered-ttl 1
	map-cache-ttl 1440
}
site lisp1 {
	description "forwarded to its ETR"
	key 0 sha256 "lisp1-s3cret"
	eid-prefix 198.18.1.0/24
}
site lisp2 {
	key 0 sha256 "lisp2-s3cret"
	eid-prefix 198.18.2.0/24
	eid-prefix 2001:db8:2::/48
}
$2
CONF
}
write_conf "$T/ms.conf" 'metrics-listen 203.0.113.10 9400'
write_conf "$T/bad.conf" 'site lisp3 {
	eid-prefix 198.18.3.0/33
}'

# -n: good config passes, bad one names file and line
"$LOCID" -n -f "$T/ms.conf" 2>/dev/null || fail "locid -n on a good config"
"$LOCID" -n -f "$T/bad.conf" 2>"$T/n.err" && fail "locid -n accepted a bad config"
grep -q "bad.conf:[0-9]*: prefix 198.18.3.0/33" "$T/n.err" || fail "locid -n message: $(cat "$T/n.err")"
pass "locid -n"

locid_start ms "$T/ms.conf"
wait_until 10 "ctl ms $SOCK --json show site" || fail "locid did not come up: $(cat "$T/ms.log")"
[ "$(stat -c %a "$SOCK")" = 660 ] || fail "control socket mode $(stat -c %a "$SOCK")"
ctl ms "$SOCK" --json show site >"$T/s0.json"
[ "$(jq '[.[] | select(.registered)] | length' "$T/s0.json")" = 0 ] || fail "registered before any register"
pass "daemon up, nothing registered"

# valid register with want-map-notify: an authentic Map-Notify comes back
in_ns etr1 $PEER register 203.0.113.1 203.0.113.2 198.18.1.0/24 203.0.113.1 lisp1-s3cret 1 xtr >"$T/n1.json" ||
    fail "register lisp1: $(cat "$T/n1.json")"
jq -e '.notify and .authentic' "$T/n1.json" >/dev/null || fail "map-notify not authentic"
ctl ms "$SOCK" --json show site lisp1 >"$T/s1.json"
jq -e '.[] | select(.eid_prefix == "198.18.1.0/24" and .registered and .who_last_registered == "203.0.113.1")' \
    "$T/s1.json" >/dev/null || fail "show site after register: $(cat "$T/s1.json")"
pass "register lisp1, authentic map-notify, show site"

# refusals: bad key, replayed nonce, prefix outside the site
in_ns etr2 $PEER register 203.0.113.5 203.0.113.6 198.18.2.0/24 203.0.113.5 wrong 1 >/dev/null &&
    fail "bad key got a map-notify"
in_ns etr1 $PEER register 203.0.113.1 203.0.113.2 198.18.1.0/24 203.0.113.1 lisp1-s3cret 1 xtr >/dev/null &&
    fail "replayed nonce got a map-notify"
in_ns etr1 $PEER register 203.0.113.1 203.0.113.2 198.18.9.0/24 203.0.113.1 lisp1-s3cret 2 xtr >/dev/null &&
    fail "outside prefix got a map-notify"
ctl ms "$SOCK" --json show stats >"$T/st.json"
jq -e '.drops["map-register: bad hmac"] == 1 and .drops["map-register: replayed nonce"] == 1 and
    .drops["map-register: unknown site"] == 1' "$T/st.json" >/dev/null || fail "drop counters: $(cat "$T/st.json")"
ctl ms "$SOCK" --json show site >"$T/s2.json"
jq -e '[.[] | select(.registered)] | length == 1' "$T/s2.json" >/dev/null || fail "refused register changed state"
pass "refusals counted, nothing changed"

# a captured register replayed from another address (issue 9 attack 6):
# the same bytes from etr2 get no Map-Notify and change nothing
in_ns etr1 $PEER register 203.0.113.1 203.0.113.2 198.18.1.0/24 203.0.113.1 lisp1-s3cret 5 xtr >/dev/null ||
    fail "register lisp1 nonce 5"
in_ns etr2 $PEER register 203.0.113.5 203.0.113.2 198.18.1.0/24 203.0.113.1 lisp1-s3cret 5 xtr >/dev/null &&
    fail "replay from another address got a map-notify"
ctl ms "$SOCK" --json show stats >"$T/st.json"
jq -e '.drops["map-register: replayed from another registrant"] == 1' "$T/st.json" >/dev/null ||
    fail "replay not counted: $(jq -c .drops "$T/st.json")"
ctl ms "$SOCK" --json show site lisp1 >"$T/s1.json"
jq -e '.[] | select(.eid_prefix == "198.18.1.0/24") | .who_last_registered == "203.0.113.1" and .registrations == 1' \
    "$T/s1.json" >/dev/null || fail "replay changed the site: $(cat "$T/s1.json")"
grep -q "replayed: accepted before from another registrant" "$T/ms.log" || fail "replay not logged"
pass "replayed register from another address refused, counted, logged"

# lisp2 registers asking for proxy-reply
in_ns etr2 $PEER register 203.0.113.5 203.0.113.6 198.18.2.0/24 203.0.113.5 lisp2-s3cret 1 proxy >/dev/null ||
    fail "register lisp2"
ctl ms "$SOCK" show site >"$T/site.txt"
grep -q "^lisp2 .* yes  *203.0.113.5 .*198.18.2.0/24" "$T/site.txt" || fail "show site text: $(cat "$T/site.txt")"
ctl ms "$SOCK" show site lisp2 --detail | grep -q "203.0.113.5 .* up .*1/100" || fail "show site --detail"
pass "register lisp2 with proxy-reply; show site text"

# control protocol v1 and the output layer: every key the daemon emits is in
# the golden schema (a renamed key fails here), --openmetrics is well formed,
# the read-only socket shows but refuses what changes state
SCHEMA=tests/schema
ctl ms "$SOCK" --json show site >"$T/j-site.json" && sh $SCHEMA/match.sh $SCHEMA/show-site.schema "$T/j-site.json" ||
    fail "show site JSON off the schema"
ctl ms "$SOCK" --json show site --detail >"$T/j-sited.json" &&
    sh $SCHEMA/match.sh $SCHEMA/show-site.schema "$T/j-sited.json" || fail "show site --detail JSON off the schema"
jq -e '[.[] | .details[]? | .last_register_ago] | length == 2' "$T/j-sited.json" >/dev/null ||
    fail "per-ETR last_register_ago: $(cat "$T/j-sited.json")"
ctl ms "$SOCK" --json show stats >"$T/j-stats.json" && sh $SCHEMA/match.sh $SCHEMA/show-stats.schema "$T/j-stats.json" ||
    fail "show stats JSON off the schema"
echo '{"a": 1}' | sh $SCHEMA/match.sh $SCHEMA/show-stats.schema >/dev/null && fail "schema check accepts an unknown key"
ctl ms "$SOCK" --openmetrics show stats >"$T/om.txt" || fail "show stats --openmetrics"
[ "$(tail -1 "$T/om.txt")" = "# EOF" ] || fail "openmetrics without # EOF"
grep -q '^locid_drops_total{reason="map-register: bad hmac"} 1$' "$T/om.txt" || fail "openmetrics drops: $(cat "$T/om.txt")"
awk '/^# TYPE /{t[$3]=1; next} /^#/{next} {n=$1; sub(/[{ ].*/, "", n); sub(/_total$/, "", n); if (!(n in t)) {print "no # TYPE for " n; e=1}}
    END{exit e}' "$T/om.txt" || fail "openmetrics: a sample before its # TYPE"
ctl ms "$SOCK" --openmetrics show site >"$T/om-site.txt" || fail "show site --openmetrics"
grep -q '^locid_site_registered_prefixes{site="lisp2"} 1$' "$T/om-site.txt" || fail "site openmetrics: $(cat "$T/om-site.txt")"
ctl ms "$SOCK.ro" --json show site | jq -e 'length > 0' >/dev/null || fail "read-only socket: show site"
ctl ms "$SOCK.ro" reload 2>"$T/ro.err" && fail "reload accepted on the read-only socket"
grep -q "permission denied: read-only control socket" "$T/ro.err" || fail "read-only refusal: $(cat "$T/ro.err")"
pass "JSON matches tests/schema, OpenMetrics well formed, read-only socket refuses reload"

# show running-config: the canonical config, keys redacted, read-only too
ctl ms "$SOCK.ro" show running-config >"$T/rc.txt" || fail "show running-config"
grep -q '^	key 0 sha256 "<redacted>"$' "$T/rc.txt" || fail "running-config keys: $(cat "$T/rc.txt")"
grep -q 's3cret' "$T/rc.txt" && fail "a secret in show running-config"
"$LOCID" -nv -f "$T/ms.conf" 2>/dev/null | sed 's/^\(	key [0-9]* [a-z0-9]*\) ".*"$/\1 "<redacted>"/' |
    cmp -s - "$T/rc.txt" || fail "running-config differs from locid -nv"
pass "show running-config: as locid -nv, secrets redacted, on the read-only socket"

# help at every level, exit 0, without the daemon
for c in "show" "show map-cache" "clear" "clear site" "reload" "decode" "lig" "monitor"; do
	# shellcheck disable=SC2086
	"$LOCICTL" -s /nonexistent $c --help >"$T/help.txt" 2>&1 || fail "locictl $c --help: exit $?"
	grep -q "^usage: locictl" "$T/help.txt" || fail "locictl $c --help: $(cat "$T/help.txt")"
done
"$LOCICTL" show --help | grep -q "^objects: site" || fail "show --help lists no objects"
pass "help on every command and level, exit 0, no daemon needed"

# clear stats: every counter to zero, registrations kept; privileged
ctl ms "$SOCK.ro" clear stats 2>/dev/null && fail "clear stats on the read-only socket"
ctl ms "$SOCK" clear stats | grep -qx "counters cleared" || fail "clear stats"
ctl ms "$SOCK" --json show stats >"$T/st0.json"
jq -e '([.drops[]] | add // 0) == 0 and ([.rx[]?] | add // 0) <= 1' "$T/st0.json" >/dev/null ||
    fail "counters after clear stats: $(cat "$T/st0.json")"
ctl ms "$SOCK" --json show site lisp2 --detail | jq -e '.[0].registered and (.[0].site_refused | length) == 0' >/dev/null ||
    fail "registration lost or site counters kept by clear stats"
pass "clear stats: counters zero, registrations kept, refused read-only"

# metrics-listen: GET /metrics from another host, as show stats
# --openmetrics prints it; nothing else is served
in_ns itr python3 - >"$T/http.txt" <<'PY' || fail "metrics endpoint: $(cat "$T/http.txt")"
import http.client
c = http.client.HTTPConnection("203.0.113.10", 9400, timeout=5)
c.request("GET", "/metrics")
r = c.getresponse()
body = r.read().decode()
print(r.status, r.getheader("Content-Type"))
print(body, end="")
for method, path in (("GET", "/other"), ("POST", "/metrics")):
    c = http.client.HTTPConnection("203.0.113.10", 9400, timeout=5)
    c.request(method, path, body="x" if method == "POST" else None)
    print("STATUS", method, path, c.getresponse().status)
PY
head -1 "$T/http.txt" | grep -q '^200 application/openmetrics-text; version=1.0.0' ||
    fail "metrics: $(head -1 "$T/http.txt")"
grep -q '^locid_messages_received_total{type="map_register"} [0-9]' "$T/http.txt" ||
    fail "metrics body: $(cat "$T/http.txt")"
sed -n '2,/^# EOF$/p' "$T/http.txt" | tail -1 | grep -qx '# EOF' || fail "metrics not ended by # EOF"
grep -q '^STATUS GET /other 404$' "$T/http.txt" || fail "metrics: /other not 404"
grep -q "^STATUS POST /metrics 4[0-9][0-9]$" "$T/http.txt" || fail "metrics: POST not refused: $(grep STATUS "$T/http.txt")"
ctl ms "$SOCK" --openmetrics show stats | sed -n '/^# TYPE locid_drops/,$p' | head -3 >"$T/om3.txt"
grep -qF "$(head -1 "$T/om3.txt")" "$T/http.txt" || fail "metrics differ from show stats --openmetrics"
pass "metrics-listen: GET /metrics in OpenMetrics as show stats prints it; other paths and methods refused"

# 1. forwarded: the ETR gets the ECM (E bit set) and answers lig directly
# a simple command, so $! is the listener itself (stopped by cleanup)
ip netns exec "$(ns etr1)" $PEER etr 203.0.113.1 198.18.1.0/24 >"$T/etr.out" 2>&1 &
_pids="$_pids $!"
wait_until 5 "grep -q ready $T/etr.out" || fail "etr listener"
in_ns itr "$LOCICTL" lig -m 203.0.113.10 198.18.1.10 >"$T/lig1.txt" || fail "lig forwarded: $(cat "$T/lig1.txt")"
grep -q "^Send map-request to 203.0.113.10 for 198.18.1.10" "$T/lig1.txt" || fail "lig output"
grep -q "^Received map-reply from 203.0.113.1 with rtt" "$T/lig1.txt" || fail "reply not from the ETR: $(cat "$T/lig1.txt")"
grep -q "^198.18.1.0/24, record ttl: 1440 min, auth bit: 1" "$T/lig1.txt" || fail "forwarded mapping"
wait_until 5 "grep -q inner_type $T/etr.out" || fail "etr summary"
tail -1 "$T/etr.out" | jq -e '.type == 8 and .e_bit and .inner_type == 1 and .eid == "198.18.1.10" and
    .itr_rloc == "203.0.113.9" and .from == "203.0.113.2"' >/dev/null || fail "forwarded ECM: $(cat "$T/etr.out")"
pass "lig: forwarded to the ETR"

# 2. proxy reply from the MS: A=0, L=0
in_ns itr "$LOCICTL" lig -m 203.0.113.10 --json 198.18.2.10 >"$T/lig2.json" || fail "lig proxy"
jq -e '.from == "203.0.113.10" and .records[0].eid_prefix == "198.18.2.0/24" and
    .records[0].authoritative == false and .records[0].ttl == 1440 and
    .records[0].locators[0].address == "203.0.113.5" and .records[0].locators[0].local == false and
    .records[0].locators[0].priority == 1 and .records[0].locators[0].weight == 100' "$T/lig2.json" >/dev/null ||
    fail "proxy reply: $(cat "$T/lig2.json")"
pass "lig: proxy reply"

# monitor on the MS during a lig: the ECM in and the proxy reply out,
# decoded; --json lines and the text view from the same events
ctl ms "$SOCK.ro" monitor --json -t 3 rx tx >"$T/mon.json" 2>"$T/mon.err" &
mp=$!
ctl ms "$SOCK" monitor -c 2 rx tx >"$T/mon.txt" 2>&1 &
mp2=$!
sleep 0.5
in_ns itr "$LOCICTL" lig -m 203.0.113.10 198.18.2.10 >/dev/null || fail "lig during monitor"
wait $mp || fail "monitor --json: $(cat "$T/mon.err")"
wait $mp2 || fail "monitor: $(cat "$T/mon.txt")"
jq -se '[.[] | select(.kind == "rx" and (.hex | startswith("8")))] | length >= 1' "$T/mon.json" >/dev/null ||
    fail "monitor: no ECM in: $(cat "$T/mon.json")"
jq -se '[.[] | select(.kind == "tx" and (.hex | startswith("2")) and (.to | startswith("203.0.113.9")))] | length >= 1' \
    "$T/mon.json" >/dev/null || fail "monitor: no Map-Reply out: $(cat "$T/mon.json")"
grep -q "^[0-9:.]* in  Encapsulated Control Message 203.0.113.9:" "$T/mon.txt" || fail "monitor text: $(cat "$T/mon.txt")"
grep -q "^[0-9:.]* out Map-Reply 203.0.113.9:" "$T/mon.txt" || fail "monitor text: $(cat "$T/mon.txt")"
grep -q "198.18.2.0/24" "$T/mon.txt" || fail "monitor text decodes the records: $(cat "$T/mon.txt")"
pass "monitor: ECM in and Map-Reply out during a lig, decoded, on the read-only socket too"

# 3. negative: coarse prefix, TTL 15; configured-unregistered: TTL 1
in_ns itr "$LOCICTL" lig -m 203.0.113.10 198.51.100.1 >"$T/lig3.txt" || fail "lig negative"
grep -q "^198.32.0.0/11, record ttl: 15 min, auth bit: 1, action: natively-forward" "$T/lig3.txt" ||
    fail "negative reply: $(cat "$T/lig3.txt")"
in_ns itr "$LOCICTL" lig -m 203.0.113.10 --json 2001:db8:2::1 >"$T/lig4.json" || fail "lig v6"
jq -e '.records[0].eid_prefix == "2001:db8:2::/48" and .records[0].ttl == 1 and
    .records[0].action == "natively-forward"' "$T/lig4.json" >/dev/null || fail "unregistered: $(cat "$T/lig4.json")"
in_ns itr "$LOCICTL" lig -m 203.0.113.10 --json 2001:db8:3::1 >"$T/lig5.json" || fail "lig v6 negative"
jq -e '.records[0].eid_prefix == "2001:db8:3::/48" and .records[0].ttl == 15' "$T/lig5.json" >/dev/null ||
    fail "v6 negative: $(cat "$T/lig5.json")"
pass "lig: negative replies"

# lig to nothing: gives up after COUNT tries
in_ns itr "$LOCICTL" lig -m 203.0.113.1 -c 1 198.18.1.10 >"$T/lig6.txt" && fail "lig without a resolver succeeded"
grep -q "No map-reply" "$T/lig6.txt" || fail "lig timeout message"
pass "lig: no resolver"

# reload: a bad config is refused and changes nothing; a good one applies
cp "$T/ms.conf" "$T/good.conf"
cp "$T/bad.conf" "$T/ms.conf"
ctl ms "$SOCK" reload 2>"$T/r.err" && fail "bad reload accepted"
grep -q "ms.conf:[0-9]*: prefix 198.18.3.0/33.*old configuration keeps running" "$T/r.err" ||
    fail "reload message: $(cat "$T/r.err")"
ctl ms "$SOCK" --json show site >"$T/s3.json"
jq -e '[.[] | select(.registered)] | length == 2' "$T/s3.json" >/dev/null || fail "registrations lost on bad reload"
write_conf "$T/ms.conf" 'site lisp3 {
	key 0 sha256 "x"
	eid-prefix 198.18.3.0/24
}'
ctl ms "$SOCK" --json reload | jq -e .reloaded >/dev/null || fail "good reload"
ctl ms "$SOCK" --json show site >"$T/s4.json"
jq -e '[.[] | select(.registered)] | length == 2' "$T/s4.json" >/dev/null || fail "registrations lost on reload"
jq -e '.[] | select(.site == "lisp3")' "$T/s4.json" >/dev/null || fail "new site missing"
# SIGHUP: the same through the signal
sed -i '/^site lisp3/,$d' "$T/ms.conf"
# the daemon itself (the pid file holds the shell that started it)
LPID=$(ip netns pids "$(ns ms)" | head -1)
kill -HUP "$LPID"
wait_until 5 "! ctl ms $SOCK --json show site | jq -e '.[] | select(.site == \"lisp3\")'" || fail "SIGHUP reload"
pass "reload: bad refused, good applied, SIGHUP"

# bad packets change nothing and crash nothing
in_ns itr python3 -c '
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(500):
    b = bytearray(os.urandom(4 + i % 300)); b[0] = (b[0] & 15) | ((i % 9) << 4)
    s.sendto(bytes(b), ("203.0.113.10", 4342))
'
ctl ms "$SOCK" --json show stats | jq -e '.rx_bad > 0' >/dev/null || fail "bad packets not counted"
ctl ms "$SOCK" --json show site >"$T/s5.json"
jq -e '[.[] | select(.registered)] | length == 2' "$T/s5.json" >/dev/null || fail "state changed by garbage"
pass "garbage counted, state unchanged"

# clear site: the site's registrations go at once, only on the full socket
in_ns ms "$LOCICTL" -s "$SOCK.ro" clear site lisp1 >/dev/null 2>&1 && fail "clear site on the read-only socket"
ctl ms "$SOCK" clear site lisp1 >"$T/clr.txt" || fail "clear site: $(cat "$T/clr.txt")"
grep -q "^cleared [1-9][0-9]* registrations\{0,1\} of site lisp1$" "$T/clr.txt" || fail "clear site output: $(cat "$T/clr.txt")"
ctl ms "$SOCK" --json show site >"$T/s6.json"
jq -e '[.[] | select(.registered and .site == "lisp1")] | length == 0' "$T/s6.json" >/dev/null ||
    fail "lisp1 still registered: $(cat "$T/s6.json")"
jq -e '[.[] | select(.registered)] | length == 1' "$T/s6.json" >/dev/null || fail "other site touched"
ctl ms "$SOCK" clear site nope >/dev/null 2>&1 && fail "clear site of an unknown site"
pass "clear site"

kill -TERM "$LPID"
wait_until 5 "! kill -0 $LPID" || fail "locid did not stop on SIGTERM"
[ -e "$SOCK" ] && fail "control socket left behind"
grep -q "locid stopped" "$T/ms.log" || fail "no clean stop"
pass "clean stop"
exit 0
