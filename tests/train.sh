#!/bin/bash
# tests/train.sh - `ndrsweep train` from local files and from a folder on
# a real Dovecot, and the content_score `classify --json` gives after it.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${builddir:-$top}
nd=$build/ndrsweep
. "$top/tests/tap.inc.sh"
. "$top/tests/dovecot.inc.sh"

# msg FILE SUBJECT BODY...: a small message
msg() {
	local f=$1 s=$2
	shift 2
	printf 'From: x@example.net\nSubject: %s\nMessage-ID: <%s@example.net>\n\n%s\n' \
	    "$s" "$RANDOM$RANDOM" "$*" >"$f"
}

plan 11
need 11 dovecot dovecot-imapd
dc_start
export XDG_DATA_HOME=$DC_DIR/data XDG_CONFIG_HOME=$DC_DIR/xdg
cf=$DC_DIR/config
dc_config "$cf" t "port=$DC_TLS_PORT" "ca_file=$DC_CA"
mkdir -p "$DC_DIR/spam" "$DC_DIR/ham" "$DC_DIR/imap"
spamwords="cheap pills discount pharmacy viagra offer buy now casino winner"
hamwords="meeting agenda project minutes budget review lunch schedule draft"
for i in $(seq 12); do
	msg "$DC_DIR/spam/$i" "Cheap pills $i" "$spamwords $i"
	msg "$DC_DIR/ham/$i" "Project meeting $i" "$hamwords $i"
	msg "$DC_DIR/imap/$i" "Casino winner $i" "casino winner jackpot bonus $i"
done

# before any training: neutral
out=$("$nd" classify --config "$cf" --json "$DC_DIR/spam/1" 2>&1)
[[ $out == *'"content_score":0.5000}' ]] && ok "untrained: content_score 0.5" ||
    not_ok "untrained: content_score 0.5"
out=$("$nd" train --config "$cf" --spam "$DC_DIR/spam" --ham "$DC_DIR/ham" 2>&1)
[ $? = 0 ] && [ "$out" = "t: learnt 12 as spam, 12 as ham" ] &&
    ok "train from local folders" || not_ok "train from local folders"
out=$("$nd" train --config "$cf" --spam "$DC_DIR/spam" 2>&1)
[ $? = 0 ] && [ "$out" = "t: learnt 0 as spam, 0 as ham; 12 already known" ] &&
    ok "the same messages again: already known, exit 0" ||
    not_ok "the same messages again: already known, exit 0"
out=$("$nd" train --config "$cf" --ham "$DC_DIR/spam/1" 2>&1)
[ "$out" = "t: learnt 0 as spam, 1 as ham (1 moved over from the other kind)" ] &&
    ok "a reversed decision moves the message over" ||
    not_ok "a reversed decision moves the message over"
"$nd" train --config "$cf" --spam "$DC_DIR/spam/1" >/dev/null
dc_append "$DC_USER" "Casino" "$DC_DIR"/imap/*
out=$("$nd" train --config "$cf" --spam Casino 2>&1)
[ $? = 0 ] && [ "$out" = "t: learnt 12 as spam, 0 as ham" ] &&
    ok "train from a folder on the server" || not_ok "train from a folder on the server"
out=$("$nd" train --config "$cf" --spam NoSuchFolder 2>&1)
[ $? = 1 ] && [[ $out == "ndrsweep: NoSuchFolder: no such file here, nor folder on the server"* ]] &&
    ok "a source that is neither a file nor a server folder: a missing input, exit 1" ||
    not_ok "a source that is neither a file nor a server folder: a missing input, exit 1"
out=$("$nd" train --config "$cf" --spam ./missing-file 2>&1)
[ $? = 1 ] && [[ $out == "ndrsweep: ./missing-file: no such file or folder"* ]] &&
    ok "a missing local path: exit 1, the server not asked" ||
    not_ok "a missing local path: exit 1, the server not asked"
msg "$DC_DIR/new-spam" "Cheap pills today" "$spamwords casino"
msg "$DC_DIR/new-ham" "Project meeting notes" "$hamwords"
out=$("$nd" classify --config "$cf" --json "$DC_DIR/new-spam" "$DC_DIR/new-ham" 2>&1)
s=$(printf '%s\n' "$out" | sed -n '1s/.*"content_score":\([0-9.]*\)}/\1/p')
h=$(printf '%s\n' "$out" | sed -n '2s/.*"content_score":\([0-9.]*\)}/\1/p')
awk -v s="$s" -v h="$h" 'BEGIN { exit !(s > 0.9 && h < 0.1) }' &&
    ok "trained: spam scores high ($s), ham low ($h)" ||
    not_ok "trained: spam scores high ($s), ham low ($h)"
# the configuration's only account is the default
mkdir -p "$XDG_CONFIG_HOME/ndrsweep"
cp "$cf" "$XDG_CONFIG_HOME/ndrsweep/config"
out=$("$nd" classify --json "$DC_DIR/new-spam" 2>&1)
s=$(printf '%s\n' "$out" | sed -n '1s/.*"content_score":\([0-9.]*\)}/\1/p')
awk -v s="$s" 'BEGIN { exit !(s > 0.9) }' && ok "classify uses the only account by default" ||
    not_ok "classify uses the only account by default"
# the verdicts of a scan use what was learnt: a bounce whose original
# reads like the spam learnt carries a "content" signal
for i in $(seq 12); do
	msg "$DC_DIR/watch$i" "Cheap watches $i" "replica watches cheap $i"
done
"$nd" train --config "$cf" --spam "$DC_DIR"/watch* >/dev/null
dc_append "$DC_USER" INBOX "$top/tests/mail/bounce1.eml"
echo "folders = INBOX" >>"$cf"
"$nd" scan --config "$cf" >/dev/null 2>&1
out=$("$nd" report --config "$cf" --messages 2>&1)
[[ $out == *'"name":"content","weight":'*'"evidence":"the classifier scores the original '* ]] &&
    ok "a scan's verdicts carry the classifier's score" ||
    not_ok "a scan's verdicts carry the classifier's score"
out=$("$nd" train --config "$cf" 2>&1)
[ $? = 64 ] && [[ $out == "ndrsweep train: nothing to learn"* ]] &&
    ok "nothing to learn: exit 64" || not_ok "nothing to learn: exit 64"
exit 0
