#!/bin/bash
# bench/verdicts.sh - verdicts and campaigns against labelled mailboxes.
#
# usage: bench/verdicts.sh [SEEDS] [SCALE]
#
# For each seed (default "1 2 3"), bench/gen-verdicts.py writes a labelled
# mailbox of about 20,000 messages (times SCALE) into a private Dovecot;
# `ndrsweep scan` reads it and `report --messages` is compared with the
# labels by bench/eval-verdicts.py: no legitimate bounce judged
# backscatter, >= 99% of backscatter judged so, under 1% unsure, campaigns
# with an adjusted Rand index >= 0.95. Judged twice: with the Sent folder
# alone, then with own_relays configured too. Exit 1 when a target is missed.
# GEN=floods takes bench/gen-floods.py instead, the second generator,
# written to disagree with the first (runs that share subjects, templates,
# links and botnets; a fifth of the flood empty NDRs). FLOODS_SPAN=3 with
# it starts every run within three days (an outbreak: runs overlap, time
# tells none apart); the default spreads the starts over 38.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-1 2 3}
scale=${2:-1}
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 missing: apt-get install -y python3" >&2; exit 1; }
. "$top/tests/dovecot.inc.sh"
fail=0
for seed in $seeds; do
	dc_start
	export XDG_DATA_HOME=$DC_DIR/data
	md=$DC_DIR/mail/$DC_USER/Maildir
	if [ "${GEN:-verdicts}" = floods ]; then
		user=bob@victim.example relays="smtp.victim.example"
	else
		user=alice@example.org relays="smtp.example.org, 192.0.2.25"
	fi
	python3 "$top/bench/gen-${GEN:-verdicts}.py" "$md" "$seed" "$scale" >"$DC_DIR/labels.tsv"
	chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
	dc_config "$DC_DIR/config" bench "port=$DC_PORT" tls=none folders=INBOX \
	    sent=Sent "addresses=$user"
	echo "seed $seed: $(wc -l <"$DC_DIR/labels.tsv") messages in INBOX"
	/usr/bin/time -f "%e s wall, %U s user" -o "$DC_DIR/t" \
	    "$top/ndrsweep" scan --config "$DC_DIR/config"
	echo "  scan: $(cat "$DC_DIR/t")"
	"$top/ndrsweep" report --config "$DC_DIR/config" --messages >"$DC_DIR/m.jsonl"
	python3 "$top/bench/eval-verdicts.py" "$DC_DIR/labels.tsv" "$DC_DIR/m.jsonl" \
	    "  seed $seed, Sent only" || fail=1
	# KEEP=DIR: the labels and the verdicts kept, to look into
	[ -z "${KEEP:-}" ] || { mkdir -p "$KEEP/$seed" &&
	    cp "$DC_DIR/labels.tsv" "$DC_DIR/m.jsonl" "$KEEP/$seed/"; }
	echo "own_relays = $relays" >>"$DC_DIR/config"
	/usr/bin/time -f "%e s wall, %U s user" -o "$DC_DIR/t" \
	    "$top/ndrsweep" scan --config "$DC_DIR/config" >/dev/null
	echo "  rescan, judged again with own_relays: $(cat "$DC_DIR/t")"
	"$top/ndrsweep" report --config "$DC_DIR/config" --messages >"$DC_DIR/m.jsonl"
	python3 "$top/bench/eval-verdicts.py" "$DC_DIR/labels.tsv" "$DC_DIR/m.jsonl" \
	    "  seed $seed, Sent and relays" || fail=1
	dc_stop
done
exit $fail
