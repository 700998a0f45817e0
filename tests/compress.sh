#!/bin/bash
# tests/compress.sh - COMPRESS=DEFLATE (RFC 4978) against a real Dovecot,
# through bench/linksim.py (which counts the bytes each way): with
# compress = auto, a link of 20 ms round trip is compressed and loopback
# is not; compress = yes and no do as they say, in plain text and over
# TLS; a compressed scan stores what an uncompressed one does.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"
N=6
plan $N
need $N python3 python3
[ -e /usr/lib/dovecot/modules/lib30_imap_zlib_plugin.so ] ||
	skip_all $N "Dovecot's imap_zlib plugin missing (apt-get install -y dovecot-core)"
dc_start
lpid=
trap 'kill $lpid 2>/dev/null || true; dc_stop' EXIT
export XDG_DATA_HOME=$DC_DIR/data
md=$DC_DIR/mail/$DC_USER/Maildir
# 2,000 messages, 5% reports: the generator's corpus made of the tests'
# own mail (no ../shared in CI)
corp=$DC_DIR/corp
mkdir -p "$corp/sisimai/maildir" "$corp/spamassassin/easy_ham" "$corp/spamassassin/spam_2"
python3 "$top/tests/gen-bounces.py" "$corp/sisimai/maildir/bsd" 3 7 >/dev/null
rm -f "$corp/sisimai/maildir/bsd/labels.tsv"
cp "$top/tests/mail/ordinary1.eml" "$top/tests/fixtures/ordinary.eml" \
    "$corp/spamassassin/easy_ham/"
cp "$top/tests/mail/ordinary1.eml" "$corp/spamassassin/spam_2/"
python3 "$top/bench/gen-mailbox.py" "$md" 2000 "$corp" >/dev/null
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"

# link MS: a link of MS one way to the plain port; its port in $lport
link() {
	rm -f "$DC_DIR/link" "$DC_DIR/lport"
	python3 "$top/bench/linksim.py" "$DC_PORT" "$1" 1000 "$DC_DIR/link" \
	    >"$DC_DIR/lport" &
	lpid=$!
	for _ in $(seq 50); do [ -s "$DC_DIR/lport" ] && break; sleep 0.1; done
	lport=$(cut -d' ' -f1 "$DC_DIR/lport")
}
# down: the bytes the link carried from the server, once it is stopped
down() {
	kill -USR1 "$lpid"
	for _ in $(seq 30); do [ -s "$DC_DIR/link" ] && break; sleep 0.1; done
	kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
	awk '{ print $2 }' "$DC_DIR/link"
}
# scan NAME PORT TLS COMPRESS: a first scan of account NAME, its summary
# without the account's name in $out
scan() {
	rm -rf "$XDG_DATA_HOME"
	dc_config "$DC_DIR/$1.conf" "$1" "port=$2" "tls=$3" "ca_file=$DC_CA" \
	    folders=INBOX "compress=$4"
	out=$("$nd" scan --config "$DC_DIR/$1.conf" 2>&1)
	st=$?
	out=${out//$1: /}
}

link 0
scan plain "$lport" none no; plain_out=$out plain_st=$st
printf '%s\n' "$plain_out" | sed 's/^/# /'
plain_b=$(down)
link 0
scan autolo "$lport" none auto
autolo_b=$(down)
if [ "$st" = 0 ] && [ "$out" = "$plain_out" ] &&
    [ "$autolo_b" -ge $((plain_b * 98 / 100)) ]; then
	ok "compress = auto on loopback: not compressed ($autolo_b bytes, $plain_b without)"
else
	out="exit $st, $autolo_b bytes vs $plain_b: $out"; not_ok "compress = auto on loopback"
fi
link 10
scan autofar "$lport" none auto
far_b=$(down)
if [ "$plain_st" = 0 ] && [ "$st" = 0 ] && [ "$far_b" -lt $((plain_b / 2)) ]; then
	ok "compress = auto at 20 ms round trip: compressed ($far_b bytes, $plain_b without)"
else
	out="exit $st, $far_b bytes vs $plain_b: $out"; not_ok "compress = auto at 20 ms round trip"
fi
if [ "$out" = "$plain_out" ]; then
	ok "the compressed scan found what the plain one did"
else
	out="$out
vs
$plain_out"; not_ok "the compressed scan found what the plain one did"
fi
link 0
scan yes "$lport" none yes
yes_b=$(down)
if [ "$st" = 0 ] && [ "$out" = "$plain_out" ] && [ "$yes_b" -lt $((plain_b / 2)) ]; then
	ok "compress = yes on loopback: compressed ($yes_b bytes)"
else
	out="exit $st, $yes_b bytes: $out"; not_ok "compress = yes on loopback"
fi
scan tls "$DC_TLS_PORT" implicit yes
if [ "$st" = 0 ] && [ "$out" = "$plain_out" ]; then
	ok "compress = yes over TLS: the same scan"
else
	not_ok "compress = yes over TLS (exit $st)"
fi
# the server no longer offers it: yes goes on without it
dc_capability IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE \
    SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS \
    LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES \
    WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SPECIAL-USE
link 0
scan none "$lport" none yes
none_b=$(down)
if [ "$st" = 0 ] && [ "$out" = "$plain_out" ] &&
    [ "$none_b" -ge $((plain_b * 98 / 100)) ]; then
	ok "compress = yes, not offered: a plain scan ($none_b bytes)"
else
	out="exit $st, $none_b bytes: $out"; not_ok "compress = yes, not offered"
fi
