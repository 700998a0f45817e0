#!/usr/bin/env python3
"""gen-floods.py - a second labelled mailbox, written apart from
gen-verdicts.py to disagree with it: where that one gives each spam run
its own words, links and times, this one makes runs share what real runs
share (issue 20).

usage: gen-floods.py MAILDIR SEED [SCALE] > LABELS.tsv

The user is bob@victim.example. Her desktop client sends through
smtp.victim.example; she also writes from webmail (webmail.host.example)
and from a phone (through the carrier's relay): those originals pass no
relay of hers. The mailbox holds, for SCALE 1:
  - Sent: 1,200 messages from the three clients, some to a mailing list,
    some with spam-like words and links (offers, invoices);
  - legitimate bounces of them (a quarter without their original, but
    those of mail to the list, which carry the post) and auto-replies;
    one bounce in eight quotes an original whose Message-ID is not the
    Sent copy's (a submission server that gives mail its own);
  - backscatter of 30 spam runs, sizes from a long tail (1 to 1,500),
    that share: subjects from one generic pool ("Re: your order #N",
    "Invoice", "Hello"), templates (two runs on one template, other
    words), link hosts on shorteners and free hosting, HELOs that name
    the victim's domain, random local parts at her domain as the forged
    sender, and botnets (one botnet carries several runs); each run
    bounces over its own days, runs overlapping;
  - empty NDRs (nothing of the original) making a fifth of the flood,
    in bursts from the MTAs that bounce the runs;
  - ordinary mail.
Each line of LABELS.tsv: the report's Message-ID, its class (legit,
backscatter, other) and for backscatter its run (an empty NDR's too).
"""
import os
import random
import sys
import time

R = None
ME = 'bob@victim.example'
DOM = 'victim.example'
DAY = 86400
T1 = 1775000000          # 2026-03-31
T0 = T1 - 45 * DAY
# the days over which the runs start (FLOODS_SPAN, default 38): a few for a
# one-night outbreak, where every run overlaps every other
SPAN = int(os.environ.get('FLOODS_SPAN', '38'))

GENERIC_SUBJECTS = ['Re: your order #{n}', 'Invoice {n}', 'Hello',
                    'Important notice', 'Re: payment', 'Your account',
                    'Fwd: document {n}', 'Re: Re: hi']
SHORTENERS = ['sh.rt.example', 'tiny.example', 'go2.example']
FREEHOSTS = ['sites.freehost.example', 'pages.webspace.example']
TEMPLATES = [
    'Dear customer, we are pleased to offer you {a} at a {b} price. '
    'Visit {link} to order before {c}. Best regards, {d}',
    'Hi, I found your profile and I think you will like {a}. It is {b} '
    'and it works {c}. See {link} now. {d}',
    'Your {a} is waiting. To claim your {b} reward click {link} within '
    '{c} hours. Sincerely, {d}',
]
FILL = ('watches pills loans software diplomas replicas casino crypto '
      'shares medication supplements dating').split()
ADJ = ('cheap discounted exclusive special limited unbelievable free '
       'premium').split()
WHEN = ('today tomorrow friday 24 48 72 soon').split()
SIGN = ('John Smith|The Team|Support|Anna|Customer Service|Sales Dept'
        ).split('|')
MTAS = ['mx%d.%s' % (i, d) for i in range(1, 4) for d in
        ('alpha.example', 'beta.example', 'gamma.example', 'delta.example',
         'epsilon.example', 'zeta.example')]
PEOPLE = ['ann@partner.example', 'carl@client.example', 'dora@uni.example',
          'ed@supplier.example', 'fay@agency.example', 'gus@far.example',
          'hal@partner.example', 'ivy@client.example']
LIST = 'hikers@lists.club.example'


def date(t):
    return time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(t))


def tok(n):
    return ''.join(R.choice('abcdefghjkmnpqrstuvwxyz23456789')
                   for _ in range(n))


class Box:
    def __init__(self, md):
        self.md, self.n = md, 0
        for f in ('', '.Sent'):
            for d in ('cur', 'new', 'tmp'):
                os.makedirs(os.path.join(md, f, d), exist_ok=True)

    def put(self, folder, text, t):
        self.n += 1
        data = text.encode('utf-8')
        name = '%d.F%d.floods,S=%d:2,S' % (t, self.n, len(data))
        with open(os.path.join(self.md, folder, 'cur', name), 'wb') as f:
            f.write(data)


def original(o):
    """the header block and body of an original"""
    h = ''.join('Received: %s\n' % r for r in o['received'])
    h += ('From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n'
          'Content-Type: text/plain; charset=utf-8\n' %
          (o['from'], o['to'], o['subject'], date(o['t']), o['mid']))
    return h, o['body']


