#!/bin/sh
# tenants by instance-id (locid.conf(5) TENANTS): the seed lab with two
# tenants whose EID space is the same, side by side at both sites.
#
#  hostA100 .1.10 --eth1-- lisp1 ====== mapserver ====== lisp2 --eth1-- .2.10 hostB100
#  hostA200 .1.10 --eth2--   .1.1 203.0.113.1/.2  .6/.5   .2.1 --eth2-- .2.10 hostB200
#  instance-id 100: 198.18.1.0/24 + 2001:db8:1::/48 at lisp1, 198.18.2.0/24 +
#  2001:db8:2::/48 at lisp2 (eth1); instance-id 200: the same prefixes
#  (eth2), the same host addresses (.10, ::10); IPv4 RLOCs
#
# asserted: both tenants register separately (IID LCAF in the
# Map-Register, two entries per site at the MS); a ping crosses within
# each tenant, with the tenant's IID in the LISP data header and the IID
# LCAF in the Map-Request; nothing of tenant 100 arrives on tenant 200's
# EID side and the other way round (tcpdump there); each map-cache holds
# the prefix once per instance-id; the kernel state (rules, tables, TUNs)
# goes with the daemon.
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-tn_}
. tests/netns/lib.sh
trap_cleanup

for n in hostA100 hostA200 lisp1 mapserver lisp2 hostB100 hostB200; do ns_add $n; done
link_add hostA100 eth0 198.18.1.10/24 lisp1 eth1 198.18.1.1/24
link_add hostA200 eth0 198.18.1.10/24 lisp1 eth2 198.18.1.1/24
link_add lisp1 eth0 203.0.113.1/30 mapserver eth1 203.0.113.2/30
link_add lisp2 eth0 203.0.113.5/30 mapserver eth2 203.0.113.6/30
link_add hostB100 eth0 198.18.2.10/24 lisp2 eth1 198.18.2.1/24
link_add hostB200 eth0 198.18.2.10/24 lisp2 eth2 198.18.2.1/24
for h in hostA100 hostA200; do
	in_ns $h ip route add default via 198.18.1.1
	link6 $h eth0 2001:db8:1::10/64
	in_ns $h ip -6 route add default via 2001:db8:1::1
done
for h in hostB100 hostB200; do
	in_ns $h ip route add default via 198.18.2.1
	link6 $h eth0 2001:db8:2::10/64
	in_ns $h ip -6 route add default via 2001:db8:2::1
done
for i in eth1 eth2; do link6 lisp1 $i 2001:db8:1::1/64; link6 lisp2 $i 2001:db8:2::1/64; done
in_ns lisp1 ip route add default via 203.0.113.2
in_ns lisp2 ip route add default via 203.0.113.6
router lisp1; router lisp2; router mapserver

S1="$NETNS_TMP/lisp1.sock"; S2="$NETNS_TMP/lisp2.sock"; SM="$NETNS_TMP/mapserver.sock"
cat >"$NETNS_TMP/mapserver.conf" <<EOF
role map-server
role map-resolver
control "$SM"
site lisp1 {
	key 0 sha256 "lisp1-s3cret"
	eid-prefix [100]198.18.1.0/24
	eid-prefix [200]198.18.1.0/24
	eid-prefix [100]2001:db8:1::/48
	eid-prefix [200]2001:db8:1::/48
}
site lisp2 {
	key 0 sha256 "lisp2-s3cret"
	eid-prefix [100]198.18.2.0/24
	eid-prefix [200]198.18.2.0/24
	eid-prefix [100]2001:db8:2::/48
	eid-prefix [200]2001:db8:2::/48
}
EOF
# tenant_conf IID INTERFACE EID4 EID6 RLOC
tenant_conf() {
	cat <<EOF
instance-id $1 {
	interface $2
	database-mapping $3 {
		rloc $5 priority 1 weight 100
	}
	database-mapping $4 {
		rloc $5 priority 1 weight 100
	}
}
EOF
}
# xtr_conf SOCKET EID4 EID6 RLOC MS-KEY
xtr_conf() {
	cat <<EOF
role itr
role etr
control "$1"
map-server 203.0.113.2 key 0 sha256 "$5" want-map-notify
map-resolver 203.0.113.2
EOF
	tenant_conf 100 eth1 "$2" "$3" "$4"
	tenant_conf 200 eth2 "$2" "$3" "$4"
}
xtr_conf "$S1" 198.18.1.0/24 2001:db8:1::/48 203.0.113.1 lisp1-s3cret >"$NETNS_TMP/lisp1.conf"
xtr_conf "$S2" 198.18.2.0/24 2001:db8:2::/48 203.0.113.5 lisp2-s3cret >"$NETNS_TMP/lisp2.conf"
# lisp2 registers (and looks at its interfaces) every 2 s: the
# interface flap step below waits for that
printf 'timers {\n\tregister-interval 2\n}\n' >>"$NETNS_TMP/lisp2.conf"

