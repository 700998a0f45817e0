#!/usr/bin/env python3
"""mutate.py - every corpus message, changed in ways that change nothing a
reader should care about, must read as its original does.

usage: mutate.py [-v] CORPUS_DIR [NDRSWEEP]

From each message of the Sisimai and BounceParser collections it makes
these variants (a variant that would not differ from the original, say no
header line long enough to fold, is not made):
  crlf      every line end CRLF
  cr        every line end a lone CR (old Mac OS)
  mixed     CRLF and LF line ends alternating
  blank     a blank and a whitespace-only line before the headers
            (cr and blank: not for an mbox file, which they would make
            one message instead of several)
  fold      header fields folded at a space after column 30
  decorate  each Final-Recipient and Original-Recipient value written
            "rfc822; <address>" instead of "rfc822; address"
  wrap      the report's text rewrapped at 50 columns (lines of prose
            longer than that broken at a space; not headers, not
            "field: value" lines, not lines with an address or a code)
  base64    the report's first text part base64-encoded
  qp        the report's first text part quoted-printable-encoded
  lower     the report's field names (Final-Recipient, Status, Action...)
            in lower case
  upper     the same in upper case
  tabs      a tab, not a space, after the colon of those fields
  mbox      an mbox's "From " line first (the message's own lines that
            start with "From " escaped with ">", as mbox writers do)
  cut       the returned original's body cut 200 bytes in (its headers
            kept), as a server that returns only part of it does
  html      the report's first text part as HTML only: a <br> at each
            line's end, leading blanks as &nbsp;, <, > and & as entities,
            a style sheet, and the source broken at a blank past column
            60 (as Exchange and webmail gateways send it)
  reorder   the message's own header fields in reverse order
  subj      the Subject as an RFC 2047 encoded word (UTF-8, base64)
  dsnorder  each recipient's fields in the delivery-status part in reverse
            order (RFC 3464 fixes no order; Facebook writes Status first)
  ucaddr    the failed recipients' addresses in upper case, wherever
            written
  ctcase    MIME types and parameter names in upper case
  noenv     the delivery's traces stripped (the message's own
            Delivered-To, X-Original-To, Received), as exporters do; its
            Return-Path kept (the envelope sender is evidence, not form)
  noise     a spam filter's fields and a DKIM signature added on top
  origtext  the returned original attached as application/octet-stream,
            not message/rfc822 (gateways: "name=ATT00001.eml")
  dsntext   the delivery-status part labelled text/plain (old Exchange,
            gateways); made where its fields say what it is (its own
            header lines proper fields, its first one RFC 3464's, a
            Final-Recipient and a Status or an Action in it)
  fromenc   the From's display name as an RFC 2047 encoded word
  hdrlower  the message's own field names in lower case
  trailing  a blank at the end of every line with text (quoted-printable
            soft breaks "= " included: RFC 2045 says such blanks go)
  nest      the report's first text part inside a multipart/alternative
            with an HTML version of it (as Exchange and Office 365 send)
  spamtag   a filter's "[SPAM] " before the Subject
  unfold    the message's own folded fields joined on one line
  unwrap    the report's prose lines of a paragraph joined into one
  angle     in the report's text, each failed recipient's address in
            angle brackets

"Reads as its original": the same kind and the same recipients, each with
the same address, action, status and reason. Printed: one line per
variant (N/M same), a total, and with -v the first differences. Exit 0
when every variant reads as its original, 1 otherwise, 77 without corpus.
"""
import base64
import json
import os
import quopri
import re
import subprocess
import sys
import tempfile


def lf(b):
    return b.replace(b'\r\n', b'\n').replace(b'\r', b'\n')


def header_end(b):
    i = b.find(b'\n\n')
    return len(b) if i < 0 else i + 1


def v_crlf(b):
    return lf(b).replace(b'\n', b'\r\n')


def v_cr(b):
    return lf(b).replace(b'\n', b'\r')


