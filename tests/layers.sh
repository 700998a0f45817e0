#!/bin/bash
# tests/layers.sh - the shape of the code, as DESIGN.md has it, checked on
# every #include of core/, imap/ and tui/:
#   - dependencies go one way: tui -> imap -> core, tui -> core; core
#     includes nothing of imap/ or tui/, imap/ nothing of tui/;
#   - only tui/ uses curses, and tui/ does not use libetpan;
#   - a header whose first lines say "private to DIR/" is included only
#     from DIR/ (tests/ may reach them: white-box unit tests);
#   - no two headers of the project include each other, in any circle;
#   - no files of one folder call each other's functions in a circle
#     (a call: a function that one file defines, named with "(" in
#     another's code; comments and strings left out).
# A last test feeds the checker a tree that breaks each rule once, so a
# checker that passes everything is seen.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/tap.inc.sh"
plan 6
need 6 python3 python3

check() {	# check ROOT: one line per broken rule, on stdout
	python3 - "$1" <<'PY'
import os, re, sys
root = sys.argv[1]
inc = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
files = {}
for d in ('core', 'imap', 'tui'):
    for dp, _, names in os.walk(os.path.join(root, d)):
        for n in names:
            if n.endswith(('.c', '.h')):
                p = os.path.relpath(os.path.join(dp, n), root)
                with open(os.path.join(root, p), errors='replace') as f:
                    files[p] = f.read()

def resolve(src, name):
    """a project header's path from root, or None for a system one"""
    for cand in (os.path.normpath(os.path.join(os.path.dirname(src), name)),
                 os.path.normpath(name)):
        if cand in files:
            return cand
    return None

private = {}
for p, text in files.items():
    m = re.search(r'private to (\w+)/', text[:400])
    if p.endswith('.h') and m:
        private[p] = m.group(1)
edges = {}
for p, text in files.items():
    top_ = p.split('/')[0]
    for kind, name in inc.findall(text):
        h = resolve(p, name) if kind == '"' else None
        if kind == '<' or h is None:
            if re.match(r'n?cursesw?[./]|curses\.h|ncursesw/', name) and top_ != 'tui':
                print('rule curses: %s includes <%s>' % (p, name))
            if name.startswith('libetpan/') and top_ == 'tui':
                print('rule libetpan: %s includes <%s>' % (p, name))
            continue
        edges.setdefault(p, set()).add(h)
        htop = h.split('/')[0]
        allowed = {'core': {'core'}, 'imap': {'imap', 'core'},
                   'tui': {'tui', 'imap', 'core'}}[top_]
        if htop not in allowed:
            print('rule layers: %s (%s/) includes %s' % (p, top_, h))
        if h in private and private[h] != top_:
            print('rule private: %s includes %s, private to %s/' %
                  (p, h, private[h]))
# circles among headers
state = {}
def visit(h, path):
    state[h] = 1
    for n in sorted(edges.get(h, ())):
        if not n.endswith('.h'):
            continue
        if state.get(n) == 1:
            print('rule circle: ' + ' -> '.join(path[path.index(n):] + [n]))
        elif n not in state:
            visit(n, path + [n])
    state[h] = 2
for h in sorted(p for p in files if p.endswith('.h')):
    if h not in state:
        visit(h, [h])
# circles of calls between the files of a folder
strip = re.compile(r'/\*.*?\*/|"(?:[^"\\\n]|\\.)*"', re.S)
defs = {}
for p, text in files.items():
    if p.endswith('.c'):
        for m in re.finditer(r'^(?!static)[a-z][^\n;(]*\n(\w+)\(', text, re.M):
            defs.setdefault(m.group(1), p)
calls = {}
for p, text in files.items():
    if not p.endswith('.c'):
        continue
    code = strip.sub('', text)
    used = set(re.findall(r'\b(\w+)\(', code))
    calls[p] = sorted({defs[n] for n in used if n in defs and
                       defs[n] != p and os.path.dirname(defs[n]) ==
                       os.path.dirname(p)})
state = {}
def walk(f, path):
    state[f] = 1
    for n in calls.get(f, ()):
        if state.get(n) == 1:
            print('rule calls: ' + ' -> '.join(path[path.index(n):] + [n]))
        elif n not in state:
            walk(n, path + [n])
    state[f] = 2
for f in sorted(calls):
    if f not in state:
        walk(f, [f])
PY
}

all=$(check "$top")
for rule in layers curses libetpan private; do
	got=$(printf '%s\n' "$all" | grep "^rule $rule:")
	desc=$(case $rule in
	    layers) echo "dependencies go one way: tui -> imap -> core" ;;
	    curses) echo "only tui/ uses curses" ;;
	    libetpan) echo "tui/ does not call libetpan" ;;
	    private) echo "private headers stay in their folders" ;;
	    esac)
	[ -z "$got" ] && ok "$desc" || { out=$got; not_ok "$desc"; }
done
# circles, and the checker itself on a tree that breaks every rule
bad=$(mktemp -d)
trap 'rm -rf "$bad"' EXIT
mkdir -p "$bad/core" "$bad/imap" "$bad/tui"
printf '#include "../tui/t.h"\n#include <curses.h>\n' >"$bad/core/a.c"
printf '/* p.h - private to imap/. */\n' >"$bad/imap/p.h"
printf '#include "b.h"\n' >"$bad/imap/a.h"
printf '#include "a.h"\n' >"$bad/imap/b.h"
printf '#include <libetpan/libetpan.h>\n#include "imap/p.h"\n' >"$bad/tui/t.c"
printf '\n' >"$bad/tui/t.h"
printf 'int\nf(void)\n{\n\treturn g();\n}\n' >"$bad/core/f.c"
printf 'int\ng(void)\n{\n\treturn f();\n}\n' >"$bad/core/g.c"
found=$(check "$bad" | sed 's/:.*//' | sort -u | tr '\n' ' ')
[ "$(check "$top" | grep -c "^rule circle:")" = 0 ] &&
    [ "$found" = "rule calls rule circle rule curses rule layers rule libetpan rule private " ] &&
    ok "no headers include each other in a circle (and the checker finds each broken rule: $found)" ||
    { out="circles here: $(check "$top" | grep circle); on a bad tree: $found"; not_ok "no headers include each other in a circle"; }
got=$(printf '%s\n' "$all" | grep "^rule calls:")
[ -z "$got" ] && ok "no files of a folder call each other in a circle" ||
    { out=$got; not_ok "no files of a folder call each other in a circle"; }
exit 0
