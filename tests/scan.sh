#!/bin/bash
# tests/scan.sh - `ndrsweep scan` against a real Dovecot: first scan, a
# rescan with nothing new, new mail, expunged mail, a folder renumbered
# (UIDVALIDITY), a non-ASCII folder name, and the errors users meet.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

# expect NAME STATUS PATTERN [ARGS...]: run ndrsweep scan; PATTERN is a
# glob, where '?' stands for brackets and parentheses (bash reads "*(" as
# an extended glob inside [[ ]])
expect() {
	local name=$1 want=$2 pat=$3
	shift 3
	out=$("$nd" scan --config "$cf" "$@" 2>&1)
	st=$?
	if [ "$st" = "$want" ] && [[ $out == $pat ]]; then ok "$name"; else not_ok "$name (exit $st)"; fi
}
# logins: how many sessions the server's log shows logged in so far
logins() {
	grep -c "imap-login: Info: Login: user=<$DC_USER>" "$DC_DIR/dovecot.log"
}
# logins_reach N: wait (the log is written by another process) until
# the log shows N logins, at most 3 s; the count last seen
logins_reach() {
	local i n
	for i in $(seq 30); do
		n=$(logins)
		[ "$n" -ge "$1" ] && break
		sleep 0.1
	done
	echo "$n"
}
# copies COUNT FILE: COUNT copies of a message, each its own Message-Id
copies() {
	local i
	for i in $(seq "$1"); do
		sed "s/^Message-Id: <\(.*\)@/Message-Id: <\1-$i-$RANDOM@/" "$2" >"$DC_DIR/c$i.eml"
		echo "$DC_DIR/c$i.eml"
	done
}

plan 44
need 44 dovecot dovecot-imapd
dc_start
export XDG_DATA_HOME=$DC_DIR/data
cf=$DC_DIR/config
dc_config "$cf" test "port=$DC_TLS_PORT" "ca_file=$DC_CA" \
    "folders=INBOX, Junk, Backscatter/Été"
dc_append "$DC_USER" INBOX $(copies 3 "$mail/bounce1.eml")
dc_append "$DC_USER" INBOX $(copies 5 "$mail/ordinary1.eml")
dc_append "$DC_USER" "Backscatter/Été" $(copies 2 "$mail/bounce1.eml")
dc_append "$DC_USER" Sent $(copies 1 "$mail/ordinary1.eml")

expect "first scan: every folder, bounces told, Sent indexed" 0 \
    "test: 4 folders, 11 messages ?11 new?: 5 bounces, *; 1 sent messages indexed
test: 0 legitimate, 5 backscatter, 0 unsure; 1 campaign"
[ -f "$XDG_DATA_HOME/ndrsweep/test.db" ] && ok "the store is under XDG_DATA_HOME" ||
    { out=$(ls -R "$DC_DIR"); not_ok "the store is under XDG_DATA_HOME"; }
out=$("$nd" report --config "$cf" 2>&1)
[[ $out == *"Backscatter/Été: 2 messages: 2 bounces"*"INBOX: 8 messages: 3 bounces"*"Sent index: 1 messages"* ]] &&
    ok "report: per folder counts from the store" || not_ok "report: per folder counts from the store"
out=$("$nd" report --config "$cf" --json 2>&1)
[[ $out == '{"account":"test","folders":['*'{"name":"INBOX","messages":8,"bounce":3,'*'"sent_indexed":1,"verdicts":{"legit":0,"backscatter":5,"unsure":0},"campaigns":[{"id":1,"size":5,"backscatter":5,'*'"subject":"Cheap watches","forged":["alice@ndrsweep.test"],"mtas":["mx.far.example"],"links":[]}]}' ]] &&
    ok "report --json" || not_ok "report --json"
out=$("$nd" report --config "$cf" --messages 2>&1)
lines=$(printf '%s\n' "$out" | grep -c '^{"folder":"')
first=$(printf '%s\n' "$out" | grep '"folder":"INBOX"' | head -1)
[ "$lines" = 5 ] && [[ $first == '{"folder":"INBOX","uid":1,"message_id":"<b1-'*'","kind":"bounce","format":"rfc3464",'*'"address":"nobody@far.example"'*'"status":"5.1.1"'* ]] &&
    ok "report --messages: one line per bounce with the engine's fields" ||
    not_ok "report --messages: one line per bounce with the engine's fields"
