#!/bin/bash
# tests/rules.sh - `ndrsweep rules` against Dovecot's Pigeonhole: rules
# for a flood's campaigns installed over ManageSieve beside the user's own
# active script (put there by a second client, sieve-connect, which then
# lists what ndrsweep installed); a fresh flood of the same campaigns,
# delivered over LMTP with ndrsweep not running, filed by the server
# itself; a bounce of the user's own mail, ordinary mail and the user's
# own rules untouched; everything taken away again; a server without the
# include extension refused with the script printed.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

N=20
plan $N
need $N dovecot dovecot-imapd
need $N sieve-connect sieve-connect
need $N tmux tmux
[ -x /usr/lib/dovecot/managesieve ] && [ -x /usr/lib/dovecot/lmtp ] ||
	skip_all $N "Pigeonhole or LMTP missing (apt-get install -y dovecot-lmtpd dovecot-sieve dovecot-managesieved)"
dc_start
export XDG_DATA_HOME=$DC_DIR/data
cf=$DC_DIR/config
Q=Quarantine/Backscatter
dc_config "$cf" t "port=$DC_PORT" tls=none folders=INBOX \
    addresses=alice@ndrsweep.test own_relays=smtp.ndrsweep.test \
    "quarantine=$Q" "sieve_port=$DC_SIEVE_PORT"
deliver() { python3 "$top/tests/lmtp.py" "$DC_LMTP_PORT" "$DC_USER" "$@"; }
sc() {	# sieve-connect as the user, plain text (the harness's), password on fd 3
	sieve-connect --server 127.0.0.1 --port "$DC_SIEVE_PORT" \
	    --user "$DC_USER" --passwordfd 3 --notlsverify --clearchan "$@" \
	    3<"$DC_DIR/pw" 2>&1
}
n=0
# flood CAMPAIGN COUNT: reports of spam forged in the user's name, each
# with its own random subject tail and Message-IDs from the spammers' hosts
flood() {
	local subj=$1 i files=()
	for i in $(seq "$2"); do
		n=$((n + 1))
		sed -e "s/^Message-Id: <b1@/Message-Id: <r$n@/" \
		    -e "s/^Message-Id: <spam-1@ndrsweep.test>/Message-Id: <$RANDOM$n@bulk$((n % 7)).example>/" \
		    -e "s/^Subject: Cheap watches/Subject: $subj ${RANDOM}x$n/" \
		    "$mail/bounce1.eml" >"$DC_DIR/r$n.eml"
		files+=("$DC_DIR/r$n.eml")
	done
	deliver "${files[@]}"
}

# the user's own script, put and activated by sieve-connect
cat >"$DC_DIR/mine.sieve" <<'SIEVE'
require ["fileinto", "mailbox"];
# the user's own rule: lunch plans to their folder
if header :contains "subject" "lunch" {
    fileinto :create "Lunch";
}
SIEVE
sc --upload --localsieve "$DC_DIR/mine.sieve" --remotesieve mine >/dev/null &&
    sc --activate --remotesieve mine >/dev/null
# mail the user sent (Sent), the flood of two campaigns, scanned
sed -e 's/^Message-Id: <lunch@example.org>/Message-Id: <sent-2@ndrsweep.test>/' \
    -e 's/^From: .*/From: alice@ndrsweep.test/' \
    -e 's/^Subject: .*/Subject: Cheap watches, the ones we talked about/' \
    "$mail/ordinary1.eml" >"$DC_DIR/sent2.eml"
dc_append "$DC_USER" Sent "$DC_DIR/sent2.eml"
flood "Cheap watches from Geneva" 12
flood "Replica handbags from Milan" 12
"$nd" scan --config "$cf" >/dev/null 2>&1
[ "$(dc_count INBOX)" = 24 ] && ok "the first flood delivered over LMTP, past the user's own script" ||
    not_ok "the first flood delivered over LMTP ($(dc_count INBOX))"

out=$("$nd" rules add --all --config "$cf" 2>&1)
rc=$?
[ $rc = 0 ] && [[ $out == "t: rules for 2 campaigns on the server; your script runs after them: mine" ]] &&
    ok "rules add --all: a rule per campaign, installed beside the user's script" ||
    not_ok "rules add --all ($rc: $out)"
listed=$(sc --list)
[[ $listed == *'"ndrsweep" ACTIVE'* ]] &&
    [[ $listed == *'"ndrsweep-rules"'* ]] && [[ $listed == *'"mine"'* ]] &&
    ok "sieve-connect lists what ndrsweep installed (ndrsweep active, the rules, mine)" ||
    not_ok "sieve-connect lists what ndrsweep installed ($listed)"
rm -f "$DC_DIR/mine.got"
sc --download --remotesieve mine --localsieve "$DC_DIR/mine.got" >/dev/null
cmp -s "$DC_DIR/mine.sieve" "$DC_DIR/mine.got" &&
    ok "the user's own script unchanged, byte for byte" ||
    not_ok "the user's own script unchanged"
