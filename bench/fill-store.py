#!/usr/bin/env python3
"""bench/fill-store.py STORE [N] [CAMPAIGNS] - fill an ndrsweep store (made
by ndrsweep, schema in place) with N judged bounce reports (default
100,000) in CAMPAIGNS campaigns (default 5,000), as a scan and the judge
would leave them: messages with the engine's JSON, evidence, verdicts,
campaigns. Campaign sizes follow a long tail, as real floods do."""
import json, random, sqlite3, sys

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
ncamp = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
rnd = random.Random(7)
now = 1795000000
words = ("cheap watches replica pills offer casino loan rolex viagra deal "
         "winner prize crypto invest urgent bank account verify update "
         "diploma dating pharmacy luxury bags shoes").split()
reasons = ["userunknown", "mailboxfull", "hostunknown", "filtered",
           "rejected", "spamdetected", "expired"]

db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
db.execute("INSERT OR IGNORE INTO folders(name, uidvalidity, highest_uid) "
           "VALUES ('INBOX', 1, ?)", (n,))
fid = db.execute("SELECT id FROM folders WHERE name = 'INBOX'").fetchone()[0]
# sizes: a long tail (Zipf-like), every campaign at least one bounce
weights = [1.0 / (k + 1) ** 0.8 for k in range(ncamp)]
total = sum(weights)
sizes = [max(1, int(w / total * n)) for w in weights]
while sum(sizes) > n:
    sizes[sizes.index(max(sizes))] -= 1
sizes[0] += n - sum(sizes)
camps = []
uid = 0
msgs, evs = [], []
for c, size in enumerate(sizes, 1):
    subj = " ".join(rnd.choice(words) for _ in range(4)).capitalize()
    forged = "%s@%s.example" % (rnd.choice(words), rnd.choice(words))
    first, last = now, 0
    for _ in range(size):
        uid += 1
        date = now - rnd.randrange(60 * 86400)
        first, last = min(first, date), max(last, date)
        rcpt = "u%d@dest%d.example" % (uid, uid % 977)
        reason = rnd.choice(reasons)
        report = {"kind": "bounce", "format": "postfix",
                  "from": "MAILER-DAEMON@mx%d.example" % (uid % 50),
                  "subject": "Undelivered Mail Returned to Sender",
                  "reporting_mta": "mx%d.example" % (uid % 50),
                  "recipients": [{"address": rcpt, "action": "failed",
                                  "status": "5.1.1", "reply_code": "550",
                                  "reason": reason, "hard": True,
                                  "diagnostic": "550 5.1.1 unknown user"}],
                  "original": {"form": "headers",
                               "message_id": "<%d@spam.example>" % uid,
                               "from": forged, "subject": subj}}
        msgs.append((fid, uid, "b%d@mx.example" % uid, date, 2000, "bounce",
                     "\\Seen", json.dumps(report)))
        evs.append((fid, uid, 1, 2, date, rcpt, 1, "mx%d.example" % (uid % 50),
                    "%d@spam.example" % uid, forged, forged, subj,
                    "backscatter", 0.97,
                    '[{"name":"not_sent","weight":2.00,"evidence":"not in Sent"}]',
                    c))
    camps.append((c, size, first, last, subj, forged, "mx.example", "", size))
db.executemany("INSERT INTO messages(folder, uid, message_id, date, size, "
               "kind, flags, report) VALUES (?,?,?,?,?,?,?,?)", msgs)
db.executemany("INSERT INTO evidence(folder, uid, kind, form, date, "
               "rcpts, nrcpts, mta, orig_mid, orig_from, orig_sender, "
               "subject) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
               [e[:12] for e in evs])
db.executemany("INSERT INTO verdicts(folder, uid, verdict, score, signals, "
               "campaign) VALUES (?,?,?,?,?,?)",
               [e[:2] + e[12:] for e in evs])
db.executemany("INSERT INTO campaigns(id, size, first_seen, last_seen, "
               "subject, forged, mtas, links, backscatter) VALUES "
               "(?,?,?,?,?,?,?,?,?)", camps)
db.commit()
print("filled: %d reports in %d campaigns (largest %d)" % (n, ncamp, sizes[0]))
