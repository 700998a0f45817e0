# bench/mailbox.inc.sh - what the benchmarks that scan a generated mailbox
# in a private Dovecot share (scan.sh, link.sh, million.sh). Sourced with
# $top, $count and $corpus set: checks what they need, builds the raw
# header reader (bench/refread), starts the server (dc_start; its traps
# stop it), and sets XDG_DATA_HOME, md (the user's Maildir) and fields
# (the header fields phase one asks for; sent_fields, those a Sent
# folder is asked besides).
#   mb_write   COUNT messages (bench/gen-mailbox.py) and a Sent folder of
#              2,000 written, owned by the mail user, indexed by Dovecot
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
[ -d "$corpus/sisimai" ] || { echo "bench: no corpus at $corpus" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 missing: apt-get install -y python3" >&2; exit 1; }
cc -O2 -o "$top/bench/refread" "$top/bench/refread.c"
. "$top/tests/dovecot.inc.sh"
dc_start
export XDG_DATA_HOME=$DC_DIR/data
md=$DC_DIR/mail/$DC_USER/Maildir
# what phase one asks of every message, and of a Sent folder's besides
c_list() { sed -n "/$1\\[\\] = {/,/};/p" "$top/core/candidate.c" |
    grep -o '"[A-Za-z-]*"' | tr -d '"' | tr '\n' ' '; }
fields=$(c_list ndr_candidate_fields)
sent_fields=$(c_list ndr_sent_fields)
mb_write() {
	echo "bench: writing $count messages (+ a Sent folder of 2,000)..."
	python3 "$top/bench/gen-mailbox.py" "$md" "$count" "$corpus"
	python3 "$top/bench/gen-mailbox.py" "$md" 2000 "$corpus" Sent
	chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
	doveadm -c "$DC_DIR/dovecot.conf" mailbox status -u "$DC_USER" \
	    messages INBOX Sent >/dev/null
}
