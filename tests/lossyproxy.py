#!/usr/bin/env python3
"""lossyproxy.py - a TCP proxy in front of the test Dovecot that spoils
every connection the same way (cutproxy.py cuts one, once).

usage: lossyproxy.py TARGET_PORT drop BYTES | noplain | holdafter TEXT

Listens on a free port of 127.0.0.1 and prints "PORT ready". `drop`: each
connection is cut once BYTES bytes have come from the server (a link that
always fails at the same point). `noplain`: AUTH=PLAIN is taken out of
what the server says it can do (a server without SASL PLAIN, whose LOGIN
still works: Dovecot itself disables LOGIN along with PLAIN). `holdafter`:
once a client sends TEXT, nothing more of the server's reaches it and
"fired" is printed (a command carried out, its answer held back: the
test kills the client then); later connections pass untouched.
"""
import socket, sys, threading

target = int(sys.argv[1])
mode = sys.argv[2]
limit = int(sys.argv[3]) if mode == 'drop' else 0
pattern = sys.argv[3].encode() if mode == 'holdafter' else None
fired = threading.Event()
held = set()    # server sockets whose answers are held back


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def up(c, s):
    seen = b''
    try:
        while True:
            d = c.recv(4096)
            if not d:
                break
            s.sendall(d)
            seen = (seen + d)[-4096:]
            if pattern and not fired.is_set() and pattern in seen:
                held.add(s)
                fired.set()
                print('fired', flush=True)
    except OSError:
        pass
    close(c, s)


def down(s, c):
    n = 0
    try:
        if mode == 'noplain':
            for line in s.makefile('rb'):
                c.sendall(line.replace(b' AUTH=PLAIN', b''))
        else:
            while True:
                d = s.recv(4096)
                n += len(d)
                if not d or (limit and n > limit):
                    break
                if s not in held:
                    c.sendall(d)
    except OSError:
        pass
    close(c, s)


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(('127.0.0.1', 0))
ls.listen(8)
print(ls.getsockname()[1], 'ready', flush=True)
while True:
    c, _ = ls.accept()
    s = socket.create_connection(('127.0.0.1', target))
    threading.Thread(target=up, args=(c, s), daemon=True).start()
    threading.Thread(target=down, args=(s, c), daemon=True).start()
