# tests/harness.inc.sh - what the tests against a real Dovecot share, sourced
# (by bash) once $top names the source tree: where the binary and the test
# mail are, the TAP helpers (tests/tap.inc.sh) and the private Dovecot
# (tests/dovecot.inc.sh).
build=${builddir:-$top}
nd=$build/ndrsweep
mail=$top/tests/mail
. "$top/tests/tap.inc.sh"
. "$top/tests/dovecot.inc.sh"