def v_mixed(b):
    lines = lf(b).split(b'\n')
    return b''.join(l + (b'\r\n' if i % 2 else b'\n')
                    for i, l in enumerate(lines[:-1])) + lines[-1]


def v_blank(b):
    return b'\n \t\n' + lf(b)


def fold_line(l):
    # a header field ("Name: value"), not an mbox "From " line
    if len(l) < 50 or l[:1] in (b' ', b'\t') or b':' not in l[:40] or \
            b' ' in l[:l.index(b':')]:
        return l
    i = l.find(b' ', 30)
    if i < 0 or i >= len(l) - 1:
        return l
    return l[:i] + b'\n' + l[i:]


def v_fold(b):
    b = lf(b)
    h = header_end(b)
    head = b[:h].split(b'\n')
    return b'\n'.join(fold_line(l) for l in head) + b[h:]


DSN_RCPT = re.compile(rb'^((?:Final|Original)-Recipient:[ \t]*rfc822;[ \t]*)'
                      rb'([^<>\s"]+@[^<>\s"]+)[ \t]*$', re.I | re.M)


def v_decorate(b):
    return DSN_RCPT.sub(rb'\1<\2>', lf(b))


def boundary_of(headers):
    m = re.search(rb'boundary="?([^";\s]+)"?', headers, re.I)
    return m.group(1) if m else None


def first_text_part(b):
    """(start, end) of the header block + body of the report's first
    text/plain part, and the message's own headers' end; or None"""
    h = header_end(b)
    top = b[:h]
    ctype = re.search(rb'^content-type:[^\n]*(\n[ \t][^\n]*)*', top,
                      re.I | re.M)
    ct = ctype.group(0).lower() if ctype else b'text/plain'
    if b'multipart/' not in ct:
        if b'text/plain' not in ct and ctype:
            return None
        return (0, h + 1, len(b), True)
    bd = boundary_of(ctype.group(0))
    if not bd:
        return None
    delim = b'\n--' + bd
    pos = b.find(delim, h - 1)
    while pos >= 0:
        start = pos + len(delim)
        if b[start:start + 2] == b'--':
            return None
        start = b.find(b'\n', start) + 1
        nxt = b.find(delim, start)
        if start <= 0 or nxt < 0:
            return None
        # a part without fields starts with its blank line
        ph = start + 1 if b[start:start + 1] == b'\n' else \
            header_end(b[start:nxt]) + start + 1
        phead = b[start:ph].lower()
        if (b'content-type' not in phead or b'text/plain' in phead) and \
                b'content-transfer-encoding' not in phead and \
                b'multipart/' not in phead:
            return (start, ph, nxt, False)
        pos = nxt
    return None


def encoded(b, how):
    b = lf(b)
    p = first_text_part(b)
    if p is None:
        return None
    start, ph, end, top = p
    head, body = b[start:ph], b[ph:end]
    if re.search(rb'^content-transfer-encoding:', head, re.I | re.M) or \
            not (head.endswith(b'\n\n') or head == b'\n'):
        return None
    if not body.strip():
        return None
    if how == 'base64':
        enc = base64.encodebytes(body)
    else:
        enc = quopri.encodestring(body)
    cte = b'Content-Transfer-Encoding: ' + how.encode() + b'\n'
    # head ends with its blank line: the fields go before it
    ctf = b'' if re.search(rb'^content-type:', head, re.I | re.M) else \
        b'Content-Type: text/plain\n'
    newhead = head[:-1] + ctf + cte + b'\n'
    return b[:start] + newhead + enc.rstrip(b'\n') + b'\n' + b[end:]


def v_base64(b):
    return encoded(b, 'base64')


def v_qp(b):
    return encoded(b, 'quoted-printable')


PROSE_SKIP = re.compile(rb'@|[0-9]\.[0-9]|\b[245][0-9][0-9]\b|^[\w-]+:|'
                        rb'^[ \t>|-]|<|>|https?:|=$|^--')


