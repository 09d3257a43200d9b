#!/bin/sh
# make install DESTDIR=tmp: every file where locid(8) says, the installed
# programs print the version of the VERSION file, -h exits 0, and the
# installed systemd unit passes systemd-analyze verify (skipped, with a
# message, where systemd-analyze is missing). run from the top of the tree
tmp=$(mktemp -d /tmp/op_install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
ver=$(cat VERSION)

make -s --no-print-directory install DESTDIR="$tmp/root" PREFIX=/opt/lisp \
    BUILD="${BUILD:-build}" >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
r=$tmp/root/opt/lisp
for f in sbin/locid bin/locictl share/man/man8/locid.8 share/man/man8/locictl.8 \
    share/man/man5/locid.conf.5 share/doc/locid/locid.conf.sample \
    share/doc/locid/examples/xtr.conf lib/systemd/system/locid.service \
    share/bash-completion/completions/locictl; do
	[ -f "$r/$f" ] || bad "$f not installed"
done
[ -x "$r/sbin/locid" ] && [ -x "$r/bin/locictl" ] || bad "programs not executable"
[ -z "$(find "$tmp/root" -path "$tmp/root/opt" -prune -o -type f -print)" ] ||
    bad "files outside PREFIX: $(find "$tmp/root" -type f | grep -v "^$r/")"
[ "$("$r/sbin/locid" --version)" = "locid $ver" ] || bad "locid --version: $("$r/sbin/locid" --version)"
[ "$("$r/sbin/locid" -V)" = "locid $ver" ] || bad "locid -V"
[ "$("$r/bin/locictl" --version)" = "locictl $ver" ] || bad "locictl --version"
"$r/sbin/locid" --help | grep -q '^usage: locid' || bad "locid --help"
"$r/sbin/locid" -h >/dev/null || bad "locid -h exit $?"
"$r/bin/locictl" --help >/dev/null || bad "locictl --help exit $?"
"$r/sbin/locid" -Z >/dev/null 2>&1; [ $? -eq 2 ] || bad "locid -Z is not a usage error"
"$r/sbin/locid" -n -f "$r/share/doc/locid/locid.conf.sample" 2>/dev/null ||
    bad "the sample configuration does not load"
u=$r/lib/systemd/system/locid.service
grep -q "^ExecStart=/opt/lisp/sbin/locid " "$u" || bad "unit ExecStart not under PREFIX"
grep -q "^ExecReload=/opt/lisp/bin/locictl " "$u" || bad "unit ExecReload not under PREFIX"
grep -q "^PIDFile=/run/locid/locid.pid" "$u" || bad "unit PIDFile"
grep -q '^control "/run/locid/locid.sock"' "$r/share/doc/locid/locid.conf.sample" ||
    bad "sample config's control socket is not the unit's"
bash -n "$r/share/bash-completion/completions/locictl" || bad "completion is not valid bash"
out=$(bash -c ". '$r/share/bash-completion/completions/locictl'
	COMP_WORDS=(locictl show ve); COMP_CWORD=2; _locictl; echo \${COMPREPLY[*]}")
[ "$out" = version ] || bad "completion of 'show ve': '$out'"

if command -v systemd-analyze >/dev/null 2>&1; then
	# the unit as installed, its programs found in the staging tree
	sed "s|/opt/lisp/|$r/|g" "$u" >"$tmp/locid.service"
	systemd-analyze verify --man=no "$tmp/locid.service" >"$tmp/v" 2>&1 ||
	    { bad "systemd-analyze verify"; cat "$tmp/v"; }
	[ -s "$tmp/v" ] && { bad "systemd-analyze warns"; cat "$tmp/v"; }
else
	echo "skip: systemd-analyze not found, unit not verified"
fi
make -s --no-print-directory uninstall DESTDIR="$tmp/root" PREFIX=/opt/lisp >/dev/null 2>&1
[ -z "$(find "$tmp/root" -type f)" ] || bad "uninstall left $(find "$tmp/root" -type f)"
[ "$fail" -eq 0 ] && echo "install: all checks passed"
[ "$fail" -eq 0 ]
