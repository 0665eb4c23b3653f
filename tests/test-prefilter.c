/* SPDX-License-Identifier: MIT */
/*
 * Prefilter tests. Literal extraction on hand-picked patterns (what it
 * derives, and where it must give up), and the property the analyzer
 * relies on, checked for every production rule over every sample: when a
 * rule matches a text (the whole human-readable text, each of its lines,
 * the From and Subject values), the prefilter marks the rule as a
 * candidate for that text. A single miss would change results.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

typedef struct {
  const char *pattern;
  const char *literals;   /* joined with '|', NULL: none derivable */
} LitCase;

static const LitCase lit_cases[] = {
  { "no such user", "no such user" },
  { "\\bno such (?:user|mailbox)\\b", "no such " },
  { "user unknown|unknown user", "user unknown|unknown user" },
  { "mailbox\\s+full", "mailbox" },
  { "(?<!user )unknown host", "unknown host" },
  { "over ?quota", "quota" },
  { "colou?r", "colo" },
  { "quotas?", "quota" },
  { "a+bcd", "bcd" },
  { "(?i)Spamhaus", "spamhaus" },
  { "(?-i)RESOLVER\\.ADR\\.RecipNotFound", "resolver.adr.recipnotfound" },
  { "550[ -]5\\.1\\.1", "5.1.1" },
  { "[a-z]+@example", "@example" },
  { "x{2,}yzw", "yzw" },
  { "ab|cd", NULL },               /* an alternative under 3 characters */
  { "(?:user|recipient) unknown", " unknown" },
  { "^\\s*$", NULL },
  { "\\x41BCDEF", NULL },           /* escapes with arguments: give up */
  { "(?x) a b c d", NULL },        /* extended mode changes blanks */
  { "\\p{L}+ unknown", " unknown" },
  { "user\\|name", "user|name" },
  { "宛先不明", "宛先不明" },       /* characters without case are literal */
  { "error 宛先不明 code", "error 宛先不明 code" },
  { "caf\u00e9 pleine", " pleine" }, /* é has case: caseless UTF also takes É */
  { "Нет места", "\x80" },         /* Cyrillic has case: only "needs non-ASCII" */
  { "нет места|no room", "\x80|no room" },
  { "нет|ab", NULL },               /* "ab" can match without either */
  { "पता नहीं मिला", "पता नहीं मिला" },  /* Devanagari has none */
  { "\\b(?:RCP-P1|INT-P1)\\b", "rcp-p1|int-p1" },  /* a group it cannot match without */
  { "(?:mail ?box|in ?box) (?:full|filled)", "full|filled" },  /* the longer needed set */
  { "x(?<n>abcd|efgh)y", "abcd|efgh" },
  { "(?:abc|de)fg", NULL },          /* an alternative of the group too short */
  { "(?:abcd|efgh)?xy", NULL },      /* an optional group is not needed */
  { "(?=abcd)xy", NULL },            /* nor is a lookahead's text */
  { "(?!abcd)xy", NULL },
  { "(?i:abcd|efgh)", "abcd|efgh" },
  { "(?x:ab cd|ef gh)", NULL },
  { "(?:abcd|(?:efg|hij)k)", "abcd|efg|hij" },
  { "ab(?:cdef|ghij)|klmno", "cdef|ghij|klmno" },
  { "", NULL },
};

static void
test_literals (gconstpointer data)
{
  const LitCase *c = data;
  g_autoptr (GPtrArray) lits = bk_prefilter_literals (c->pattern);
  if (c->literals == NULL)
    {
      g_assert_null (lits);
      return;
    }
  g_assert_nonnull (lits);
  g_ptr_array_add (lits, NULL);
  g_autofree char *joined = g_strjoinv ("|", (char **) lits->pdata);
  g_assert_cmpstr (joined, ==, c->literals);
}

