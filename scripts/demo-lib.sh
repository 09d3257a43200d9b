# what the demo scripts (demo.sh, demo-pxtr.sh, demo-ddt.sh, demo-nat.sh)
# share: sourced from the top of the tree after the script has set DEMO
# (its directory), NS_PREFIX and NS_LIST, and defined down().

# demo_kill FILE...: stop the processes whose pids the files hold
demo_kill() {
	for _f in "$@"; do
		[ -f "$_f" ] || continue
		kill "$(cat "$_f")" 2>/dev/null
		rm -f "$_f"
	done
}

# demo_netns_del: the namespaces of NS_LIST, once their daemons are gone
demo_netns_del() {
	sleep 0.5
	for _n in $NS_LIST; do ip netns del "$NS_PREFIX$_n" 2>/dev/null; done
}

# demo_setup NAME BUILD [COMMAND...]: root and the commands needed, then a
# clean lab directory, tests/netns/lib.sh on it and BUILD's binaries first
# in PATH (BUILD made absolute)
demo_setup() {
	_dn=$1; BUILD=${2:-build}; shift 2
	[ "$(id -u)" -eq 0 ] || { echo "$_dn: needs root (network namespaces)" >&2; exit 1; }
	for _c in "$@"; do
		command -v "$_c" >/dev/null || { echo "$_dn: needs $_c (sh scripts/deps.sh)" >&2; exit 1; }
	done
	case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
	down
	rm -rf "$DEMO"
	mkdir -p "$DEMO"
	NETNS_TMP=$DEMO
	export NETNS_TMP
	. tests/netns/lib.sh
	KEEP_TMP=1
	PATH=$BUILD/bin:$PATH
	export PATH
}

# the narration: a step's title, a line of text, a command shown and run
B=$(printf '\033[1m'); N=$(printf '\033[0m')
[ -t 1 ] || { B=""; N=""; }
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
say() { printf '   %s\n' "$*"; }
run() { printf '%s$ %s%s\n' "$B" "$*" "$N"; sh -c "$*" 2>&1 | sed 's/^/   /'; }
X() { printf 'ip netns exec %s' "$(ns "$1")"; }		# X lisp1: the prefix to run in lisp1
