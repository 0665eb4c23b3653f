#!/bin/sh
# Integration test: the real procmail (Debian package "procmail") files
# bounces with `bouncekit check` as a `* ?` condition.
#
# Three rcfiles, each run with `procmail -m RCFILE < message` (filter mode:
# runs as the invoking user, reads no ~/.procmailrc or /etc/procmailrc,
# never touches the system spool), once per message:
#   A  any bounce      -> Maildir/.Bounces/, everything else -> Maildir/
#   B  --class hard    -> Maildir/.Bounces.Hard/, other bounces ->
#                         Maildir/.Bounces/, everything else -> Maildir/
#   C  --record --db   -> bounces.mbox (locked), the rest -> inbox.mbox;
#                         the history it records equals `bouncekit ingest`
#   D  bouncekit fails (rules missing): every message -> Maildir/
#   F  procmail -f (an envelope "From " line before the message) and a
#      bounce whose body has lines starting with "From ": one message,
#      one verdict -> Maildir/.Bounces/
#   G  --record into a history another writer holds locked (--db-timeout
#      1): bounces -> Maildir/.Bounces/ all the same, the rest ->
#      Maildir/, each in about a second, nothing recorded
#   E  --record into a history database that is down (a PostgreSQL
#      server nobody runs): every message -> Maildir/, the reason in
#      procmail's log
# and every message must land in exactly one place, unchanged.
#
# Installs nothing: without procmail on PATH it exits 77 (skipped).
# Environment (set by meson): BOUNCEKIT_BIN, BK_RULES_DIR, BK_SOURCE_ROOT;
# BK_KEEP_TMP=1 keeps the temporary directory for inspection.

set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

command -v procmail > /dev/null 2>&1 ||
  bk_skip "procmail not found on PATH (Debian/Ubuntu: apt-get install procmail)"

bk_setup
bk_pick_messages

# procmail replaces the environment: the rcfile sets PATH and
# BOUNCEKIT_RULES. bouncekit is reached through PATH, as in the recipes.
mkdir "$workdir/bin"
ln -s "$bk_bin" "$workdir/bin/bouncekit"

# write_rc NAME RECIPES RULES [DEFAULT]: $workdir/NAME/rc with the common
# preamble (DEFAULT: the Maildir itself).
write_rc ()
{
  # MAILDIR must exist: if procmail cannot chdir to it, it stays in
  # $HOME and delivers relative folders there.
  mkdir -p "$workdir/$1/Maildir"
  {
    echo "SHELL=/bin/sh"
    echo "PATH=\"$workdir/bin:/usr/local/bin:/usr/bin:/bin\""
    echo "BOUNCEKIT_RULES=\"$3\""
    echo "MAILDIR=\"$workdir/$1/Maildir\""
    echo "DEFAULT=\"\$MAILDIR/${4:-}\""
    echo "LOGFILE=\"$workdir/$1/procmail.log\""
    echo "VERBOSE=yes"
    echo
    printf '%s\n' "$2"
  } > "$workdir/$1/rc"
  chmod 600 "$workdir/$1/rc"
}

# expected_A/B/D KIND: where a message of KIND must land.
expected_A ()
{
  case $1 in hard|other) echo .Bounces ;; *) echo Maildir ;; esac
}
expected_B ()
{
  case $1 in hard) echo .Bounces.Hard ;; other) echo .Bounces ;; *) echo Maildir ;; esac
}
expected_D ()
{
  echo Maildir
}
expected_E ()
{
  echo Maildir
}
expected_G ()
{
  expected_A "$1"
}