def ndr(o, rcpt, t, mta, form, to):
    """a bounce of o in one of four shapes; form: full, headers, none"""
    b = 'B%s' % tok(10)
    mid = '%s@%s' % (tok(14), mta)
    head = ('Return-Path: <>\nReceived: from %s by mx.%s; %s\nFrom: Mail '
            'Delivery System <MAILER-DAEMON@%s>\nTo: %s\nSubject: %s\n'
            'Date: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n' %
            (mta, DOM, date(t), mta, to, R.choice([
                'Undelivered Mail Returned to Sender',
                'Delivery Status Notification (Failure)',
                'Mail delivery failed: returning message to sender',
                'Returned mail: see transcript for details',
                'Undeliverable: ' + o['subject']]), date(t), mid))
    why = R.choice(['550 5.1.1 <%s>: Recipient address rejected: User '
                    'unknown' % rcpt, '550 5.1.1 user unknown',
                    '552 5.2.2 mailbox over quota',
                    '554 5.7.1 rejected by content filter'])
    text = ('This is the mail system at host %s.\n\nI\'m sorry to have to '
            'inform you that your message could not be delivered to one '
            'or more recipients.\n\n<%s>: host %s said: %s\n' %
            (mta, rcpt, 'in.' + rcpt.split('@')[1], why))
    dsn = ('Reporting-MTA: dns; %s\n\nFinal-Recipient: rfc822; %s\nAction: '
           'failed\nStatus: %s\nDiagnostic-Code: smtp; %s\n' %
           (mta, rcpt, why.split()[1] if '.' in why.split()[1] else '5.0.0',
            why))
    body = ('--%s\nContent-Type: text/plain\n\n%s\n--%s\nContent-Type: '
            'message/delivery-status\n\n%s\n' % (b, text, b, dsn))
    oh, ob = original(o)
    if form == 'full':
        body += '--%s\nContent-Type: message/rfc822\n\n%s\n%s\n' % (b, oh, ob)
    elif form == 'headers':
        body += '--%s\nContent-Type: text/rfc822-headers\n\n%s\n' % (b, oh)
    body += '--%s--\n' % b
    head += ('Content-Type: multipart/report; report-type=delivery-status; '
             'boundary="%s"\n' % b)
    return head + '\n' + body, mid


class Run:
    """one spam run: its botnet, template, subjects, links and days"""

    def __init__(self, n, size, botnet, template, words, subjects, links):
        self.n, self.size = n, size
        self.botnet, self.template = botnet, template
        self.words, self.subjects, self.links = words, subjects, links
        self.start = T0 + R.randint(0, SPAN * DAY)
        self.days = R.choice([1, 2, 3, 5])
        self.mtas = R.sample(MTAS, R.randint(2, 6))

    def spam(self):
        t = self.start + R.randint(0, self.days * DAY)
        helo, ip = R.choice(self.botnet)
        sender = R.choice([ME, '%s@%s' % (tok(8), DOM)])
        rcpt = '%s%d@%s' % (R.choice(['info', 'sales', 'j.doe', 'anna',
                                      'mike', 'office']), R.randint(1, 999),
                            R.choice(['corp-a.example', 'corp-b.example',
                                      'isp-c.example', 'mail-d.example']))
        link = 'http://%s/%s' % (R.choice(self.links), tok(6))
        w = self.words
        body = self.template.format(a=R.choice(w[0]), b=R.choice(w[1]),
                                    c=R.choice(WHEN), d=R.choice(SIGN),
                                    link=link) + '\n'
        subj = R.choice(self.subjects).format(n=R.randint(1000, 99999))
        return {'from': sender, 'to': rcpt, 'subject': subj, 't': t,
                'mid': '%s@%s' % (tok(16), helo), 'body': body,
                'received': ['from %s ([%s]) by %s; %s' %
                             (helo, ip, R.choice(self.mtas), date(t))],
                'rcpt': rcpt, 'sender': sender}


def sent_message(i, box):
    client = R.choice(['desktop', 'desktop', 'webmail', 'phone'])
    t = T0 + R.randint(0, 44 * DAY)
    to = LIST if R.random() < 0.08 else R.choice(PEOPLE)
    spammy = R.random() < 0.2
    body = (R.choice(['Special offer: free shipping on all orders this '
                      'week, see http://shop.partner.example/deal',
                      'Invoice attached, please pay within 7 days: '
                      'http://billing.partner.example/i/%d' % i,
                      'Win a free trip! Our club raffle is on, tickets '
                      'at http://tiny.example/club'])
            if spammy else 'Hi, about the %s on %s: see you then.' %
            (R.choice(['meeting', 'hike', 'report', 'dinner']),
             R.choice(['Monday', 'Friday', 'the 3rd'])))
    mid = {'desktop': '%s@victim.example' % tok(12),
           'webmail': 'CA%s@mail.webmail.host.example' % tok(20),
           'phone': '%s-%s@victim.example' % (tok(8).upper(),
                                              tok(4).upper())}[client]
    relay = {'desktop': 'from pc.home ([198.51.100.7]) by smtp.victim.example'
                        '; %s' % date(t),
             'webmail': 'from [203.0.113.50] by webmail.host.example; %s' %
                        date(t),
             'phone': 'from [100.64.3.9] by relay.carrier.example; %s' %
                      date(t)}[client]
    subj = R.choice(['Invoice %d' % i, 'Free offer for the club', 'Hello',
                     'Re: your order #%d' % R.randint(1000, 9999)]) \
        if spammy else R.choice(['Meeting', 'Hike on Sunday', 'Report',
                                 'Dinner'])
    o = {'from': ME, 'to': to, 'subject': subj, 't': t, 'mid': mid,
         'body': body + '\n', 'received': [relay], 'client': client}
    oh, ob = original(o)
    box.put('.Sent', oh + '\n' + ob, t)
    return o


