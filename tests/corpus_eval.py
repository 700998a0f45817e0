#!/usr/bin/env python3
"""corpus_eval.py - the engine measured on ../shared/corpus against what the
corpus says is right (issue 19's figures).

usage: corpus_eval.py [-v] [--split all|dev|holdout] [--input FILE]
                      CORPUS_DIR [NDRSWEEP]

Without --input it runs `NDRSWEEP classify --json` (default ./ndrsweep)
over every corpus file; with --input it reads JSON Lines made elsewhere in
the same shape (file, kind, recipients[].address/status/reason): that is
how bench/engine.sh measures Sisimai with the very same rules.

The split: a file is held out when the first byte of the SHA-1 of its
name (without folder) is below 64, a quarter of each collection; `dev`
is the rest. The rules were developed looking at `dev` failures only.

Printed, one figure a line, "LABEL: N/M UNIT (P%)":
  sisimai: kind, status, reason   over the rows of expected.tsv, the Nth
                                  recipient against the row of rcpt_index
                                  N; an empty status wants none; the kind a
                                  row's reason implies. Status and reason
                                  over the labelled rows only: the 15 rows
                                  whose label_source is UNLABELED have no
                                  status or reason to compare with
  sisimai/not                     the non-bounces other, the bug file a
                                  bounce (mailboxfull)
  bounceparser: kind              every labelled file
  bounceparser: rcpts             the rows with an address set: the same
                                  set (a|b: either address)
  easy_ham                        only the three real DSNs are reports
  spam_2: reports                 spam read as a bounce/delay (a figure)
"""
import hashlib
import json
import os
import re
import subprocess
import sys


def held_out(name):
    return hashlib.sha1(os.path.basename(name).encode()).digest()[0] < 64


def in_split(name, split):
    if split == 'all':
        return True
    return held_out(name) == (split == 'holdout')


def run_tool(tool, files):
    """classify --json over files; {path: [report, ...]} in file order"""
    out = {}
    for i in range(0, len(files), 400):
        chunk = files[i:i + 400]
        p = subprocess.run([tool, 'classify', '--json'] + chunk,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for line in p.stdout.decode('utf-8', 'replace').splitlines():
            try:
                j = json.loads(line)
            except ValueError:
                out.setdefault('__invalid__', []).append(line)
                continue
            out.setdefault(base_name(j.get('file')), []).append(j)
    return out


def base_name(f):
    """an mbox's messages are "FILE:N": their file"""
    m = re.match(r'^(.*):[0-9]+$', f or '')
    return m.group(1) if m and not os.path.exists(f) else f


def read_input(path):
    out = {}
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            j = json.loads(line)
            out.setdefault(j.get('file'), []).append(j)
    return out


def merged(reports):
    """an mbox's reports as one: the first kind, every recipient"""
    if not reports:
        return {'kind': 'other', 'recipients': []}
    r = dict(reports[0])
    r['recipients'] = [x for rep in reports for x in rep.get('recipients', [])]
    return r


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def line(label, a, b, unit):
    print('%s: %d/%d %s (%.1f%%)' % (label, a, b, unit, pct(a, b)))


def implied_kind(reason):
    return {'vacation': 'autoreply', 'feedback': 'feedback',
            'delivered': 'delivered'}.get(reason, 'bounce')


def family_kind(name):
    """an unlabelled row's kind, from its file's family"""
    return 'feedback' if name.startswith('arf-') else \
        'autoreply' if name.startswith('rfc3834-') else 'bounce'


def kind_ok(got, want):
    if want == 'bounce':
        return got in ('bounce', 'delay')
    return got == want


# Sisimai's pseudo status codes (X.0.9NN), by reason: Sisimai writes one
# when a report gives no status, from the reason it read
PSEUDO = {
    'onhold': '901', 'syntaxerror': '902', 'norelaying': '909',
    'filtered': '910', 'userunknown': '911', 'hostunknown': '912',
    'hasmoved': '916', 'rejected': '918', 'suspend': '921',
    'mailboxfull': '922', 'exceedlimit': '923', 'systemerror': '930',
    'systemfull': '931', 'notaccept': '932', 'mesgtoobig': '934',
    'mailererror': '939', 'networkerror': '944', 'toomanyconn': '945',
    'speeding': '946', 'expired': '947', 'contenterror': '960',
    'securityerror': '970', 'blocked': '971', 'virusdetected': '971',
    'policyviolation': '972', 'undefined': '900'}


def disputed_status(row, rows, kind):
    """why a row's status label contradicts itself or the message, or
    None: a pseudo code of another reason than the row's own; a permanent
    (5.x.x) code for a report that is a delay warning by its own fields or
    words (read here as ndrsweep's kind 'delay'); two rows for one
    recipient with different statuses"""
    st, reason = row['status'], row['reason']
    named = {r for r, code in PSEUDO.items() if code == st[4:]}
    if re.match(r'^[45]\.0\.9\d\d$', st) and named and reason not in named:
        return 'pseudo code of another reason'
    if st.startswith('5') and kind == 'delay':
        return 'permanent code for a delay warning'
    if sum(1 for r in rows if r['file'] == row['file'] and
           r['rcpt_index'] == row['rcpt_index']) > 1:
        return 'two labels for one recipient'
    return None


def tsv(path):
    with open(path, encoding='utf-8') as f:
        rows = [l.rstrip('\n').split('\t') for l in f]
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:] if r and r[0]]


