#!/bin/bash
# tests/imap.sh - ndrsweep's IMAP session against a real Dovecot: TLS
# verified before the password goes out, STARTTLS, plaintext only when the
# configuration says so, pinned certificates, clear one-line errors.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
probe=$build/tests/imap_probe
. "$top/tests/tap.inc.sh"
. "$top/tests/dovecot.inc.sh"


# conf KEY=VALUE...: an account for the harness's Dovecot, written to $cf
conf() {
	{
		echo "[account t]"
		echo "host = ${host:-127.0.0.1}"
		echo "user = $DC_USER"
		echo "password_file = $DC_DIR/pw"
		for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
	} >"$cf"
}
# expect NAME STATUS PATTERN: run the probe on $cf
expect() {
	out=$("$probe" "$cf" 2>&1)
	st=$?
	if [ "$st" = "$2" ] && [[ $out == $3 ]]; then ok "$1"; else not_ok "$1 (exit $st)"; fi
}

plan 14
need 14 dovecot dovecot-imapd
dc_start
cf=$DC_DIR/config
printf '%s\n' "$DC_PASS" >"$DC_DIR/pw"
chmod 600 "$DC_DIR/pw"

conf "port=$DC_TLS_PORT" "ca_file=$DC_CA"
expect "implicit TLS, certificate verified with ca_file" 0 "logged in*"
echo "Subject: x" >"$DC_DIR/m"
dc_append "$DC_USER" "Backscatter/Été" "$DC_DIR/m"
expect "folders: SPECIAL-USE read, modified UTF-7 names decoded" 0 \
    "*folder Backscatter/Été ?Backscatter/&AMk-t&AOk-?*folder Sent ?Sent? sent*"
conf "port=$DC_TLS_PORT"
expect "refused without ca_file: the system store does not know the CA (one plain line)" 1 \
    "imap_probe: certificate for 127.0.0.1 not trusted: its issuer is unknown (set ca_file, or pin its fingerprint)"
conf "port=$DC_PORT" "tls=starttls" "ca_file=$DC_CA"
expect "STARTTLS, certificate verified" 0 "logged in*"
conf "port=$DC_PORT" "tls=none"
expect "plaintext only because the configuration says tls = none" 0 "logged in*"
fp=$(openssl x509 -in "$DC_DIR/server.crt" -noout -fingerprint -sha256 | sed 's/.*=/sha256:/')
conf "port=$DC_TLS_PORT" "tls=starttls" "ca_file=$DC_CA"
t0=$(date +%s)
out=$("$probe" "$cf" 2>&1)
st=$? took=$(( $(date +%s) - t0 ))
[ "$st" = 1 ] && [ "$took" -le 10 ] &&
    [ "$out" = "imap_probe: 127.0.0.1:$DC_TLS_PORT speaks TLS from the first byte: set tls = implicit for this port" ] &&
    ok "tls = starttls on an implicit-TLS port: said in $took s, not after the timeout" ||
    not_ok "tls = starttls on an implicit-TLS port: said in seconds, not after the timeout (exit $st, $took s: $out)"
conf "port=$DC_TLS_PORT" "fingerprint=$fp"
expect "a pinned fingerprint stands in for the CA" 0 "logged in*"
conf "port=$DC_TLS_PORT" "fingerprint=sha256:$(printf '00%.0s' $(seq 32))"
expect "another fingerprint is refused" 1 \
    "imap_probe: certificate for 127.0.0.1 not trusted: its fingerprint*"
printf 'wrong\n' >"$DC_DIR/pw"
conf "port=$DC_TLS_PORT" "ca_file=$DC_CA"
expect "wrong password: one line, non-zero exit" 1 \
    "imap_probe: login to 127.0.0.1 as $DC_USER failed: *"
printf '%s\n' "$DC_PASS" >"$DC_DIR/pw"
closed=$(dc_free_port 9)
conf "port=$closed" "ca_file=$DC_CA"
expect "server gone: connection refused" 1 \
    "imap_probe: cannot connect to 127.0.0.1:$closed: connection refused"
host=nonexistent.invalid conf "port=$closed"
expect "a host name that does not resolve says so" 1 \
    "imap_probe: cannot resolve nonexistent.invalid"

dc_cert other 0 30 DNS:other.example
dc_use_cert other
conf "port=$DC_TLS_PORT" "ca_file=$DC_CA"
expect "a certificate for another host name is refused" 1 \
    "imap_probe: certificate for 127.0.0.1 not trusted: it was issued for another host name"
dc_cert old -60 -30
dc_use_cert old
expect "an expired certificate is refused" 1 \
    "imap_probe: certificate for 127.0.0.1 not trusted: it has expired"
dc_use_cert good
conf "port=$DC_TLS_PORT" "ca_file=$DC_CA"
expect "the right certificate again: accepted" 0 "logged in*"
exit 0
