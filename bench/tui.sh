#!/bin/bash
# bench/tui.sh - the interface on a store of 100,000 bounces in 5,000
# campaigns: time to the first screen (target: under 1 s) and from a key
# press to the redrawn screen (target: median under 10 ms), measured in a
# pseudo-terminal of 120x40 (bench/tui-pty.py). The reference, in the same
# pty and run: less(1) on a file of as many lines, its first screen and
# its j (one line down).
#
# usage: bench/tui.sh [REPORTS] [CAMPAIGNS] [PRESSES]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
camps=${2:-5000}
presses=${3:-300}
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 missing: apt-get install -y python3" >&2; exit 1; }
if ! command -v less >/dev/null; then
	[ "$(id -u)" = 0 ] || { echo "bench: less missing: apt-get install -y less" >&2; exit 1; }
	apt-get install -y less >/dev/null
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/ndrsweep-tui.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME=$dir/data TERM=xterm-256color LANG=C.UTF-8
printf '[account bench]\nhost = 127.0.0.1\nuser = bench\ntls = none\n' >"$dir/config"
"$top/ndrsweep" report --config "$dir/config" >/dev/null	# makes the store
python3 "$top/bench/fill-store.py" "$dir/data/ndrsweep/bench.db" "$n" "$camps"
seq -f "line %.0f of the reference file, about as wide as a report row in the list" \
    "$n" >"$dir/ref.txt"
pty="python3 $top/bench/tui-pty.py"
nd="$top/ndrsweep --config $dir/config --offline"
echo "bench: $presses presses each; times in ms: ready median p90 max"
# the reference: less, first screen and j
read -r lr lm lp lx < <(LESS= $pty "line 39 of" "" "$presses" j -- less -S "$dir/ref.txt")
printf '%-44s %7s %6s %6s %6s\n' "less(1), $n lines: j" "$lr" "$lm" "$lp" "$lx"
report() { printf '%-44s %7s %6s %6s %6s\n' "$1" $2; }
r1=$($pty "?:help" "m" "$presses" j -- $nd)
report "ndrsweep, all $n reports: j" "$r1"
r2=$($pty "?:help" "m" "$presses" "jjjjjjjjjk " -- $nd)
report "ndrsweep, all reports: j k PgDn" "$r2"
r3=$($pty "?:help" "m" "$presses" du -- $nd)
report "ndrsweep, all reports: d u (mark, undo)" "$r3"
r4=$($pty "?:help" "c" "$presses" j -- $nd)
report "ndrsweep, $camps campaigns: j" "$r4"
r5=$($pty "?:help" "c" "$((presses / 10))" "o" -- $nd)
report "ndrsweep, campaigns: o (sort again)" "$r5"
set -- $r1
echo "ready: ndrsweep $1 ms (target < 1000), less $lr ms"
echo "key, median: ndrsweep $2 ms (target < 10), less $lm ms; ratio $(echo "$2 $lm" | awk '{ printf "%.2f", $1 / $2 }')"