def sisimai(corpus, get, split, verbose):
    base = os.path.join(corpus, 'sisimai', 'maildir', 'bsd')
    rows = [r for r in tsv(os.path.join(corpus, 'sisimai', 'expected.tsv'))
            if in_split(r['file'], split)]
    got = get([os.path.join(base, f) for f in
               sorted({r['file'] for r in rows})])
    k = s = re_ = 0
    disputed = {}
    # UNLABELED rows (label_source) have no status or reason to compare
    # with: their kind is their family's, and they count for kind only
    labelled = [r for r in rows if r.get('label_source') != 'UNLABELED']
    for r in rows:
        rep = merged(got.get(os.path.join(base, r['file'])))
        idx = int(r['rcpt_index'] or 1)
        rc = rep['recipients'][idx - 1] if idx <= len(rep['recipients']) \
            else None
        want_kind = implied_kind(r['reason']) if r['reason'] else \
            family_kind(r['file'])
        if kind_ok(rep.get('kind'), want_kind):
            k += 1
        elif verbose:
            print('  kind %s: %s want %s' % (r['file'], rep.get('kind'),
                                             want_kind))
        if r.get('label_source') == 'UNLABELED':
            continue
        st = (rc or {}).get('status') or ''
        if st == r['status']:
            s += 1
        else:
            why = disputed_status(r, rows, rep.get('kind'))
            if why:
                disputed[why] = disputed.get(why, 0) + 1
            if verbose:
                print('  status %s#%d: %s want %s%s' % (
                    r['file'], idx, st or '-', r['status'] or '-',
                    ' (%s)' % why if why else ''))
        rs = (rc or {}).get('reason') or ''
        if rs == r['reason'] and rs:
            re_ += 1
        elif verbose:
            print('  reason %s#%d: %s want %s [%s]' % (
                r['file'], idx, rs or '-', r['reason'] or '-',
                ((rc or {}).get('diagnostic') or '')[:160]))
    n = len(rows)
    line('sisimai: kind', k, n, 'rows')
    line('sisimai: status', s, len(labelled), 'labelled rows')
    # not scored otherwise: a reader sees how many misses are labels that
    # contradict themselves or the message
    print('sisimai: status misses whose label contradicts itself: %d (%s)' %
          (sum(disputed.values()), ', '.join(
              '%s %d' % kv for kv in sorted(disputed.items())) or 'none'))
    line('sisimai: reason', re_, len(labelled), 'labelled rows')
    # the other folder: two non-bounces and one real bounce
    base = os.path.join(corpus, 'sisimai', 'maildir', 'not')
    files = sorted(os.path.join(base, f) for f in os.listdir(base))
    got = get(files)
    ok = 0
    for f in files:
        rep = merged(got.get(f))
        want = ('bounce', 'mailboxfull') if 'rb-issue' in f else ('other',)
        rcs = rep['recipients']
        good = rep.get('kind') == want[0] and (
            len(want) == 1 or (rcs and rcs[0].get('reason') == want[1]))
        ok += bool(good)
        if not good and verbose:
            print('  not %s: %s %s' % (os.path.basename(f), rep.get('kind'),
                                       [x.get('reason') for x in rcs]))
    line('sisimai/not', ok, len(files), 'files')


