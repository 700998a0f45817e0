#!/bin/bash
# demo.sh - what `ndrsweep demo` runs: a private Dovecot on 127.0.0.1 in a
# temporary folder, a generated mailbox (a backscatter flood of 24
# campaigns forging alice@example.org, legitimate bounces of mail in her
# Sent folder, auto-replies, ordinary mail, dated up to today), and the
# interface on it over verified TLS. The server is stopped and the folder
# removed when the interface ends, on Ctrl-C too.
#
# usage: demo.sh NDRSWEEP SHAREDIR [SCALE]
nd=$1 share=$2 scale=${3:-0.2}
say() { echo "ndrsweep demo: $*" >&2; }
command -v dovecot >/dev/null ||
	{ say "needs Dovecot: apt-get install -y dovecot-imapd"; exit 69; }
command -v python3 >/dev/null ||
	{ say "needs python3: apt-get install -y python3"; exit 69; }
# installed, the helpers are beside this script; in the source tree, in
# tests/ and bench/
inc=$share/dovecot.inc.sh gen=$share/gen-verdicts.py
[ -f "$inc" ] || inc=$share/../tests/dovecot.inc.sh
[ -f "$gen" ] || gen=$share/../bench/gen-verdicts.py
. "$inc"
dc_start	# its traps stop the server and remove $DC_DIR, on Ctrl-C too
demo_dir=$DC_DIR
trap 'dc_stop; say "server stopped, $demo_dir removed"' EXIT
export XDG_DATA_HOME=$DC_DIR/data
md=$DC_DIR/mail/$DC_USER/Maildir
say "writing a mailbox of about $(awk -v s="$scale" 'BEGIN { printf "%d", 21000 * s }') messages..."
GEN_END=$(date +%s) python3 "$gen" "$md" 1 "$scale" >/dev/null ||
	{ say "the mailbox could not be written"; exit 1; }
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
dc_config "$DC_DIR/config" demo "port=$DC_TLS_PORT" tls=implicit \
    "ca_file=$DC_CA" addresses=alice@example.org \
    "own_relays=smtp.example.org, 192.0.2.25" folders=INBOX sent=Sent
say "Dovecot on 127.0.0.1:$DC_TLS_PORT (TLS, a CA made for this run), account 'demo'"
"$nd" --config "$DC_DIR/config"
