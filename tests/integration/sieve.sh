#!/bin/sh
# Integration test: Dovecot Sieve (Debian packages "dovecot-core" and
# "dovecot-sieve", which ships the extprograms plugin) calls
# `bouncekit check` through vnd.dovecot.execute, run by the real
# `sieve-test` with a private configuration file:
#   A  dry run of the plain script: sieve-test prints
#      "store message in folder: Bounces" for a bounce, INBOX otherwise
#   B  real delivery (-e -l maildir:…): bounces -> Maildir/.Bounces,
#      everything else -> Maildir (INBOX)
#   C  execute with arguments ["--class", "hard"], then any bounce:
#      .Bounces.Hard / .Bounces / INBOX
#   D  --record --db in the execute wrapper, and vnd.dovecot.pipe feeding
#      `bouncekit ingest`: both histories equal a batch ingest
#   E  bouncekit fails (rules missing): every message -> INBOX
#   G  --record into a history database that is down (a PostgreSQL
#      server nobody runs): every message -> INBOX
#   H  --record into a history another writer holds locked (--db-timeout
#      1): bounces -> .Bounces all the same, the rest -> INBOX, nothing
#      recorded
#   F  the real delivery agent, dovecot-lda, with the filter as a global
#      sieve_before script ending in `stop` and a personal script after
#      it: bounces -> .Bounces, the rest -> where the user's script says
# and every message must land in exactly one place, unchanged.
#
# Installs nothing: without sieve-test, or without the extprograms plugin,
# it exits 77 (skipped). Dovecot refuses to deliver mail as root: run as
# root, the mail is handled as user "nobody", so the build tree must be
# readable by it.
# Environment (set by meson): BOUNCEKIT_BIN, BK_RULES_DIR, BK_SOURCE_ROOT;
# BK_KEEP_TMP=1 keeps the temporary directory for inspection.

set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

command -v sieve-test > /dev/null 2>&1 ||
  bk_skip "sieve-test not found on PATH (Debian/Ubuntu: apt-get install dovecot-core dovecot-sieve)"

bk_setup
bk_pick_messages

# Dovecot will not run mail delivery as root (uid 0), whatever
# first_valid_uid says.
if [ "$(id -u)" -eq 0 ]; then
  mail_uid=$(id -u nobody 2> /dev/null) || bk_die "running as root and there is no user 'nobody' to deliver mail as"
  mail_gid=$(id -g nobody)
  chown -R "$mail_uid:$mail_gid" "$workdir"
  if command -v setpriv > /dev/null 2>&1; then
    setpriv --reuid="$mail_uid" --regid="$mail_gid" --clear-groups \
      env BOUNCEKIT_RULES="$bk_rules" "$bk_bin" check < "$workdir/msgs/$(awk '$2 == "hard" { print $1; exit }' "$workdir/expect")" > /dev/null 2>&1
    rc=$?
    [ "$rc" -eq 0 ] ||
      bk_die "as user nobody (uid $mail_uid), '$bk_bin check' exited $rc on a bounce: the build tree must be readable by it, or run the tests as a normal user"
  fi
else
  mail_uid=$(id -u)
  mail_gid=$(id -g)
fi

# Programs run by Sieve get an empty environment: the wrappers carry the
# paths. They are what an admin installs in sieve_execute_bin_dir.
sbin=$workdir/sieve-bin
mkdir "$sbin"
make_wrapper ()  # NAME RULES ARGS...
{
  name=$1
  rules=$2
  shift 2
  {
    echo '#!/bin/sh'
    echo "BOUNCEKIT_RULES='$rules'"
    echo 'export BOUNCEKIT_RULES'
    echo "exec '$bk_bin' $* \"\$@\""
  } > "$sbin/$name"
  chmod 755 "$sbin/$name"
}
make_wrapper bouncekit-check "$bk_rules" check
make_wrapper bouncekit-record "$bk_rules" check --record --db "'$workdir/D/history.db'"
make_wrapper bouncekit-ingest "$bk_rules" ingest --quiet --db "'$workdir/D/piped.db'" -
make_wrapper bouncekit-check-norules "$workdir/no-such-rules" check
make_wrapper bouncekit-record-down "$bk_rules" check --record --db "'postgresql://bk@127.0.0.1:1/bounces'"
make_wrapper bouncekit-record-locked "$bk_rules" check --record --db-timeout 1 --db "'$workdir/H/history.db'"

