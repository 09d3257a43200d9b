#!/bin/sh
# install the Debian packages locid needs to build and test; quiet and
# idempotent when everything is there.
set -e
PKGS="build-essential pkg-config clang libclang-rt-14-dev libssl-dev libevent-dev
libmnl-dev libjansson-dev libpcap-dev libcmocka-dev bison flex tshark python3-cryptography
liburcu-dev libcap-ng-dev libbpf-dev bpftool iproute2 iputils-ping jq iperf3 tcpdump procps
nftables conntrack"
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq >/dev/null 2>&1 || true
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