static void
test_scan_basic (void)
{
  g_autoptr (GError) err = NULL;
  static const char rules_text[] =
    "reason a.one userunknown no such user\n"
    "reason a.two mailboxfull mailbox\\s+full\n"
    "reason a.three blocked [0-9]+ blocked\n";
  g_autoptr (BkRuleset) rules = bk_ruleset_load_buffer ("t.rules", rules_text, sizeof rules_text - 1, &err);
  g_assert_no_error (err);
  guint64 bits[1];
  const char *text = "550 NO SUCH USER here";
  bk_prefilter_scan (rules->prefilter, text, strlen (text), bits);
  const BkRule *one = g_ptr_array_index (rules->reasons, 0);
  const BkRule *two = g_ptr_array_index (rules->reasons, 1);
  const BkRule *three = g_ptr_array_index (rules->reasons, 2);
  g_assert_true (one->literals && two->literals && three->literals);
  g_assert_true (bk_may_match (one, bits));
  g_assert_false (bk_may_match (two, bits));
  g_assert_false (bk_may_match (three, bits));
  /* U+212A KELVIN SIGN folds to k: every rule becomes a candidate */
  const char *kelvin = "\xe2\x84\xaa";
  bk_prefilter_scan (rules->prefilter, kelvin, strlen (kelvin), bits);
  g_assert_true (bk_may_match (two, bits));
}

/* A rule without literals that cannot match plain ASCII (Cyrillic or
 * Greek wording: letters with case) waits for a text with a byte >= 0x80;
 * one that could match ASCII stays a candidate for every text. The same
 * through a cache: the block written and read back. */
typedef struct {
  const char *pattern;
  gboolean eight_bit;
} EightBitCase;

static const EightBitCase eight_bit_cases[] = {
  { "Нет места", TRUE },
  { "(?:почтовый )?ящик переполнен|нет места", TRUE },
  { "ящик|ab", FALSE },                  /* an ASCII alternative */
  { "(?:ящик)?ab", FALSE },               /* optional */
  { "я?ab", FALSE },
  { "[яю]ab", FALSE },                    /* a class: not looked into */
  { "(?!ящик)ab", FALSE },                /* a lookahead's text is not needed */
  { "ab(?:ящик|δεν)cd", TRUE },
  { "ıı", FALSE },                        /* ı folds to I */
  { "ab", FALSE },
};

static void
test_eight_bit (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (eight_bit_cases); i++)
    {
      const EightBitCase *c = &eight_bit_cases[i];
      g_autoptr (GError) err = NULL;
      g_autofree char *text = g_strdup_printf ("reason t.one userunknown %s\n", c->pattern);
      g_autoptr (BkRuleset) rules = bk_ruleset_load_buffer ("t.rules", text, strlen (text), &err);
      g_assert_no_error (err);
      const BkRule *rule = g_ptr_array_index (rules->reasons, 0);
      if (rule->literals != c->eight_bit)
        g_error ("pattern %s: known to the prefilter %d, want %d", c->pattern, rule->literals, c->eight_bit);
      guint64 bits[1];
      const char *ascii = "550 mailbox full AB";
      bk_prefilter_scan (rules->prefilter, ascii, strlen (ascii), bits);
      g_assert_true (bk_may_match (rule, bits) == !c->eight_bit);
      const char *cyrillic = "550 Нет места";
      bk_prefilter_scan (rules->prefilter, cyrillic, strlen (cyrillic), bits);
      g_assert_true (bk_may_match (rule, bits));
    }
}

/* ---- the soundness property over production rules and samples ---- */

static BkRuleset *prod;
static GPtrArray *texts;   /* char*: texts, lines, header values */

static void
collect_texts (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *full = g_build_filename (dir, name, NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          collect_texts (full);
          continue;
        }
      if (!g_str_has_suffix (name, ".eml"))
        continue;
      g_autofree char *data = NULL;
      gsize len;
      if (!g_file_get_contents (full, &data, &len, NULL))
        continue;
      g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (data, len, NULL);
      if (msg == NULL)
        continue;
      g_autoptr (BkParts) parts = bk_mime_collect (msg);
      g_ptr_array_add (texts, g_strdup (parts->text->str));
      /* the same text in capitals: the scan lower-cases eight bytes at a time */
      g_ptr_array_add (texts, g_ascii_strup (parts->text->str, -1));
      g_auto (GStrv) lines = g_strsplit (parts->text->str, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        g_ptr_array_add (texts, g_strdup (g_strstrip (lines[i])));
      static const char *const headers[] = { "From", "Subject" };
      for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
        {
          char *v = bk_mime_header (GMIME_OBJECT (msg), headers[i]);
          if (v)
            g_ptr_array_add (texts, v);
        }
    }
}