expect "rescan with nothing new reads nothing" 0 \
    "test: 4 folders, 11 messages ?0 new?: 0 bounces, *"
dc_append "$DC_USER" INBOX $(copies 2 "$mail/bounce1.eml")
expect "new mail: only it is read" 0 \
    "test: 4 folders, 13 messages ?2 new?: 2 bounces, *"
doveadm -c "$DC_DIR/dovecot.conf" expunge -u "$DC_USER" mailbox INBOX uid 1:2
expect "expunged mail is forgotten" 0 "*?0 new?*; 2 gone from the server*"
# another client flags and expunges: the rescan learns the flags it
# changed (CONDSTORE: only those) and the expunge, and the store agrees
# with the server, UID for UID, and flag for flag on the reports (plain
# mail is kept as its UID alone)
doveadm -c "$DC_DIR/dovecot.conf" flags add -u "$DC_USER" '$NdrKept' mailbox INBOX uid 3
doveadm -c "$DC_DIR/dovecot.conf" flags add -u "$DC_USER" '\Seen \Flagged' mailbox INBOX uid 4:5,9:10
doveadm -c "$DC_DIR/dovecot.conf" expunge -u "$DC_USER" mailbox INBOX uid 6
flagsets() {	# "UID flags" of INBOX, flags sorted, from the server or the
		# store; the store's plain mail "UID -", the server's too
	python3 -c 'import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
for (u,) in d.execute("SELECT uid FROM (WITH RECURSIVE r(folder, uid, hi) AS (SELECT folder, lo, hi FROM plain_runs UNION ALL SELECT folder, uid + 1, hi FROM r WHERE uid < hi) SELECT folder, uid FROM r) p JOIN folders f ON f.id = p.folder WHERE f.name = \"INBOX\""):
    print(u)' "$XDG_DATA_HOME/ndrsweep/test.db" >"$DC_DIR/plain.uids"
	if [ "$1" = server ]; then
		doveadm -c "$DC_DIR/dovecot.conf" fetch -u "$DC_USER" 'uid flags' \
		    mailbox INBOX | awk '/^uid: /{u=$2} /^flags:/{$1=""; print u, $0}'
	else
		python3 -c 'import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
for u, f in d.execute("SELECT uid, coalesce(flags, \"\") FROM messages m JOIN folders f ON f.id = m.folder WHERE f.name = \"INBOX\" UNION ALL SELECT uid, \"-\" FROM (WITH RECURSIVE r(folder, uid, hi) AS (SELECT folder, lo, hi FROM plain_runs UNION ALL SELECT folder, uid + 1, hi FROM r WHERE uid < hi) SELECT folder, uid FROM r) p JOIN folders f ON f.id = p.folder WHERE f.name = \"INBOX\" ORDER BY uid"):
    print(u, f)' "$XDG_DATA_HOME/ndrsweep/test.db"
	fi | while read -r u f; do
		if grep -qx "$u" "$DC_DIR/plain.uids"; then
			printf '%s -\n' "$u"
		else
			printf '%s %s\n' "$u" "$(printf '%s\n' $f | grep -v -e '^\\Recent$' -e '^$' | sort | tr '\n' ' ')"
		fi
	done
}
expect "flags and an expunge by another client: learnt" 0 "*?0 new?*; 1 gone from the server*"
[ "$(flagsets server)" = "$(flagsets store)" ] &&
    [[ $(flagsets store) == *'3 $NdrKept '* ]] && [[ $(flagsets store) == *'9 \Flagged \Seen '* ]] &&
    [[ $(flagsets store) == *'4 -'* ]] &&
    ok "the store's flags are the server's: \$NdrKept and \\Seen set elsewhere, learnt" ||
    not_ok "the store's flags are the server's (server [$(flagsets server | tr '\n' '|')] store [$(flagsets store | tr '\n' '|')])"
