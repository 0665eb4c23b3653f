# SPDX-License-Identifier: MIT
# bash completion for bouncekit. The commands and options are read from
# the program's own help (`bouncekit help`, `bouncekit COMMAND --help`), so
# they stay those of the installed version; files complete otherwise.

_bouncekit_commands()
{
  "$1" help 2>/dev/null | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

_bouncekit_options()
{
  # the option column of GOption's help: "  -f, --format=FORMAT   text…"
  "$1" "$2" --help 2>/dev/null \
    | sed -nE 's/^ +(-[a-zA-Z], )?(--[a-zA-Z][-a-zA-Z]*=?)[^ ]*( .*)?$/\2/p' | sort -u
}

_bouncekit()
{
  local cur prev prog cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  prog=${COMP_WORDS[0]}
  cmd=
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done

  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$(_bouncekit_commands "$prog") --help --version" -- "$cur"))
    return
  fi

  case $prev in
    -f|--format)
      case $cmd in
        scan) COMPREPLY=($(compgen -W "json text csv" -- "$cur")) ;;
        suppress) COMPREPLY=($(compgen -W "text json csv addresses" -- "$cur")) ;;
        report) COMPREPLY=($(compgen -W "html json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json csv" -- "$cur")) ;;
      esac
      return ;;
    -s|--summary) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    -c|--class) COMPREPLY=($(compgen -W "hard soft policy complaint hard,soft hard,soft,policy" -- "$cur")); return ;;
    -r|--rules) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -d|--db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --cacert) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -j|--jobs|--soft-threshold|--soft-span|-w|--window|--now|--since|--top|--batch|--move-to) return ;;
  esac

  if [[ $cmd == help ]]; then
    COMPREPLY=($(compgen -W "$(_bouncekit_commands "$prog")" -- "$cur"))
    return
  fi
  if [[ $cmd == rules && $COMP_CWORD -eq 2 ]]; then
    COMPREPLY=($(compgen -W "check" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    local opts
    opts=$(_bouncekit_options "$prog" "$cmd")
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _bouncekit bouncekit
