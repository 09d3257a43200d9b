#!/bin/sh
# the in-kernel fast path (dataplane auto | ebpf | tun) on the seed lab.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5 .2.1    .2.10
#                        |       .14/.13 == 203.0.113.13 (lisp2's second RLOC)
#                        |  (MS/MR, underlay router; sends the replay)
#  EID-prefixes: 198.18.1.0/24 at lisp1, 198.18.2.0/24 at lisp2 (two
#  locators of priority 1, weights 30 and 70)
#
# 1. dataplane tun: no BPF program attached, show stats says tun.
# 2. a replay on 4341 of both xTRs from the mapserver (UDP checksum 0, as
#    ITRs send data): the hostile corpus of t_asan_lab (tests/netns/
#    hostile.py) and 400 data packets built to be decapsulated, with
#    header variants (instance-ids, TTL 1, martian and foreign inner
#    addresses, nested LISP, key-id and GPE bits, trailing octets) and
#    random mutations, first on the TUN path, then on the eBPF path: the
#    same inner packets reach hostA and hostB (nothing mis-forwarded),
#    and the BPF counters show the programs saw the replay. 64 UDP flows
#    hostA -> hostB are split over lisp2's two locators by weight; each
#    flow takes the same locator and outer source port on both paths.
# 3. dataplane auto: the programs pass the verifier and load, tc ingress
#    of eth0 and eth1 (not lo, not lisp0), show stats says ebpf and why;
#    the ITR's outer route comes from the main table under the xTR's own
#    policy rules and through the rules once a foreign rule could change
#    it (an unreachable route for the RLOC's packets: passed, not sent);
#    stopping locid removes the filters and the clsact qdisc it made.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-eb_}
. tests/netns/lib.sh
trap_cleanup

topo_seed_lab
link_add lisp2 eth2 203.0.113.13/30 mapserver eth4 203.0.113.14/30
for n in lisp1 lisp2 mapserver; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
sed -i 's/^\trloc 203.0.113.5 priority 1 weight 100$/\trloc 203.0.113.5 priority 1 weight 30\n\trloc 203.0.113.13 priority 1 weight 70/' \
    "$NETNS_TMP/lisp2.conf"
grep -q 'rloc 203.0.113.13 priority 1 weight 70' "$NETNS_TMP/lisp2.conf" || fail "conf edit"
S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"

# the data packets: valid ones and variants, then mutations (seed 4341)
cat >"$NETNS_TMP/data.py" <<'PY'
import random, socket, struct, sys, time
rnd = random.Random(4341)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 11, 1)		# SO_NO_CHECK: UDP checksum 0
def ip4(a): return bytes(int(x) for x in a.split("."))
def csum(b):
    t = sum(b[i] << 8 | b[i + 1] for i in range(0, len(b), 2))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
def ipv4(src, dst, proto, payload, ttl=64, tos=0):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), rnd.getrandbits(16),
                              0, ttl, proto, 0, ip4(src), ip4(dst)))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload
def echo(seq):
    b = bytearray(struct.pack("!BBHHH", 8, 0, 0, 0x4c15, seq) + bytes(rnd.getrandbits(8) for _ in range(24)))
    b[2:4] = struct.pack("!H", csum(bytes(b)))
    return bytes(b)
def lisp(flags=0, iid=None):
    if iid is not None:
        return struct.pack("!BBBBI", flags | 0x08, 0, 0, 0, iid << 8)
    return struct.pack("!BBBBI", flags, 0, 0, 0, 0)