# write_conf VARIANT: $workdir/VARIANT/dovecot.conf, mail in
# $workdir/VARIANT/Maildir.
write_conf ()
{
  mkdir -p "$workdir/$1/Maildir"
  cat > "$workdir/$1/dovecot.conf" << EOF
# sieve-test only: no server, no auth.
first_valid_uid = 1
first_valid_gid = 0
mail_uid = $mail_uid
mail_gid = $mail_gid
mail_location = maildir:$workdir/$1/Maildir
plugin {
  sieve_plugins = sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.execute +vnd.dovecot.pipe
  sieve_execute_bin_dir = $sbin
  sieve_pipe_bin_dir = $sbin
}
EOF
}

# Is the extprograms plugin there?
write_conf probe
printf 'require ["vnd.dovecot.execute", "vnd.dovecot.pipe"];\nkeep;\n' > "$workdir/probe/probe.sieve"
[ "$(id -u)" -ne 0 ] || chown -R "$mail_uid:$mail_gid" "$workdir"
sieve-test -c "$workdir/probe/dovecot.conf" "$workdir/probe/probe.sieve" \
  "$workdir/msgs/$(head -n 1 "$workdir/expect" | cut -d' ' -f1)" > "$workdir/probe/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
  if grep -q "Plugin 'sieve_extprograms' not found" "$workdir/probe/out"; then
    bk_skip "the Sieve extprograms plugin is not installed (Debian/Ubuntu: it ships in dovecot-sieve)"
  fi
  sed 's/^/# /' "$workdir/probe/out"
  bk_die "sieve-test cannot run a script requiring vnd.dovecot.execute (exit $rc)"
fi

# sieve_run VARIANT SCRIPT MESSAGE [extra sieve-test options]: output in
# $workdir/VARIANT/out, exit status in $rc.
sieve_run ()
{
  v=$1
  script=$2
  m=$3
  shift 3
  sieve-test "$@" -c "$workdir/$v/dovecot.conf" "$script" "$m" > "$workdir/$v/out" 2>&1
  rc=$?
  cat "$workdir/$v/out" >> "$workdir/$v/log"
}

expected_B ()
{
  case $1 in hard|other) echo .Bounces ;; *) echo Maildir ;; esac
}
expected_C ()
{
  case $1 in hard) echo .Bounces.Hard ;; other) echo .Bounces ;; *) echo Maildir ;; esac
}
expected_D ()
{
  expected_B "$1"
}
expected_E ()
{
  echo Maildir
}
expected_G ()
{
  echo Maildir
}
expected_H ()
{
  expected_B "$1"
}

# deliver_variant VARIANT RUNNER FOLDERS... : deliver every message with
# RUNNER (sieve_deliver: sieve-test -e on $workdir/VARIANT/script.sieve;
# lda_deliver: dovecot-lda), check where each one landed, and that the
# folders hold exactly all the messages.
sieve_deliver ()
{
  sieve_run "$v" "$workdir/$v/script.sieve" "$1" -e -l "maildir:$workdir/$v/Maildir"
}
deliver_variant ()
{
  v=$1
  runner=$2
  shift 2
  dirs=
  for folder in "$@"; do
    if [ "$folder" = Maildir ]; then
      dirs="$dirs $workdir/$v/Maildir"
    else
      dirs="$dirs $workdir/$v/Maildir/$folder"
    fi
  done
  [ "$(id -u)" -ne 0 ] || chown -R "$mail_uid:$mail_gid" "$workdir/$v"
  total=0
  while read -r name kind; do
    msg=$workdir/msgs/$name
    $runner "$msg"
    total=$((total + 1))
    # shellcheck disable=SC2086
    got=$(bk_where "$msg" $dirs)
    want=$("expected_$v" "$kind")
    if [ "$rc" -ne 0 ]; then
      bk_not_ok "$v: $runner exited $rc on $name"
      sed 's/^/# /' "$workdir/$v/out"
    elif [ "$got" = "$want" ]; then
      bk_ok "$v: $name ($kind) -> $got"
    else
      bk_not_ok "$v: $name ($kind) landed in $got, expected $want"
      sed 's/^/# /' "$workdir/$v/out"
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
  fi
}