def wrap_line(l, width=50):
    if len(l) <= width or not is_prose(l):
        return [l]
    out = []
    while len(l) > width:
        i = l.rfind(b' ', 0, width)
        if i <= 0:
            break
        out.append(l[:i])
        l = l[i + 1:]
    return out + [l]


def in_text(b, fn):
    """b with fn(body) for the body of the report's first text part"""
    b = lf(b)
    p = first_text_part(b)
    if p is None:
        return None
    start, ph, end, top = p
    # a message that is one encoded text part: its body is no text
    if top and re.search(rb'^content-transfer-encoding:[ \t]*(base64|'
                         rb'quoted-printable)', b[:ph], re.I | re.M):
        return None
    body = fn(b[ph:end])
    if body is None or body == b[ph:end]:
        return None
    return b[:ph] + body + b[end:]


def is_prose(l):
    return bool(l.strip()) and not PROSE_SKIP.search(l) and \
        b'  ' not in l.strip()


def v_wrap(b):
    def wrap(body):
        new = []
        for l in body.split(b'\n'):
            new.extend(wrap_line(l))
        return b'\n'.join(new)
    return in_text(b, wrap)


DSN_FIELDS = (b'final-recipient', b'original-recipient', b'action', b'status',
              b'diagnostic-code', b'remote-mta', b'reporting-mta',
              b'arrival-date', b'last-attempt-date', b'x-actual-recipient')


def dsn_names(b, how):
    out = []
    changed = False
    for l in lf(b).split(b'\n'):
        m = re.match(rb'^([A-Za-z-]+)(:.*)$', l)
        if m and m.group(1).lower() in DSN_FIELDS:
            n = how(m.group(1))
            changed |= n != m.group(1)
            l = n + m.group(2)
        out.append(l)
    return b'\n'.join(out) if changed else None


def v_lower(b):
    return dsn_names(b, lambda n: n.lower())


def v_upper(b):
    return dsn_names(b, lambda n: n.upper())


def v_mbox(b):
    if b.startswith(b'From '):
        return None
    # as an mbox writer does: a line of the message that starts with
    # "From " (or ">From ") gets one more ">"
    body = re.sub(rb'(?m)^(>*From )', rb'>\1', lf(b))
    return b'From MAILER-DAEMON Thu Jan  1 00:00:00 2009\n' + body


def v_cut(b):
    # the returned original cut short: its headers kept, its body cut
    # after 200 bytes, as a mail system that returns only a part does
    x = lf(b)
    if x.startswith(b'From '):
        return None    # an mbox: its next messages would go too
    ms = list(re.finditer(rb'(?im)^content-type:\s*(message/rfc822|text/rfc822-headers)[^\n]*\n(?:[ \t][^\n]*\n)*(?:[^\n]+\n)*\n', x))
    if not ms:
        return None
    m = ms[-1]    # the last: the original, not a report forwarded whole
    rest = x[m.end():]
    hb = rest.find(b'\n\n')
    if hb < 0 or len(rest) - hb < 400:
        return None
    return x[:m.end()] + rest[:hb + 2 + 200] + b'\n'


def v_tabs(b):
    # "Field: value" in the report as "Field:\tvalue"
    out = []
    changed = False
    for l in lf(b).split(b'\n'):
        m = re.match(rb'^([A-Za-z-]+):( +)(.*)$', l)
        if m and m.group(1).lower() in DSN_FIELDS:
            l = m.group(1) + b':\t' + m.group(3)
            changed = True
        out.append(l)
    return b'\n'.join(out) if changed else None


def plain_part(b):
    """(start, ph, end, head, body) of the report's first text part when
    it is a part of its own, not encoded, its header ended by a blank
    line, its body not empty; or None"""
    p = first_text_part(b)
    if p is None:
        return None
    start, ph, end, top = p
    head, body = b[start:ph], b[ph:end]
    if top or re.search(rb'^content-transfer-encoding:', head, re.I | re.M) \
            or not (head.endswith(b'\n\n') or head == b'\n') or \
            not body.strip():
        return None
    return start, ph, end, head, body


