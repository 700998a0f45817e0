#!/bin/bash
# tests/badserver.sh - ndrsweep against servers that misbehave: a real
# Dovecot behind tests/badserver.py, a proxy that answers one command itself.
#
# Moves: a MOVE (or COPY) answered NO, or cut off after it was sent, while
# the quarantine already holds an earlier, different message with the same
# Message-ID (a second delivery): nothing is lost, nothing is expunged that
# did not reach the quarantine, and the next run finishes the job.
#
# Answers without bounds: an endless line, a literal of 2^40 bytes, one
# byte a second, silence (after a command, or from the start): each run
# ends within 2 minutes with one line and exit 1 or 2, under 100 MB.
#
# Capabilities: asked for only when the server did not say them unasked.
#
# COMPRESS=DEFLATE answered OK, then a deflate bomb or no deflate at all:
# bounded as the answers above are, and the scan done on a fresh session.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

n=25
plan $n
need $n dovecot dovecot-imapd
need $n python3 python3
dc_start
export XDG_DATA_HOME=$DC_DIR/data
q=Quarantine/Backscatter
da() { doveadm -c "$DC_DIR/dovecot.conf" "$@"; }
ids_in() {	# the Message-IDs of a folder, sorted, one a line
	da fetch -u "$DC_USER" hdr.message-id mailbox "$1" 2>/dev/null |
	    sed -n 's/^hdr.message-id: //p' | sort
}
all_ids() { { ids_in INBOX; ids_in "$q"; } | sort; }
hport=$(dc_free_port 7)
hostile() {	# hostile MODE WORD: the proxy, in the background, ready
	dc_bg "$DC_DIR/hostile.out" python3 "$top/tests/badserver.py" \
	    "$hport" "$DC_PORT" "$1" "$2"
	hpid=$DC_BG
}
unhostile() { kill -TERM "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null; }
config() {	# config PORT
	# these tests are about moves, not verdicts: any backscatter goes
	dc_config "$DC_DIR/config" t "port=$1" tls=none "folders=${folder:-INBOX}" \
	    addresses=alice@ndrsweep.test threshold=0.5 unsure=quarantine
}
clean() { out=$("$nd" clean --config "$DC_DIR/config" 2>&1); rc=$?; }

# fill K: K backscatter bounces in INBOX (Message-IDs <b1-K-i@...>), and
# in the quarantine an earlier delivery of the first one: the same
# Message-ID, another MX's Received line, so other bytes
fill() {
	local i
	for i in $(seq 10); do
		sed -e "s/^Message-Id: <b1@/Message-Id: <b1-$1-$i@/" \
		    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-1-$1-$i@/" \
		    "$mail/bounce1.eml" >"$DC_DIR/b$i.eml"
	done
	{ echo "Received: from mx2.far.example by mx.ndrsweep.test; Mon, 1 Dec 2026 10:00:00 +0000"
	  cat "$DC_DIR/b1.eml"; } >"$DC_DIR/early.eml"
	dc_append "$DC_USER" "$q" "$DC_DIR/early.eml"
	dc_append "$DC_USER" INBOX "$DC_DIR"/b{1,2,3,4,5,6,7,8,9,10}.eml
}
# nothing lost: every Message-ID of before is still there, as many times
lost() { comm -23 "$DC_DIR/before" <(all_ids) | head -3 | tr '\n' ' '; }

# 1. MOVE answered NO [OVERQUOTA]
fill 1
all_ids >"$DC_DIR/before"
config "$hport"
hostile no MOVE
clean
unhostile
lines=$(printf '%s\n' "$out" | wc -l)
[ "$rc" = 1 ] && [ "$lines" = 1 ] && [[ $out == *"OVERQUOTA"* || $out == *"Quota"* ]] &&
    [ -z "$(lost)" ] && [ "$(dc_count INBOX)" = 10 ] && [ "$(dc_count "$q")" = 1 ] &&
    ok "MOVE answered NO: exit 1, one line, all 10 still in INBOX, the earlier copy untouched" ||
    not_ok "MOVE answered NO: exit 1, one line, all 10 still in INBOX, the earlier copy untouched (exit $rc, INBOX $(dc_count INBOX), lost [$(lost)])"
rows=$(sqlite3 "$XDG_DATA_HOME/ndrsweep/t.db" \
    "SELECT state, count(*) FROM journal GROUP BY state" 2>/dev/null | tr '\n' ' ')
learnt=$(sqlite3 "$XDG_DATA_HOME/ndrsweep/t.db" "SELECT count(*) FROM trained" 2>/dev/null)
[[ $rows == "dropped|10 " ]] && [ "$learnt" = 0 ] &&
    ok "the refused rows are settled at once: dropped, none pending; nothing learnt" ||
    not_ok "the refused rows are settled at once: dropped, none pending; nothing learnt ($rows; $learnt learnt)"
config "$DC_PORT"
clean
learnt=$(sqlite3 "$XDG_DATA_HOME/ndrsweep/t.db" "SELECT count(*) FROM trained" 2>/dev/null)
[ "$rc" = 0 ] && [ -z "$(lost)" ] && [ "$(dc_count INBOX)" = 0 ] &&
    [ "$(ids_in "$q" | grep -c "<b1-1-1@")" = 2 ] && [ "$learnt" -gt 0 ] &&
    ok "the next run quarantines the 10; both copies of the shared Message-ID kept" ||
    not_ok "the next run quarantines the 10; both copies of the shared Message-ID kept (exit $rc: $out)"

# 2. the run dies right after sending MOVE (the journal rows written)
da expunge -u "$DC_USER" mailbox "$q" all
rm -rf "$XDG_DATA_HOME"
fill 2
all_ids >"$DC_DIR/before"
config "$hport"
hostile cut MOVE
clean
first=$rc
unhostile
# the run's own reconnection may settle them already: pending or dropped
pending=$(sqlite3 "$XDG_DATA_HOME/ndrsweep/t.db" \
    "SELECT count(*) FROM journal WHERE state IN ('pending', 'dropped')" 2>/dev/null)
firstout=$out
config "$DC_PORT"
clean
[ "$first" != 0 ] && [ "$pending" = 10 ] && [ "$rc" = 0 ] && [ -z "$(lost)" ] &&
    [ "$(dc_count INBOX)" = 0 ] && [ "$(ids_in "$q" | grep -c "<b1-2-1@")" = 2 ] &&
    ok "cut after MOVE: 10 rows journalled, unsettled or dropped; the next run expunges nothing unproven and quarantines all" ||
    not_ok "cut after MOVE: 10 rows journalled, unsettled or dropped; the next run expunges nothing unproven and quarantines all (first exit $first: $firstout; $pending pending, exit $rc: $out; INBOX $(dc_count INBOX), $q $(dc_count "$q"); lost [$(lost)])"

# 3. the same without MOVE: UID COPY refused, then cut
caps="IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE NAMESPACE CHILDREN SPECIAL-USE CONDSTORE UIDPLUS"
dc_capability "$caps"
da expunge -u "$DC_USER" mailbox "$q" all
rm -rf "$XDG_DATA_HOME"
fill 3
all_ids >"$DC_DIR/before"
config "$hport"
hostile no COPY
clean
unhostile
[ "$rc" = 1 ] && [ -z "$(lost)" ] && [ "$(dc_count INBOX)" = 10 ] &&
    [ "$(da search -u "$DC_USER" mailbox INBOX DELETED | wc -l)" = 0 ] &&
    ok "no MOVE, COPY answered NO: all still in INBOX, none marked deleted" ||
    not_ok "no MOVE, COPY answered NO: all still in INBOX, none marked deleted (exit $rc: $out)"
hostile cut EXPUNGE
clean
first=$rc
unhostile
config "$DC_PORT"
clean
[ "$first" != 0 ] && [ "$rc" = 0 ] && [ -z "$(lost)" ] &&
    [ "$(dc_count INBOX)" = 0 ] && [ "$(ids_in "$q" | grep -c "<b1-3-1@")" = 2 ] &&
    ok "no MOVE, cut before UID EXPUNGE: the proven copies finished, nothing lost" ||
    not_ok "no MOVE, cut before UID EXPUNGE: the proven copies finished, nothing lost (first $first, exit $rc: $out; lost [$(lost)])"
dups=$(ids_in "$q" | uniq -d | wc -l)
[ "$dups" = 1 ] && ok "no message doubled in the quarantine (only the earlier delivery's ID twice)" ||
    not_ok "no message doubled in the quarantine ($dups IDs twice)"
dc_capability "+MOVE"

# 4. a journal row written before fingerprints (schema 6): never proof
da expunge -u "$DC_USER" mailbox "$q" all
rm -rf "$XDG_DATA_HOME"
fill 4
all_ids >"$DC_DIR/before"
config "$DC_PORT"
"$nd" scan --config "$DC_DIR/config" >/dev/null 2>&1
db=$XDG_DATA_HOME/ndrsweep/t.db
uv=$(sqlite3 "$db" "SELECT uidvalidity FROM folders WHERE name = 'INBOX'")
uid=$(sqlite3 "$db" "SELECT uid FROM messages m JOIN folders f ON f.id = m.folder WHERE f.name = 'INBOX' AND message_id = '<b1-4-1@mx.far.example>'")
sqlite3 "$db" "INSERT INTO journal(batch, action, folder, uidvalidity, uid, message_id, dest, origin, state, at) VALUES (1, 'quarantine', 'INBOX', $uv, $uid, '<b1-4-1@mx.far.example>', '$q', 'INBOX', 'pending', 0)"
out=$("$nd" clean --config "$DC_DIR/config" --verbose 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$(lost)" ] && [ "$(ids_in "$q" | grep -c "<b1-4-1@")" = 2 ] &&
    ok "an old pending row, its Message-ID in the quarantine: settled as dropped, nothing lost" ||
    not_ok "an old pending row, its Message-ID in the quarantine: settled as dropped, nothing lost (exit $rc: $out; lost [$(lost)])"

# 5. answers without bounds
bounded() {	# bounded NAME MODE WORD CMD...: the run's time, memory, output
	local name=$1 mode=$2 word=$3
	shift 3
	config "$hport"
	# the account's timeout is 30 s by default; 5 s here, but once
	[ -n "${slow:-}" ] || echo "timeout = 5" >>"$DC_DIR/config"
	[ -z "${compress:-}" ] || echo "compress = $compress" >>"$DC_DIR/config"
	hostile "$mode" "$word"
	/usr/bin/time -f "%e %M" -o "$DC_DIR/time" "$nd" "$@" \
	    --config "$DC_DIR/config" >"$DC_DIR/out" 2>"$DC_DIR/err"
	rc=$?
	unhostile
	read -r secs kb < <(tail -1 "$DC_DIR/time")
	lines=$(wc -l <"$DC_DIR/err")
	out="exit $rc, ${secs}s, ${kb} KB: $(cat "$DC_DIR/err")"
	if [[ $rc =~ ^[12]$ ]] && [ "${secs%.*}" -lt 120 ] && [ "$kb" -lt 102400 ] &&
	    [ "$lines" -le 2 ] && ! grep -q "done\|^$" "$DC_DIR/err"; then
		ok "$name: $out"
	else
		not_ok "$name (one line, exit 1 or 2, < 2 min, < 100 MB)"
	fi
}
rm -rf "$XDG_DATA_HOME"
bounded "LIST answered by an endless line" endless LIST scan
bounded "LIST answered by a literal of 2^40 bytes" literal LIST scan
bounded "EXAMINE answered a byte a second" trickle EXAMINE scan
slow=1 bounded "EXAMINE never answered (timeout 30 s, the default)" silent EXAMINE scan
# a first scan opens INBOX before its LIST; refused there, it is left
# to the LIST, which opens it again: the refusal said once, not twice
rm -rf "$XDG_DATA_HOME"
bounded "EXAMINE refused (NO) on a first scan" no EXAMINE scan
said=$(grep -c "cannot open folder INBOX" "$DC_DIR/err")
[ "$said" = 1 ] && ok "EXAMINE refused: INBOX's refusal said once ($said)" ||
    not_ok "EXAMINE refused: INBOX's refusal said once ($said: $(cat "$DC_DIR/err"))"
bounded "no greeting at all" greeting - scan
# the login (AUTHENTICATE with its data, SASL-IR) answered by a BYE, not
# a tagged line
bounded "AUTHENTICATE answered by BYE" bye AUTHENTICATE scan
# a STARTTLS the server offers, then refuses: said so, no plain login
dc_config "$DC_DIR/config" t "port=$hport" tls=starttls "ca_file=$DC_CA" \
    folders=INBOX
hostile no STARTTLS
out=$("$nd" scan --config "$DC_DIR/config" 2>&1)
rc=$?
unhostile
[ "$rc" = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
    [[ $out == "ndrsweep: 127.0.0.1 refused STARTTLS: "*"(badserver.py)" ]] &&
    ok "STARTTLS refused: exit 2, one line with the server's words" ||
    not_ok "STARTTLS refused: exit 2, one line with the server's words (exit $rc)"
# COMPRESS=DEFLATE (RFC 4978), then a stream that inflates without end,
# or no deflate at all: the guard counts what it inflates to (the test
# server offers COMPRESS=DEFLATE: tests/dovecot.inc.sh)
# a scan compresses before it reads 1,000 new messages or more: a folder
# of 1,200
big=$DC_DIR/mail/$DC_USER/Maildir/.Big
mkdir -p "$big/cur" "$big/new" "$big/tmp"
for i in $(seq 1200); do
	printf 'From: a@example.org\nSubject: note %s\nMessage-ID: <n%s@example.org>\n\nhello\n' \
	    "$i" "$i" >"$big/new/$i.host"
done
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$big"
# the session that met it is dropped, and the scan goes on in a fresh
# one (not compressed again): every message read, bounded in time and
# memory
survived() {	# survived NAME MODE
	rm -rf "$XDG_DATA_HOME"
	folder=Big config "$hport"
	echo "compress = yes" >>"$DC_DIR/config"
	hostile "$2" COMPRESS
	/usr/bin/time -f "%e %M" -o "$DC_DIR/time" "$nd" scan \
	    --config "$DC_DIR/config" >"$DC_DIR/out" 2>"$DC_DIR/err"
	rc=$?
	unhostile
	read -r secs kb < <(tail -1 "$DC_DIR/time")
	hits=$(grep -c "^hit COMPRESS" "$DC_DIR/hostile.out")
	out="exit $rc, ${secs}s, ${kb} KB, $hits COMPRESS: $(cat "$DC_DIR/out" "$DC_DIR/err")"
	if [ "$rc" = 0 ] && [ "$hits" -ge 1 ] && [ "${secs%.*}" -lt 120 ] &&
	    [ "$kb" -lt 102400 ] && grep -q "1200 messages (1200 new)" "$DC_DIR/out"; then
		ok "$1: $out"
	else
		not_ok "$1 (exit 0, all 1,200 read, < 2 min, < 100 MB)"
	fi
}
survived "COMPRESS, then a deflate bomb (a line without end)" zbomb
survived "COMPRESS, then no deflate at all" zjunk
fill 5
bounded "clean: MOVE never answered (the lock held meanwhile)" silent MOVE clean
# capabilities: a server that says them unasked (Dovecot, in its greeting
# and its answer to the login) is not asked for them, two round trips
# fewer a connection; one that does not is asked, after the greeting and
# after the login, and the scan is the same
dc_config "$DC_DIR/config" t "port=$hport" tls=none folders=INBOX
# (then a message expunged by another client: the UIDs listed as ranges
# by ESEARCH where the server has it, by UID SEARCH ALL where not)
for m in pass nocaps; do
	rm -rf "$XDG_DATA_HOME"
	hostile "$m" -
	out=$("$nd" scan --config "$DC_DIR/config" 2>&1)
	rc=$?
	da expunge -u "$DC_USER" mailbox INBOX uid "$(da search -u "$DC_USER" mailbox INBOX all | head -1 | awk '{print $2}')"
	out2=$("$nd" scan --config "$DC_DIR/config" 2>&1)
	rc2=$?
	unhostile
	asked=$(grep -c '^saw CAPABILITY' "$DC_DIR/hostile.out")
	examined=$(grep -c '^saw EXAMINE' "$DC_DIR/hostile.out")
	es=$(grep -c '^saw SEARCH RETURN' "$DC_DIR/hostile.out")
	# each scan sends its LOGOUT before the judging and reads the
	# answer after: one a scan, and each session logged out as asked
	lo=$(grep -c '^saw LOGOUT' "$DC_DIR/hostile.out")
	# Dovecot offers SASL-IR: every login one line, no "+" waited for
	ir=$(grep -c '^saw AUTHENTICATE IR$' "$DC_DIR/hostile.out")
	noir=$(grep -c '^saw AUTHENTICATE$' "$DC_DIR/hostile.out")
	# which came first in each session, EXAMINE or LIST: the first
	# scan opens INBOX (on every server) before it lists the folders,
	# the second opens what it read before; the first still lists
	firsts=$(awk '/^saw AUTHENTICATE/ { f = "" }
	    /^saw (EXAMINE|LIST)$/ && f == "" { f = $2; printf "%s ", f }' \
	    "$DC_DIR/hostile.out")
	lists=$(grep -c '^saw LIST$' "$DC_DIR/hostile.out")
	want=0 wes=1
	[ "$m" = nocaps ] && want=4 wes=0
	[ "$rc" = 0 ] && [ "$rc2" = 0 ] && [ "$asked" = "$want" ] &&
	    [ "$examined" -ge 1 ] && [ "$es" = "$wes" ] && [ "$lo" = 2 ] &&
	    [ "$ir" -ge 2 ] && [ "$noir" = 0 ] &&
	    [ "$firsts" = "EXAMINE EXAMINE " ] && [ "$lists" -ge 1 ] &&
	    [[ $out2 == *"1 gone from the server"* ]] &&
	    ok "$m: CAPABILITY asked $asked times in two scans (want $want), ESEARCH $es (want $wes), LOGOUT $lo (want 2), logins with their data $ir (without $noir), INBOX opened before the LIST in both scans, the expunge learnt" ||
	    not_ok "$m: CAPABILITY asked $asked times in two scans (want $want), ESEARCH $es (want $wes), LOGOUT $lo (want 2), logins with their data $ir (without $noir), INBOX opened before the LIST in both scans [$firsts; $lists LIST], the expunge learnt (exit $rc $rc2: $out2)"
done
# a rescan with nothing new asks the STATUS of every folder it read
# before, all in one write (one round trip), and opens none (CONDSTORE:
# the same HIGHESTMODSEQ); with new mail in one, opens that one only
dc_config "$DC_DIR/config" t "port=$hport" tls=none "folders=INBOX Junk"
rm -rf "$XDG_DATA_HOME"
hostile pass -
"$nd" scan --config "$DC_DIR/config" >/dev/null 2>&1
rc=$?
saw() {	# saw WORD: how often since line $from of what the proxy saw
	tail -n +"$from" "$DC_DIR/hostile.out" | grep -c "^saw $1\$"
}
from=$(($(wc -l <"$DC_DIR/hostile.out") + 1))
out=$("$nd" scan --config "$DC_DIR/config" 2>&1)
rc2=$?
st1=$(saw STATUS) ex1=$(saw EXAMINE)
printf 'From: a@example.org\nSubject: new\nMessage-ID: <new-junk@example.org>\n\nhi\n' >"$DC_DIR/j.eml"
dc_append "$DC_USER" Junk "$DC_DIR/j.eml"
from=$(($(wc -l <"$DC_DIR/hostile.out") + 1))
out2=$("$nd" scan --config "$DC_DIR/config" 2>&1)
rc3=$?
st2=$(saw STATUS) ex2=$(saw EXAMINE)
unhostile
[ "$rc" = 0 ] && [ "$rc2" = 0 ] && [ "$rc3" = 0 ] && [ "$st1" = 3 ] &&
    [ "$ex1" = 0 ] && [ "$st2" = 3 ] && [ "$ex2" = 1 ] &&
    [[ $out == *"3 folders"*"(0 new)"* ]] && [[ $out2 == *"3 folders"*"(1 new)"* ]] &&
    ok "rescans: the STATUS of 3 folders at once, no EXAMINE; new mail in one: that one EXAMINEd" ||
    not_ok "rescans: STATUS $st1 and $st2 (want 3), EXAMINE $ex1 and $ex2 (want 0 and 1) (exit $rc $rc2 $rc3: $out / $out2)"
# a LOGOUT never answered: the scan's work is kept and said (exit 0), the
# wait for the answer bounded by the account's timeout (5 s here)
config "$hport"
echo "timeout = 5" >>"$DC_DIR/config"
hostile silent LOGOUT
/usr/bin/time -f "%e" -o "$DC_DIR/time" "$nd" scan --config "$DC_DIR/config" >"$DC_DIR/out" 2>&1
rc=$?
unhostile
secs=$(tail -1 "$DC_DIR/time")
[ "$rc" = 0 ] && [ "${secs%.*}" -lt 20 ] && grep -q "^t: [0-9]* folders" "$DC_DIR/out" &&
    ok "LOGOUT never answered: the scan done and said, exit 0, ${secs}s" ||
    not_ok "LOGOUT never answered: the scan done and said, exit 0 (exit $rc, ${secs}s: $(cat "$DC_DIR/out"))"
# an ESEARCH that lists every UID there can be: refused in one line, not
# 16 GB of UIDs; the store keeps what it had
da expunge -u "$DC_USER" mailbox INBOX uid "$(da search -u "$DC_USER" mailbox INBOX all | head -1 | awk '{print $2}')"
hostile bigsearch SEARCH
/usr/bin/time -f "%M" -o "$DC_DIR/time" "$nd" scan --config "$DC_DIR/config" >"$DC_DIR/out" 2>&1
rc=$?
unhostile
kb=$(tail -1 "$DC_DIR/time")
[ "$rc" = 1 ] && [ "$(grep -c "^ndrsweep: INBOX: SEARCH failed: the server listed more UIDs" "$DC_DIR/out")" = 1 ] &&
    [ "$kb" -lt 102400 ] &&
    ok "ESEARCH of every UID there can be: refused, exit 1, one error line, ${kb} KB" ||
    not_ok "ESEARCH of every UID there can be: refused, exit 1, one error line (exit $rc, ${kb} KB: $(cat "$DC_DIR/out"))"
exit 0
