# Shared by the integration tests (sourced, not run). POSIX sh.
#
# Sets: here, root, bk_bin, bk_rules, workdir (a fresh temporary
# directory, removed on exit unless BK_KEEP_TMP is set), and the message
# lists built by bk_pick_messages. Counts failures in $failures.

here=$(cd "$(dirname "$0")" && pwd)
root=${BK_SOURCE_ROOT:-$here/../..}
bk_bin=${BOUNCEKIT_BIN:-$root/build/bouncekit}
bk_rules=${BK_RULES_DIR:-$root/rules}
failures=0
checks=0

bk_skip ()
{
  echo "SKIP: $*"
  exit 77
}

bk_die ()
{
  echo "ERROR: $*" >&2
  exit 1
}

bk_ok ()
{
  checks=$((checks + 1))
  echo "ok $checks - $*"
}

bk_not_ok ()
{
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "not ok $checks - $*"
}

bk_finish ()
{
  echo "# $checks checks, $failures failed"
  [ "$failures" -eq 0 ] || exit 1
  exit 0
}

bk_setup ()
{
  [ -x "$bk_bin" ] || bk_die "bouncekit binary not found at $bk_bin (set BOUNCEKIT_BIN)"
  [ -d "$bk_rules" ] || bk_die "rules directory not found at $bk_rules (set BK_RULES_DIR)"
  [ -d "$root/samples" ] || bk_die "samples directory not found at $root/samples (set BK_SOURCE_ROOT)"
  case $bk_bin in /*) ;; *) bk_bin=$(pwd)/$bk_bin ;; esac
  case $bk_rules in /*) ;; *) bk_rules=$(pwd)/$bk_rules ;; esac
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/bk-integration.XXXXXX") || bk_die "mktemp failed"
  chmod 700 "$workdir"
  if [ -n "${BK_KEEP_TMP:-}" ]; then
    echo "# keeping $workdir"
  else
    trap 'rm -rf "$workdir"' EXIT
    trap 'exit 1' HUP INT TERM
  fi
  # Run a snapshot of the binary and the rules: the build tree may be
  # relinked or edited while the test runs, and a copy in $workdir is
  # readable by whichever user the mail system runs programs as. If the
  # copy cannot run, use the originals.
  mkdir "$workdir/snapshot"
  # the program links libbouncekit: the build tree's copy sits in src/
  # beside it ($ORIGIN/src), so the snapshot carries it there too
  bk_lib=$(ldd "$bk_bin" 2>/dev/null | awk '/libbouncekit/ { print $3 }')
  if [ -n "$bk_lib" ] && [ -f "$bk_lib" ]; then
    mkdir "$workdir/snapshot/src" && cp "$bk_lib" "$workdir/snapshot/src/"
  fi
  if cp "$bk_bin" "$workdir/snapshot/bouncekit" && cp -R "$bk_rules" "$workdir/snapshot/rules" &&
     "$workdir/snapshot/bouncekit" version > /dev/null 2>&1; then
    echo "# using a snapshot of $bk_bin and $bk_rules"
    bk_bin=$workdir/snapshot/bouncekit
    bk_rules=$workdir/snapshot/rules
  fi
}

# bk_pick_messages: copies the test messages into $workdir/msgs as
# NN-dir-name.eml and writes $workdir/expect, one line per message:
#   FILE KIND
# KIND is "hard" (a failure with a hard recipient), "other" (a failure,
# soft or policy, no hard recipient), "none" (not a bounce) or "error"
# (unreadable as a message: bouncekit check exits 2).
#
# The bounce samples are named one by one, chosen for what they are (their
# class follows from the report itself: 5.1.1 user unknown is hard, an
# exim retry timeout is soft, a missing PTR is policy), so the expectation
# does not come from the program under test. The non-bounce directories
# (plain, autoreply, mdn) are taken whole. Samples that are missing are
# reported and skipped; too few left is an error.
bk_pick_messages ()
{
  mkdir "$workdir/msgs"
  : > "$workdir/expect"
  n=0
  for spec in \
      hard:rfc3464/single-recipient.eml \
      hard:rfc3464/multi-recipient.eml \
      hard:exim/user-unknown-and-disabled.eml \
      hard:postfix/text-only-two-recipients.eml \
      other:exim/retry-timeout-exceeded.eml \
      other:exim/ptr-required.eml \
      none:rfc3464/delivered-success.eml \
      'none:plain/*.eml' \
      'none:autoreply/*.eml' \
      'none:mdn/*.eml'; do
    kind=${spec%%:*}
    pattern=${spec#*:}
    found=0
    for f in "$root"/samples/$pattern; do
      [ -f "$f" ] || continue
      found=1
      n=$((n + 1))
      rel=${f#"$root"/samples/}
      name=$(printf '%02d-%s' "$n" "$(echo "$rel" | tr / -)")
      cp "$f" "$workdir/msgs/$name"
      echo "$name $kind" >> "$workdir/expect"
    done
    [ "$found" -eq 1 ] || echo "# no sample matches samples/$pattern, skipped"
  done
  # Not a mail message at all: bouncekit check exits 2, and the filter
  # must still deliver it (to the default mailbox).
  n=$((n + 1))
  name=$(printf '%02d-generated-not-a-message.eml' "$n")
  printf 'this is not a mail message\n' > "$workdir/msgs/$name"
  echo "$name error" >> "$workdir/expect"

  nhard=$(grep -c ' hard$' "$workdir/expect")
  nother=$(grep -c ' other$' "$workdir/expect")
  nnone=$(grep -c ' none$' "$workdir/expect")
  echo "# messages: $n ($nhard hard bounces, $nother soft/policy bounces, $nnone non-bounces, 1 malformed)"
  if [ "$nhard" -lt 1 ] || [ "$nother" -lt 1 ] || [ "$nnone" -lt 2 ]; then
    bk_die "too few samples under $root/samples to run this test"
  fi
}

# bk_hold_lock DB [PREFIX...]: another writer (python3's sqlite3, run
# through PREFIX, e.g. setpriv to the mail user) takes DB's write lock and
# holds it until bk_release_lock; sets lock_pid. Returns 1 if it could not.
bk_hold_lock ()
{
  db=$1
  shift
  rm -f "$db.locked"
  # the system's python3: another user (the mail user) may not reach a
  # python3 under the invoking user's home
  py=python3
  [ -x /usr/bin/python3 ] && py=/usr/bin/python3
  "$@" "$py" -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(600)' "$db" &
  lock_pid=$!
  i=0
  while [ ! -f "$db.locked" ] && [ "$i" -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  [ -f "$db.locked" ]
}

bk_release_lock ()
{
  kill "$lock_pid" 2> /dev/null
  wait "$lock_pid" 2> /dev/null
  return 0
}

# bk_where MSG DIR... : prints the name of the first Maildir among DIR...
# whose new/ holds a file identical to MSG, or "nowhere".
bk_where ()
{
  msg=$1
  shift
  for dir in "$@"; do
    for f in "$dir"/new/*; do
      [ -f "$f" ] || continue
      if cmp -s "$f" "$msg"; then
        basename "$dir"
        return 0
      fi
    done
  done
  echo nowhere
}

# bk_count DIR : number of messages in the Maildir DIR (new/ and cur/).
bk_count ()
{
  find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l | tr -d ' '
}
