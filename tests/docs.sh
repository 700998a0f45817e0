#!/bin/bash
# tests/docs.sh - the documentation says what the program does: the man
# pages render without warnings, name every command, every configuration
# key and every exit status the commands' --help give, and the example
# configuration is one ndrsweep reads.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
nd=$build/ndrsweep
man1=$build/share/ndrsweep.1 man5=$build/share/ndrsweep.conf.5
. "$top/tests/tap.inc.sh"

plan 8
if command -v groff >/dev/null; then
	out=$(groff -man -ww -z "$man1" "$man5" 2>&1)
	[ -z "$out" ] && ok "the man pages render without warnings" ||
	    not_ok "the man pages render without warnings"
else
	skip "the man pages render without warnings" "groff missing (apt-get install -y groff-base)"
fi
! grep -q '@[A-Z_]*@' "$man1" "$man5" && ok "configure filled in the version" ||
    not_ok "configure filled in the version"
cmds=$("$nd" --help | sed -n 's/^  \([a-z]*\)  .*/\1/p' | grep -v '^ui$')
out=
for c in $cmds; do
	grep -q "^\.B ndrsweep $c\b\|^\.B ndrsweep $c\$" "$man1" || out="$out $c"
	"$nd" "$c" --help | grep -q "^usage: ndrsweep" || out="$out $c(--help)"
done
[ -n "$cmds" ] && [ -z "$out" ] && ok "ndrsweep(1) has every command, each has --help ($(echo $cmds))" ||
    not_ok "ndrsweep(1) has every command, each has --help (missing:$out)"
keys=$(sed -n 's/^	{ "\([a-z_]*\)", K_.*/\1/p' "$top/core/config.c")
out=
for k in $keys; do grep -q "^\.B $k\$" "$man5" || out="$out $k"; done
[ -n "$keys" ] && [ -z "$out" ] && ok "ndrsweep.conf(5) has every key ($(echo $keys | wc -w))" ||
    not_ok "ndrsweep.conf(5) has every key (missing:$out)"
codes=$(for c in $cmds; do "$nd" "$c" --help; echo; done |
    awk '/^Exit status/ { p = 1 } p && /^$/ { p = 0 } p' |
    grep -o '\b[0-9]\{1,3\}\b' | sort -un)
out=
for n in $codes; do grep -q "^\.B $n\$" "$man1" || out="$out $n"; done
[ -n "$codes" ] && [ -z "$out" ] && ok "EXIT STATUS has every status the commands give ($(echo $codes))" ||
    not_ok "EXIT STATUS has every status the commands give (missing:$out)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(XDG_DATA_HOME=$tmp "$nd" report --config "$top/share/config.example" 2>&1)
[ $? = 0 ] && ok "the example configuration is read" || not_ok "the example configuration is read"
out=$(XDG_DATA_HOME=$tmp "$nd" report --config /dev/null 2>&1)
[ $? = 78 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
    ok "a configuration without accounts: exit 78, one line" ||
    not_ok "a configuration without accounts: exit 78, one line"
out=$(XDG_CONFIG_HOME=$tmp/none XDG_DATA_HOME=$tmp "$nd" scan 2>&1)
[ $? = 78 ] && [[ $out == "ndrsweep: no configuration at $tmp/none/ndrsweep/config: write one"*"ndrsweep demo"* ]] &&
    ok "a first run without a configuration says what to do" ||
    not_ok "a first run without a configuration says what to do"