out=$("$nd" rules show --config "$cf" 2>&1)
[[ $out == *'body :raw :contains ["Subject: Cheap watches from"]'* ]] &&
    [[ $out == *'not body :raw :contains ["@ndrsweep.test>", "by smtp.ndrsweep.test", "(smtp.ndrsweep.test "]'* ]] &&
    [[ $out == *"currentdate :value \"le\" \"date\""* ]] &&
    ok "rules show: the script as installed (the campaign's subject; the user's own Message-ID domain and relay excluded; a last day)" ||
    not_ok "rules show ($out)"
[ "$("$nd" rules list --config "$cf" | wc -l)" = 2 ] &&
    ok "rules list: one line a rule" || not_ok "rules list"

# ndrsweep not running: a fresh flood of the same campaigns, other tails
flood "Cheap watches from Geneva" 10
flood "Replica handbags from Milan" 10
[ "$(dc_count "$Q")" -ge 19 ] &&
    ok "the fresh flood filed by the server itself ($(dc_count "$Q") of 20)" ||
    not_ok "the fresh flood filed by the server itself ($(dc_count "$Q") of 20)"
# a bounce of the user's own mail with the campaign's very subject
sed -e 's/^Message-Id: <spam-1@/Message-Id: <sent-2@/' \
    -e 's/^Message-Id: <b1@/Message-Id: <legit2@/' \
    -e 's/^Subject: Cheap watches/Subject: Cheap watches from Geneva, the ones we talked about/' \
    "$mail/bounce1.eml" >"$DC_DIR/legit2.eml"
# ordinary mail with it too, and lunch plans for the user's rule
sed -e 's/^Subject: .*/Subject: Cheap watches from Geneva/' \
    -e 's/^Message-Id: <lunch@/Message-Id: <ord2@/' "$mail/ordinary1.eml" >"$DC_DIR/ord2.eml"
sed -e 's/^Subject: .*/Subject: lunch on Friday?/' \
    -e 's/^Message-Id: <lunch@/Message-Id: <lunch3@/' "$mail/ordinary1.eml" >"$DC_DIR/lunch3.eml"
before=$(dc_count "$Q")
deliver "$DC_DIR/legit2.eml" "$DC_DIR/ord2.eml" "$DC_DIR/lunch3.eml"
[ "$(dc_count "$Q")" = "$before" ] && [ "$(dc_count INBOX)" = 26 ] &&
    ok "a bounce of the user's own mail and ordinary mail with the campaign's subject are not filed" ||
    not_ok "own bounce and ordinary mail not filed (quarantine $(dc_count "$Q"), INBOX $(dc_count INBOX))"
# the user's relay as a bot's HELO is no relay of hers (the engine calls
# it forged): filed; an original that passed her relay (stamped "by"
# it), under a Message-ID of no form of hers: not filed
orig_rcv() {	# FILE MID RECEIVED: bounce1 with this original
	sed -e "s/^Message-Id: <b1@/Message-Id: <$(basename "$1" .eml)@/" \
	    -e "s/^Message-Id: <spam-1@ndrsweep.test>/Message-Id: <$2>/" \
	    -e "s/^From: alice@ndrsweep.test/Received: $3\nFrom: alice@ndrsweep.test/" \
	    -e "s/^Subject: Cheap watches/Subject: Cheap watches from Geneva 77/" \
	    "$mail/bounce1.eml" >"$1"
}
orig_rcv "$DC_DIR/helo2.eml" h2@bots.example \
    "from smtp.ndrsweep.test ([203.0.113.9]) by mx.far.example; Mon, 2 Mar 2026 09:00:01 +0100"
orig_rcv "$DC_DIR/relay2.eml" r2@laptop.elsewhere.example \
    "from laptop (laptop.home [192.168.1.2]) by smtp.ndrsweep.test; Mon, 2 Mar 2026 09:00:01 +0100"
inbox=$(dc_count INBOX)
deliver "$DC_DIR/helo2.eml" "$DC_DIR/relay2.eml"
[ "$(dc_count "$Q")" = $((before + 1)) ] && [ "$(dc_count INBOX)" = $((inbox + 1)) ] &&
    doveadm -c "$DC_DIR/dovecot.conf" fetch -u "$DC_USER" hdr.message-id mailbox INBOX | grep -q "relay2@" &&
    ok "the relay's name as a bot's HELO filed; a bounce of mail that passed the relay not" ||
    not_ok "HELO filed, relay not (quarantine $(dc_count "$Q"), was $before; INBOX $(dc_count INBOX), was $inbox)"
[ "$(dc_count Lunch)" = 1 ] &&
    ok "the user's own rule still files what it filed" ||
    not_ok "the user's own rule still files what it filed ($(dc_count Lunch))"