def html_escape(body):
    return body.replace(b'&', b'&amp;').replace(b'<', b'&lt;').replace(
        b'>', b'&gt;')


def v_html(b):
    # the report's first text part as HTML only, as Exchange and
    # webmail gateways send: each line a <br>, the text's <, > and &
    # as entities
    b = lf(b)
    p = plain_part(b)
    if p is None:
        return None
    start, ph, end, head, body = p
    esc = html_escape(body)
    # as a browser shows it: a line's leading blanks as &nbsp;
    lines = [re.sub(rb'^[ \t]+', lambda m: b'&nbsp;' * len(m.group(0)), l)
             for l in esc.rstrip(b'\n').split(b'\n')]
    html = b'<html><head><style>p { margin: 0 }</style></head><body>\n' + \
        b'<br>\n'.join(lines) + b'<br>\n</body></html>\n'
    # and its source broken at a blank past column 60, as gateways do
    out = []
    for l in html.split(b'\n'):
        while len(l) > 60 and l.find(b' ', 60) > 0:
            k = l.find(b' ', 60)
            out.append(l[:k])
            l = l[k + 1:]
        out.append(l)
    html = b'\n'.join(out)
    head2 = re.sub(rb'(?im)^content-type:[^\n]*(\n[ \t][^\n]*)*\n', b'',
                   head)
    newhead = head2[:-1] + b'Content-Type: text/html; charset=us-ascii\n\n'
    return b[:start] + newhead + html + b[end:]


def v_reorder(b):
    # the message's own header fields in reverse order (an exporter's)
    x = lf(b)
    if x.startswith(b'From '):
        return None
    h = header_end(x)
    fields = re.findall(rb'[^ \t\n][^\n]*\n(?:[ \t][^\n]*\n)*', x[:h])
    if b''.join(fields) != x[:h] or len(fields) < 2:
        return None
    return b''.join(reversed(fields)) + x[h:]


def v_subj(b):
    # the Subject as an RFC 2047 encoded word (UTF-8, base64)
    x = lf(b)
    h = header_end(x)
    m = re.search(rb'(?im)^subject:[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)\n',
                  x[:h])
    if not m or b'=?' in m.group(1) or not m.group(1).strip():
        return None
    val = re.sub(rb'\n[ \t]+', b' ', m.group(1)).strip()
    enc = b'=?UTF-8?B?' + base64.b64encode(val) + b'?='
    return x[:m.start()] + b'Subject: ' + enc + b'\n' + x[m.end():]


def v_dsnorder(b):
    # in message/delivery-status, each recipient's fields in reverse order
    x = lf(b)
    m = re.search(rb'(?im)^content-type:\s*message/delivery-status[^\n]*\n(?:[ \t][^\n]*\n)*(?:[^\n]+\n)*\n', x)
    if not m:
        return None
    end = x.find(b'\n--', m.end())
    if end < 0:
        return None
    body = x[m.end():end]
    groups = re.split(rb'\n[ \t]*\n', body)
    if len(groups) < 2:
        return None
    out = [groups[0]]
    for g in groups[1:]:
        fields = re.findall(rb'[^ \t\n][^\n]*(?:\n[ \t][^\n]*)*', g)
        out.append(b'\n'.join(reversed(fields)))
    nb = b'\n\n'.join(out)
    return None if nb == body else x[:m.end()] + nb + x[end:]


def v_ucaddr(b):
    # the failed recipients' addresses in upper case, wherever written
    x = lf(b)
    addrs = set(a.lower() for a in re.findall(
        rb'(?im)^final-recipient:[ \t]*rfc822;[ \t]*<?([^\s>]+@[^\s>]+)', x))
    if not addrs:
        return None
    def up(m):
        return m.group(0).upper() if m.group(0).lower() in addrs else m.group(0)
    y = re.sub(rb'[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+', up, x)
    return None if y == x else y


