# the NAT traversal lab of t_nat.sh and bench/nat.sh (sourced after
# lib.sh; T is the directory for the configurations):
#
#  hostA --- xtrA ------------- nat =============== ms ============ rtr
#  .1.10  .1.1  198.19.0.2/24  .1  203.0.113.1/30  .2  .10  203.0.113.9/30
#  EID 198.18.1.0/24           masquerade          map-server   (+ pitr, petr)
#                                                  map-resolver
#                                                  nat-rtr .9
#                                                     | .6
#                                     hostB --- xtrB  203.0.113.5/30
#                                    .2.10  .2.1   EID 198.18.2.0/24
#  hostC --- xtrC ------------- nat (eth2): a second site behind the NAT
#  .3.10  .3.1  198.19.1.2/24  .1   EID 198.18.3.0/24 (xtrC.conf)
#
# the MS and the RTR share a key (nat-rtr ... key, the RTR's map-server
# line) and require MS-RTR authentication both ways; the RTR, xtrA and
# xtrC take the same-NAT short-cut (nat-shortcut yes).
# configurations ms.conf, rtr.conf, xtrA.conf (nat-traversal yes, Info-
# Requests every 2 s, Map-Registers every 5 s), xtrB.conf in $T
# ctlq NS SOCK JQ-FILTER COMMAND...: locictl --json COMMAND answered and
# the filter holds (jq -e alone passes on empty input, e.g. before the
# daemon's socket is there)
ctlq() {
	_qn=$1; _qs=$2; _qf=$3; shift 3
	_qo=$(ctl "$_qn" "$_qs" --json "$@") && [ -n "$_qo" ] &&
	    printf '%s' "$_qo" | jq -e "$_qf" >/dev/null
}

topo_nat_lab() {
	KEY=nat-s3cret

	for n in hostA xtrA nat ms rtr xtrB hostB xtrC hostC; do ns_add $n; done
	link_add hostC eth0 198.18.3.10/24 xtrC eth1 198.18.3.1/24
	link_add xtrC eth0 198.19.1.2/24 nat eth2 198.19.1.1/24
	in_ns hostC ip route add default via 198.18.3.1
	in_ns xtrC ip route add default via 198.19.1.1
	router xtrC
	link_add hostA eth0 198.18.1.10/24 xtrA eth1 198.18.1.1/24
	link_add xtrA eth0 198.19.0.2/24 nat eth1 198.19.0.1/24
	link_add nat eth0 203.0.113.1/30 ms eth1 203.0.113.2/30
	link_add rtr eth0 203.0.113.9/30 ms eth2 203.0.113.10/30
	link_add xtrB eth0 203.0.113.5/30 ms eth3 203.0.113.6/30
	link_add hostB eth0 198.18.2.10/24 xtrB eth1 198.18.2.1/24
	in_ns xtrB ip route add default via 203.0.113.6
	in_ns hostB ip route add default via 198.18.2.1
	router xtrB; router rtr
	in_ns hostA ip route add default via 198.18.1.1
	in_ns xtrA ip route add default via 198.19.0.1
	in_ns nat ip route add default via 203.0.113.2
	in_ns rtr ip route add default via 203.0.113.10
	router xtrA; router nat; router ms
	# the NAT: every UDP flow leaving eth0 gets the outside address and a
	# random port (so a new binding has a new port)
	in_ns nat nft -f - <<'NFT' || fail "nft"
table ip nt_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" masquerade random
	}
}
NFT

	cat >"$T/ms.conf" <<CONF
role map-server
role map-resolver
control "$T/ms.sock"
log-rate 100
site natted {
	key 0 sha1 "$KEY"
	eid-prefix 198.18.1.0/24
}
site plain {
	key 0 sha256 "plain-s3cret"
	eid-prefix 198.18.2.0/24
}
site natted2 {
	key 0 sha256 "natted2-s3cret"
	eid-prefix 198.18.3.0/24
}
nat-rtr 203.0.113.9 key 0 sha1 "ms-rtr-s3cret"
ms-rtr-auth required
CONF
	cat >"$T/xtrB.conf" <<CONF
role itr
role etr
control "$T/xtrB.sock"
log-rate 100
tun ntlisp0
timers {
	probe-interval 2
}
database-mapping 198.18.2.0/24 {
	rloc 203.0.113.5 priority 1 weight 100
}
map-server 203.0.113.2 key 0 sha256 "plain-s3cret" want-map-notify
map-resolver 203.0.113.2
CONF
	cat >"$T/xtrA.conf" <<CONF
role itr
role etr
control "$T/xtrA.sock"
log-rate 100
tun ntlisp0
timers {
	register-interval 5
	probe-interval 2
}
database-mapping 198.18.1.0/24 {
	rloc interface eth0 ipv4 priority 1 weight 100
}
map-server 203.0.113.2 key 0 sha1 "$KEY" want-map-notify
map-resolver 203.0.113.2
nat-traversal yes
nat-shortcut yes
info-request-interval 2
xtr-id 0x0123456789abcdef0123456789abcdef
CONF
	cat >"$T/xtrC.conf" <<CONF
role itr
role etr
control "$T/xtrC.sock"
log-rate 100
tun ntlisp0
timers {
	register-interval 5
	probe-interval 2
}
database-mapping 198.18.3.0/24 {
	rloc interface eth0 ipv4 priority 1 weight 100
}
map-server 203.0.113.2 key 0 sha256 "natted2-s3cret" want-map-notify
map-resolver 203.0.113.2
nat-traversal yes
nat-shortcut yes
info-request-interval 2
CONF
	cat >"$T/rtr.conf" <<CONF
role rtr
role pitr
role petr
control "$T/rtr.sock"
log-rate 100
tun ntrtr0
map-server 203.0.113.2 key 0 sha1 "ms-rtr-s3cret"
ms-rtr-auth required
nat-shortcut yes
map-resolver 203.0.113.2
pitr-prefix 198.18.0.0/15
CONF
}
