#!/bin/bash
# tests/valgrind.sh - the Check suites under valgrind (no fork, so valgrind
# sees every test): no invalid read or write, no use of uninitialised
# memory, no definite leak. Not part of a sanitizer build's tests (ASan
# and valgrind do not mix; ASan checks the same there).
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
. "$top/tests/tap.inc.sh"
suites="text header reason readers hostile mutf7 config store verdict bayes model fetch"
n=$(echo $suites | wc -w)

plan "$n"
grep -q '^SAN_CFLAGS = -fsanitize' "$build/Makefile" 2>/dev/null &&
	skip_all "$n" "a sanitizer build: ASan checks memory here instead"
need "$n" valgrind valgrind
for s in $suites; do
	log=$build/tests/valgrind-$s.out
	if CK_FORK=no CK_VERBOSITY=silent FIXTURES=$top/tests/fixtures \
	    valgrind -q --error-exitcode=99 --leak-check=full \
	    --suppressions="$top/tests/valgrind.supp" \
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	    "$build/tests/check_$s" >"$log" 2>&1; then
		ok "check_$s: valgrind clean"
	else
		out=$(grep -E '==[0-9]+==' "$log" | head -20)
		not_ok "check_$s: valgrind clean (see $log)"
	fi
done