static void
test_sound (void)
{
  BkScanner *sc = bk_scanner_new (prod);
  guint words = bk_prefilter_words (prod->prefilter);
  g_autofree guint64 *bits = g_new0 (guint64, words);
  guint checked = 0, skipped = 0;
  for (guint t = 0; t < texts->len; t++)
    {
      const char *text = g_ptr_array_index (texts, t);
      gsize len = strlen (text);
      bk_prefilter_scan (prod->prefilter, text, len, bits);
      for (guint r = 0; r < prod->all->len; r++)
        {
          const BkRule *rule = g_ptr_array_index (prod->all, r);
          if (bk_may_match (rule, bits))
            continue;
          skipped++;
          if (bk_scanner_match (sc, rule, text, len))
            g_error ("prefilter skipped rule %s (%s:%u), which matches: %s", rule->id, rule->file,
                     rule->line, text);
          checked++;
        }
    }
  bk_scanner_free (sc);
  g_test_message ("%u texts; %u skipped rule/text pairs, none of which matched", texts->len, skipped);
  g_assert_cmpuint (checked, >, 0);
}

/* a line pattern's quick test of the line's first byte never refuses a
 * line the pattern matches: every rule anchored at a line's start, the
 * first 4,000 distinct lines of the samples (as written and in capitals),
 * and each of them that starts with k or s again with a Kelvin sign or a
 * long s there, which caseless matching equates with them */
static void
test_line_start_sound (void)
{
  BkScanner *sc = bk_scanner_new (prod);
  guint refused = 0, lines_tried = 0;
  g_autoptr (GPtrArray) anchored = g_ptr_array_new ();
  for (guint r = 0; r < prod->all->len; r++)
    if (((const BkRule *) g_ptr_array_index (prod->all, r))->pattern[0] == '^')
      g_ptr_array_add (anchored, g_ptr_array_index (prod->all, r));
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint t = 0; t < texts->len && lines_tried < 4000; t++)
    {
      g_auto (GStrv) lines = g_strsplit (g_ptr_array_index (texts, t), "\n", -1);
      for (guint l = 0; lines[l] && lines_tried < 4000; l++)
        {
          if (!g_hash_table_add (seen, g_strdup (lines[l])))
            continue;
          lines_tried++;
          g_autofree char *folded = NULL;
          gchar c = g_ascii_tolower (lines[l][0]);
          if (c == 'k' || c == 's')
            folded = g_strconcat (c == 'k' ? "\xe2\x84\xaa" : "\xc5\xbf", lines[l] + 1, NULL);
          const char *variants[] = { lines[l], folded };
          for (guint v = 0; v < G_N_ELEMENTS (variants) && variants[v]; v++)
            for (guint r = 0; r < anchored->len; r++)
              {
                const BkRule *rule = g_ptr_array_index (anchored, r);
                gsize len = strlen (variants[v]);
                if (bk_scanner_match_line (sc, rule, variants[v], len))
                  continue;
                refused++;
                if (bk_scanner_match (sc, rule, variants[v], len))
                  g_error ("line test refused rule %s (%s:%u), which matches: %s", rule->id, rule->file,
                           rule->line, variants[v]);
              }
        }
    }
  bk_scanner_free (sc);
  g_test_message ("%u lines; %u rule/line pairs refused by the first byte, none of which matched",
                  lines_tried, refused);
  g_assert_cmpuint (refused, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bk_init ();
  for (guint i = 0; i < G_N_ELEMENTS (lit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/prefilter/literals/%u", i);
      g_test_add_data_func (path, &lit_cases[i], test_literals);
    }
  g_test_add_func ("/prefilter/scan/basic", test_scan_basic);
  g_test_add_func ("/prefilter/scan/eight-bit", test_eight_bit);

  g_autoptr (GError) err = NULL;
  prod = bk_ruleset_load_dir (g_getenv ("BK_RULES_DIR"), &err);
  g_assert_no_error (err);
  texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *samples = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "samples", NULL);
  collect_texts (samples);
  /* a corpus beside the checkout, when there is one, widens the check */
  g_autofree char *corpus = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "..", "shared", "corpus", "emails", NULL);
  if (g_file_test (corpus, G_FILE_TEST_IS_DIR))
    collect_texts (corpus);
  g_test_add_func ("/prefilter/sound/production-rules", test_sound);
  g_test_add_func ("/prefilter/sound/line-start", test_line_start_sound);
  int rc = g_test_run ();
  g_ptr_array_unref (texts);
  bk_ruleset_unref (prod);
  return rc;
}
