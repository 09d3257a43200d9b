#!/bin/sh
# reflection factor of every role that answers unsolicited traffic: octets
# sent towards a victim / octets of the spoofed messages that caused them,
# measured in one run in the seed lab (tests/netns/t_attacks.sh sets it up
# and asserts <= 1; this prints the table). the baseline of each ratio is
# the attacker's own traffic of the same run.
#   MR   negative answers to 8-record ECMs from random spoofed sources
#   ETR  RLOC-probes spoofed from the victim
#   ETR  an 8-record ECM forwarded by the MS
# usage: bench/reflection.sh [BUILD]
cd "$(dirname "$0")/.." || exit 1
build=${1:-${BUILD:-build}}
out=$(NS_PREFIX=${NS_PREFIX:-rf_} BUILD=$build timeout 240 sh tests/netns/t_attacks.sh 2>&1)
rc=$?
echo "$out" | grep -E "reflection:|answer to an 8-record" | sed 's/^/  /'
printf '%-6s %-44s %s\n' role "unsolicited traffic" "factor (out/in, target <= 1.0)"
echo "$out" | sed -n 's/^MR reflection: .*factor \([0-9.]*\)$/MR     1500 spoofed ECMs, 8 records each         \1/p'
echo "$out" | sed -n 's/^probe reflection: .*factor \([0-9.]*\) .*/ETR    2000 RLOC-probes spoofed from the victim  \1/p'
echo "$out" | sed -n 's/^ETR answer to an 8-record ECM: factor \([0-9.]*\)$/ETR    one 8-record ECM via the MS               \1/p'
[ "$rc" -eq 0 ] || { echo "$out" | grep FAIL; exit 1; }
