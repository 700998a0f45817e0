#!/usr/bin/env python3
"""bench/tui-pty.py - time a full-screen program in a pseudo-terminal:
how long until its first screen is drawn, and, for each key pressed, how
long until the redrawn screen has been written (the last byte before 30 ms
of quiet). Used by bench/tui.sh for ndrsweep and for less, the reference.

usage: tui-pty.py READY_MARKER SETUP_KEYS PRESSES KEYS -- COMMAND...
  READY_MARKER  text whose appearance means the first screen is drawn
  SETUP_KEYS    keys sent (not timed) once ready, e.g. "m" for a list
  PRESSES       how many timed presses
  KEYS          the keys pressed in turn, cycling (e.g. "jjjjk")
Prints: ready_ms median_ms p90_ms max_ms"""
import fcntl, os, pty, select, signal, statistics, struct, sys, termios, time

QUIET = 0.03

def spawn(argv):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execvp(argv[0], argv)
    return pid, fd

def drain(fd, first_wait):
    """Read until QUIET seconds pass with nothing; the time of the last
    byte (None if nothing came within first_wait) and the bytes."""
    last, data = None, b""
    wait = first_wait
    while True:
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return last, data
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return last, data
        if not chunk:
            return last, data
        data += chunk
        last = time.perf_counter()
        wait = QUIET

def main():
    sep = sys.argv.index("--")
    marker, setup, presses, keys = sys.argv[1:sep]
    argv = sys.argv[sep + 1:]
    marker = marker.encode()
    t0 = time.perf_counter()
    pid, fd = spawn(argv)
    seen = b""
    ready = None
    while ready is None:
        last, data = drain(fd, 10.0)
        if last is None:
            sys.exit("bench: no first screen within 10 s")
        seen += data
        if marker in seen:
            ready = last - t0
    for k in setup:
        os.write(fd, k.encode())
        drain(fd, 2.0)
    times = []
    for i in range(int(presses)):
        k = keys[i % len(keys)]
        t = time.perf_counter()
        os.write(fd, k.encode())
        last, data = drain(fd, 2.0)
        if last is None:
            sys.exit("bench: key %r drew nothing" % k)
        times.append(last - t)
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    os.close(fd)
    times.sort()
    print("%.1f %.2f %.2f %.2f" % (ready * 1000, statistics.median(times) * 1000,
          times[int(len(times) * 0.9)] * 1000, times[-1] * 1000))

main()
