#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash completion (completion/bouncekit.bash) offers the commands and
# each command's options, as the built program's help names them.
set -u
# shellcheck source=/dev/null
source "$BK_SOURCE_ROOT/completion/bouncekit.bash"
n=0 bad=0
expect() { # expect WORDS... -- WANTED
  local words=() w
  while [ "$1" != -- ]; do words+=("$1"); shift; done
  shift
  COMP_WORDS=("$BOUNCEKIT_BIN" "${words[@]}"); COMP_CWORD=${#words[@]}
  COMPREPLY=()
  _bouncekit 2>/dev/null
  n=$((n + 1))
  local got=" ${COMPREPLY[*]} "
  for w in "$@"; do
    if [[ $got != *" $w "* ]]; then
      echo "not ok $n - ${words[*]}: '$w' not in [${COMPREPLY[*]}]"; bad=$((bad + 1)); return
    fi
  done
  echo "ok $n - ${words[*]}"
}
expect "" -- scan check explain rules ingest suppress stats forgive report help --version
expect sc -- scan
expect scan --f -- --format=
expect scan --format "" -- json text csv
expect check --c -- --class=
expect check --class "" -- hard soft policy complaint
expect suppress --format "" -- text json csv addresses
expect suppress --s -- --soft-threshold= --soft-span=
expect report --format "" -- html json
expect ingest --c -- --cacert=
expect rules "" -- check
expect help "" -- scan suppress
echo "1..$n"
[ "$bad" = 0 ]
