#!/bin/bash
# tests/accounts.sh - many accounts for an administrator, against a real
# Dovecot with a master user: [defaults] and users_cmd, the master login
# (SASL PLAIN with an authorization identity; LOGIN user*master where the
# server has no PLAIN), scan/clean/report/review --all, one failing
# account among good ones, a run killed in the middle and run again, and
# the account list of review --all driven in tmux.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

N=31
plan $N
need $N dovecot dovecot-imapd
dc_start
export XDG_DATA_HOME=$DC_DIR/data
dc_add_user bob
dc_add_user carol
dc_master admin master-secret
printf 'master-secret\n' >"$DC_DIR/mpw"
chmod 600 "$DC_DIR/mpw"
q=Quarantine/Backscatter
count() { DC_USER=$1 dc_count "$2"; }	# count USER FOLDER
# flood USER N TAG SUBJECT: N more bounces of spam in USER's INBOX, their
# originals' Message-IDs <TAG-USER-i@...>
flood() {
	local i
	mkdir -p "$DC_DIR/f-$1-$3"
	for i in $(seq "$2"); do
		sed -e "s/^Message-Id: <b1@/Message-Id: <b-$3-$1-$i@/" \
		    -e "s/^Message-Id: <spam-1@/Message-Id: <$3-$1-$i@/" \
		    -e "s/Cheap watches/$4/" \
		    "$mail/bounce1.eml" >"$DC_DIR/f-$1-$3/$i.eml"
	done
	dc_append "$1" INBOX "$DC_DIR/f-$1-$3"/*.eml
}

# each user: Sent holds the mail a legitimate bounce is of; INBOX a
# campaign (alice 5, bob 7, carol 9), that bounce and ordinary mail
sed -e 's/^Message-Id: <lunch@example.org>/Message-Id: <sent-1@ndrsweep.test>/' \
    -e 's/^From: .*/From: alice@ndrsweep.test/' "$mail/ordinary1.eml" >"$DC_DIR/sent1.eml"
sed -e 's/^Message-Id: <spam-1@/Message-Id: <sent-1@/' \
    -e 's/^Message-Id: <b1@/Message-Id: <legit1@/' \
    -e 's/Cheap watches/Lunch on Friday/' "$mail/bounce1.eml" >"$DC_DIR/legit1.eml"
n=3
for u in alice bob carol; do
	n=$((n + 2))
	mkdir -p "$DC_DIR/m-$u"
	for i in $(seq $n); do
		sed -e "s/^Message-Id: <b1@/Message-Id: <b1-$u-$i@/" \
		    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-$u-$i@/" \
		    "$mail/bounce1.eml" >"$DC_DIR/m-$u/$i.eml"
	done
	dc_append "$u" Sent "$DC_DIR/sent1.eml"
	dc_append "$u" INBOX "$DC_DIR/m-$u"/*.eml "$DC_DIR/legit1.eml" \
	    "$mail/ordinary1.eml"
done

cf=$DC_DIR/config
cat >"$cf" <<EOF
# an administrator's: one template, the users from a command, the
# master's password; no user's own password anywhere
[defaults]
host = 127.0.0.1
port = $DC_PORT
tls = none
master_user = admin
password_file = $DC_DIR/mpw
folders = INBOX
addresses = alice@ndrsweep.test
users_cmd = printf 'alice\nbob\ncarol\n'
classifier = shared
EOF
# run ARGS: ndrsweep on the configuration, what it said in $out (and kept
# in $DC_DIR/said, for the password check), its status in $rc
run() {
	out=$("$nd" "$@" --config "$cf" 2>&1)
	rc=$?
	printf '%s\n' "$out" >>"$DC_DIR/said"
}

run scan --all --jobs 2
[ $rc = 0 ] && [ "$(echo "$out" | grep -c ': 2 folders, ')" = 3 ] &&
    echo "$out" | grep -q '^bob: 2 folders, 10 messages (10 new)' &&
    echo "$out" | grep -q '^carol: 2 folders, 12 messages' &&
    ok "scan --all: every user read through the master login" ||
    not_ok "scan --all: every user read through the master login"
# a line of one account is never between two of another
order=$(echo "$out" | grep -v '^ndrsweep:' | cut -d: -f1 | uniq | sort | uniq -d)
[ -z "$order" ] && ok "scan --all: each account's lines together" ||
    not_ok "scan --all: each account's lines together ($order)"
# the dry run of each account alone: what clean --all must do
want=
for u in alice bob carol; do
	o=$("$nd" clean --dry-run --account $u --config "$cf" 2>&1)
	want="$want $(echo "$o" | sed -n 's/.*would quarantine \([0-9]*\) .*/\1/p')"
done
[ "$want" = " 5 7 9" ] && ok "each account alone would quarantine its campaign" ||
    { out=$want; not_ok "each account alone would quarantine its campaign"; }

# ---- one account's failures among good ones ----
cat >>"$cf" <<EOF
[account dave]
user = dave
[account typo]
user = carol
port = 99999
EOF
run clean --all
[ $rc = 1 ] &&
    [ "$(count alice $q) $(count bob $q) $(count carol $q)" = "5 7 9" ] &&
    [ "$(count alice INBOX) $(count bob INBOX) $(count carol INBOX)" = "2 2 2" ] &&
    ok "clean --all: what each account alone would, legitimate bounces left, exit 1" ||
    not_ok "clean --all: what each account alone would, legitimate bounces left, exit 1"
echo "$out" | grep -q "^ndrsweep: dave: login to 127.0.0.1 as dave (master user admin) failed" &&
    echo "$out" | grep -q "^ndrsweep: typo: $cf:[0-9]*: bad value for 'port'" &&
    ok "the refused login and the wrong section: one line each, named" ||
    not_ok "the refused login and the wrong section: one line each, named"
echo "$out" | tail -1 | grep -q "clean --all: 5 accounts, 3 done, 2 failed: dave (server), typo (configuration)" &&
    ok "one summary at the end, naming the failed" ||
    not_ok "one summary at the end, naming the failed"
run clean --all
[ $rc = 1 ] && ! echo "$out" | grep -qE '^(alice|bob|carol):' &&
    ok "clean --all again: nothing more to do for the good ones" ||
    not_ok "clean --all again: nothing more to do for the good ones"

# ---- classifier = shared: every account's decisions in one classifier
# (here, before any run is killed: a killed run's moves are settled by
# the next one, but not learnt) ----
out=$(python3 - "$XDG_DATA_HOME/ndrsweep" <<'EOF'
import sqlite3, sys
d = sys.argv[1]
shared = sqlite3.connect(d + "/shared-classifier.sqlite")
n = shared.execute("SELECT count(*), sum(spam) FROM trained").fetchone()
own = [sqlite3.connect("%s/%s.db" % (d, u)).execute(
    "SELECT count(*) FROM trained").fetchone()[0] for u in ("alice", "bob", "carol")]
toks = shared.execute("SELECT count(*) FROM tokens").fetchone()[0]
print(n[0], n[1], own, toks > 0)
EOF
)
[ "$out" = "21 21 [0, 0, 0] True" ] &&
    ok "classifier = shared: the 21 messages quarantined in 3 accounts taught one classifier" ||
    not_ok "classifier = shared: the 21 messages quarantined in 3 accounts taught one classifier"

# a dropped connection (every connection of carol2 cut by a proxy after
# 2,000 bytes) is that account's failure, not the others'
sed -i '/^\[account dave\]/,$d' "$cf"
dc_bg "$DC_DIR/cut.out" python3 "$top/tests/lossyproxy.py" "$DC_PORT" drop 2000
cutport=$(cut -d' ' -f1 "$DC_DIR/cut.out")
cat >>"$cf" <<EOF
[account carol2]
user = carol
port = $cutport
timeout = 5
EOF
run scan --all
kill "$DC_BG" 2>/dev/null
[ $rc = 1 ] && echo "$out" | grep -q '^ndrsweep: carol2: ' &&
    [ "$(echo "$out" | grep -cE '^(alice|bob|carol): 2 folders, ')" = 3 ] &&
    echo "$out" | tail -1 | grep -q "1 failed: carol2 (" &&
    ok "a dropped connection is that account's failure; the others scan" ||
    not_ok "a dropped connection is that account's failure; the others scan"
sed -i '/^\[account carol2\]/,$d' "$cf"

# ---- report --all: for monitoring ----
run report --all --json
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
a = {x["account"]: x for x in d["accounts"]}
assert [x["account"] for x in d["accounts"]] == ["alice", "bob", "carol"], a.keys()
assert a["bob"]["quarantine"]["messages"] == 7
assert a["carol"]["quarantine"]["campaigns"] == 1
assert a["alice"]["verdicts"]["legit"] == 1
assert a["carol"]["last_run"]["command"] == "scan"
assert a["carol"]["last_run"]["status"] == 0
assert d["failures"] == 0
' && [ $rc = 0 ] && ok "report --all --json: counts, quarantine, last run per account" ||
    not_ok "report --all --json: counts, quarantine, last run per account"
printf '[account dave]\nuser = dave\n' >>"$cf"
"$nd" scan --account dave --config "$cf" >/dev/null 2>&1
run report --all --json
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
a = {x["account"]: x for x in d["accounts"]}
assert d["failures"] == 1
assert a["dave"]["failed"] and a["dave"]["last_run"]["status"] == 2
assert "Authorization failed" in a["dave"]["last_run"]["error"], a["dave"]
' && [ $rc = 1 ] && ok "report --all --json: a failed last run, its line, exit 1" ||
    not_ok "report --all --json: a failed last run, its line, exit 1"
sed -i '/^\[account dave\]/,$d' "$cf"

# ---- review --all: at a glance, and where is my bounce ----
run review --all --list
echo "$out" | grep -qE '^bob +7 +[0-9]+m +1 +7 +1 +(scan|clean) ' &&
    ok "review --all --list: each account's quarantine in a line" ||
    not_ok "review --all --list: each account's quarantine in a line"
run review --all --find spam-bob-4
[ $rc = 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
    echo "$out" | grep -qP "^bob\t$q\t[0-9]+\t.*\tbackscatter\t" &&
    ok "review --all --find: the original's Message-ID finds the bounce in bob's quarantine" ||
    not_ok "review --all --find: the original's Message-ID finds the bounce in bob's quarantine"
run review --all --find 'lunch on friday'
[ "$(echo "$out" | grep -c "	INBOX	.*	legit	")" = 3 ] &&
    ok "review --all --find: a subject, in every account, case ignored" ||
    not_ok "review --all --find: a subject, in every account, case ignored"
run review --all --find no-such-thing
[ $rc = 1 ] && echo "$out" | grep -q 'nothing holds' &&
    ok "review --all --find: nothing found says so, exit 1" ||
    not_ok "review --all --find: nothing found says so, exit 1"
run review --all --purge --older-than 0
[ $rc = 64 ] && ok "review --all --purge without --yes: refused" ||
    not_ok "review --all --purge without --yes: refused"
run review --all --purge --older-than 0 --dry-run
[ $rc = 0 ] && echo "$out" | grep -q '^carol: would expunge 9 from' &&
    [ "$(count carol $q)" = 9 ] &&
    ok "review --all --purge --dry-run: per account, nothing gone" ||
    not_ok "review --all --purge --dry-run: per account, nothing gone"
run clean --all --account bob
[ $rc = 64 ] && ok "--all with --account: a usage error" ||
    not_ok "--all with --account: a usage error"

# ---- a run killed in the middle, then run again: nothing lost ----
for u in alice bob carol; do
	flood "$u" 40 killed 'Replica handbags'
done
total() { echo $(( $(count $1 INBOX) + $(count $1 $q) )); }
before="$(total alice) $(total bob) $(total carol)"
# one at a time, killed (the whole process group, SIGKILL) as soon as
# the first account's quarantine grows: the others not reached yet
q0=$(count alice $q)
setsid "$nd" clean --all --jobs 1 --config "$cf" >/dev/null 2>&1 &
pid=$!
for i in $(seq 200); do
	[ "$(count alice $q)" != "$q0" ] && break
	sleep 0.02
done
kill -KILL -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
carol_mid=$(count carol INBOX)
mid="$(total alice) $(total bob) $(total carol)"
run clean --all
after="$(total alice) $(total bob) $(total carol)"
[ "$mid" = "$before" ] && [ "$after" = "$before" ] && [ "$carol_mid" = 42 ] &&
    [ "$(count alice INBOX) $(count bob INBOX) $(count carol INBOX)" = "2 2 2" ] &&
    ok "killed mid-run and run again: every message in its folder or the quarantine" ||
    { out="before $before, killed $mid (carol's INBOX $carol_mid), after $after"; not_ok "killed mid-run and run again: every message in its folder or the quarantine"; }

# ---- SIGTERM (systemd, a shutdown): passed on, the rest not started ----
for u in alice bob carol; do
	flood "$u" 30 termed 'Cheap pills'
done
before="$(total alice) $(total bob) $(total carol)"
q0=$(count alice $q)
"$nd" clean --all --jobs 1 --config "$cf" >"$DC_DIR/term.out" 2>&1 &
pid=$!
for i in $(seq 200); do
	[ "$(count alice $q)" != "$q0" ] && break
	sleep 0.02
done
kill -TERM "$pid"
wait "$pid"
rc=$?
mid="$(total alice) $(total bob) $(total carol)"
carol_mid=$(count carol INBOX)
out=$(cat "$DC_DIR/term.out")
[ $rc = 143 ] && [ "$mid" = "$before" ] && [ "$carol_mid" = 32 ] &&
    echo "$out" | tail -1 | grep -q "stopped before the last ones" &&
    ok "SIGTERM: passed on to the account running, the others not started, said; nothing lost" ||
    { out="exit $rc, before $before, after $mid, carol's INBOX $carol_mid: $out"; not_ok "SIGTERM: passed on to the account running, the others not started, said; nothing lost"; }
run clean --all
[ $rc = 0 ] && [ "$(count alice INBOX) $(count bob INBOX) $(count carol INBOX)" = "2 2 2" ] &&
    ok "the next run finishes what the stopped one left" ||
    not_ok "the next run finishes what the stopped one left"
# whatever moment the kill and the stop fell on, every message in a
# quarantine taught the (shared) classifier, once
out=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM trained").fetchone()[0])' \
    "$XDG_DATA_HOME/ndrsweep/shared-classifier.sqlite")
inq=$(( $(count alice $q) + $(count bob $q) + $(count carol $q) ))
[ "$out" = "$inq" ] &&
    ok "runs killed and stopped: each of the $inq quarantined messages taught the classifier, once" ||
    { out="trained $out, quarantined $inq"; not_ok "runs killed and stopped: each quarantined message taught the classifier, once"; }

# ---- a run cut after its MOVE was sent: the next run settles and learns ----
trained() {
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM trained").fetchone()[0])' \
	    "$XDG_DATA_HOME/ndrsweep/shared-classifier.sqlite"
}
flood alice 12 cutmove 'Cheap watches'
"$nd" scan --account alice --config "$cf" >/dev/null 2>&1
t0=$(trained) q0=$(count alice $q)
# the MOVE reaches the server, its answer never the client, which is
# killed then (SIGKILL): the journal's rows stay pending
dc_bg "$DC_DIR/cm.out" python3 "$top/tests/lossyproxy.py" "$DC_PORT" holdafter "UID MOVE"
proxy=$DC_BG
cmport=$(cut -d' ' -f1 "$DC_DIR/cm.out")
sed "s/^port = $DC_PORT/port = $cmport/" "$cf" >"$DC_DIR/cf-cut"
"$nd" clean --account alice --config "$DC_DIR/cf-cut" >/dev/null 2>&1 &
pid=$!
for i in $(seq 100); do
	grep -q fired "$DC_DIR/cm.out" && break
	sleep 0.1
done
sleep 0.5
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rc1=$?
kill "$proxy" 2>/dev/null
q1=$(count alice $q) t1=$(trained)
run clean --account alice
t2=$(trained)
[ "$rc1" = 137 ] && [ "$q1" = $((q0 + 12)) ] && [ "$t1" = "$t0" ] &&
    [ $rc = 0 ] && [ "$t2" = $((t0 + 12)) ] &&
    ok "a MOVE done but never answered: the next run settles it and the classifier learns the 12" ||
    { out="exit $rc1, quarantine $q0 -> $q1, trained $t0 -> $t1 -> $t2; $out"; not_ok "a MOVE done but never answered: the next run settles it and the classifier learns the 12"; }

# ---- without AUTH=PLAIN: LOGIN user*master only when told so ----
# a proxy that takes AUTH=PLAIN out of what the server says it can do
dc_bg "$DC_DIR/np.out" python3 "$top/tests/lossyproxy.py" "$DC_PORT" noplain
npport=$(cut -d' ' -f1 "$DC_DIR/np.out")
sed -i "s/^port = $DC_PORT/port = $npport/" "$cf"
run scan --account bob
[ $rc = 2 ] && echo "$out" | grep -q "offers no AUTHENTICATE PLAIN" &&
    ! grep -q 'bob\*admin' "$DC_DIR/dovecot.log" &&
    ok "no AUTH=PLAIN and no master_separator: refused in one line, nothing tried" ||
    not_ok "no AUTH=PLAIN and no master_separator: refused in one line, nothing tried"
sed -i 's/^master_user = admin/master_user = admin\nmaster_separator = */' "$cf"
run scan --account bob
[ $rc = 0 ] && echo "$out" | grep -q '^bob: 2 folders' &&
    ok "no AUTH=PLAIN, master_separator = *: LOGIN as bob*admin" ||
    not_ok "no AUTH=PLAIN, master_separator = *: LOGIN as bob*admin"
# (the server's log, everything ndrsweep said in this test, the stores)
grep -rqs 'master-secret' "$DC_DIR/dovecot.log" "$DC_DIR/said" "$DC_DIR"/*.out \
    "$XDG_DATA_HOME" &&
    not_ok "the master's password in no log, output or store" ||
    ok "the master's password in no log, output or store"
kill "$DC_BG" 2>/dev/null
sed -i "s/^port = $npport/port = $DC_PORT/" "$cf"

# ---- a wrong master password: every account fails, the worst status ----
printf 'wrong\n' >"$DC_DIR/mpw"
run scan --all
[ $rc = 2 ] && echo "$out" | tail -1 | grep -q "3 accounts, 0 done, 3 failed" &&
    ok "every account refused: exit 2, the worst of them" ||
    not_ok "every account refused: exit 2, the worst of them"
printf 'master-secret\n' >"$DC_DIR/mpw"

# ---- review --all on a terminal: the account list ----
if ! command -v tmux >/dev/null; then
	for t in 1 2 3 4; do skip "review --all in tmux" "tmux missing (apt-get install -y tmux)"; done
	exit 0
fi
tm() { tmux -L "ndrsweep-acc-$$" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; dc_stop' EXIT
KEYS_PAUSE=0.3
. "$top/tests/tmux.inc.sh"
tm new-session -d -s ui -x 120 -y 30 \
    "env XDG_DATA_HOME=$XDG_DATA_HOME LANG=C.UTF-8 '$nd' review --all --config '$cf'; echo EXIT=\$?; sleep 600"
wait_for "review --all: 3 accounts" && wait_for "carol" &&
    screen | grep -qE '^bob +77 ' && ok "review --all: the accounts, each quarantine at a glance" ||
    not_ok "review --all: the accounts, each quarantine at a glance"
keys / spam-carol-3@ Enter
wait_for '1 message with "spam-carol-3@"' && screen | grep -q "^carol .*QUARANTINE" &&
    ok "/ finds a message across accounts" ||
    not_ok "/ finds a message across accounts"
keys Enter
wait_for "Quarantine" && wait_for "carol" && ok "Enter on a hit opens that account's review" ||
    not_ok "Enter on a hit opens that account's review"
# q until the list is left: through the hits, then the list
seen_hits= seen_list=
for i in $(seq 8); do
	keys q
	sleep 0.3
	screen | grep -qF 'with "spam-carol-3@"' && seen_hits=1
	[ -n "$seen_hits" ] && screen | grep -qF "review --all: 3 accounts" && seen_list=1
	screen | grep -q "EXIT=" && break
done
screen | grep -q "EXIT=0" && [ -n "$seen_hits" ] && [ -n "$seen_list" ] &&
    ok "q leaves the review, then the hits, then the list" ||
    not_ok "q leaves the review, then the hits, then the list"
