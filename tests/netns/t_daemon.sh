#!/bin/sh
# locid as a packaged daemon runs it: in the background (no -d).
#
#   [ d ] 127.0.0.1, lo only: one Map-Resolver, control socket and
#         pidfile in $NETNS_TMP/run
#
# Checks: a background start with UDP 4342 already bound, or with its TUN
# device refused, exits 1 with the reason on stderr and leaves no process,
# pidfile or socket; a normal one
# exits 0 once the daemon answers, its pid in the pidfile; a second
# instance (background or -d) on the same configuration is refused with
# exit 1 and a message, and the first still answers over its control
# socket; a reload (locictl and SIGHUP) after `-f relative.conf` reads the
# file again; stop removes the pidfile and the sockets.
cd "$(dirname "$0")/../.." || exit 1
. tests/netns/lib.sh
trap_cleanup
NS_PREFIX=${NS_PREFIX:-daemon-$$-}
RUN=$NETNS_TMP/run
SOCK=$RUN/locid.sock
PID=$RUN/locid.pid
mkdir -p "$RUN"
ns_add d

conf() {
	cat >"$NETNS_TMP/$1" <<CONF
role map-resolver
control "$SOCK"
listen 127.0.0.1
ms-route $2 via 127.0.0.2
CONF
}
conf d.conf 198.18.0.0/15
# started from $NETNS_TMP with a relative -f, as an operator would
# the daemon of the pidfile is killed by the EXIT trap, also on a failure
track() { [ -s "$PID" ] && _pids="$_pids $(cat "$PID")"; }
bg() { (cd "$NETNS_TMP" && in_ns d "$LOCID" -f "$@"); _rc=$?; track; return $_rc; }

# 1. 4342 taken: exit 1, the reason on stderr, nothing left behind
# a simple command, so $! is the holder itself
ip netns exec "$(ns d)" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 4342))
open(sys.argv[1], "w").close()
time.sleep(30)' "$NETNS_TMP/bound" &
holder=$!
_pids="$_pids $holder"
wait_until 5 "[ -e $NETNS_TMP/bound ]" || fail "could not bind 4342 for the test"
bg d.conf >"$NETNS_TMP/out1" 2>"$NETNS_TMP/err1"
rc=$?
[ "$rc" -eq 1 ] || fail "start with 4342 bound: exit $rc, want 1"
grep -q 'start-up failed: bind 127.0.0.1:4342: Address already in use' "$NETNS_TMP/err1" ||
    fail "start with 4342 bound: stderr '$(cat "$NETNS_TMP/err1")'"
[ ! -e "$PID" ] && [ ! -e "$SOCK" ] || fail "failed start left $(ls "$RUN")"
wait_until 5 "! pgrep -f '$LOCID -f d.conf'" || fail "a locid process is left"
kill "$holder"; wait "$holder" 2>/dev/null
pass "background start with 4342 bound: exit 1, reason on stderr, nothing left"

# 1b. the TUN device refused (its name is taken by a TAP device)
cat >"$NETNS_TMP/x.conf" <<CONF
role itr
role etr
control "$SOCK"
database-mapping 198.18.1.0/24 {
	rloc 203.0.113.1 priority 1 weight 100
}
map-server 203.0.113.2 key 0 sha256 "k"
map-resolver 203.0.113.2
tun lisp0 mtu 1400
CONF
in_ns d ip tuntap add lisp0 mode tap || fail "tap lisp0"
bg x.conf 2>"$NETNS_TMP/err1b"
rc=$?
[ "$rc" -eq 1 ] || fail "start with the TUN refused: exit $rc, want 1"
grep -q 'start-up failed: xtr: tun lisp0: Invalid argument' "$NETNS_TMP/err1b" ||
    fail "start with the TUN refused: stderr '$(cat "$NETNS_TMP/err1b")'"
