#!/bin/bash
# tests/clean.sh - `ndrsweep clean` against a real Dovecot: the policy, the
# quarantine made on demand, a dry run that changes nothing, the cap, the
# lock, the retention, and servers without MOVE or UIDPLUS.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

st() { dc_count "$@"; }
copies() {	# copies N FILE: N copies, each its own Message-Id
	local i
	for i in $(seq "$1"); do
		sed -e "s/^Message-Id: <b1@/Message-Id: <b1-$i-$RANDOM@/" \
		    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-1-$i-$RANDOM@/" \
		    "$2" >"$DC_DIR/c$i.eml"
		echo "$DC_DIR/c$i.eml"
	done
}
run() {	# run ARGS: clean, output in $out, status in $rc
	out=$("$nd" clean --config "$cf" "$@" 2>&1)
	rc=$?
}

plan 32
need 32 dovecot dovecot-imapd
dc_start
export XDG_DATA_HOME=$DC_DIR/data
cf=$DC_DIR/config
dc_config "$cf" t "port=$DC_PORT" tls=none folders=INBOX \
    addresses=alice@ndrsweep.test "quarantine=Quarantäne/Rückläufer"
db=$XDG_DATA_HOME/ndrsweep/t.db
sed -e 's/^Message-Id: <lunch@example.org>/Message-Id: <sent-1@ndrsweep.test>/' \
    -e 's/^From: .*/From: alice@ndrsweep.test/' "$mail/ordinary1.eml" >"$DC_DIR/sent1.eml"
sed -e 's/^Message-Id: <spam-1@/Message-Id: <sent-1@/' \
    -e 's/^Message-Id: <b1@/Message-Id: <legit1@/' "$mail/bounce1.eml" >"$DC_DIR/legit1.eml"
dc_append "$DC_USER" Sent "$DC_DIR/sent1.eml"
dc_append "$DC_USER" INBOX $(copies 30 "$mail/bounce1.eml")
dc_append "$DC_USER" INBOX "$DC_DIR/legit1.eml" "$mail/ordinary1.eml"

"$nd" scan --config "$cf" >/dev/null
cp "$db" "$DC_DIR/before.db"
run --dry-run
[ $rc = 0 ] && [ "$out" = "t: would quarantine 30 messages (1 campaign) to Quarantäne/Rückläufer, and expunge 0 from it (quarantined over 30 days ago); dry run, nothing done" ] &&
    ok "dry run: says what it would do" || not_ok "dry run: says what it would do"
cmp -s "$db" "$DC_DIR/before.db" && [ "$(st INBOX)" = 32 ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = - ] &&
    ok "dry run: the store and the server unchanged" ||
    not_ok "dry run: the store and the server unchanged"