doveadm -c "$DC_DIR/dovecot.conf" mailbox delete -u "$DC_USER" Junk
dc_append "$DC_USER" Junk $(copies 1 "$mail/bounce1.eml")
expect "a folder renumbered (new UIDVALIDITY) is read again" 0 \
    "*?1 new?: 1 bounces*; 1 folder renumbered ?UIDVALIDITY?, read again*"
# a rescan opens the folders it read last time before the LIST; one
# deleted since is refused there and said once, by the LIST's pass
doveadm -c "$DC_DIR/dovecot.conf" mailbox delete -u "$DC_USER" "Backscatter/Été"
out=$("$nd" scan --config "$cf" 2>&1)
st=$?
[ "$st" = 0 ] && [ "$(printf '%s\n' "$out" | grep -c 'not found')" = 1 ] &&
    [[ $out == *"folder Backscatter/Été not found on 127.0.0.1; skipped"*"test: 3 folders, "* ]] &&
    ok "a folder deleted since the last scan: said once, the others scanned" ||
    not_ok "a folder deleted since the last scan: said once, the others scanned (exit $st: $out)"
dc_append "$DC_USER" "Backscatter/Été" $(copies 2 "$mail/bounce1.eml")
expect "the folder back: read again" 0 "test: 4 folders, *?2 new?: 2 bounces*"

# verdicts: the bounce of a message in Sent is legitimate, whatever else
sed -e 's/^Message-Id: <lunch@example.org>/Message-Id: <sent-1@ndrsweep.test>/' \
    -e 's/^From: .*/From: alice@ndrsweep.test/' "$mail/ordinary1.eml" >"$DC_DIR/sent1.eml"
sed -e 's/^Message-Id: <spam-1@/Message-Id: <sent-1@/' \
    -e 's/^Message-Id: <b1@/Message-Id: <legit1@/' "$mail/bounce1.eml" >"$DC_DIR/legit1.eml"
dc_append "$DC_USER" INBOX "$DC_DIR/legit1.eml"
expect "verdicts: a bounce of mail not in Sent is not legitimate" 0 \
    "*test: 0 legitimate, 7 backscatter, 0 unsure; 1 campaign"
# the Sent copy shows up later (another client saved it): judged again
dc_append "$DC_USER" Sent "$DC_DIR/sent1.eml"
expect "verdicts: once its original is in Sent, it is legitimate" 0 \
    "*test: 1 legitimate, 6 backscatter, 0 unsure; 1 campaign"
out=$("$nd" report --config "$cf" --messages 2>&1)
line=$(printf '%s\n' "$out" | grep '"message_id":"<legit1@')
[[ $line == *'"verdict":"legit","score":0.000,"signals":[{"name":"sent_message_id","weight":-10.00,"evidence":"original Message-ID <sent-1@ndrsweep.test> found in Sent, '*'"campaign":null}' ]] &&
    ok "report --messages: verdict, score, signals with evidence" ||
    not_ok "report --messages: verdict, score, signals with evidence"
line=$(printf '%s\n' "$out" | grep '"message_id":"<b1-' | tail -1)
[[ $line == *'"verdict":"backscatter","score":'*'"name":"absent_from_sent","weight":3.00,"evidence":"original dated 2026-03-02, inside the span of the Sent index (2026-03-02 to 2026-03-02), is not in it"'*'"name":"campaign","weight":'*'"evidence":"6 bounces of one campaign (\"Cheap watches\")"}],"campaign":1}' ]] &&
    ok "report --messages: backscatter in its campaign" ||
    not_ok "report --messages: backscatter in its campaign"

dc_append "$DC_USER" INBOX $(copies 3 "$mail/ordinary1.eml")
"$nd" scan --config "$cf" >/dev/null 2>"$DC_DIR/err"
out=$(cat "$DC_DIR/err")
[ ! -s "$DC_DIR/err" ] && ok "no terminal (cron): nothing on stderr" ||
    not_ok "no terminal (cron): nothing on stderr"
dc_append "$DC_USER" INBOX $(copies 3 "$mail/ordinary1.eml")
if command -v script >/dev/null; then
	out=$(script -qec "$nd scan --config $cf" /dev/null 2>&1)
	[[ $out == *"scanning INBOX: 3/3 messages"* ]] &&
	    ok "on a terminal: a progress line" ||
	    not_ok "on a terminal: a progress line"