def main():
    global R
    md, seed = sys.argv[1], int(sys.argv[2])
    scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    R = random.Random(seed * 7919 + 17)
    box = Box(md)
    labels = []
    sent = [sent_message(i, box) for i in range(int(1200 * scale) or 1)]

    # legitimate reports of sent mail
    for i in range(int(160 * scale) or 1):
        o = R.choice(sent)
        member = 'm%d@members.example' % R.randint(1, 500)
        rcpt = member if o['to'] == LIST else o['to']
        t = o['t'] + R.randint(30, 3 * DAY)
        # a list's member bounces reach the poster with the post (those
        # of the list that name nothing are the list's business)
        form = R.choice(['full', 'full', 'headers'] +
                        ([] if o['to'] == LIST else ['none']))
        if i % 8 == 7:
            # the server's Message-ID, not the client's the Sent copy
            # keeps (no draw of R: the rest of the mailbox stays as it
            # was for every seed)
            o = dict(o, mid='SRV%05d.%d@outbound.protection.example' %
                     (i, seed))
        msg, mid = ndr(o, rcpt, t, 'mx.' + rcpt.split('@')[1], form, ME)
        box.put('', msg, t)
        labels.append((mid, 'legit', ''))
    for i in range(int(40 * scale) or 1):
        o = R.choice(sent)
        t = o['t'] + R.randint(10, 900)
        mid = 'ar%s@%s' % (tok(10), o['to'].split('@')[1])
        box.put('', 'From: %s\nTo: %s\nSubject: Out of Office: %s\nDate: '
                '%s\nMessage-ID: <%s>\nIn-Reply-To: <%s>\nAuto-Submitted: '
                'auto-replied\n\nI am away until next week.\n' %
                (o['to'], ME, o['subject'], date(t), mid, o['mid']), t)
        labels.append((mid, 'legit', ''))

    # the runs: botnets, templates, word lists and links shared among them
    botnets = [[('%s.%s' % (R.choice(['mail', 'smtp', 'mx']), DOM)
                 if R.random() < 0.5 else 'host%d.dsl.example' % R.randint(1, 999),
                 '10.%d.%d.%d' % (b, R.randint(0, 255), R.randint(1, 254)))
                for _ in range(R.randint(3, 30))] for b in range(5)]
    sizes = sorted([max(1, int(x * scale)) for x in
                    [1500, 900, 700, 500, 400, 300, 250, 200, 150, 120, 100,
                     80, 60, 50, 40, 30, 25, 20, 15, 12, 10, 8, 6, 5, 4, 3,
                     2, 2, 1, 1]], reverse=True)
    runs = []
    for n, size in enumerate(sizes):
        words = (R.sample(FILL, 3), R.sample(ADJ, 3))
        subjects = R.sample(GENERIC_SUBJECTS, 2) if R.random() < 0.6 else \
            ['%s %s for you' % (R.choice(ADJ).capitalize(),
                                R.choice(FILL))]
        links = [R.choice(SHORTENERS + FREEHOSTS)] if R.random() < 0.5 \
            else ['%s.example' % tok(7), 'www.%s.example' % tok(6)]
        runs.append(Run(n, size, botnets[n % 5], TEMPLATES[n % 3], words,
                        subjects, links))
    for r in runs:
        for k in range(r.size):
            o = r.spam()
            t = o['t'] + R.randint(60, 6 * 3600)
            mta = R.choice(r.mtas)
            msg, mid = ndr(o, o['rcpt'], t, mta, R.choice(
                ['full', 'full', 'headers']), o['sender'])
            box.put('', msg, t)
            labels.append((mid, 'backscatter', str(r.n)))
            # a fifth of the flood: empty NDRs, in bursts with the run
            if R.random() < 0.25:
                t2 = t + R.randint(0, 3600)
                o2 = r.spam()
                msg, mid = ndr(o2, o2['rcpt'], t2, mta, 'none',
                               o2['sender'])
                box.put('', msg, t2)
                labels.append((mid, 'backscatter', str(r.n)))

    # ordinary mail
    for i in range(int(8000 * scale)):
        t = T0 + R.randint(0, 45 * DAY)
        who = R.choice(PEOPLE)
        mid = 'n%s@%s' % (tok(12), who.split('@')[1])
        box.put('', 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: '
                '<%s>\n\n%s\n' % (who, ME, R.choice(['Lunch', 'Notes',
                                                       'Plans', 'Photos']),
                                  date(t), mid, 'See you soon.'), t)
        labels.append((mid, 'other', ''))
    for mid, cls, camp in labels:
        print('<%s>\t%s\t%s' % (mid, cls, camp))


main()
