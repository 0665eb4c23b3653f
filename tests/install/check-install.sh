#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install anywhere: build and install bouncekit under a temporary prefix
# (as a user would under $HOME/.local), then, from another directory and
# without LD_LIBRARY_PATH, BOUNCEKIT_RULES or libpq's pkg-config file:
# run the installed command, build a small C program with
# `pkg-config --cflags --libs bouncekit` that finds the installed rules by
# itself, and import the Python module and the typelib from Python and Perl.
# Usage: tests/install/check-install.sh [SOURCE_DIR]   (CI runs it)
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/home/.local
fail() { echo "check-install: $*" >&2; exit 1; }

echo "== install under $prefix"
meson setup "$work/build" "$src" --prefix="$prefix" -Dtests=false >/dev/null
ninja -C "$work/build" >/dev/null
meson install -C "$work/build" --quiet >/dev/null

mkdir "$work/elsewhere"
cd "$work/elsewhere"
unset LD_LIBRARY_PATH BOUNCEKIT_RULES GI_TYPELIB_PATH PYTHONPATH || true
sample=$src/samples/rfc3464/multi-recipient.eml

echo "== the installed command"
"$prefix/bin/bouncekit" --version | tee version.out
grep -q "^rules: $prefix/share/bouncekit/rules$" version.out || fail "--version names other rules"
"$prefix/bin/bouncekit" scan --quiet --format text "$sample" > scan.out
grep -q "felix.brandt@example.org" scan.out || fail "the installed command found nobody"
[ -f "$prefix/share/man/man1/bouncekit.1" ] || fail "no man page"
[ -f "$prefix/share/bash-completion/completions/bouncekit" ] || fail "no bash completion"
[ -f "$prefix/share/doc/bouncekit/recipes.md" ] || fail "no doc/recipes.md"

echo "== pkg-config without libpq.pc"
pcdir=$work/pkgconfig
mkdir "$pcdir"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
  for f in "$d"/*.pc; do
    [ -e "$f" ] || continue
    case "$(basename "$f")" in libpq.pc) ;; *) ln -sf "$f" "$pcdir/" ;; esac
  done
done
libdir=$(find "$prefix" -name 'bouncekit.pc' -printf '%h\n' | head -1)
export PKG_CONFIG_LIBDIR="$pcdir:$libdir"
pkg-config --exists libpq && fail "libpq.pc still visible"
flags=$(pkg-config --cflags --libs bouncekit) || fail "pkg-config bouncekit failed"
rulesdir=$(pkg-config --variable=rulesdir bouncekit)
[ -d "$rulesdir" ] || fail "rulesdir $rulesdir is not installed"

echo "== a C program that needs no rules path"
cat > tiny.c <<'C'
#include <bouncekit/bouncekit.h>
int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  bk_init ();
  g_autoptr (BkRuleset) rules = bk_ruleset_new_default (&error);
  if (rules == NULL || argc != 2 || !g_file_get_contents (argv[1], &data, &len, &error))
    {
      g_printerr ("tiny: %s\n", error ? error->message : "usage: tiny FILE");
      return 1;
    }
  g_autoptr (BkAnalyzer) analyzer = bk_analyzer_new (rules);
  g_autoptr (BkReport) report = bk_analyzer_analyze_bytes (analyzer, data, len, &error);
  if (report == NULL)
    return 1;
  for (guint i = 0; i < bk_report_get_n_recipients (report); i++)
    {
      BkRecipient *r = bk_report_get_recipient (report, i);
      g_print ("%s %s %s\n", r->recipient, bk_bounce_class_to_string (r->klass), r->reason);
    }
  return 0;
}
C
# shellcheck disable=SC2086
cc -o "$work/tiny" tiny.c $flags
mkdir "$work/other" && cd "$work/other"
"$work/tiny" "$sample" | tee tiny.out
grep -q "^felix.brandt@example.org hard userunknown$" tiny.out || fail "the C program's answer"

echo "== Python and Perl against the installed typelib"
python=/usr/bin/python3
pydir=$(find "$prefix" -path '*/bouncekit/__init__.py' -printf '%h\n' | head -1)
[ -n "$pydir" ] || fail "the Python module is not installed"
PYTHONPATH=$(dirname "$pydir") "$python" -c '
import email, sys, bouncekit
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert bouncekit.scan_message(msg) == {b"felix.brandt@example.org"}, bouncekit.all_failures(msg)
print("python:", sorted(bouncekit.scan_message(msg)))' "$sample"
typelibdir=$(pkg-config --variable=typelibdir bouncekit)
# Perl's binding loads the library by name: outside the system prefixes
# it needs the library directory (doc/python.md says so)
GI_TYPELIB_PATH=$typelibdir LD_LIBRARY_PATH=$(pkg-config --variable=libdir bouncekit) perl -e '
use Glib::Object::Introspection;
Glib::Object::Introspection->setup(basename => "Bouncekit", version => "0", package => "Bk");
Bk::init();
my $report = Bk::Analyzer->new(Bk::Ruleset->new_default)->analyze_bytes(do { local (@ARGV, $/) = @ARGV; <> });
printf "perl: %s %s\n", $_->recipient, Bk::bounce_class_to_string($_->klass)
  for map { $report->get_recipient($_) } 0 .. $report->get_n_recipients - 1;' "$sample" | tee perl.out
grep -q "felix.brandt@example.org hard" perl.out || fail "perl"
echo "check-install: ok"
