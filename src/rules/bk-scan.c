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
#include "rules/bk-rules-private.h"
#include "rules/bk-pattern-cache.h"

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

/* The matching time one message may take, all rules together: rules are
 * linear in their text (bk-linear.c) and a message's text is bounded, so
 * a bounce takes milliseconds; this is the bound should a rule file still
 * hold a slow pattern. Past it every further rule counts as no match,
 * and the message is reported with what was found. */
#define BK_MATCH_BUDGET_US (2 * G_USEC_PER_SEC)

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

/* bk_rule_code - @rule's compiled pattern; one read from the cache is
 * decoded on first use, once (g_once_init), then kept; compiled from its
 * text should the cached bytes not decode */
const pcre2_code *
bk_rule_code (const BkRule *rule)
{
  if (rule->code_bytes == NULL)
    return rule->code;
  BkRule *mut = (BkRule *) rule;
  if (g_once_init_enter (&mut->code_once))
    {
      mut->code = bk_pattern_cache_decode (rule->code_bytes, rule->code_len);
      if (mut->code == NULL)
        {
          int errcode = 0;
          PCRE2_SIZE erroffset = 0;
          mut->code = bk_rule_compile (rule->pattern, rule->field, &errcode, &erroffset);
        }
      g_once_init_leave (&mut->code_once, 1);
    }
  return rule->code;
}

/* bk_scanner_start_message - a new message: its matching budget starts */
void
bk_scanner_start_message (BkScanner *scanner)
{
  scanner->deadline = g_get_monotonic_time () + BK_MATCH_BUDGET_US;
  scanner->over_budget = FALSE;
}

/* bk_scanner_match - TRUE when @rule matches @text; groups stay readable
 * through bk_scanner_group until the next match */
gboolean
bk_scanner_match (BkScanner *scanner, const BkRule *rule, const char *text, gsize len)
{
  if (text == NULL)
    return FALSE;
  if (scanner->deadline && (scanner->over_budget || g_get_monotonic_time () > scanner->deadline))
    {
      scanner->over_budget = TRUE;
      return FALSE;
    }
  /* the JIT fields are the only mutable ones of a loaded ruleset */
  BkRule *mut = (BkRule *) rule;
  const pcre2_code *code = g_atomic_pointer_get (&mut->jit_code);
  if (code == NULL)
    {
      code = bk_rule_code (rule);
      if (code == NULL)
        return FALSE;
      if (scanner->jit
          && __atomic_add_fetch (&mut->interpreted, len + 64, __ATOMIC_RELAXED) >= BK_JIT_AFTER_BYTES
          && g_atomic_int_compare_and_exchange (&mut->jit_state, 0, 1))
        {
          /* JIT failure is not an error: the interpreter goes on */
          pcre2_code *copy = pcre2_code_copy (code);
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

static void
set_byte (guint8 *set, guchar c)
{
  set[c / 8] |= 1 << (c % 8);
}

/* optional_next - does the quantifier at @p (if any) allow zero? */
static gboolean
optional_next (const char *p)
{
  return *p == '?' || *p == '*' || (p[0] == '{' && p[1] == '0');
}

/* first_bytes - add to @set every byte a match of the regex text @p..@end
 * can begin with, for the simple shapes line patterns have: white space
 * (\s or [ \t], * or +), then a literal ASCII character or a group of
 * alternatives that each begin so. FALSE for anything else. */
static gboolean
first_bytes (const char *p, const char *end, guint8 *set)
{
  while (p < end)
    {
      gboolean ws = FALSE;
      gsize n = 0;
      if (p + 2 <= end && p[0] == '\\' && p[1] == 's')
        ws = TRUE, n = 2;
      else if (p + 5 <= end && strncmp (p, "[ \\t]", 5) == 0)
        ws = TRUE, n = 5;
      if (ws)
        {
          static const char spaces[] = " \t\n\v\f\r";
          for (const char *c = spaces; *c; c++)
            set_byte (set, (guchar) *c);
          if (p[n] == '+')
            return TRUE;
          if (p[n] != '*')
            return TRUE;   /* exactly one white-space byte first */
          p += n + 1;
          continue;
        }
      if (p + 3 <= end && strncmp (p, "(?:", 3) == 0)
        {
          /* a group: each alternative at its top level */
          int depth = 0;
          const char *alt = p + 3, *q = p;
          for (; q < end; q++)
            {
              if (*q == '\\' && q + 1 < end)
                q++;
              else if (*q == '[')
                return FALSE;
              else if (*q == '(')
                depth++;
              else if (*q == ')' && --depth == 0)
                break;
              else if (*q == '|' && depth == 1)
                {
                  if (!first_bytes (alt, q, set))
                    return FALSE;
                  alt = q + 1;
                }
            }
          if (q >= end || !first_bytes (alt, q, set) || optional_next (q + 1))
            return FALSE;
          return TRUE;
        }
      guchar c = (guchar) *p;
      if (c >= 0x80 || !(g_ascii_isalnum (c) || strchr ("'\"<>!#%&,/:;=@_`~-", c)) || optional_next (p + 1))
        return FALSE;
      set_byte (set, c);
      set_byte (set, g_ascii_tolower (c));
      set_byte (set, g_ascii_toupper (c));
      /* caseless UTF matching equates k with U+212A KELVIN SIGN (E2 84
       * AA) and s with U+017F LONG S (C5 BF) */
      if (g_ascii_tolower (c) == 'k')
        set_byte (set, 0xe2);
      if (g_ascii_tolower (c) == 's')
        set_byte (set, 0xc5);
      return TRUE;
    }
  return FALSE;
}

/* line_start - @rule's line_start bitmap, worked out on first use: for a
 * pattern "^..." with no "|" outside a group, the bytes a match can begin
 * with (first_bytes); every byte otherwise */
static const guint8 *
line_start (const BkRule *rule)
{
  BkRule *mut = (BkRule *) rule;
  if (g_once_init_enter (&mut->line_once))
    {
      const char *p = rule->pattern;
      guint8 set[32] = { 0 };
      gboolean top_alt = FALSE;
      int depth = 0;
      for (const char *q = p; *q && !top_alt; q++)
        {
          if (*q == '\\' && q[1])
            q++;
          else if (*q == '[')
            {
              /* a class: "|" and brackets inside are literal */
              q = p + bk_pattern_skip_class (p, q - p);
              if (*q == '\0')
                break;
              q--;   /* the loop steps past the class's last byte */
            }
          else if (*q == '(')
            depth++;
          else if (*q == ')')
            depth--;
          else if (*q == '|' && depth == 0)
            top_alt = TRUE;
        }
      if (p[0] == '^' && !top_alt && first_bytes (p + 1, p + strlen (p), set))
        memcpy (mut->line_start, set, sizeof set);
      else
        memset (mut->line_start, 0xff, sizeof mut->line_start);
      g_once_init_leave (&mut->line_once, 1);
    }
  return rule->line_start;
}

/* bk_scanner_match_line - bk_scanner_match() of one line (no newline in
 * it), skipping pcre2_match for a pattern anchored at the line's start
 * whose match cannot begin with the line's first byte: most of the lines
 * a format's line patterns meet */
gboolean
bk_scanner_match_line (BkScanner *scanner, const BkRule *rule, const char *line, gsize len)
{
  if (len > 0)
    {
      guchar c = (guchar) line[0];
      if (!(line_start (rule)[c / 8] & (1 << (c % 8))))
        return FALSE;
    }
  return bk_scanner_match (scanner, rule, line, len);
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
