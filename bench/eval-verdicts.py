#!/usr/bin/env python3
"""eval-verdicts.py - compare `ndrsweep report --messages` with the labels
gen-verdicts.py wrote.

usage: eval-verdicts.py LABELS.tsv MESSAGES.jsonl NAME

Prints one line of figures; exits 1 when a target is missed: a legitimate
report judged backscatter, under 99% of backscatter judged so, 1% or more
of the reports unsure, or an adjusted Rand index of the campaigns under 0.95
over the backscatter that carries something of its original (an empty NDR
names nothing to group it by: it is judged by its recipient and left out of
campaigns; the index over all backscatter, each empty NDR alone, is printed
too).

Also printed: the share of backscatter that `clean` with the default
configuration would quarantine (verdict backscatter at a score of 0.9 or
more; empty NDRs apart), of legitimate reports it would move, the number
of campaigns of two or more reports, true and found, and a reliability
table: for each tenth of the score, how many reports and how many of them
are truly backscatter (a calibrated score: about 0.9 of those at 0.9).
With CLEAN_TARGET=1 the clean share (>= 97%, legit moved 0) and the count
of campaigns (within 20% of the true one) are targets too.
"""
import os
import json, sys
from collections import Counter
from math import comb


def ari(truth, pred):
    n = len(truth)
    if n < 2:
        return 1.0
    pairs = Counter(zip(truth, pred))
    a = Counter(truth)
    b = Counter(pred)
    index = sum(comb(v, 2) for v in pairs.values())
    sa = sum(comb(v, 2) for v in a.values())
    sb = sum(comb(v, 2) for v in b.values())
    expected = sa * sb / comb(n, 2)
    top = (sa + sb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def main():
    labels = {}
    for line in open(sys.argv[1]):
        mid, cls, camp = line.rstrip('\n').split('\t')
        labels[mid] = (cls, camp)
    seen = {}
    for line in open(sys.argv[2]):
        m = json.loads(line)
        if m.get('verdict'):
            seen[m['message_id']] = m
    name = sys.argv[3]
    judged = Counter()
    missing = 0
    truth, pred = [], []        # the reports that carry their original
    truth_all, pred_all = [], []
    for mid, (cls, camp) in labels.items():
        if cls == 'other':
            continue
        m = seen.get(mid)
        if m is None:
            missing += 1
            judged[(cls, 'not judged')] += 1
            continue
        judged[(cls, m['verdict'])] += 1
        if cls == 'backscatter':
            empty = m['kind'] != 'autoreply' and \
                m['original']['form'] == 'none'
            truth_all.append(camp)
            pred_all.append(m['campaign'] if m['campaign'] is not None
                            else 'lone-' + mid)
            if not empty:
                truth.append(camp)
                pred.append(pred_all[-1])
    legit = sum(v for (c, _), v in judged.items() if c == 'legit')
    bs = sum(v for (c, _), v in judged.items() if c == 'backscatter')
    total = legit + bs
    legit_as_bs = judged[('legit', 'backscatter')]
    bs_ok = judged[('backscatter', 'backscatter')]
    unsure = judged[('legit', 'unsure')] + judged[('backscatter', 'unsure')]
    r = ari(truth, pred)
    r_all = ari(truth_all, pred_all)
    recall = bs_ok / bs if bs else 1.0
    print('%s: %d reports (%d legit, %d backscatter, %d not judged): legit '
          'judged backscatter %d (target 0); legit judged legit %d; '
          'backscatter judged so %.2f%% (target >= 99); unsure %.2f%% '
          '(target < 1); campaigns: ARI %.4f over the %d that carry their '
          'original (target >= 0.95), %.4f over all %d with empty NDRs '
          'alone; %d true, %d found' % (
              name, total, legit, bs, missing, legit_as_bs,
              judged[('legit', 'legit')], 100 * recall,
              100 * unsure / total if total else 0, r, len(truth), r_all,
              len(truth_all), len(set(truth)),
              len(set(p for p in pred if not str(p).startswith('lone-')))))
    # what clean would take, and the calibration of the scores
    moved = Counter()
    bins = [[0, 0] for _ in range(10)]
    for mid, (cls, camp) in labels.items():
        m = seen.get(mid)
        if cls == 'other' or m is None:
            continue
        empty = m['kind'] != 'autoreply' and m['original']['form'] == 'none'
        key = (cls, 'empty' if empty else 'carries')
        moved[key + ('all',)] += 1
        if m['verdict'] == 'backscatter' and m['score'] >= 0.9:
            moved[key + ('moved',)] += 1
        b = min(9, int(m['score'] * 10))
        bins[b][0] += 1
        bins[b][1] += cls == 'backscatter'

    def share(cls, what=None):
        keys = [k for k in ('empty', 'carries') if what in (None, k)]
        a = sum(moved[(cls, k, 'moved')] for k in keys)
        n = sum(moved[(cls, k, 'all')] for k in keys)
        return a, n
    bm, bn = share('backscatter')
    em, en = share('backscatter', 'empty')
    lm, _ = share('legit')
    true_c = Counter(truth)
    found_c = Counter(p for p in pred if not str(p).startswith('lone-'))
    true2 = sum(1 for v in true_c.values() if v >= 2)
    found2 = sum(1 for v in found_c.values() if v >= 2)
    # the two errors the count mixes: a found group that is not the
    # largest of its run's (a piece), a run of 2+ that no group of 2+ is
    # the largest of (not found)
    runs_of = {}
    for t, q in zip(truth, pred):
        if found_c[q] >= 2:
            runs_of.setdefault(q, Counter())[t] += 1
    major = {g: c.most_common(1)[0] for g, c in runs_of.items()}
    largest = {}
    for g, (run, n) in major.items():
        if n > largest.get(run, (0, None))[0]:
            largest[run] = (n, g)
    pieces = sum(1 for g, (run, _) in major.items() if largest[run][1] != g)
    missed = sum(1 for t, v in true_c.items() if v >= 2 and t not in largest)
    print('%s: clean quarantines %d/%d backscatter (%.2f%%; empty NDRs '
          '%d/%d), legit moved %d; campaigns of 2 or more: %d true, %d '
          'found (%d of them pieces of a run found larger; %d runs of 2 or '
          'more found as no group)' % (
              name, bm, bn, 100.0 * bm / bn if bn else 100, em, en, lm,
              true2, found2, pieces, missed))
    print('%s: reliability: %s' % (name, '  '.join(
        '%.1f-%.1f: %d/%d' % (i / 10, (i + 1) / 10, b[1], b[0])
        for i, b in enumerate(bins) if b[0])))
    ok = legit_as_bs == 0 and recall >= 0.99 and unsure < 0.01 * total \
        and r >= 0.95 and missing == 0
    if os.environ.get('CLEAN_TARGET'):
        ok = ok and lm == 0 and bn and bm >= 0.97 * bn and \
            abs(found2 - true2) <= 0.2 * true2
    sys.exit(0 if ok else 1)


main()