[ ! -e "$PID" ] && [ ! -e "$SOCK" ] || fail "failed start left $(ls "$RUN")"
in_ns d ip tuntap del lisp0 mode tap
pass "background start with the TUN refused: exit 1, reason on stderr"

# 2. normal start: exit 0 only once it answers
bg d.conf 2>"$NETNS_TMP/err2" || fail "background start: exit $? ($(cat "$NETNS_TMP/err2"))"
[ -s "$PID" ] || fail "no pidfile $PID"
p=$(cat "$PID")
kill -0 "$p" || fail "pid $p of the pidfile is not running"
# no wait: the parent returned after start-up
ctl d "$SOCK" --json show version >"$NETNS_TMP/v" || fail "no answer over $SOCK"
jq -e --arg v "$(cat VERSION)" '.version == $v and .roles == ["map-resolver"]' \
    "$NETNS_TMP/v" >/dev/null || fail "show version: $(cat "$NETNS_TMP/v")"
sh tests/schema/match.sh tests/schema/show-version.schema "$NETNS_TMP/v" ||
    fail "show version against its schema"
[ ! -s "$NETNS_TMP/err2" ] || fail "stderr of a good start: $(cat "$NETNS_TMP/err2")"
pass "background start: exit 0, pidfile $p, show version answers"

# 3. a second instance is refused, background or foreground
for mode in bg fg; do
	if [ $mode = bg ]; then
		bg d.conf 2>"$NETNS_TMP/err3"; rc=$?
	else
		(cd "$NETNS_TMP" && timeout 10 ip netns exec "$(ns d)" "$LOCID" -d -f d.conf \
		    2>"$NETNS_TMP/err3" </dev/null); rc=$?
	fi
	[ "$rc" -eq 1 ] || fail "second instance ($mode): exit $rc, want 1"
	grep -q "another locid pid $p is running with pidfile $PID" "$NETNS_TMP/err3" ||
	    fail "second instance ($mode): stderr '$(cat "$NETNS_TMP/err3")'"
	[ -S "$SOCK" ] && [ "$(cat "$PID")" = "$p" ] ||
	    fail "second instance ($mode) touched the socket or the pidfile"
	ctl d "$SOCK" show version >/dev/null || fail "first instance lost its socket ($mode)"
done
[ "$(in_ns d ss -lun | grep -c '127.0.0.1:4342 ')" -eq 1 ] || fail "more than one socket on 4342"
pass "a second instance is refused, the first keeps its socket and pidfile"

# 4. reload after a relative -f (the daemon's cwd is / now)
[ "$(readlink /proc/$p/cwd)" = / ] || fail "daemon cwd $(readlink /proc/$p/cwd)"
conf d.conf 192.0.2.0/24
ctl d "$SOCK" reload >"$NETNS_TMP/r" 2>&1 || fail "reload: $(cat "$NETNS_TMP/r")"
grep -q "reloaded $NETNS_TMP/d.conf" "$NETNS_TMP/r" || fail "reload reply: $(cat "$NETNS_TMP/r")"
# SIGHUP too: a broken file is refused, so the old one stays in force
echo 'bogus-setting 1' >>"$NETNS_TMP/d.conf"
kill -HUP "$p"
sleep 0.3
ctl d "$SOCK" reload >"$NETNS_TMP/r" 2>&1 && fail "reload of a broken file accepted"
grep -q "$NETNS_TMP/d.conf:5" "$NETNS_TMP/r" || fail "broken reload reply: $(cat "$NETNS_TMP/r")"
kill -0 "$p" || fail "daemon died on SIGHUP"
pass "reload after -f relative.conf reads the absolute path"

# 5. stop: pidfile and sockets removed
kill "$p"
wait_until 5 "! kill -0 $p" || fail "daemon did not stop"
[ ! -e "$PID" ] && [ ! -e "$SOCK" ] && [ ! -e "$SOCK.ro" ] || fail "stop left $(ls "$RUN")"
pass "stop removes the pidfile and the control sockets"
