#!/bin/bash
# tests/tui.sh - the interface, driven in tmux against a real Dovecot, as
# tmux's own regress suite drives programs: a detached session of fixed
# size, keys sent with send-keys, the screen read with capture-pane -p.
# What the keys did is checked on the server (doveadm), not on the screen.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

N=65
plan $N
need $N dovecot dovecot-imapd
need $N tmux tmux
dc_start
export XDG_DATA_HOME=$DC_DIR/data
cf=$DC_DIR/config
dc_config "$cf" t "port=$DC_PORT" tls=none folders=INBOX \
    addresses=alice@ndrsweep.test "quarantine=Quarantäne/Rückläufer"

# the mailbox: a campaign of 30, one of 12, a legitimate bounce of mail in
# Sent, ordinary mail
sed -e 's/^Message-Id: <lunch@example.org>/Message-Id: <sent-1@ndrsweep.test>/' \
    -e 's/^From: .*/From: alice@ndrsweep.test/' "$mail/ordinary1.eml" >"$DC_DIR/sent1.eml"
sed -e 's/^Message-Id: <spam-1@/Message-Id: <sent-1@/' \
    -e 's/^Message-Id: <b1@/Message-Id: <legit1@/' \
    -e 's/Cheap watches/Lunch on Friday/' "$mail/bounce1.eml" >"$DC_DIR/legit1.eml"
for i in $(seq 30); do
	sed -e "s/^Message-Id: <b1@/Message-Id: <w$i@/" \
	    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-w$i@/" \
	    "$mail/bounce1.eml" >"$DC_DIR/w$i.eml"
done
for i in $(seq 12); do
	sed -e "s/^Message-Id: <b1@/Message-Id: <h$i@/" \
	    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-h$i@/" \
	    -e 's/Cheap watches/Replica handbags from Milan/' \
	    "$mail/bounce1.eml" >"$DC_DIR/h$i.eml"
done
dc_append "$DC_USER" Sent "$DC_DIR/sent1.eml"
dc_append "$DC_USER" INBOX "$DC_DIR"/w*.eml "$DC_DIR"/h*.eml \
    "$DC_DIR/legit1.eml" "$mail/ordinary1.eml"