# run_maildir_variant NAME FOLDERS... : deliver every message, check where
# each one landed, and that the folders hold exactly all the messages.
run_maildir_variant ()
{
  v=$1
  shift
  dirs=
  for folder in "$@"; do
    if [ "$folder" = Maildir ]; then
      dirs="$dirs $workdir/$v/Maildir"
    else
      dirs="$dirs $workdir/$v/Maildir/$folder"
    fi
  done
  total=0
  while read -r name kind; do
    msg=$workdir/msgs/$name
    procmail -m "$workdir/$v/rc" < "$msg"
    rc=$?
    total=$((total + 1))
    # shellcheck disable=SC2086
    got=$(bk_where "$msg" $dirs)
    want=$("expected_$v" "$kind")
    if [ "$rc" -ne 0 ]; then
      bk_not_ok "$v: procmail exited $rc on $name"
    elif [ "$got" = "$want" ]; then
      bk_ok "$v: $name ($kind) -> $got"
    else
      bk_not_ok "$v: $name ($kind) landed in $got, expected $want"
    fi
  done < "$workdir/expect"
  delivered=0
  summary=
  for d in $dirs; do
    c=$(bk_count "$d")
    delivered=$((delivered + c))
    summary="$summary $(basename "$d")=$c"
  done
  if [ "$delivered" -eq "$total" ]; then
    bk_ok "$v: never lose a message: $total in, $delivered delivered ($summary )"
  else
    bk_not_ok "$v: $total messages in, $delivered delivered ($summary )"
    echo "# --- $v/procmail.log"
    sed 's/^/# /' "$workdir/$v/procmail.log"
  fi
}

# A: the plain recipe. HB: a `?` condition only gets the header unless
# the recipe says B too, and bouncekit needs the body.
write_rc A '
:0 HB
* ? bouncekit check
.Bounces/
' "$bk_rules"
run_maildir_variant A .Bounces Maildir

# B: hard bounces apart, then the other bounces.
write_rc B '
:0 HB
* ? bouncekit check --class hard
.Bounces.Hard/

:0 HB
* ? bouncekit check
.Bounces/
' "$bk_rules"
run_maildir_variant B .Bounces.Hard .Bounces Maildir

# D: bouncekit cannot work (no rules): it exits 2, the condition fails,
# and every message must still reach the default mailbox.
write_rc D '
:0 HB
* ? bouncekit check
.Bounces/
' "$workdir/no-such-rules"
run_maildir_variant D .Bounces Maildir

# F: procmail puts an envelope "From " line before the message (as it
# does when delivering from an MTA), and the bounce's own text has lines
# that start with "From ": check must judge the whole message, not cut
# it as an mbox at those lines.
mkdir -p "$workdir/F"
fmsg=$workdir/F/from-lines.eml
sed 's/^This is the mail system at host mail.example.net.$/From the remote server: see below.\
\
This is the mail system at host mail.example.net./' "$root/samples/rfc3464/single-recipient.eml" > "$fmsg"
printf '\nFrom here on, the returned message follows.\n' >> "$fmsg"
if grep -q '^From the remote server' "$fmsg"; then
  write_rc F '
:0 HB
* ? bouncekit check --class hard
.Bounces/
' "$bk_rules"
  procmail -f MAILER-DAEMON -m "$workdir/F/rc" < "$fmsg"
  n=$(bk_count "$workdir/F/Maildir/.Bounces")
  if [ "$n" -eq 1 ]; then
    bk_ok "F: a bounce with body lines starting with \"From \" behind procmail's envelope line -> .Bounces"
  else
    bk_not_ok "F: the bounce with \"From \" body lines was not filed as a hard bounce"
    sed 's/^/# /' "$workdir/F/procmail.log"
  fi
else
  bk_not_ok "F: could not build the test message"
fi

# G: the history is locked by another writer (a long ingest, say):
# check --record waits --db-timeout, records nothing, says so, and its
# verdict stands, so bounces are still filed as bounces.
mkdir -p "$workdir/G"
"$bk_bin" ingest --quiet --db "$workdir/G/history.db" --rules "$bk_rules" "$root/samples/rfc3464/single-recipient.eml" 2> /dev/null
before=$("$bk_bin" stats --db "$workdir/G/history.db" --format json | grep '"events"')
if bk_hold_lock "$workdir/G/history.db"; then
  write_rc G "
