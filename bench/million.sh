#!/bin/bash
# bench/million.sh - a million messages (issue 24): the first scan's peak
# memory and store size, a rescan with nothing new, and the interface on
# the store that scan made, next to references in the same run.
#
# usage: bench/million.sh [COUNT] [PRESSES] [CORPUS_DIR]
#
# COUNT messages (default 1,000,000; about 5% bounces, bench/gen-mailbox.py)
# and a Sent folder of 2,000 in a private Dovecot, plain text on 127.0.0.1.
# Printed, with the targets of issue 24: the raw header reader's time
# (bench/refread, the server's limit) and the first scan's (wall, peak
# memory < 150 MB, the store < 150 MB, table by table); a rescan with
# nothing new (median of 3, < 1 s) next to the server's own EXAMINE of the
# folder; the interface on that store, offline, in a 120x40
# pseudo-terminal (bench/tui-pty.py): its first screen (< 1 s) and a key
# in the list of every report (median < 10 ms), next to less(1) on a file
# of as many lines. Writing and indexing the mailbox take minutes.
# FIRST_WRAP and RE_WRAP run the first scan and the rescans under a
# command (perf record, a memory sampler); KEEP_STORE=FILE keeps a copy of
# the store the first scan made.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000000}
presses=${2:-200}
corpus=${3:-$top/../shared/corpus}
command -v less >/dev/null || { echo "bench: less missing: apt-get install -y less" >&2; exit 1; }
s0=$(date +%s)
# Dovecot's imap process is capped at 256 MB by default: a folder of a
# million messages needs more (the server's, not ndrsweep's)
export DC_CONF_EXTRA="default_vsz_limit = 2G"
. "$top/bench/mailbox.inc.sh"
trap 'echo "bench: failed; the server said:" >&2; tail -5 "$DC_DIR/dovecot.log" >&2' ERR
mb_write
dc_config "$DC_DIR/config" bench "port=$DC_PORT" tls=none folders=INBOX sent=Sent
# the reference: phase one's FETCH of every message, bytes only (warms
# the page cache for the scan too: the second read counts)
ref() { "$top/bench/refread" "$DC_PORT" "$DC_USER" "$DC_PASS" INBOX $fields >/dev/null; }
ref
t0=$(date +%s.%N); ref; t1=$(date +%s.%N)
ref_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

echo "bench: the first scan..."
/usr/bin/time -f "%e %M" -o "$DC_DIR/t" ${FIRST_WRAP:-} "$top/ndrsweep" scan --config "$DC_DIR/config" >"$DC_DIR/out" 2>&1 ||
    { cat "$DC_DIR/out"; exit 1; }
cat "$DC_DIR/out"
read -r first_s first_kb <"$DC_DIR/t"
db=$XDG_DATA_HOME/ndrsweep/bench.db
store_b=$(cat "$db" "$db-wal" 2>/dev/null | wc -c)
: >"$DC_DIR/re"
for _ in 1 2 3; do
	/usr/bin/time -f "%e" -a -o "$DC_DIR/re" ${RE_WRAP:-} "$top/ndrsweep" scan --config "$DC_DIR/config" >/dev/null 2>&1
done
# the server alone: a session that only EXAMINEs INBOX, and one that
# LISTs the folders first, as a scan does (best of 3, a new session
# each): Dovecot's EXAMINE of a Maildir after a LIST costs time that
# grows with the folder (0.004 s alone, 0.1 s after LIST at 100,000)
examine_s=$(python3 - "$DC_PORT" "$DC_USER" "$DC_PASS" <<'PY'
import imaplib, sys, time
def best(listed):
    b = None
    for _ in range(3):
        m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
        m.login(sys.argv[2], sys.argv[3])
        if listed:
            m.list()
        t = time.time()
        m.select('INBOX', readonly=True)
        d = time.time() - t
        b = d if b is None or d < b else b
        m.logout()
    return b
print('%.2f s alone, %.2f s after a LIST' % (best(False), best(True)))
PY
)
re_all=$(sort -n "$DC_DIR/re" | tr '\n' ' ')
re_s=$(sort -n "$DC_DIR/re" | sed -n 2p)
reports=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM evidence").fetchone()[0])' "$db")
[ -n "${KEEP_STORE:-}" ] && sqlite3 "$db" ".backup '$KEEP_STORE'"
# where the store's bytes are: each table and index (SQLite's dbstat)
tables=$(sqlite3 "$db" "SELECT name || ' ' || printf('%.1f', sum(pgsize) / 1048576.0) || ' MB' FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 8" 2>/dev/null | paste -sd, | sed 's/,/, /g')

echo "bench: the interface on that store ($reports reports), $presses presses..."
seq -f "line %.0f of the reference file, about as wide as a report row in the list" \
    "$reports" >"$DC_DIR/ref.txt"
pty="python3 $top/bench/tui-pty.py"
read -r lr lm _ _ < <(TERM=xterm-256color LANG=C.UTF-8 LESS= $pty "line 39 of" "" "$presses" j -- less -S "$DC_DIR/ref.txt")
read -r ur um up ux < <(TERM=xterm-256color LANG=C.UTF-8 $pty "?:help" "m" "$presses" j -- \
    "$top/ndrsweep" --config "$DC_DIR/config" --offline)
s1=$(date +%s)
awk -v c="$count" -v r="$ref_s" -v f="$first_s" -v kb="$first_kb" -v sb="$store_b" \
    -v re="$re_s" -v reall="$re_all" -v ex="$examine_s" -v n="$reports" -v ur="$ur" -v um="$um" \
    -v up="$up" -v ux="$ux" -v lr="$lr" -v lm="$lm" -v took="$((s1 - s0))" -v tables="$tables" 'BEGIN {
	printf "messages: %d (+2,000 in Sent); the benchmark took %d s\n", c, took
	printf "reference reader: %.2f s\n", r
	printf "first scan: %.2f s = %.2fx the reference; peak %.1f MB (target < 150: %s); store %.1f MB (target < 150: %s)\n", f, f / r, kb / 1024, kb / 1024 < 150 ? "met" : "MISSED", sb / 1048576, sb / 1048576 < 150 ? "met" : "MISSED"
	printf "the store, largest first: %s\n", tables
	printf "rescan, nothing new: %.2f s (median of %s) (target < 1 s: %s); the server alone, EXAMINE INBOX: %s\n", re, reall, re < 1 ? "met" : "MISSED", ex
	printf "interface on %d reports: first screen %d ms (target < 1000: %s; less on as many lines %d ms); j median %.1f ms, p90 %.1f, max %.1f (target < 10: %s; less %.1f ms)\n", n, ur, ur < 1000 ? "met" : "MISSED", lr, um, up, ux, um < 10 ? "met" : "MISSED", lm
}'
