#!/usr/bin/env python3
"""gen-verdicts.py - a labelled mailbox to measure ndrsweep's verdicts and
campaigns, written straight into a Maildir (INBOX and Sent).

usage: gen-verdicts.py MAILDIR SEED [SCALE [backscatter]] > LABELS.tsv

With "backscatter", only the campaigns are written (bench/group.sh).

The user is alice@example.org; her mail leaves through smtp.example.org
(192.0.2.25). The mailbox holds:
  - Sent: her own mail over 60 days (Message-IDs of her client's form);
  - legitimate bounces and delays of messages in Sent, in six MTA formats
    and every form of the original (full, headers, quoted, none), some of
    mail with spam-like words;
  - backscatter of 24 spam campaigns of sizes 1 to 2,000 (times SCALE):
    her address forged, subjects, links and body text varied the way spam
    runs vary them (spun phrases, random tokens, rotating link domains),
    bounced by many MTAs on dates spread over weeks; two campaigns imitate
    her Message-ID form, some forge her domain in HELO;
  - auto-replies to both kinds, and ordinary mail.
Each line of LABELS.tsv: the report's Message-ID, its true class (legit,
backscatter, other) and for backscatter the campaign it came from.
"""
import os, random, sys

rnd = None
USER = 'alice@example.org'
RELAY = ('smtp.example.org', '192.0.2.25')
DAY = 86400
# the last day of the mailbox: fixed for the benchmarks; the demo sets
# GEN_END to now so that its flood is recent
T_END = int(os.environ.get('GEN_END', 1772409600 + 40 * DAY))  # 2026-04-11
T_START = T_END - 60 * DAY

WEEKDAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed']
MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep',
          'Oct', 'Nov', 'Dec']


def rfcdate(t):
    import time
    tm = time.gmtime(t)
    return '%s, %d %s %d %02d:%02d:%02d +0000' % (
        WEEKDAYS[(t // DAY) % 7], tm.tm_mday, MONTHS[tm.tm_mon - 1],
        tm.tm_year, tm.tm_hour, tm.tm_min, tm.tm_sec)


def spin(s):
    """'{a|b} c' -> 'a c' or 'b c', nested braces allowed."""
    while '{' in s:
        end = s.index('}')
        start = s.rindex('{', 0, end)
        s = s[:start] + rnd.choice(s[start + 1:end].split('|')) + s[end + 1:]
    return s


def token(n=6):
    return ''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz0123456789')
                   for _ in range(n))


WORDS = ('project meeting report budget schedule review draft notes team '
         'client invoice plan update question answer proposal slides '
         'holiday lunch travel contract design release test weekend '
         'summary figures agenda minutes feedback training office').split()
NAMES = ('bob carol dave erin frank grace heidi ivan judy mallory niaj '
         'olivia peggy rupert sybil trent victor walter').split()
DOMAINS = ('far.example partner.example client.example uni.example '
           'supplier.example agency.example').split()


def prose(n):
    out = []
    for _ in range(n):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(6, 14))]
        out.append(' '.join(words).capitalize() + '.')
    return ' '.join(out)


