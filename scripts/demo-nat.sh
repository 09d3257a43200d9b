#!/bin/sh
# NAT traversal through an RTR (issue 12), after scripts/demo-pxtr.sh, in
# namespaces of its own (the lab of tests/netns/nat_lab.sh, names with
# the prefix nat-). `scripts/demo-nat.sh [BUILD-DIR]` builds it and tells
# the story with real packets: xtrA sits behind an nftables masquerade
# NAT; its Info-Request to the Map-Server finds the NAT and the RTR; it
# registers through the RTR (an ECM'd Map-Register, relayed to the
# Map-Server, the Map-Notify back as a Data-Map-Notify), all decoded by
# tshark; the Map-Server has the site with the RTR as its locator; pings
# cross both ways between the NATed site and an ordinary one through the
# RTR; the Map-Server and the RTR authenticate the relay and the
# Map-Notify with a shared key; a second site behind the same NAT; the NAT loses its binding and
# the xTR finds the new one. `scripts/demo-nat.sh down` removes it.
#
#  hostA --- xtrA ------------- nat =============== ms ============ rtr
#  .1.10  .1.1  198.19.0.2/24  .1  203.0.113.1/30  .2  .10  203.0.113.9/30
#  EID 198.18.1.0/24           masquerade          map-server   (+ pitr, petr)
#                                                  map-resolver
#                                                     | .6
#                                     hostB --- xtrB  203.0.113.5/30
#                                    .2.10  .2.1   EID 198.18.2.0/24
#  hostC --- xtrC ------------- nat (eth2): a second site behind the NAT
#  .3.10  .3.1  198.19.1.2/24  .1   EID 198.18.3.0/24
# NS_PREFIX=x- runs a private copy (x-nat-xtrA, ...) beside a running demo.
cd "$(dirname "$0")/.." || exit 1
NS_PREFIX=${NS_PREFIX:-}
DEMO=/tmp/locid-demo-nat${NS_PREFIX:+-$NS_PREFIX}
NS_PREFIX=${NS_PREFIX}nat-
NS_LIST="hostA xtrA nat ms rtr xtrB hostB xtrC hostC"