pk = []
for seq, (a, b, dst) in enumerate([("198.18.1.10", "198.18.2.10", "203.0.113.5"),
                                   ("198.18.2.10", "198.18.1.10", "203.0.113.1")]):
    pk += [(dst, lisp() + ipv4(a, b, 1, echo(seq)))]				# delivered
    pk += [(dst, lisp(iid=0) + ipv4(a, b, 1, echo(seq + 10)))]		# I bit, IID 0
    pk += [(dst, lisp(iid=7) + ipv4(a, b, 1, echo(seq + 20)))]		# another instance
    pk += [(dst, lisp(0x80) + ipv4(a, b, 1, echo(seq + 30), tos=0xb8))]	# N bit, DSCP
    pk += [(dst, lisp() + ipv4(a, b, 1, echo(seq + 40), ttl=1))]		# TTL 1
    pk += [(dst, lisp() + ipv4(a, b, 1, echo(seq + 50), ttl=2))]		# TTL 2
    pk += [(dst, lisp() + ipv4("127.0.0.1", b, 1, echo(seq + 60)))]	# martian source
    pk += [(dst, lisp() + ipv4("224.0.0.5", b, 1, echo(seq + 70)))]
    pk += [(dst, lisp() + ipv4(a, "198.51.100.1", 1, echo(seq + 80)))]	# not our EID
    pk += [(dst, lisp(0x01) + ipv4(a, b, 1, echo(seq + 90)))]		# key-id
    pk += [(dst, lisp(0x04) + ipv4(a, b, 1, echo(seq + 100)))]		# GPE
    pk += [(dst, lisp() + ipv4(a, b, 1, echo(seq + 110)) + bytes(7))]	# trailing octets
    pk += [(dst, lisp() + ipv4(a, dst, 17, struct.pack("!HHHH", 4341, 4341, 24, 0) + lisp()
                                + bytes(8)))]					# LISP in LISP to us
good = [p for p in pk]
for i in range(400):					# mutations, half with a fixed checksum
    dst, m = rnd.choice(good)
    m = bytearray(m)
    for _ in range(rnd.randrange(1, 4)):
        m[rnd.randrange(len(m))] = rnd.getrandbits(8)
    if rnd.random() < 0.5 and len(m) >= 28 and m[8] >> 4 == 4:
        m[18:20] = b"\0\0"
        m[18:20] = struct.pack("!H", csum(bytes(m[8:28])))
    pk.append((dst, bytes(m)))
for i, (dst, m) in enumerate(pk):
    s.sendto(m, (dst, 4341))
    if i % 16 == 15:		# paced: no loss in the queues of the lab's veths
        time.sleep(0.002)
print(len(pk))
PY

# inner packets delivered to hostA and hostB: everything but what they
# sent themselves, IP identification and header checksum left out (the
# hosts' own replies pick theirs)
delivered() {	# PCAP -> one line per packet
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, out = 24, []
while off + 16 <= len(d):
    incl = struct.unpack("<I", d[off + 8:off + 12])[0]
    p = d[off + 16:off + 16 + incl]
    off += 16 + incl
    ip = p[14:]
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        out.append((ip[:4] + ip[6:10] + ip[12:]).hex())
    elif len(ip) >= 40 and ip[0] >> 4 == 6:
        out.append(ip.hex())
for l in sorted(out):
    print(l)
PY
}

replay() {	# NAME: the replay with captures at both hosts
	in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null || fail "$1: hostA -> hostB"
	in_ns hostB ping -c1 -W2 198.18.1.10 >/dev/null || fail "$1: hostB -> hostA"
	# an established flow's outer headers, as lisp1 sends them (DSCP EF,
	# TTL 9 from hostA): source port from the flow hash, TTL and DSCP
	# from the inner packet after lisp1's hop, UDP checksum 0, no flags
	cap_start "$1-u" lisp1 eth0 'udp dst port 4341'
	in_ns hostA ping -c2 -i0.2 -W2 -Q 0xb8 -t 9 198.18.2.10 >/dev/null || fail "$1: DSCP ping"
	cap_stop "$1-u"
	tsh "$1-u" 'icmp.type == 8' ip.src ip.dst ip.dsfield ip.ttl ip.flags.df udp.srcport udp.dstport \
	    udp.checksum lisp-data.flags ip.len | sort -u >"$NETNS_TMP/$1.outer"
	[ "$(wc -l <"$NETNS_TMP/$1.outer")" -eq 1 ] || fail "$1: outer headers: $(cat "$NETNS_TMP/$1.outer")"
	# 64 UDP flows (source ports 40000-40063): locator and outer port each
	cap_start "$1-f" lisp1 eth0 'udp dst port 4341'
	in_ns hostA python3 -c '
import socket, time
for p in range(40000, 40064):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("198.18.1.10", p))
    for i in range(3):
        s.sendto(b"flow", ("198.18.2.10", 9))
    s.close()
    time.sleep(0.002)' || fail "$1: flows"
	cap_stop "$1-f"
	tsh "$1-f" 'udp.dstport == 9 && !icmp' ip.dst udp.srcport | sort -u >"$NETNS_TMP/$1.flows"
	[ "$(wc -l <"$NETNS_TMP/$1.flows")" -eq 64 ] ||
	    fail "$1: 64 flows, each on one locator ($(wc -l <"$NETNS_TMP/$1.flows") lines)"
	# the hosts stay silent: their answers would be more traffic whose
	# timing, not the path, decides what is captured
	in_ns hostA sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	in_ns hostB sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	cap_start "$1-a" hostA eth0 'ip and not src host 198.18.1.10'
	cap_start "$1-b" hostB eth0 'ip and not src host 198.18.2.10'
	in_ns mapserver python3 tests/netns/hostile.py --no-check 203.0.113.1:4341 \
	    203.0.113.5:4341 || fail "$1: hostile replay"
	n=$(in_ns mapserver python3 "$NETNS_TMP/data.py") || fail "$1: data replay"
	cap_stop "$1-a"
	cap_stop "$1-b"
	in_ns hostA sysctl -qw net.ipv4.icmp_echo_ignore_all=0
	in_ns hostB sysctl -qw net.ipv4.icmp_echo_ignore_all=0
	{ delivered "$NETNS_TMP/$1-a.pcap"; delivered "$NETNS_TMP/$1-b.pcap"; } >"$NETNS_TMP/$1.out"
}

