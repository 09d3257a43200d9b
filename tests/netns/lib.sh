# shared helpers of the network-namespace tests (sourced, POSIX sh).
# a test sets its namespaces with ns_add / topo_*, starts daemons with
# locid_start, and everything is removed by the EXIT trap.

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
LOCID=${LOCID:-$BUILD/bin/locid}
LOCICTL=${LOCICTL:-$BUILD/bin/locictl}
NS_PREFIX=${NS_PREFIX:-}
# the xTR data plane the scenarios run on (locid.conf(5) dataplane):
# tun by default, DATAPLANE=ebpf for the second run of the data-plane
# scenarios (scripts/run-netns.sh); locid_start adds it to each config
DATAPLANE=${DATAPLANE:-tun}
NETNS_TMP=${NETNS_TMP:-$(mktemp -d /tmp/locid-netns.XXXXXX)}
mkdir -p "$NETNS_TMP"
_ns_list=""
_pids=""

log() { printf '%s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
pass() { log "ok: $*"; }

ns() { printf '%s%s' "$NS_PREFIX" "$1"; }

# jq 1.6 with -e exits 0 on empty input, so `ctl ... | jq -e '...'` would
# pass when the daemon did not answer at all: with -e and input from a
# pipe (no file named last), no input at all fails (status 4)
jq() {
	case " $* " in
	*" -e "*|*" -"[a-z]*e[a-z]*" "*) ;;
	*) command jq "$@"; return ;;
	esac
	for _jl in "$@"; do :; done
	if [ -f "$_jl" ]; then
		command jq "$@"
		return
	fi
	_jin=$(cat)
	[ -n "$_jin" ] || return 4
	printf '%s\n' "$_jin" | command jq "$@"
}
in_ns() { _n=$(ns "$1"); shift; ip netns exec "$_n" "$@"; }