# ctlq NS SOCKET JQ args...: the jq filter holds on locictl --json's answer
# (an empty answer fails: jq -e passes on no input)
ctlq() {
	_q=$3; _a=$(ctl "$1" "$2" --json "$4" "$5" ${6:+"$6"}) || return 1
	[ -n "$_a" ] && printf '%s' "$_a" | jq -e "$_q" >/dev/null
}

locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
cap_start reg mapserver eth1 'udp port 4342'
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 15 "ctlq mapserver $SM '[.[] | select(.registered)] | length == 8' show site" ||
    fail "eight registrations: $(ctl mapserver "$SM" --json show site)"
cap_stop reg
ctl mapserver "$SM" --json show site >"$NETNS_TMP/site.json"
for iid in 100 200; do
	for p in 198.18.1.0/24,lisp1,203.0.113.1 198.18.2.0/24,lisp2,203.0.113.5 \
	    2001:db8:1::/48,lisp1,203.0.113.1 2001:db8:2::/48,lisp2,203.0.113.5; do
		pfx=${p%%,*}; r=${p#*,}; site=${r%%,*}; rloc=${r#*,}
		jq -e --arg p "[$iid]$pfx" --arg s "$site" --arg r "$rloc" --argjson i $iid \
		    '[.[] | select(.eid_prefix == $p and .iid == $i and .site == $s and .registered)] |
		    length == 1' "$NETNS_TMP/site.json" >/dev/null ||
		    fail "MS: [$iid]$pfx of $site registered: $(cat "$NETNS_TMP/site.json")"
	done
done
pass "the map-server shows each prefix registered once per instance-id"
# on the wire: lisp1's Map-Registers carry each prefix in an IID LCAF
for iid in 100 200; do
	[ -n "$(tsh reg "lisp.type == 3 && ip.src == 203.0.113.1 && lisp.lcaf.iid == $iid &&
	    lisp.lcaf.iid.ipv4 == 198.18.1.0" frame.number)" ] ||
	    fail "Map-Register with IID LCAF $iid for 198.18.1.0/24: $(tsh reg 'lisp.type == 3' lisp.lcaf.iid lisp.lcaf.iid.ipv4)"
done
pass "Map-Registers carry 198.18.1.0/24 in an Instance-ID LCAF, 100 and 200"

# the kernel side of a tenant: iid rules before main's, its own table
for t in 100:eth1:1100 200:eth2:1200; do
	iid=${t%%:*}; r=${t#*:}; ifn=${r%%:*}; tab=${r#*:}
	in_ns lisp1 ip rule show | grep -q "^98:.*iif $ifn lookup $tab" ||
	    fail "lisp1: rule iif $ifn lookup $tab: $(in_ns lisp1 ip rule show)"
	in_ns lisp1 ip rule show | grep -q "^98:.*iif lisp$iid lookup $tab" ||
	    fail "lisp1: rule iif lisp$iid lookup $tab"
	in_ns lisp1 ip route show table $tab | grep -q "^default dev lisp$iid" ||
	    fail "lisp1: table $tab default via lisp$iid: $(in_ns lisp1 ip route show table $tab)"
	in_ns lisp1 ip route show table $tab | grep -q "^198.18.1.0/24 dev $ifn" ||
	    fail "lisp1: table $tab on-link 198.18.1.0/24 dev $ifn"
	in_ns lisp1 ip -6 rule show | grep -q "^98:.*iif $ifn lookup $tab" ||
	    fail "lisp1: IPv6 rule iif $ifn lookup $tab: $(in_ns lisp1 ip -6 rule show)"
	in_ns lisp1 ip -6 route show table $tab | grep -q "^2001:db8:1::/64 dev $ifn" ||
	    fail "lisp1: table $tab on-link 2001:db8:1::/64 dev $ifn: $(in_ns lisp1 ip -6 route show table $tab)"
done
pass "tenant rules at priority 98 (iif interface, iif TUN), tables 1100/1200, both families"

# pings within each tenant; each destination tenant's EID side sees its
# own and nothing of the other
cap_start ul mapserver eth1 'udp'
cap_start b100 lisp2 eth1 'icmp'
cap_start b200 lisp2 eth2 'icmp'
in_ns hostA100 ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 ||
    in_ns hostA100 ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "tenant 100: first ping"
in_ns hostA100 ping -c3 -i0.2 -W2 -p 64 198.18.2.10 >/dev/null 2>&1 || fail "tenant 100: pings"
cap_stop b200
n=$(tsh b200 'icmp' frame.number | wc -l)
[ "$n" -eq 0 ] || fail "tenant 100's pings reached tenant 200's hostB ($n packets on lisp2 eth2)"
n=$(tsh b100 'icmp.type == 8 && ip.src == 198.18.1.10 && ip.dst == 198.18.2.10' frame.number | wc -l)
[ "$n" -ge 3 ] || fail "tenant 100's pings on lisp2 eth1 ($n)"
pass "tenant 100: hostA100 -> hostB100 crosses; nothing arrives on tenant 200's side"
cap_stop b100
cap_start b100 lisp2 eth1 'icmp'
cap_start b200 lisp2 eth2 'icmp'
in_ns hostA200 ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 ||
    in_ns hostA200 ping -c1 -W2 198.18.2.10 >/dev/null 2>&1 || fail "tenant 200: first ping"
in_ns hostA200 ping -c3 -i0.2 -W2 -p c8 198.18.2.10 >/dev/null 2>&1 || fail "tenant 200: pings"
cap_stop b100
cap_stop b200
n=$(tsh b100 'icmp' frame.number | wc -l)
[ "$n" -eq 0 ] || fail "tenant 200's pings reached tenant 100's hostB ($n packets on lisp2 eth1)"
n=$(tsh b200 'icmp.type == 8 && ip.src == 198.18.1.10 && ip.dst == 198.18.2.10' frame.number | wc -l)
[ "$n" -ge 3 ] || fail "tenant 200's pings on lisp2 eth2 ($n)"
pass "tenant 200: hostA200 -> hostB200 crosses; nothing arrives on tenant 100's side"
# IPv6 EIDs over the IPv4 RLOCs, the same separation
for t in 100,eth1,eth2 200,eth2,eth1; do
	iid=${t%%,*}; r=${t#*,}; own=${r%%,*}; other=${r#*,}
	cap_start own6 lisp2 $own 'icmp6'
	cap_start oth6 lisp2 $other 'icmp6'
	in_ns hostA$iid ping -6 -c1 -W3 2001:db8:2::10 >/dev/null 2>&1 ||
	    in_ns hostA$iid ping -6 -c1 -W2 2001:db8:2::10 >/dev/null 2>&1 || fail "tenant $iid: first ping6"
	in_ns hostA$iid ping -6 -c3 -i0.2 -W2 2001:db8:2::10 >/dev/null 2>&1 || fail "tenant $iid: pings6"
	cap_stop own6
	cap_stop oth6
	n=$(tsh oth6 'icmpv6.type == 128' frame.number | wc -l)
	[ "$n" -eq 0 ] || fail "tenant $iid's IPv6 pings reached the other tenant's hostB ($n on lisp2 $other)"
	n=$(tsh own6 'icmpv6.type == 128 && ipv6.src == 2001:db8:1::10' frame.number | wc -l)
	[ "$n" -ge 3 ] || fail "tenant $iid's IPv6 pings on lisp2 $own ($n)"
done
pass "IPv6 over IPv4 RLOCs: each tenant's pings cross to its own hostB only"
# and back from site B: hostB200's answer reaches hostA200 only
cap_start a100 lisp1 eth1 'icmp'
in_ns hostB200 ping -c2 -i0.2 -W2 198.18.1.10 >/dev/null 2>&1 || fail "tenant 200: hostB200 -> hostA200"
cap_stop a100
[ "$(tsh a100 'icmp' frame.number | wc -l)" -eq 0 ] || fail "hostB200's pings reached hostA100"
pass "tenant 200: hostB200 -> hostA200 crosses, not to hostA100"
cap_stop ul

# on the wire: the I bit and each tenant's IID in the data header (the
# payload pattern of the pings tells which tenant sent them); the
# Map-Request's EIDs in IID LCAFs
for t in 100:64 200:c8; do
	iid=${t%%:*}; b=${t#*:}
	r=$(tsh ul "lisp-data && icmp.type == 8 && ip.src == 203.0.113.1 && data.data contains $b:$b:$b:$b:$b:$b:$b:$b" \
	    lisp-data.flags.iid lisp-data.iid | sort -u)
	[ "$r" = "1|$iid" ] || fail "tenant $iid's echo requests: I bit and IID $iid in the data header (got '$r')"
	[ -n "$(tsh ul "lisp.type == 8 && ip.src == 203.0.113.1 && lisp.lcaf.iid == $iid" frame.number)" ] ||
	    fail "ECM Map-Request for tenant $iid with an IID LCAF"
done
pass "data header I=1 with IID 100 / 200 per tenant; Map-Requests in IID LCAFs"

# the map-cache and database: the same prefix once per instance-id
ctl lisp1 "$S1" --json show map-cache >"$NETNS_TMP/mc1.json"
jq -e '[.[] | select((.eid_prefix | endswith("]198.18.2.0/24")) and .state == "complete" and
    .locators[0].address == "203.0.113.5") | .iid] | sort == [100, 200]' "$NETNS_TMP/mc1.json" >/dev/null ||
    fail "lisp1 map-cache: 198.18.2.0/24 in 100 and 200: $(cat "$NETNS_TMP/mc1.json")"
ctl lisp1 "$S1" --json show database >"$NETNS_TMP/db1.json"
jq -e '[.mappings[] | select(.eid_prefix | endswith("]198.18.1.0/24")) | .iid] | sort == [100, 200]' \
    "$NETNS_TMP/db1.json" >/dev/null || fail "lisp1 database: $(cat "$NETNS_TMP/db1.json")"
jq -e '[.tenants[] | [.iid, .tun, .routing_table, .interfaces[0], .on_link_routes]] ==
    [[100, "lisp100", 1100, "eth1", 2], [200, "lisp200", 1200, "eth2", 2]]' "$NETNS_TMP/db1.json" >/dev/null ||
    fail "lisp1 database tenants: $(jq -c .tenants "$NETNS_TMP/db1.json")"
sh tests/schema/match.sh tests/schema/show-database.schema "$NETNS_TMP/db1.json" ||
    fail "show database JSON off the schema"
ctl lisp1 "$S1" show database >"$NETNS_TMP/db1.txt" && grep -q '^\[200\]198.18.1.0/24, ttl' "$NETNS_TMP/db1.txt" ||
    fail "text show database: $(cat "$NETNS_TMP/db1.txt")"
pass "show map-cache and show database: the prefix once per instance-id; the tenants' TUN, table, interfaces"
fastpath_check hostA100 198.18.2.10 lisp1 "$S1" lisp2 "$S2"
fastpath_check hostA200 198.18.2.10 lisp1 "$S1" lisp2 "$S2"
if [ "$DATAPLANE" = ebpf ]; then
	# the tenants' share of what the programs did, on both xTRs
	for x in lisp1:$S1 lisp2:$S2; do
		ctlq ${x%%:*} ${x#*:} '.xtr.ebpf.tenant_encap_packets >= 10 and
		    .xtr.ebpf.tenant_decap_packets >= 10' show stats ||
		    fail "${x%%:*}: tenant BPF counters: $(ctl ${x%%:*} ${x#*:} --json show stats | jq -c .xtr.ebpf)"
	done
	pass "ebpf: tenant_encap_packets and tenant_decap_packets count both tenants' packets"
fi

# the instance-id alone picks the tenant: data packets made up on the
# underlay (from the mapserver) for 198.18.2.10 with IID 200 reach
# hostB200 only, with IID 100 hostB100 only; with an IID that is no
# tenant's, or none, nobody: dropped and counted
ATT="python3 $(pwd)/tests/netns/attack.py"
drops() { ctl "$1" "$2" --json show stats | jq -r --arg k "$3" '.drops[$k] // 0'; }
d0=$(drops lisp2 "$S2" 'decap: destination not in our EID space')
for t in 200,eth2,eth1 100,eth1,eth2; do
	iid=${t%%,*}; r=${t#*,}; own=${r%%,*}; other=${r#*,}
	cap_start sown lisp2 $own 'icmp'
	cap_start soth lisp2 $other 'icmp'
	in_ns mapserver $ATT decap 203.0.113.5 198.18.1.77 198.18.2.10 $iid >/dev/null
	wait_until 3 "[ -n \"\$(tsh sown 'icmp.type == 8 && ip.src == 198.18.1.77' frame.number)\" ]"
	cap_stop sown
	cap_stop soth
	[ -n "$(tsh sown 'icmp.type == 8 && ip.src == 198.18.1.77' frame.number)" ] ||
	    fail "a data packet with IID $iid not delivered on lisp2 $own"
	[ -z "$(tsh soth 'ip.src == 198.18.1.77' frame.number)" ] ||
	    fail "a data packet with IID $iid delivered on lisp2 $other"
done
cap_start s1 lisp2 eth1 'icmp'
cap_start s2 lisp2 eth2 'icmp'
in_ns mapserver $ATT decap 203.0.113.5 198.18.1.77 198.18.2.10 300 >/dev/null
in_ns mapserver $ATT decap 203.0.113.5 198.18.1.77 198.18.2.10 >/dev/null
wait_until 3 "[ \$(drops lisp2 $S2 'decap: destination not in our EID space') -ge $((d0 + 2)) ]" ||
    fail "IID 300 and no IID: not counted as outside our EID space"
cap_stop s1
cap_stop s2
[ -z "$(tsh s1 'ip.src == 198.18.1.77' frame.number)$(tsh s2 'ip.src == 198.18.1.77' frame.number)" ] ||
    fail "a data packet with IID 300 or none was delivered"
pass "made-up data packets: IID 200 -> hostB200 only, IID 100 -> hostB100 only, IID 300 / none dropped and counted"

# a tenant interface down and up: the kernel flushes the on-link route
# from the tenant's table; locid puts it back at its next look
in_ns lisp2 ip link set eth1 down
in_ns lisp2 ip route show table 1100 | grep -q '^198.18.2.0/24' &&
    fail "the kernel kept the route through a down interface (the step's premise)"
in_ns lisp2 ip link set eth1 up
wait_until 10 "in_ns lisp2 ip route show table 1100 | grep -q '^198.18.2.0/24 dev eth1'" ||
    fail "lisp2: on-link route of eth1 not back in table 1100: $(in_ns lisp2 ip route show table 1100)"
wait_until 10 "in_ns hostA100 ping -c1 -W1 198.18.2.10" || fail "tenant 100 ping after lisp2's eth1 flapped"
pass "a tenant interface down and up: its route back in the tenant's table, traffic crosses"

# a reload keeps the tenants (same TUNs) and puts their rules back;
# one adding a tenant restarts the xTR role with it, and one taking it
# away again removes its TUN; traffic crosses after each
ctl lisp1 "$S1" reload >"$NETNS_TMP/reload.out" 2>&1 || fail "reload lisp1"
grep -q "restarted" "$NETNS_TMP/reload.out" && fail "same tenants: role restarted: $(cat "$NETNS_TMP/reload.out")"
in_ns lisp1 ip rule show | grep -q "^98:.*iif eth1 lookup 1100" || fail "tenant rule after reload"
in_ns hostA100 ping -c2 -i0.2 -W2 198.18.2.10 >/dev/null 2>&1 || fail "tenant 100 ping after reload"
cp "$NETNS_TMP/lisp1.conf" "$NETNS_TMP/lisp1.good"
tenant_conf 300 eth3 198.18.3.0/24 2001:db8:3::/48 203.0.113.1 >>"$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >"$NETNS_TMP/reload.out" 2>&1 || fail "reload adding a tenant: $(cat "$NETNS_TMP/reload.out")"
grep -q "xtr: restarted (instance-id blocks added, removed or their tun renamed)" "$NETNS_TMP/reload.out" ||
    fail "reload adding a tenant restarts the role and says why: $(cat "$NETNS_TMP/reload.out")"
in_ns lisp1 ip link show lisp300 >/dev/null 2>&1 || fail "tun lisp300 after the reload adding tenant 300"
in_ns hostA200 ping -c1 -W3 198.18.2.10 >/dev/null 2>&1 ||
    in_ns hostA200 ping -c2 -W2 198.18.2.10 >/dev/null 2>&1 || fail "tenant 200 ping after the restart"
cp "$NETNS_TMP/lisp1.good" "$NETNS_TMP/lisp1.conf"
ctl lisp1 "$S1" reload >/dev/null 2>&1 || fail "reload back"
in_ns lisp1 ip link show lisp300 >/dev/null 2>&1 && fail "tun lisp300 left after the reload removing tenant 300"
in_ns lisp1 ip rule show | grep -q "lookup 1300" && fail "tenant 300's rules left"
pass "reload: same tenants in place; adding or removing one restarts the role (TUN and rules follow)"

# the kernel state goes with the daemon
locid_stop lisp1
in_ns lisp1 ip rule show | grep -q 'lookup 1[12]00' && fail "tenant rules left after stop"
in_ns lisp1 ip route show table 1100 2>/dev/null | grep -q . && fail "table 1100 left after stop"
in_ns lisp1 ip link show lisp100 >/dev/null 2>&1 && fail "tun lisp100 left after stop"
pass "rules, tables and TUNs removed on stop"
exit 0