else
	ok "on a terminal: a progress line # SKIP script(1) missing"
fi
# a connection dropped in the middle of a fetch: a folder big enough for
# the scan to be caught in it, the user kicked off the server meanwhile
# (both sessions: among its 40,000 notes are 1,500 bounces, fetched on
# the second session while phase one reads)
md=$DC_DIR/mail/$DC_USER/Maildir/.Big
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for i in $(seq 40000); do
	printf 'From: x%d@example.org\nSubject: note %d\nMessage-Id: <big-%d@example.org>\n\nbody\n' \
	    "$i" "$i" "$i" >"$md/cur/$i.big:2,S"
done
b1=$(cat "$mail/bounce1.eml")
for i in $(seq 1500); do
	printf '%s\n' "${b1/<b1@/<b1-big-$i@}" >"$md/cur/$((i * 26)).bounce:2,S"
done
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$md"
sed -i 's/^folders = .*/folders = INBOX, Big/' "$cf"
# the kick must land while the scan reads: tried with shorter waits until
# the server's log shows a session kicked in the middle of a FETCH
dropped=no
for delay in 0.3 0.15 0.5 0.05 0.8; do
	rm -rf "$XDG_DATA_HOME"	# each try reads Big from the start
	kicks=$(grep -c "imap([0-9]*): Warning: Killed with signal" "$DC_DIR/dovecot.log")
	"$nd" scan --config "$cf" >"$DC_DIR/out" 2>&1 &
	pid=$!
	sleep "$delay"
	doveadm -c "$DC_DIR/dovecot.conf" kick "$DC_USER" >/dev/null 2>&1
	wait "$pid"
	st=$?
	if [ "$(grep -c "imap([0-9]*): Warning: Killed with signal" "$DC_DIR/dovecot.log")" -gt "$kicks" ]
	then
		dropped=yes
		break
	fi
done
# dropped while headers are read: opened again and read on (exit 0);
# while whole messages are: the folder is rolled back (exit 1, one line)
out="exit $st: $(cat "$DC_DIR/out")"
[ "$dropped" = yes ] && { [ "$st" = 0 ] || { [ "$st" = 1 ] &&
    [[ $out == *"ndrsweep: "* ]]; }; } &&
    ok "connection dropped mid-scan: read on, or one error line and exit 1" ||
    not_ok "connection dropped mid-scan: read on, or one error line and exit 1"
expect "the next scan completes" 0 "test: 3 folders, 41516 messages *"
out=$("$nd" report --config "$cf" 2>&1)
[[ $out == *"Big: 41500 messages: 1500 bounces"* ]] && ok "and the store is right" ||
    not_ok "and the store is right"
# a message the server cannot read: Dovecot hangs up in the middle of the
# FETCH. The scan opens the session again, asks for the first message not
# delivered alone, records it as unreadable when that fails again, and
# completes (before, every scan failed at the same place).
rm -rf "$md"
sed -i 's/^folders = .*/folders = Broken/' "$cf"
bd=$DC_DIR/mail/$DC_USER/Maildir/.Broken
mkdir -p "$bd/cur" "$bd/new" "$bd/tmp"
for i in 1 2 3 4; do	# written before Dovecot sees them, so none is cached
	sed "s/^Message-Id: <lunch@/Message-Id: <broken-$i@/" \
	    "$mail/ordinary1.eml" >"$bd/new/$i.broken"
done
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$bd"
chmod 000 "$bd/new/2.broken"
before=$(grep -c "FETCH failed" "$DC_DIR/dovecot.log")
expect "a message the server cannot read: the scan goes on past it" 0 \
    "test: 2 folders, 6 messages ?3 new?: *; 1 unreadable*"
after=$(grep -c "FETCH failed" "$DC_DIR/dovecot.log")
out="FETCH failures in the server log: $before before, $after after"
[ "$after" -gt "$before" ] && ok "(the server did fail that FETCH)" ||
    not_ok "(the server did fail that FETCH)"
printf 'wrong\n' >"$DC_DIR/pw"
expect "wrong password: exit 2 and one line" 2 \
    "ndrsweep: login to 127.0.0.1 as $DC_USER failed: *"
