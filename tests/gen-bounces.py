#!/usr/bin/env python3
"""gen-bounces.py - labelled reports in the shapes issue 19 names, written
from the issue's words and not from any corpus file: one class a family,
each instance varied (languages, layouts, decorations, line ends).

usage: gen-bounces.py OUTDIR [COUNT_PER_CLASS] [SEED]

Writes OUTDIR/CLASS-NNN.eml and OUTDIR/labels.tsv: file, class, kind
(bounce, delay, autoreply, feedback, other) and the failed recipients in
the order the report names them (comma-separated; '-' none).
"""
import os
import random
import sys

# The failure sentence, as MTAs and gateways write it in each language:
# (sentence before the address list, subject).
PHRASES = [
    ('Your message could not be delivered to the following recipients:',
     'Undeliverable: %s'),
    ('The following message to the recipient below was undeliverable:',
     'Mail delivery failed: returning message to sender'),
    ('Delivery to the following recipient failed permanently:',
     'Delivery Status Notification (Failure)'),
    ('I was unable to deliver your message to the following addresses:',
     'failure notice'),
    ('Your message was undeliverable to:', 'Undelivered Mail Returned to Sender'),
    ('Ihre Nachricht konnte nicht zugestellt werden an:', 'Unzustellbar: %s'),
    ('Die Nachricht konnte an folgende Empfänger nicht zugestellt werden:',
     'Unzustellbar: %s'),
    ("Votre message n'a pas pu être délivré à :", 'Non remis : %s'),
    ("Le message n'a pas pu etre delivre a :", 'Non distribuable : %s'),
    ('No se pudo entregar su mensaje a los siguientes destinatarios:',
     'No se puede entregar: %s'),
    ('Il messaggio non è stato recapitato ai seguenti destinatari:',
     'Non recapitabile: %s'),
    ('A sua mensagem não pôde ser entregue aos seguintes destinatários:',
     'Não é possível entregar: %s'),
    ('Uw bericht kon niet worden bezorgd bij de volgende ontvangers:',
     'Onbestelbaar: %s'),
    ('以下の宛先へのメッセージ配信に失敗しました:', '配信不能: %s'),
    ('Meddelandet kunde inte levereras till följande mottagare:',
     'Olevererbart: %s'),
]

# More languages, each made in turn by c_language (so that every one is
# met): the sentence and subject in the language's own script and case.
MORE_PHRASES = [
    ('Wiadomość nie mogła zostać dostarczona do następujących odbiorców:',
     'Niedostarczalne: %s'),
    ('Mesajul dumneavoastră nu a putut fi livrat către următorii '
     'destinatari:', 'Mesaj nelivrat: %s'),
    ('Viestiäsi ei voitu toimittaa seuraaville vastaanottajille:',
     'Toimitus epäonnistui: %s'),
    ('Pesan Anda tidak dapat dikirim ke penerima berikut:',
     'Gagal terkirim: %s'),
    ('Το μήνυμά σας δεν ήταν δυνατό να παραδοθεί στους παρακάτω '
     'παραλήπτες:', 'Δεν παραδόθηκε: %s'),
    ('Не вдалося доставити ваше повідомлення таким одержувачам:',
     'Не доставлено: %s'),
    ('Thư của bạn không thể gửi đến những người nhận sau:',
     'Không thể gửi thư: %s'),
    ('Az üzenetet nem sikerült kézbesíteni a következő címzetteknek:',
     'Kézbesíthetetlen: %s'),
]

REASONS = [
    ('550 5.1.1 User unknown', '5.1.1'),
    ('550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual '
     'mailbox table', '5.1.1'),
    ('552 5.2.2 Mailbox full', '5.2.2'),
    ('554 5.7.1 Message rejected as spam', '5.7.1'),
    ('550 No such user here', None),
    ('553 sorry, that domain isn\'t in my list of allowed rcpthosts',
     None),
]

SUBJECTS = ['Quarterly report', 'Lunch on Friday?', 'Invoice 4471',
            'Re: the plan', 'Photos from the trip', 'Cheap meds online']

LOCAL = ['anna', 'bob', 'carlos', 'dmitri', 'eva', 'fatima', 'george',
         'hana', 'ivan', 'julia', 'kenji', 'lena', 'sales', 'info']
DOMAINS = ['example.net', 'mail.example.org', 'example.co.jp', 'corp.example',
           'example.de', 'example.fr', 'example.com.br']

