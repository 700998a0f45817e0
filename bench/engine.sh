#!/bin/sh
# bench/engine.sh - how well ndrsweep and Sisimai (Debian's libsisimai-perl,
# 4.25) read the shared corpus, by the same rules (tests/corpus_eval.py):
# the Sisimai collection's rows and the BounceParser collection's kinds
# and failed-recipient sets, for the whole of each, the part the rules
# were developed on (dev) and the quarter held out (holdout).
# usage: bench/engine.sh [CORPUS_DIR]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus}
[ -d "$corpus/sisimai" ] || { echo "bench: no corpus at $corpus" >&2; exit 1; }
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
perl -MSisimai -e 1 2>/dev/null ||
	{ echo "bench: Sisimai missing: apt-get install -y libsisimai-perl" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flufl=/usr/lib/python3/dist-packages/flufl/bounce/tests/data
[ -d "$flufl" ] || flufl=
find "$corpus/sisimai/maildir" "$corpus/bounceparser/messages" $flufl -type f |
    sort | xargs perl "$top/bench/sisimai.pl" >"$tmp/sisimai.jsonl" 2>/dev/null
for split in all dev holdout; do
	python3 "$top/tests/corpus_eval.py" --split $split "$corpus" \
	    "$top/ndrsweep" | grep -v "^easy_ham\|^spam_2\|^invalid\|^reports a scan" >"$tmp/n"
	python3 "$top/tests/corpus_eval.py" --split $split --input \
	    "$tmp/sisimai.jsonl" "$corpus" | grep -v "^easy_ham\|^spam_2\|^invalid\|^reports a scan" >"$tmp/s"
	echo "== $split"
	paste -d'|' "$tmp/n" "$tmp/s" | awk -F'|' '{
		i = match($1, /: [0-9]/); label = substr($1, 1, i - 1)
		n = substr($1, i + 2); s = substr($2, match($2, /: [0-9]/) + 2)
		printf "%-20s ndrsweep %-24s sisimai %s\n", label, n, s }'
done