# 1. the TUN path
for n in lisp1 lisp2; do echo "dataplane tun" >>"$NETNS_TMP/$n.conf"; done
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered"
ctl lisp1 "$S1" --json show stats | jq -e '.xtr.dataplane == "tun" and .xtr.dataplane_reason == "tun: configured" and
    (.xtr | has("ebpf") | not)' >/dev/null || fail "show stats: tun ($(ctl lisp1 "$S1" --json show stats | jq -c '.xtr | {dataplane, dataplane_reason}'))"
[ -z "$(in_ns lisp1 tc filter show dev eth0 ingress)" ] || fail "a tc filter with dataplane tun"
pass "dataplane tun: no BPF program, show stats says tun (configured)"
replay tun
[ "$(wc -l <"$NETNS_TMP/tun.out")" -ge 10 ] ||
    fail "the TUN path delivered only $(wc -l <"$NETNS_TMP/tun.out") replayed packets"
locid_stop lisp1
locid_stop lisp2

# 2. the eBPF path (auto)
for n in lisp1 lisp2; do sed -i 's/^dataplane tun$/dataplane auto/' "$NETNS_TMP/$n.conf"; done
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
for n in lisp1 lisp2; do
	wait_until 10 "ctl $n $NETNS_TMP/$n.sock --json show stats | jq -e '.xtr.dataplane == \"ebpf\"'" ||
	    fail "$n did not start on ebpf: $(tail -3 "$NETNS_TMP/$n.log")"
done
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered again"
ctl lisp1 "$S1" --json show stats >"$NETNS_TMP/st1.json"
jq -e '.xtr.dataplane == "ebpf" and (.xtr.dataplane_reason | startswith("ebpf:")) and
    (.xtr.dataplane_reason | endswith("(auto)")) and (.xtr.ebpf.interfaces | sort == ["eth0", "eth1"])' \
    "$NETNS_TMP/st1.json" >/dev/null || fail "show stats: ebpf ($(jq -c '.xtr | {dataplane, dataplane_reason, i: .ebpf.interfaces}' "$NETNS_TMP/st1.json"))"
for i in eth0 eth1; do
	in_ns lisp1 tc filter show dev $i ingress | grep -q 'lisp_ingress.*direct-action' ||
	    fail "no BPF filter at tc ingress of lisp1 $i"
done
grep -q 'data plane ebpf' "$NETNS_TMP/lisp1.log" || fail "the log says which data plane"
ctl lisp1 "$S1" show stats | grep -Eq '^ +dataplane +ebpf$' || fail "locictl show stats (text) names the data plane"
ctl lisp1 "$S1" --openmetrics show stats | grep -q '^locid_xtr_ebpf.*{counter="decap_packets"} ' ||
    fail "ebpf counters in OpenMetrics"
