#!/usr/bin/env python3
"""lmtp.py - deliver message files to a user over LMTP, as a mail server
does (Sieve scripts applied): tests/rules.sh, bench/watch.sh's driver.

usage: lmtp.py PORT USER FILE...
"""
import smtplib
import sys


def main():
    port, user, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    lm = smtplib.LMTP('127.0.0.1', port)
    for f in files:
        with open(f, 'rb') as fh:
            raw = fh.read()
        # the null sender: a report's envelope, as the MTAs send them
        lm.sendmail('', [user], raw)
    lm.quit()


if __name__ == '__main__':
    main()
