#!/bin/sh
# TUN MTU and ICMP too-big in the seed lab (lib.sh topo_seed_lab):
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#
# lisp2 takes the default (underlay 1500 - 36 = 1464): the kernel itself
# answers larger DF packets. lisp1 is configured with `tun lisp0 mtu 1500`,
# more than the underlay carries: the ITR answers fragmentation-needed with
# the real limit, and packets that fit still flow. lisp2 names its RLOC
# by interface (`rloc interface eth0 ipv4`).
cd "$(dirname "$0")/../.." || exit 1
NS_PREFIX=${NS_PREFIX:-mt_}
. tests/netns/lib.sh
trap_cleanup

topo_seed_lab
for n in lisp1 lisp2 mapserver; do
	sed "s|/run/locid-$n.sock|$NETNS_TMP/$n.sock|" examples/seed-lab/$n.conf >"$NETNS_TMP/$n.conf"
done
sed -i 's/^tun lisp0$/tun lisp0 mtu 1500/' "$NETNS_TMP/lisp1.conf"
grep -q 'mtu 1500' "$NETNS_TMP/lisp1.conf" || fail "conf edit"
# lisp2 names its RLOC by interface
sed -i 's/rloc 203.0.113.5 priority/rloc interface eth0 ipv4 priority/' "$NETNS_TMP/lisp2.conf"
grep -q 'rloc interface eth0' "$NETNS_TMP/lisp2.conf" || fail "conf edit"
S1="$NETNS_TMP/lisp1.sock"; SM="$NETNS_TMP/mapserver.sock"
locid_start mapserver "$NETNS_TMP/mapserver.conf"
wait_until 5 "[ -S $SM ]" || fail "mapserver did not start"
locid_start lisp1 "$NETNS_TMP/lisp1.conf"
# lisp2 starts before its uplink has an address: the RLOC is down, then
# picked up at the next (quick) registration
in_ns lisp2 ip addr del 203.0.113.5/30 dev eth0
locid_start lisp2 "$NETNS_TMP/lisp2.conf"
wait_until 5 "[ -S $NETNS_TMP/lisp2.sock ]" || fail "lisp2 did not start"
wait_until 5 "ctl lisp2 $NETNS_TMP/lisp2.sock --json show database | jq -e '.mappings[0].locators[0].state == \"down\"'" ||
    fail "RLOC down without an address"
in_ns lisp2 ip addr add 203.0.113.5/30 dev eth0
in_ns lisp2 ip route add default via 203.0.113.6
wait_until 10 "ctl mapserver $SM --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    fail "both sites registered"
in_ns lisp2 ip link show lisp0 | grep -q 'mtu 1464' || fail "default TUN MTU 1500 - 36"
in_ns lisp1 ip link show lisp0 | grep -q 'mtu 1500' || fail "configured TUN MTU"
pass "TUN MTU: default underlay - 36, configured as given"
wait_until 10 "ctl lisp2 $NETNS_TMP/lisp2.sock --json show database | jq -e '.mappings[0].locators[0] |
    .address == \"203.0.113.5\" and .interface == \"eth0\" and .state == \"up\"'" ||
    fail "RLOC by interface resolved: $(ctl lisp2 "$NETNS_TMP/lisp2.sock" --json show database)"
pass "RLOC given by interface: down without an address, resolved when it appears"

in_ns hostA ping -c1 -W2 198.18.2.10 >/dev/null || fail "path up"
# 1500-octet DF packet into lisp1: the ITR says 1464
in_ns hostA ping -c1 -W2 -M do -s 1472 198.18.2.10 >"$NETNS_TMP/big" 2>&1
grep -q 'mtu = 1464\|mtu=1464' "$NETNS_TMP/big" || fail "frag-needed 1464 from the ITR: $(cat "$NETNS_TMP/big")"
ctl lisp1 "$S1" --json show stats | jq -e '.xtr.icmp_too_big >= 1' >/dev/null ||
    fail "icmp_too_big counted"
pass "ITR answers fragmentation-needed (mtu 1464) for a packet over the tunnel MTU"
# the largest packet that fits goes through and back (lisp2's own MTU is 1464)
in_ns hostA ping -c1 -W2 -M do -s 1436 198.18.2.10 >/dev/null || fail "1464-octet packet through"
# from hostB the kernel answers at lisp2 (TUN MTU 1464)
in_ns hostB ping -c1 -W2 -M do -s 1472 198.18.1.10 >"$NETNS_TMP/big2" 2>&1
grep -q 'mtu = 1464\|mtu=1464' "$NETNS_TMP/big2" || fail "kernel frag-needed at lisp2: $(cat "$NETNS_TMP/big2")"
pass "1464-octet packets pass; the kernel enforces the default TUN MTU"
fastpath_check hostA 198.18.2.10 lisp1 "$S1" lisp2 "$NETNS_TMP/lisp2.sock" -M do -s 1436
echo "t_xtr_mtu: all passed"
