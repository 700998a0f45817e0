#!/bin/bash
# bench/classifier.sh - ndrsweep's classifier against bogofilter.
#
# usage: bench/classifier.sh [CORPUS_DIR]
#
# The SpamAssassin corpus (easy_ham and spam_2) is split in two fixed
# halves, by file name order (even, odd). Each filter learns one half and
# classifies the other, then the other way round; same files, same run,
# one core each, the fastest of RUNS runs (default 3) of each. A message
# is called spam when ndrsweep's content_score is over 0.5, and when
# bogofilter in two-state mode at 0.5 (-o 0.5,0) says Spam. Printed: both error rates and both times (training plus
# classifying), and the ratio. Exit 1 when ndrsweep errs more or is slower.
set -e
. "$(dirname "$0")/corpus.inc.sh"
if ! command -v bogofilter >/dev/null; then
	if [ "$(id -u)" = 0 ]; then apt-get install -y bogofilter >/dev/null
	else echo "bench: bogofilter missing: apt-get install -y bogofilter" >&2; exit 1; fi
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/ndrsweep-bayes.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# the halves: links to the corpus, never copies
for kind in spam_2:spam easy_ham:ham; do
	src=${kind%%:*} dst=${kind##*:}
	mkdir -p "$dir/A/$dst" "$dir/B/$dst"
	i=0
	for f in $(ls "$sa/$src" | sort); do
		if [ $((i % 2)) = 0 ]; then ln -s "$sa/$src/$f" "$dir/A/$dst/"
		else ln -s "$sa/$src/$f" "$dir/B/$dst/"; fi
		i=$((i + 1))
	done
done
cat >"$dir/config" <<CONF
[account bench]
host = localhost
user = bench
CONF
secs() { /usr/bin/time -f %e -o "$dir/t" "$@" >/dev/null || true; tail -1 "$dir/t"; }
score() {	# error count of a JSON Lines or bogofilter output
	python3 -c '
import json, sys
kind, path = sys.argv[1], sys.argv[2]
n = wrong = 0
for line in open(path, errors="replace"):
    if kind == "nd":
        j = json.loads(line); name = j["file"]; spam = j["content_score"] > 0.5
    else:
        name, rest = line.split(" X-Bogosity: ", 1); spam = rest.startswith("Spam")
    n += 1
    wrong += spam != ("/spam/" in name)
print(n, wrong)' "$@"
}
total_nd=0 total_bf=0 n_all=0 t_nd=0 t_bf=0
for run in A:B B:A; do
	train=${run%%:*} test=${run##*:}
	export XDG_DATA_HOME=$dir/data-$train
	# each filter from scratch RUNS times (default 3), in turn; the
	# fastest run of each counts (the errors are the same every time)
	a= b= c= d=
	for rep in $(seq "${RUNS:-3}"); do
		rm -rf "$XDG_DATA_HOME" "$dir/bf-$train"
		a1=$(secs taskset -c 0 "$top/ndrsweep" train --config "$dir/config" \
		    --spam "$dir/$train/spam" --ham "$dir/$train/ham")
		b1=$(secs sh -c "taskset -c 0 '$top/ndrsweep' classify --config '$dir/config' --json '$dir/$test/spam' '$dir/$test/ham' >'$dir/nd.out'")
		mkdir -p "$dir/bf-$train"
		c1=$(secs sh -c "taskset -c 0 bogofilter -d '$dir/bf-$train' -s -B '$dir/$train'/spam/* && taskset -c 0 bogofilter -d '$dir/bf-$train' -n -B '$dir/$train'/ham/*")
		d1=$(secs sh -c "taskset -c 0 bogofilter -d '$dir/bf-$train' -o 0.5,0 -v -B '$dir/$test'/spam/* '$dir/$test'/ham/* >'$dir/bf.out'")
		set -- $(awk -v a="$a" -v b="$b" -v a1="$a1" -v b1="$b1" 'BEGIN {
			if (a == "" || a1 + b1 < a + b) print a1, b1; else print a, b }')
		a=$1 b=$2
		set -- $(awk -v c="$c" -v d="$d" -v c1="$c1" -v d1="$d1" 'BEGIN {
			if (c == "" || c1 + d1 < c + d) print c1, d1; else print c, d }')
		c=$1 d=$2
	done
	set -- $(score nd "$dir/nd.out"); n=$1 e_nd=$2
	set -- $(score bf "$dir/bf.out"); e_bf=$2
	awk -v r="$train->$test" -v n="$n" -v en="$e_nd" -v eb="$e_bf" -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN {
		printf "%s: %d messages; ndrsweep %d wrong (%.2f%%), learnt in %.2f s, classified in %.2f s; bogofilter %d wrong (%.2f%%), %.2f s + %.2f s\n", r, n, en, 100 * en / n, a, b, eb, 100 * eb / n, c, d }'
	total_nd=$((total_nd + e_nd)) total_bf=$((total_bf + e_bf)) n_all=$((n_all + n))
	t_nd=$(awk -v t="$t_nd" -v a="$a" -v b="$b" 'BEGIN { print t + a + b }')
	t_bf=$(awk -v t="$t_bf" -v c="$c" -v d="$d" 'BEGIN { print t + c + d }')
done
awk -v n="$n_all" -v en="$total_nd" -v eb="$total_bf" -v tn="$t_nd" -v tb="$t_bf" 'BEGIN {
	printf "both ways: ndrsweep %.2f%% wrong in %.2f s; bogofilter %.2f%% wrong in %.2f s; ndrsweep takes %.2fx bogofilter'"'"'s time (target: errors <= bogofilter'"'"'s, time <= 1x)\n", 100 * en / n, tn, 100 * eb / n, tb, tn / tb
	exit !(en <= eb && tn <= tb) }'
