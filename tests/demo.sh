#!/bin/bash
# tests/demo.sh - `ndrsweep demo` in tmux: the interface on the generated
# mailbox, then the private server stopped and its folder removed, after q
# and after Ctrl-C.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
nd=$build/ndrsweep
. "$top/tests/tap.inc.sh"

plan 6
need 6 dovecot dovecot-imapd
need 6 tmux tmux
# a server per run: a new one under the name of one being killed can
# meet it still exiting ("server exited unexpectedly")
nrun=0
tm() { tmux -L "ndrsweep-demo-$$-$nrun" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
screen() { tm capture-pane -p -t d; }
wait_for() {
	local i
	for i in $(seq "${2:-300}"); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	out=$(screen)
	return 1
}
# run KEYS...: the demo (a small mailbox), until scanned, then the keys;
# sets $dir (the demo's folder, from its last line) and $status
run() {
	status= dir=
	tm kill-server 2>/dev/null
	nrun=$((nrun + 1))
	tm new-session -d -s d -x 120 -y 40 \
	    "LANG=C.UTF-8 NDRSWEEP_SHARE='$top/share' '$nd' demo 0.05; echo EXIT=\$?; sleep 600"
	wait_for "scanned at" || return 1
	tm send-keys -t d "$@"
	wait_for "EXIT=" 100 || return 1
	status=$(screen | sed -n 's/^EXIT=//p')
	dir=$(screen | sed -n 's/.*server stopped, \(.*\) removed$/\1/p')
}
if run q; then
	ok "the demo opens the interface on its mailbox, scanned over TLS"
else
	not_ok "the demo opens the interface on its mailbox, scanned over TLS"
fi
[ "$status" = 0 ] && ok "q ends it: exit 0" || not_ok "q ends it: exit 0 ($status)"
[ -n "$dir" ] && [ ! -e "$dir" ] && ! pgrep -f "dovecot -F -c $dir/" >/dev/null &&
    ok "the server stopped and its folder removed" ||
    not_ok "the server stopped and its folder removed"
run C-c
[ "$status" = 130 ] && ok "Ctrl-C ends it: exit 130" || not_ok "Ctrl-C ends it: exit 130 ($status)"
[ -n "$dir" ] && [ ! -e "$dir" ] && ! pgrep -f "dovecot -F -c $dir/" >/dev/null &&
    ok "after Ctrl-C too: server stopped, folder removed" ||
    not_ok "after Ctrl-C too: server stopped, folder removed"
out=$("$nd" demo --help)
[[ $out == *"usage: ndrsweep demo"* ]] && ok "demo --help" || not_ok "demo --help"
