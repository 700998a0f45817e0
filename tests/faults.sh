#!/bin/bash
# tests/faults.sh - `ndrsweep clean` of 1,200 backscatter bounces when
# things go wrong: the connection cut at a random point (a proxy between
# ndrsweep and Dovecot, server-to-client or client-to-server bytes), the
# process killed with SIGKILL, the MOVE answered NO while the quarantine
# holds an earlier delivery of one of them (same Message-ID, other
# bytes), a hostile server (tests/badserver.py: an endless line, a huge
# literal, a byte a second, silence, a cut after MOVE), another client
# moving and expunging messages during the run. After each trial and one more normal run:
# the Message-IDs over all folders are what they were, less what the other
# client expunged; every backscatter left in INBOX is in the quarantine;
# no legitimate bounce moved. Then the mailbox is put back for the next.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/harness.inc.sh"

trials=${FAULT_TRIALS:-12}
flood=1200
plan $((trials + 1))
command -v dovecot >/dev/null ||
	skip_all $((trials + 1)) "dovecot missing (apt-get install -y dovecot-imapd)"
command -v python3 >/dev/null ||
	skip_all $((trials + 1)) "python3 missing (apt-get install -y python3)"
seed=${FAULT_SEED:-$$}
RANDOM=$seed
echo "# seed $seed (FAULT_SEED=$seed repeats this run)"
dc_start
export XDG_DATA_HOME=$DC_DIR/data
da() { doveadm -c "$DC_DIR/dovecot.conf" "$@"; }
q="Quarantine/Backscatter"
md=$DC_DIR/mail/$DC_USER/Maildir
mkdir -p "$md/cur" "$md/new" "$md/tmp" "$md/.Sent/cur" "$md/.Sent/new" "$md/.Sent/tmp"
for i in $(seq $flood); do
	sed -e "s/^Message-Id: <b1@/Message-Id: <b1-$i@/" \
	    -e "s/^Message-Id: <spam-1@/Message-Id: <spam-1-$i@/" \
	    "$mail/bounce1.eml" >"$md/cur/$i.flood:2,S"
done
for i in $(seq 5); do
	sed -e "s/^Message-Id: <lunch@example.org>/Message-Id: <sent-$i@ndrsweep.test>/" \
	    -e 's/^From: .*/From: alice@ndrsweep.test/' "$mail/ordinary1.eml" \
	    >"$md/.Sent/cur/$i.sent:2,S"
	sed -e "s/^Message-Id: <spam-1@/Message-Id: <sent-$i@/" \
	    -e "s/^Message-Id: <b1@/Message-Id: <legit-$i@/" "$mail/bounce1.eml" \
	    >"$md/cur/$i.legit:2,S"
done
for i in $(seq 50); do
	sed "s/^Message-Id: <lunch@/Message-Id: <lunch-$i@/" "$mail/ordinary1.eml" \
	    >"$md/cur/$i.ordinary:2,S"
done
chown -R "$(stat -c %u:%g "$DC_DIR/mail")" "$DC_DIR/mail"
config() {	# config PORT (a silent server costs 3 s, not 30)
	dc_config "$DC_DIR/config" t "port=$1" tls=none folders=INBOX sent=Sent \
	    addresses=alice@ndrsweep.test timeout=3
}
bport=$(dc_free_port 9)
badserver() {	# badserver MODE WORD: in the background, ready when it returns
	dc_bg "$DC_DIR/bad.out" python3 "$top/tests/badserver.py" "$bport" \
	    "$DC_PORT" "$1" "$2"
	ppid_=$DC_BG
}
ids() {	# every Message-ID over all folders, sorted
	da fetch -u "$DC_USER" hdr.message-id all 2>/dev/null |
	    sed -n 's/^hdr.message-id: //p' | sort
}
ids_in() {
	da fetch -u "$DC_USER" hdr.message-id mailbox "$1" 2>/dev/null |
	    sed -n 's/^hdr.message-id: //p' | sort
}
ids >"$DC_DIR/baseline"
[ "$(wc -l <"$DC_DIR/baseline")" = $((flood + 60)) ] ||
	echo "# baseline: $(wc -l <"$DC_DIR/baseline") messages"
pport=$(dc_free_port 5)
proxy() {	# proxy DIRECTION BYTES: in the background, ready when it returns
	dc_bg "$DC_DIR/proxy.out" python3 "$top/tests/cutproxy.py" "$pport" \
	    "$DC_PORT" "$1" "$2"
	ppid_=$DC_BG
}
# one whole run through the proxy, never cut: how many bytes it takes
config "$pport"
proxy s2c 999999999999
start=$(date +%s.%N)
"$nd" clean --config "$DC_DIR/config" >"$DC_DIR/out" 2>&1
st=$?
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo 2)
kill -TERM "$ppid_"
wait "$ppid_" 2>/dev/null
totals=$(tail -1 "$DC_DIR/proxy.out")
s2c=$(echo "$totals" | sed 's/.*s2c=\([0-9]*\).*/\1/')
c2s=$(echo "$totals" | sed 's/.*c2s=\([0-9]*\).*/\1/')
inbox_bs=$(ids_in INBOX | grep -c '^<b1-')
[ "$st" = 0 ] && [ "$inbox_bs" = 0 ] && [ "$(ids_in "$q" | wc -l)" = $flood ] &&
    ok "a run without faults quarantines the $flood ($s2c bytes in, $c2s out, ${secs}s)" ||
    not_ok "a run without faults quarantines the $flood (exit $st: $(cat "$DC_DIR/out"))"