ns_add() {
	ip netns del "$(ns "$1")" 2>/dev/null
	ip netns add "$(ns "$1")" || fail "netns add $1"
	_ns_list="$_ns_list $1"
	in_ns "$1" ip link set lo up
	in_ns "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	# no duplicate address detection on the lab's links: while a veth's
	# link-local address is tentative (1-2 s after it comes up) the
	# kernel cannot solicit a neighbour for a packet it forwards, so
	# the first forwarded IPv6 packet waits a retransmission (1 s) or is
	# lost. Set before any interface exists here: new ones inherit it.
	in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# link A IFA ADDR/LEN B IFB ADDR/LEN
link_add() {
	ip link add "$2" netns "$(ns "$1")" type veth peer name "$5" netns "$(ns "$4")" ||
	    fail "veth $1:$2 - $4:$5"
	in_ns "$1" ip addr add "$3" dev "$2"
	in_ns "$4" ip addr add "$6" dev "$5"
	in_ns "$1" ip link set "$2" up
	in_ns "$4" ip link set "$5" up
	ll_wait "$1" "$2" && ll_wait "$4" "$5" || fail "link-local address on $1:$2 - $4:$5"
}

# ll_wait NS IF: the interface has a usable (not tentative) IPv6
# link-local address, which neighbour discovery of forwarded packets needs
ll_wait() {
	wait_until 5 "in_ns $1 ip -6 addr show dev $2 scope link -tentative | grep -q inet6"
}

router() { in_ns "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1; }

# wait_until SECONDS 'shell condition'
wait_until() {
	_t=$1; shift
	_end=$(( $(date +%s) + _t ))
	while ! eval "$*" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# locid_start NS CONF [extra args]: runs in the foreground (-d), log in
# $NETNS_TMP/NS.log, pid in $NETNS_TMP/NS.pid
locid_start() {
	_n=$1; _c=$2; shift 2
	grep -q '^dataplane' "$_c" 2>/dev/null || echo "dataplane $DATAPLANE" >>"$_c"
	# a simple command, so $! is the daemon itself (ip netns exec execs it)
	ip netns exec "$(ns "$_n")" "$LOCID" -d -f "$_c" "$@" \
	    >>"$NETNS_TMP/$_n.log" 2>&1 </dev/null &
	echo $! >"$NETNS_TMP/$_n.pid"
	_pids="$_pids $!"
}

locid_stop() {
	[ -f "$NETNS_TMP/$1.pid" ] || return 0
	_p=$(cat "$NETNS_TMP/$1.pid")
	kill "$_p" 2>/dev/null
	wait_until 5 "! kill -0 $_p" || kill -9 "$_p" 2>/dev/null
	rm -f "$NETNS_TMP/$1.pid"
}

# ctl NS SOCKET args...: locictl in a namespace
ctl() { _n=$1; _s=$2; shift 2; in_ns "$_n" "$LOCICTL" -s "$_s" "$@"; }

# fastpath_check SRC DST ITR ITR-SOCKET ETR ETR-SOCKET [ping options]:
# with DATAPLANE=ebpf, an established flow from SRC to DST crosses in the
# BPF programs alone: 5 pings counted by the ITR's and the ETR's BPF
# encapsulation and decapsulation (both ways), the TUN path's counters
# (the totals less the BPF ones) unchanged. nothing to do with tun.
fastpath_check() {
	[ "$DATAPLANE" = ebpf ] || return 0
	_fs=$1; _fd=$2; _fi=$3; _fis=$4; _fe=$5; _fes=$6; shift 6
	in_ns "$_fs" ping -c1 -W2 "$@" "$_fd" >/dev/null || fail "fastpath: first ping to $_fd"
	_fq='.xtr | [.dataplane, .ebpf.encap_packets, .encap_packets - .ebpf.encap_packets,
	    .ebpf.decap_packets, .decap_packets - .ebpf.decap_packets] | @tsv'
	_fa=$(ctl "$_fi" "$_fis" --json show stats | jq -r "$_fq")
	_fb=$(ctl "$_fe" "$_fes" --json show stats | jq -r "$_fq")
	in_ns "$_fs" ping -c5 -i0.2 -W2 "$@" "$_fd" >/dev/null || fail "fastpath: pings to $_fd"
	_fa2=$(ctl "$_fi" "$_fis" --json show stats | jq -r "$_fq")
	_fb2=$(ctl "$_fe" "$_fes" --json show stats | jq -r "$_fq")
	echo "$_fa
$_fa2
$_fb
$_fb2" | awk -F'\t' '
	    $1 != "ebpf" { print "data plane " $1 " at node " NR; bad = 1 }
	    { e[NR] = $2; te[NR] = $3; d[NR] = $4; td[NR] = $5 }
	    END {
		if (bad) exit 1
		if (e[2] - e[1] < 5 || d[2] - d[1] < 5 || e[4] - e[3] < 5 || d[4] - d[3] < 5) {
			print "BPF counters: ITR encap " e[2] - e[1] " decap " d[2] - d[1] \
			    ", ETR encap " e[4] - e[3] " decap " d[4] - d[3]; exit 1 }
		if (te[2] != te[1] || td[2] != td[1] || te[4] != te[3] || td[4] != td[3]) {
			print "TUN counters moved: ITR encap " te[2] - te[1] " decap " td[2] - td[1] \
			    ", ETR encap " te[4] - te[3] " decap " td[4] - td[3]; exit 1 }
	    }' >"$NETNS_TMP/fastpath.err" || fail "fastpath $_fs -> $_fd: $(cat "$NETNS_TMP/fastpath.err")"
	pass "ebpf: $_fs -> $_fd encapsulated and decapsulated in the BPF programs, TUN counters unchanged"
}

cleanup() {
	for _p in $_pids; do kill "$_p" 2>/dev/null; done
	sleep 0.2
	for _p in $_pids; do kill -9 "$_p" 2>/dev/null; done
	for _n in $_ns_list; do ip netns del "$(ns "$_n")" 2>/dev/null; done
	[ -n "$KEEP_TMP" ] || rm -rf "$NETNS_TMP"
}

trap_cleanup() { trap cleanup EXIT; trap 'exit 1' INT TERM; }

#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5 .2.1    .2.10
#                        |
#                     nonlisp 198.51.100.1 (mapserver .254)
# EIDs: 198.18.1.0/24 (lisp1 site), 198.18.2.0/24 (lisp2 site)
topo_seed_lab() {
	for n in hostA lisp1 mapserver lisp2 hostB nonlisp; do ns_add $n; done
	link_add hostA eth0 198.18.1.10/24 lisp1 eth1 198.18.1.1/24
	link_add lisp1 eth0 203.0.113.1/30 mapserver eth1 203.0.113.2/30
	link_add lisp2 eth0 203.0.113.5/30 mapserver eth2 203.0.113.6/30
	link_add hostB eth0 198.18.2.10/24 lisp2 eth1 198.18.2.1/24
	link_add nonlisp eth0 198.51.100.1/24 mapserver eth3 198.51.100.254/24
	in_ns hostA ip route add default via 198.18.1.1
	in_ns hostB ip route add default via 198.18.2.1
	in_ns lisp1 ip route add default via 203.0.113.2
	in_ns lisp2 ip route add default via 203.0.113.6
	in_ns nonlisp ip route add default via 198.51.100.254
	router lisp1; router lisp2; router mapserver
}

# the seed lab's configurations from examples/seed-lab in $NETNS_TMP, their
# control sockets there too
seed_lab_confs() {
	for _sn in lisp1 lisp2 mapserver; do
		sed "s|/run/locid-$_sn.sock|$NETNS_TMP/$_sn.sock|" examples/seed-lab/$_sn.conf \
		    >"$NETNS_TMP/$_sn.conf"
	done
}

# start the seed lab's daemons from $NETNS_TMP/{mapserver,lisp1,lisp2}.conf
# and wait until both sites are registered
seed_lab_start() {
	locid_start mapserver "$NETNS_TMP/mapserver.conf"
	wait_until 5 "[ -S $NETNS_TMP/mapserver.sock ]" || fail "mapserver did not start"
	locid_start lisp1 "$NETNS_TMP/lisp1.conf"
	locid_start lisp2 "$NETNS_TMP/lisp2.conf"
	wait_until 10 "ctl mapserver $NETNS_TMP/mapserver.sock --json show site |
	    jq -e '[.[] | select(.registered)] | length == 2'" || fail "both sites registered"
}

# packet captures. cap_start NAME NS IF [FILTER]: tcpdump on IF in NS
# into $NETNS_TMP/NAME.pcap, started before it returns. tcpdump runs as a
# simple command in the background (ip netns exec execs it), so $! is
# tcpdump itself, not a subshell: a shell function there would leave $!
# naming the subshell and cap_stop would kill the wrong process.
cap_start() {
	_cn=$1; _cs=$2; _ci=$3
	_cf=${4:-udp or icmp or icmp6}
	rm -f "$NETNS_TMP/$_cn.pcap" "$NETNS_TMP/$_cn.err"
	ip netns exec "$(ns "$_cs")" tcpdump -Z root --immediate-mode -U -n -i "$_ci" \
	    -w "$NETNS_TMP/$_cn.pcap" "$_cf" >/dev/null 2>"$NETNS_TMP/$_cn.err" </dev/null &
	echo $! >"$NETNS_TMP/$_cn.cpid"
	_pids="$_pids $!"
	wait_until 5 "grep -q 'listening on' $NETNS_TMP/$_cn.err" ||
	    fail "tcpdump $_cn: $(cat "$NETNS_TMP/$_cn.err")"
}

# cap_stop NAME: let the last packets reach the file (it stops growing
# for 0.1 s, at least 0.3 s and at most 1 s: steady traffic such as a flow
# or probes keeps it growing), then stop tcpdump and wait until it has
# exited and closed the file
cap_stop() {
	_cp=$(cat "$NETNS_TMP/$1.cpid")
	_cz=-1; _cw=0
	while [ "$_cw" -lt 10 ]; do
		sleep 0.1
		_cy=$(stat -c %s "$NETNS_TMP/$1.pcap" 2>/dev/null || echo 0)
		[ "$_cy" = "$_cz" ] && [ "$_cw" -ge 3 ] && break
		_cz=$_cy; _cw=$((_cw + 1))
	done
	kill "$_cp" 2>/dev/null
	wait "$_cp" 2>/dev/null	# a child of this shell: returns once it has exited
	_pids=$(echo " $_pids " | sed "s/ $_cp / /")
	rm -f "$NETNS_TMP/$1.cpid"
}

# tsh NAME FILTER FIELDS...: the fields of the packets of NAME.pcap that
# match the display filter, one packet a line, fields separated by |
tsh() {
	_f=$1; _y=$2; shift 2
	_e=""
	for _x in "$@"; do _e="$_e -e $_x"; done
	tshark -r "$NETNS_TMP/$_f.pcap" -Y "$_y" -T fields -E separator='|' $_e 2>/dev/null
}

# json_get FILE JQ-FILTER
json_get() { jq -r "$2" <"$1"; }

# link6 NS IF ADDR/LEN: an IPv6 address without duplicate address detection
link6() { in_ns "$1" ip -6 addr add "$3" dev "$2" nodad; }

# the seed lab grown for issue 5 (examples/pxtr-lab/): dual stack, the
# PxTR on mapserver, a second uplink of lisp2; the underlay routes the EID
# aggregates to the PxTR.
#                               pxtr 203.0.113.9 / 2001:db8:ff:9::1
#                                 | (mapserver .10 / ::2)
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#                  ff:1::/64  |    ff:2::/64 (.5/.6)
#                             |    ====== 203.0.113.13/.14, ff:3::/64
#                          nonlisp 198.51.100.1, 2001:db8:ff:100::1
#  EIDs 198.18.1.0/24 + 2001:db8:1::/48 (lisp1), 198.18.2.0/24 + 2001:db8:2::/48 (lisp2)
topo_pxtr_lab() {
	topo_seed_lab
	ns_add pxtr
	link_add pxtr eth0 203.0.113.9/30 mapserver eth5 203.0.113.10/30
	link_add lisp2 eth2 203.0.113.13/30 mapserver eth4 203.0.113.14/30
	link6 hostA eth0 2001:db8:1::10/64; link6 lisp1 eth1 2001:db8:1::1/64
	link6 hostB eth0 2001:db8:2::10/64; link6 lisp2 eth1 2001:db8:2::1/64
	link6 lisp1 eth0 2001:db8:ff:1::1/64; link6 mapserver eth1 2001:db8:ff:1::2/64
	link6 lisp2 eth0 2001:db8:ff:2::1/64; link6 mapserver eth2 2001:db8:ff:2::2/64
	link6 lisp2 eth2 2001:db8:ff:3::1/64; link6 mapserver eth4 2001:db8:ff:3::2/64
	link6 pxtr eth0 2001:db8:ff:9::1/64; link6 mapserver eth5 2001:db8:ff:9::2/64
	link6 nonlisp eth0 2001:db8:ff:100::1/64; link6 mapserver eth3 2001:db8:ff:100::254/64
	in_ns hostA ip -6 route add default via 2001:db8:1::1
	in_ns hostB ip -6 route add default via 2001:db8:2::1
	in_ns lisp1 ip -6 route add default via 2001:db8:ff:1::2
	in_ns lisp2 ip -6 route add default via 2001:db8:ff:2::2
	in_ns pxtr ip route add default via 203.0.113.10
	in_ns pxtr ip -6 route add default via 2001:db8:ff:9::2
	in_ns nonlisp ip -6 route add default via 2001:db8:ff:100::254
	in_ns mapserver ip route add 198.18.0.0/15 via 203.0.113.9
	in_ns mapserver ip -6 route add 2001:db8:1::/48 via 2001:db8:ff:9::1
	in_ns mapserver ip -6 route add 2001:db8:2::/48 via 2001:db8:ff:9::1
	router pxtr
}
