#!/bin/bash
# bench/quarantine.sh - quarantining 10,000 messages, next to the bare MOVE
# commands for the same UID sets.
#
# usage: bench/quarantine.sh [COUNT]
#
# A private Dovecot gets COUNT (default 10,000) backscatter bounces in
# INBOX; ndrsweep scans them (not timed), then `ndrsweep clean` is timed:
# the rescan, the verdicts, the journal, the moves in chunks of 2,000 and
# the training. The reference (Python's imaplib) then logs in and sends
# only UID MOVE for the same sets, chunk by chunk, moving them back.
# Target: clean <= 3 times the reference.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-10000}
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
. "$top/tests/dovecot.inc.sh"
dc_start
export XDG_DATA_HOME=$DC_DIR/data
md=$DC_DIR/mail/$DC_USER/Maildir
mkdir -p "$md/cur" "$md/new" "$md/tmp" "$md/.Sent/cur" "$md/.Sent/new" "$md/.Sent/tmp"
for i in $(seq "$count"); do
	sed -e "s/^Message-Id: <b1@/Message-Id: <b1-$i@/" \
	    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-1-$i@/" \
	    "$top/tests/mail/bounce1.eml" >"$md/cur/$i.bench:2,S"
done
sed -e 's/^Message-Id: <lunch@example.org>/Message-Id: <sent-1@ndrsweep.test>/' \
    "$top/tests/mail/ordinary1.eml" >"$md/.Sent/cur/1.sent:2,S"
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
dc_config "$DC_DIR/config" bench "port=$DC_PORT" tls=none folders=INBOX sent=Sent \
    max_actions=1000000
"$top/ndrsweep" scan --config "$DC_DIR/config" >/dev/null
/usr/bin/time -f %e -o "$DC_DIR/t" "$top/ndrsweep" clean --config "$DC_DIR/config"
clean_s=$(tail -1 "$DC_DIR/t")
ref_s=$(python3 - "$DC_PORT" "$DC_USER" "$DC_PASS" "$count" <<'PY'
import imaplib, sys, time
port, user, pw, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
t = time.time()
m = imaplib.IMAP4('127.0.0.1', port)
m.login(user, pw)
m.select('Quarantine/Backscatter')
for lo in range(1, n + 1, 2000):
    typ, _ = m.uid('MOVE', '%d:%d' % (lo, min(n, lo + 1999)), 'INBOX')
    assert typ == 'OK', typ
m.logout()
print('%.2f' % (time.time() - t))
PY
)
awk -v c="$clean_s" -v r="$ref_s" -v n="$count" 'BEGIN {
	printf "%d messages: ndrsweep clean %.2f s, bare UID MOVE %.2f s: %.2fx (target <= 3)\n", n, c, r, c / r }'
