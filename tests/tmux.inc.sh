# tests/tmux.inc.sh - ndrsweep driven in tmux, as tmux's own regress suite
# drives programs (sourced by bash once `tm ARGS...` runs tmux on the
# test's own server):
#   screen                the pane (session $TM_TARGET, default ui) as text
#   wait_for TEXT [TENTHS] until the screen shows TEXT, at most TENTHS
#                         tenths of a second (default $WAIT_TENTHS, 100);
#                         else the screen in $out and 1
#   keys KEYS...          send them, then a moment ($KEYS_PAUSE, 0.2 s)
screen() { tm capture-pane -p -t "${TM_TARGET:-ui}"; }
wait_for() {
	local i
	for i in $(seq "${2:-${WAIT_TENTHS:-100}}"); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	out=$(screen)
	return 1
}
keys() { tm send-keys -t "${TM_TARGET:-ui}" "$@"; sleep "${KEYS_PAUSE:-0.2}"; }