def v_ctcase(b):
    # MIME types and parameter names in upper case (they are case-blind)
    x = lf(b)
    def up(m):
        v = re.sub(rb'(boundary=)("?)([^";\s]+)', lambda k: k.group(1).upper() + k.group(2) + k.group(3), m.group(2), flags=re.I)
        v = re.sub(rb'^([^;]+)', lambda k: k.group(1).upper(), v)
        v = re.sub(rb'(report-type=)("?)([\w-]+)', lambda k: k.group(1).upper() + k.group(2) + k.group(3).upper(), v, flags=re.I)
        v = re.sub(rb'(charset=)', lambda k: k.group(1).upper(), v, flags=re.I)
        return m.group(1) + v
    y = re.sub(rb'(?im)^(content-type:[ \t]*)([^\n]*)', up, x)
    return None if y == x else y


def v_noenv(b):
    # the delivery's traces stripped, as some exporters do: the message's
    # own Delivered-To, X-Original-To and Received fields (its
    # Return-Path kept: the envelope sender is what says "a daemon")
    x = lf(b)
    if x.startswith(b'From '):
        return None
    h = header_end(x)
    fields = re.findall(rb'[^ \t\n][^\n]*\n(?:[ \t][^\n]*\n)*', x[:h])
    if b''.join(fields) != x[:h]:
        return None
    keep = [f for f in fields if not re.match(
        rb'(?i)(delivered-to|x-original-to|received):', f)]
    if len(keep) == len(fields):
        return None
    return b''.join(keep) + x[h:]


def v_noise(b):
    # a spam filter's and a signer's fields added on top
    x = lf(b)
    if x.startswith(b'From '):
        return None
    return (b'X-Spam-Status: No, score=-0.1 required=5.0 tests=BAYES_00\n'
            b'X-Spam-Flag: NO\nX-Virus-Scanned: amavisd-new at near.example\n'
            b'DKIM-Signature: v=1; a=rsa-sha256; d=far.example; s=s1;\n'
            b'\th=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n'
            b'\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==\n') + x


def retype(b, old, new):
    x = lf(b)
    y = re.sub(rb'(?im)^(content-type:[ \t]*)' + old + rb'\b', lambda m: m.group(1) + new, x, count=1)
    return None if y == x else y


DSN_FIRST = (b'reporting-mta', b'original-envelope-id', b'arrival-date',
             b'received-from-mta', b'dsn-gateway', b'final-recipient',
             b'original-recipient', b'action', b'status', b'diagnostic-code',
             b'remote-mta', b'x-actual-recipient')


def v_dsntext(b):
    # the delivery-status part labelled text/plain (old Exchange, some
    # gateways); made only where its fields say what it is: it starts
    # with one of RFC 3464's (not a vendor's X- field) and holds a
    # Final-Recipient and a Status or an Action
    x = lf(b)
    m = re.search(rb'(?im)^content-type:[ \t]*message/delivery-status[^\n]*\n(?:[ \t][^\n]*\n)*(?:[^\n]+\n)*\n', x)
    if not m:
        return None
    # its own header lines proper fields (not a vendor's broken ones,
    # which end the part's header where a reader must guess)
    for l in x[m.start():m.end()].split(b'\n')[:-2]:
        if not re.match(rb'[A-Za-z0-9-]+:|[ \t]', l):
            return None
    end = x.find(b'\n--', m.end())
    body = x[m.end():end if end >= 0 else len(x)].lower()
    first = re.match(rb'\s*([a-z-]+):', body)
    if not first or first.group(1) not in DSN_FIRST or \
            b'final-recipient:' not in body or \
            (b'status:' not in body and b'action:' not in body):
        return None
    return retype(b, rb'message/delivery-status', b'text/plain')



def v_origtext(b):
    # the returned original as an attachment of octets, not message/rfc822
    return retype(b, rb'message/rfc822', b'application/octet-stream')