# ---- the spam campaigns ----
THEMES = [
    ('{Cheap|Discount|Low cost} {meds|pills|medications} {online|today|now}',
     ['Our {online|internet} pharmacy has the {best|lowest} prices on all '
      '{medications|pills|meds} this {week|month}.',
      'Order {today|now} and get {free|fast} shipping to any country.',
      '{Discreet|Private} packaging and {quick|fast} delivery guaranteed.',
      'No prescription {needed|required}, {save|spare} up to 80 percent.'],
     ['rxpharm{n}.example', 'pillstore{n}.example']),
    ('{Replica|Luxury|Swiss} watches {for less|at a fraction of the price}',
     ['{Finest|Best} replica watches of {famous|top} brands.',
      'Every watch is {crafted|made} with {attention|care} to detail.',
      'Free {gift box|engraving} with every order this {week|month}.'],
     ['watchdeal{n}.example']),
    ('Your {loan|credit} {application|request} has been {approved|accepted}',
     ['We are {pleased|happy} to inform you that your {loan|credit} of '
      '{5000|10000|25000} dollars has been approved.',
      'Click the link below to {confirm|claim} your {funds|money}.',
      'No credit check, {money|funds} in your account {tomorrow|within hours}.'],
     ['fastloan{n}.example', 'credit-now{n}.example']),
    ('{Bitcoin|Crypto} {investment|trading} {opportunity|secret} {revealed|exposed}',
     ['{Thousands|Many people} are making a fortune with this {new|secret} '
      '{crypto|bitcoin} {robot|platform}.',
      'Start with only 250 dollars and {watch|see} your money grow.',
      '{Celebrities|Experts} are already using it, {join|sign up} before it '
      'closes.'],
     ['cryptoprofit{n}.example']),
    ('{Lonely|Bored} tonight? {Meet|Chat with} {singles|women} near you',
     ['{Hundreds|Thousands} of {singles|ladies} in your area are waiting.',
      'Create your {free|private} profile in one minute.',
      'Discreet {dating|meetings}, {no strings|no commitment}.'],
     ['datenow{n}.example', 'meetsingles{n}.example']),
    ('{Urgent|Confidential} {inheritance|estate} {matter|claim}',
     ['I am a {lawyer|barrister} representing the estate of a late client '
      'who shares your family name.',
      'He left a {considerable|large} sum in a bank account and I need your '
      '{help|assistance} to claim it.',
      'Please reply with your {full name|details} to {proceed|continue}.'],
     []),
    ('{Rank|Get} your website {first|#1} on {Google|search engines}',
     ['Our {SEO|search engine} experts will bring your site to the first '
      'page {guaranteed|in weeks}.',
      'More {visitors|traffic} means more {sales|customers}.',
      'Reply for a {free|no cost} {audit|analysis} of your website.'],
     ['seoexperts{n}.example']),
    ('{Cheap|Discount|OEM} software {downloads|licenses}',
     ['Office, Windows and Adobe {at|for} {a fraction|10 percent} of the '
      'retail price.',
      '{Instant|Immediate} download after payment, {full|lifetime} license.'],
     ['softdeals{n}.example']),
    ('{University|College} {diplomas|degrees} {available|without exams}',
     ['Get a {prestigious|recognised} {diploma|degree} based on your life '
      'experience.',
      'No {exams|study|classes} required, {confidential|discreet} service.'],
     []),
    ('{Casino|Online casino} {bonus|free spins} {inside|waiting for you}',
     ['Claim your {welcome|sign up} bonus of {200|500} percent today.',
      '{Hundreds|Thousands} of {games|slots}, {instant|fast} payouts.'],
     ['luckycasino{n}.example', 'spinwin{n}.example']),
    ('{Lose|Drop} {10|20|30} {pounds|kilos} in {two|three} weeks',
     ['This {natural|herbal} {supplement|formula} burns fat while you sleep.',
      '{Doctors|Experts} hate this simple {trick|secret}.'],
     ['slimfast{n}.example']),
    ('{Work from home|Home based job}, {earn|make} {500|1000} a day',
     ['We are looking for {motivated|reliable} people to work from home.',
      'No experience {needed|required}, {flexible|free} hours.',
      '{Apply|Register} now, {places|positions} are limited.'],
     ['homejob{n}.example']),
    ('Your {parcel|package|shipment} could not be delivered',
     ['We {tried|attempted} to deliver your {parcel|package} but nobody was '
      'at home.',
      'Please {confirm|update} your address and pay the {redelivery|customs} '
      'fee of 1.99.'],
     ['parcel-track{n}.example']),
    ('{Invoice|Payment request} {#|no.} {overdue|attached}',
     ['Please find {attached|enclosed} the invoice for {services|goods} '
      'rendered.',
      'Payment is {overdue|due}, kindly {settle|pay} it {today|within 48 hours}.'],
     ['invoice-portal{n}.example']),
    ('{Security alert|Account notice}: {verify|confirm} your {bank|account}',
     ['We {noticed|detected} {unusual|suspicious} activity on your account.',
      'To avoid {suspension|closure}, {verify|confirm} your {identity|details} '
      'now.'],
     ['secure-bank{n}.example']),
    ('{Congratulations|Winner}! You have won the {lottery|draw}',
     ['Your email address was selected in our {annual|international} '
      '{lottery|draw}.',
      'To {claim|receive} your prize of {1,000,000|500,000} euros, contact '
      'our agent.'],
     []),
    ('{Hot|Breaking} stock {alert|tip}: {buy|watch} {now|today}',
     ['This {small|tiny} company is about to {explode|skyrocket}.',
      '{Insiders|Analysts} expect the price to {triple|double} this week.'],
     ['stockpick{n}.example']),
    ('{Designer|Luxury} {bags|handbags} {80|90} percent off',
     ['{Authentic|Original} looking {bags|handbags} at outlet prices.',
      'Free shipping {worldwide|to your door}, {limited|exclusive} stock.'],
     ['bagoutlet{n}.example']),
    ('{Printer|Toner} {ink|cartridges} {half price|cheap}',
     ['{Compatible|Original} {ink|toner} for all {brands|printers}.',
      'Order {two|three} and get one free.'],
     ['inkdirect{n}.example']),
    ('{Solar panels|Solar energy} for your {home|roof}: {free|no cost} quote',
     ['{Cut|Reduce} your {electricity|energy} bill by {half|70 percent}.',
      '{Government|State} {grants|subsidies} available this year.'],
     ['solarquote{n}.example']),
    ('{Private|Secure} {VPN|browsing} {deal|offer}',
     ['{Protect|Secure} your {privacy|data} on every {network|device}.',
      'Three years for the price of {one|two}.'],
     ['vpnoffer{n}.example']),
    ('{Car|Auto} insurance {quotes|rates} {slashed|lowered}',
     ['{Compare|Check} rates from {dozens|many} of insurers in minutes.',
      '{Drivers|People} in your area are saving {400|600} dollars a year.'],
     ['autoquote{n}.example']),
    ('{Gift card|Voucher} of {100|500} {waiting|reserved} for you',
     ['You have been {selected|chosen} to receive a {gift card|voucher}.',
      'Answer {three|five} questions to {claim|get} it.'],
     ['giftreward{n}.example']),
    ('{Meeting|Business} {proposal|partnership} {from|for} {you|your company}',
     ['I represent a {company|firm} that wishes to {invest|partner} in your '
      'region.',
      'Kindly {reply|respond} so that I can send {details|the terms}.'],
     []),
]
SIZES = [2000, 1100, 700, 450, 300, 200, 140, 90, 60, 40, 25, 15, 10, 7, 5,
         4, 3, 2, 2, 1, 1, 1, 1, 1]


