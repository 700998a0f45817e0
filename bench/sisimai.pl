#!/usr/bin/perl
# bench/sisimai.pl FILE... - what Sisimai (Debian's libsisimai-perl) reads
# in each file, as JSON Lines in the shape of `ndrsweep classify --json`
# (file, kind, recipients[].address/status/reason), so that
# tests/corpus_eval.py scores both tools by the same rules. The kind comes
# from Sisimai's reason: vacation an autoreply, feedback a feedback
# report, delivered, expired (or a delayed action) a delay, any other a
# bounce; a file Sisimai reads nothing in is "other".
use strict;
use warnings;
use Sisimai;
use JSON::PP;

my $json = JSON::PP->new->canonical;
for my $f (@ARGV) {
	my $v = eval { Sisimai->make($f, 'vacation' => 1, 'delivered' => 1) }
	    || [];
	my (@r, $kind);
	for my $e (@$v) {
		my $reason = $e->reason // '';
		my $k = $reason eq 'vacation' ? 'autoreply' :
		    $reason eq 'feedback' ? 'feedback' :
		    $reason eq 'delivered' ? 'delivered' :
		    ($reason eq 'expired' || ($e->action // '') eq 'delayed') ?
		    'delay' : 'bounce';
		$kind //= $k;
		push @r, { address => $e->recipient->address,
		    status => $e->deliverystatus // '', reason => $reason };
	}
	print $json->encode({ file => $f, kind => $kind // 'other',
	    recipients => \@r }), "\n";
}
