#!/usr/bin/env python3
"""cutproxy.py - a TCP proxy that cuts one connection at a chosen point.

usage: cutproxy.py LISTEN_PORT TARGET_PORT DIRECTION BYTES

Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT. Once BYTES bytes
have gone in DIRECTION (s2c: server to client, c2s: client to server),
counted over all connections, the connection carrying them is cut in the
middle (both sockets closed at once); every later connection passes
untouched, so a client that connects again can finish. When it stops
(SIGTERM) it prints the bytes seen in each direction.
"""
import select, signal, socket, sys

listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
direction, limit = sys.argv[3], int(sys.argv[4])
seen = {'s2c': 0, 'c2s': 0}
cut = False

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', listen_port))
srv.listen(8)
pairs = {}      # socket -> (peer, direction of what it reads)


def stop(*_):
    print('s2c=%d c2s=%d cut=%s' % (seen['s2c'], seen['c2s'], cut),
          flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
print('ready', flush=True)
while True:
    r, _, _ = select.select([srv] + list(pairs), [], [])
    for s in r:
        if s is srv:
            c, _ = srv.accept()
            t = socket.create_connection(('127.0.0.1', target_port))
            pairs[c] = (t, 'c2s')
            pairs[t] = (c, 's2c')
            continue
        if s not in pairs:
            continue
        peer, d = pairs[s]
        try:
            data = s.recv(65536)
        except OSError:
            data = b''
        if data and not cut and d == direction and \
                seen[d] + len(data) >= limit:
            # the cut: part of this chunk, then nothing
            part = data[:max(0, limit - seen[d])]
            try:
                peer.sendall(part)
            except OSError:
                pass
            seen[d] += len(part)
            cut = True
            data = b''
        elif data:
            seen[d] += len(data)
        if not data:
            for x in (s, peer):
                pairs.pop(x, None)
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                x.close()
            continue
        try:
            peer.sendall(data)
        except OSError:
            pass
