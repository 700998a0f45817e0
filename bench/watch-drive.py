#!/usr/bin/env python3
"""watch-drive.py - deliver a labelled mailbox's inbox over LMTP at a
steady rate while watching the quarantine folder over IMAP, and say how
long each report took from its delivery to the quarantine (bench/watch.sh).

usage: watch-drive.py MAILDIR LABELS.tsv LMTP_PORT IMAP_PORT USER PASSWORD
                      QUARANTINE RATE SECONDS WATCH_PID

Messages go in the order of their file names (gen-floods writes them in
date order), RATE a second, until SECONDS have passed or the mailbox is
all delivered; then up to 15 s more for the last to arrive. The
quarantine is polled every 0.1 s (new UIDs, their Message-ID). Prints
"key: value" lines: delivered per class, quarantined per class, the
delay from delivery to quarantine (p50, p95, max) of the backscatter
that was quarantined, watch's resident memory at the first and the last
tenth of the run.
"""
import email.parser
import imaplib
import os
import smtplib
import sys
import threading
import time


def rss_kib(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def message_id(raw):
    head = raw.split(b'\n\n', 1)[0].split(b'\r\n\r\n', 1)[0]
    msg = email.parser.BytesHeaderParser().parsebytes(head + b'\n\n')
    return (msg.get('Message-ID') or '').strip()


class Watcher(threading.Thread):
    """the quarantine polled: Message-ID -> when it was first seen"""

    def __init__(self, port, user, pw, folder):
        super().__init__(daemon=True)
        self.seen = {}
        self.stop = False
        self.login = (port, user, pw)
        self.folder = folder
        self.last = 0
        self.errors = 0
        self.connect()

    def connect(self):
        port, user, pw = self.login
        self.m = imaplib.IMAP4('127.0.0.1', port)
        self.m.login(user, pw)

    def poll(self):
        typ, _ = self.m.select('"%s"' % self.folder, readonly=True)
        if typ != 'OK':
            return
        typ, data = self.m.uid('SEARCH', 'UID %d:*' % (self.last + 1))
        uids = [int(u) for u in (data[0] or b'').split() if int(u) > self.last]
        if not uids:
            return
        now = time.time()
        typ, data = self.m.uid('FETCH', '%d:%d' % (min(uids), max(uids)),
                               '(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
        for part in data:
            if isinstance(part, tuple):
                mid = message_id(part[1])
                self.seen.setdefault(mid, now)
        self.last = max(uids)

    def run(self):
        while not self.stop:
            try:
                self.poll()
            except (imaplib.IMAP4.error, OSError, ValueError) as e:
                # a broken session is opened again, not polled dead
                self.errors += 1
                print('watcher: %s' % e, file=sys.stderr)
                try:
                    self.connect()
                except (imaplib.IMAP4.error, OSError):
                    pass
            time.sleep(0.1)


def pct(v, p):
    if not v:
        return float('nan')
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    (md, labels, lport, iport, user, pw, quar, rate, secs,
     wpid) = sys.argv[1:11]
    lport, iport, rate, secs, wpid = (int(lport), int(iport), float(rate),
                                      float(secs), int(wpid))
    cls = {}
    with open(labels) as f:
        for line in f:
            p = line.rstrip('\n').split('\t')
            cls[p[0]] = p[1]
    files = sorted(os.listdir(os.path.join(md, 'cur')))
    w = Watcher(iport, user, pw, quar)
    w.start()
    lm = smtplib.LMTP('127.0.0.1', lport)
    sent = {}
    start = time.time()
    rss = []
    for i, name in enumerate(files):
        due = start + i / rate
        if due - start > secs:
            break
        while time.time() < due:
            time.sleep(max(0.0, min(0.005, due - time.time())))
        with open(os.path.join(md, 'cur', name), 'rb') as f:
            raw = f.read()
        mid = message_id(raw)
        lm.sendmail('', [user], raw)
        sent[mid] = time.time()
        if i % int(rate * 10 or 1) == 0:
            rss.append(rss_kib(wpid))
    lm.quit()
    end = time.time()
    # the last ones: until all backscatter is in, or 15 s
    want = [m for m in sent if cls.get(m) == 'backscatter']
    while time.time() < end + 15 and any(m not in w.seen for m in want):
        time.sleep(0.2)
    w.stop = True
    w.join(2)
    rss.append(rss_kib(wpid))
    by = {}
    for m in sent:
        by.setdefault(cls.get(m, 'other'), []).append(m)
    print('seconds: %.1f' % (end - start))
    print('watcher errors: %d' % w.errors)
    print('rate: %.1f/s' % (len(sent) / (end - start)))
    for c in ('backscatter', 'legit', 'other'):
        got = [m for m in by.get(c, []) if m in w.seen]
        print('delivered %s: %d' % (c, len(by.get(c, []))))
        print('quarantined %s: %d' % (c, len(got)))
    d = [w.seen[m] - sent[m] for m in by.get('backscatter', [])
         if m in w.seen]
    print('delay p50: %.3f s' % pct(d, 50))
    print('delay p95: %.3f s' % pct(d, 95))
    print('delay max: %.3f s' % (max(d) if d else float('nan')))
    tenth = max(1, len(rss) // 10)
    first = max(rss[:tenth]) if rss else 0
    last = max(rss[-tenth:]) if rss else 0
    print('rss first tenth: %d KiB' % first)
    print('rss last tenth: %d KiB' % last)
    print('rss growth: %d KiB' % (last - first))


if __name__ == '__main__':
    main()
