#!/bin/sh
# the mapping system as a tree (issue 13), after scripts/demo-pxtr.sh: DDT
# (RFC 8111) and publish/subscribe (RFC 9437) in namespaces of their own.
# `scripts/demo-ddt.sh [BUILD-DIR]` builds it and tells the story with real
# packets: locictl rig walks the tree, a DDT Map-Resolver resolves a ping
# from site 1 to site 2 through root -> node -> Map-Server (the
# Map-Referrals decoded by tshark), its referral cache, a second
# resolution from the cache, a delegation hole answered negatively, and a
# second ETR of site 2 registering: the Map-Server pushes the change to
# the subscribed ITR. `scripts/demo-ddt.sh down` removes it.
#
#      root 203.0.113.1             node 203.0.113.5
#   (198.18.0.0/15: /16 -> node)   (198.18.0.0/16: 1/24 -> ms1,
#                 \                 /   2/24 -> ms2, 3/24 -> ms3)
#                  +----- core (router) ------+------------+
#                 /     /      |       \       \            \
#          ms1 .9  ms2 .13  ms3 .17   mr .21   xtr1 .25    xtr2 .29, xtr2b .33
#                                  (DDT MR)  198.18.1.0/24  198.18.2.0/24
# every namespace on its own /30 to core. NS_PREFIX=x- runs a private copy
# (x-ddt-root, ...) beside a running demo.
cd "$(dirname "$0")/.." || exit 1
NS_PREFIX=${NS_PREFIX:-}
DEMO=/tmp/locid-demo-ddt${NS_PREFIX:+-$NS_PREFIX}
NS_PREFIX=${NS_PREFIX}ddt-
NS_LIST="core root node ms1 ms2 ms3 mr xtr1 xtr2 xtr2b"

