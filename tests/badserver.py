#!/usr/bin/env python3
"""badserver.py - a scripted hostile IMAP server for the tests.

usage: badserver.py LISTEN_PORT TARGET_PORT MODE [WORD]

Listens on 127.0.0.1:LISTEN_PORT and, for each connection, talks to the
real Dovecot on 127.0.0.1:TARGET_PORT, passing every byte both ways until
the client sends a command whose name (after the tag; "UID MOVE" counts as
MOVE) is WORD. That command is not passed on: the proxy answers it as MODE
says, on every connection, so a client that connects again meets the same.

  no       a tagged "NO [OVERQUOTA]" (the command was refused, nothing done)
  cut      the connection closed at once (the client dies mid-command)
  endless  "* WORD (" and then bytes without a line end, as fast as read
  literal  "* WORD () "/" {1099511627776}" and then the literal's bytes
  trickle  "* WORD (" and then one byte a second
  silent   nothing at all, the connection left open
  greeting with WORD "-": no greeting either (a server that never speaks)
  bye      "* BYE" and the connection closed (a server that goes away
           instead of answering)
  bigsearch  "* ESEARCH (TAG ...) UID ALL 1:4294967295" and OK: every
           UID there can be, for a folder of a few messages
  zbomb    (for COMPRESS) OK, then a deflate stream that inflates to one
           line without end: a few bytes sent for each 64 KiB it means
  zjunk    (for COMPRESS) OK, then plain text where deflate is due
  pass     nothing answered: every command passed on and its name printed
           ("saw WORD"), to count what a client asks
  nocaps   as pass, and what the server says of its capabilities unasked
           (in its greeting, in the answer to a login) is cut out: only
           the answer to a CAPABILITY command tells them, and not ESEARCH
           (a server without it)

Bounded: what one connection is sent stops at 4 GiB or 200 s, and the
proxy ends by itself after 600 s. It prints one line per command it
answered ("hit WORD MODE") and, on SIGTERM, its totals.
"""
import re, signal, socket, sys, threading, time, zlib

listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
mode = sys.argv[3]
word = (sys.argv[4] if len(sys.argv) > 4 else 'MOVE').upper()
LIMIT_BYTES, LIMIT_SECS, LIFETIME = 4 << 30, 200, 600
hits = 0
sent_total = 0
lock = threading.Lock()


def say(*a):
    with lock:
        print(*a, flush=True)


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


CAPS_CODE = re.compile(rb'\[CAPABILITY [^\]]*\] ?')


def uncapped(line, asked):
    """a server's line without the capabilities it was not asked for"""
    if line.startswith(b'* CAPABILITY '):
        if asked[0] > 0:
            return line.replace(b' ESEARCH', b'')
        return b''
    if line.startswith(b'* ') or line[:1].isalnum():
        if asked[0] > 0 and not line.startswith(b'* '):
            asked[0] -= 1       # the tagged end of the CAPABILITY asked
        return CAPS_CODE.sub(b'', line)
    return line


def pump(src, dst, stop, asked=None):
    """server to client, until either side ends or stop is set"""
    buf = b''
    try:
        while not stop.is_set():
            data = src.recv(65536)
            if not data or stop.is_set():
                break
            if asked is None:
                dst.sendall(data)
                continue
            buf += data
            out = b''
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                out += uncapped(line + b'\n', asked)
            dst.sendall(out)
    except OSError:
        pass


def flood(c, first, chunk, pace):
    """first, then chunk after chunk (one each pace seconds), bounded"""
    global sent_total
    sent, start = 0, time.time()
    try:
        c.sendall(first)
        while sent < LIMIT_BYTES and time.time() - start < LIMIT_SECS:
            c.sendall(chunk)
            sent += len(chunk)
            if pace:
                time.sleep(pace)
    except OSError:
        pass
    with lock:
        sent_total += sent