ME = 'me@home.example'


def addr(rng):
    return '%s%d@%s' % (rng.choice(LOCAL), rng.randrange(100),
                        rng.choice(DOMAINS))


def decorate(rng, a):
    """a failed recipient as some report writes it; the address stays"""
    return rng.choice([
        a, '<%s>' % a, '%s;' % a, "'%s'" % a, '"Some One" <%s>' % a,
        '<%s>:' % a, 'smtp=%s' % a, 'SMTP:%s' % a, 'rfc822;%s' % a,
        '%s.' % a, '"%s"' % a, 'mailto:%s' % a])


def original(rng, to):
    subj = rng.choice(SUBJECTS)
    return ('From: Me <%s>\nTo: %s\nSubject: %s\nDate: Mon, 2 Mar 2026 '
            '10:00:00 +0000\nMessage-ID: <orig%d@home.example>\n\n'
            'Hello,\nsee you soon.\n' % (ME, ', '.join(to), subj,
                                         rng.randrange(10 ** 6))), subj


def envelope(rng, subject, extra='', ctype=None, sender=None):
    sender = sender or rng.choice([
        'MAILER-DAEMON@mx%d.%s' % (rng.randrange(9), rng.choice(DOMAINS)),
        'Mail Delivery System <MAILER-DAEMON@mx.%s>' % rng.choice(DOMAINS),
        'postmaster@%s' % rng.choice(DOMAINS),
        'Mail Delivery Subsystem <mailer-daemon@gw.%s>' %
        rng.choice(DOMAINS)])
    h = ('Return-Path: <>\nFrom: %s\nTo: %s\nSubject: %s\nDate: Mon, 2 Mar '
         '2026 10:05:00 +0000\nMessage-ID: <ndr%d@mx.example>\n%s' %
         (sender, ME, subject, rng.randrange(10 ** 6), extra))
    if ctype:
        h += 'MIME-Version: 1.0\nContent-Type: %s\n' % ctype
    return h


def multipart(rng, head_extra, subject, text, orig, html=False):
    b = 'b%d' % rng.randrange(10 ** 6)
    sub = 'text/html; charset=utf-8' if html else 'text/plain; charset=utf-8'
    return (envelope(rng, subject, head_extra,
                     'multipart/mixed; boundary="%s"' % b) +
            '\n--%s\nContent-Type: %s\nContent-Transfer-Encoding: 8bit\n\n%s\n'
            '--%s\nContent-Type: message/rfc822\n\n%s\n--%s--\n' %
            (b, sub, text, b, orig, b))


def c_nextline(rng, n=1):
    """the failure sentence, then the addresses, one a line, then why"""
    rc = [addr(rng) for _ in range(n)]
    phrase, subj = rng.choice(PHRASES)
    why, _ = rng.choice(REASONS)
    lines = [phrase, '']
    for a in rc:
        lines.append(rng.choice(['', '  ', '\t', '    * ', '- ']) +
                     decorate(rng, a))
    lines += ['', rng.choice(['Reason: ', 'Diagnostic: ', 'Remote server '
                              'said: ', '']) + (why % rc[0] if '%s' in why
                                                else why)]
    orig, os_ = original(rng, rc)
    return multipart(rng, '', subj % os_ if '%s' in subj else subj,
                     '\n'.join(lines) + '\n', orig), 'bounce', rc


def c_list(rng):
    return c_nextline(rng, rng.randrange(2, 5))


def c_table(rng):
    rc = [addr(rng) for _ in range(rng.randrange(1, 4))]
    phrase, subj = rng.choice(PHRASES)
    rows = ['Recipient                       Status   Reason',
            '------------------------------  -------  ---------------']
    for a in rc:
        why, st = rng.choice(REASONS)
        rows.append('%-30s  %-7s  %s' % (a, st or '5.0.0',
                                         (why % a if '%s' in why else why)[4:]))
    orig, os_ = original(rng, rc)
    return multipart(rng, '', subj % os_ if '%s' in subj else subj,
                     phrase + '\n\n' + '\n'.join(rows) + '\n', orig), \
        'bounce', rc