class Campaign:
    def __init__(self, n, theme, size):
        self.n = n
        self.subject, self.sentences, hosts = theme
        self.size = size
        self.hosts = [h.replace('{n}', str(rnd.randint(1, 99)))
                      for h in hosts for _ in range(rnd.randint(1, 3))]
        self.start = rnd.randint(T_START + 5 * DAY, T_END - 10 * DAY)
        self.length = rnd.randint(1, 9) * DAY
        self.mimic = n in (3, 11)       # Message-IDs of the user's form
        self.forge_helo = n % 4 == 1
        self.forged = USER if n % 5 else 'a%s@example.org' % token(4)

    def original(self):
        subject = spin(self.subject)
        if rnd.random() < 0.5:
            subject += ' ' + token(rnd.randint(4, 7))
        body = ' '.join(spin(s) for s in self.sentences)
        if self.hosts:
            body += '\n\nhttp://%s/%s' % (rnd.choice(self.hosts), token(8))
        body += '\n\n%s\n' % token(12)
        date = self.start + rnd.randint(0, self.length)
        if self.mimic:
            mid = '%d.%s@mail.example.org' % (date, token(6))
        else:
            mid = '%s.%s@%s' % (token(10), token(4),
                                rnd.choice(['bulk.example.net', 'mx%d.spam'
                                            '.example' % rnd.randint(1, 9),
                                            'localhost']))
        bot = '203.0.113.%d' % rnd.randint(1, 254)
        helo = 'example.org' if self.forge_helo else 'pc%s.isp.example' % token(4)
        rcpt = '%s@%s' % (rnd.choice(NAMES) + token(3),
                          'victim%d.example' % rnd.randint(1, 300))
        mx = 'mx.' + rcpt.split('@')[1]
        received = ['from %s (dsl-%s.isp.example [%s]) by %s with SMTP; %s'
                    % (helo, bot.replace('.', '-'), bot, mx, rfcdate(date + 5))]
        return dict(subject=subject, body=body, date=date, mid=mid,
                    sender=self.forged, rcpt=rcpt, mx=mx, received=received)