def addr_set_ok(got, want):
    if want == '-':
        return not got
    alts = [set(a.lower() for a in w.split(',')) for w in want.split('|')]
    if len(alts) > 1:  # "a|b": one failed recipient, either reading
        return len(got) == 1 and any(got <= a for a in alts)
    return got == alts[0]


NOT_BOUNCE = ('other', 'feedback', 'autoreply')


def kinds_and_sets(label, rows, got, want_kind, same, verbose):
    """rows of (name, path, kind, addresses): the kind right (one of
    want_kind[kind]), and where addresses are given, the failed
    recipients' set right by same(have, addresses)"""
    k = a = na = 0
    for name, path, kind, addrs in rows:
        rep = merged(got.get(path))
        if rep.get('kind') in want_kind[kind]:
            k += 1
        elif verbose:
            print('  kind %s: %s want %s' % (name, rep.get('kind'), kind))
        if addrs:
            na += 1
            have = set((x.get('address') or '').lower()
                       for x in rep['recipients'] if x.get('address'))
            if same(have, addrs):
                a += 1
            elif verbose:
                print('  rcpts %s: %s want %s' % (name, sorted(have),
                                                  addrs))
    line(label + ': kind', k, len(rows), 'files')
    line(label + ': rcpts', a, na, 'sets')


def bounceparser(corpus, get, split, verbose):
    base = os.path.join(corpus, 'bounceparser', 'messages')
    rows = [(r['file'], os.path.join(base, r['file']), r['kind'],
             r['addresses'])
            for r in tsv(os.path.join(corpus, 'bounceparser',
                                      'expected.tsv'))
            if in_split(r['file'], split)]
    got = get([path for _, path, _, _ in rows])
    kinds_and_sets('bounceparser', rows, got,
                   {'bounce': ('bounce',), 'delay': ('delay',),
                    'autoreply': ('autoreply',), 'notbounce': NOT_BOUNCE},
                   addr_set_ok, verbose)


FLUFL = '/usr/lib/python3/dist-packages/flufl/bounce'
# Where flufl.bounce's labels are a detector's, not the message's: flufl
# gives each detector the set it must find, and [] where that one detector
# must find nothing. The message's own truth, read by hand:
#   kind      bounce, delay (flufl's "temporary"), autoreply or notbounce
#   addresses the failed recipients, or None where the report names none
FLUFL_TRUTH = {
    # an Exim DSN for mail through a list: simplematch must not read it,
    # the DSN names the failed recipient
    'simple_42.txt': ('bounce', {'david...@gmail.com'}),
    # "could not be delivered ... not a valid user", no address named
    'simple_43.txt': ('bounce', None),
    # a human reply that once confused the GroupWise detector
    'groupwise_03.txt': ('notbounce', set()),
    # "Subject: Auto reply"
    'qmail_08.txt': ('autoreply', None),
    # "No address can be detected in these" (flufl's comment)
    'dumbass_01.txt': ('bounce', None),
    # not in flufl's list: a Jetmail "cannot be delivered" naming a bare
    # local part
    'bounce_01.txt': ('bounce', None),
}