# A: the script of doc/recipes.md, dry run: sieve-test only prints the
# actions.
write_conf A
cat > "$workdir/A/script.sieve" << 'EOF'
require ["vnd.dovecot.execute", "fileinto", "mailbox"];
if execute :pipe "bouncekit-check" {
  fileinto :create "Bounces";
  stop;
}
EOF
[ "$(id -u)" -ne 0 ] || chown -R "$mail_uid:$mail_gid" "$workdir/A"
while read -r name kind; do
  sieve_run A "$workdir/A/script.sieve" "$workdir/msgs/$name"
  case $kind in hard|other) want=Bounces ;; *) want=INBOX ;; esac
  got=$(sed -n 's/^ *\* store message in folder: //p' "$workdir/A/out" | tr '\n' ' ' | sed 's/ $//')
  if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then
    bk_ok "A: $name ($kind): store message in folder: $got"
  else
    bk_not_ok "A: $name ($kind): sieve-test exited $rc, folders '$got', expected $want"
    sed 's/^/# /' "$workdir/A/out"
  fi
done < "$workdir/expect"

# B: the same script, real delivery. fileinto :create: without it (and
# without lda_mailbox_autocreate) a missing Bounces folder makes the
# fileinto fail and the message falls back to INBOX.
write_conf B
cp "$workdir/A/script.sieve" "$workdir/B/script.sieve"
deliver_variant B sieve_deliver .Bounces Maildir

# C: hard bounces apart, with arguments to the program.
write_conf C
cat > "$workdir/C/script.sieve" << 'EOF'
require ["vnd.dovecot.execute", "fileinto", "mailbox"];
if execute :pipe "bouncekit-check" ["--class", "hard"] {
  fileinto :create "Bounces.Hard";
  stop;
} elsif execute :pipe "bouncekit-check" {
  fileinto :create "Bounces";
  stop;
}
EOF
deliver_variant C sieve_deliver .Bounces.Hard .Bounces Maildir

# D: record while filtering (execute, every message), and pipe the
# bounces to `bouncekit ingest` (vnd.dovecot.pipe, bounces only).
write_conf D
cat > "$workdir/D/script.sieve" << 'EOF'
require ["vnd.dovecot.execute", "vnd.dovecot.pipe", "fileinto", "mailbox", "copy"];
if execute :pipe "bouncekit-record" {
  pipe :copy "bouncekit-ingest";
  fileinto :create "Bounces";
  stop;
}
EOF
deliver_variant D sieve_deliver .Bounces Maildir

export BOUNCEKIT_RULES="$bk_rules"
all_msgs=$(awk '{ print "'"$workdir"'/msgs/" $1 }' "$workdir/expect")
bounce_msgs=$(awk '$2 == "hard" || $2 == "other" { print "'"$workdir"'/msgs/" $1 }' "$workdir/expect")
# shellcheck disable=SC2086
"$bk_bin" ingest --quiet --db "$workdir/batch-all.db" $all_msgs 2> /dev/null
# shellcheck disable=SC2086
"$bk_bin" ingest --quiet --db "$workdir/batch-bounces.db" $bounce_msgs 2> /dev/null
same_history ()  # LABEL FILTER_DB BATCH_DB
{
  if [ ! -f "$2" ]; then
    bk_not_ok "D: $1: no database was written"
    return
  fi
  "$bk_bin" stats --db "$2" --format json > "$2.stats"
  "$bk_bin" stats --db "$3" --format json > "$3.stats"
  if cmp -s "$2.stats" "$3.stats"; then
    bk_ok "D: $1 = bouncekit ingest of the same messages ($(grep '"events"' "$2.stats" | tr -d ' ,'))"
  else
    bk_not_ok "D: $1 differs from bouncekit ingest of the same messages"
    diff "$2.stats" "$3.stats" | sed 's/^/# /'
  fi
}
same_history "history recorded by execute 'bouncekit check --record'" "$workdir/D/history.db" "$workdir/batch-all.db"
same_history "history recorded by pipe 'bouncekit ingest -'" "$workdir/D/piped.db" "$workdir/batch-bounces.db"

# E: bouncekit fails; the message must still reach INBOX.
write_conf E
cat > "$workdir/E/script.sieve" << 'EOF'
require ["vnd.dovecot.execute", "fileinto", "mailbox"];
if execute :pipe "bouncekit-check-norules" {
  fileinto :create "Bounces";
}
EOF
deliver_variant E sieve_deliver .Bounces Maildir

# G: the shared history is down: check --record exits 2, execute is
# false, and the message is kept in INBOX.
write_conf G
cat > "$workdir/G/script.sieve" << 'EOF'
require ["vnd.dovecot.execute", "fileinto", "mailbox"];
if execute :pipe "bouncekit-record-down" {
  fileinto :create "Bounces";
}
EOF
deliver_variant G sieve_deliver .Bounces Maildir