# ---- the user's own mail ----
SPAMMY = ['Free offer: discount for you', 'Cheap flights for the team trip',
          'You won! Lunch is on me', 'Urgent: click the link for the slides']


def sent_message(i):
    date = T_START + rnd.randint(0, 60 * DAY - 1)
    rcpts = ['%s@%s' % (rnd.choice(NAMES), rnd.choice(DOMAINS))
             for _ in range(rnd.choice([1, 1, 1, 2, 3]))]
    subject = (rnd.choice(SPAMMY) if rnd.random() < 0.1 else
               '%s %s' % (rnd.choice(WORDS).capitalize(), rnd.choice(WORDS)))
    mid = '%d.%s@mail.example.org' % (date, token(6))
    body = prose(rnd.randint(2, 6))
    if rnd.random() < 0.3:
        body += '\n\nhttps://wiki.example.org/%s\n' % token(6)
    client = '198.51.100.%d' % rnd.randint(2, 50)
    return dict(subject=subject, body=body, date=date, mid=mid, sender=USER,
                rcpts=rcpts, received=[
                    'from %s (%s [%s]) by mx.%s with ESMTPS; %s' % (
                        RELAY[0], RELAY[0], RELAY[1], rcpts[0].split('@')[1],
                        rfcdate(date + 2)),
                    'from [%s] (laptop) by %s with ESMTPSA; %s' % (
                        client, RELAY[0], rfcdate(date + 1))])


