/* SPDX-License-Identifier: MIT */
/*
 * bk-scan - apply one compiled rule to text.
 *
 * A scanner owns one PCRE2 match data block, sized for the rule with the
 * most groups, and one match context with match, depth and heap limits, and
 * reuses both for every match: no allocation per match. Text is mail
 * content, possibly invalid UTF-8: rules are compiled with
 * MATCH_INVALID_UTF and matched with pcre2_match (never the unchecked
 * pcre2_jit_match fast path). A scanner belongs to one thread. A pattern
 * is JIT-compiled once it has been matched against BK_JIT_AFTER_BYTES of
 * text: one thread compiles a copy while the others go on interpreting
 * the original, which is never written to, and then publishes the copy.
 */
#include "bk-private.h"

#include <string.h>

/* Backtracking bounds per match: far above what a sane rule needs on a
 * BK_MAX_TEXT_BYTES text, low enough that a pathological pattern/input pair
 * costs milliseconds, not minutes. */
#define BK_MATCH_LIMIT 2000000
#define BK_DEPTH_LIMIT 10000
#define BK_HEAP_LIMIT_KIB 8192

/* Compiling a pattern to machine code costs as much as interpreting it
 * over a few kilobytes of text: of the ~950 rules a corpus run tries,
 * most meet only a handful of short diagnostics and header values, and
 * compiling all of them was a fifth of such a run. A rule is compiled once
 * the text it was matched against (each match counted 64 bytes more, for
 * its set-up) reaches this; a rule over a message body gets there at
 * once. Measured (bench/run inputs): 2 KiB cuts a corpus run by 8-10% and
 * changes a 10k mbox run by less than the noise; 12 KiB is slower on both. */
#define BK_JIT_AFTER_BYTES 2048

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
  /* the JIT fields are the only mutable ones of a loaded ruleset */
  BkRule *mut = (BkRule *) rule;
  const pcre2_code *code = g_atomic_pointer_get (&mut->jit_code);
  if (code == NULL)
    {
      code = rule->code;
      if (scanner->jit
          && __atomic_add_fetch (&mut->interpreted, len + 64, __ATOMIC_RELAXED) >= BK_JIT_AFTER_BYTES
          && g_atomic_int_compare_and_exchange (&mut->jit_state, 0, 1))
        {
          /* JIT failure is not an error: the interpreter goes on */
          pcre2_code *copy = pcre2_code_copy (rule->code);
          if (copy && pcre2_jit_compile (copy, PCRE2_JIT_COMPLETE) == 0)
            {
              g_atomic_pointer_set (&mut->jit_code, copy);
              code = copy;
            }
          else if (copy)
            pcre2_code_free (copy);
        }
    }
  int rc = pcre2_match (code, (PCRE2_SPTR) text, len, 0, 0, scanner->md, scanner->mctx);
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