out=$("$nd" rules remove --all --config "$cf" 2>&1)
rc=$?
listed=$(sc --list)
[ $rc = 0 ] && [[ $listed == *'"mine" ACTIVE'* ]] &&
    [[ $listed != *ndrsweep* ]] &&
    ok "rules remove --all: the user's script active again, ndrsweep's gone" ||
    not_ok "rules remove --all ($rc: $out; $listed)"
sc --download --remotesieve mine --localsieve "$DC_DIR/mine.got2" >/dev/null
cmp -s "$DC_DIR/mine.sieve" "$DC_DIR/mine.got2" &&
    ok "(the user's script still unchanged)" || not_ok "(the user's script still unchanged)"

# the interface: F on a campaign installs its rule, after asking
tm() { tmux -L "ndrsweep-rules-$$" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; dc_stop' EXIT
tm new-session -d -s ui -x 120 -y 30 \
    "env XDG_DATA_HOME=$XDG_DATA_HOME LANG=C.UTF-8 '$nd' --config '$cf'; sleep 60"
screen_has() { tm capture-pane -p -t ui | grep -qF -- "$1"; }
until_() { local i; for i in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; }
until_ screen_has "scanned at"
tm send-keys -t ui c; sleep 0.3
tm send-keys -t ui F; sleep 0.3
until_ screen_has "future backscatter into the quarantine? [y/N]" &&
    ok "F on a campaign asks before it installs a server rule" ||
    not_ok "F on a campaign asks ($(tm capture-pane -p -t ui | tail -2))"
tm send-keys -t ui y
until_ screen_has "t: rules for 1 campaign on the server; your script runs after them: mine" &&
    [[ $(sc --list) == *'"ndrsweep" ACTIVE'* ]] &&
    ok "y: the rule installed, and the interface says so" ||
    not_ok "y: the rule installed ($(tm capture-pane -p -t ui | tail -2))"
tm send-keys -t ui x
tm kill-server 2>/dev/null
"$nd" rules remove --all --config "$cf" >/dev/null 2>&1

# a server whose Sieve has no include: refused, the script printed
sed -i 's|^  sieve = file:~/sieve;active=~/.dovecot.sieve|&\n  sieve_extensions = -include|' "$DC_DIR/dovecot.conf"
doveadm -c "$DC_DIR/dovecot.conf" reload
sleep 0.5
"$nd" rules add --all --config "$cf" >"$DC_DIR/out" 2>"$DC_DIR/err"
rc=$?
listed=$(sc --list)
[ $rc = 1 ] && grep -q "your active script 'mine' cannot be kept beside ndrsweep's without the include extension" "$DC_DIR/err" &&
    [ "$(wc -l <"$DC_DIR/err")" = 1 ] &&
    ok "no include extension: refused in one line (exit 1)" ||
    not_ok "no include extension: refused ($rc: $(cat "$DC_DIR/err"))"
grep -q '^    fileinto :create "Quarantine/Backscatter";' "$DC_DIR/out" &&
    ok "(the script printed, to add by hand)" || not_ok "(the script printed)"
[[ $listed == *'"mine" ACTIVE'* ]] && [[ $listed != *ndrsweep* ]] &&
    ok "(nothing of ndrsweep's left on the server; the user's script still active)" ||
    not_ok "(nothing left on the server: $listed)"
out=$("$nd" rules add --config "$cf" 2>&1)
[ $? = 64 ] && [[ $out == *"rules add takes campaign numbers or --all"* ]] &&
    ok "rules add without campaigns: exit 64 and why" || not_ok "rules add without campaigns ($out)"

# STARTTLS, verified as IMAP's is: the run's CA trusted, another refused
cft=$DC_DIR/config-tls
dc_config "$cft" t "port=$DC_PORT" tls=starttls "ca_file=$DC_CA" \
    "quarantine=$Q" "sieve_port=$DC_SIEVE_PORT"
out=$("$nd" rules show --config "$cft" 2>&1)
[ $? = 1 ] && [ "$out" = "ndrsweep: t: no rules on the server" ] &&
    ok "ManageSieve over STARTTLS, the certificate verified against ca_file, logged in" ||
    not_ok "ManageSieve over STARTTLS ($out)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=other CA" \
    -keyout "$DC_DIR/other.key" -out "$DC_DIR/other.crt" 2>/dev/null
sed -i "s|^ca_file = .*|ca_file = $DC_DIR/other.crt|" "$cft"
out=$("$nd" rules show --config "$cft" 2>&1)
rc=$?
[ $rc = 2 ] && [[ $out == "ndrsweep: ManageSieve at 127.0.0.1:$DC_SIEVE_PORT: certificate for 127.0.0.1 not trusted: "* ]] &&
    ok "a certificate ca_file does not vouch for: refused before the password, exit 2" ||
    not_ok "an untrusted certificate refused ($rc: $out)"