def headers_of(o, with_received=True):
    h = []
    if with_received:
        h += ['Received: %s' % r for r in o['received']]
    h += ['Return-Path: <%s>' % o['sender'],
          'From: %s' % o['sender'],
          'To: %s' % ', '.join(o.get('rcpts', [o.get('rcpt')])),
          'Subject: %s' % o['subject'],
          'Date: %s' % rfcdate(o['date']),
          'Message-ID: <%s>' % o['mid'],
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=us-ascii']
    return '\n'.join(h) + '\n'


def full(o):
    return headers_of(o) + '\n' + o['body'] + '\n'


# ---- the reports, in the formats of six MTAs ----
REASONS = [('5.1.1', '550', 'User unknown'),
           ('5.2.2', '552', 'Mailbox full'),
           ('5.7.1', '554', 'Message rejected as spam'),
           ('5.1.1', '550', 'No such user here'),
           ('5.4.1', '550', 'Recipient address rejected: Access denied')]


def dsn(mta_name, human, o, rcpt, form, date, delay=False):
    status, code, text = rnd.choice(REASONS)
    if delay:
        status, code, text = '4.4.1', '451', 'Connection timed out'
    b = 'b%s' % token(10)
    orig = {'full': ('message/rfc822', full(o)),
            'headers': ('text/rfc822-headers', headers_of(o)),
            'none': None}[form]
    parts = ['Content-Description: Notification\nContent-Type: text/plain; '
             'charset=us-ascii\n\n' + human % dict(rcpt=rcpt, text=text,
                                                  code=code, status=status),
             'Content-Description: Delivery report\nContent-Type: '
             'message/delivery-status\n\nReporting-MTA: dns; %s\nArrival-Date: '
             '%s\n\nFinal-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\n'
             'Action: %s\nStatus: %s\nRemote-MTA: dns; mx.%s\n'
             'Diagnostic-Code: smtp; %s %s %s\n' % (
                 mta_name, rfcdate(date - 60), rcpt, rcpt,
                 'delayed' if delay else 'failed', status,
                 rcpt.split('@')[1], code, status, text)]
    if orig:
        parts.append('Content-Description: %s\nContent-Type: %s\n\n%s' % (
            'Undelivered Message' if form == 'full' else
            'Undelivered Message Headers', orig[0], orig[1]))
    body = ''.join('--%s\n%s\n' % (b, p) for p in parts) + '--%s--\n' % b
    ctype = ('multipart/report; report-type=delivery-status;\n\tboundary="%s"'
             % b)
    return ctype, body


def postfix(o, rcpt, form, date, delay):
    human = ('This is the mail system at host %(mta)s.\n\n' +
             ("I'm sorry to have to inform you that your message could not\n"
              "be delivered to one or more recipients. It's attached below.\n"
              if not delay else
              '####################################################################\n'
              '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n'
              '####################################################################\n\n'
              'Your message could not be delivered for 4.0 hours.\n'
              'It will be retried until it is 5.0 days old.\n') +
             '\n<%(rcpt)s>: host mx.example said: %(code)s %(status)s '
             '%(text)s (in reply to RCPT TO command)\n')
    mta = o['mx']
    ctype, body = dsn(mta, human.replace('%(mta)s', mta), o, rcpt, form, date,
                      delay)
    subj = ('Delayed Mail (still being retried)' if delay else
            'Undelivered Mail Returned to Sender')
    return ('From: MAILER-DAEMON@%s (Mail Delivery System)\nSubject: %s\n'
            'Content-Type: %s\n' % (mta, subj, ctype), body)


def sendmail(o, rcpt, form, date, delay):
    mta = o['mx']
    human = ('The original message was received at %s\nfrom [%s]\n\n'
             '   ----- The following addresses had permanent fatal errors -----\n'
             '<%%(rcpt)s>\n    (reason: %%(code)s %%(status)s %%(text)s)\n'
             % (rfcdate(date - 60), '203.0.113.7'))
    ctype, body = dsn(mta, human, o, rcpt, form, date, delay)
    return ('From: Mail Delivery Subsystem <MAILER-DAEMON@%s>\nSubject: '
            'Returned mail: see transcript for details\nContent-Type: %s\n'
            % (mta, ctype), body)


def exchange(o, rcpt, form, date, delay):
    mta = o['mx']
    human = ('Delivery has failed to these recipients or groups:\n\n'
             '%(rcpt)s\nThe e-mail address you entered couldn\'t be found. '
             'Please check the recipient\'s e-mail address and try to resend '
             'the message.\n\nDiagnostic information for administrators:\n\n'
             'Generating server: ' + mta + '\n\n%(rcpt)s\n'
             '#%(code)s %(status)s %(text)s ##\n')
    ctype, body = dsn(mta, human, o, rcpt, form, date, delay)
    return ('From: Microsoft Outlook <postmaster@%s>\nSubject: Undeliverable: '
            '%s\nContent-Type: %s\n' % (mta, o['subject'], ctype), body)


def exim(o, rcpt, form, date, delay):
    mta = o['mx']
    status, code, text = rnd.choice(REASONS)
    copy = {'full': full(o), 'headers': headers_of(o), 'quoted': full(o)}.get(
        form, '')
    body = ('This message was created automatically by mail delivery '
            'software.\n\nA message that you sent could not be delivered to '
            'one or more of its\nrecipients. This is a permanent error. The '
            'following address(es) failed:\n\n  %s\n    host %s [192.0.2.99]\n'
            '    SMTP error from remote mail server after RCPT TO:<%s>:\n'
            '    %s %s %s\n' % (rcpt, 'mx.' + rcpt.split('@')[1], rcpt, code,
                                status, text))
    if copy:
        body += ('\n------ This is a copy of the message, including all the '
                 'headers. ------\n\n' + copy)
    return ('From: Mail Delivery System <Mailer-Daemon@%s>\nSubject: Mail '
            'delivery failed: returning message to sender\n'
            'X-Failed-Recipients: %s\nAuto-Submitted: auto-replied\n'
            'Content-Type: text/plain; charset=us-ascii\n' % (mta, rcpt), body)


def qmail(o, rcpt, form, date, delay):
    mta = o['mx']
    status, code, text = rnd.choice(REASONS)
    copy = {'full': full(o), 'headers': headers_of(o), 'quoted': full(o)}.get(
        form, '')
    body = ('Hi. This is the qmail-send program at %s.\nI\'m afraid I wasn\'t '
            'able to deliver your message to the following addresses.\nThis is '
            'a permanent error; I\'ve given up. Sorry it didn\'t work out.\n\n'
            '<%s>:\n192.0.2.99 does not like recipient.\nRemote host said: %s '
            '%s %s\nGiving up on 192.0.2.99.\n\n' % (mta, rcpt, code, status,
                                                    text))
    if copy:
        body += '--- Below this line is a copy of the message.\n\n' + copy
    return ('From: MAILER-DAEMON@%s\nSubject: failure notice\n' % mta, body)


def courier_like(o, rcpt, form, date, delay):
    """A DSN whose human part is terse (Courier, OpenSMTPD, many filters)."""
    mta = o['mx']
    human = ('Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this '
             'e-mail.\n\nAn error has occurred while attempting to deliver a '
             'message for\nthe following list of recipients:\n\n%(rcpt)s: '
             '%(code)s %(status)s %(text)s\n')
    ctype, body = dsn(mta, human, o, rcpt, form, date, delay)
    return ('From: Mailer Daemon <MAILER-DAEMON@%s>\nSubject: Delivery status '
            'notification\nContent-Type: %s\n' % (mta, ctype), body)


FORMATS = [postfix, sendmail, exchange, exim, qmail, courier_like]
DSN_FORMATS = [postfix, sendmail, exchange, courier_like]


def report(o, rcpt, date, form=None, delay=False):
    """A report on original o for rcpt: its headers-block and body."""
    fmt = rnd.choice(DSN_FORMATS if delay else FORMATS)
    if form is None:
        form = rnd.choices(['full', 'headers', 'quoted', 'none'],
                           [40, 30, 20, 10])[0]
    if form == 'quoted' and fmt in DSN_FORMATS:
        fmt = rnd.choice([exim, qmail])
    if form == 'headers' and fmt in (exim, qmail):
        pass    # they paste the headers alone, as some set-ups do
    head, body = fmt(o, rcpt, form, date, delay)
    return head, body, form


def autoreply(o, date):
    who = o.get('rcpt') or o['rcpts'][0]
    head = ('From: %s\nSubject: Automatic reply: %s\nIn-Reply-To: <%s>\n'
            'Auto-Submitted: auto-replied\nX-Autoreply: yes\n'
            'Content-Type: text/plain; charset=us-ascii\n' % (
                who, o['subject'], o['mid']))
    body = ('I am out of the office until %s with limited access to e-mail.\n'
            'For urgent matters please contact my colleague.\n'
            % rfcdate(date + 7 * DAY)[:16])
    return head, body


class Box:
    def __init__(self, maildir):
        self.maildir = maildir
        self.n = 0
        for f in ('', '.Sent'):
            for d in ('cur', 'new', 'tmp'):
                os.makedirs(os.path.join(maildir, f, d), exist_ok=True)

    def put(self, folder, head, body, date, mid, to=USER, report=False):
        msg = ('Return-Path: <>\n' if report else '') + head
        msg += 'To: %s\nDate: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n\n%s' % (
            to, rfcdate(date), mid, body)
        data = msg.encode()
        self.n += 1
        name = '%d.M%dP%d.gen,S=%d:2,S' % (date, self.n, os.getpid(), len(data))
        with open(os.path.join(self.maildir, folder, 'cur', name), 'wb') as f:
            f.write(data)


def main():
    global rnd
    maildir, seed = sys.argv[1], int(sys.argv[2])
    scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    only_backscatter = len(sys.argv) > 4 and sys.argv[4] == 'backscatter'
    rnd = random.Random(seed)
    box = Box(maildir)
    labels = []

    def rid():
        return 'r%s.%d@reports.example' % (token(12), box.n)

    # Sent
    sent = [sent_message(i) for i in range(int(1500 * scale) or 1)]
    if only_backscatter:
        sent = []
    for o in sent:
        head = 'From: %s\nSubject: %s\n' % (USER, o['subject'])
        box.put('.Sent', head + 'Content-Type: text/plain\n', o['body'],
                o['date'], o['mid'], to=', '.join(o['rcpts']))

    # legitimate bounces, delays and auto-replies of sent mail
    for i in range(0 if only_backscatter else int(150 * scale) or 1):
        o = rnd.choice(sent)
        rcpt = rnd.choice(o['rcpts'])
        o = dict(o, mx='mx.' + rcpt.split('@')[1])
        date = o['date'] + rnd.randint(60, 4 * DAY)
        delay = i % 10 == 0
        head, body, form = report(o, rcpt, date, form=['full', 'headers',
                                  'quoted', 'none'][i % 4], delay=delay)
        mid = rid()
        box.put('', head, body, date, mid, report=True)
        labels.append((mid, 'legit', ''))
    for i in range(0 if only_backscatter else int(60 * scale) or 1):
        o = rnd.choice(sent)
        date = o['date'] + rnd.randint(5, 600)
        head, body = autoreply(o, date)
        mid = rid()
        box.put('', head, body, date, mid)
        labels.append((mid, 'legit', ''))

    # backscatter
    themes = THEMES[:]
    rnd.shuffle(themes)
    for n, (theme, size) in enumerate(zip(themes, SIZES)):
        c = Campaign(n, theme, max(1, int(size * scale)))
        for k in range(c.size):
            o = c.original()
            date = o['date'] + rnd.randint(30, 2 * DAY)
            if k % 25 == 24:        # an auto-reply to the spam
                head, body = autoreply(o, o['date'] + rnd.randint(5, 600))
            else:
                head, body, form = report(o, o['rcpt'], date)
            mid = rid()
            # the report goes to the forged envelope sender
            box.put('', head, body, date, mid, to=o['sender'],
                    report=k % 25 != 24)
            labels.append((mid, 'backscatter', str(n)))

    # ordinary mail
    for i in range(0 if only_backscatter else int(14700 * scale)):
        date = T_START + rnd.randint(0, 60 * DAY)
        who = '%s@%s' % (rnd.choice(NAMES), rnd.choice(DOMAINS))
        head = 'From: %s\nSubject: %s %s\nContent-Type: text/plain\n' % (
            who, rnd.choice(WORDS).capitalize(), rnd.choice(WORDS))
        mid = 'o%s@%s' % (token(10), who.split('@')[1])
        box.put('', head, prose(rnd.randint(2, 8)) + '\n', date, mid)
        labels.append((mid, 'other', ''))

    for mid, cls, camp in labels:
        print('<%s>\t%s\t%s' % (mid, cls, camp))


main()