. scripts/demo-lib.sh
down() {
	demo_kill "$DEMO"/*.pid "$DEMO"/*.cpid	# daemons, captures
	demo_netns_del
}

if [ "$1" = down ]; then
	down
	echo "nat lab removed"
	exit 0
fi
demo_setup demo-nat.sh "$1" tshark jq nft conntrack
T=$DEMO
. tests/netns/nat_lab.sh
C() { printf '%s locictl -s %s/%s.sock' "$(X "$1")" "$DEMO" "$1"; }	# locictl for it
# the NAT's ports are random, so tshark is told which are LISP: DA holds
# "-d udp.port==P,lisp ..." once they are known
DA=""
# one line per packet: time, outer who:port -> whom:port, [inner who -> whom], what
show_cap() {	# NAME [FILTER]
	tshark -r "$DEMO/$1.pcap" $DA -Y "${2:-udp or icmp}" -T fields -E separator='	' \
	    -e frame.time_relative -e ip.src -e ip.dst -e udp.srcport -e udp.dstport \
	    -e _ws.col.Info 2>/dev/null |
	    awk -F'\t' '{ split($2, s, ","); split($3, d, ","); split($4, sp, ","); split($5, dp, ",")
		inner = s[2] != "" ? sprintf("[%s -> %s] ", s[2], d[2]) : ""
		printf "   %7.3fs  %-20s -> %-20s %s%s\n", $1, s[1] ":" sp[1], d[1] ":" dp[1], inner, $6 }'
}

step "NAT 1. a site behind NAT: xtrA's uplink is a private address, masqueraded by an nftables NAT"
say "most edge routers sit behind a NAT. What xtrA would register, 198.19.0.2, is not reachable"
say "from the Internet, and the NAT opens a binding only for traffic that xtrA starts."
say "The NAT traversal drafts (draft-ermagan-lisp-nat-traversal) add an RTR (re-encapsulating"
say "tunnel router): the site registers through it, and traffic to and from it goes through it."
topo_nat_lab
run "$(X nat) nft list ruleset"
for n in ms rtr xtrB; do locid_start $n "$DEMO/$n.conf"; done
wait_until 10 "ctlq ms $T/ms.sock '.[] | select(.eid_prefix == \"198.18.2.0/24\") | .registered' show site" ||
    say "(xtrB has not registered yet; see $DEMO/*.log)"
say "the Map-Server offers the RTR 203.0.113.9 to NATed sites ('nat-rtr'); the RTR is locid with"
say "'role rtr' (plus pitr and petr, so that it decapsulates and re-encapsulates for any EID):"
run "grep nat-rtr $DEMO/ms.conf; grep -e role -e map-server $DEMO/rtr.conf"
say "xtrA has 'nat-traversal yes': before it registers it asks the Map-Server whether it is"
say "behind a NAT, and again every 'info-request-interval' (2 s here) to keep the binding:"
run "grep -e rloc -e map-server -e nat -e info $DEMO/xtrA.conf"

step "NAT 2. xtrA starts: an Info-Request tells it that it is behind a NAT, and which RTR to use"
cap_start in nat eth1 udp
cap_start out nat eth0 udp
cap_start rtrside rtr eth0 "udp or icmp"
locid_start xtrA "$DEMO/xtrA.conf"
wait_until 10 "ctlq xtrA $T/xtrA.sock '.uplinks[0].state == \"behind-nat\"' show nat" ||
    say "(no NAT detected yet; see $DEMO/xtrA.log)"
iport=$(ctl xtrA "$T/xtrA.sock" --json show nat | jq -r '.uplinks[0].global_port // empty')
wait_until 15 "ctlq rtr $T/rtr.sock '.xtrs[0].state == \"verified\"' show nat" ||
    say "(xtrA is not registered through the RTR yet; see $DEMO/*.log)"
dport=$(ctl rtr "$T/rtr.sock" --json show nat | jq -r '.xtrs[0].global_port // empty')
cap_stop in; cap_stop out
[ -n "$iport" ] && DA="-d udp.port==$iport,lisp"
say "xtrA's side of the NAT: the Info-Request from 198.19.0.2:4342, signed with the site's key"
say "and carrying its EID-prefix; the Info-Reply back to it:"
show_cap in "lisp.type == 7"
say "the outside: the NAT rewrote the source to 203.0.113.1:${iport:-?}. The Map-Server answers"
say "there, and its NAT-Traversal LCAF reports what it saw:"
show_cap out "lisp.type == 7"
tshark -r "$DEMO/out.pcap" $DA -Y 'lisp.type == 7 && lisp.info.r == 1' -T fields -E separator='|' \
    -e lisp.lcaf.natt.msport -e lisp.lcaf.natt.etrport -e lisp.lcaf.natt.rloc.ipv4 2>/dev/null |
    head -1 | awk -F'|' '{ split($3, a, ",")
	printf "   NAT-Traversal LCAF: MS port %s, ETR port %s, global ETR RLOC %s, MS RLOC %s, RTR %s\n",
	    $1, $2, a[1], a[2], a[3] }'
say "the NAT's conntrack has the same binding:"
run "$(X nat) conntrack -L -p udp --orig-src 198.19.0.2 --orig-port-src 4342 2>/dev/null"
say "xtrA's view ('behind-nat', the global address and port, the RTRs):"
run "$(C xtrA) show nat"

step "NAT 3. xtrA registers through the RTR, which relays to the Map-Server"
[ -n "$dport" ] && DA="$DA -d udp.port==$dport,lisp"
say "the RTR's link: xtrA's Map-Register comes in an ECM (R bit) from its data port 4341,"
say "through the NAT's binding 203.0.113.1:${dport:-?}, with the RTR as its only locator. The RTR"
say "relays it to the Map-Server in an ECM of its own; the Map-Server's Map-Notify comes back"
say "to the RTR in an ECM, and the RTR sends it on to xtrA through the binding as a"
say "Data-Map-Notify (a LISP data packet with instance-id 0xFFFFFF, from 4342):"
show_cap rtrside "lisp.type == 8" | head -3
tshark -r "$DEMO/rtrside.pcap" $DA -Y 'lisp.type == 8 && ip.src == 203.0.113.1' -T fields \
    -E separator='|' -e udp.payload -e lisp.loc.locator -e lisp.mapping.eid.ipv4 \
    -e lisp.mapping.eid.masklen 2>/dev/null | head -1 | awk -F'|' '{
	printf "   decoded: ECM header 0x%s (R: for an RTR), inner Map-Register for %s/%s, locator %s\n",
	    substr($1, 1, 8), $3, $4, $2 }'
[ -n "$dport" ] && tshark -r "$DEMO/rtrside.pcap" -d "udp.port==$dport,lisp-data" \
    -Y "ip.dst == 203.0.113.1 && lisp-data.iid == 0xffffff" -T fields -e frame.time_relative \
    -e udp.srcport -e udp.dstport -e lisp-data.iid 2>/dev/null | head -1 | awk '{
	split($2, s, ","); split($3, d, ",")
	printf "   %7.3fs  %-20s -> %-20s Data-Map-Notify (LISP data, IID %s)\n", $1,
	    "203.0.113.9:" s[1], "203.0.113.1:" d[1], $4 }'
say "the Map-Server and the RTR share a key and require MS-RTR authentication both ways:"
run "grep -e nat-rtr -e ms-rtr-auth $DEMO/ms.conf; grep -e map-server -e ms-rtr-auth $DEMO/rtr.conf"
say "so the relay and the Map-Notify carry the S bit and authentication data of type 2 (an"
say "HMAC over the inner message) before the inner IP header. tshark does not decode it;"
say "tests/netns/msrtr_check.py does, and checks the HMAC with the key:"
for t in "203.0.113.2 3 relayed Map-Register" "203.0.113.9 4 Map-Notify"; do
	set -- $t
	hex=$(tshark -r "$DEMO/rtrside.pcap" -Y "ip.dst == $1 && lisp.type == 8 && lisp.ecm.flags.sec == 1" \
	    -T fields -e udp.payload 2>/dev/null | head -1)
	printf '   ECM header 0x%s, %s: ' "$(printf %.8s "$hex")" "$3${4:+ $4}"
	python3 tests/netns/msrtr_check.py ms-rtr-s3cret "$2" $hex
done
say "the Map-Server has the NATed site registered with the RTR as its locator (the RTR asked"
say "for proxy-reply: it answers Map-Requests for xtrA, which cannot be reached):"
run "$(C ms) show site"
say "the RTR keeps the NAT state of each xTR it serves, verified by the Map-Server's Map-Notify:"
run "$(C rtr) show nat"

step "NAT 4. hostA (behind the NAT) and hostB (an ordinary site) ping each other through the RTR"
cap_start data rtr eth0 "udp or icmp"
run "$(X hostA) ping -c3 -W2 198.18.2.10"
run "$(X hostB) ping -c3 -W2 198.18.1.10"
cap_stop data
[ -n "$dport" ] && DA="-d udp.port==$dport,lisp-data"
say "the RTR's link: xtrA sends everything to the RTR, which decapsulates and re-encapsulates to"
say "xtrB; towards hostA it sends from 4342 to the NAT's binding, the only way in:"
show_cap data "lisp-data && icmp && icmp.seq == 1"
say "xtrB's mapping of hostA's EID is the RTR (xtrB probes it, the RTR answers for xtrA):"
run "$(C xtrB) show map-cache 198.18.1.10"
run "$(C rtr) --json show stats | jq -c '{encap: .xtr.encap_packets, decap: .xtr.decap_packets, rtr}'"

step "NAT 5. a second site behind the same NAT: the short-cut, xtrA and xtrC talk directly"
locid_start xtrC "$DEMO/xtrC.conf"
wait_until 15 "ctlq rtr $T/rtr.sock '[.xtrs[] | select(.state == \"verified\")] | length == 2' show nat" ||
    say "(xtrC is not registered through the RTR yet)"
say "xtrC registers through the RTR too; the RTR tells the two apart by xTR-ID and by their"
say "NAT bindings, and sees both behind the same global address 203.0.113.1:"
run "$(C rtr) show nat"
say "with 'nat-shortcut yes' (the RTR, xtrA, xtrC; a locid extension) the RTR tells each the"
say "other's EID-prefix at its private address, the RTR second (the fallback when the private"
say "address does not answer RLOC-probes):"
wait_until 10 "ctlq xtrA $T/xtrA.sock '.[] | select(.source == \"nat-shortcut\")' show map-cache" ||
    say "(no short-cut yet)"
run "$(C xtrA) show map-cache 198.18.3.10"
cap_start inside nat eth2 udp
run "$(X hostC) ping -c2 -W2 198.18.1.10"
cap_stop inside
say "xtrC's side of the NAT: LISP data between the private addresses, no RTR, no translation:"
show_cap inside "lisp-data && icmp"

step "NAT 6. the NAT forgets its bindings: the next Info-Request finds the new one"
run "$(X nat) conntrack -F"
wait_until 15 "ctlq xtrA $T/xtrA.sock '.uplinks[0].binding_changes >= 1' show nat" ||
    say "(no binding change seen yet)"
run "grep 'binding changed' $DEMO/xtrA.log | tail -1"
say "xtrA registers again at once, the RTR follows the new binding, and the pings cross:"
wait_until 15 "ctlq rtr $T/rtr.sock '(.xtrs[] | select(.private == \"198.19.0.2\")) | .state == \"verified\" and .global_port != ${dport:-0}' show nat" ||
    say "(the RTR has not seen the new binding yet)"
run "$(C rtr) show nat"
run "$(X hostB) ping -c2 -W2 198.18.1.10"

step "the NAT lab keeps running"
say "explore:   $(C xtrA) show nat"
say "           $(C rtr) show nat"
say "           $(C rtr) monitor rtr     (while: $(X nat) conntrack -F)"
say "           $(C ms) show site --detail"
say "logs:      $DEMO/*.log   captures: $DEMO/*.pcap"
if [ "$NS_PREFIX" != nat- ]; then
	say "take down: NS_PREFIX=${NS_PREFIX%nat-} scripts/demo-nat.sh down"
else
	say "take down: scripts/demo.sh down (or scripts/demo-nat.sh down)"
fi
