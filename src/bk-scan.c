/* SPDX-License-Identifier: MIT */
/*
 * bk-scan - apply one compiled rule to text.
 *
 * A scanner owns one PCRE2 match data block, sized for the rule with the
 * most groups, and one match context with match, depth and heap limits, and
 * reuses both for every match: no allocation per match. Text is mail
 * content, possibly invalid UTF-8: rules are compiled with
 * MATCH_INVALID_UTF and matched with pcre2_match (never the unchecked
 * pcre2_jit_match fast path). A scanner belongs to one thread. Patterns
 * are JIT-compiled on their first match, once, under g_once_init.
 */
#include "bk-private.h"

#include <string.h>

/* Backtracking bounds per match: far above what a sane rule needs on a
 * BK_MAX_TEXT_BYTES text, low enough that a pathological pattern/input pair
 * costs milliseconds, not minutes. */
#define BK_MATCH_LIMIT 2000000
#define BK_DEPTH_LIMIT 10000
#define BK_HEAP_LIMIT_KIB 8192

BkScanner *
bk_scanner_new (const BkRuleset *rules)
{
  BkScanner *scanner = g_new0 (BkScanner, 1);
  scanner->jit = rules->jit;
  scanner->md = pcre2_match_data_create (rules->max_captures + 1, NULL);
  scanner->mctx = pcre2_match_context_create (NULL);
  pcre2_set_match_limit (scanner->mctx, BK_MATCH_LIMIT);
  pcre2_set_depth_limit (scanner->mctx, BK_DEPTH_LIMIT);
  pcre2_set_heap_limit (scanner->mctx, BK_HEAP_LIMIT_KIB);
  if (rules->prefilter)
    {
      scanner->diag_bits = g_new0 (guint64, bk_prefilter_words (rules->prefilter));
      scanner->body_bits = g_new0 (guint64, bk_prefilter_words (rules->prefilter));
    }
  return scanner;
}

void
bk_scanner_free (BkScanner *scanner)
{
  if (scanner == NULL)
    return;
  pcre2_match_data_free (scanner->md);
  pcre2_match_context_free (scanner->mctx);
  g_free (scanner->diag_bits);
  g_free (scanner->body_bits);
  g_free (scanner);
}

/* bk_scanner_match - TRUE when @rule matches @text; groups stay readable
 * through bk_scanner_group until the next match */
gboolean
bk_scanner_match (BkScanner *scanner, const BkRule *rule, const char *text, gsize len)
{
  if (text == NULL)
    return FALSE;
  /* the once flag is the one mutable field of a loaded ruleset */
  gsize *once = (gsize *) &rule->jit_once;
  if (scanner->jit && !g_atomic_pointer_get (once))
    {
      /* first use: JIT-compile once; other threads wait for it here, and
       * nobody matches the pattern while it is being compiled */
      if (g_once_init_enter (once))
        {
          /* JIT failure is not an error: pcre2_match interprets instead */
          pcre2_jit_compile (rule->code, PCRE2_JIT_COMPLETE);
          g_once_init_leave (once, 1);
        }
    }
  int rc = pcre2_match (rule->code, (PCRE2_SPTR) text, len, 0, 0, scanner->md,
                        scanner->mctx);
  return rc >= 0;
}

/* bk_scanner_group - copy of capture @group of the last match, or NULL when
 * the group did not take part or is empty */
char *
bk_scanner_group (BkScanner *scanner, const char *text, int group)
{
  if (group < 0)
    return NULL;
  if ((uint32_t) group >= pcre2_get_ovector_count (scanner->md))
    return NULL;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer (scanner->md);
  PCRE2_SIZE s = ov[2 * group], e = ov[2 * group + 1];
  if (s == PCRE2_UNSET || e <= s)
    return NULL;
  return g_strndup (text + s, e - s);
}

/* bk_scanner_match_end - offset just past the last match */
gsize
bk_scanner_match_end (BkScanner *scanner)
{
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer (scanner->md);
  return ov[1];
}