printf '%s\n' "$DC_PASS" >"$DC_DIR/pw"
sed -i "s/^port = .*/port = $(dc_free_port 7)/" "$cf"
expect "server gone: exit 2 and one line" 2 \
    "ndrsweep: cannot connect to 127.0.0.1:*: *"
echo "colour = blue" >>"$cf"
expect "configuration error: exit 78, file and line named" 78 \
    "ndrsweep: $cf:8: unknown key 'colour' in ?account test?"
out=$("$nd" scan --bogus 2>&1)
[ $? = 64 ] && [[ $out == *"usage: ndrsweep scan"* ]] && ok "bad usage: exit 64" ||
    not_ok "bad usage: exit 64"

# phase two (the candidates' content) on a session of its own, during
# phase one when it has 2,000 messages or more still to read: one more
# login then, none for a small folder; and when the server allows one
# session only, phase two on the scan's own session, with the same result
# plain COUNT FOLDER: COUNT small ordinary messages written into FOLDER's
# Maildir (Dovecot numbers them after what is there)
plain() {
	local d=$DC_DIR/mail/$DC_USER/Maildir/.$2 i
	mkdir -p "$d/cur" "$d/new" "$d/tmp"
	plain_n=$((${plain_n:-0} + 1))	# file names unique across calls
	for i in $(seq "$1"); do
		printf 'From: p%d@example.org\nSubject: plain %d\nMessage-Id: <plain-%d-%d@example.org>\n\nbody\n' \
		    "$i" "$i" "$plain_n" "$i" >"$d/new/$plain_n.$i.plain"
	done
	chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$d"
}
cf=$DC_DIR/config2
dc_config "$cf" second "port=$DC_TLS_PORT" "ca_file=$DC_CA" folders=Second
dc_append "$DC_USER" Second $(copies 3 "$mail/bounce1.eml")
plain 2100 Second
before=$(logins)
expect "phase two on a second session: the candidates read" 0 \
    "second: 2 folders, 2105 messages ?2105 new?: 3 bounces, *"
after=$(logins_reach $((before + 2)))
out="logins: $before before, $after after"
[ "$after" = $((before + 2)) ] && ok "(a second login, during phase one)" ||
    not_ok "(a second login, during phase one)"
dc_append "$DC_USER" Second $(copies 2 "$mail/bounce1.eml")
before=$(logins)
expect "a few new messages: phase two after phase one" 0 \
    "second: 2 folders, 2107 messages ?2 new?: 2 bounces, *"
sleep 0.3
after=$(logins)
out="logins: $before before, $after after"
[ "$after" = $((before + 1)) ] && ok "(one login only)" ||
    not_ok "(one login only)"
echo "mail_max_userip_connections = 1" >>"$DC_DIR/dovecot.conf"
doveadm -c "$DC_DIR/dovecot.conf" reload || dc_die "reload failed"
sleep 0.3
refused=$(grep -c "Maximum number of connections" "$DC_DIR/dovecot.log")
dc_append "$DC_USER" Second $(copies 2 "$mail/bounce1.eml")
plain 2100 Second
expect "one session allowed: phase two on the scan's session, nothing lost" 0 \
    "second: 2 folders, 4209 messages ?2102 new?: 2 bounces, *"
out="the server refused $(($(grep -c "Maximum number of connections" \
    "$DC_DIR/dovecot.log") - refused)) sessions"
[ "$(grep -c "Maximum number of connections" "$DC_DIR/dovecot.log")" -gt "$refused" ] &&
    ok "(the server did refuse the second session)" ||
    not_ok "(the server did refuse the second session)"
# a report whose content the server cannot give, though it has its
# header fields (cached when the folder was first read): phase two asks
# for the first report not delivered alone, records it as unreadable when
# that fails again, and goes on (before, every scan failed there)
cf=$DC_DIR/config3
dc_config "$cf" bodies "port=$DC_TLS_PORT" "ca_file=$DC_CA" folders=Bodies
bd=$DC_DIR/mail/$DC_USER/Maildir/.Bodies
mkdir -p "$bd/cur" "$bd/new" "$bd/tmp"
for i in 1 2 3; do
	sed "s/^Message-Id: <b1@/Message-Id: <body-$i@/" "$mail/bounce1.eml" \
	    >"$bd/new/$i.body"
