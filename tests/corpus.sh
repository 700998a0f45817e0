#!/bin/sh
# corpus.sh - the engine against the shared real-world corpus: every figure
# of tests/corpus_eval.py at or above its floor in tests/corpus.ratchet (a
# ratchet: a change that reads the corpus worse fails here), no invalid
# JSON line, and every mutated message (tests/mutate.py: line ends, a
# leading blank line, refolded headers, decorated addresses, rewrapped
# text, a base64 or quoted-printable report, field names in another case,
# an mbox line first, the original cut short, the report as HTML only,
# reversed header fields, an encoded Subject, DSN fields reordered,
# upper-case addresses and MIME types, traces stripped, filter fields
# added, the DSN labelled text, the original as octets, an encoded From,
# lower-case field names, trailing blanks, an HTML alternative, a
# filter's subject tag, unfolded fields, unwrapped prose, bracketed
# addresses) read as its original.
# flufl.bounce's labelled test bounces are measured too where Debian's
# python3-flufl.bounce is installed (bootstrap installs it).
# Skipped, saying so, when ../shared/corpus is absent (a user's clone).
top=${top_srcdir:-.}
corpus=${CORPUS:-$top/../shared/corpus}
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

if [ ! -d "$corpus/sisimai" ] || [ ! -d "$corpus/bounceparser" ]; then
	echo "1..0 # SKIP corpus not found at $corpus: nothing measured"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 missing (apt-get install -y python3)"
	exit 0
fi
flufl=/usr/lib/python3/dist-packages/flufl/bounce/tests/data
floors=$(grep -v '^#' "$top/tests/corpus.ratchet" | grep -c .)
echo "1..$((floors + 3))"
python3 "$top/tests/corpus_eval.py" "$corpus" ./ndrsweep >"$out"
sed 's/^/# /' "$out"
n=0
grep -v '^#' "$top/tests/corpus.ratchet" | grep . | while IFS='	' read -r label floor; do
	n=$((n + 1))
	pct=$(grep "^$label: " "$out" | sed -n 's/.*(\([0-9.]*\)%).*/\1/p' | head -1)
	if [ -z "$pct" ] && [ "${label%%:*}" = flufl ] && [ ! -d "$flufl" ]; then
		echo "ok $n # SKIP $label: flufl.bounce's test bounces not installed (apt-get install -y python3-flufl.bounce)"
	elif [ -z "$pct" ]; then
		echo "not ok $n - $label: no figure (see the log)"
	elif awk "BEGIN{exit !($pct >= $floor)}"; then
		echo "ok $n - $label: $pct% >= $floor%"
	else
		echo "not ok $n - $label: $pct% < $floor% (the floor in tests/corpus.ratchet)"
	fi
done
n=$floors
bad=$(sed -n 's/^invalid JSON lines: //p' "$out")
[ "$bad" = 0 ] && echo "ok $((n + 1)) - every line valid JSON" ||
	echo "not ok $((n + 1)) - invalid JSON lines: ${bad:-no figure}"
miss=$(sed -n 's/^reports a scan would not fetch: //p' "$out")
[ "$miss" = 0 ] && echo "ok $((n + 2)) - every report is a candidate by its header fields (a scan fetches it)" ||
	echo "not ok $((n + 2)) - reports a scan would not fetch: ${miss:-no figure} (corpus_eval.py -v lists them)"
python3 "$top/tests/mutate.py" "$corpus" ./ndrsweep >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
total=$(sed -n 's/^all: //p' "$out")
[ $rc = 0 ] && echo "ok $((n + 3)) - mutated messages read as their originals: $total" ||
	echo "not ok $((n + 3)) - mutated messages read as their originals: ${total:-no figure}"
