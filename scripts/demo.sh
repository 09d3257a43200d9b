#!/bin/sh
# the seed lab as a story: `make demo` (scripts/demo.sh [BUILD-DIR]) builds
# it in network namespaces, starts locid in lisp1, lisp2 and mapserver and
# walks through LISP with real packets; `scripts/demo.sh down` removes it.
#
#  hostA --- lisp1 ====== mapserver ====== lisp2 --- hostB
#  .1.10    .1.1  203.0.113.1/.2  .6/.5  203.0.113.5 .2.1    .2.10
#                        |  (Map-Server + Map-Resolver, underlay router)
#                     nonlisp 198.51.100.1 (mapserver .254)
cd "$(dirname "$0")/.." || exit 1
DEMO=/tmp/locid-demo
NS_LIST="hostA lisp1 mapserver lisp2 hostB nonlisp"

NS_PREFIX=""
. scripts/demo-lib.sh
down() {
	demo_kill "$DEMO"/*.pid
	demo_netns_del
	rm -f /run/locid-lisp1.sock /run/locid-lisp2.sock /run/locid-mapserver.sock
	# the story's continuation (PxTR, dual stack) when it ran
	[ -x scripts/demo-pxtr.sh ] && scripts/demo-pxtr.sh down >/dev/null 2>&1
	[ -x scripts/demo-ddt.sh ] && scripts/demo-ddt.sh down >/dev/null 2>&1	# DDT, pub/sub
	[ -x scripts/demo-nat.sh ] && scripts/demo-nat.sh down >/dev/null 2>&1	# NAT traversal
	return 0
}

if [ "$1" = down ]; then
	down
	echo "seed lab removed"
	exit 0
fi
demo_setup demo.sh "$1"
cap_start() {	# NAME NS IF
	ip netns exec "$2" tcpdump -Z root --immediate-mode -i "$3" -U -w "$DEMO/$1.pcap" \
	    udp or icmp >/dev/null 2>"$DEMO/$1.err" </dev/null &
	echo $! >"$DEMO/$1.cap"
	wait_until 5 "grep -q listening $DEMO/$1.err"
}
cap_stop() {
	sleep 0.3
	kill "$(cat "$DEMO/$1.cap")" 2>/dev/null
	wait_until 5 "! kill -0 $(cat "$DEMO/$1.cap")"
	rm -f "$DEMO/$1.cap"
}
# one line per packet: time, who -> whom, what
show_cap() {	# NAME [FILTER]
	tshark -r "$DEMO/$1.pcap" -Y "${2:-udp or icmp}" -T fields -E separator='	' \
	    -e frame.time_relative -e ip.src -e ip.dst -e _ws.col.Info 2>/dev/null |
	    awk -F'\t' '{ printf "   %7.3fs  %-28s -> %-28s %s\n", $1, $2, $3, $4 }'
}

step "1. the lab: six namespaces, underlay 203.0.113.0/30 + .4/30, EIDs 198.18.1.0/24 and 198.18.2.0/24"
topo_seed_lab
cp examples/seed-lab/*.conf "$DEMO/"
locid_start mapserver "$DEMO/mapserver.conf"
wait_until 5 "[ -S /run/locid-mapserver.sock ]"
locid_start lisp1 "$DEMO/lisp1.conf"
locid_start lisp2 "$DEMO/lisp2.conf"
say "locid runs in mapserver (Map-Server/Map-Resolver), lisp1 and lisp2 (xTRs);"
say "the xTRs register their EID-prefixes (Map-Register, Map-Notify back)"
wait_until 10 "locictl -s /run/locid-mapserver.sock --json show site | jq -e '[.[] | select(.registered)] | length == 2'" ||
    say "(registration not complete yet; see $DEMO/*.log)"
run "ip netns exec mapserver locictl -s /run/locid-mapserver.sock show site"
say "each xTR steers only packets sourced from its EID-prefix into the TUN:"
run "ip netns exec lisp1 ip rule show"
run "ip netns exec lisp1 ip route show table 100"
for n in lisp1 lisp2; do
	say "$n data plane: $(ip netns exec $n locictl -s /run/locid-$n.sock --json show stats |
	    jq -r '.xtr.dataplane_reason')"
done
say "(ebpf: established flows are encapsulated and decapsulated by a TC program in the"
say " kernel; first packets and misses still take the TUN to locid)"

step "2. a ping that is not sourced from EID space is forwarded natively and never triggers LISP"
cap_start s2 lisp1 eth0
run "ip netns exec lisp1 ping -c1 -W1 198.18.2.10"
cap_stop s2
say "packets on lisp1's uplink (no Map-Request: the source 203.0.113.1 is not an EID;"
say "the mapserver has no route to EID space, so it answers unreachable):"
show_cap s2

step "3. ping from EID 198.18.1.1 to the non-LISP host 198.51.100.1"
cap_start s3 lisp1 eth0
run "ip netns exec lisp1 ping -c2 -W1 -I 198.18.1.1 198.51.100.1"
cap_stop s3
say "lisp1 sends an ECM Map-Request to the Map-Resolver; the answer is negative for the"
say "coarsest prefix that holds no EID-prefix, 198.32.0.0/11, action Natively-Forward, TTL 15 min:"
show_cap s3 'lisp && lisp.type != 3 && lisp.type != 4'
tshark -r "$DEMO/s3.pcap" -Y 'lisp.type == 2' -T fields -e lisp.mapping.eid.ipv4 \
    -e lisp.mapping.eid.masklen -e lisp.mapping.act -e lisp.mapping.ttl 2>/dev/null |
    awk '{ printf "   negative Map-Reply record: %s/%s act %s (1 = natively-forward) ttl %s min\n", $1, $2, $3, $4 }'
say "the map-cache entry makes the whole /11 go native (a throw route); no more Map-Requests:"
run "ip netns exec lisp1 locictl -s /run/locid-lisp1.sock show map-cache"
run "ip netns exec lisp1 ip route show table 100"

step "4. EID to EID: hostA 198.18.1.10 pings hostB 198.18.2.10"
cap_start s4a mapserver eth1
cap_start s4b mapserver eth2
run "ip netns exec hostA ping -c3 -W2 198.18.2.10"
cap_stop s4a
cap_stop s4b
say "the first ping is answered: lisp1 holds it while the mapping resolves."
say "control packets in order, lisp1's link (lisp1 <-> mapserver):"
show_cap s4a 'lisp && !lisp-data && lisp.type != 3 && lisp.type != 4'
say "lisp2's link (mapserver <-> lisp2): the Map-Request re-encapsulated unchanged to lisp2,"
say "lisp2 answering lisp1 directly with its RLOC (and resolving 198.18.1.0/24 for the return):"
show_cap s4b 'lisp && !lisp-data && lisp.type != 3 && lisp.type != 4'
say "data on 4341 (outer RLOCs, inner EIDs):"
show_cap s4a 'lisp-data' | head -4
run "ip netns exec lisp1 locictl -s /run/locid-lisp1.sock show map-cache"
run "ip netns exec lisp2 locictl -s /run/locid-lisp2.sock show map-cache"

step "5. the same with proxy-reply: lisp2 asks the Map-Server to answer for it"
sed 's/want-map-notify/proxy-reply want-map-notify/' examples/seed-lab/lisp2.conf >"$DEMO/lisp2.conf"
run "ip netns exec lisp2 locictl -s /run/locid-lisp2.sock reload"
sleep 1
run "ip netns exec lisp1 locictl -s /run/locid-lisp1.sock clear map-cache"
cap_start s5 mapserver eth1
run "ip netns exec hostA ping -c2 -W2 198.18.2.10"
cap_stop s5
say "now the Map-Reply comes from the Map-Server 203.0.113.2 (not authoritative: A=0):"
show_cap s5 'lisp && !lisp-data && lisp.type != 3 && lisp.type != 4'
tshark -r "$DEMO/s5.pcap" -Y 'lisp.type == 2' -T fields -e ip.src -e lisp.mapping.eid.ipv4 \
    -e lisp.mapping.eid.masklen -e lisp.mapping.auth -e lisp.loc.locator 2>/dev/null |
    awk '{ printf "   Map-Reply from %s: %s/%s authoritative=%s locator %s\n", $1, $2, $3, $4, $5 }'
run "ip netns exec lisp1 locictl -s /run/locid-lisp1.sock show map-cache 198.18.2.10"
[ -n "$SEED_ONLY" ] || exec scripts/demo-pxtr.sh "$BUILD"	# the story continues: PxTR, dual stack

step "the lab keeps running"
say "explore:   ip netns exec lisp1 locictl -s /run/locid-lisp1.sock show map-cache"
say "           ip netns exec lisp1 locictl -s /run/locid-lisp1.sock show database"
say "           ip netns exec lisp2 locictl -s /run/locid-lisp2.sock show stats"
say "           ip netns exec mapserver locictl -s /run/locid-mapserver.sock show site"
say "           ip netns exec hostA ping 198.18.2.10"
say "           (locictl is $BUILD/bin/locictl)"
say "logs:      $DEMO/*.log   captures: $DEMO/*.pcap"
say "take down: scripts/demo.sh down"
