#!/bin/bash
# bench/link.sh - a first scan and a rescan over a simulated long link
# (bench/linksim.py: a proxy that adds a one-way delay and caps the
# bandwidth), next to the raw header reader (bench/refread) through the
# same link, in the same run (issue 24).
#
# usage: bench/link.sh [COUNT] [RTT_MS] [MBITS] [CORPUS_DIR]
#
# Defaults: 100,000 messages, 40 ms round trip, 50 Mbit/s. Printed: the
# reference (refread's phase-one UID FETCH of INBOX, then of Sent with its
# recipient fields, as the scan asks) and the first scan, their times and
# the bytes each received through the link; the targets of issue 24:
# first scan <= 1.2x the reference's time, bytes <= 1.15x (the
# reference's bytes plus the candidates' own sizes), the same first scan
# over TLS <= 1.1x the plain one, a rescan with nothing new < 0.5 s, and
# one after another client flagged 1,000 messages and expunged 1,000
# < 1 s, the store then compared with the server. Each contender gets a
# fresh link, so the bytes are its own.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-100000}
rtt=${2:-40}
mbits=${3:-50}
corpus=${4:-$top/../shared/corpus}
. "$top/bench/mailbox.inc.sh"
mb_write
"$top/bench/refread" "$DC_PORT" "$DC_USER" "$DC_PASS" INBOX $fields >/dev/null

lpid=
link_start() {	# a fresh link to the server's port ($1, else the plain
	# one): $lport, stats in $DC_DIR/link
	rm -f "$DC_DIR/link"
	python3 "$top/bench/linksim.py" "${1:-$DC_PORT}" "$((rtt / 2))" "$mbits" \
	    "$DC_DIR/link" >"$DC_DIR/lport" &
	lpid=$!
	for _ in $(seq 50); do [ -s "$DC_DIR/lport" ] && break; sleep 0.1; done
	lport=$(cut -d' ' -f1 "$DC_DIR/lport")
}
link_stop() {	# the bytes it carried down, in $down
	kill -USR1 "$lpid"
	sleep 0.3
	down=$(awk '{ print $2 }' "$DC_DIR/link")
	kill "$lpid" 2>/dev/null || true
	wait "$lpid" 2>/dev/null || true
}
trap 'kill $lpid 2>/dev/null || true; dc_stop' EXIT
now() { date +%s.%N; }

link_start
t0=$(now)
"$top/bench/refread" "$lport" "$DC_USER" "$DC_PASS" INBOX $fields >/dev/null
"$top/bench/refread" "$lport" "$DC_USER" "$DC_PASS" Sent $fields $sent_fields >/dev/null
t1=$(now)
link_stop
ref_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
ref_b=$down

dc_config "$DC_DIR/config" bench "port=$DC_PORT" tls=none folders=INBOX sent=Sent
link_start
sed -i "s/^port = .*/port = $lport/" "$DC_DIR/config"
t0=$(now)
"$top/ndrsweep" scan --config "$DC_DIR/config" >"$DC_DIR/out" 2>&1
t1=$(now)
link_stop
first_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
first_b=$down
cand_b=$(python3 - "$XDG_DATA_HOME/ndrsweep/bench.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# every row of messages is a candidate (or unreadable): plain mail
# (never a candidate) is a UID in the table plain
print(db.execute("SELECT COALESCE(SUM(size), 0) FROM messages m JOIN folders f ON "
                 "f.id = m.folder WHERE f.name = 'INBOX'").fetchone()[0])
PY
)
# the same first scan over TLS (implicit, the certificate verified against
# the run's CA), into a store of its own
dc_config "$DC_DIR/config.tls" bench "port=$DC_TLS_PORT" tls=implicit \
    "ca_file=$DC_CA" folders=INBOX sent=Sent
link_start "$DC_TLS_PORT"
sed -i "s/^port = .*/port = $lport/" "$DC_DIR/config.tls"
t0=$(now)
XDG_DATA_HOME=$DC_DIR/data.tls "$top/ndrsweep" scan --config "$DC_DIR/config.tls" >"$DC_DIR/out.tls" 2>&1 ||
    { cat "$DC_DIR/out.tls"; exit 1; }
t1=$(now)
link_stop
tls_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
# the rescan with nothing new, five times (each on a fresh link): the
# median counts, the server's own time varying from run to run
: >"$DC_DIR/re"
for _ in 1 2 3 4 5; do
	link_start
	sed -i "s/^port = .*/port = $lport/" "$DC_DIR/config"
	t0=$(now)
	"$top/ndrsweep" scan --config "$DC_DIR/config" >/dev/null 2>&1
	t1=$(now)
	link_stop
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$DC_DIR/re"
	re_b=$down
