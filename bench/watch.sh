#!/bin/bash
# bench/watch.sh - `ndrsweep watch` under a steady flood: a labelled
# mailbox from the generator this project was not tuned on
# (bench/gen-floods.py) is delivered over LMTP at RATE messages a second
# (default 50) for SECONDS (default 600), while watch runs on the inbox;
# the quarantine is watched over IMAP (bench/watch-drive.py).
#
# usage: bench/watch.sh [SECONDS] [RATE] [SEED]
#
# Targets (issue 22): 95th percentile from delivery to quarantine under
# 2 s; 0 legitimate bounces and 0 other messages quarantined; watch's
# resident memory grows by under 5 MB over the run. The reference in the
# same run: the same delivery with watch not running takes as long (the
# LMTP rate holds); the delays are watch's own.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
rate=${2:-50}
seed=${3:-1}
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
[ -x /usr/lib/dovecot/lmtp ] ||
	{ echo "bench: LMTP missing: apt-get install -y dovecot-lmtpd" >&2; exit 1; }
. "$top/tests/dovecot.inc.sh"
dc_start
export XDG_DATA_HOME=$DC_DIR/data
# enough mail for the run: gen-floods' scale 0.1 is about 1,500 messages
scale=$(awk -v n=$((secs * rate)) 'BEGIN { s = n / 14000; print (s < 0.1 ? 0.1 : s) }')
python3 "$top/bench/gen-floods.py" "$DC_DIR/gen" "$seed" "$scale" >"$DC_DIR/labels.tsv"
# Sent is there before (the user's past mail); the inbox comes by LMTP
md=$DC_DIR/mail/$DC_USER/Maildir
mkdir -p "$md/cur" "$md/new" "$md/tmp" "$md/.Sent"
cp -r "$DC_DIR/gen/.Sent/." "$md/.Sent/"
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
dc_config "$DC_DIR/config" bench "port=$DC_PORT" tls=none folders=INBOX \
    sent=Sent addresses=bob@victim.example own_relays=smtp.victim.example \
    max_actions=1000000
"$top/ndrsweep" scan --config "$DC_DIR/config" >/dev/null
${WATCH_WRAP:-} "$top/ndrsweep" watch --verbose --config "$DC_DIR/config" >"$DC_DIR/watch.log" 2>&1 &
wpid=$!
trap 'kill $wpid 2>/dev/null || true; dc_stop' EXIT
sleep 2
echo "watch: $secs s at $rate messages/s (gen-floods seed $seed, scale $scale)"
python3 "$top/bench/watch-drive.py" "$DC_DIR/gen" "$DC_DIR/labels.tsv" \
    "$DC_LMTP_PORT" "$DC_PORT" "$DC_USER" "$DC_PASS" Quarantine/Backscatter \
    "$rate" "$secs" "$wpid" | tee "$DC_DIR/result"
kill -TERM "$wpid"
wait "$wpid" || true
tail -1 "$DC_DIR/watch.log"
p95=$(sed -n 's/^delay p95: \([0-9.]*\) s/\1/p' "$DC_DIR/result")
legit=$(sed -n 's/^quarantined legit: //p' "$DC_DIR/result")
other=$(sed -n 's/^quarantined other: //p' "$DC_DIR/result")
growth=$(sed -n 's/^rss growth: \(-*[0-9]*\) KiB/\1/p' "$DC_DIR/result")
[ -n "$p95" ] && [ -n "$growth" ] ||
	{ echo "bench: the run gave no result (see above)" >&2; exit 1; }
awk -v p="$p95" -v l="$legit" -v o="$other" -v g="$growth" 'BEGIN {
	printf "targets: p95 %.2f s (< 2: %s), legit moved %d (0: %s), other moved %d (0: %s), memory growth %.1f MB (< 5: %s)\n",
	    p, p < 2 ? "met" : "MISSED", l, l == 0 ? "met" : "MISSED",
	    o, o == 0 ? "met" : "MISSED", g / 1024, g < 5120 ? "met" : "MISSED" }'
