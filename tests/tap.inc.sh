# tests/tap.inc.sh - TAP for the shell tests (sourced by bash).
#   plan N            "1..N"; skip_all N WHY: every test skipped, saying why
#   ok NAME / not_ok NAME: a result; not_ok shows $out as TAP comments
#   skip NAME WHY: one test not run, and why
_tap_n=0
plan() { echo "1..$1"; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
not_ok() {
	_tap_n=$((_tap_n + 1))
	echo "not ok $_tap_n - $1"
	[ -n "${out:-}" ] && printf '%s\n' "$out" | sed 's/^/# /'
	return 0
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
skip_all() {
	local i
	for i in $(seq "$1"); do echo "ok $i # SKIP $2"; done
	exit 0
}
# need N CMD PACKAGE: without CMD, skip all N tests saying how to get it.
need() {
	command -v "$2" >/dev/null ||
		skip_all "$1" "$2 missing (apt-get install -y $3)"
}