def c_header_only(rng):
    """X-Failed-Recipients names them; the body's address line is empty"""
    rc = [addr(rng) for _ in range(rng.randrange(1, 3))]
    phrase, subj = rng.choice(PHRASES)
    text = ('This message was created automatically by mail delivery '
            'software.\n\n%s\n\n\n\n  %s\n' % (phrase, rng.choice(
                ['retry time not reached for any host after a long failure '
                 'period', 'all relevant MX records point to non-existent '
                 'hosts', 'Unrouteable address'])))
    orig, os_ = original(rng, rc)
    return multipart(rng, 'X-Failed-Recipients: %s\n' % ', '.join(rc),
                     subj % os_ if '%s' in subj else subj, text, orig), \
        'bounce', rc


def c_sentence(rng):
    """the address inside the sentence itself"""
    a = addr(rng)
    why, _ = rng.choice(REASONS)
    s = rng.choice([
        'Your message to %s could not be delivered.',
        'Delivery to %s failed permanently.',
        'We were unable to deliver your message to %s.',
        'Die Nachricht an %s konnte nicht zugestellt werden.',
        "Le message pour %s n'a pas pu être remis.",
        'Il messaggio per %s non è stato recapitato.',
    ]) % rng.choice(['<%s>' % a, a])
    orig, os_ = original(rng, [a])
    return multipart(rng, '', 'Undeliverable: ' + os_,
                     '%s\n\n%s\n' % (s, why % a if '%s' in why else why),
                     orig), 'bounce', [a]


def c_html(rng):
    """Exchange and gateways: HTML only, codes behind entities"""
    rc = [addr(rng) for _ in range(rng.randrange(1, 3))]
    items = ''.join(
        '<p><a href="mailto:%s">%s</a><br>\n<font color="#808080">'
        'Remote Server returned &#39;&lt;#5.1.1 smtp;550 5.1.1 '
        'RESOLVER.ADR.RecipNotFound; not found&gt;&#39;</font></p>\n' %
        (a, a) for a in rc)
    html = ('<html><body><p><b><font color="#000066">Delivery has failed to '
            'these recipients or groups:</font></b></p>\n%s'
            '<p>The e-mail address you entered couldn&#39;t be found.</p>'
            '</body></html>' % items)
    orig, os_ = original(rng, rc)
    return multipart(rng, '', 'Undeliverable: ' + os_, html, orig,
                     html=True), 'bounce', rc


def c_mailing_list(rng):
    """a report about a post to a list, sent to the list's bounce address"""
    a = addr(rng)
    lst = 'friends@lists.example.org'
    phrase, subj = rng.choice(PHRASES[:5])
    extra = ('List-Id: Friends <friends.lists.example.org>\nList-Post: '
             '<mailto:%s>\nList-Unsubscribe: <mailto:friends-request@'
             'lists.example.org>\nX-Original-To: friends-bounces@lists.'
             'example.org\n' % lst)
    text = ('%s\n\n  %s\n\n550 5.1.1 User unknown\n\n--\nFriends mailing '
            'list\n%s\nTo unsubscribe write to friends-request@lists.example.'
            'org\n' % (phrase, decorate(rng, a), lst))
    orig = ('From: Me <%s>\nTo: %s\nSubject: [Friends] dinner\nList-Id: '
            'Friends <friends.lists.example.org>\nMessage-ID: <p%d@home.'
            'example>\n\nSee you.\n' % (ME, lst, rng.randrange(10 ** 6)))
    msg = multipart(rng, extra, subj % 'dinner' if '%s' in subj else subj,
                    text, orig)
    msg = msg.replace('To: %s\n' % ME, 'To: friends-bounces@lists.example.'
                      'org\n', 1)
    return msg, 'bounce', [a]


def c_gateway(rng):
    """the gateway rewrote the recipient: the sender wrote the original"""
    a = addr(rng)
    inner = 'u%d@internal-daemon.example.com' % rng.randrange(1000)
    if rng.random() < 0.5:
        text = ('Your message could not be delivered.\n\nRecipient address: '
                '%s\nOriginal address: %s\nReason: 550 5.1.1 User unknown\n'
                % (inner, a))
        orig, os_ = original(rng, [a])
        return multipart(rng, '', 'Undeliverable: ' + os_, text, orig), \
            'bounce', [a]
    b = 'r%d' % rng.randrange(10 ** 6)
    orig, os_ = original(rng, [a])
    msg = (envelope(rng, 'Delivery Status Notification (Failure)', '',
                    'multipart/report; report-type=delivery-status; '
                    'boundary="%s"' % b) +
           '\n--%s\nContent-Type: text/plain\n\nDelivery failed.\n\n'
           '--%s\nContent-Type: message/delivery-status\n\nReporting-MTA: '
           'dns; gw.example.net\n\nOriginal-Recipient: rfc822;%s\n'
           'Final-Recipient: rfc822;%s\nAction: failed\nStatus: 5.1.1\n'
           'Diagnostic-Code: smtp; 550 5.1.1 unknown\n\n--%s\nContent-Type: '
           'message/rfc822\n\n%s\n--%s--\n' % (b, b, a, inner, b, orig, b))
    return msg, 'bounce', [a]


