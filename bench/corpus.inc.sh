# bench/corpus.inc.sh - what the benchmarks over the SpamAssassin corpus
# share, sourced after $1 (the corpus folder, default ../shared/corpus):
# top, corpus and sa set, a built ndrsweep and the corpus checked.
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus}
sa=$corpus/spamassassin
[ -x "$top/ndrsweep" ] || { echo "bench: build first (./bootstrap)" >&2; exit 1; }
[ -d "$sa/easy_ham" ] && [ -d "$sa/spam_2" ] || { echo "bench: no corpus at $sa" >&2; exit 1; }
