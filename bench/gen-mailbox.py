#!/usr/bin/env python3
"""gen-mailbox.py - a realistic mailbox for bench/scan.sh, written straight
into a Maildir (Dovecot indexes it on first access).

usage: gen-mailbox.py MAILDIR COUNT CORPUS_DIR [FOLDER]

About 5% of the messages are bounces of many formats (the Sisimai corpus),
the rest ordinary mail and spam (the SpamAssassin corpus); every copy gets
its own Message-ID so no two messages are the same.
"""
import os, random, sys, time

def messages(path):
    out = []
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        if os.path.isfile(p):
            with open(p, 'rb') as f:
                out.append(f.read())
    return out

def main():
    maildir, count, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    folder = sys.argv[4] if len(sys.argv) > 4 else ''
    rnd = random.Random(42)
    bounces = messages(os.path.join(corpus, 'sisimai/maildir/bsd'))
    ordinary = messages(os.path.join(corpus, 'spamassassin/easy_ham')) + \
        messages(os.path.join(corpus, 'spamassassin/spam_2'))
    base = os.path.join(maildir, '.' + folder if folder else '')
    for d in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    now = int(time.time())
    for i in range(count):
        src = rnd.choice(bounces) if rnd.random() < 0.05 else rnd.choice(ordinary)
        if src.startswith(b'From '):
            src = src.split(b'\n', 1)[1]
        msg = b'Message-ID: <gen-%d-%d@bench.ndrsweep.test>\n' % (i, now) + src
        name = '%d.M%dP%d.bench,S=%d:2,S' % (now, i, os.getpid(), len(msg))
        with open(os.path.join(base, 'cur', name), 'wb') as f:
            f.write(msg)

main()