CHALLENGE = [
    ('Please verify your email address', 'I use a spam filter that only '
     'accepts mail from people I know. To get your message delivered, '
     'please click the link below to verify that you are a person:\n'
     'https://verify.example.com/c/%d\n'),
    ('Request to join my guest list', 'Hi, your message is waiting in my '
     'Guest List. Please confirm you are not a robot by clicking here:\n'
     'https://guestlist.example.com/v/%d\n'),
    ('Bestätigung erforderlich', 'Ich schütze mich vor Spam. Bitte '
     'bestätigen Sie Ihre Absenderadresse über diesen Link:\n'
     'https://verify.example.de/%d\n'),
]


def c_challenge(rng):
    subj, body = rng.choice(CHALLENGE)
    who = addr(rng)
    extra = 'Auto-Submitted: auto-replied\n' if rng.random() < 0.5 else ''
    if rng.random() < 0.5:
        b = 'c%d' % rng.randrange(10 ** 6)
        msg = ('From: %s\nTo: %s\nSubject: %s\nDate: Mon, 2 Mar 2026 '
               '10:05:00 +0000\nMessage-ID: <c%d@example>\n%sMIME-Version: '
               '1.0\nContent-Type: multipart/report; report-type=delivery-'
               'status; boundary="%s"\n\n--%s\nContent-Type: text/plain\n\n'
               '%s\n--%s--\n' % (who, ME, subj, rng.randrange(10 ** 6),
                                 extra, b, b, body % rng.randrange(10 ** 6),
                                 b))
    else:
        msg = ('From: %s\nTo: %s\nSubject: %s\nDate: Mon, 2 Mar 2026 '
               '10:05:00 +0000\nMessage-ID: <c%d@example>\n%s\n%s' %
               (who, ME, subj, rng.randrange(10 ** 6), extra,
                body % rng.randrange(10 ** 6)))
    return msg, 'autoreply', [who]


VACATION = [
    ('Out of Office: %s', 'I am out of the office until Monday and will '
     'reply when I am back.'),
    ('Automatic reply: %s', 'Thank you for your message. I am on holiday '
     'with limited access to e-mail.'),
    ('Abwesenheitsnotiz: %s', 'Ich bin bis zum 10. März nicht im Büro und '
     'habe keinen Zugriff auf meine E-Mails.'),
    ('Réponse automatique : %s', "Je suis absent du bureau jusqu'au 10 mars. "
     'Je répondrai à votre message à mon retour.'),
    ('Respuesta automática: %s', 'Estoy fuera de la oficina hasta el lunes. '
     'Responderé a su mensaje a mi regreso.'),
    ('Risposta automatica: %s', "Sono fuori ufficio fino a lunedì. "
     'Risponderò al mio rientro.'),
    ('Resposta automática: %s', 'Estou fora do escritório até segunda-feira '
     'e responderei quando voltar.'),
    ('Automatisch antwoord: %s', 'Ik ben afwezig tot maandag en beantwoord '
     'uw bericht na mijn terugkomst.'),
    ('自動応答: %s', '誠に恐れ入りますが、ただいま休暇中のため、'
     '返信が遅れます。'),
]


def c_vacation(rng):
    subj, body = rng.choice(VACATION)
    who = addr(rng)
    extra = rng.choice(['Auto-Submitted: auto-replied\n',
                        'X-Autoreply: yes\n', 'Precedence: bulk\n', ''])
    msg = ('From: Someone <%s>\nTo: %s\nSubject: %s\nDate: Mon, 2 Mar 2026 '
           '10:05:00 +0000\nMessage-ID: <v%d@example>\n%sMIME-Version: 1.0\n'
           'Content-Type: text/plain; charset=utf-8\n\n%s\n' %
           (who, ME, subj % rng.choice(SUBJECTS), rng.randrange(10 ** 6),
            extra, body))
    return msg, 'autoreply', [who]


