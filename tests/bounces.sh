#!/bin/sh
# bounces.sh - the engine on the report shapes of issue 19, made by
# tests/gen-bounces.py (written from the issue's words, not from any
# corpus file): the failed address on the line after the failure sentence
# in twenty-three languages, lists of several, tables, X-Failed-Recipients with
# an empty address line, the address inside a sentence, HTML-only NDRs,
# reports about posts to a mailing list, gateways that rewrote the
# recipient, challenge-response, auto-replies in nine languages, ARF, and
# mail that only talks about failed deliveries. Each class, for two seeds,
# must read right every time: the kind, and the failed recipients in the
# order the report names them.
top=${top_srcdir:-.}
bin=${NDRSWEEP:-./ndrsweep}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 missing (apt-get install -y python3)"
	exit 0
fi
python3 "$top/tests/gen-bounces.py" "$tmp/1" 25 1
python3 "$top/tests/gen-bounces.py" "$tmp/2" 25 2
python3 - "$bin" "$tmp/1" "$tmp/2" <<'PY'
import collections, json, os, subprocess, sys
tool = sys.argv[1]
res = collections.OrderedDict()
wrong = collections.defaultdict(list)
for d in sys.argv[2:]:
    rows = [l.rstrip('\n').split('\t')
            for l in open(os.path.join(d, 'labels.tsv'))][1:]
    files = [os.path.join(d, r[0]) for r in rows]
    p = subprocess.run([tool, 'classify', '--json'] + files,
                       stdout=subprocess.PIPE)
    got = {}
    for line in p.stdout.decode('utf-8', 'replace').splitlines():
        j = json.loads(line)
        got[j['file']] = j
    for r in rows:
        j = got.get(os.path.join(d, r[0]), {})
        want = [] if r[3] == '-' else r[3].split(',')
        have = [x.get('address') for x in j.get('recipients', [])]
        ok = j.get('kind') == r[2] and (have == want or r[2] == 'other')
        n = res.setdefault(r[1], [0, 0])
        n[0] += ok
        n[1] += 1
        if not ok:
            wrong[r[1]].append('%s: %s %s, want %s %s' % (
                r[0], j.get('kind'), have, r[2], want))
print('1..%d' % len(res))
for i, (c, (a, b)) in enumerate(res.items(), 1):
    if a == b:
        print('ok %d - %s: %d/%d read right' % (i, c, a, b))
    else:
        print('not ok %d - %s: %d/%d read right' % (i, c, a, b))
        for w in wrong[c][:5]:
            print('# ' + w)
PY