done
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$bd"
expect "a folder of three reports" 0 "bodies: 2 folders, *: 3 bounces, *"
rm -f "$XDG_DATA_HOME/ndrsweep/bodies.db"*
chmod 000 "$bd"/*/2.body*
expect "a report the server cannot give: the scan goes on past it" 0 \
    "bodies: 2 folders, *: 2 bounces, *; 1 unreadable*"
# it is asked for again at each scan, counted by report, and read (and
# judged) once the server gives it
expect "the next scan asks for it again: still unreadable" 0 \
    "bodies: 2 folders, *; 1 unreadable (asked for again next time)*"
out=$("$nd" report --config "$cf" 2>&1)
[[ $out == *"Bodies: 3 messages: 2 bounces, "*"; 1 unreadable (asked for again at each scan)"* ]] &&
    ok "report counts the unreadable report" || not_ok "report counts the unreadable report"
chmod 644 "$bd"/*/2.body*
expect "the server gives it again: read now" 0 \
    "bodies: 2 folders, *: 1 bounces, *; 1 unreadable before, read now*"
out=$("$nd" report --messages --config "$cf" 2>&1 | grep '<body-2@')
[[ $out == *'"kind":"bounce"'* && $out == *'"verdict":"'* && $out != *'"unreadable":true'* ]] &&
    ok "and judged like the others" || not_ok "and judged like the others"

# a rescan with nothing new judges nothing (the verdicts stand: a score
# spoiled by hand in the store stays), and says the verdicts all the same;
# once what verdicts are made of changes (here own_relays), it judges again
db=$XDG_DATA_HOME/ndrsweep/bodies.db
spoil() { python3 -c 'import sqlite3, sys
d = sqlite3.connect(sys.argv[1]); d.execute("UPDATE verdicts SET score = 0.123"); d.commit()' "$db"; }
scores() { python3 -c 'import sqlite3, sys
d = sqlite3.connect(sys.argv[1]); print(d.execute("SELECT count(*) FROM verdicts WHERE score = 0.123").fetchone()[0])' "$db"; }
spoil
out=$("$nd" scan --config "$cf" 2>&1)
[[ $out == "bodies: 2 folders, "*"(0 new)"*"bodies: 0 legitimate, 3 backscatter, 0 unsure"* ]] &&
    [ "$(scores)" = 3 ] &&
    ok "a rescan with nothing new: the verdicts said, not made again" ||
    not_ok "a rescan with nothing new: the verdicts said, not made again ($(scores) of 3 left; $out)"
echo "own_relays = smtp.bodies.example" >>"$cf"
"$nd" scan --config "$cf" >/dev/null 2>&1
[ "$(scores)" = 0 ] && ok "the configuration changed: judged again" ||
    not_ok "the configuration changed: judged again ($(scores) scores left)"
# ordinary mail deleted by another client: the verdicts stand; a report
# deleted: judged again (its campaign is smaller)
dc_append "$DC_USER" Bodies "$mail/ordinary1.eml"
"$nd" scan --config "$cf" >/dev/null 2>&1
spoil
da() { doveadm -c "$DC_DIR/dovecot.conf" "$@"; }
da expunge -u "$DC_USER" mailbox Bodies header Message-Id lunch@example.org
out=$("$nd" scan --config "$cf" 2>&1)
[[ $out == *"1 gone from the server"* ]] && [ "$(scores)" = 3 ] &&
    ok "ordinary mail expunged elsewhere: forgotten, the verdicts not made again" ||
    not_ok "ordinary mail expunged elsewhere: forgotten, the verdicts not made again ($(scores) of 3 left; $out)"
da expunge -u "$DC_USER" mailbox Bodies header Message-Id body-1@
out=$("$nd" scan --config "$cf" 2>&1)
[[ $out == *"1 gone from the server"* ]] && [ "$(scores)" = 0 ] &&
    ok "a report expunged elsewhere: judged again" ||
    not_ok "a report expunged elsewhere: judged again ($(scores) scores left; $out)"
exit 0
