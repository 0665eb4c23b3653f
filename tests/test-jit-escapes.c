/* SPDX-License-Identifier: MIT */
/*
 * A rule reads a text the same whether PCRE2 interprets it (`check`) or
 * runs its JIT code (`scan`): \S, \W and \D, which PCRE2 10.42's JIT with
 * MATCH_INVALID_UTF lets match no non-ASCII character, are compiled in
 * their bracketed forms (bk-ruleset.c, jit_safe).
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

typedef struct {
  const char *pattern;
  const char *text;
  gboolean match;
} Case;

static const Case cases[] = {
  { "\\S", "ς", TRUE },
  { "^\\S+$", "ünïcödé", TRUE },
  { "\\W", "日", TRUE },             /* not an ASCII word character */
  { "\\D", "٣", TRUE },              /* an Arabic-Indic digit is no ASCII digit */
  { "[\\s\\S]", "ς", TRUE },         /* inside a class: left alone */
  { "[^\\S]", "ς", FALSE },
  { "\\Q\\S\\E", "\\S", TRUE },      /* quoted: literal */
  { "a\\Sb", "a b", FALSE },
  { "[]\\S]", "]", TRUE },
};

static gboolean
run (pcre2_code *code, const char *text)
{
  pcre2_match_data *md = pcre2_match_data_create_from_pattern (code, NULL);
  int rc = pcre2_match (code, (PCRE2_SPTR) text, strlen (text), 0, 0, md, NULL);
  pcre2_match_data_free (md);
  return rc > 0;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code *code = bk_rule_compile (c->pattern, BK_FIELD_BODY, &err, &off);
  g_assert_nonnull (code);
  gboolean interpreted = run (code, c->text);
  g_assert_cmpint (interpreted, ==, c->match);
  /* (under valgrind the nojit shim refuses JIT: the interpreter alone) */
  if (pcre2_jit_compile (code, PCRE2_JIT_COMPLETE) == 0)
    g_assert_cmpint (run (code, c->text), ==, c->match);
  pcre2_code_free (code);
}

static void
test_error_offset (void)
{
  /* an error names the offset in the rule as written */
  int err = 0;
  PCRE2_SIZE off = 0;
  g_assert_null (bk_rule_compile ("\\S\\S(", BK_FIELD_BODY, &err, &off));
  g_assert_cmpuint (off, ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/jit-escapes/%u", i);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/jit-escapes/error-offset", test_error_offset);
  return g_test_run ();
}