def c_feedback(rng):
    b = 'f%d' % rng.randrange(10 ** 6)
    who = addr(rng)
    orig, _ = original(rng, [who])
    msg = ('From: abuse@isp.example\nTo: %s\nSubject: Abuse report\nDate: '
           'Mon, 2 Mar 2026 10:05:00 +0000\nMessage-ID: <f%d@isp.example>\n'
           'MIME-Version: 1.0\nContent-Type: multipart/report; report-type='
           'feedback-report; boundary="%s"\n\n--%s\nContent-Type: text/plain'
           '\n\nThis is an email abuse report.\n\n--%s\nContent-Type: '
           'message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: '
           'ISP-FBL/1.0\nVersion: 1\nOriginal-Rcpt-To: %s\n\n--%s\n'
           'Content-Type: message/rfc822\n\n%s\n--%s--\n' %
           (ME, rng.randrange(10 ** 6), b, b, b, who, b, orig, b))
    return msg, 'feedback', [who]


def c_not_a_bounce(rng):
    s = rng.choice([
        ('Your parcel could not be delivered', 'We tried to deliver your '
         'parcel today but nobody was home. Reschedule at '
         'https://parcel.example/r'),
        ('Re: undeliverable address?', 'Hi, I think the mail to '
         'bob@example.net could not be delivered, can you check the '
         'address?\n\nThanks, Ann'),
        ('Meeting notes', 'The delivery failed twice last week; the '
         'vendor says the address was wrong.')])
    msg = ('From: Ann <ann@friends.example>\nTo: %s\nSubject: %s\nDate: Mon, '
           '2 Mar 2026 10:05:00 +0000\nMessage-ID: <o%d@friends.example>\n\n'
           '%s\n' % (ME, s[0], rng.randrange(10 ** 6), s[1]))
    return msg, 'other', []


LANGUAGE_TURN = [0]


def c_language(rng):
    """c_nextline's shape in the languages of MORE_PHRASES, each in turn"""
    k = LANGUAGE_TURN[0] % len(MORE_PHRASES)
    LANGUAGE_TURN[0] += 1
    rc = [addr(rng)]
    phrase, subj = MORE_PHRASES[k]
    lines = [phrase, '', '  ' + decorate(rng, rc[0]), '',
             rng.choice(REASONS)[0].replace('%s', rc[0])]
    orig, os_ = original(rng, rc)
    return multipart(rng, '', subj % os_, '\n'.join(lines) + '\n',
                     orig), 'bounce', rc


REJECT_TEXTS = [
    'Your message to <%s> was automatically rejected:\n%s',
    'Your message was automatically rejected by Sieve, a mail\nfiltering '
    'language.\n\nThe following reason was given:\n%s',
    'This message was refused by the recipient\'s mail filter.\n'
    'Reason: %s',
    'Ihre Nachricht wurde automatisch abgewiesen:\n%s',
]
REJECT_REASONS = ['Quota exceeded', 'I do not accept mail from you.',
                  'Mailbox is full', 'Message rejected by filter rule']


def c_disposition(rng):
    """disposition notifications: a filter's reject (RFC 5429: a bounce of
    the Final-Recipient), a read receipt, a person's deletion (neither)"""
    who = addr(rng)
    orig, subj = original(rng, [who])
    turn = rng.randrange(4)
    why = rng.choice(REJECT_REASONS)
    if turn < 2:
        text = rng.choice(REJECT_TEXTS)
        text = text % ((who, why) if text.count('%s') == 2 else (why,))
        disp = rng.choice([
            'automatic-action/MDN-sent-automatically; deleted',
            'Automatic-Action/MDN-Sent-Automatically;deleted',
            'automatic-action/mdn-sent-automatically; deleted/error',
            'automatic-action/MDN-sent-automatically; denied'])
        kind, rc = 'bounce', [who]
    elif turn == 2:
        text = 'Your message was displayed on %s.' % who
        disp = rng.choice(['manual-action/MDN-sent-manually; displayed',
                           'automatic-action/MDN-sent-automatically; '
                           'displayed'])
        kind, rc = 'other', []
    else:
        text = 'Your message was deleted without being read.'
        disp = 'manual-action/MDN-sent-manually; deleted'
        kind, rc = 'other', []
    b = 'd%d' % rng.randrange(10 ** 6)
    extra = ('Auto-Submitted: auto-replied (rejected)\n' if kind == 'bounce'
             and rng.randrange(2) else '')
    subject = rng.choice(['Automatically rejected mail',
                          'Rejected: %s' % subj, 'Disposition notification',
                          'Read: %s' % subj]) if kind == 'bounce' else \
        'Read: %s' % subj
    final = rng.choice(['rfc822; %s' % who, 'rfc822;%s' % who,
                        'RFC822; <%s>' % who])
    msg = (envelope(rng, subject, extra,
                    'multipart/report; report-type=disposition-notification;'
                    ' boundary="%s"' % b, sender=rng.choice([
                        'Mail Delivery Subsystem <MAILER-DAEMON@imap.%s>' %
                        rng.choice(DOMAINS), who])) +
           '\n--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n\n'
           '--%s\nContent-Type: message/disposition-notification\n\n'
           'Reporting-UA: imap.example; Mail Filter 1.0\nFinal-Recipient: %s\n'
           'Original-Message-ID: <orig@home.example>\nDisposition: %s\n\n'
           '--%s\nContent-Type: message/rfc822\n\n%s\n--%s--\n' %
           (b, text, b, final, disp, b, orig, b))
    return msg, kind, rc