. scripts/demo-lib.sh
down() {
	demo_kill "$DEMO"/*.pid "$DEMO"/*.cpid	# daemons, captures
	demo_netns_del
}

if [ "$1" = down ]; then
	down
	echo "ddt lab removed"
	exit 0
fi
demo_setup demo-ddt.sh "$1" tshark jq
C() { printf '%s locictl -s %s/%s.sock' "$(X "$1")" "$DEMO" "$1"; }	# locictl for it
# the LISP control messages of a capture, one a line: time, who -> whom, what
show_cap() {	# NAME [FILTER]
	tshark -r "$DEMO/$1.pcap" -Y "${2:-lisp}" -T fields -E separator='	' \
	    -e frame.time_relative -e ip.src -e ip.dst -e _ws.col.Info 2>/dev/null |
	    awk -F'\t' '{ split($2, s, ","); split($3, d, ",")
		sub(/Unknown LISP Control Packet \(5\)/, "Map-Notify-Ack", $4)	# tshark knows no type 5
		printf "   %7.3fs  %-14s -> %-14s %s\n", $1, s[1], d[1], $4 }'
}
# the Map-Referrals of a capture decoded: who answered, the action, the
# prefix, the TTL and the referral set (RFC 8111 section 6.4)
show_referrals() {	# NAME
	tsh "$1" 'lisp.type == 6' ip.src lisp.mapping.eid.ipv4 lisp.mapping.eid.masklen \
	    lisp.mapping.act lisp.mapping.ttl lisp.referral.incomplete lisp.loc.locator |
	    awk -F'|' 'BEGIN { split("node-referral ms-referral ms-ack ms-not-registered " \
		"delegation-hole not-authoritative", a, " ") }
		{ printf "   %-13s Map-Referral %-16s %-18s ttl %4s min, incomplete %s, referral set %s\n",
		    $1, $2 "/" $3, toupper(a[$4 + 1]), $5, $6, $7 == "" ? "-" : $7 }'
}

step "DDT 1. the mapping system as a tree: a root, a DDT node, three Map-Servers"
say "one Map-Server/Map-Resolver pair held the whole database so far. DDT (RFC 8111)"
say "delegates the EID space: the root holds 198.18.0.0/15 and hands 198.18.0.0/16 to a"
say "DDT node, which hands each /24 to the Map-Server of that site. A DDT Map-Resolver"
say "walks the tree with Map-Requests (in ECMs with the DDT bit) and caches the"
say "Map-Referrals it gets back."
ns_add core; router core
i=0
for n in root node ms1 ms2 ms3 mr xtr1 xtr2 xtr2b; do
	ns_add $n
	link_add $n eth0 203.0.113.$((i * 4 + 1))/30 core e$i 203.0.113.$((i * 4 + 2))/30
	in_ns $n ip route add default via 203.0.113.$((i * 4 + 2))
	i=$((i + 1))
done
# the sites' EIDs on lo, pinged at .7
in_ns xtr1 ip addr add 198.18.1.1/24 dev lo
in_ns xtr2 ip addr add 198.18.2.1/24 dev lo
in_ns xtr2b ip addr add 198.18.2.1/24 dev lo

conf() {	# conf NAME: $DEMO/NAME.conf from stdin, with its control socket
	{ echo "control \"$DEMO/$1.sock\""; echo "log-rate 100"; cat; } >"$DEMO/$1.conf"
}
conf root <<EOF
role ddt-node
ddt-authoritative-prefix 198.18.0.0/15
ddt-delegation 198.18.0.0/16 node 203.0.113.5
EOF
conf node <<EOF
role ddt-node
ddt-authoritative-prefix 198.18.0.0/16
ddt-delegation 198.18.1.0/24 map-server 203.0.113.9
ddt-delegation 198.18.2.0/24 map-server 203.0.113.13
ddt-delegation 198.18.3.0/24 map-server 203.0.113.17
EOF
for n in 1 2 3; do conf ms$n <<EOF
role map-server
pubsub-key 1 sha256 "demo-pubsub"
site site$n {
	key 0 sha256 "site$n-demo"
	eid-prefix 198.18.$n.0/24
}
EOF
done
conf mr <<EOF
role map-resolver
ddt-root 203.0.113.1
EOF
xconf() {	# xconf NAME SITE RLOC MS ROLES...
	_x=$1; _s=$2; _r=$3; _m=$4; shift 4
	{ for r in "$@"; do echo "role $r"; done
	cat <<EOF
database-mapping 198.18.$_s.0/24 {
	rloc $_r priority 1 weight 50
}
map-server $_m key 0 sha256 "site$_s-demo"
map-resolver 203.0.113.21
xtr-id 0x000000000000000000000000000000$(printf %02x "${_r##*.}")
pubsub-key 1 sha256 "demo-pubsub"
tun lisp0
EOF
	} | conf "$_x"
}
xconf xtr1 1 203.0.113.25 203.0.113.9 itr etr
xconf xtr2 2 203.0.113.29 203.0.113.13 itr etr
xconf xtr2b 2 203.0.113.33 203.0.113.13 etr
for n in root node ms1 ms2 ms3 mr xtr1 xtr2; do locid_start $n "$DEMO/$n.conf"; done
for n in 1 2; do
	wait_until 10 "$(C ms$n) --json show site | jq -e '[.[] | select(.registered)] | length == 1'" ||
	    say "(xtr$n has not registered with ms$n yet; see $DEMO/*.log)"
done
say "the root and the node are locid with 'role ddt-node':"
run "grep ddt- $DEMO/root.conf $DEMO/node.conf"
say "the Map-Resolver knows the root only:"
run "grep ddt-root $DEMO/mr.conf"
say "site 1 registers with ms1, site 2 with ms2; ms3's site 198.18.3.0/24 has no ETR yet:"
run "$(C ms1) show site; $(C ms2) show site"

step "DDT 2. locictl rig walks the tree by hand, from the root down"
say "rig (the referral groper) sends the DDT Map-Requests itself and prints each hop:"
run "$(X mr) locictl rig -m 203.0.113.1 198.18.2.7"

step "DDT 3. xtr1 pings site 2: its Map-Request goes to the DDT Map-Resolver, which walks the tree"
cap_start walk core e5 udp
cap_start x1 core e6 udp
run "$(X xtr1) ping -c3 -W2 -I 198.18.1.7 198.18.2.7"
cap_stop walk; cap_stop x1
say "the Map-Resolver's link: root, node, ms2 asked in turn (ECM with the D bit); ms2 answers"
say "MS-ACK and hands the request on to xtr2. Then xtr2 resolves the way back, 198.18.1.7:"
say "the root's referral is cached now, so the walk starts at the node:"
show_cap walk "lisp && !lisp-data"
say "the Map-Referrals as tshark decodes them (action, prefix, TTL, referral set):"
show_referrals walk
say "the DDT Map-Resolver caches them, each for its TTL:"
run "$(C mr) show referral-cache"
say "xtr1's link: its Map-Request in an ECM to the Map-Resolver, the Map-Reply from xtr2 itself,"
say "and ms2's signed Map-Notify confirming xtr1's subscription (step 6), acknowledged:"
show_cap x1 "lisp && !lisp-data && lisp.type != 3"
say "xtr1 has site 2's mapping:"
run "$(C xtr1) show map-cache 198.18.2.7"

step "DDT 4. warm: with the referrals cached, the next resolution asks ms2 straight away"
run "$(C xtr1) clear map-cache"
cap_start warm core e5 udp
run "$(X xtr1) ping -c1 -W2 -I 198.18.1.7 198.18.2.7"
cap_stop warm
show_cap warm "lisp && !lisp-data"

step "DDT 5. no delegation: the tree answers DELEGATION-HOLE, the ITR gets a negative mapping"
say "the node holds 198.18.0.0/16 but delegated only 198.18.1-3.0/24; 198.18.9.1 is in a hole:"
cap_start hole core e5 udp
run "$(X xtr1) ping -c1 -W1 -I 198.18.1.7 198.18.9.1"
wait_until 5 "$(C xtr1) --json show map-cache 198.18.9.1 | jq -e '.[0].state == \"negative\"'" ||
    say "(no negative entry yet)"
cap_stop hole
show_cap hole "lisp && !lisp-data"
show_referrals hole
say "the widest part of the node's space with no delegation, 198.18.8.0/21, TTL 15 min, comes"
say "back to xtr1 as a negative Map-Reply: natively-forward, no more Map-Requests for it."
run "$(C xtr1) show map-cache 198.18.9.1"
say "and ms3's 198.18.3.0/24, configured but not registered: MS-NOT-REGISTERED, negative too"
cap_start nreg core e5 udp
run "$(X xtr1) ping -c1 -W1 -I 198.18.1.7 198.18.3.7"
wait_until 5 "$(C xtr1) --json show map-cache 198.18.3.7 | jq -e '.[0].state == \"negative\"'" ||
    say "(no negative entry yet)"
cap_stop nreg
show_referrals nreg
run "$(C mr) show referral-cache"

step "DDT 6. publish/subscribe: a change of site 2 reaches xtr1 without SMR or a new Map-Request"
say "xtr1 and the Map-Servers share a pubsub-key; xtr1's Map-Requests carry the I and N bits"
say "and its xTR-ID (RFC 9437), so ms2 subscribed xtr1 to 198.18.2.0/24 in step 3 and xtr1"
say "confirmed it by acknowledging the signed Map-Notify:"
run "$(C ms2) show subscriptions"
say "now a second ETR of site 2 (xtr2b, RLOC 203.0.113.33) starts and registers the prefix:"
cap_start pub core e6 udp
cap_start reg core e8 udp
locid_start xtr2b "$DEMO/xtr2b.conf"
wait_until 10 "$(C xtr1) --json show map-cache 198.18.2.7 | jq -e '.[0].locators | length == 2'" ||
    say "(xtr1's cache has not changed yet)"
cap_stop pub; cap_stop reg
say "xtr2b's link: its Map-Register:"
show_cap reg "lisp && lisp.type != 8"
say "xtr1's link: ms2 publishes the new mapping (Map-Notify), xtr1 acknowledges; no SMR, no"
say "Map-Request:"
show_cap pub "lisp && !lisp-data"
treg=$(tsh reg 'lisp.type == 3' frame.time_epoch | head -1)
tack=$(tsh pub 'lisp.type == 5 && ip.src == 203.0.113.25' frame.time_epoch | head -1)
[ -n "$treg" ] && [ -n "$tack" ] &&
    say "$(awk -v a="$tack" -v r="$treg" 'BEGIN { printf "%.1f", (a - r) * 1000 }') ms from xtr2b's Map-Register reaching ms2 to xtr1's Map-Notify-Ack leaving xtr1;"
say "xtr1's cache has both locators:"
run "$(C xtr1) show map-cache 198.18.2.7"
run "$(C ms2) --json show stats | jq -c .map_server.pubsub"

step "the DDT lab keeps running"
say "explore:   $(C mr) show referral-cache"
say "           $(X mr) locictl rig -m 203.0.113.1 198.18.1.7"
say "           $(C mr) monitor ddt     (while: $(C xtr1) clear map-cache)"
say "           $(C ms2) show subscriptions"
say "logs:      $DEMO/*.log   captures: $DEMO/*.pcap"
if [ "$NS_PREFIX" != ddt- ]; then
	say "take down: NS_PREFIX=${NS_PREFIX%ddt-} scripts/demo-ddt.sh down"
else
	say "take down: scripts/demo.sh down (or scripts/demo-ddt.sh down)"
fi