def flufl_rows(base):
    """flufl.bounce's labels, read from its installed test helpers (the
    DATA table of (detector, file, addresses[, temporary])), as
    {file: (kind, addresses)}; the files FLUFL_TRUTH covers by hand"""
    import ast
    with open(os.path.join(base, 'testing', 'helpers.py'),
              encoding='utf-8') as f:
        src = f.read()
    table = ast.literal_eval(src[src.index('DATA = (') + 7:])
    rows = {}
    for d in table:
        want = set(a.decode().lower() for a in d[2])
        kind = 'delay' if len(d) > 3 and d[3] else 'bounce'
        have = rows.get(d[1])
        if have is None or (want and not have[1]):
            rows[d[1]] = (kind, want)
    for f in os.listdir(os.path.join(base, 'tests', 'data')):
        if f.endswith('.txt') and f not in rows and f not in FLUFL_TRUTH:
            raise SystemExit('flufl: %s has no label' % f)
    rows.update(FLUFL_TRUTH)
    return rows


def flufl(base, get, split, verbose):
    data = os.path.join(base, 'tests', 'data')
    rows = [(f, os.path.join(data, f), kind, addrs)
            for f, (kind, addrs) in sorted(flufl_rows(base).items())
            if in_split(f, split)]
    got = get([path for _, path, _, _ in rows])
    kinds_and_sets('flufl', rows, got,
                   {'bounce': ('bounce', 'delay'), 'delay': ('delay',),
                    'autoreply': ('autoreply',), 'notbounce': NOT_BOUNCE},
                   lambda have, want: have == want, verbose)


def folder(corpus, sub, get, split, verbose, dsns=()):
    base = os.path.join(corpus, 'spamassassin', sub)
    files = sorted(os.path.join(base, f) for f in os.listdir(base)
                   if in_split(f, split))
    got = get(files)
    reports = bad = 0
    for f in files:
        kind = merged(got.get(f)).get('kind')
        rep = kind in ('bounce', 'delay', 'feedback')
        want = any(os.path.basename(f).startswith(d) for d in dsns)
        reports += rep
        if rep != want and sub == 'easy_ham':
            bad += 1
            if verbose:
                print('  easy_ham %s: %s' % (os.path.basename(f), kind))
    if sub == 'easy_ham':
        line('easy_ham', len(files) - bad, len(files), 'files')
    else:
        line('spam_2: reports', reports, len(files), 'files')


def main(argv):
    verbose = False
    split = 'all'
    inp = None
    flufl_dir = FLUFL
    args = []
    i = 1
    while i < len(argv):
        if argv[i] == '-v':
            verbose = True
        elif argv[i] == '--split':
            i += 1
            split = argv[i]
        elif argv[i] == '--flufl':
            i += 1
            flufl_dir = argv[i]
        elif argv[i] == '--input':
            i += 1
            inp = argv[i]
        else:
            args.append(argv[i])
        i += 1
    if not args or not os.path.isdir(os.path.join(args[0], 'sisimai')):
        print('corpus not found: nothing measured')
        return 77
    corpus = args[0]
    tool = args[1] if len(args) > 1 else './ndrsweep'
    cache = read_input(inp) if inp else None
    invalid = []

    unfetched = set()

    def get(files):
        if cache is not None:
            return cache
        out = run_tool(tool, files)
        invalid.extend(out.pop('__invalid__', []))
        # a report whose header fields a scan's first look passes over is
        # one a scan never sees (ordinary mail aside: not a report)
        for f, reps in out.items():
            for j in reps:
                if j.get('candidate') is False and j.get('kind') in (
                        'bounce', 'delay', 'autoreply', 'feedback'):
                    unfetched.add(j.get('file'))
                    if verbose:
                        print('  no candidate %s: %s' % (j.get('file'),
                                                          j.get('kind')))
        return out
    sisimai(corpus, get, split, verbose)
    bounceparser(corpus, get, split, verbose)
    if os.path.isdir(os.path.join(flufl_dir, 'tests', 'data')):
        flufl(flufl_dir, get, split, verbose)
    if os.path.isdir(os.path.join(corpus, 'spamassassin')):
        folder(corpus, 'easy_ham', get, split, verbose,
               ('01436.', '01507.', '01542.'))
        folder(corpus, 'spam_2', get, split, verbose)
    print('invalid JSON lines: %d' % len(invalid))
    if cache is None:
        print('reports a scan would not fetch: %d' % len(unfetched))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