# ---- tmux ----
# a server per start: a new one under the name of one being killed can
# meet it still exiting ("server exited unexpectedly")
nrun=0
tm() { tmux -L "ndrsweep-test-$$-$nrun" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; dc_stop' EXIT
. "$top/tests/tmux.inc.sh"
# start [ENV...]: ndrsweep in a new session of 120x40, its exit status
# printed when it ends
start() {
	tm kill-server 2>/dev/null
	nrun=$((nrun + 1))
	rm -f "$DC_DIR/exit"
	tm new-session -d -s ui -x 120 -y 40 \
	    "env XDG_DATA_HOME=$XDG_DATA_HOME LANG=C.UTF-8 $* '$nd' --config '$cf' ${ndargs:-}; echo EXIT=\$? >'$DC_DIR/exit'; echo EXIT; sleep 600"
}
exit_status() {
	local i
	for i in $(seq 50); do
		[ -s "$DC_DIR/exit" ] && { sed 's/EXIT=//' "$DC_DIR/exit"; return; }
		sleep 0.1
	done
	echo none
}
step() {	# step NAME CONDITION...: ok when the condition holds
	local name=$1
	shift
	if "$@"; then ok "$name"; else out=${out:-$(screen)}; not_ok "$name"; fi
	out=
}
has() { screen | grep -qF -- "$1"; }
both() { wait_for "$1" && has "$2"; }		# both TEXT TEXT
without() { wait_for "$1" && ! has "$2"; }	# without TEXT NOT-TEXT

# ---- a first run: the overview, while the scan runs ----
start
step "opens on the overview" wait_for "Overview"
step "the scan runs and its state shows" wait_for "scanned at"
step "the overview counts the reports" wait_for "43 reports: 42 backscatter, 1 legitimate, 0 unsure"
step "the largest campaigns are listed" has "Replica handbags from Milan"

# ---- campaigns: open the one of 12, tag it, delete, commit ----
keys Enter
step "Enter opens the campaigns, sorted by size" wait_for "Campaigns (2, by size)"
keys / Replica Enter Enter
step "/ finds a campaign by its messages; Enter opens it" wait_for "12 messages"
keys T "~A" Enter
step "T tags by pattern" wait_for "12 messages tagged"
keys '\;' d
step ";d marks the tagged for deletion" wait_for "12 tagged messages marked delete"
keys '$'
step "commit asks first, with the counts" wait_for "Commit: delete 12? [y/N]"
# meanwhile another client expunges two of them
gone=$(doveadm -c "$DC_DIR/dovecot.conf" search -u "$DC_USER" mailbox INBOX \
    TEXT Replica | awk '{ print $2 }' | head -2 | paste -sd,)
doveadm -c "$DC_DIR/dovecot.conf" expunge -u "$DC_USER" mailbox INBOX uid "$gone"
keys y
step "commit carries the marks out, and says what had gone meanwhile" \
    wait_for "committed: 0 quarantined, 10 deleted, 0 kept, 0 released; 2 were gone from their folder already"
step "on the server: 10 moved to Trash" \
    test "$(dc_count Trash)" = 10 -a "$(dc_count INBOX)" = 32

# ---- keep the legitimate bounce ----
keys q q j j j Enter
step "the legitimate list shows the real bounce" wait_for "Lunch on Friday"
keys K '$' y
step "keep: committed" wait_for "0 deleted, 1 kept"
flags=$(doveadm -c "$DC_DIR/dovecot.conf" fetch -u "$DC_USER" "flags hdr.message-id" mailbox INBOX | tr '\n' ' ')
step "on the server: the kept bounce has \$NdrKept" \
    test "${flags#*\$NdrKept}" != "$flags" -a "${flags//legit1/}" != "$flags"

# ---- quarantine a whole campaign from the campaigns view ----
keys q c =
wait_for "Campaigns (2"
keys s '$' y
step "s on a campaign quarantines its messages" wait_for "committed: 30 quarantined"
step "on the server: 30 in the quarantine (made on demand, non-ASCII)" \
    test "$(dc_count 'Quarantäne/Rückläufer')" = 30 -a "$(dc_count INBOX)" = 2

# ---- review: release one ----
keys R
step "R opens the quarantine for review" wait_for "Quarantine Quarantäne/Rückläufer: 30 messages"
keys Enter
step "Enter shows the detail and why" wait_for "campaign               +"
tm resize-window -t ui -x 60 -y 40
sleep 0.5
out=$(screen)
# the signal's words continue under it, indented, within 60 columns
cont=$(printf '%s\n' "$out" | grep -A1 -F "campaign               +" | sed -n 2p)
step "the detail rewraps to a narrower screen, wrapped lines indented" \
    test "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 60 -a \
    "${cont:0:4}" = "    " -a -n "${cont// /}"
tm resize-window -t ui -x 120 -y 40
sleep 0.3
keys q r '$' y
step "release: back to INBOX" wait_for "1 released"
step "on the server: 29 in the quarantine, 3 in INBOX" \
    test "$(dc_count 'Quarantäne/Rückläufer')" = 29 -a "$(dc_count INBOX)" = 3

# ---- u undoes the last marking, U clears them all ----
keys d u
step "d then u: the mark just made is undone (not the next line's)" \
    both "undone: 1 message as it was" "no marks"
keys d d U
wait_for "2 marks cleared (u brings them back)"
keys u
step "U clears every mark, u brings them back" \
    both "undone: 2 messages as they were" "marks: 2 D"
keys U
# ---- a limit belongs to the list it was set on ----
keys l "~s Cheap" Enter
wait_for "(limit: ~s Cheap; l ~A: all)"
keys q m
step "a limit set on the review does not follow into the messages" \
    without "All reports:" "(limit"
keys q R

# ---- help, resize ----
keys '?'
step "? lists the keys of the view" wait_for "mark release (back where it came from)"
keys '*'
step "help: one pattern a line (~S >0.9 never cut), the marks column M explained" \
    both "~S >0.9      score above (<: below)" "Marks (column M): D delete"
keys q
tm resize-window -t ui -x 80 -y 24
sleep 0.5
out=$(screen)
step "resized to 80x24: redrawn to the new size, q:back and ?:help in the footer" \
    test "$(printf '%s\n' "$out" | sed -n 23p | cut -c1-10)" = "Enter:open" -a \
    "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 80 -a \
    -n "$(printf '%s\n' "$out" | sed -n 23p | grep -F 'q:back  ?:help')"
tm resize-window -t ui -x 200 -y 60
sleep 0.5
out=$(screen)
step "resized to 200x60: redrawn to the new size" \
    test "$(printf '%s\n' "$out" | sed -n 59p | cut -c1-10)" = "Enter:open" -a \
    "$(printf '%s\n' "$out" | head -1 | LC_ALL=C.UTF-8 wc -L)" -ge 195

# ---- x quits without committing ----
keys Enter d x
step "x quits at once, exit 0" test "$(exit_status)" = 0
step "x committed nothing" test "$(dc_count 'Quarantäne/Rückläufer')" = 29

# ---- a non-UTF-8 locale, no colours, SIGTERM ----
ndargs=--offline start LANG=C LC_ALL=C NO_COLOR=1
step "--offline: no scan" wait_for "offline: no scan"
step "non-UTF-8 locale: non-ASCII shown as ?" has "Quarant?ne/R?ckl?ufer"
step "the overview tells when the last scan finished" has "the last finished: 2"
step "the overview says the quarantine's age in words (not 'the oldest 0 days')" \
    has "messages, the oldest there since today"
esc=$(tm capture-pane -p -e -t ui)
step "NO_COLOR: no colour on the screen" \
    test "${esc//$'\e['3[0-7]/}" = "$esc" -a "${esc//$'\e['4[0-7]/}" = "$esc"
keys m l "~s Replica" Enter
step "l limits the list to a pattern, the title says so and how to clear it" \
    wait_for "All reports: 10 (limit: ~s Replica; l ~A: all)"
keys / Lunch Enter
step "/ searches (none of the limited list matches)" wait_for "not found"
keys o o
wait_for "sorted by score"
keys O
step "o orders a message list (folder, date, score, ...), O reverses it" \
    wait_for "sorted by score, reversed"

keys h
step "--offline: h says the message is on the server" \
    wait_for "offline: the message is on the server"
keys q R d
step "--offline: a mark is refused at once, with the reason" \
    wait_for "offline: nothing can be committed, so nothing is marked"
tm kill-server 2>/dev/null	# the terminal goes away: SIGHUP
sleep 1
step "a lost terminal ends the program; marks not committed are dropped" \
    test "$(dc_count 'Quarantäne/Rückläufer')" = 29 -a -z "$(pgrep -f "$nd --config $cf")"
ndargs=

# ---- wide characters: a CJK subject in a narrow terminal ----
# (RFC 2047: "日本語の件名テスト" in UTF-8, base64)
sed -e 's/^Message-Id: <b1@/Message-Id: <cjk@/' \
    -e 's/^Message-Id: <spam-1@/Message-Id: <spam-cjk@/' \
    -e 's/^Subject: Cheap watches/Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN44OG44K544OI?=/' \
    -e 's/User unknown/Mailbox disabled by its owner/' \
    "$mail/bounce1.eml" >"$DC_DIR/cjk.eml"
dc_append "$DC_USER" INBOX "$DC_DIR/cjk.eml"
start
wait_for "scanned at"
step "a folder's name too long for the menu: its start, an ellipsis, its last part" \
    has "Folder Quar…Rückläufer"
keys m l "~s 件名" Enter
step "a CJK subject is read and shown (limit by it finds it)" \
    wait_for "日本語の件名テスト"
tm resize-window -t ui -x 81 -y 24
sleep 0.5
out=$(screen)
step "wide characters are never cut in half: no line wider than 81 columns" \
    test "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 81 -a \
    -n "$(printf '%s\n' "$out" | grep -F '日本')"
tm resize-window -t ui -x 120 -y 40
sleep 0.3

# ---- the message itself: ~b, h, |, C ----
keys l C-u "~b \"disabled by its OWNER\"" Enter
step "~b finds a report by its text (the diagnostic), case ignored" \
    wait_for "All reports: 1 (limit: ~b \"disabled by its OWNER\""
keys Enter h
step "h shows the message as the server has it, all its headers" \
    both "as the server has it (h: the report)" "Return-Path: <>"
step "(its parts raw: the delivery-status part's header)" \
    has "Content-Type: message/delivery-status"
keys h
step "h again: back to the report's detail" \
    without "Report INBOX/" "as the server has it"
keys '|' "grep -c 'disabled by its owner' >'$DC_DIR/piped'" Enter
wait_for "press a key to return"
keys Enter
step "| pipes the message to a command, and says so" \
    both "piped INBOX/" "grep -c"
step "(the command read the whole message)" test "$(cat "$DC_DIR/piped")" = 2
keys C C-u "$DC_DIR/saved.eml" Enter
step "C saves the message to a file" \
    both "saved INBOX/" "$DC_DIR/saved.eml"
step "(the file holds the whole message)" \
    grep -q "^Final-Recipient: rfc822; nobody@far.example" "$DC_DIR/saved.eml"
keys C C-u "$DC_DIR/saved.eml" Enter
wait_for "exists; replace it? (y/n)"
keys n
step "C onto an existing file asks first; n leaves it" wait_for "not saved"
keys x
exit_status >/dev/null

# ---- keys and colours from the configuration's [ui] ----
cf0=$cf
cf=$DC_DIR/config-ui
{ cat "$cf0"; printf '[ui]\nbind = all s noop\n'
  printf 'bind = campaigns,messages,review,detail Q quarantine\n'
  printf 'color = backscatter cyan default\n'; } >"$cf"
ndargs=--offline start
wait_for "offline: no scan"
keys m
step "[ui] bind: the footer names the key bound (Q), not the one unbound" \
    both "Q:quar" "All reports"
step "(s is no longer in the footer)" test -z "$(screen | grep -F 's:quar')"
keys s
step "[ui] bind: an unbound key does nothing" \
    wait_for "that key does nothing here"
keys Q
step "[ui] bind: the new key does what it was bound to" \
    wait_for "offline: nothing can be committed, so nothing is marked"
esc=$(tm capture-pane -p -e -t ui)
step "[ui] color: backscatter in the colour asked (cyan)" \
    test "${esc//$'\e['36m/}" != "$esc"
keys x
exit_status >/dev/null
printf 'bind = messages Z qiut\n' >>"$cf"
ndargs=--offline start
step "[ui] a wrong line: one error naming the file and line" \
    wait_for "config-ui:$(wc -l <"$cf"): bind: no function 'qiut'"
step "(exit 78, a configuration error)" test "$(exit_status)" = 78
cf=$cf0
ndargs=

# ---- the account locked by another run (cron's clean) ----
flock "$XDG_DATA_HOME/ndrsweep/t.db.lock" sleep 8 &
holder=$!
sleep 0.3
start
step "locked by another run: no scan, and the status line says why" \
    wait_for "no scan: another run is cleaning this account"
keys R d '$' y
step "locked: a commit is refused and the marks stay" \
    wait_for "not committed: another run is cleaning this account"
step "(the quarantine untouched, the mark still shown)" \
    test "$(dc_count 'Quarantäne/Rückläufer')" = 29 -a -n "$(screen | grep -F 'marks: 1 D')"
keys x
exit_status >/dev/null
wait "$holder"

start
wait_for "scanned at"
pid=$(pgrep -f "$nd --config $cf" | head -1)
kill -TERM "$pid"
step "SIGTERM: a clean exit (status 143), the terminal restored" \
    test "$(exit_status)" = 143
restored() { wait_for "EXIT" && ! has "Enter:open"; }
step "the terminal restored: the interface's screen gone, the shell's line shown" \
    restored
