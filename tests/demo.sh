#!/bin/bash
# tests/demo.sh - `ndrsweep demo` in tmux: the interface on the generated
# mailbox, then the private server stopped and its folder removed, after q
# and after Ctrl-C.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
nd=$build/ndrsweep
. "$top/tests/tap.inc.sh"

plan 14
need 14 dovecot dovecot-imapd
need 14 tmux tmux
# a server per run: a new one under the name of one being killed can
# meet it still exiting ("server exited unexpectedly")
nrun=0
tm() { tmux -L "ndrsweep-demo-$$-$nrun" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
TM_TARGET=d WAIT_TENTHS=300
. "$top/tests/tmux.inc.sh"
# shown TEXT: the screen, as comments in the log (a failure explained)
shown() { printf '%s\n' "$1" | sed 's/^/# /'; }
# run KEYS...: the demo (a small mailbox), until scanned, then the keys;
# sets $dir (the demo's folder, from its last line) and $status
run() {
	status= dir=
	tm kill-server 2>/dev/null
	nrun=$((nrun + 1))
	tm new-session -d -s d -x 120 -y 40 \
	    "LANG=C.UTF-8 NDRSWEEP_SHARE='$top/share' '$nd' demo 0.05; echo EXIT=\$?; sleep 600"
	# the first demo of a run can start slowly (a sanitized build, a
	# loaded machine: the CA, the mailbox, Dovecot's first start)
	wait_for "scanned at" 900 || { shown "$out"; return 1; }
	tm send-keys -t d "$@"
	wait_for "EXIT=" 300 || { shown "$out"; return 1; }
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

# ---- a newcomer: the flood quarantined and a legitimate bounce kept,
# using only keys the screen itself shows (its footer's hints, its own
# questions) and the arrow keys, at 80x24 ----
# hint KEY: KEY pressed only when the footer offers it ("KEY:...")
hint() {
	local foot
	foot=$(screen | tail -2 | head -1)
	case " $foot" in
	*" $1:"*) ;;
	*) out="footer without $1: $foot"; return 1 ;;
	esac
	tm send-keys -t d "$2"
	sleep 0.3
}
tm kill-server 2>/dev/null
nrun=$((nrun + 1))
tm new-session -d -s d -x 80 -y 24 \
    "LANG=C.UTF-8 NDRSWEEP_SHARE='$top/share' '$nd' demo 0.05; echo EXIT=\$?; sleep 600"
wait_for "scanned at" 900 || shown "$out"
back=$(screen | sed -n 's/.*reports: \([0-9]*\) backscatter.*/\1/p')
step() { if "${@:2}"; then ok "$1"; else not_ok "$1"; printf '%s\n' "$out" | sed 's/^/# /'; fi; }
# "scanned at" is only shown beside what the scan brought: the flood
step "newcomer: the overview counts the backscatter ($back)" test "${back:-0}" -gt 0
# the menu: Campaigns, then Backscatter
tm send-keys -t d Down
open_back() { hint Enter Enter && wait_for "backscatter: $back messages"; }
step "newcomer: Enter (in the footer) opens the backscatter" open_back
mark_all() { hint S S && wait_for "$back messages marked quarantine"; }
step "newcomer: S (in the footer) marks the whole list" mark_all
commit() { hint '$' '$' && wait_for "Commit: $1? [y/N]"; }
step "newcomer: \$ (in the footer at 80 columns) asks before it commits" \
    commit "quarantine $back"
tm send-keys -t d y
step "newcomer: the flood quarantined" \
    wait_for "committed: $back quarantined"
# back to the overview, down to Legit (Campaigns, Backscatter, Unsure, Legit)
hint q q
tm send-keys -t d Down Down
sleep 0.3
open_legit() { hint Enter Enter && wait_for "legit: "; }
step "newcomer: the legitimate bounces listed" open_legit
keep_one() { hint K K && commit "keep 1" && tm send-keys -t d y &&
    wait_for "0 deleted, 1 kept"; }
step "newcomer: K keeps one, \$ commits it" keep_one
tm send-keys -t d q q
step "newcomer: q, q ends it" wait_for "EXIT=0" 100
