#!/bin/bash
# tests/fuzz.sh - the libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with
# clang (ASan + UBSan + libFuzzer) when clang is there, each run for a few
# seconds from its seed corpus, after every kept regression input
# (tests/fuzz/regress/TARGET/) is replayed. A crash or a writer's invalid
# JSON fails the test and names the input that did it.
#
#   FUZZ_SECONDS=N  seconds per harness (default 4; bench/fuzz.sh: longer)
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
. "$top/tests/tap.inc.sh"
targets="message config json"
secs=${FUZZ_SECONDS:-4}

plan 6
if ! command -v clang >/dev/null; then
	skip_all 6 "clang missing (apt-get install -y clang)"
fi
bin=$build/tests/fuzz/run/bin
mkdir -p "$bin"
flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
inc="-I$top -I$top/core -I$top/imap -I$build $(pkg-config --cflags libetpan sqlite3 gnutls)"
libs="$(pkg-config --libs libetpan sqlite3 gnutls | sed 's/-specs=[^ ]*//g') -lm -lpthread"
# the engine, instrumented for coverage, once; again when a source changed
lib=$bin/libcore-fuzz.a
if [ ! -f "$lib" ] || [ "$0" -nt "$lib" ] ||
    [ -n "$(find "$top/core" -newer "$lib" -name '*.[ch]' | head -1)" ]; then
	rm -f "$bin"/*.o "$lib"
	for c in "$top"/core/*.c "$top"/core/formats/*.c; do
		o=$(echo "${c#"$top"/core/}" | tr / -)
		clang $flags -fsanitize=fuzzer-no-link $inc -c "$c" \
		    -o "$bin/${o%.c}.o" 2>>"$bin/build.err" &
		[ "$(jobs -r | wc -l)" -ge "$(nproc)" ] && wait -n
	done
	wait
	ar rcs "$lib" "$bin"/*.o 2>>"$bin/build.err"
fi
built=true
for t in $targets; do
	src=$top/tests/fuzz/fuzz_$t.c
	if [ ! -x "$bin/fuzz_$t" ] || [ "$src" -nt "$bin/fuzz_$t" ] ||
	    [ "$lib" -nt "$bin/fuzz_$t" ]; then
		clang $flags -fsanitize=fuzzer $inc "$src" "$lib" $libs \
		    -o "$bin/fuzz_$t" 2>>"$bin/build.err" || built=false
	fi
done
if $built; then
	ok "the harnesses build with clang (libFuzzer, ASan, UBSan)"
else
	out=$(tail -20 "$bin/build.err"); not_ok "the harnesses build with clang (libFuzzer, ASan, UBSan)"
	exit 0
fi

# seeds: the fixtures and test mail for messages, configurations written
# here, strings for the JSON writer
seeds=$build/tests/fuzz/run/seeds
mkdir -p "$seeds/message" "$seeds/config" "$seeds/json"
cp "$top"/tests/fixtures/*.eml "$top"/tests/mail/*.eml "$seeds/message/" 2>/dev/null
cp "$top"/tests/fuzz/seeds/config/* "$seeds/config/"
cp "$top"/share/config.example "$seeds/config/"
cp "$top"/tests/fuzz/seeds/json/* "$seeds/json/"

replayed=0 failed=""
for t in $targets; do
	r=$top/tests/fuzz/regress/$t
	[ -d "$r" ] || continue
	for f in "$r"/*; do
		[ -f "$f" ] || continue
		replayed=$((replayed + 1))
		"$bin/fuzz_$t" "$f" >"$bin/replay.log" 2>&1 || failed="$failed $t/$(basename "$f")"
	done
done
[ -z "$failed" ] && ok "the kept regression inputs pass ($replayed)" ||
    { out=$(tail -30 "$bin/replay.log"); not_ok "the kept regression inputs pass (failed:$failed)"; }

for t in $targets; do
	corpus=$build/tests/fuzz/run/corpus/$t
	mkdir -p "$corpus"
	log=$build/tests/fuzz/run/$t.log
	if "$bin/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -artifact_prefix="$build/tests/fuzz/run/crash-$t-" \
	    "$corpus" "$seeds/$t" >"$log" 2>&1; then
		runs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -1)
		case $t in
		message) what="no crash, leak or invalid JSON from the report writer" ;;
		config) what="no crash; each refusal one line naming the file" ;;
		json) what="always valid JSON, plain text kept" ;;
		esac
		ok "fuzz_$t: ${secs}s, ${runs:-?} inputs, $what"
	else
		out=$(grep -E 'ERROR|SUMMARY|invalid|not one line|Test unit written' "$log" | head -10)
		not_ok "fuzz_$t: ${secs}s: failed; keep the input in tests/fuzz/regress/$t/ once fixed"
	fi
done
# the seeds reached the code: a run that read nothing tested nothing
n=$(ls "$seeds/message" | wc -l)
[ "$n" -ge 15 ] && ok "the message seeds are there ($n)" || not_ok "the message seeds are there ($n)"