pass "dataplane auto: programs verified and loaded at tc ingress of eth0 and eth1; show stats and the log say ebpf"
replay ebpf
ctl lisp2 "$S2" --json show stats >"$NETNS_TMP/st2.json"
jq -e '.xtr.ebpf | .decap_packets > 0 and .decap_pass_header > 0 and .decap_pass_not_our_eid > 0 and
    .decap_pass_ttl > 0 and .decap_pass_nested > 0' "$NETNS_TMP/st2.json" >/dev/null ||
    fail "BPF counters of the replay at lisp2: $(jq -c .xtr.ebpf "$NETNS_TMP/st2.json")"
n5=$(grep -c '^203.0.113.5,' "$NETNS_TMP/ebpf.flows"); n13=$(grep -c '^203.0.113.13,' "$NETNS_TMP/ebpf.flows")
[ "$n5" -ge 6 ] && [ "$n13" -ge 30 ] || fail "64 flows over weights 30/70: $n5 and $n13"
cmp -s "$NETNS_TMP/tun.flows" "$NETNS_TMP/ebpf.flows" || {
	diff "$NETNS_TMP/tun.flows" "$NETNS_TMP/ebpf.flows" | head >&2
	fail "flows took other locators or ports on the eBPF path"
}
pass "64 UDP flows: $n5 on 203.0.113.5 (weight 30), $n13 on 203.0.113.13 (weight 70), each on the same locator and outer port on both paths"
cmp -s "$NETNS_TMP/tun.outer" "$NETNS_TMP/ebpf.outer" ||
    fail "outer headers: TUN path $(cat "$NETNS_TMP/tun.outer"), eBPF path $(cat "$NETNS_TMP/ebpf.outer")"
pass "the same outer headers as the TUN path: $(cat "$NETNS_TMP/ebpf.outer") (src|dst|dsfield|ttl|df|sport|dport|udp csum|lisp flags|len)"
if ! cmp -s "$NETNS_TMP/tun.out" "$NETNS_TMP/ebpf.out"; then
	diff "$NETNS_TMP/tun.out" "$NETNS_TMP/ebpf.out" | head -20 >&2
	fail "the eBPF path delivered other packets than the TUN path"
fi
pass "replay on 4341 ($(wc -l <"$NETNS_TMP/ebpf.out") inner packets delivered): the same on both paths; BPF decapsulated $(jq .xtr.ebpf.decap_packets "$NETNS_TMP/st2.json"), passed the rest by reason"

# a TCP transfer: GSO packets stay GSO through the encapsulation (the
# programs' packets average far above the MTU) and nothing takes the TUN
in_ns hostB iperf3 -s -1 -D -B 198.18.2.10 --pidfile "$NETNS_TMP/iperf3.pid" >/dev/null 2>&1
wait_until 5 "[ -s $NETNS_TMP/iperf3.pid ]" || fail "iperf3 server"
_pids="$_pids $(cat "$NETNS_TMP/iperf3.pid")"
q='.xtr | [.ebpf.encap_packets, .ebpf.encap_bytes, .encap_packets - .ebpf.encap_packets] | @tsv'
a=$(ctl lisp1 "$S1" --json show stats | jq -r "$q")
in_ns hostA timeout 20 iperf3 -c 198.18.2.10 -n 200M -J >"$NETNS_TMP/iperf.json" 2>&1 ||
    fail "TCP transfer of 200 MB: $(jq -r '.error // empty' "$NETNS_TMP/iperf.json")"
b=$(ctl lisp1 "$S1" --json show stats | jq -r "$q")
gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100' "$NETNS_TMP/iperf.json")
printf '%s\n%s\n' "$a" "$b" | awk -F'\t' '{ p[NR] = $1; o[NR] = $2; t[NR] = $3 }
    END { n = p[2] - p[1]; exit !(o[2] - o[1] >= 200000000 && n > 0 && (o[2] - o[1]) / n > 3000 &&
    t[2] - t[1] <= 2) }' || fail "TCP through the BPF program (pkts, bytes, TUN pkts): $a -> $b"
