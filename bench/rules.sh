#!/bin/bash
# bench/rules.sh - Sieve rules on a flood from the generator this project
# was not tuned on (bench/gen-floods.py): the first half of each spam run
# (by date) and of the other mail delivered over LMTP, scanned, a rule
# installed for each campaign (`ndrsweep rules add --all`); then the
# second halves (a fresh flood from the same campaigns, as the issue
# says) delivered over LMTP with ndrsweep not running, and what the
# server itself filed into the quarantine counted by class and by run.
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
# the first half of each run (by date) first, its second half after the
# rules are in: "a fresh flood from the same campaigns"; the other mail
# split by date
python3 - "$DC_DIR/gen/cur" "$DC_DIR/labels.tsv" "$DC_DIR/first" "$DC_DIR/second" <<'PY'
import os, sys
d, labels = sys.argv[1], {}
for line in open(sys.argv[2]):
    p = line.rstrip('\n').split('\t')
    labels[p[0].strip()] = (p[1], p[2] if len(p) > 2 else '')
groups = {}
for name in os.listdir(d):
    mid = None
    with open(os.path.join(d, name), 'rb') as f:
        for h in f.read().split(b'\n\n', 1)[0].decode('utf-8', 'replace').splitlines():
            if h.lower().startswith('message-id:'):
                mid = h.split(':', 1)[1].strip()
                break
    cls, run = labels.get(mid, ('other', ''))
    key = 'run ' + run if cls == 'backscatter' else 'rest'
    groups.setdefault(key, []).append(name)
first, second = [], []
for names in groups.values():
    names.sort(key=lambda n: (int(n.split('.')[0]), n))
    first += names[:len(names) // 2]
    second += names[len(names) // 2:]
for path, names in ((sys.argv[3], first), (sys.argv[4], second)):
    with open(path, 'w') as f:
        for n in sorted(names, key=lambda n: (int(n.split('.')[0]), n)):
            f.write(os.path.join(d, n) + '\n')
PY
xargs python3 "$top/tests/lmtp.py" "$DC_LMTP_PORT" "$DC_USER" <"$DC_DIR/first"
"$top/ndrsweep" scan --config "$cf" >/dev/null
"$top/ndrsweep" rules add --all --config "$cf"
xargs python3 "$top/tests/lmtp.py" "$DC_LMTP_PORT" "$DC_USER" <"$DC_DIR/second"
# what the server filed, by Message-ID; what each message of the second
# half is (its label, and whether it carries its original)
doveadm -c "$DC_DIR/dovecot.conf" fetch -u "$DC_USER" hdr.message-id \
    mailbox Quarantine/Backscatter | sed -n 's/^hdr.message-id: *//p' >"$DC_DIR/filed"
xargs "$top/ndrsweep" classify --json <"$DC_DIR/second" >"$DC_DIR/second.json"
"$top/ndrsweep" rules show --config "$cf" >"$DC_DIR/script" 2>/dev/null || true
python3 - "$DC_DIR/labels.tsv" "$DC_DIR/second.json" "$DC_DIR/filed" "$DC_DIR/script" <<'PY'
import json, os, re, sys
labels, runs = {}, {}
for line in open(sys.argv[1]):
    p = line.rstrip('\n').split('\t')
    labels[p[0].strip()] = p[1]
    runs[p[0].strip()] = p[2] if len(p) > 2 else ''
filed = set(l.strip().lower() for l in open(sys.argv[3]) if l.strip())
# what the rules refuse to take (the user's own mail): the script's
# first "not body :raw :contains [...]"
script = open(sys.argv[4]).read()
m = re.search(r'not body :raw :contains \[([^]]*)\]', script)
own = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)) if m else []
per_run = {}
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
        if has:
            raw = open(j['file'], 'rb').read().decode('utf-8', 'replace')
            r = per_run.setdefault(runs.get(mid, '?'), [0, 0, 0])
            r[0] += 1
            r[1] += mid.lower() in filed
            r[2] += any(o in raw for o in own)
            if os.environ.get('RULES_DEBUG') and mid.lower() not in filed and not any(o in raw for o in own):
                sub = re.findall(r'\nSubject: (.*)', raw)
                links = re.findall(r'http://([^/\s]+)', raw)
                print('missed run %s: %s %s' % (runs.get(mid), sub[-1:], links[:2]))
    tot, got = n.get(cls, (0, 0))
    n[cls] = (tot + 1, got + (mid is not None and mid.lower() in filed))
if os.environ.get('RULES_DEBUG'):
    print(script)
for c in ('backscatter with original', 'backscatter, empty', 'legit', 'other'):
    tot, got = n.get(c, (0, 0))
    print('%s: %d of %d filed (%.1f%%)' % (c, got, tot, 100.0 * got / tot if tot else 0))
print('by run (second half, with original): run, reports, filed, naming the user\'s own mail (never filed)')
for run in sorted(per_run, key=lambda r: -per_run[r][0]):
    a, b, c = per_run[run]
    print('  run %s: %d, %d filed, %d own' % (run, a, b, c))
t, g = n.get('backscatter with original', (0, 0))
l = n.get('legit', (0, 0))[1]
o = n.get('other', (0, 0))[1]
print('targets: with original %.1f%% (>= 95: %s), legit filed %d (0: %s), other filed %d (0: %s)' % (
    100.0 * g / t if t else 0, 'met' if t and g * 100 >= 95 * t else 'MISSED',
    l, 'met' if l == 0 else 'MISSED', o, 'met' if o == 0 else 'MISSED'))
PY
