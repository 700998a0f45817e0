#!/bin/bash
# bench/classifier-cv.sh - the validation split the classifier's choices
# are made on (tokens, constants), never bench/classifier.sh's test split.
#
# usage: bench/classifier-cv.sh [CORPUS_DIR]
#
# Each half of bench/classifier.sh's fixed split (file name order, even
# and odd) is split again the same way into two quarters; ndrsweep learns
# one quarter and classifies the other, both ways, in both halves. Prints
# the messages classified wrong (a message is spam above 0.5) and their
# count. Nothing is timed: bench/classifier.sh does that.
set -e
. "$(dirname "$0")/corpus.inc.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/ndrsweep-cv.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# the quarters: links to the corpus, never copies
for kind in spam_2:spam easy_ham:ham; do
	src=${kind%%:*} dst=${kind##*:}
	i=0 a=0 b=0
	for f in $(ls "$sa/$src" | sort); do
		if [ $((i % 2)) = 0 ]; then h=A a=$((a + 1)) q=$((a % 2 + 1))
		else h=B b=$((b + 1)) q=$((b % 2 + 1)); fi
		mkdir -p "$dir/$h$q/$dst"
		ln -s "$sa/$src/$f" "$dir/$h$q/$dst/"
		i=$((i + 1))
	done
done
printf '[account bench]\nhost = localhost\nuser = bench\n' >"$dir/config"
for run in A1:A2 A2:A1 B1:B2 B2:B1; do
	train=${run%%:*} test=${run##*:}
	export XDG_DATA_HOME=$dir/data-$train
	"$top/ndrsweep" train --config "$dir/config" \
	    --spam "$dir/$train/spam" --ham "$dir/$train/ham" >/dev/null
	"$top/ndrsweep" classify --config "$dir/config" --json \
	    "$dir/$test/spam" "$dir/$test/ham" >>"$dir/out.json"
done
python3 - "$dir/out.json" <<'PY'
import json, sys
n = wrong = 0
for line in open(sys.argv[1], errors="replace"):
    j = json.loads(line)
    n += 1
    spam = "/spam/" in j["file"]
    if (j["content_score"] > 0.5) != spam:
        wrong += 1
        print("wrong: %.4f %s" % (j["content_score"], j["file"].split("/ndrsweep-cv.")[-1]))
print("validation: %d wrong of %d (%.2f%%)" % (wrong, n, 100.0 * wrong / n))
PY