def v_fromenc(b):
    # the From's display name as an RFC 2047 encoded word
    x = lf(b)
    h = header_end(x)
    m = re.search(rb'(?im)^from:[ \t]*"?([^"<\n]+?)"?[ \t]*<([^>\n]+)>[ \t]*\n', x[:h])
    if not m or b'=?' in m.group(1):
        return None
    enc = b'=?UTF-8?B?' + base64.b64encode(m.group(1).strip()) + b'?='
    return x[:m.start()] + b'From: ' + enc + b' <' + m.group(2) + b'>\n' + x[m.end():]


def v_hdrlower(b):
    # the message's own field names in lower case
    x = lf(b)
    if x.startswith(b'From '):
        return None
    h = header_end(x)
    y = re.sub(rb'(?m)^([A-Za-z][A-Za-z0-9-]*):', lambda m: m.group(1).lower() + b':', x[:h])
    return None if y == x[:h] else y + x[h:]


def v_trailing(b):
    # a blank at the end of every line that has text
    x = lf(b)
    if x.startswith(b'From '):
        return None
    return re.sub(rb'(?m)([^\s])$', rb'\1 ', x)


def v_nest(b):
    # the report's first text part inside a multipart/alternative, with
    # an HTML version of it (as Exchange and Office 365 send)
    b = lf(b)
    p = plain_part(b)
    if p is None:
        return None
    start, ph, end, head, body = p
    esc = html_escape(body)
    bd = b'alt-ndrsweep-mutate-0'
    plainhead = head if re.search(rb'^content-type:', head, re.I | re.M) \
        else b'Content-Type: text/plain\n\n'
    alt = (b'Content-Type: multipart/alternative; boundary="' + bd +
           b'"\n\n--' + bd + b'\n' + plainhead + body.rstrip(b'\n') +
           b'\n--' + bd + b'\nContent-Type: text/html\n\n<html><body>' +
           esc.rstrip(b'\n').replace(b'\n', b'<br>\n') +
           b'</body></html>\n--' + bd + b'--\n')
    return b[:start] + alt + b[end:]


def v_spamtag(b):
    # a filter's tag before the Subject
    x = lf(b)
    h = header_end(x)
    m = re.search(rb'(?im)^subject:[ \t]*', x[:h])
    if not m:
        return None
    return x[:m.end()] + b'[SPAM] ' + x[m.end():]


def v_unfold(b):
    # the message's own folded fields joined on one line
    x = lf(b)
    if x.startswith(b'From '):
        return None
    h = header_end(x)
    y = re.sub(rb'\n[ \t]+', b' ', x[:h - 1]) + x[h - 1:]
    return None if y == x else y


def v_unwrap(b):
    # the report's prose unwrapped: lines of a paragraph that are prose
    # (as wrap tells them) joined into one, as a gateway that does not
    # wrap sends them
    def unwrap(body):
        out = []
        for l in body.split(b'\n'):
            if out and is_prose(l) and is_prose(out[-1]) and \
                    len(out[-1]) > 40:
                out[-1] = out[-1].rstrip() + b' ' + l.strip()
            else:
                out.append(l)
        return b'\n'.join(out)
    return in_text(b, unwrap)


def v_angle(b):
    # in the report's first text part, each failed recipient's address
    # written alone in angle brackets
    x = lf(b)
    addrs = set(a.lower() for a in re.findall(
        rb'(?im)^final-recipient:[ \t]*rfc822;[ \t]*<?([^\s>]+@[^\s>]+)', x))
    if not addrs:
        return None

    def br(m):
        a = m.group(2)
        return m.group(0) if a.lower() not in addrs else \
            m.group(1) + b'<' + a + b'>'
    return in_text(x, lambda body: re.sub(
        rb'(^|[\s:;,(])([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[A-Za-z])'
        rb'(?![>\w.@-])', br, body))


