#!/bin/sh
# bench/classify.sh - ndrsweep classify against Sisimai on the same files in
# the same run: the Sisimai corpus copied COPIES times (default 10, 6,290
# files) into a temporary Maildir, each tool run over all of it, on one
# core (taskset when there), in turn, RUNS rounds (default 5), the
# median of each counting; what each prints goes down a pipe and is
# counted. Prints messages per second, the ratio (target >= 25x) and the
# peak resident memory of each (target: ndrsweep <= 20 MB).
# usage: bench/classify.sh [CORPUS_DIR] [COPIES]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus}/sisimai/maildir/bsd
copies=${2:-10}
[ -d "$corpus" ] || { echo "bench: no corpus at $corpus" >&2; exit 1; }
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
perl -MSisimai -e 1 2>/dev/null ||
	{ echo "bench: Sisimai missing: apt-get install -y libsisimai-perl" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
i=0
while [ "$i" -lt "$copies" ]; do
	for f in "$corpus"/*.eml; do
		cp "$f" "$tmp/md/cur/$i.$(basename "$f")"
	done
	i=$((i + 1))
done
files=$(ls "$tmp/md/cur" | wc -l)
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

# once NAME CMD...: one run; its output goes down a pipe (ndrsweep's
# JSON lines are counted, not written to a disk, which would time the
# disk: Sisimai keeps its results in memory); each run's wall seconds a
# line of NAME.secs, the highest peak RSS (KiB) so far in NAME.peak
once() {
	name=$1; shift
	t0=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$tmp/$name.time" $pin "$@" \
	    2>"$tmp/$name.err" | wc -l >"$tmp/$name.out" || true
	t1=$(date +%s%N)
	# milliseconds: time(1) counts hundredths, too coarse at 0.3 s
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	read -r kib <"$tmp/$name.time"
	peak=$(cat "$tmp/$name.peak" 2>/dev/null || echo 0)
	echo "$secs" >>"$tmp/$name.secs"
	awk -v a="$peak" -v b="$kib" 'BEGIN { print (b > a) ? b : a }' >"$tmp/$name.peak"
}
# warm the page cache so neither pays for the first read
cat "$tmp"/md/cur/* >/dev/null

# RUNS rounds (default 5), the two in turn in each, so that a shared
# machine's slow spell (its noise is as large as what is measured)
# falls on both alike; the median of each counts
for i in $(seq "${RUNS:-5}"); do
	once ndrsweep "$top/ndrsweep" classify --json "$tmp/md"
	once sisimai perl -MSisimai -e '
		my $d = Sisimai->make($ARGV[0], delivered => 1, vacation => 1) || [];
		print "$_\n" for 1 .. scalar(@$d);' "$tmp/md/cur"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
n_s=$(median "$tmp/ndrsweep.secs") n_kib=$(cat "$tmp/ndrsweep.peak")
s_s=$(median "$tmp/sisimai.secs") s_kib=$(cat "$tmp/sisimai.peak")
n_lines=$(cat "$tmp/ndrsweep.out")
s_found=$(cat "$tmp/sisimai.out")

awk -v f="$files" -v ns="$n_s" -v ss="$s_s" -v nk="$n_kib" -v sk="$s_kib" \
    -v nl="$n_lines" -v sf="$s_found" 'BEGIN {
	nr = ns > 0 ? f / ns : 0; sr = ss > 0 ? f / ss : 0
	printf "files: %d (messages out: ndrsweep %d, sisimai %d results)\n", f, nl, sf
	printf "ndrsweep: %6.3f s  %8.0f msg/s  peak %6.1f MB\n", ns, nr, nk / 1024
	printf "sisimai:  %6.3f s  %8.0f msg/s  peak %6.1f MB\n", ss, sr, sk / 1024
	printf "ratio (medians of the rounds): ndrsweep is %.1fx faster (target >= 25x); peak memory %s 20 MB\n",
	    (ns > 0 ? ss / ns : 0), ((nk / 1024 <= 20) ? "within" : "OVER")
}'
