#!/bin/bash
# bench/compare.sh - two (or more) ndrsweep binaries' first scan of the
# same generated mailbox, in turn, ROUNDS rounds (default 4): the CPU each
# used (task-clock, all its threads), one line a run. For a change that
# must not cost the scan anything: the machine's noise is larger than a
# few percent, so the binaries alternate and the medians are compared.
# PIN=N runs each on core N alone (taskset: less noise, the server on the
# other cores). INSTRUCTIONS=1 counts each one's instructions instead,
# under valgrind's callgrind, once (the same on every run: what a change
# saves shows when the time does not; COMPRESS stays off, as on loopback,
# since valgrind's slowness would turn compress = auto on).
# usage: bench/compare.sh OLD_BINARY NEW_BINARY... (COUNT=100000 ROUNDS=4)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
count=${COUNT:-100000}
corpus=$top/../shared/corpus
[ $# -ge 2 ] || { echo "usage: bench/compare.sh OLD NEW..." >&2; exit 64; }
command -v perf >/dev/null ||
	{ echo "bench: perf missing: apt-get install -y linux-perf" >&2; exit 1; }
# a folder of a million messages needs more of the server than its
# default memory cap (as in bench/million.sh)
[ "$count" -gt 300000 ] && export DC_CONF_EXTRA=${DC_CONF_EXTRA:-"default_vsz_limit = 2G"}
. "$top/bench/mailbox.inc.sh"
mb_write >/dev/null
dc_config "$DC_DIR/config" bench "port=$DC_PORT" tls=none folders=INBOX \
    sent=Sent compress=no
out=$(mktemp)
if [ -n "$INSTRUCTIONS" ]; then
	command -v valgrind >/dev/null || { echo "bench: valgrind missing:" \
	    "apt-get install -y valgrind" >&2; exit 1; }
	for b in "$@"; do
		rm -rf "$XDG_DATA_HOME"
		valgrind --tool=callgrind --callgrind-out-file="$out.cg" "$b" \
		    scan --config "$DC_DIR/config" >/dev/null 2>"$out"
		echo "$b $(awk '/Collected :/ {printf "%.1f", $NF / 1e6}' \
		    "$out") M instructions"
	done
	rm -f "$out" "$out.cg"
	exit 0
fi
for i in $(seq "${ROUNDS:-4}"); do
	for b in "$@"; do
		rm -rf "$XDG_DATA_HOME"
		perf stat -x, -e task-clock -o "$out" ${PIN:+taskset -c "$PIN"} \
		    "$b" scan --config "$DC_DIR/config" >/dev/null 2>&1
		echo "$b $(awk -F, '/task-clock/{printf "%.0f", $1}' "$out") ms"
	done
done | tee "$out.all"
echo "medians:"
for b in "$@"; do
	printf '  %s %s ms\n' "$b" "$(awk -v b="$b" '$1 == b {print $2}' \
	    "$out.all" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
done
rm -f "$out" "$out.all"
