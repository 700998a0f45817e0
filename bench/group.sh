#!/bin/bash
# bench/group.sh - grouping 100,000 backscatter bounces into campaigns.
#
# usage: bench/group.sh [SCALE]
#
# bench/gen-verdicts.py writes the backscatter of its 24 campaigns, times
# SCALE (default 20: about 103,000 reports), to a Maildir; bench/group reads
# them with the engine into a new store and prints the CPU time of the
# grouping (target: under 2 s) and of judging the whole store, next to the
# time of reading the store alone.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-20}
[ -f "$top/core/libcore.a" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 missing: apt-get install -y python3" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/ndrsweep-group.XXXXXX")
trap 'rm -rf "$dir"' EXIT
make -C "$top" -s bench/group >/dev/null
echo "bench: writing the backscatter of 24 campaigns, x$scale..."
python3 "$top/bench/gen-verdicts.py" "$dir/mail" 1 "$scale" backscatter >/dev/null
"$top/bench/group" "$dir/mail" "$dir/store.db"
