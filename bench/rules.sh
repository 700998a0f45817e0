#!/bin/bash
# bench/rules.sh - Sieve rules on a flood from the generator this project
# was not tuned on (bench/gen-floods.py): the first half of the mailbox
# (by date) delivered over LMTP, scanned, a rule installed for each
# campaign (`ndrsweep rules add --all`); then the second half delivered
# over LMTP with ndrsweep not running, and what the server itself filed
# into the quarantine counted by class.
#
# usage: bench/rules.sh [SEED] [SCALE]
#
# Targets (issue 22): >= 95% of the second half's backscatter reports
# that carry their original filed; 0 legitimate bounces and 0 other
# messages filed; empty NDRs (no original): a figure.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
seed=${1:-1}
scale=${2:-0.2}
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
[ -x /usr/lib/dovecot/managesieve ] && [ -x /usr/lib/dovecot/lmtp ] ||
	{ echo "bench: apt-get install -y dovecot-lmtpd dovecot-sieve dovecot-managesieved" >&2; exit 1; }
. "$top/tests/dovecot.inc.sh"
dc_start
export XDG_DATA_HOME=$DC_DIR/data
python3 "$top/bench/gen-floods.py" "$DC_DIR/gen" "$seed" "$scale" >"$DC_DIR/labels.tsv"
md=$DC_DIR/mail/$DC_USER/Maildir
mkdir -p "$md/cur" "$md/new" "$md/tmp" "$md/.Sent"
cp -r "$DC_DIR/gen/.Sent/." "$md/.Sent/"
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
cf=$DC_DIR/config
dc_config "$cf" bench "port=$DC_PORT" tls=none folders=INBOX sent=Sent \
    addresses=bob@victim.example own_relays=smtp.victim.example \
    max_actions=1000000 "sieve_port=$DC_SIEVE_PORT" rule_quiet_days=3650
ls "$DC_DIR/gen/cur" | sort >"$DC_DIR/all"
half=$(( $(wc -l <"$DC_DIR/all") / 2 ))
head -n "$half" "$DC_DIR/all" | sed "s|^|$DC_DIR/gen/cur/|" >"$DC_DIR/first"
tail -n +"$((half + 1))" "$DC_DIR/all" | sed "s|^|$DC_DIR/gen/cur/|" >"$DC_DIR/second"
xargs python3 "$top/tests/lmtp.py" "$DC_LMTP_PORT" "$DC_USER" <"$DC_DIR/first"
"$top/ndrsweep" scan --config "$cf" >/dev/null
"$top/ndrsweep" rules add --all --config "$cf"
xargs python3 "$top/tests/lmtp.py" "$DC_LMTP_PORT" "$DC_USER" <"$DC_DIR/second"
# what the server filed, by Message-ID; what each message of the second
# half is (its label, and whether it carries its original)
doveadm -c "$DC_DIR/dovecot.conf" fetch -u "$DC_USER" hdr.message-id \
    mailbox Quarantine/Backscatter | sed -n 's/^hdr.message-id: *//p' >"$DC_DIR/filed"
xargs "$top/ndrsweep" classify --json <"$DC_DIR/second" >"$DC_DIR/second.json"
python3 - "$DC_DIR/labels.tsv" "$DC_DIR/second.json" "$DC_DIR/filed" <<'PY'
import json, sys
labels = {}
for line in open(sys.argv[1]):
    p = line.rstrip('\n').split('\t')
    labels[p[0].strip()] = p[1]
filed = set(l.strip().lower() for l in open(sys.argv[3]) if l.strip())
n = {}
for line in open(sys.argv[2]):
    j = json.loads(line)
    mid = None
    with open(j['file'], 'rb') as f:
        for h in f.read().split(b'\n\n', 1)[0].decode('utf-8', 'replace').splitlines():
            if h.lower().startswith('message-id:'):
                mid = h.split(':', 1)[1].strip()
                break
    cls = labels.get(mid, 'other')
    if cls == 'backscatter':
        has = (j.get('original') or {}).get('form', 'none') != 'none'
        cls = 'backscatter with original' if has else 'backscatter, empty'
    tot, got = n.get(cls, (0, 0))
    n[cls] = (tot + 1, got + (mid is not None and mid.lower() in filed))
for c in ('backscatter with original', 'backscatter, empty', 'legit', 'other'):
    tot, got = n.get(c, (0, 0))
    print('%s: %d of %d filed (%.1f%%)' % (c, got, tot, 100.0 * got / tot if tot else 0))
t, g = n.get('backscatter with original', (0, 0))
l = n.get('legit', (0, 0))[1]
o = n.get('other', (0, 0))[1]
print('targets: with original %.1f%% (>= 95: %s), legit filed %d (0: %s), other filed %d (0: %s)' % (
    100.0 * g / t if t else 0, 'met' if t and g * 100 >= 95 * t else 'MISSED',
    l, 'met' if l == 0 else 'MISSED', o, 'met' if o == 0 else 'MISSED'))
PY