run --max-actions 10
confirm="ndrsweep clean --config $cf --account t --max-actions 30"
[ $rc = 3 ] && [ "$out" = "ndrsweep: t: 30 messages to act on (30 to quarantine, 0 expired), over the limit of 10: nothing done; to confirm once, run: $confirm (--dry-run first lists them)" ] &&
    [ "$(st INBOX)" = 32 ] &&
    "$nd" ${confirm#ndrsweep } --dry-run >/dev/null 2>&1 &&
    ok "over the cap: exit 3, nothing done, and the exact command that confirms it once" ||
    not_ok "over the cap: exit 3, nothing done, and the exact command that confirms it once ($out)"
flock "$db.lock" sleep 3 &
holder=$!
sleep 0.5
run
[ $rc = 75 ] && [[ $out == "ndrsweep: t: another run is cleaning this account"* ]] &&
    ok "locked by another run: exit 75 and one line" ||
    not_ok "locked by another run: exit 75 and one line"
wait "$holder"
run
[ $rc = 0 ] && [ "$out" = "t: 30 quarantined (1 campaign), 0 expired from the quarantine" ] &&
    ok "clean: backscatter quarantined" || not_ok "clean: backscatter quarantined"
[ "$(st 'Quarantäne/Rückläufer')" = 30 ] && [ "$(st INBOX)" = 2 ] &&
    ok "the quarantine made on demand (non-ASCII name) holds them; INBOX the rest" ||
    not_ok "the quarantine made on demand (non-ASCII name) holds them; INBOX the rest"
left=$(doveadm -c "$DC_DIR/dovecot.conf" fetch -u "$DC_USER" hdr.message-id mailbox INBOX | tr -d '\n')
[[ $left == *"<legit1@mx.far.example>"* ]] && ok "the legitimate bounce stays" ||
    not_ok "the legitimate bounce stays"
run
[ $rc = 0 ] && [ -z "$out" ] && ok "nothing to do: silent, exit 0" ||
    not_ok "nothing to do: silent, exit 0"
out=$("$nd" report --config "$cf" --messages 2>&1 | grep -c '"verdict":"backscatter"')
[ "$out" -ge 30 ] && ok "the store followed the moves: verdicts kept in the quarantine" ||
    not_ok "the store followed the moves: verdicts kept in the quarantine"
# the moves taught it spam; with one message of ham it can score
"$nd" train --config "$cf" --ham "$mail/ordinary1.eml" >/dev/null
out=$("$nd" classify --config "$cf" --json "$DC_DIR/c1.eml" 2>&1)
s=$(printf '%s\n' "$out" | sed -n 's/.*"content_score":\([0-9.]*\)}/\1/p')
awk -v s="$s" 'BEGIN { exit !(s > 0.9) }' &&
    ok "each move taught the classifier (the bounced spam now scores $s)" ||
    not_ok "each move taught the classifier (the bounced spam now scores $s)"
# review: the quarantine listed, one released, a campaign released
out=$("$nd" review --config "$cf" --list 2>&1)
# each header stands over its column: the verdict, origin and subject
# start where their titles start, the campaign ends where its title ends
hdr=$(printf '%s\n' "$out" | head -1) row=$(printf '%s\n' "$out" | sed -n 2p)
at() { awk -v s="$1" -v w="$2" 'BEGIN { print index(s, w) }'; }
[ "$(printf '%s\n' "$out" | grep -c 'backscatter.*INBOX *Cheap watches')" = 30 ] &&
    [ "$(at "$hdr" verdict)" = "$(at "$row" backscatter)" ] &&
    [ "$(at "$hdr" from)" = "$(at "$row" INBOX)" ] &&
    [ "$(at "$hdr" subject)" = "$(at "$row" Cheap)" ] &&
    [ $(( $(at "$hdr" campaign) + 8 )) = $(( $(at "$row" '#1 ') + 2 )) ] &&
    ok "review --list: the 30, with verdict, campaign, origin and subject, under their headers" ||
    not_ok "review --list: the 30, with verdict, campaign, origin and subject, under their headers ($hdr / $row)"
out=$("$nd" review --config "$cf" --list --json 2>&1)
first=$(printf '%s\n' "$out" | head -1 | sed 's/^{"id":\([0-9]*\),.*/\1/')
[[ $(printf '%s\n' "$out" | head -1) == '{"id":'*',"days":0,"verdict":"backscatter","score":'*',"campaign":1,"origin":"INBOX","message_id":"<b1-'*'","subject":"Cheap watches"}' ]] &&
    ok "review --list --json" || not_ok "review --list --json"
out=$("$nd" review --config "$cf" --release "$first" 2>&1)
[ $? = 0 ] && [ "$out" = "t: 1 released" ] && [ "$(st INBOX)" = 3 ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 29 ] &&
    ok "review --release ID: back in INBOX" || not_ok "review --release ID: back in INBOX"
run
[ $rc = 0 ] && [ -z "$out" ] && [ "$(st INBOX)" = 3 ] &&
    ok "a released message is not quarantined again" ||
    not_ok "a released message is not quarantined again"
out=$("$nd" review --config "$cf" --release 999999 2>&1)
[ $? = 1 ] && [ "$out" = "ndrsweep: 999999: no such message in the quarantine" ] &&
    ok "an unknown ID: exit 1 and one line" || not_ok "an unknown ID: exit 1 and one line"
out=$("$nd" review --config "$cf" --release-campaign 1 2>&1)
[ "$out" = "t: 29 released" ] && [ "$(st INBOX)" = 32 ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 0 ] &&
    ok "review --release-campaign: the whole campaign back" ||
    not_ok "review --release-campaign: the whole campaign back"
# the user said no: quarantined again only if clean is told nothing else
run
[ -z "$out" ] && [ "$(st INBOX)" = 32 ] && ok "released campaign stays released" ||
    not_ok "released campaign stays released"
kept=$(doveadm -c "$DC_DIR/dovecot.conf" search -u "$DC_USER" mailbox INBOX KEYWORD '$NdrKept' | wc -l)
[ "$kept" = 30 ] && ok "the released messages carry \$NdrKept" ||
    not_ok "the released messages carry \$NdrKept ($kept)"
# a store cut to 0 bytes: an error, not a new store (which would forget
# the journal and the releases)
mv "$db" "$DC_DIR/saved.db"
rm -f "$db-wal" "$db-shm"
: >"$db"
run
[ $rc = 78 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
    [[ $out == *"is empty"*"remove it to start over"* ]] && [ ! -s "$db" ] &&
    [ "$(st INBOX)" = 32 ] &&
    ok "a store cut to 0 bytes: exit 78, one line, nothing done" ||
    not_ok "a store cut to 0 bytes: exit 78, one line, nothing done (exit $rc)"
# removed by the user: a new store, and still the releases hold (the
# keyword is on the server)
rm -f "$db"
run
[ $rc = 0 ] && [ "$(st INBOX)" = 32 ] &&
    ok "a store started over still leaves the released messages alone" ||
    not_ok "a store started over still leaves the released messages alone (exit $rc, INBOX $(st INBOX))"
rm -f "$db" "$db-wal" "$db-shm"
mv "$DC_DIR/saved.db" "$db"
# for what follows: a fresh flood, quarantined
dc_append "$DC_USER" INBOX $(copies 30 "$mail/bounce1.eml")
run
[ "$(st 'Quarantäne/Rückläufer')" = 30 ] &&
    ok "a new flood of the same campaign is quarantined" ||
    not_ok "a new flood of the same campaign is quarantined"
out=$("$nd" review --config "$cf" --purge --older-than 1 2>&1)
[ "$out" = "t: 0 expunged from Quarantäne/Rückläufer" ] || [ -z "$out" ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 30 ] &&
    ok "review --purge --older-than 1: nothing that young" ||
    not_ok "review --purge --older-than 1: nothing that young"
sleep 1
out=$("$nd" review --config "$cf" --purge --older-than 0 2>&1 </dev/null)
[ $? = 64 ] && [ "$out" = "ndrsweep: --purge expunges 30 messages for good: add --yes (or see them with --dry-run)" ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 30 ] &&
    ok "review --purge without a terminal and without --yes: refused, nothing expunged" ||
    not_ok "review --purge without a terminal and without --yes: refused, nothing expunged (exit $?, $out)"
out=$("$nd" review --config "$cf" --purge --older-than 0 --dry-run 2>&1 </dev/null)
[ $? = 0 ] && [ "$out" = "t: would expunge 30 from Quarantäne/Rückläufer (there more than 0 days)" ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 30 ] &&
    ok "review --purge --dry-run: says what would go, expunges nothing" ||
    not_ok "review --purge --dry-run: says what would go, expunges nothing ($out)"

# retention: what is older than the retention is expunged
sleep 1
echo "retention = 0" >>"$cf"
run
[ $rc = 0 ] && [ "$out" = "t: 0 quarantined (0 campaigns), 30 expired from the quarantine" ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 0 ] && [ "$(st INBOX)" = 32 ] &&
    ok "retention: expired messages expunged, nothing else" ||
    not_ok "retention: expired messages expunged, nothing else"
sed -i '/^retention/d' "$cf"

# a server without MOVE: UID COPY, UID STORE \Deleted, UID EXPUNGE
caps="IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE NAMESPACE CHILDREN SPECIAL-USE CONDSTORE"
dc_capability "$caps UIDPLUS"
dc_append "$DC_USER" INBOX $(copies 20 "$mail/bounce1.eml")
run
[ $rc = 0 ] && [ "$out" = "t: 20 quarantined (1 campaign), 0 expired from the quarantine" ] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 20 ] && [ "$(st INBOX)" = 32 ] &&
    ok "no MOVE: copy, flag and UID EXPUNGE, same end state" ||
    not_ok "no MOVE: copy, flag and UID EXPUNGE, same end state"
# neither MOVE nor UIDPLUS: copied and flagged, the expunge left to the user
dc_capability "$caps"
dc_append "$DC_USER" INBOX $(copies 5 "$mail/bounce1.eml")
run
[ $rc = 0 ] && [[ $out == *"has no UIDPLUS: 5 messages were copied to Quarantäne/Rückläufer and marked deleted"* ]] &&
    [ "$(st 'Quarantäne/Rückläufer')" = 25 ] && [ "$(st INBOX)" = 37 ] &&
    ok "no UIDPLUS: copied and flagged, never a bare EXPUNGE, and said so" ||
    not_ok "no UIDPLUS: copied and flagged, never a bare EXPUNGE, and said so"
deleted=$(doveadm -c "$DC_DIR/dovecot.conf" search -u "$DC_USER" mailbox INBOX DELETED | wc -l)
[ "$deleted" = 5 ] && ok "(the 5 are marked \\Deleted in INBOX)" ||
    not_ok "(the 5 are marked \\Deleted in INBOX: $deleted)"
dc_capability "+MOVE"
out=$("$nd" clean --bogus 2>&1)
[ $? = 64 ] && [[ $out == *"usage: ndrsweep clean"* ]] && ok "bad usage: exit 64" ||
    not_ok "bad usage: exit 64"
# --log syslog: a listener stands in for syslogd at /dev/log, when the
# machine has none (containers) and the test may make one (root)
if [ -e /dev/log ] || [ "$(id -u)" != 0 ] || ! command -v python3 >/dev/null; then
	skip "--log syslog: report to syslog, nothing on stdout" \
	    "needs root and no syslogd on /dev/log"
else
	python3 - "$DC_DIR/syslog" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(30)
with open(sys.argv[1], "wb") as f:
    try:
        while True:
            f.write(s.recv(65536) + b"\n")
            f.flush()
    except socket.timeout:
        pass
PY
	listener=$!
	for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
	run --log syslog --verbose
	sleep 0.3
	kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null
	rm -f /dev/log
	logged=$(cat "$DC_DIR/syslog" 2>/dev/null)
	[ $rc = 0 ] && [ -z "$out" ] &&
	    [[ $logged == "<22>"*"ndrsweep["*"]: t: "*" quarantined ("* ]] &&
	    ok "--log syslog: report to syslog (mail.info), nothing on stdout" ||
	    { out="$out / $logged"; not_ok "--log syslog: report to syslog (mail.info), nothing on stdout"; }
fi
a=$("$nd" --config "$cf" report 2>&1) b=$("$nd" report --config "$cf" 2>&1)
h=$("$nd" help clean 2>&1)
[ -n "$a" ] && [ "$a" = "$b" ] && [[ $h == "usage: ndrsweep clean"* ]] &&
    ok "global options before the command; ndrsweep help COMMAND" ||
    not_ok "global options before the command; ndrsweep help COMMAND"
out=$("$nd" clean --help 2>&1)
[[ $out == *"75 another run holds the account's lock"* ]] &&
    ok "--help documents the exit statuses" || not_ok "--help documents the exit statuses"
exit 0
