#!/bin/bash
# tests/watch.sh - `ndrsweep watch` against a real Dovecot: the backlog
# quarantined at start, new backscatter quarantined as it arrives (IDLE),
# legitimate bounces left (Sent read at each wake), a clean's lock obeyed,
# a dropped session and a server restart survived, a SIGKILL in the
# middle of a round losing nothing, SIGTERM ending it cleanly.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

N=19
plan $N
need $N dovecot dovecot-imapd
need $N tmux tmux
dc_start
export XDG_DATA_HOME=$DC_DIR/data
cf=$DC_DIR/config
Q=Quarantine/Backscatter
dc_config "$cf" t "port=$DC_PORT" tls=none folders=INBOX \
    addresses=alice@ndrsweep.test "quarantine=$Q"
db=$XDG_DATA_HOME/ndrsweep/t.db
n=0
# flood K: K new backscatter reports, each its own Message-Ids
flood() {
	local i files=()
	for i in $(seq "$1"); do
		n=$((n + 1))
		sed -e "s/^Message-Id: <b1@/Message-Id: <w$n@/" \
		    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-w$n@/" \
		    "$mail/bounce1.eml" >"$DC_DIR/f$n.eml"
		files+=("$DC_DIR/f$n.eml")
	done
	dc_append "$DC_USER" INBOX "${files[@]}"
}
# legit NAME: mail sent now (in Sent), then its bounce in the inbox
legit() {
	sed -e "s/^Message-Id: <lunch@example.org>/Message-Id: <$1@ndrsweep.test>/" \
	    -e 's/^From: .*/From: alice@ndrsweep.test/' "$mail/ordinary1.eml" >"$DC_DIR/$1-sent.eml"
	sed -e "s/^Message-Id: <spam-1@/Message-Id: <$1@/" \
	    -e "s/^Message-Id: <b1@/Message-Id: <$1-bounce@/" \
	    -e "s/Cheap watches/Lunch on Friday/" "$mail/bounce1.eml" >"$DC_DIR/$1.eml"
	dc_append "$DC_USER" Sent "$DC_DIR/$1-sent.eml"
	dc_append "$DC_USER" INBOX "$DC_DIR/$1.eml"
}
# until SECS COND...: COND holds within SECS seconds (tenths counted)
until_() {
	local secs=$1 i
	shift
	for i in $(seq $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
quar_is() { [ "$(dc_count "$Q")" = "$1" ]; }
start_watch() {
	"$nd" watch --config "$cf" --interval 60 "$@" >>"$DC_DIR/watch.log" 2>&1 &
	wpid=$!
}
dc_restart() {	# the whole server stopped, then started again on its ports
	kill -TERM -- "-$DC_PGID" 2>/dev/null
	while kill -0 -- "-$DC_PGID" 2>/dev/null; do sleep 0.1; done
	setsid dovecot -F -c "$DC_DIR/dovecot.conf" 2>>"$DC_DIR/start.err" &
	DC_PGID=$!
	until (exec 3<>"/dev/tcp/127.0.0.1/$DC_PORT") 2>/dev/null; do sleep 0.1; done
}
trap 'kill -KILL $wpid 2>/dev/null; dc_stop' EXIT

legit sent-1
flood 20
dc_append "$DC_USER" INBOX "$mail/ordinary1.eml"
start_watch
until_ 20 quar_is 20 &&
    ok "the backlog quarantined when it starts" ||
    not_ok "the backlog quarantined when it starts ($(dc_count "$Q"))"
[ "$(dc_count INBOX)" = 2 ] && ok "the legitimate bounce and the ordinary mail left" ||
    not_ok "the legitimate bounce and the ordinary mail left ($(dc_count INBOX))"

sleep 1		# IDLE under way
t0=$(date +%s%N)
flood 5
until_ 10 quar_is 25 && t1=$(date +%s%N) &&
    ok "new backscatter quarantined as it arrives ($(( (t1 - t0) / 1000000 )) ms)" ||
    not_ok "new backscatter quarantined as it arrives ($(dc_count "$Q"))"

legit sent-2
flood 1
until_ 10 quar_is 26 && sleep 0.5 && [ "$(dc_count INBOX)" = 3 ] &&
    ok "a bounce of mail sent a moment ago is left (Sent read at each wake)" ||
    not_ok "a bounce of mail sent a moment ago is left ($(dc_count INBOX) in INBOX)"

# a clean at work holds the lock: watch waits for it
flock "$db.lock" sleep 4 &
holder=$!
sleep 0.3
flood 2
sleep 2
quar_is 26 && ok "while another run holds the account's lock, nothing is moved" ||
    not_ok "while another run holds the account's lock, nothing is moved ($(dc_count "$Q"))"
wait $holder
until_ 15 quar_is 28 && ok "once the lock is free, watch catches up" ||
    not_ok "once the lock is free, watch catches up ($(dc_count "$Q"))"

# the session dropped by the server (its imap processes killed)
pkill -KILL -f 'dovecot/imap$' 2>/dev/null || pkill -KILL -x imap
sleep 0.5
flood 3
until_ 20 quar_is 31 && ok "a dropped session is opened again; what came meanwhile is quarantined" ||
    not_ok "a dropped session is opened again ($(dc_count "$Q"))"

# the server stopped for a while (doveadm delivers only with it up: the
# mail comes as it is back, before watch's next try)
kill -TERM -- "-$DC_PGID" 2>/dev/null
while kill -0 -- "-$DC_PGID" 2>/dev/null; do sleep 0.1; done
sleep 3
dc_restart
flood 4
until_ 30 quar_is 35 && ok "a server restart is waited out; the mail that came meanwhile is quarantined" ||
    not_ok "a server restart is waited out ($(dc_count "$Q"))"
grep -q "trying again in" "$DC_DIR/watch.log" &&
    ok "(it said it would try again)" || not_ok "(it said it would try again)"

# SIGTERM: a clean end
kill -TERM "$wpid"
t0=$(date +%s)
wait "$wpid"
rc=$?
[ "$rc" = 0 ] && [ $(( $(date +%s) - t0 )) -le 3 ] &&
    grep -q "t: stopped (Terminated); 35 quarantined since it started" "$DC_DIR/watch.log" &&
    ok "SIGTERM ends it at once, exit 0, with what it did" ||
    not_ok "SIGTERM ends it at once, exit 0 ($rc; $(tail -2 "$DC_DIR/watch.log"))"

# SIGKILL during a round, at four moments: nothing lost, and the next
# run settles what the killed one left half done
expect=$((3 + 35))
lost=0 settled=0
for delay in 0.2 0.4 0.6 0.8; do
	flood 150
	expect=$((expect + 150))
	start_watch
	sleep "$delay"
	kill -KILL "$wpid"
	wait "$wpid" 2>/dev/null
	[ $(( $(dc_count INBOX) + $(dc_count "$Q") )) = "$expect" ] || lost=$((lost + 1))
	"$nd" watch --config "$cf" --once >"$DC_DIR/once.log" 2>&1 || lost=$((lost + 1))
	grep -q "settled an interrupted run" "$DC_DIR/once.log" && settled=$((settled + 1))
	[ "$(dc_count INBOX)" = 3 ] || lost=$((lost + 1))
done
[ "$lost" = 0 ] && quar_is $((expect - 3)) &&
    ok "killed during a round (4 times): every message in its folder or the quarantine, --once quarantines the rest ($settled left a half-done move to settle)" ||
    not_ok "killed during a round: $lost checks failed; $(dc_count INBOX) in INBOX, $(dc_count "$Q") quarantined"
[ "$(dc_count Trash)" = - ] || [ "$(dc_count Trash)" = 0 ] &&
    ok "(nothing went anywhere else)" || not_ok "(nothing went anywhere else: Trash $(dc_count Trash))"
# IDLE renewed: with --interval 10 the wait ends every 10 s and a new
# round begins (servers drop an IDLE at 30 minutes: watch renews at 25)
"$nd" watch --config "$cf" --interval 10 --verbose >"$DC_DIR/idle.log" 2>&1 &
wpid=$!
sleep 23
flood 1
until_ 10 quar_is $((expect - 2)) && [ "$(grep -c 'round: scan' "$DC_DIR/idle.log")" -ge 3 ] &&
    ok "IDLE is renewed when its time is up, a round each time, and still wakes for mail ($(grep -c 'round: scan' "$DC_DIR/idle.log") rounds)" ||
    not_ok "IDLE renewed ($(grep -c 'round: scan' "$DC_DIR/idle.log") rounds; $(dc_count "$Q") quarantined)"
kill -TERM "$wpid"
wait "$wpid"
out=$("$nd" watch --interval 5 --config "$cf" 2>&1)
rc=$?
[ "$rc" = 64 ] && [[ $out == *"--interval takes 10 to 1500 seconds, not '5'"* ]] &&
    ok "a bad --interval: exit 64 and why" || not_ok "a bad --interval: exit 64 and why ($rc: $out)"

# the interface tells what watch did
tm() { tmux -L "ndrsweep-watch-$$" -f /dev/null "$@"; }
tm new-session -d -s ui -x 120 -y 30 \
    "env XDG_DATA_HOME=$XDG_DATA_HOME LANG=C.UTF-8 '$nd' --config '$cf' --offline; sleep 60"
seen() { tm capture-pane -p -t ui | grep -q "watch: started .*, [0-9]* quarantined since; its last round"; }
until_ 10 seen && ok "the interface's overview says what watch did" ||
    not_ok "the interface's overview says what watch did ($(tm capture-pane -p -t ui | sed -n 5,8p))"
# while the interface is open, what watch moves is said on its message
# line, and the lists follow; opened again, it says what watch did while
# it was closed
start_watch
sleep 2
first=$(dc_count "$Q")
flood 3
# (the campaigns are named when the news is one round's)
said() { tm capture-pane -p -t ui | grep -Eq "watch [0-9:]+: [1-3] quarantined( \(1 campaign\))?; [0-9]+ since it started"; }
until_ 20 said && ok "the open interface says what watch just did" ||
    not_ok "the open interface says what watch just did ($(tm capture-pane -p -t ui | tail -3))"
# all three moved before the interface is left (a round may take one or
# two of them, the next the rest: one left for later counted as done
# while it was closed)
until_ 20 quar_is $((first + 3)) || true
tm send-keys -t ui q
sleep 1
before=$(dc_count "$Q")
flood 2
until_ 20 quar_is $((before + 2)) || true
tm kill-server 2>/dev/null
# a tmux server of its own: the one just killed may still be going away
tm2() { tmux -L "ndrsweep-watch2-$$" -f /dev/null "$@"; }
tm2 new-session -d -s ui -x 120 -y 30 \
    "env XDG_DATA_HOME=$XDG_DATA_HOME LANG=C.UTF-8 '$nd' --config '$cf' --offline; sleep 60"
away() { tm2 capture-pane -p -t ui | grep -q "watch quarantined 2 since you last looked"; }
until_ 10 away && ok "opened again, it says what watch did while it was closed" ||
    not_ok "opened again, what watch did while it was closed ($(dc_count "$Q") quarantined, before $before; $(tm2 capture-pane -p -t ui | tail -3))"
kill -TERM "$wpid"
wait "$wpid"
tm2 kill-server 2>/dev/null

# every watched folder IDLEs on a session of its own: backscatter that
# lands in Junk is quarantined at once, not at the next --interval (60 s)
cf2=$DC_DIR/config2
dc_config "$cf2" t2 "port=$DC_PORT" tls=none folders=INBOX,Junk \
    addresses=alice@ndrsweep.test "quarantine=$Q" threshold=0.5
dc_append "$DC_USER" Junk
"$nd" watch --config "$cf2" --interval 60 --verbose >"$DC_DIR/watch2.log" 2>&1 &
wpid=$!
until_ 20 grep -q "watching INBOX and the other folders" "$DC_DIR/watch2.log"
sleep 3
before=$(dc_count "$Q")
sed -e "s/^Message-Id: <b1@/Message-Id: <junk1@/" \
    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-junk1@/" \
    "$mail/bounce1.eml" >"$DC_DIR/junk1.eml"
dc_append "$DC_USER" Junk "$DC_DIR/junk1.eml"
until_ 10 quar_is $((before + 1)) && [ "$(dc_count Junk)" = 0 ] &&
    ok "backscatter in Junk quarantined as it arrives (IDLE on a session of its own)" ||
    not_ok "backscatter in Junk quarantined as it arrives ($(dc_count Junk) in Junk; $(cat "$DC_DIR/watch2.log"); $("$nd" report --messages --config "$cf2" | grep junk1 | cut -c1-300))"
# its session dropped (the server's processes killed): watched again
pkill -KILL -f 'dovecot/imap$' 2>/dev/null || pkill -KILL -x imap
sleep 4
sed -e "s/^Message-Id: <b1@/Message-Id: <junk2@/" \
    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-junk2@/" \
    "$mail/bounce1.eml" >"$DC_DIR/junk2.eml"
dc_append "$DC_USER" Junk "$DC_DIR/junk2.eml"
until_ 20 quar_is $((before + 2)) &&
    ok "after its session was dropped, Junk is watched again" ||
    not_ok "after its session was dropped, Junk is watched again ($(dc_count Junk) in Junk; $(tail -5 "$DC_DIR/watch2.log"))"
kill -TERM "$wpid"
wait "$wpid"
