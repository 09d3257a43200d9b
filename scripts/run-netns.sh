#!/bin/sh
# run every network-namespace test (needs root); then the data-plane
# scenarios a second time on the in-kernel fast path (DATAPLANE=ebpf;
# the first run is on the TUN path, tests/netns/lib.sh)
build=${1:-build}
fail=0; n=0
for t in tests/netns/t_*.sh; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	echo "netns: $t"
	if ! BUILD=$build timeout 300 sh "$t"; then
		echo "FAIL: $t"; fail=$((fail + 1))
	fi
done
for t in t_seed_lab t_dualstack t_failover t_xtr_mtu t_pxtr t_smr t_attacks t_asan_lab t_tenant; do
	n=$((n + 1))
	echo "netns: tests/netns/$t.sh (DATAPLANE=ebpf)"
	if ! BUILD=$build DATAPLANE=ebpf timeout 300 sh "tests/netns/$t.sh"; then
		echo "FAIL: $t (DATAPLANE=ebpf)"; fail=$((fail + 1))
	fi
done
echo "netns: $((n - fail))/$n scenarios passed"
[ "$fail" -eq 0 ]
