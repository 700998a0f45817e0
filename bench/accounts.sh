#!/bin/bash
# bench/accounts.sh - many accounts for an administrator (issue 23): a
# private Dovecot with a master user and ACCOUNTS users (default 50), each
# a labelled mailbox of about 5,000 messages from bench/gen-floods.py (the
# second generator; seed = the user's number, SCALE default 0.33).
#
# usage: bench/accounts.sh [ACCOUNTS] [SCALE] [JOBS]
#
# The same mailboxes (restored between the phases, Dovecot's indexes
# built beforehand, so that no phase pays for them) are cleaned three ways:
#   1. one `clean --account uN` after another: the reference, the sum of
#      their wall times;
#   2. `clean --all --jobs JOBS` (default 4): its wall time, at most 0.6x
#      the sum (the target), and per account the same messages
#      quarantined as in 1, no legitimate bounce moved (the labels);
#   3. `clean --all` killed (SIGKILL, the whole process group) at 40% of
#      phase 2's time, then run again: every message in its folder or the
#      quarantine (the counts of each account's INBOX + quarantine before
#      and after), and the end the same as 1.
# Exit 1 when a target is missed.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-50}
scale=${2:-0.33}
jobs=${3:-4}
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 missing: apt-get install -y python3" >&2; exit 1; }
. "$top/tests/dovecot.inc.sh"
dc_start
trap 'dc_stop || true' EXIT
export XDG_DATA_HOME=$DC_DIR/data
dc_master admin master-secret
printf 'master-secret\n' >"$DC_DIR/mpw"
chmod 600 "$DC_DIR/mpw"
q=Quarantine/Backscatter
users=$(seq -f 'u%g' 1 "$n")
echo "accounts: generating $n mailboxes (gen-floods, scale $scale)"
for u in $users; do
	dc_add_user "$u"
	python3 "$top/bench/gen-floods.py" "$DC_DIR/mail/$u/Maildir" \
	    "${u#u}" "$scale" >"$DC_DIR/labels-$u.tsv"
done
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
# Dovecot's indexes of every folder, built once, kept in the copy
for u in $users; do
	doveadm -c "$DC_DIR/dovecot.conf" mailbox status -u "$u" messages \
	    INBOX Sent >/dev/null
	doveadm -c "$DC_DIR/dovecot.conf" mailbox create -u "$u" "$q" \
	    2>/dev/null || true
done
total=$(cat "$DC_DIR"/labels-*.tsv | wc -l)
echo "accounts: $total messages in $n INBOXes"
cp -a "$DC_DIR/mail" "$DC_DIR/pristine"
restore() {
	rm -rf "$DC_DIR/mail" "$XDG_DATA_HOME"
	cp -a "$DC_DIR/pristine" "$DC_DIR/mail"
}
cf=$DC_DIR/config
cat >"$cf" <<EOF
[defaults]
host = 127.0.0.1
port = $DC_PORT
tls = none
master_user = admin
password_file = $DC_DIR/mpw
folders = INBOX
sent = Sent
addresses = bob@victim.example
max_actions = 100000
users_cmd = seq -f 'u%g' 1 $n
EOF
count() { doveadm -c "$DC_DIR/dovecot.conf" mailbox status -u "$1" messages "$2" 2>/dev/null | sed 's/.*messages=//'; }
# "INBOX QUARANTINE" of every account, a line each
counts() { for u in $users; do echo "$u $(count "$u" INBOX) $(count "$u" $q)"; done; }
# legitimate reports (by the labels) in the quarantine, over all accounts
legit_moved() {
	for u in $users; do
		"$top/ndrsweep" report --messages --account "$u" --config "$cf"
	done | python3 -c '
import json, sys, glob
legit = set()
for f in glob.glob(sys.argv[1] + "/labels-*.tsv"):
    for line in open(f):
        mid, cls = line.rstrip("\n").split("\t")[:2]
        if cls == "legit":
            legit.add(mid)
print(sum(1 for l in sys.stdin
          if (m := json.loads(l))["folder"] == sys.argv[2]
          and m.get("message_id") in legit))' "$DC_DIR" "$q"
}
now() { date +%s.%N; }
fail=0

