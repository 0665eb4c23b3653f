#!/usr/bin/env perl
# SPDX-License-Identifier: MIT
# Perl (Glib::Object::Introspection) over the typelib reads what
# `bouncekit scan --format json --all` prints, field for field, for every
# message under samples/ (message files, the Maildir, the mbox). A missing
# Glib::Object::Introspection is a failure, not a skip: CI installs
# libglib-object-introspection-perl (exit 77 only with BK_GI_ALLOW_SKIP=1).
use strict;
use warnings;
use utf8;
use Encode qw(decode);
use JSON::PP;

BEGIN {
  eval { require Glib::Object::Introspection; 1 } or do {
    print "1..0 # SKIP Glib::Object::Introspection missing\n";
    exit(($ENV{BK_GI_ALLOW_SKIP} // '') eq '1' ? 77 : 1);
  };
}
Glib::Object::Introspection->setup(basename => 'GMime', version => '3.0', package => 'GMime');
Glib::Object::Introspection->setup(basename => 'Bouncekit', version => '0', package => 'Bouncekit');

my $root = $ENV{BK_SOURCE_ROOT};
my $rules = $ENV{BK_RULES_DIR};
my @inputs = @ARGV ? @ARGV : ("$root/samples");

my @fields = qw(source index recipient original_recipient action status reply_code
  class reason diagnostic diagnostic_type remote_mta reporting_mta mta feedback_type
  date original_message_id original_from original_subject list_id rule);

# the command's input errors (the golden .json files) go nowhere
open(my $saved_err, '>&', \*STDERR) or die;
open(STDERR, '>', '/dev/null') or die;
open(my $cli, '-|', $ENV{BOUNCEKIT_BIN}, 'scan', '--format', 'json', '--all', '--jobs', '1',
     '--quiet', '--rules', $rules, @inputs) or die "cannot run bouncekit: $!";
open(STDERR, '>&', $saved_err) or die;
my $json = JSON::PP->new->utf8;   # UTF-8 bytes in, Perl strings out
my @want = map { $json->decode($_) } <$cli>;
close($cli);

Bouncekit::init();
Bouncekit::parse_attached_messages(0);
my $ruleset = Bouncekit::Ruleset->load_dir($rules);
my $analyzer = Bouncekit::Analyzer->new($ruleset);
$analyzer->set_evidence(0);

my @got;
for my $path (@inputs) {
  my $reader = Bouncekit::Reader->new($path);
  while (defined(my $item = $reader->next)) {
    next unless defined $item->message;
    my $report = $analyzer->analyze($item->message);
    for my $i (0 .. $report->get_n_recipients - 1) {
      my $r = $report->get_recipient($i);
      push @got, {
        source => $item->source,
        index => $item->index > 0 ? $item->index : undef,
        recipient => $r->recipient,
        original_recipient => $r->original_recipient,
        action => $r->action,
        status => $r->status,
        reply_code => $r->reply_code,
        class => Bouncekit::bounce_class_to_string($r->klass),
        reason => $r->reason,
        diagnostic => $r->diagnostic,
        diagnostic_type => $r->diagnostic_type,
        remote_mta => $r->remote_mta,
        reporting_mta => $report->reporting_mta,
        mta => $report->mta,
        feedback_type => $r->feedback_type,
        date => $r->get_date($report),
        original_message_id => $report->original_message_id,
        original_from => $report->original_from,
        original_subject => $report->original_subject,
        list_id => $report->list_id,
        rule => $r->rule,
      };
    }
  }
}

my ($n, $fails) = (0, 0);
sub ok {
  my ($cond, $name, $detail) = @_;
  $n++;
  if ($cond) { print "ok $n - $name\n"; return }
  $fails++;
  print "not ok $n - $name\n";
  print map { "# $_\n" } split /\n/, $detail // '';
}

binmode(STDOUT, ':encoding(UTF-8)');
ok(@want > 150, scalar(@want) . " recipients from the command");
ok(@got == @want, "as many recipients through the typelib", scalar(@got) . " vs " . scalar(@want));
for my $i (0 .. $#want) {
  my ($w, $g) = ($want[$i], $got[$i] // {});
  my @diff;
  for my $k (@fields) {
    my ($a, $b) = ($w->{$k}, $g->{$k});
    # GI hands Perl UTF-8 strings; compare them as the bytes the command wrote
    $a = Encode::encode('UTF-8', "$a") if defined $a;
    $b = Encode::encode('UTF-8', "$b") if defined $b;
    push @diff, "$k: command " . ($a // 'null') . " typelib " . ($b // 'null')
      if defined($a) != defined($b) || (defined $a && $a ne $b);
  }
  ok(!@diff, "$w->{source} " . ($w->{recipient} // 'null'), join("\n", @diff));
}
my $err = eval { Bouncekit::Ruleset->load_dir("$root/tests/gi"); 1 } ? undef : $@;
ok(ref $err && $err->isa('Glib::Error') && $err->domain eq 'bk-rules-error-quark',
   "a directory without rules is a Glib::Error of BK_RULES_ERROR", "$err");
print "1..$n\n";
exit($fails ? 1 : 0);