# Reports whose sentence opens on a capital that is not ASCII (Cyrillic,
# Greek, Latin-1): the reader must not need the phrase in lower case.
CAPITAL_PHRASES = [
    ('Не удалось доставить сообщение следующим получателям:',
     'Не доставлено: %s'),
    ('Δεν ήταν δυνατή η παράδοση του μηνύματος στους παραλήπτες:',
     'Δεν παραδόθηκε: %s'),
    ('Échec de la remise du message aux destinataires suivants :',
     'Échec de la remise : %s'),
    ('Не може бути доставлено. Не вдалося доставити повідомлення:',
     'Не доставлено: %s'),
    ('Ошибка: сообщение не может быть доставлено получателям:',
     'Недоставлено: %s'),
]
CAPITAL_REPLIES = ['Автоматический ответ: %s', 'Αυτόματη απάντηση: %s',
                   'Réponse automatique : %s', 'Automatická odpověď: %s']


def c_capitals(rng):
    """a bounce, or an auto-reply, in words that open on a capital"""
    if rng.randrange(4) == 0:
        who = addr(rng)
        subj = rng.choice(CAPITAL_REPLIES) % rng.choice(SUBJECTS)
        msg = ('From: Someone <%s>\nTo: %s\nSubject: %s\nDate: Mon, 2 Mar '
               '2026 10:05:00 +0000\nMessage-ID: <v%d@example>\nMIME-Version: '
               '1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' %
               (who, ME, subj, rng.randrange(10 ** 6),
                rng.choice(['Я в отпуске до понедельника.',
                            'Είμαι εκτός γραφείου.', 'Je suis absent.'])))
        return msg, 'autoreply', [who]
    rc = [addr(rng)]
    phrase, subj = rng.choice(CAPITAL_PHRASES)
    lines = [phrase, '', '  ' + rc[0], '', rng.choice(REASONS)[0].replace(
        '%s', rc[0])]
    orig, os_ = original(rng, rc)
    return multipart(rng, '', subj % os_, '\n'.join(lines) + '\n', orig,
                     ), 'bounce', rc


CLASSES = [('nextline', c_nextline), ('list', c_list), ('table', c_table),
           ('header', c_header_only), ('sentence', c_sentence),
           ('html', c_html), ('list-post', c_mailing_list),
           ('gateway', c_gateway), ('challenge', c_challenge),
           ('vacation', c_vacation), ('feedback', c_feedback),
           ('notbounce', c_not_a_bounce), ('language', c_language),
           ('disposition', c_disposition), ('capitals', c_capitals)]


def line_ends(rng, msg):
    return rng.choice([msg, msg.replace('\n', '\r\n'),
                       msg.replace('\n', '\r')])


def main(argv):
    out = argv[1]
    count = int(argv[2]) if len(argv) > 2 else 20
    rng = random.Random(int(argv[3]) if len(argv) > 3 else 1)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'labels.tsv'), 'w') as lab:
        lab.write('file\tclass\tkind\trecipients\n')
        for name, fn in CLASSES:
            for i in range(count):
                msg, kind, rc = fn(rng)
                f = '%s-%03d.eml' % (name, i)
                with open(os.path.join(out, f), 'wb') as w:
                    w.write(line_ends(rng, msg).encode('utf-8'))
                lab.write('%s\t%s\t%s\t%s\n' % (f, name, kind,
                                                ','.join(rc) or '-'))


if __name__ == '__main__':
    main(sys.argv)