pass "200 MB over TCP at $gbps Gbit/s, encapsulated by the BPF program as GSO packets"
# the programs' per-set counters reach the map-cache entry and its
# locators (read once a second in batches of slots)
wait_until 4 "ctl lisp1 $S1 --json show map-cache | jq -e '.[] | select(.eid_prefix == \"198.18.2.0/24\") |
    .bytes >= 200000000 and ([.locators[].encap_bytes] | add) >= 200000000' >/dev/null" ||
    fail "the map-cache entry did not count the BPF program's packets: $(ctl lisp1 "$S1" --json show map-cache |
    jq -c '.[] | select(.eid_prefix == "198.18.2.0/24") | [.packets, .bytes, [.locators[].encap_bytes]]')"
pass "the BPF program's packets counted in the map-cache entry and its locators"

# the ITR's outer route: from the main table alone while the policy rules
# are the xTR's own; a rule that routes the outer packet (from the RLOC)
# elsewhere sends the program through the rules again as soon as the
# kernel announces it, and its removal back
jq -e '.xtr.ebpf.outer_route_v4 == "main"' "$NETNS_TMP/st1.json" >/dev/null ||
    fail "outer IPv4 route with the xTR's own rules: $(jq -c '.xtr.ebpf | {outer_route_v4, outer_route_v6}' "$NETNS_TMP/st1.json")"
q='.xtr.ebpf | [.encap_packets, .pass_no_route] | @tsv'
in_ns lisp1 ip route add unreachable 203.0.113.0/24 table 200
in_ns lisp1 ip rule add from 203.0.113.1 lookup 200 pref 50
wait_until 5 "ctl lisp1 $S1 --json show stats | jq -e '.xtr.ebpf.outer_route_v4 == \"rules\"'" ||
    fail "a foreign rule from the RLOC: the outer route still from the main table"
a=$(ctl lisp1 "$S1" --json show stats | jq -r "$q")
in_ns hostA ping -c3 -i0.2 -W1 198.18.2.10 >/dev/null 2>&1
b=$(ctl lisp1 "$S1" --json show stats | jq -r "$q")
printf '%s\n%s\n' "$a" "$b" | awk -F'\t' '{ e[NR] = $1; r[NR] = $2 }
    END { exit !(e[2] == e[1] && r[2] - r[1] >= 3) }' ||
    fail "outer route unreachable by a rule (BPF encap, pass_no_route): $a -> $b"
in_ns lisp1 ip rule del pref 50
in_ns lisp1 ip route del unreachable 203.0.113.0/24 table 200
wait_until 5 "ctl lisp1 $S1 --json show stats | jq -e '.xtr.ebpf.outer_route_v4 == \"main\"'" ||
    fail "the foreign rule removed: the outer route not from the main table again"
a=$(ctl lisp1 "$S1" --json show stats | jq -r "$q")
in_ns hostA ping -c3 -i0.2 -W1 198.18.2.10 >/dev/null || fail "pings after the rule's removal"
b=$(ctl lisp1 "$S1" --json show stats | jq -r "$q")
printf '%s\n%s\n' "$a" "$b" | awk -F'\t' '{ e[NR] = $1 } END { exit !(e[2] - e[1] >= 3) }' ||
    fail "BPF encapsulation after the rule's removal: $a -> $b"
pass "outer routes from the main table under the xTR's own rules; a rule from the RLOC is followed at once (unreachable: passed, not encapsulated), and its removal"
# the ETR's inner route from the main table too, except to what the local
# table routes: lisp2's own EID-side address is reached, not forwarded
ctl lisp2 "$S2" --json show stats | jq -e '.xtr.ebpf.inner_route_v4 == "main"' >/dev/null ||
    fail "inner IPv4 route at lisp2: $(ctl lisp2 "$S2" --json show stats | jq -c '.xtr.ebpf | {inner_route_v4, inner_route_v6}')"
q='.xtr.ebpf | [.decap_packets, .decap_pass_no_route] | @tsv'
a=$(ctl lisp2 "$S2" --json show stats | jq -r "$q")
in_ns hostA ping -c3 -i0.3 -W2 198.18.2.1 >"$NETNS_TMP/ping21" 2>&1
grep -q ' 0% packet loss\| [12]% packet loss\|, [12] received' "$NETNS_TMP/ping21" ||
    fail "pings to lisp2's own address 198.18.2.1: $(tail -2 "$NETNS_TMP/ping21")"
