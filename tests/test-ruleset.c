/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-ruleset: what a rules directory compiles to, and the
 * exact error (domain, code, "file:line: message") for each kind of broken
 * rule file. Broken files are written into a fresh g_dir_make_tmp()
 * directory per test and removed afterwards; the valid ones the other
 * tests use come from tests/data.
 */
#include "analyze/bk-analyze-private.h"

#include "rules/bk-prefilter-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- temporary directory fixture ---- */

#include "bk-test-tmp.h"

static void
write_file (const char *dir, const char *name, const char *content)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);
}

/* pcre_message - PCRE2's own text for compiling @pattern as the ruleset
 * does, so the expected error does not depend on the PCRE2 version */
static char *
pcre_message (const char *pattern, gsize *out_offset)
{
  int errcode;
  PCRE2_SIZE erroffset;
  PCRE2_UCHAR buf[256];
  pcre2_code *code = pcre2_compile ((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED,
                                    PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                    &errcode, &erroffset, NULL);
  g_assert_null (code);
  g_assert_cmpint (pcre2_get_error_message (errcode, buf, sizeof buf), >, 0);
  *out_offset = erroffset;
  return g_strdup ((const char *) buf);
}

/* ---- errors ---- */

typedef struct {
  const char *name;
  const char *content;
} RuleFile;

typedef struct {
  const char *name;
  RuleFile files[3];
  int code;              /* in BK_RULES_ERROR */
  const char *message;   /* exact */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "unknown-kind",
    { { "bad.rules", "# comment\n\nfrobnicate x.y foo\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: unknown rule kind 'frobnicate' (code, command, reason, autoreply, complaint, format)" },
  { "unknown-reason",
    { { "bad.rules", "reason ok.one userunknown one\nreason x.y nosuchreason foo\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: unknown reason 'nosuchreason'" },
  { "missing-reason",
    { { "bad.rules", "reason x.y\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: unknown reason ''" },
  { "unknown-command",
    { { "bad.rules", "command c.x quit \\bQUIT\\b\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: unknown SMTP command 'quit' (connect, helo, mail, rcpt, data)" },
  { "missing-command",
    { { "bad.rules", "command c.x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: unknown SMTP command '' (connect, helo, mail, rcpt, data)" },
  { "missing-id",
    { { "bad.rules", "code\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: expected 'KIND ID ...'" },
  { "invalid-id",
    { { "bad.rules", "code bad/id (?<reply>\\d{3})\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: invalid rule id 'bad/id' (use a-z, 0-9, '.', '_', '-')" },
  { "missing-pattern",
    { { "bad.rules", "reason x.y userunknown   \t\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: rule 'x.y' has no pattern" },
  { "duplicate-id-across-files",
    { { "a.rules", "reason dup.id userunknown foo\n" },
      { "b.rules", "# b\nreason dup.id mailboxfull bar\n" } },
    BK_RULES_ERROR_DUPLICATE, "b.rules:2: rule id 'dup.id' already defined at a.rules:1" },
  { "duplicate-id-across-kinds",
    { { "a.rules", "code same (?<reply>5\\d\\d)\nautoreply same subject ^x\n" } },
    BK_RULES_ERROR_DUPLICATE, "a.rules:2: rule id 'same' already defined at a.rules:1" },
  { "duplicate-format",
    { { "a.rules", "format f\n  match subject ^x\n" },
      { "b.rules", "\nformat f\n  match subject ^y\n" } },
    BK_RULES_ERROR_DUPLICATE, "b.rules:2: format 'f' already defined at a.rules:1" },
  /* a format without match or sign lines is a part for `use`; what only
   * a detected format can have is an error there */
  { "require-without-match",
    { { "a.rules", "format ok\n  match subject ^x\n" },
      { "bad.rules", "# c\nformat lonely\n  recipient ^(?<addr>\\S+@\\S+)$\n  require body ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: format 'lonely' has a 'require' line but no 'match' or 'sign' line" },
  { "threshold-without-sign",
    { { "bad.rules", "format lonely\n  threshold 2\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: format 'lonely' has a 'threshold' line but no 'match' or 'sign' line" },
  { "use-unknown",
    { { "bad.rules", "format f\n  match subject ^x\n  use nosuch\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: unknown format 'nosuch' (a format can only use one defined before it)" },
  { "use-later-in-file",
    { { "bad.rules", "format f\n  use g\n  match subject ^x\nformat g\n  recipient ^(?<addr>\\S+@\\S+)$\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: unknown format 'g' (a format can only use one defined before it)" },
  { "use-later-file",
    { { "a.rules", "# a\nformat f\n  match subject ^x\n  use g\n" },
      { "b.rules", "format g\n  recipient ^(?<addr>\\S+@\\S+)$\n" } },
    BK_RULES_ERROR_SYNTAX, "a.rules:4: unknown format 'g' (a format can only use one defined before it)" },
  { "use-itself",
    { { "bad.rules", "format f\n  match subject ^x\n  use f\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: format 'f' cannot use itself" },
  { "use-without-name",
    { { "bad.rules", "format f\n  match subject ^x\n  use\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: 'use' takes one format name" },
  { "use-two-names",
    { { "a.rules", "format g\n  skip ^x\nformat h\n  skip ^y\nformat f\n  match subject ^x\n  use g h\n" } },
    BK_RULES_ERROR_SYNTAX, "a.rules:7: 'use' takes one format name" },
  { "need-two-names",
    { { "bad.rules", "format f\n  sign a 1 from ^x\n  need a b\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: 'need' takes one sign name" },
  { "use-outside-format",
    { { "bad.rules", "  use g\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: indented line outside a format stanza" },
  /* a directive's ids count its own lines: the second recipient line is
   * f.recipient.2 whatever lines come between */
  { "duplicate-directive-id",
    { { "bad.rules", "reason f.recipient.2 userunknown x\nformat f\n  match subject ^x\n"
                     "  recipient ^(?<addr>a@b)$\n  skip ^y\n  recipient ^(?<addr>c@d)$\n" } },
    BK_RULES_ERROR_DUPLICATE, "bad.rules:6: rule id 'f.recipient.2' already defined at bad.rules:1" },
  { "recipient-without-addr",
    { { "bad.rules", "format f\n  match subject ^x\n  recipient ^(\\S+@\\S+)$\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: recipient pattern needs a (?<addr>) group" },
  { "code-without-group",
    { { "bad.rules", "code c1 \\b5\\d\\d\\b\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: code rule 'c1' needs a (?<reply>) or (?<status>) group" },
  { "indented-outside-format",
    { { "bad.rules", "  match subject foo\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: indented line outside a format stanza" },
  { "indented-after-rule",
    { { "bad.rules", "format f\n  match subject ^x\nreason r userunknown y\n\tskip foo\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:4: indented line outside a format stanza" },
  { "indented-at-start-of-next-file",
    { { "a.rules", "format f\n  match subject ^x\n" },
      { "b.rules", "  skip foo\n" } },
    BK_RULES_ERROR_SYNTAX, "b.rules:1: indented line outside a format stanza" },
  { "unknown-directive",
    { { "bad.rules", "format f\n  match subject ^x\n  frob foo\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: unknown format directive 'frob'" },
  { "unknown-field",
    { { "bad.rules", "format f\n  match sender ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: unknown field 'sender' (from, subject, body, returned or header:NAME)" },
  { "header-without-name",
    { { "bad.rules", "autoreply a1 header: ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: unknown field 'header:' (from, subject, body, returned or header:NAME)" },
  { "sign-without-weight",
    { { "bad.rules", "format f\n  sign sender from ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: 'sign' needs a weight, an integer from -100 to 100" },
  { "sign-weight-out-of-range",
    { { "bad.rules", "format f\n  sign sender 101 from ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: 'sign' needs a weight, an integer from -100 to 100" },
  { "sign-unreachable-threshold",
    { { "bad.rules", "format f\n  threshold 5\n  sign a 2 from ^x\n  sign b 2 subject ^y\n  sign c -3 body ^z\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: format 'f': its signs can never reach threshold 5" },
  { "need-unknown-sign",
    { { "bad.rules", "format f\n  need failure\n  sign a 2 from ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: format 'f' needs sign 'failure', which it does not define" },
  { "bad-threshold",
    { { "bad.rules", "format f\n  threshold many\n  sign a 2 from ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: 'threshold' needs a number from 1 to 1000" },
  { "paragraphs-with-argument",
    { { "bad.rules", "format f\n  paragraphs yes\n  match from ^x\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: 'paragraphs' takes no argument" },
  { "directive-without-field",
    { { "bad.rules", "format f\n  match\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:2: 'match' needs a FIELD and a pattern" },
  { "autoreply-without-field",
    { { "bad.rules", "autoreply a1\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: autoreply needs a FIELD" },
  { "format-trailing-text",
    { { "bad.rules", "format f extra\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: unexpected text after format name: 'extra'" },
  { "format-without-name",
    { { "bad.rules", "format\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:1: format needs a name of [a-z0-9._-]" },
  { "not-utf8",
    { { "bad.rules", "reason x.y userunknown caf\xe9\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules: not valid UTF-8" },
  { "error-in-second-file",
    { { "a.rules", "reason a.one userunknown one\nformat f\n  match subject ^x\n" },
      { "b.rules", "reason b.one userunknown two\nreason b.two nope three\n" } },
    BK_RULES_ERROR_SYNTAX, "b.rules:2: unknown reason 'nope'" },
  { "crlf-line-numbers",
    { { "bad.rules", "# c\r\n\r\nreason x.y nosuchreason foo\r\n" } },
    BK_RULES_ERROR_SYNTAX, "bad.rules:3: unknown reason 'nosuchreason'" },
};

static void
test_load_error (TmpFixture *fx, gconstpointer data)
{
  const ErrorCase *c = data;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (c->files) && c->files[i].name; i++)
    write_file (fx->dir, c->files[i].name, c->files[i].content);
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (rules);
  g_assert_error (error, BK_RULES_ERROR, c->code);
  if (error)
    g_assert_cmpstr (error->message, ==, c->message);
}

typedef struct {
  const char *name;
  const char *before;    /* rule file text before the pattern */
  const char *pattern;
  const char *after;
  const char *id;
  guint line;
} RegexCase;

static const RegexCase regex_cases[] = {
  { "reason", "# c\nreason bad.re userunknown ", "user (unknown", "\n", "bad.re", 2 },
  { "code", "code bad.code ", "(?<reply>5\\d\\d", "\n", "bad.code", 1 },
  { "format-recipient", "format f\n  match subject ^x\n  recipient ", "^(?<addr>\\S+)[z-a]$",
    "\n  skip ^x$\n", "f.recipient.1", 3 },
  { "autoreply", "autoreply bad.ar subject ", "^out of office\\", "\n", "bad.ar", 1 },
};

static void
test_load_error_regex (TmpFixture *fx, gconstpointer data)
{
  const RegexCase *c = data;
  g_autoptr (GError) error = NULL;
  gsize offset = 0;
  g_autofree char *pcre = pcre_message (c->pattern, &offset);
  g_autofree char *want = g_strdup_printf ("bad.rules:%u: rule '%s': %s at offset %" G_GSIZE_FORMAT,
                                           c->line, c->id, pcre, offset);
  g_autofree char *text = g_strconcat (c->before, c->pattern, c->after, NULL);

  write_file (fx->dir, "bad.rules", text);
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (rules);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_REGEX);
  if (error)
    g_assert_cmpstr (error->message, ==, want);
}

/* patterns whose matching time grows with the square of the text are
 * refused at load, naming file:line; their linear rewrites load */
typedef struct {
  const char *pattern;
  gboolean body;        /* a body rule (multi-line) */
  gboolean per_line;    /* a format's line pattern */
  gboolean refused;
} LinearCase;

static const LinearCase linear_cases[] = {
  { "^\\s*Delivery has failed", TRUE, FALSE, TRUE },
  { "^\\s+Delivery has failed", TRUE, FALSE, TRUE },
  { "^(?:\\s*foo|bar)", TRUE, FALSE, TRUE },
  { "x|^\\s*foo", TRUE, FALSE, TRUE },
  { "\\A(?![\\s\\S]*^\\s*-{3,} ?Unsent)", TRUE, FALSE, TRUE },
  { "\\A(?=[\\s\\S]*^\\s*Recipient address:)", TRUE, FALSE, TRUE },
  { "\\n\\s*foo", TRUE, FALSE, TRUE },
  { "$\\s*foo", TRUE, FALSE, TRUE },
  { "\\s*foo", TRUE, FALSE, TRUE },
  { "^[\\s\\S]*?foo", TRUE, FALSE, TRUE },
  { "^[^<]*foo", TRUE, FALSE, TRUE },
  { "foo(?=[\\s\\S]*bar)", TRUE, FALSE, TRUE },
  { "(\\w+\\s?)+$", FALSE, FALSE, TRUE },
  { "(?:a+)+b", FALSE, FALSE, TRUE },
  { "(?m)^\\s*Subject:", FALSE, FALSE, TRUE },
  /* linear: kept on the line, anchored, bounded, or a line at a time */
  { "^[^\\S\\n]*Delivery has failed", TRUE, FALSE, FALSE },
  { "^[ \\t]*Delivery has failed", TRUE, FALSE, FALSE },
  { "^\\h*Delivery has failed", TRUE, FALSE, FALSE },
  { "\\A(?![\\s\\S]*^[ \\t]*-{3,} ?Unsent)", TRUE, FALSE, FALSE },
  { "^x[\\s\\S]{0,600}?^[ \\t]*y", TRUE, FALSE, FALSE },
  { "^\\s*(?<addr>\\S+@\\S+)\\s*$", TRUE, TRUE, FALSE },
  { "^\\s*true\\s*$", FALSE, FALSE, FALSE },
  { "[\\w.-]+@[\\w-]+(?:\\.[\\w-]+)+", TRUE, FALSE, FALSE },
  { "user\\s+unknown", TRUE, FALSE, FALSE },
  { "^-+\\s*The following", TRUE, FALSE, FALSE },
};

static void
test_linear (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (linear_cases); i++)
    {
      const LinearCase *c = &linear_cases[i];
      const char *why = bk_pattern_nonlinear (c->pattern, c->body, c->per_line);
      if ((why != NULL) != c->refused)
        g_error ("%s: %s", c->pattern, why ? why : "accepted, should be refused");
    }
}

static void
test_load_error_nonlinear (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  write_file (fx->dir, "slow.rules",
              "# a body pattern that crosses blank lines from every line start\n"
              "format f\n  match body ^\\s*Delivery has failed\n  recipient ^\\s*(?<addr>\\S+@\\S+)$\n");
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (rules);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_NONLINEAR);
  if (error)
    {
      g_assert_true (g_str_has_prefix (error->message, "slow.rules:3: rule 'f.match.1': "));
      g_assert_nonnull (strstr (error->message, "^[ \\t]*"));
    }
  /* the same rule kept on its line loads */
  g_clear_error (&error);
  write_file (fx->dir, "slow.rules",
              "format f\n  match body ^[ \\t]*Delivery has failed\n  recipient ^\\s*(?<addr>\\S+@\\S+)$\n");
  g_autoptr (BkRuleset) ok = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

/* the message names PCRE2's text and offset, whatever PCRE2 says */
static void
test_load_error_regex_text (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  write_file (fx->dir, "x.rules", "reason r.x userunknown user (unknown\n");
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (rules);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_REGEX);
  if (error)
    {
      g_assert_true (g_str_has_prefix (error->message, "x.rules:1: rule 'r.x': "));
      g_assert_nonnull (strstr (error->message, "parenthesis"));
      g_assert_true (g_str_has_suffix (error->message, " at offset 13"));
    }
}

static void
test_load_empty_dir (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *want = g_strdup_printf ("%s: no *.rules file", fx->dir);

  /* nothing, then only files that are not *.rules */
  g_autoptr (BkRuleset) none = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (none);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_EMPTY);
  if (error)
    g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);

  write_file (fx->dir, "README.md", "reason r userunknown x\n");
  write_file (fx->dir, "old.rules.bak", "reason r userunknown x\n");
  write_file (fx->dir, "rules", "reason r userunknown x\n");
  g_autoptr (BkRuleset) still = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (still);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_EMPTY);
  if (error)
    g_assert_cmpstr (error->message, ==, want);
}

static void
test_load_missing_dir (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (fx->dir, "no-such-dir", NULL);

  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (missing, &error);
  g_assert_null (rules);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  if (error)
    g_assert_nonnull (strstr (error->message, missing));
}

static void
test_load_unreadable_file (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  if (geteuid () == 0)
    {
      g_test_skip ("root reads every file");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "secret.rules", NULL);
  write_file (fx->dir, "secret.rules", "reason r userunknown x\n");
  g_assert_no_errno (g_chmod (path, 0));
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_null (rules);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
}

/* ---- what loads ---- */

static void
assert_rule (const BkRule *rule, const char *id, const char *file, guint line, const char *pattern)
{
  g_assert_nonnull (rule);
  if (rule == NULL)
    return;
  g_assert_cmpstr (rule->id, ==, id);
  g_assert_cmpstr (rule->file, ==, file);
  g_assert_cmpuint (rule->line, ==, line);
  g_assert_cmpstr (rule->pattern, ==, pattern);
  g_assert_nonnull (rule->code);
}

static void
test_load_order (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  /* byte order of the names: "10-a" < "100-c" < "20-b" < "Zz" < "aa" */
  write_file (fx->dir, "20-b.rules", "reason b.one userunknown b\nformat fb\n  match subject ^b\n");
  write_file (fx->dir, "aa.rules", "reason aa.one userunknown aa\n");
  write_file (fx->dir, "10-a.rules",
              "reason a.one userunknown a\nreason a.two mailboxfull a2\nformat fa\n  match subject ^a\n");
  write_file (fx->dir, "Zz.rules", "reason z.one blocked z\n");
  write_file (fx->dir, "100-c.rules", "reason c.one blocked c\n");
  write_file (fx->dir, "notes.txt", "this is not a rule file\n");

  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  static const char *const ids[] = { "a.one", "a.two", "c.one", "b.one", "z.one", "aa.one" };
  static const char *const files[] = { "10-a.rules", "10-a.rules", "100-c.rules", "20-b.rules",
                                       "Zz.rules", "aa.rules" };
  static const guint lines[] = { 1, 2, 1, 1, 1, 1 };
  g_assert_cmpuint (rules->reasons->len, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < rules->reasons->len && i < G_N_ELEMENTS (ids); i++)
    {
      const BkRule *r = g_ptr_array_index (rules->reasons, i);
      g_assert_cmpstr (r->id, ==, ids[i]);
      g_assert_cmpstr (r->file, ==, files[i]);
      g_assert_cmpuint (r->line, ==, lines[i]);
    }
  g_assert_cmpuint (bk_ruleset_count_formats (rules), ==, 2);
  const BkFormat *fa = g_ptr_array_index (rules->formats, 0);
  const BkFormat *fb = g_ptr_array_index (rules->formats, 1);
  g_assert_cmpstr (fa->name, ==, "fa");
  g_assert_cmpstr (fa->file, ==, "10-a.rules");
  g_assert_cmpuint (fa->line, ==, 3);
  g_assert_cmpstr (fb->name, ==, "fb");
  g_assert_cmpstr (fb->file, ==, "20-b.rules");
  g_assert_cmpuint (fb->line, ==, 2);
  g_assert_cmpuint (bk_ruleset_count (rules), ==, 8);
  g_assert_cmpstr (bk_ruleset_get_dir (rules), ==, fx->dir);
}

static void
test_load_comments (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  write_file (fx->dir, "c.rules",
              "# leading comment\n"                                       /* 1 */
              "\n"                                                        /* 2 */
              "   # indented comment\n"                                   /* 3 */
              "\t\n"                                                      /* 4 */
              "reason r.one userunknown ^one$   \n"                       /* 5 */
              "# between\n"                                               /* 6 */
              "format f1\n"                                               /* 7 */
              "  # a comment inside a stanza\n"                           /* 8 */
              "  match subject ^s$\n"                                     /* 9 */
              "\n"                                                        /* 10 */
              "  recipient ^(?<addr>\\S+@\\S+)$\n"                        /* 11 */
              "reason r.two mailboxfull two # part of the pattern\n"      /* 12 */
              "#reason r.three userunknown commented out\n"               /* 13 */
              "   \n");                                                   /* 14 */
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  g_assert_cmpuint (bk_ruleset_count (rules), ==, 4);
  g_assert_cmpuint (rules->reasons->len, ==, 2);
  assert_rule (g_ptr_array_index (rules->reasons, 0), "r.one", "c.rules", 5, "^one$");
  assert_rule (g_ptr_array_index (rules->reasons, 1), "r.two", "c.rules", 12, "two # part of the pattern");
  g_assert_cmpuint (rules->formats->len, ==, 1);
  const BkFormat *f = g_ptr_array_index (rules->formats, 0);
  g_assert_cmpstr (f->name, ==, "f1");
  g_assert_cmpuint (f->line, ==, 7);
  /* a blank line does not end the stanza */
  g_assert_cmpuint (f->match->len, ==, 1);
  g_assert_cmpuint (f->recipient->len, ==, 1);
  assert_rule (g_ptr_array_index (f->match, 0), "f1.match.1", "c.rules", 9, "^s$");
  assert_rule (g_ptr_array_index (f->recipient, 0), "f1.recipient.1", "c.rules", 11, "^(?<addr>\\S+@\\S+)$");
}

static void
test_load_crlf (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  write_file (fx->dir, "crlf.rules",
              "# crlf\r\n"
              "reason r.one userunknown ^one$\r\n"
              "\r\n"
              "format f\r\n"
              "  match subject ^s$\r\n"
              "  recipient ^(?<addr>x@y)$\r\n");
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  g_assert_cmpuint (bk_ruleset_count (rules), ==, 3);
  const BkRule *r = g_ptr_array_index (rules->reasons, 0);
  assert_rule (r, "r.one", "crlf.rules", 2, "^one$");
  g_assert_cmpstr (r->reason, ==, "userunknown");
  const BkFormat *f = g_ptr_array_index (rules->formats, 0);
  g_assert_cmpuint (f->line, ==, 4);
  assert_rule (g_ptr_array_index (f->match, 0), "f.match.1", "crlf.rules", 5, "^s$");
  assert_rule (g_ptr_array_index (f->recipient, 0), "f.recipient.1", "crlf.rules", 6, "^(?<addr>x@y)$");

  /* no CR left in the pattern: "$" matches at the end of "one" */
  BkScanner *scanner = bk_scanner_new (rules);
  g_assert_true (bk_scanner_match (scanner, r, "one", 3));
  bk_scanner_free (scanner);
}

/* every field of every kind of rule */
static void
test_load_fields (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  write_file (fx->dir, "all.rules",
              "code c.both (?<reply>[245]\\d\\d) (?<status>[245]\\.\\d\\.\\d)\n"      /* 1 */
              "reason r.full userunknown (?<diag>no such) user\n"                    /* 2 */
              "autoreply a.subj subject ^out of office\n"                            /* 3 */
              "autoreply a.hdr header:Auto-Submitted ^auto-replied\n"                /* 4 */
              "autoreply a.from from ^vacation@\n"                                   /* 5 */
              "format fmt\n"                                                         /* 6 */
              "  match from ^MAILER-DAEMON@\n"                                       /* 7 */
              "  require body ^Reporting\n"                                          /* 8 */
              "  delayed subject ^Delayed\n"                                         /* 9 */
              "  begin ^---- begin$\n"                                               /* 10 */
              "  end ^---- end$\n"                                                   /* 11 */
              "  recipient ^(?<addr>\\S+@\\S+):\\s*(?<diag>.*)$\n"                   /* 12 */
              "  diag ^\\s+(?<diag>.+)$\n"                                           /* 13 */
              "  skip ^\\s*-+$\n"                                                    /* 14 */
              "command cmd.data data \\bafter end of data\\b\n");                  /* 15 */
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  g_assert_cmpuint (bk_ruleset_count (rules), ==, 14);
  g_assert_cmpuint (rules->max_captures, ==, 2);

  g_assert_cmpuint (rules->codes->len, ==, 1);
  const BkRule *c = g_ptr_array_index (rules->codes, 0);
  assert_rule (c, "c.both", "all.rules", 1, "(?<reply>[245]\\d\\d) (?<status>[245]\\.\\d\\.\\d)");
  g_assert_null (c->reason);
  g_assert_null (c->header);
  g_assert_cmpint (c->group_reply, ==, 1);
  g_assert_cmpint (c->group_status, ==, 2);
  g_assert_cmpint (c->group_addr, ==, -1);
  g_assert_cmpint (c->group_diag, ==, -1);

  g_assert_cmpuint (rules->reasons->len, ==, 1);
  const BkRule *r = g_ptr_array_index (rules->reasons, 0);
  assert_rule (r, "r.full", "all.rules", 2, "(?<diag>no such) user");
  g_assert_cmpstr (r->reason, ==, "userunknown");
  g_assert_null (r->header);
  g_assert_cmpint (r->group_diag, ==, 1);
  g_assert_cmpint (r->group_addr, ==, -1);
  g_assert_cmpint (r->group_reply, ==, -1);
  g_assert_cmpint (r->group_status, ==, -1);

  g_assert_cmpuint (rules->autoreply->len, ==, 3);
  const BkRule *a = g_ptr_array_index (rules->autoreply, 0);
  assert_rule (a, "a.subj", "all.rules", 3, "^out of office");
  g_assert_cmpint (a->field, ==, BK_FIELD_SUBJECT);
  g_assert_null (a->header);
  g_assert_null (a->reason);
  a = g_ptr_array_index (rules->autoreply, 1);
  assert_rule (a, "a.hdr", "all.rules", 4, "^auto-replied");
  g_assert_cmpint (a->field, ==, BK_FIELD_HEADER);
  g_assert_cmpstr (a->header, ==, "Auto-Submitted");
  a = g_ptr_array_index (rules->autoreply, 2);
  assert_rule (a, "a.from", "all.rules", 5, "^vacation@");
  g_assert_cmpint (a->field, ==, BK_FIELD_FROM);

  g_assert_cmpuint (rules->commands->len, ==, 1);
  const BkRule *cmd = g_ptr_array_index (rules->commands, 0);
  assert_rule (cmd, "cmd.data", "all.rules", 15, "\\bafter end of data\\b");
  g_assert_cmpstr (cmd->reason, ==, "data");
  g_assert_null (cmd->header);

  g_assert_cmpuint (rules->formats->len, ==, 1);
  const BkFormat *f = g_ptr_array_index (rules->formats, 0);
  g_assert_cmpstr (f->name, ==, "fmt");
  g_assert_cmpstr (f->file, ==, "all.rules");
  g_assert_cmpuint (f->line, ==, 6);
  struct { GPtrArray *list; const char *id; guint line; BkField field; } dirs[] = {
    { f->match, "fmt.match.1", 7, BK_FIELD_FROM },
    { f->require, "fmt.require.1", 8, BK_FIELD_BODY },
    { f->delayed, "fmt.delayed.1", 9, BK_FIELD_SUBJECT },
    { f->begin, "fmt.begin.1", 10, BK_FIELD_BODY },
    { f->end, "fmt.end.1", 11, BK_FIELD_BODY },
    { f->recipient, "fmt.recipient.1", 12, BK_FIELD_BODY },
    { f->diag, "fmt.diag.1", 13, BK_FIELD_BODY },
    { f->skip, "fmt.skip.1", 14, BK_FIELD_BODY },
  };
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_assert_cmpuint (dirs[i].list->len, ==, 1);
      if (dirs[i].list->len != 1)
        continue;
      const BkRule *d = g_ptr_array_index (dirs[i].list, 0);
      g_assert_cmpstr (d->id, ==, dirs[i].id);
      g_assert_cmpuint (d->line, ==, dirs[i].line);
      g_assert_cmpint (d->field, ==, dirs[i].field);
      g_assert_cmpstr (d->file, ==, "all.rules");
      g_assert_null (d->reason);
    }
  const BkRule *rc = g_ptr_array_index (f->recipient, 0);
  g_assert_cmpint (rc->group_addr, ==, 1);
  g_assert_cmpint (rc->group_diag, ==, 2);
  const BkRule *dg = g_ptr_array_index (f->diag, 0);
  g_assert_cmpint (dg->group_diag, ==, 1);
  g_assert_cmpint (dg->group_addr, ==, -1);

  /* compile flags: caseless always, multi-line for body patterns only */
  BkScanner *scanner = bk_scanner_new (rules);
  g_assert_true (bk_scanner_match (scanner, r, "550 NO SUCH USER", 16));
  g_autofree char *diag = bk_scanner_group (scanner, "550 NO SUCH USER", r->group_diag);
  g_assert_cmpstr (diag, ==, "NO SUCH");
  const BkRule *req = g_ptr_array_index (f->require, 0);
  const char *body = "first line\nReporting-MTA: x\n";
  g_assert_true (bk_scanner_match (scanner, req, body, strlen (body)));
  const BkRule *subj = g_ptr_array_index (rules->autoreply, 0);
  const char *two = "re: x\nout of office";
  g_assert_false (bk_scanner_match (scanner, subj, two, strlen (two)));
  bk_scanner_free (scanner);
}

static void
test_ref_unref (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  write_file (fx->dir, "r.rules", "reason r userunknown x\n");
  BkRuleset *rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_true (bk_ruleset_ref (rules) == rules);
  bk_ruleset_unref (rules);
  g_assert_cmpuint (bk_ruleset_count (rules), ==, 1);
  bk_ruleset_unref (rules);
  bk_ruleset_unref (NULL);
}

/* id_at - the id of rule @i of @list, or "" */
static const char *
id_at (GPtrArray *list, guint i)
{
  return i < list->len ? ((const BkRule *) g_ptr_array_index (list, i))->id : "";
}

/* scan_text - run the formats of @rules over a message, as the analyzer does */
static BkTextResult *
scan_text (BkRuleset *rules, const char *raw)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (raw, strlen (raw), &error);
  g_assert_no_error (error);
  g_autoptr (BkParts) parts = bk_mime_collect (msg);
  g_autoptr (BkHeaderSlots) headers = bk_header_slots_new (rules);
  BkTextInput in = { .message = msg, .text = parts->text->str, .text_len = parts->text->len,
                     .headers = headers };
  BkScanner *scanner = bk_scanner_new (rules);
  BkTextResult *res = bk_freetext_scan (scanner, rules, &in);
  bk_scanner_free (scanner);
  return res;
}

/* `use NAME` shares NAME's layout and reason lines at the point of the
 * `use` line; match, require and sign lines stay each format's own. A
 * format without match or sign lines is a part: never detected, not in
 * the list the engine runs. Ids count each directive's lines. */
static void
test_load_use (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;

  write_file (fx->dir, "10-parts.rules",
              "format layout\n"                                             /* 1 */
              "  begin ^--- failed:$\n"                                     /* 2 */
              "  recipient ^  (?<addr>\\S+@\\S+)$\n"                        /* 3 */
              "  skip ^  \\(generated\\)$\n"                                /* 4 */
              "  delayed subject ^later\n"                                  /* 5 */
              "  recipient ^  <(?<addr>\\S+@\\S+)>$\n"                      /* 6 */
              "  paragraphs\n"                                              /* 7 */
              "format filtered-reason\n"                                    /* 8 */
              "  reason filtered no such user\n");                          /* 9 */
  write_file (fx->dir, "20-f.rules",
              "format f\n"                                                  /* 1 */
              "  match subject ^f$\n"                                       /* 2 */
              "  use filtered-reason\n"                                     /* 3 */
              "  recipient ^to: (?<addr>\\S+@\\S+)$\n"                      /* 4 */
              "  use layout\n"                                              /* 5 */
              "  recipient ^cc: (?<addr>\\S+@\\S+)$\n"                      /* 6 */
              "  end ^--- end$\n"                                           /* 7 */
              "  reason userunknown no such user\n"                         /* 8 */
              "format g\n"                                                  /* 9 */
              "  use f\n"                                                   /* 10 */
              "  match subject ^g$\n"                                       /* 11 */
              "  sign bounce 1 body ^--- failed:$\n"                        /* 12 */
              "  sign bounce 1 body ^--- end$\n");                          /* 13 */
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (fx->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  /* every line is compiled once, whoever uses it */
  g_assert_cmpuint (bk_ruleset_count (rules), ==, 14);
  g_assert_cmpuint (bk_ruleset_count_formats (rules), ==, 2);
  const BkFormat *f = g_ptr_array_index (rules->formats, 0);
  const BkFormat *g = g_ptr_array_index (rules->formats, 1);
  g_assert_cmpstr (f->name, ==, "f");
  g_assert_cmpstr (g->name, ==, "g");

  g_assert_cmpuint (f->match->len, ==, 1);
  g_assert_cmpstr (id_at (f->match, 0), ==, "f.match.1");
  g_assert_cmpuint (f->recipient->len, ==, 4);
  g_assert_cmpstr (id_at (f->recipient, 0), ==, "f.recipient.1");
  g_assert_cmpstr (id_at (f->recipient, 1), ==, "layout.recipient.1");
  g_assert_cmpstr (id_at (f->recipient, 2), ==, "layout.recipient.2");
  g_assert_cmpstr (id_at (f->recipient, 3), ==, "f.recipient.2");
  g_assert_cmpuint (f->begin->len, ==, 1);
  g_assert_cmpstr (id_at (f->begin, 0), ==, "layout.begin.1");
  g_assert_cmpuint (f->end->len, ==, 1);
  g_assert_cmpstr (id_at (f->end, 0), ==, "f.end.1");
  g_assert_cmpuint (f->skip->len, ==, 1);
  g_assert_cmpuint (f->delayed->len, ==, 1);
  g_assert_cmpstr (id_at (f->delayed, 0), ==, "layout.delayed.1");
  g_assert_true (f->paragraphs);
  /* the used reason comes first: its `use` line is first */
  g_assert_cmpuint (f->reasons->len, ==, 2);
  g_assert_cmpstr (id_at (f->reasons, 0), ==, "filtered-reason.reason.1");
  g_assert_cmpstr (id_at (f->reasons, 1), ==, "f.reason.1");
  const BkRule *shared = f->recipient->len > 1 ? g_ptr_array_index (f->recipient, 1) : NULL;
  g_assert_nonnull (shared);
  if (shared)
    {
      g_assert_cmpstr (shared->file, ==, "10-parts.rules");
      g_assert_cmpuint (shared->line, ==, 3);
    }

  /* g has f's lines, f's among them what f took from the parts, and
   * none of f's match lines */
  g_assert_cmpuint (g->match->len, ==, 1);
  g_assert_cmpstr (id_at (g->match, 0), ==, "g.match.1");
  g_assert_cmpuint (g->signs->len, ==, 2);
  g_assert_cmpstr (id_at (g->signs, 0), ==, "g.sign.1");
  g_assert_cmpstr (id_at (g->signs, 1), ==, "g.sign.2");
  g_assert_cmpuint (g->recipient->len, ==, 4);
  for (guint i = 0; i < g->recipient->len && i < f->recipient->len; i++)
    g_assert_true (g_ptr_array_index (g->recipient, i) == g_ptr_array_index (f->recipient, i));
  g_assert_cmpuint (g->reasons->len, ==, 2);
  g_assert_true (g->paragraphs);

  /* at run time: f reads with the part's lines; the parts detect nothing */
  g_autoptr (BkTextResult) res = scan_text (rules,
    "From: postmaster@example.org\nSubject: f\n\n"
    "preamble\n--- failed:\n  a@example.org\n  (generated)\n  550 no such user\n\n  footer\n"
    "to: b@example.org\n--- end\n  c@example.org\n");
  g_assert_nonnull (res->format);
  if (res->format)
    g_assert_cmpstr (res->format->name, ==, "f");
  g_assert_cmpuint (res->recipients->len, ==, 2);
  if (res->recipients->len == 2)
    {
      const BkTextRecipient *a = g_ptr_array_index (res->recipients, 0);
      const BkTextRecipient *b = g_ptr_array_index (res->recipients, 1);
      g_assert_cmpstr (a->address, ==, "a@example.org");
      /* skip and paragraphs came with the layout */
      g_assert_cmpstr (a->diag->str, ==, "550 no such user");
      g_assert_cmpstr (b->address, ==, "b@example.org");
    }
  g_autoptr (BkTextResult) none = scan_text (rules,
    "From: postmaster@example.org\nSubject: other\n\n--- failed:\n  a@example.org\n");
  g_assert_null (none->detected);
  g_assert_cmpuint (none->recipients->len, ==, 0);
}

/* bk_ruleset_load_files takes the files in the order given */
static void
test_load_files_order (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *a = g_build_filename (fx->dir, "a.rules", NULL);
  g_autofree char *b = g_build_filename (fx->dir, "b.rules", NULL);
  char *files[] = { b, a, NULL };

  write_file (fx->dir, "a.rules", "reason a userunknown a\n");
  write_file (fx->dir, "b.rules", "reason b userunknown b\n");
  g_autoptr (BkRuleset) rules = bk_ruleset_load_files (fx->dir, files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  g_assert_cmpuint (rules->reasons->len, ==, 2);
  g_assert_cmpstr (((BkRule *) g_ptr_array_index (rules->reasons, 0))->id, ==, "b");
  g_assert_cmpstr (((BkRule *) g_ptr_array_index (rules->reasons, 1))->id, ==, "a");
}

/* the rule files of tests/data load together */
static void
test_load_test_data (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", NULL);

  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rules);
  if (rules == NULL)
    return;
  g_assert_cmpuint (rules->codes->len, ==, 6);
  g_assert_cmpuint (rules->reasons->len, ==, 6);
  g_assert_cmpuint (rules->commands->len, ==, 2);
  g_assert_cmpuint (rules->formats->len, ==, 3);
  g_assert_cmpstr (bk_ruleset_get_dir (rules), ==, dir);
}

/* fuzz-rules found load_data reading past a buffer that was not
 * NUL-terminated: an empty one, and any not ending in a NUL */
static void
test_load_buffer_unterminated (void)
{
  g_autoptr (GError) err = NULL;
  char *empty = g_malloc (1);   /* no terminator: ASan sees any read */
  g_autoptr (BkRuleset) r0 = bk_ruleset_load_buffer ("empty.rules", empty, 0, &err);
  g_free (empty);
  g_assert_no_error (err);
  g_assert_nonnull (r0);
  g_assert_cmpuint (bk_ruleset_count (r0), ==, 0);
  static const char text[] = "reason x.one userunknown no such user";
  char *buf = g_malloc (sizeof text - 1);
  memcpy (buf, text, sizeof text - 1);
  g_autoptr (BkRuleset) r1 = bk_ruleset_load_buffer ("one.rules", buf, sizeof text - 1, &err);
  g_free (buf);
  g_assert_no_error (err);
  g_assert_cmpuint (bk_ruleset_count (r1), ==, 1);
}

/* a second load of unchanged rules decodes the cache written by the
 * first; both rulesets must behave the same, and a changed file must not
 * reuse the old cache */
static void
test_load_cache (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *cache = g_dir_make_tmp ("bk-cache-XXXXXX", &err);
  g_autofree char *rdir = g_dir_make_tmp ("bk-rules-XXXXXX", &err);
  g_autofree char *file = g_build_filename (rdir, "10-a.rules", NULL);
  g_file_set_contents (file, "reason a.one userunknown no such user\ncode a.code (?<reply>5\\d\\d)\n", -1, &err);
  g_assert_no_error (err);
  g_autoptr (BkRuleset) first = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT, cache, &err);
  g_assert_no_error (err);
  g_autoptr (GDir) d = g_dir_open (cache, 0, NULL);
  const char *entry = g_dir_read_name (d);
  g_assert_nonnull (entry);
  g_assert_true (g_str_has_prefix (entry, "rules-"));
  g_autoptr (BkRuleset) second = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
  g_assert_no_error (err);
  g_assert_cmpuint (bk_ruleset_count (second), ==, bk_ruleset_count (first));
  BkScanner *sc = bk_scanner_new (second);
  const BkRule *rule = g_ptr_array_index (second->reasons, 0);
  g_assert_true (bk_scanner_match (sc, rule, "550 No Such User here", 21));
  const BkRule *code = g_ptr_array_index (second->codes, 0);
  g_assert_cmpint (code->group_reply, ==, 1);
  bk_scanner_free (sc);
  /* an edited file: a new digest, a fresh compile, the edit in effect */
  g_file_set_contents (file, "reason a.one mailboxfull mailbox full\n", -1, &err);
  g_autoptr (BkRuleset) third = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT, cache, &err);
  g_assert_no_error (err);
  g_assert_cmpstr (((BkRule *) g_ptr_array_index (third->reasons, 0))->reason, ==, "mailboxfull");
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' '%s'", cache, rdir);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* same_rule_list - @a and @b hold the rules of the same indices */
static void
same_rule_list (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpuint (((BkRule *) g_ptr_array_index (a, i))->index, ==,
                      ((BkRule *) g_ptr_array_index (b, i))->index);
}

/* same_ruleset - every field of every rule, every list and format */
static void
same_ruleset (const BkRuleset *a, const BkRuleset *b)
{
  g_assert_cmpuint (a->all->len, ==, b->all->len);
  g_assert_cmpuint (a->max_captures, ==, b->max_captures);
  for (guint i = 0; i < a->all->len; i++)
    {
      const BkRule *x = g_ptr_array_index (a->all, i), *y = g_ptr_array_index (b->all, i);
      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->file, ==, y->file);
      g_assert_cmpuint (x->line, ==, y->line);
      g_assert_cmpstr (x->pattern, ==, y->pattern);
      g_assert_cmpint (x->field, ==, y->field);
      g_assert_cmpstr (x->header, ==, y->header);
      g_assert_cmpstr (x->reason, ==, y->reason);
      g_assert_cmpint (x->weight, ==, y->weight);
      g_assert_cmpint (x->group_addr, ==, y->group_addr);
      g_assert_cmpint (x->group_diag, ==, y->group_diag);
      g_assert_cmpint (x->group_reply, ==, y->group_reply);
      g_assert_cmpint (x->group_status, ==, y->group_status);
      g_assert_cmpuint (x->index, ==, i);
      g_assert_cmpuint (y->index, ==, i);
      g_assert_cmpuint (x->slot, ==, y->slot);
      g_assert_cmpint (x->literals, ==, y->literals);
    }
  same_rule_list (a->codes, b->codes);
  same_rule_list (a->reasons, b->reasons);
  same_rule_list (a->autoreply, b->autoreply);
  same_rule_list (a->commands, b->commands);
  same_rule_list (a->complaints, b->complaints);
  g_assert_cmpuint (a->formats->len, ==, b->formats->len);
  for (guint i = 0; i < a->formats->len; i++)
    {
      const BkFormat *f = g_ptr_array_index (a->formats, i), *g = g_ptr_array_index (b->formats, i);
      g_assert_cmpstr (f->name, ==, g->name);
      g_assert_cmpstr (f->file, ==, g->file);
      g_assert_cmpuint (f->line, ==, g->line);
      g_assert_cmpint (f->threshold, ==, g->threshold);
      g_assert_cmpint (f->paragraphs, ==, g->paragraphs);
      same_rule_list (f->match, g->match);
      same_rule_list (f->require, g->require);
      same_rule_list (f->begin, g->begin);
      same_rule_list (f->end, g->end);
      same_rule_list (f->recipient, g->recipient);
      same_rule_list (f->diag, g->diag);
      same_rule_list (f->skip, g->skip);
      same_rule_list (f->delayed, g->delayed);
      same_rule_list (f->reasons, g->reasons);
      same_rule_list (f->signs, g->signs);
      g_assert_cmpuint (f->needs->len, ==, g->needs->len);
      for (guint n = 0; n < f->needs->len; n++)
        g_assert_cmpstr (g_ptr_array_index (f->needs, n), ==, g_ptr_array_index (g->needs, n));
    }
}

/* cached_file - the cache file of @dir ending in @suffix */
static char *
cached_file (const char *dir, const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, suffix))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

/* the loaded ruleset is kept beside the compiled patterns: a warm load of
 * the production rules reads no rule file and must equal a cold one in
 * every field; a block cut short is parsed around, and a damaged one
 * never crashes a load */
static void
test_load_cache_ruleset (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *cache = g_dir_make_tmp ("bk-cache-XXXXXX", &err);
  const char *rdir = g_getenv ("BK_RULES_DIR");
  g_autoptr (BkRuleset) cold = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
  g_assert_no_error (err);
  g_assert_null (cold->rule_block);
  g_autofree char *kept = cached_file (cache, ".ruleset");
  g_assert_nonnull (kept);
  g_autoptr (BkRuleset) warm = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
  g_assert_no_error (err);
  g_assert_nonnull (warm->rule_block);
  g_assert_cmpuint (warm->all->len, >, 1000);
  same_ruleset (cold, warm);
  /* and it reads: the same rule decides the same text */
  BkScanner *sc = bk_scanner_new (warm);
  const char *diag = "550 5.1.1 <x@example.org>: Recipient address rejected: User unknown";
  const BkRule *hit = NULL;
  for (guint i = 0; i < warm->reasons->len && hit == NULL; i++)
    if (bk_scanner_match (sc, g_ptr_array_index (warm->reasons, i), diag, strlen (diag)))
      hit = g_ptr_array_index (warm->reasons, i);
  g_assert_nonnull (hit);
  g_assert_cmpstr (hit->reason, ==, "userunknown");
  bk_scanner_free (sc);

  /* patterns whose cached bytes do not decode are compiled from their
   * text: every entry of the pattern cache damaged, the same decisions */
  g_autofree char *pkept = cached_file (cache, ".patterns");
  g_assert_nonnull (pkept);
  g_autofree char *pbytes = NULL;
  gsize plen = 0;
  g_assert_true (g_file_get_contents (pkept, &pbytes, &plen, NULL));
  {
    g_autofree char *bad = g_memdup (pbytes, plen);
    guint32 n = 0;
    memcpy (&n, bad + 28, sizeof n);   /* header: magic[24], byte order, count */
    g_assert_cmpuint (n, ==, cold->all->len);
    for (guint32 i = 0; i < n; i++)
      {
        guint64 off = 0;
        memcpy (&off, bad + 32 + (gsize) i * 16, sizeof off);
        g_assert_cmpuint (off, <, plen);
        bad[off] ^= 0x5a;   /* PCRE2's magic number of the serialized pattern */
      }
    g_file_set_contents (pkept, bad, plen, &err);
    g_assert_no_error (err);
    g_autoptr (BkRuleset) damaged = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
    g_assert_no_error (err);
    g_assert_nonnull (damaged->rule_block);
    same_ruleset (cold, damaged);
    BkScanner *dsc = bk_scanner_new (damaged);
    const BkRule *dhit = NULL;
    for (guint i = 0; i < damaged->reasons->len && dhit == NULL; i++)
      if (bk_scanner_match (dsc, g_ptr_array_index (damaged->reasons, i), diag, strlen (diag)))
        dhit = g_ptr_array_index (damaged->reasons, i);
    g_assert_nonnull (dhit);
    g_assert_cmpstr (dhit->id, ==, hit->id);
    bk_scanner_free (dsc);
    /* a pattern cache cut short is no cache: the rule files are read */
    g_file_set_contents (pkept, pbytes, plen / 2, &err);
    g_autoptr (BkRuleset) cut = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
    g_assert_no_error (err);
    same_ruleset (cold, cut);
  }

  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (kept, &bytes, &len, NULL));
  for (gsize cut = 0; cut < len; cut += len / 7 + 1)
    {
      g_file_set_contents (kept, bytes, cut, &err);
      g_assert_no_error (err);
      g_autoptr (BkRuleset) again = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
      g_assert_no_error (err);
      same_ruleset (cold, again);
    }
  /* a flipped byte in the header, the words or the strings */
  for (gsize at = 0; at < len; at += (at < 64 ? 4 : len / 13 + 1))
    {
      g_autofree char *bad = g_memdup (bytes, len);
      bad[at] ^= 0x5a;
      g_file_set_contents (kept, bad, len, &err);
      g_assert_no_error (err);
      g_autoptr (BkRuleset) again = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
      g_assert_no_error (err);
      g_assert_cmpuint (again->all->len, ==, cold->all->len);
    }
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", cache);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* a cache directory keeps the newest 32 files: every edit makes a new
 * entry, and old ones must not pile up */
static void
test_load_cache_prune (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *cache = g_dir_make_tmp ("bk-cache-XXXXXX", &err);
  g_autofree char *rdir = g_dir_make_tmp ("bk-rules-XXXXXX", &err);
  g_autofree char *file = g_build_filename (rdir, "10-a.rules", NULL);
  g_file_set_contents (file, "reason a.one userunknown no such user\n", -1, &err);
  g_assert_no_error (err);
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("rules-old%02d.pcre2", i);
      g_autofree char *path = g_build_filename (cache, name, NULL);
      g_file_set_contents (path, "old", -1, &err);
      g_assert_no_error (err);
      struct timespec times[2] = { { 1000000 + i, 0 }, { 1000000 + i, 0 } };
      g_assert_no_errno (utimensat (AT_FDCWD, path, times, 0));
    }
  g_autofree char *other = g_build_filename (cache, "not-ours", NULL);
  g_file_set_contents (other, "x", -1, &err);
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
  g_assert_no_error (err);
  g_autoptr (GDir) d = g_dir_open (cache, 0, NULL);
  const char *name;
  guint n = 0;
  gboolean new_entry = FALSE, oldest = FALSE, newest_old = FALSE, foreign = FALSE;
  while ((name = g_dir_read_name (d)))
    {
      n += g_str_has_prefix (name, "rules-");
      new_entry |= g_str_has_prefix (name, "rules-") && g_str_has_suffix (name, ".patterns")
                   && !g_str_has_prefix (name, "rules-old");
      oldest |= strcmp (name, "rules-old00.pcre2") == 0;
      newest_old |= strcmp (name, "rules-old39.pcre2") == 0;
      foreign |= strcmp (name, "not-ours") == 0;
    }
  g_assert_cmpuint (n, ==, 32);
  g_assert_true (new_entry);
  g_assert_false (oldest);
  g_assert_true (newest_old);
  g_assert_true (foreign);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' '%s'", cache, rdir);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* the prefilter is kept beside the compiled patterns as it was built: a
 * second load reads it back and marks the same candidates; a damaged file
 * is rebuilt, never trusted; a one-message load uses a kept prefilter but
 * derives none when the patterns come from the cache */
static void
test_load_cache_prefilter (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *cache = g_dir_make_tmp ("bk-cache-XXXXXX", &err);
  g_autofree char *rdir = g_dir_make_tmp ("bk-rules-XXXXXX", &err);
  g_autofree char *file = g_build_filename (rdir, "10-a.rules", NULL);
  g_file_set_contents (file, "reason a.one userunknown no such (?:user|mailbox)\n"
                             "reason a.two mailboxfull \\bquota\\b|over (?:limit|size)\n"
                             "reason a.three userunknown 宛先不明|\\buser unknown\\b\n"
                             "code a.code (?<reply>5\\d\\d)\n", -1, &err);
  g_assert_no_error (err);
  g_autoptr (BkRuleset) first = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
  g_assert_no_error (err);
  g_assert_nonnull (first->prefilter);
  g_autoptr (GBytes) want = bk_prefilter_encode (first->prefilter);

  g_autoptr (GDir) d = g_dir_open (cache, 0, NULL);
  g_autofree char *kept = NULL;
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".prefilter"))
      kept = g_build_filename (cache, name, NULL);
  g_assert_nonnull (kept);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (kept, &bytes, &len, NULL));
  g_assert_cmpmem (bytes, len, g_bytes_get_data (want, NULL), g_bytes_get_size (want));

  /* read back: the same block, the same candidates, the same rules marked */
  g_autoptr (BkRuleset) second = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT | BK_RULESET_FLAGS_NO_PREFILTER,
                                                           cache, &err);
  g_assert_no_error (err);
  g_assert_nonnull (second->prefilter);
  g_autoptr (GBytes) again = bk_prefilter_encode (second->prefilter);
  g_assert_true (g_bytes_equal (again, want));
  for (guint r = 0; r < first->all->len; r++)
    g_assert_cmpint (((BkRule *) g_ptr_array_index (first->all, r))->literals, ==,
                     ((BkRule *) g_ptr_array_index (second->all, r))->literals);
  guint words = bk_prefilter_words (second->prefilter);
  static const char *const texts[] = { "550 no such mailbox here, over limit", "宛先不明です", "QUOTA", "nothing" };
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      g_autofree guint64 *b1 = g_new0 (guint64, words);
      g_autofree guint64 *b2 = g_new0 (guint64, words);
      bk_prefilter_scan (first->prefilter, texts[t], strlen (texts[t]), b1);
      bk_prefilter_scan (second->prefilter, texts[t], strlen (texts[t]), b2);
      g_assert_cmpmem (b1, words * sizeof *b1, b2, words * sizeof *b2);
    }

  /* damaged blocks: cut short, a wrong rule count, any byte of the
   * header, the counts or the arrays changed: none decodes to a
   * prefilter that differs from the one written */
  for (gsize cut = 0; cut < len; cut += 97)
    g_assert_null (bk_prefilter_decode (g_memdup (bytes, cut ? cut : 1), cut, first->all));
  g_autoptr (GPtrArray) fewer = g_ptr_array_new ();
  for (guint r = 0; r + 1 < first->all->len; r++)
    g_ptr_array_add (fewer, g_ptr_array_index (first->all, r));
  g_assert_null (bk_prefilter_decode (g_memdup (bytes, len), len, fewer));
  for (gsize at = 0; at < len; at += (at < 128 ? 1 : 61))
    {
      char *bad = g_memdup (bytes, len);
      bad[at] ^= 0x5a;
      BkPrefilter *pf = bk_prefilter_decode (bad, len, first->all);
      if (pf)
        {
          /* only bytes nothing reads may differ: padding, unused fields */
          g_autoptr (GBytes) got = bk_prefilter_encode (pf);
          gsize n = 0;
          const char *p = g_bytes_get_data (got, &n);
          for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
            {
              g_autofree guint64 *b1 = g_new0 (guint64, words);
              g_autofree guint64 *b2 = g_new0 (guint64, words);
              bk_prefilter_scan (first->prefilter, texts[t], strlen (texts[t]), b1);
              bk_prefilter_scan (pf, texts[t], strlen (texts[t]), b2);
              g_assert_cmpmem (b1, words * sizeof *b1, b2, words * sizeof *b2);
            }
          (void) p;
          bk_prefilter_free (pf);
        }
    }
  /* a damaged file is replaced by a fresh build */
  g_file_set_contents (kept, "garbage", -1, &err);
  g_assert_no_error (err);
  g_autoptr (BkRuleset) third = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NONE, cache, &err);
  g_assert_no_error (err);
  g_assert_nonnull (third->prefilter);
  g_free (g_steal_pointer (&bytes));
  g_assert_true (g_file_get_contents (kept, &bytes, &len, NULL));
  g_assert_cmpmem (bytes, len, g_bytes_get_data (want, NULL), g_bytes_get_size (want));
  /* no kept prefilter and warm patterns: a one-message load builds none */
  g_assert_cmpint (g_unlink (kept), ==, 0);
  g_autoptr (BkRuleset) one = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT | BK_RULESET_FLAGS_NO_PREFILTER,
                                                        cache, &err);
  g_assert_no_error (err);
  g_assert_null (one->prefilter);
  for (guint r = 0; r < one->all->len; r++)
    g_assert_false (((BkRule *) g_ptr_array_index (one->all, r))->literals);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' '%s'", cache, rdir);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* the cache is keyed by the rule files' stat data, not their bytes: an
 * edit in place that keeps the size, the inode and (set back by hand) the
 * modification time must still be seen, through the change time */
static void
test_load_cache_edit_in_place (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *cache = g_dir_make_tmp ("bk-cache-XXXXXX", &err);
  g_autofree char *rdir = g_dir_make_tmp ("bk-rules-XXXXXX", &err);
  g_autofree char *file = g_build_filename (rdir, "10-a.rules", NULL);
  g_file_set_contents (file, "reason a.one userunknown no such user\n", -1, &err);
  g_assert_no_error (err);
  struct stat before;
  g_assert_no_errno (stat (file, &before));
  g_autoptr (BkRuleset) first = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT, cache, &err);
  g_assert_no_error (err);
  g_autoptr (BkRuleset) cached = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT, cache, &err);
  g_assert_no_error (err);

  FILE *f = fopen (file, "r+");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, strlen ("reason a.one userunknown no such "), SEEK_SET), ==, 0);
  g_assert_cmpint (fputs ("boss", f), >=, 0);
  g_assert_cmpint (fclose (f), ==, 0);
  struct timespec times[2] = { before.st_atim, before.st_mtim };
  g_assert_no_errno (utimensat (AT_FDCWD, file, times, 0));
  struct stat after;
  g_assert_no_errno (stat (file, &after));
  g_assert_cmpint (after.st_size, ==, before.st_size);
  g_assert_cmpuint (after.st_ino, ==, before.st_ino);

  g_autoptr (BkRuleset) edited = bk_ruleset_load_dir_full (rdir, BK_RULESET_FLAGS_NO_JIT, cache, &err);
  g_assert_no_error (err);
  BkScanner *sc = bk_scanner_new (edited);
  const BkRule *rule = g_ptr_array_index (edited->reasons, 0);
  g_assert_true (bk_scanner_match (sc, rule, "550 no such boss", 16));
  g_assert_false (bk_scanner_match (sc, rule, "550 no such user", 16));
  bk_scanner_free (sc);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' '%s'", cache, rdir);
  g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();
  bk_init ();

  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/ruleset/load-dir/error/", error_cases[i].name, NULL);
      g_test_add (path, TmpFixture, &error_cases[i], tmp_set_up, test_load_error, tmp_tear_down);
    }
  for (guint i = 0; i < G_N_ELEMENTS (regex_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/ruleset/load-dir/error/regex-", regex_cases[i].name, NULL);
      g_test_add (path, TmpFixture, &regex_cases[i], tmp_set_up, test_load_error_regex, tmp_tear_down);
    }
  g_test_add ("/ruleset/load-dir/error/regex-message", TmpFixture, NULL, tmp_set_up,
              test_load_error_regex_text, tmp_tear_down);
  g_test_add_func ("/ruleset/linear/shapes", test_linear);
  g_test_add ("/ruleset/load-dir/error/nonlinear", TmpFixture, NULL, tmp_set_up,
              test_load_error_nonlinear, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/error/empty-dir", TmpFixture, NULL, tmp_set_up,
              test_load_empty_dir, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/error/missing-dir", TmpFixture, NULL, tmp_set_up,
              test_load_missing_dir, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/error/unreadable-file", TmpFixture, NULL, tmp_set_up,
              test_load_unreadable_file, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/order", TmpFixture, NULL, tmp_set_up, test_load_order, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/comments", TmpFixture, NULL, tmp_set_up, test_load_comments, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/crlf", TmpFixture, NULL, tmp_set_up, test_load_crlf, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/fields", TmpFixture, NULL, tmp_set_up, test_load_fields, tmp_tear_down);
  g_test_add ("/ruleset/load-dir/use", TmpFixture, NULL, tmp_set_up, test_load_use, tmp_tear_down);
  g_test_add ("/ruleset/load-files/order", TmpFixture, NULL, tmp_set_up, test_load_files_order, tmp_tear_down);
  g_test_add ("/ruleset/ref/unref", TmpFixture, NULL, tmp_set_up, test_ref_unref, tmp_tear_down);
  g_test_add_func ("/ruleset/load-dir/test-data", test_load_test_data);

  g_test_add_func ("/ruleset/load-buffer/unterminated", test_load_buffer_unterminated);
  g_test_add_func ("/ruleset/load-dir-full/cache", test_load_cache);
  g_test_add_func ("/ruleset/load-dir-full/cache-edit-in-place", test_load_cache_edit_in_place);
  g_test_add_func ("/ruleset/load-dir-full/cache-prefilter", test_load_cache_prefilter);
  g_test_add_func ("/ruleset/load-dir-full/cache-prune", test_load_cache_prune);
  g_test_add_func ("/ruleset/load-dir-full/cache-ruleset", test_load_cache_ruleset);
  return g_test_run ();
}
