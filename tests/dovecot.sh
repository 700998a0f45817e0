#!/bin/bash
# tests/dovecot.sh - the Dovecot harness itself works: it starts, greets,
# logs in, takes mail, speaks TLS with the certificate of its own CA, and
# leaves nothing behind. (ndrsweep's IMAP tests stand on it.)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/tap.inc.sh"
. "$top/tests/dovecot.inc.sh"

check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

# imap_talk PORT COMMAND...: one session on the plaintext port; prints
# the server's lines, ends with LOGOUT
imap_talk() {
	local port=$1 line
	shift
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	for c in "$@" "z LOGOUT"; do printf '%s\r\n' "$c" >&3; done
	while IFS= read -r -t 5 line <&3; do
		printf '%s\n' "${line%$'\r'}"
		case $line in "z OK"*) break ;; esac
	done
	exec 3<&-
}

plan 7
need 7 dovecot dovecot-imapd
dc_start
out=$(imap_talk "$DC_PORT")
check "greets on 127.0.0.1:$DC_PORT" '[[ $out == "* OK"* ]]'
out=$(imap_talk "$DC_PORT" "a LOGIN $DC_USER $DC_PASS")
check "logs in with its password" '[[ $out == *"a OK"* ]]'
out=$(imap_talk "$DC_PORT" "a LOGIN $DC_USER wrong")
check "refuses a wrong password" '[[ $out == *"a NO"* ]]'

cat >"$DC_DIR/m1.eml" <<'MSG'
From: bob@example.org
To: alice@example.org
Subject: hello
Message-ID: <m1@example.org>

hi
MSG
dc_append "$DC_USER" INBOX "$DC_DIR/m1.eml"
dc_append "$DC_USER" "Backscatter/Été" "$DC_DIR/m1.eml"
out=$(imap_talk "$DC_PORT" "a LOGIN $DC_USER $DC_PASS" "b SELECT INBOX" \
    'c LIST "" "*"')
check "mail saved is there" '[[ $out == *"* 1 EXISTS"* ]]'
check "SPECIAL-USE folders and a non-ASCII name" \
    '[[ $out == *"\\Sent"* && $out == *"Backscatter/&AMk-t&AOk-"* ]]'
v=$(echo | openssl s_client -connect "127.0.0.1:$DC_TLS_PORT" \
    -CAfile "$DC_CA" -verify_return_error -verify_hostname localhost 2>&1)
check "TLS certificate verifies against the run's CA" \
    '[[ $v == *"Verify return code: 0 (ok)"* ]]'
dir=$DC_DIR port=$DC_PORT
dc_stop
check "stopped: port closed, folder gone" \
    '! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [ ! -d "$dir" ]'
exit 0