:0 HB
* ? bouncekit check --record --db-timeout 1 --db $workdir/G/history.db
.Bounces/
" "$bk_rules"
  t0=$(date +%s)
  run_maildir_variant G .Bounces Maildir
  took=$(($(date +%s) - t0))
  n=$(wc -l < "$workdir/expect")
  if [ "$took" -le $((n * 3)) ]; then
    bk_ok "G: $n deliveries with the history locked took ${took} s (at most 3 s each)"
  else
    bk_not_ok "G: $n deliveries with the history locked took ${took} s"
  fi
  if grep -q "^bouncekit: .*the event was not recorded" "$workdir/G/procmail.log"; then
    bk_ok "G: procmail's log says the events were not recorded"
  else
    bk_not_ok "G: no 'not recorded' line in procmail's log"
    sed 's/^/# /' "$workdir/G/procmail.log" | head -10
  fi
  bk_release_lock
  after=$("$bk_bin" stats --db "$workdir/G/history.db" --format json | grep '"events"')
  if [ "$before" = "$after" ]; then
    bk_ok "G: nothing recorded while locked ($after)"
  else
    bk_not_ok "G: the history changed while locked: $before -> $after"
  fi
else
  bk_not_ok "G: could not take the history's lock (python3 sqlite3)"
fi

# E: the shared history is down (nothing listens on port 1): check
# --record exits 2, the condition fails, and every message reaches the
# default mailbox; the log names the database, never its password.
write_rc E '
:0 HB
* ? bouncekit check --record --db postgresql://bk:hunter2@127.0.0.1:1/bounces
.Bounces/
' "$bk_rules"
run_maildir_variant E .Bounces Maildir
# (procmail's own VERBOSE lines quote the command, password and all:
# hence ~/.pgpass in the recipes; bouncekit's lines must not)
if grep -q "^bouncekit: 'postgresql://bk:\*\*\*@127.0.0.1:1/bounces': cannot connect" "$workdir/E/procmail.log" &&
   ! grep "^bouncekit:" "$workdir/E/procmail.log" | grep -q hunter2; then
  bk_ok "E: procmail's log names the database that is down, password masked"
else
  bk_not_ok "E: no masked one-line database error in procmail's log"
  sed 's/^/# /' "$workdir/E/procmail.log" | head -20
fi

# C: mbox folders (with a local lockfile, the trailing ":") and
# --record --db. procmail -m writes no "From " separator unless asked
# for one: -f MAILER-DAEMON makes it generate one, as an MTA would.
write_rc C "
:0 HB:
* ? bouncekit check --record --db $workdir/C/history.db
bounces.mbox
" "$bk_rules" inbox.mbox
total=0
while read -r name kind; do
  procmail -f MAILER-DAEMON -m "$workdir/C/rc" < "$workdir/msgs/$name"
  rc=$?
  total=$((total + 1))
  [ "$rc" -eq 0 ] || bk_not_ok "C: procmail exited $rc on $name"
done < "$workdir/expect"

# Split each mbox back into messages ("From " after an empty line starts
# one; formail -s would merge the header-less message into its
# predecessor) and match every one with an input. Trailing empty lines
# are ignored: procmail ends each message with one.
strip_trailing_empty ()
{
  awk '{ line[NR] = $0 } END { n = NR; while (n > 0 && line[n] ~ /^\r?$/) n--; for (i = 1; i <= n; i++) print line[i] }'
}
for box in bounces inbox; do
  mkdir "$workdir/C/split-$box"
  [ -f "$workdir/C/Maildir/$box.mbox" ] || continue
  awk -v dir="$workdir/C/split-$box" '
    /^From / && (NR == 1 || prev == "") { n++; out = sprintf("%s/msg.%03d", dir, n); prev = "x"; next }
    { print > out; prev = $0 }' "$workdir/C/Maildir/$box.mbox"
  for f in "$workdir/C/split-$box"/msg.*; do
    [ -f "$f" ] || continue
    strip_trailing_empty < "$f" > "$f.norm" && mv "$f.norm" "$f"
  done