VARIANTS = [('crlf', v_crlf), ('cr', v_cr), ('mixed', v_mixed),
            ('blank', v_blank), ('fold', v_fold), ('decorate', v_decorate),
            ('wrap', v_wrap), ('base64', v_base64), ('qp', v_qp),
            ('lower', v_lower), ('upper', v_upper), ('mbox', v_mbox),
            ('cut', v_cut), ('tabs', v_tabs), ('html', v_html),
            ('reorder', v_reorder), ('subj', v_subj),
            ('dsnorder', v_dsnorder), ('ucaddr', v_ucaddr),
            ('ctcase', v_ctcase), ('noenv', v_noenv), ('noise', v_noise),
            ('dsntext', v_dsntext), ('origtext', v_origtext),
            ('fromenc', v_fromenc), ('hdrlower', v_hdrlower),
            ('trailing', v_trailing), ('nest', v_nest),
            ('spamtag', v_spamtag), ('unfold', v_unfold),
            ('unwrap', v_unwrap), ('angle', v_angle)]


def reading(j):
    return (j.get('kind'), tuple(
        (r.get('address'), r.get('action'), r.get('status'), r.get('reason'))
        for r in j.get('recipients', [])))


def classify(tool, files):
    out = {}
    for i in range(0, len(files), 400):
        p = subprocess.run([tool, 'classify', '--json'] + files[i:i + 400],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for line in p.stdout.decode('utf-8', 'replace').splitlines():
            j = json.loads(line)
            f = j['file']
            m = re.match(r'^(.*):[0-9]+$', f)
            if m and not os.path.exists(f):
                f = m.group(1)    # an mbox's Nth message
            out.setdefault(f, []).append(reading(j))
    return out


def main(argv):
    verbose = '-v' in argv
    args = [a for a in argv[1:] if a != '-v']
    if not args or not os.path.isdir(os.path.join(args[0], 'sisimai')):
        print('corpus not found: nothing measured')
        return 77
    corpus, tool = args[0], (args[1] if len(args) > 1 else './ndrsweep')
    srcs = []
    for d in ('sisimai/maildir/bsd', 'bounceparser/messages'):
        base = os.path.join(corpus, d)
        srcs += sorted(os.path.join(base, f) for f in os.listdir(base))
    # flufl.bounce's test bounces, where Debian's python3-flufl.bounce is
    flufl = '/usr/lib/python3/dist-packages/flufl/bounce/tests/data'
    if os.path.isdir(flufl):
        srcs += sorted(os.path.join(flufl, f) for f in os.listdir(flufl)
                       if f.endswith('.txt'))
    tmp = tempfile.mkdtemp(prefix='ndrsweep-mutate.')
    made = {}
    for name, fn in VARIANTS:
        os.mkdir(os.path.join(tmp, name))
    for k, src in enumerate(srcs):
        with open(src, 'rb') as f:
            raw = f.read()
        for name, fn in VARIANTS:
            # an mbox ("From " first) is cut into messages at its "From "
            # lines: with a blank line first, or lone CRs, it is not one
            if raw.startswith(b'From ') and name in ('blank', 'cr'):
                continue
            v = fn(raw)
            if v is None or v == raw:
                continue
            path = os.path.join(tmp, name, '%04d' % k)
            with open(path, 'wb') as f:
                f.write(v)
            made.setdefault(name, []).append((src, path))
    orig = classify(tool, srcs)
    total = same = 0
    for name, _ in VARIANTS:
        pairs = made.get(name, [])
        got = classify(tool, [p for _, p in pairs])
        ok = 0
        shown = 0
        for src, path in pairs:
            if got.get(path) == orig.get(src):
                ok += 1
            elif verbose and shown < 8:
                shown += 1
                print('  %s %s: %s\n      want %s' % (
                    name, os.path.basename(src), got.get(path),
                    orig.get(src)))
        print('%s: %d/%d variants read as their original' %
              (name, ok, len(pairs)))
        total += len(pairs)
        same += ok
    subprocess.run(['rm', '-rf', tmp])
    print('all: %d/%d variants (%.2f%%)' % (same, total,
                                           100.0 * same / max(total, 1)))
    return 0 if same == total else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