reset() {	# the flood back in INBOX, the store forgotten
	da move -u "$DC_USER" INBOX mailbox "$q" all 2>/dev/null
	da move -u "$DC_USER" INBOX mailbox Elsewhere all 2>/dev/null
	rm -rf "$XDG_DATA_HOME"
}
rnd() {	# rnd LO HI: a number in [LO, HI]
	echo $(( $1 + ( (RANDOM << 15 | RANDOM) % ($2 - $1 + 1) ) ))
}
msgs=0 all_lost=0 all_extra=0
for t in $(seq "$trials"); do
	reset
	cp "$DC_DIR/baseline" "$DC_DIR/expect"
	mode=$((t % 5))
	other=$((t % 2))
	case $mode in
	0) what="cut after $(rnd 1000 "$s2c") bytes from the server"
	   proxy s2c "${what//[!0-9]/}"; config "$pport" ;;
	1) what="cut after $(rnd 50 "$c2s") bytes to the server"
	   proxy c2s "${what//[!0-9]/}"; config "$pport" ;;
	2) delay=$(awk -v s="$secs" -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.05 + s * r / 32768 }')
	   what="killed after ${delay}s"; config "$DC_PORT" ;;
	3) k=$(rnd 1 "$flood")
	   { echo "Received: from mx2.far.example by mx.ndrsweep.test; Mon, 1 Dec 2026 10:00:00 +0000"
	     sed -e "s/^Message-Id: <b1@/Message-Id: <b1-$k@/" \
	         -e "s/^Message-Id: <spam-1@/Message-Id: <spam-1-$k@/" \
	         "$mail/bounce1.eml"; } >"$DC_DIR/early.eml"
	   da save -u "$DC_USER" -m "$q" <"$DC_DIR/early.eml" 2>/dev/null ||
	       { da mailbox create -u "$DC_USER" "$q"; da save -u "$DC_USER" -m "$q" <"$DC_DIR/early.eml"; }
	   echo "<b1-$k@mx.far.example>" >>"$DC_DIR/expect"
	   sort -o "$DC_DIR/expect" "$DC_DIR/expect"
	   what="MOVE answered NO, an earlier delivery of <b1-$k@> in the quarantine"
	   badserver no MOVE; config "$bport" ;;
	4) hostile=("endless LIST" "literal EXAMINE" "trickle MOVE" "silent MOVE"
	       "cut MOVE" "silent FETCH" "trickle SEARCH" "endless STATUS")
	   h=${hostile[$((RANDOM % ${#hostile[@]}))]}
	   what="hostile server: $h"
	   badserver $h; config "$bport" ;;
	esac
	"$nd" clean --config "$DC_DIR/config" >"$DC_DIR/out" 2>&1 &
	pid=$!
	if [ "$other" = 1 ]; then
		# another client, meanwhile: moves ten of the flood away and
		# expunges five ordinary messages
		sleep 0.$((RANDOM % 9))
		da move -u "$DC_USER" Elsewhere mailbox INBOX \
		    header message-id "<b1-$(rnd 1 $flood)@" 2>/dev/null
		for k in $(seq 9); do
			da move -u "$DC_USER" Elsewhere mailbox INBOX \
			    header message-id "<b1-$(rnd 1 $flood)@" 2>/dev/null
		done
		for k in $(seq 5); do
			n=$(rnd 1 50)
			if grep -q "^<lunch-$n@example.org>$" "$DC_DIR/expect"; then
				da expunge -u "$DC_USER" mailbox INBOX \
				    header message-id "<lunch-$n@example.org>" 2>/dev/null &&
				    sed -i "0,/^<lunch-$n@example.org>$/{//d}" "$DC_DIR/expect"
			fi
		done
		what="$what; another client moved and expunged meanwhile"
	fi
	[ "$mode" = 2 ] && { sleep "$delay"; kill -KILL "$pid" 2>/dev/null; }
	wait "$pid"
	first=$?
	[ "$mode" != 2 ] && { kill -TERM "$ppid_"; wait "$ppid_" 2>/dev/null; }
	msgs=$((msgs + $(wc -l <"$DC_DIR/expect")))
	# one more run, normal: it settles what the first left
	config "$DC_PORT"
	"$nd" clean --config "$DC_DIR/config" >"$DC_DIR/out2" 2>&1
	second=$?
	ids >"$DC_DIR/now"
	lost=$(comm -23 "$DC_DIR/expect" "$DC_DIR/now" | head -3 | tr '\n' ' ')
	extra=$(comm -13 "$DC_DIR/expect" "$DC_DIR/now" | head -3 | tr '\n' ' ')
	left=$(ids_in INBOX | grep -c '^<b1-')
	legit_moved=$(ids_in "$q" | grep -c '^<legit-')
	nlost=$(comm -23 "$DC_DIR/expect" "$DC_DIR/now" | wc -l)
	nextra=$(comm -13 "$DC_DIR/expect" "$DC_DIR/now" | wc -l)
	all_lost=$((all_lost + nlost)) all_extra=$((all_extra + nextra))
	if [ "$second" = 0 ] && [ -z "$lost$extra" ] && [ "$left" = 0 ] &&
	    [ "$legit_moved" = 0 ]; then
		ok "trial $t ($what; first run exit $first): nothing lost or doubled, the flood quarantined, no legit bounce moved"
		cp "$DC_DIR/expect" "$DC_DIR/baseline"
	else
		not_ok "trial $t ($what; first run exit $first, second $second): lost [$lost] doubled [$extra], $left left in INBOX, $legit_moved legit moved"
		sed 's/^/# /' "$DC_DIR/out" "$DC_DIR/out2"
		ids >"$DC_DIR/baseline"	# the next trial starts from here
	fi
done
echo "# $trials trials, $msgs messages in all: lost $all_lost, doubled $all_extra"
exit 0