done
while read -r name kind; do
  case $kind in hard|other) want=bounces ;; *) want=inbox ;; esac
  strip_trailing_empty < "$workdir/msgs/$name" > "$workdir/C/input.norm"
  got=nowhere
  for box in bounces inbox; do
    for f in "$workdir/C/split-$box"/msg.*; do
      [ -f "$f" ] || continue
      if cmp -s "$f" "$workdir/C/input.norm"; then
        got=$box
        break 2
      fi
    done
  done
  if [ "$got" = "$want" ]; then
    bk_ok "C: $name ($kind) -> $got.mbox"
  else
    bk_not_ok "C: $name ($kind) landed in $got, expected $want.mbox"
  fi
done < "$workdir/expect"
nb=$(find "$workdir/C/split-bounces" -type f | wc -l | tr -d ' ')
ni=$(find "$workdir/C/split-inbox" -type f | wc -l | tr -d ' ')
delivered=$((nb + ni))
if [ "$delivered" -eq "$total" ]; then
  bk_ok "C: never lose a message: $total in, $delivered delivered (bounces.mbox=$nb inbox.mbox=$ni)"
else
  bk_not_ok "C: $total messages in, $delivered delivered (bounces.mbox=$nb inbox.mbox=$ni)"
fi

# What the filter recorded must be what a batch ingest of the same
# messages records.
export BOUNCEKIT_RULES="$bk_rules"
"$bk_bin" ingest --quiet --db "$workdir/C/batch.db" "$workdir"/msgs/*.eml 2> /dev/null
if [ ! -f "$workdir/C/history.db" ]; then
  bk_not_ok "C: --record created no database"
else
  "$bk_bin" stats --db "$workdir/C/history.db" --format json > "$workdir/C/stats-filter.json"
  "$bk_bin" stats --db "$workdir/C/batch.db" --format json > "$workdir/C/stats-batch.json"
  if cmp -s "$workdir/C/stats-filter.json" "$workdir/C/stats-batch.json"; then
    bk_ok "C: history recorded by the filter = bouncekit ingest of the same messages ($(grep '"events"' "$workdir/C/stats-filter.json" | tr -d ' ,'))"
  else
    bk_not_ok "C: history recorded by the filter differs from bouncekit ingest"
    diff "$workdir/C/stats-filter.json" "$workdir/C/stats-batch.json" | sed 's/^/# /'
  fi
  "$bk_bin" suppress --db "$workdir/C/history.db" --format csv --now 2030-01-01 > "$workdir/C/suppress-filter.csv"
  "$bk_bin" suppress --db "$workdir/C/batch.db" --format csv --now 2030-01-01 > "$workdir/C/suppress-batch.csv"
  nsup=$(($(wc -l < "$workdir/C/suppress-filter.csv") - 1))
  if cmp -s "$workdir/C/suppress-filter.csv" "$workdir/C/suppress-batch.csv" && [ "$nsup" -ge 1 ]; then
    bk_ok "C: suppress lists the same $nsup addresses from either history"
  else
    bk_not_ok "C: suppress output differs or is empty ($nsup addresses)"
    diff "$workdir/C/suppress-filter.csv" "$workdir/C/suppress-batch.csv" | sed 's/^/# /'
  fi
  # A redelivered bounce (an MTA retrying) adds no event.
  first_hard=$(awk '$2 == "hard" { print $1; exit }' "$workdir/expect")
  procmail -f MAILER-DAEMON -m "$workdir/C/rc" < "$workdir/msgs/$first_hard"
  "$bk_bin" stats --db "$workdir/C/history.db" --format json > "$workdir/C/stats-again.json"
  if cmp -s "$workdir/C/stats-filter.json" "$workdir/C/stats-again.json"; then
    bk_ok "C: the same bounce filtered twice is recorded once"
  else
    bk_not_ok "C: filtering $first_hard again changed the history"
  fi
fi

bk_finish