done
re_all=$(sort -n "$DC_DIR/re" | tr '\n' ' ')
re_s=$(sort -n "$DC_DIR/re" | sed -n 3p)
# the same rescan without the link: what is ndrsweep's own, not the line's
sed -i "s/^port = .*/port = $DC_PORT/" "$DC_DIR/config"
t0=$(now)
${LINK_WRAP:-} "$top/ndrsweep" scan --config "$DC_DIR/config" >/dev/null 2>&1
t1=$(now)
lo_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
# another client flags 1,000 messages and expunges 1,000 others (spread
# over the folder): the rescan through the link, then the store compared
# with the server, UID for UID and flag for flag
da() { doveadm -c "$DC_DIR/dovecot.conf" "$@"; }
da flags add -u "$DC_USER" '\Flagged $NdrKept' mailbox INBOX uid 2001:3000
da expunge -u "$DC_USER" mailbox INBOX uid 60001:61000
link_start
sed -i "s/^port = .*/port = $lport/" "$DC_DIR/config"
t0=$(now)
${CH_WRAP:-} "$top/ndrsweep" scan --config "$DC_DIR/config" >"$DC_DIR/out2" 2>&1
t1=$(now)
link_stop
ch_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
ch_b=$down
flagsets() {	# "UID flags" of INBOX, \Recent left out, flags sorted; the
		# UIDs the store keeps as plain mail (no flags) "UID -"
	python3 -c 'import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
for (u,) in d.execute("SELECT uid FROM (WITH RECURSIVE r(folder, uid, hi) AS (SELECT folder, lo, hi FROM plain_runs UNION ALL SELECT folder, uid + 1, hi FROM r WHERE uid < hi) SELECT folder, uid FROM r) p JOIN folders f ON f.id = p.folder WHERE f.name = \"INBOX\""):
    print(u)' "$XDG_DATA_HOME/ndrsweep/bench.db" >"$DC_DIR/plain.uids"
	if [ "$1" = server ]; then
		da fetch -u "$DC_USER" 'uid flags' mailbox INBOX |
		    awk '/^uid: /{u=$2} /^flags:/{$1=""; print u, $0}'
	else
		python3 -c 'import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
for u, f in d.execute("SELECT uid, coalesce(flags, \"\") FROM messages m JOIN folders f ON f.id = m.folder WHERE f.name = \"INBOX\" UNION ALL SELECT uid, \"\" FROM (WITH RECURSIVE r(folder, uid, hi) AS (SELECT folder, lo, hi FROM plain_runs UNION ALL SELECT folder, uid + 1, hi FROM r WHERE uid < hi) SELECT folder, uid FROM r) p JOIN folders f ON f.id = p.folder WHERE f.name = \"INBOX\" ORDER BY uid"):
    print(u, f)' "$XDG_DATA_HOME/ndrsweep/bench.db"
	fi | python3 -c 'import sys
plain = set(open(sys.argv[1]).read().split())
for l in sys.stdin:
    u, *f = l.split()
    print(u, "-" if u in plain else " ".join(sorted(x for x in f if x != "\\Recent")))' "$DC_DIR/plain.uids"
}
flagsets server >"$DC_DIR/fs.server"
flagsets store >"$DC_DIR/fs.store"
if cmp -s "$DC_DIR/fs.server" "$DC_DIR/fs.store"; then
	agree="the store agrees with the server: $(wc -l <"$DC_DIR/fs.store") UIDs, $(grep -c NdrKept "$DC_DIR/fs.store") flagged"
else
	agree="the store DISAGREES with the server: $(diff "$DC_DIR/fs.server" "$DC_DIR/fs.store" | grep -c '^[<>]') lines differ"
fi
cat "$DC_DIR/out"
awk -v c="$count" -v rtt="$rtt" -v mb="$mbits" -v r="$ref_s" -v rb="$ref_b" \
    -v f="$first_s" -v tl="$tls_s" -v fb="$first_b" -v cb="$cand_b" -v re="$re_s" -v reb="$re_b" -v lo="$lo_s" \
    -v ch="$ch_s" -v chb="$ch_b" -v agree="$agree" -v reall="$re_all" 'BEGIN {
	printf "link: %d ms round trip, %d Mbit/s; %d messages (+2,000 in Sent)\n", rtt, mb, c
	printf "reference reader: %.2f s, %.1f MB received\n", r, rb / 1e6
	printf "first scan: %.2f s = %.2fx the reference (target <= 1.2: %s)\n", f, f / r, f / r <= 1.2 ? "met" : "MISSED"
	printf "  received %.1f MB = %.2fx the reference plus the candidates (%.1f MB) (target <= 1.15: %s)\n", fb / 1e6, fb / (rb + cb), cb / 1e6, fb / (rb + cb) <= 1.15 ? "met" : "MISSED"
	printf "first scan over TLS: %.2f s = %.2fx the same scan in plain text (target <= 1.1: %s)\n", tl, tl / f, tl / f <= 1.1 ? "met" : "MISSED"
	printf "rescan, nothing new: %.2f s (median of %s), %.1f kB received (target < 0.5 s: %s); without the link %.2f s\n", re, reall, reb / 1e3, re < 0.5 ? "met" : "MISSED", lo
	printf "rescan after another client flagged 1,000 and expunged 1,000: %.2f s, %.1f kB received (target < 1 s: %s); %s\n", ch, chb / 1e3, ch < 1 ? "met" : "MISSED", agree
}'