def command_word(line):
    parts = line.rstrip(b'\r').split(b' ', 3)
    if len(parts) < 2:
        return b''
    w = parts[1].upper()
    if w == b'UID' and len(parts) > 2:
        w = parts[2].upper()
    return w


def serve(c):
    global hits
    if mode == 'greeting':
        time.sleep(LIMIT_SECS)
        close(c)
        return
    try:
        t = socket.create_connection(('127.0.0.1', target_port))
    except OSError:
        close(c)
        return
    stop = threading.Event()
    asked = [0] if mode == 'nocaps' else None
    th = threading.Thread(target=pump, args=(t, c, stop, asked), daemon=True)
    th.start()
    buf = b''
    raw = False     # after a STARTTLS passed on: TLS bytes, not lines
    try:
        while True:
            data = c.recv(65536)
            if not data:
                break
            if raw:
                t.sendall(data)
                continue
            buf += data
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                cw = command_word(line).decode('ascii', 'replace')
                if mode in ('pass', 'nocaps'):
                    # IR: an AUTHENTICATE with its first data (SASL-IR)
                    say('saw', cw + (' RETURN' if cw == 'SEARCH' and
                                     b'RETURN' in line.upper() else '') +
                        (' IR' if cw == 'AUTHENTICATE' and
                         len(line.split()) > 3 else ''))
                    if cw == 'CAPABILITY' and asked is not None:
                        asked[0] += 1
                if cw != word or mode in ('pass', 'nocaps'):
                    t.sendall(line + b'\n')
                    if cw == 'STARTTLS':
                        raw = True
                        t.sendall(buf)
                        buf = b''
                        break
                    continue
                with lock:
                    hits += 1
                say('hit', word, mode)
                tag = line.split(b' ', 1)[0]
                if mode == 'no':
                    c.sendall(tag + b' NO [OVERQUOTA] Quota exceeded '
                              b'(badserver.py)\r\n')
                    continue
                if mode == 'bye':
                    c.sendall(b'* BYE Going away (badserver.py)\r\n')
                    stop.set()
                    close(c, t)
                    return
                if mode == 'bigsearch':
                    c.sendall(b'* ESEARCH (TAG "' + tag + b'") UID ALL '
                              b'1:4294967295\r\n' + tag +
                              b' OK Search done (badserver.py)\r\n')
                    continue
                stop.set()
                close(t)
                w = word.encode()
                if mode in ('zbomb', 'zjunk'):
                    c.sendall(tag + b' OK Begin compression (badserver.py)'
                              b'\r\n')
                if mode == 'zbomb':
                    # each chunk refers back only to x's: repeated, it is
                    # still one valid stream
                    z = zlib.compressobj(9, zlib.DEFLATED, -15)
                    first = z.compress(b'* 1 FETCH (' + b'x' * 65536) + \
                        z.flush(zlib.Z_SYNC_FLUSH)
                    chunk = z.compress(b'x' * 65536) + \
                        z.flush(zlib.Z_SYNC_FLUSH)
                    flood(c, first, chunk, 0)
                elif mode == 'zjunk':
                    flood(c, b'', b'* OK not deflate at all\r\n', 0)
                elif mode == 'endless':
                    flood(c, b'* ' + w + b' (', b'x' * 65536, 0)
                elif mode == 'literal':
                    flood(c, b'* ' + w + b' () "/" {1099511627776}\r\n',
                          b'y' * 65536, 0)
                elif mode == 'trickle':
                    flood(c, b'* ' + w + b' (', b'z', 1.0)
                elif mode == 'silent':
                    time.sleep(LIMIT_SECS)
                close(c)
                return
            if buf and b'\n' not in buf and len(buf) > 1 << 20:
                t.sendall(buf)
                buf = b''
    except OSError:
        pass
    stop.set()
    close(c, t)


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', listen_port))
    srv.listen(16)

    def stop(*_):
        say('hits=%d sent=%d' % (hits, sent_total))
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(LIFETIME)
    say('ready')
    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


main()