b=$(ctl lisp2 "$S2" --json show stats | jq -r "$q")
printf '%s\n%s\n' "$a" "$b" | awk -F'\t' '{ d[NR] = $1; r[NR] = $2 } END { exit !(r[2] - r[1] >= 2) }' ||
    fail "pings to 198.18.2.1 at lisp2's program (decap, pass_no_route): $a -> $b"
pass "inner routes from the main table; to lisp2's own address (the local table) through the rules: passed to the stack, answered"
# which rules let which program skip the walk: at lisp2, a rule from a
# prefix inside its EID-prefix keeps both; one from elsewhere (an inner
# source could be in it) sends the ETR through the rules, not the ITR
# (its RLOC is not in it); removed, the main table again
r2() { ctl lisp2 "$S2" --json show stats | jq -r '.xtr.ebpf | "\(.outer_route_v4) \(.inner_route_v4)"'; }
in_ns lisp2 ip rule add from 198.18.2.128/25 lookup 200 pref 60
sleep 0.5
[ "$(r2)" = "main main" ] || fail "a rule from inside the EID-prefix at lisp2: outer/inner $(r2)"
in_ns lisp2 ip rule add from 198.51.100.0/24 lookup 200 pref 61
wait_until 5 '[ "$(r2)" = "main rules" ]' || fail "a rule from outside the EID-prefix at lisp2: outer/inner $(r2)"
in_ns lisp2 ip rule del pref 61
in_ns lisp2 ip rule del pref 60
wait_until 5 '[ "$(r2)" = "main main" ]' || fail "the rules removed at lisp2: outer/inner $(r2)"
pass "a source rule inside the EID-prefix keeps both shortcuts, one outside sends the ETR (not the ITR) through the rules, and back"

# 3. a reload switches the data plane in place: to tun (programs
# detached, the map-cache kept, traffic through the TUN), back to ebpf
# (the cached mapping pushed into the maps: the flow is on the fast path
# again without a new resolution); a clean stop leaves no filter and no
# qdisc behind
sed -i 's/^dataplane auto$/dataplane tun/' "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null || fail "reload to dataplane tun"
ctl lisp1 "$S1" --json show stats | jq -e '.xtr.dataplane == "tun"' >/dev/null ||
    fail "after the reload: $(ctl lisp1 "$S1" --json show stats | jq -c '.xtr.dataplane_reason')"
[ -z "$(in_ns lisp1 tc filter show dev eth0 ingress)" ] || fail "a tc filter after the reload to tun"
t0=$(ctl lisp1 "$S1" --json show stats | jq .xtr.encap_packets)
in_ns hostA ping -c2 -i0.2 -W2 198.18.2.10 >/dev/null || fail "hostA -> hostB after the reload to tun"
t1=$(ctl lisp1 "$S1" --json show stats | jq .xtr.encap_packets)
[ $((t1 - t0)) -ge 2 ] || fail "the TUN path did not encapsulate after the reload ($t0 -> $t1)"
ctl lisp1 "$S1" --json show map-cache | jq -e '.[] | select(.eid_prefix == "198.18.2.0/24") |
    .state == "complete" and .uptime >= 1' >/dev/null || fail "map-cache lost at the reload"
pass "reload to dataplane tun: in place, programs detached, map-cache kept, TUN encapsulates"
sed -i 's/^dataplane tun$/dataplane ebpf/' "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null || fail "reload to dataplane ebpf"
ctl lisp1 "$S1" --json show stats | jq -e '.xtr.dataplane == "ebpf"' >/dev/null || fail "back on ebpf"
DATAPLANE=ebpf
fastpath_check hostA 198.18.2.10 lisp1 "$S1" lisp2 "$S2"
locid_stop lisp1
for i in eth0 eth1; do
	[ -z "$(in_ns lisp1 tc filter show dev $i ingress)" ] || fail "filter left on lisp1 $i"
	in_ns lisp1 tc qdisc show dev $i | grep -q clsact && fail "clsact left on lisp1 $i"
done
pass "locid stop removes its tc filters and clsact qdiscs"
log "t_ebpf: all passed"
