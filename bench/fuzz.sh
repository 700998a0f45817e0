#!/bin/bash
# bench/fuzz.sh - the fuzzers of tests/fuzz.sh, longer: SECONDS (default
# 600) each, the corpus kept between runs in tests/fuzz/run/corpus. A crash
# leaves its input in tests/fuzz/run/crash-*; once fixed, keep it in
# tests/fuzz/regress/TARGET/ so that `make check` replays it.
top=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_SECONDS=${1:-600} builddir=${builddir:-$top} exec bash "$top/tests/fuzz.sh"