# H: the history is locked by another writer: check --record waits
# --db-timeout, records nothing, and its verdict stands.
write_conf H
cat > "$workdir/H/script.sieve" << 'EOF'
require ["vnd.dovecot.execute", "fileinto", "mailbox"];
if execute :pipe "bouncekit-record-locked" {
  fileinto :create "Bounces";
}
EOF
"$bk_bin" ingest --quiet --db "$workdir/H/history.db" --rules "$bk_rules" "$root/samples/rfc3464/single-recipient.eml" 2> /dev/null
as_mail=
if [ "$(id -u)" -eq 0 ]; then
  chown -R "$mail_uid:$mail_gid" "$workdir/H"
  command -v setpriv > /dev/null 2>&1 && as_mail="setpriv --reuid=$mail_uid --regid=$mail_gid --clear-groups"
fi
# shellcheck disable=SC2086
if bk_hold_lock "$workdir/H/history.db" $as_mail; then
  t0=$(date +%s)
  deliver_variant H sieve_deliver .Bounces Maildir
  took=$(($(date +%s) - t0))
  n=$(wc -l < "$workdir/expect")
  if [ "$took" -le $((n * 3)) ]; then
    bk_ok "H: $n deliveries with the history locked took ${took} s (at most 3 s each)"
  else
    bk_not_ok "H: $n deliveries with the history locked took ${took} s"
  fi
  bk_release_lock
  events=$("$bk_bin" stats --db "$workdir/H/history.db" --format json | grep '"events"' | tr -d ' ,')
  if [ "$events" = '"events":1' ]; then
    bk_ok "H: nothing recorded while locked"
  else
    bk_not_ok "H: the history changed while locked: $events"
  fi
else
  bk_not_ok "H: could not take the history's lock (python3 sqlite3)"
fi

# F: the real delivery agent, dovecot-lda, the way a server runs the
# filter: a global script (sieve_before; vnd.dovecot.execute enabled by
# sieve_global_extensions is only allowed in global scripts) ending in
# `stop`, so the user's own script never sees the bounces. The user's
# script here files everything it gets into Personal.
lda=
for c in "$(command -v dovecot-lda 2> /dev/null)" /usr/lib/dovecot/dovecot-lda /usr/libexec/dovecot/dovecot-lda; do
  if [ -n "$c" ] && [ -x "$c" ]; then
    lda=$c
    break
  fi
done
if [ -z "$lda" ]; then
  echo "# dovecot-lda not found: variant F not run"
elif [ "$(id -u)" -eq 0 ] && ! command -v setpriv > /dev/null 2>&1; then
  echo "# running as root without setpriv: variant F (dovecot-lda as nobody) not run"
else
  mkdir -p "$workdir/F/Maildir" "$workdir/F/home" "$workdir/F/global"
  cat > "$workdir/F/dovecot.conf" << EOF
first_valid_uid = 1
first_valid_gid = 0
mail_location = maildir:$workdir/F/Maildir
log_path = $workdir/F/dovecot.log
protocol lda {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_before = $workdir/F/global/bounces.sieve
  sieve_plugins = sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.execute +vnd.dovecot.pipe
  sieve_execute_bin_dir = $sbin
  sieve_pipe_bin_dir = $sbin
}
EOF
  cat > "$workdir/F/global/bounces.sieve" << 'EOF'
require ["vnd.dovecot.execute", "fileinto", "mailbox"];
if execute :pipe "bouncekit-check" {
  fileinto :create "Bounces";
  stop;
}
EOF
  cat > "$workdir/F/home/.dovecot.sieve" << 'EOF'
require ["fileinto", "mailbox"];
fileinto :create "Personal";
EOF
  lda_deliver ()
  {
    if [ "$(id -u)" -eq 0 ]; then
      setpriv --reuid="$mail_uid" --regid="$mail_gid" --clear-groups \
        env -i HOME="$workdir/F/home" USER=nobody PATH=/usr/bin:/bin \
        "$lda" -c "$workdir/F/dovecot.conf" -f MAILER-DAEMON < "$1" > "$workdir/F/out" 2>&1
    else
      env -i HOME="$workdir/F/home" USER="$(id -un)" PATH=/usr/bin:/bin \
        "$lda" -c "$workdir/F/dovecot.conf" -f MAILER-DAEMON < "$1" > "$workdir/F/out" 2>&1
    fi
    rc=$?
    cat "$workdir/F/dovecot.log" >> "$workdir/F/out" 2> /dev/null
    : > "$workdir/F/dovecot.log"
  }
  expected_F ()
  {
    case $1 in hard|other) echo .Bounces ;; *) echo .Personal ;; esac
  }
  deliver_variant F lda_deliver .Bounces .Personal Maildir
fi

bk_finish