# ---- 1. one account after another ----
sum=0
for u in $users; do
	t0=$(now)
	"$top/ndrsweep" clean --account "$u" --config "$cf" >/dev/null ||
	    { echo "accounts: clean --account $u failed" >&2; fail=1; }
	t1=$(now)
	sum=$(echo "$sum + $t1 - $t0" | bc -l)
done
counts >"$DC_DIR/one.txt"
moved1=$(legit_moved)
q1=$(awk '{ s += $3 } END { print s }' "$DC_DIR/one.txt")
printf 'accounts: one by one: %.1f s in all (%d runs), %d quarantined, %d legitimate moved\n' \
    "$sum" "$n" "$q1" "$moved1"

# ---- 2. clean --all ----
restore
t0=$(now)
"$top/ndrsweep" clean --all --jobs "$jobs" --config "$cf" >"$DC_DIR/all.out" 2>&1 ||
    { echo "accounts: clean --all failed:" >&2; tail -3 "$DC_DIR/all.out" >&2; fail=1; }
t1=$(now)
wall=$(echo "$t1 - $t0" | bc -l)
counts >"$DC_DIR/all.txt"
moved2=$(legit_moved)
ratio=$(echo "$wall / $sum" | bc -l)
printf 'accounts: clean --all --jobs %d: %.1f s, %.2fx the sum (target <= 0.6x), %d legitimate moved\n' \
    "$jobs" "$wall" "$ratio" "$moved2"
if cmp -s "$DC_DIR/one.txt" "$DC_DIR/all.txt"; then
	echo "accounts: every account's INBOX and quarantine as one by one"
else
	echo "accounts: MISSED: accounts differ from one by one:"
	diff "$DC_DIR/one.txt" "$DC_DIR/all.txt" | head -5
	fail=1
fi
[ "$moved1" = 0 ] && [ "$moved2" = 0 ] || { echo "accounts: MISSED: legitimate bounces moved"; fail=1; }
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.6) }' || { echo "accounts: MISSED: wall time over 0.6x"; fail=1; }

# ---- 3. killed in the middle, run again ----
restore
counts | awk '{ print $1, $2 + $3 }' >"$DC_DIR/before.txt"
kill_at=$(echo "$wall * 0.4" | bc -l)
setsid "$top/ndrsweep" clean --all --jobs "$jobs" --config "$cf" >/dev/null 2>&1 &
pid=$!
sleep "$kill_at"
kill -KILL -- -"$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
counts >"$DC_DIR/killed.txt"
awk '{ print $1, $2 + $3 }' "$DC_DIR/killed.txt" >"$DC_DIR/mid.txt"
done_mid=$(awk '$3 > 0' "$DC_DIR/killed.txt" | wc -l)
"$top/ndrsweep" clean --all --jobs "$jobs" --config "$cf" >/dev/null 2>&1 || true
counts >"$DC_DIR/again.txt"
awk '{ print $1, $2 + $3 }' "$DC_DIR/again.txt" >"$DC_DIR/after.txt"
if cmp -s "$DC_DIR/before.txt" "$DC_DIR/mid.txt" &&
    cmp -s "$DC_DIR/before.txt" "$DC_DIR/after.txt" &&
    cmp -s "$DC_DIR/one.txt" "$DC_DIR/again.txt"; then
	printf 'accounts: killed at %.1f s (%d of %d accounts had begun), run again: 0 messages lost, the end as one by one\n' \
	    "$kill_at" "$done_mid" "$n"
else
	echo "accounts: MISSED: killed and run again: messages lost or the end differs"
	diff "$DC_DIR/before.txt" "$DC_DIR/after.txt" | head -5
	fail=1
fi
exit $fail
