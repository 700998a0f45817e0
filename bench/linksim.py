#!/usr/bin/env python3
"""linksim.py - a link simulator: a TCP proxy on 127.0.0.1 that puts a
given one-way delay and a bandwidth cap between a client and a server,
so that a run "40 ms away at 50 Mbit/s" can be repeated on one machine
(issue 24). It extends what tests/lossyproxy.py does to a link that is
slow rather than broken.

usage: linksim.py TARGET_PORT DELAY_MS MBITS [STATS_FILE]

Listens on a free port and prints "PORT ready". Each direction of each
connection is its own link: what is read from one side is released to
the other DELAY_MS after it arrived, and no faster than MBITS megabits a
second (the bytes queue behind each other as on a real line; a client
that pipelines fills the line, one that waits for each answer pays the
round trip each time). When a connection ends, and on SIGUSR1, the bytes
carried so far each way are written to STATS_FILE (or stdout) as
"down BYTES up BYTES connections N": down is server to client.
"""
import collections, signal, socket, sys, threading, time

target = int(sys.argv[1])
delay = float(sys.argv[2]) / 1000.0
rate = float(sys.argv[3]) * 1e6 / 8.0      # bytes a second
stats_file = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()
total = {'down': 0, 'up': 0, 'conns': 0}


def say_stats(*_):
    with lock:
        line = 'down %d up %d connections %d\n' % (
            total['down'], total['up'], total['conns'])
    if stats_file:
        with open(stats_file, 'w') as f:
            f.write(line)
    else:
        sys.stdout.write(line)
        sys.stdout.flush()


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def link(src, dst, name):
    """src to dst through a line of its own: delay, then the cap"""
    q = collections.deque()
    cv = threading.Condition()
    done = [False]

    def writer():
        free_at = 0.0           # when the line is free again
        while True:
            with cv:
                while not q and not done[0]:
                    cv.wait()
                if not q:
                    break
                arrived, data = q.popleft()
            # the bytes leave when the line is free, and reach the
            # other end DELAY later; a chunk is sent when its last byte
            # would arrive
            start = max(arrived, free_at)
            free_at = start + len(data) / rate
            wait = free_at + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                dst.sendall(data)
            except OSError:
                break
            with lock:
                total[name] += len(data)
        close(dst, src)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            with cv:
                q.append((time.monotonic(), d))
                cv.notify()
    except OSError:
        pass
    with cv:
        done[0] = True
        cv.notify()
    t.join()
    say_stats()


def serve(c):
    try:
        s = socket.create_connection(('127.0.0.1', target))
    except OSError:
        c.close()
        return
    for x in (c, s):
        x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with lock:
        total['conns'] += 1
    threading.Thread(target=link, args=(c, s, 'up'), daemon=True).start()
    threading.Thread(target=link, args=(s, c, 'down'), daemon=True).start()


def main():
    signal.signal(signal.SIGUSR1, say_stats)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(64)
    print('%d ready' % ls.getsockname()[1], flush=True)
    while True:
        c, _ = ls.accept()
        serve(c)


main()
