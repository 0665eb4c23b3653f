/* SPDX-License-Identifier: MIT */
/*
 * bk-prefilter - skip rules that cannot match, in one pass over a text.
 *
 * Most rules are phrases: "no such user", "mailbox full". For each
 * pattern this module derives, conservatively, a set of literal strings
 * of which at least one must occur in any text the pattern matches (one
 * literal per top-level alternative: its longest run of plain ASCII
 * characters). One scan of a text, hashing every 3-byte window, then tells
 * which rules are worth a pcre2_match at all. A rule whose literals cannot
 * be derived (a class, a group or an escape everywhere, an alternative
 * shorter than 3 literal characters, extended mode) is always tried:
 * the prefilter may let through rules that fail, never hold back one that
 * would match. Comparison is ASCII-caseless, like the rules; a text that
 * holds U+212A KELVIN SIGN or U+017F LONG S (which PCRE2's caseless UTF
 * matching equates with k and s) makes every rule a candidate.
 * Built once with the ruleset, read-only afterwards: thread-safe.
 */
#include "rules/bk-rules-private.h"

#include "rules/bk-prefilter-cache.h"

#include <string.h>

#define MIN_LITERAL 3

/* The literal that stands for "a byte >= 0x80": an alternative with no
 * literal of its own that cannot match without a non-ASCII character
 * (wording in Greek, Cyrillic, accented Latin) makes its rule a candidate
 * for every text that has one. Not UTF-8, so no literal text equals it. */
#define EIGHT_BIT "\x80"
#define BUCKET_BITS 16
#define NBUCKETS (1u << BUCKET_BITS)

/* The prefilter is one block of flat arrays (see "layout" below), so that
 * the rules cache can keep it as it is and a load reads it back without
 * building anything: a one-message run then has the prefilter for the
 * price of a file read. */

/* A literal in a bucket. A literal is filed under its rarest three
 * bytes, its anchor (see anchor_of), not its first three: windows of
 * common English ("the", "ing", " de") then seldom hit a bucket at all.
 * The entry holds the (up to) eight bytes from the anchor, so that most
 * windows that share a bucket but not the literal are told apart by one
 * 64-bit comparison instead of a memcmp. */
typedef struct {
  guint64 head;      /* the bytes from the anchor, little-endian, zero-padded */
  guint64 mask;      /* which bytes of head are the literal's */
  guint32 lit;       /* index into lits */
  guint32 anchor;    /* the anchor's offset in the literal */
} Entry;

/* A literal: offsets into the text and rule id arrays */
typedef struct {
  guint32 text;      /* lower-case ASCII (or caseless UTF-8), not NUL-terminated */
  guint32 len;
  guint32 rules;     /* first of its rule ids */
  guint32 nrules;
} Lit;

/* The block starts with this header; MAGIC names the layout and the
 * literal derivation (change it with either) */
#define MAGIC "bouncekit prefilter 5\n"
#define MAGIC_LEN 24
#define BYTE_ORDER_MARK 0x01020304u

typedef struct {
  char magic[MAGIC_LEN];
  guint32 byte_order;
  guint32 nrules;    /* rules of the ruleset */
  guint32 nslots;    /* non-empty buckets */
  guint32 nentries;
  guint32 nlits;
  guint32 nrule_ids;
  guint32 ntext;
  guint32 neight;    /* rules that may match any text with a byte >= 0x80 */
} Header;

struct _BkPrefilter {
  GBytes *bytes;            /* owns block: malloc'd, or a mapped cache file */
  gconstpointer block;      /* holds everything below */
  gsize size;
  guint nrules;
  const guint64 *present;   /* NBUCKETS bits: bucket non-empty */
  const guint32 *rank;      /* NBUCKETS / 64: non-empty buckets before each
                               word of present, so a bucket's slot is a
                               popcount away (no 128 KiB slot table) */
  const Entry *entries;     /* by bucket, then literal */
  const guint32 *slot_start;/* nslots + 1: a bucket's entries */
  const Lit *lits;
  const guint32 *rule_ids;
  const char *text;
  const guint32 *eight_bit; /* neight: rules that may match a text once it
                               has a byte >= 0x80 (see EIGHT_BIT) */
  guint32 n_eight_bit;
};

/* layout - the arrays' offsets in a block holding @h's counts, and its
 * size; NULL offsets stay unset when @h's counts overflow */
typedef struct {
  gsize present, rank, entries, slot_start, lits, rule_ids, eight_bit, text, size;
} Layout;

static gboolean
layout_of (const Header *h, Layout *l)
{
  /* counts are bounded so that no offset below can overflow */
  if (h->nslots > NBUCKETS || h->nentries > (1u << 24) || h->nlits > (1u << 24)
      || h->nrule_ids > (1u << 26) || h->neight > (1u << 26) || h->ntext > (1u << 28))
    return FALSE;
  l->present = sizeof (Header);
  l->rank = l->present + NBUCKETS / 8;
  l->entries = l->rank + NBUCKETS / 64 * sizeof (guint32);
  l->slot_start = l->entries + (gsize) h->nentries * sizeof (Entry);
  l->lits = l->slot_start + ((gsize) h->nslots + 1) * sizeof (guint32);
  l->rule_ids = l->lits + (gsize) h->nlits * sizeof (Lit);
  l->eight_bit = l->rule_ids + (gsize) h->nrule_ids * sizeof (guint32);
  l->text = l->eight_bit + (gsize) h->neight * sizeof (guint32);
  l->size = l->text + h->ntext;
  return TRUE;
}

static void
point_into (BkPrefilter *pf, const Layout *l)
{
  /* the block is malloc-aligned and every array's offset a multiple of
   * its element's alignment (layout above), hence the casts via void */
  const char *b = pf->block;
  pf->present = (const guint64 *) (const void *) (b + l->present);
  pf->rank = (const guint32 *) (const void *) (b + l->rank);
  pf->entries = (const Entry *) (const void *) (b + l->entries);
  pf->slot_start = (const guint32 *) (const void *) (b + l->slot_start);
  pf->lits = (const Lit *) (const void *) (b + l->lits);
  pf->rule_ids = (const guint32 *) (const void *) (b + l->rule_ids);
  pf->eight_bit = (const guint32 *) (const void *) (b + l->eight_bit);
  pf->text = b + l->text;
}

/* ASCII lower-casing table: the rules' caseless matching of ASCII */
static const guchar lower[256] = {
#define L(c) ((guchar) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c)))
#define R4(b) L (b), L (b + 1), L (b + 2), L (b + 3)
#define R16(b) R4 (b), R4 (b + 4), R4 (b + 8), R4 (b + 12)
#define R64(b) R16 (b), R16 (b + 16), R16 (b + 32), R16 (b + 48)
  R64 (0), R64 (64), R64 (128), R64 (192)
#undef R64
#undef R16
#undef R4
#undef L
};

static inline guint
bucket_of (guchar a, guchar b, guchar c)
{
  guint32 key = ((guint32) a << 16) | ((guint32) b << 8) | c;
  return (key * 2654435761u) >> (32 - BUCKET_BITS);
}

/* skip_group - index just past the group opening at p[i] == '(' */
static gsize
skip_group (const char *p, gsize i)
{
  int depth = 0;
  gboolean in_class = FALSE;
  for (; p[i]; i++)
    {
      if (p[i] == '\\' && p[i + 1])
        {
          i++;
          continue;
        }
      if (in_class)
        {
          if (p[i] == ']')
            in_class = FALSE;
          continue;
        }
      if (p[i] == '[')
        {
          in_class = TRUE;
          if (p[i + 1] == '^')
            i++;
          if (p[i + 1] == ']')
            i++;
        }
      else if (p[i] == '(')
        depth++;
      else if (p[i] == ')' && --depth == 0)
        return i + 1;
    }
  return i;
}

/* bk_pattern_skip_class - index just past the class opening at
 * p[i] == '[' (POSIX classes such as [:alpha:] inside it included) */
gsize
bk_pattern_skip_class (const char *p, gsize i)
{
  i++;
  if (p[i] == '^')
    i++;
  if (p[i] == ']')
    i++;
  for (; p[i]; i++)
    {
      if (p[i] == '\\' && p[i + 1])
        i++;
      else if (p[i] == '[' && p[i + 1] == ':')
        {
          const char *end = strstr (p + i + 2, ":]");
          if (end)
            i = end + 1 - p;
        }
      else if (p[i] == ']')
        return i + 1;
    }
  return i;
}

/* quantifier - the kind of quantifier at p[i]: 0 none, 1 the atom may be
 * absent (?, *, {0,..}), 2 it repeats (+, {n,..} n >= 1); *out_len its
 * length including a lazy/possessive suffix */
static int
quantifier (const char *p, gsize i, gsize *out_len)
{
  int kind = 0;
  gsize n = 0;
  if (p[i] == '?' || p[i] == '*')
    kind = 1, n = 1;
  else if (p[i] == '+')
    kind = 2, n = 1;
  else if (p[i] == '{' && (g_ascii_isdigit (p[i + 1]) || p[i + 1] == ','))
    {
      const char *close = strchr (p + i, '}');
      if (close == NULL)
        return 0;
      kind = (p[i + 1] == '0' || p[i + 1] == ',') ? 1 : 2;
      n = close - (p + i) + 1;
    }
  if (kind && (p[i + n] == '?' || p[i + n] == '+'))
    n++;
  *out_len = n;
  return kind;
}

/* keep_best - end the current run: remember it if it is the longest */
static void
keep_best (GString *run, GString *best)
{
  if (run->len > best->len)
    g_string_assign (best, run->str);
  g_string_truncate (run, 0);
}

/* literal_escape - the literal character a backslash escape stands for,
 * or 0 when it is a class, an assertion or anything else */
static char
literal_escape (char c)
{
  if (g_ascii_isalnum (c))
    return 0;
  return c;
}

/* caseless_stable - is code point @c matched by itself only, with or
 * without PCRE2_CASELESS? True of the scripts without case that the
 * rules' non-English wording uses (CJK, kana, Hangul, Arabic, Hebrew, Thai,
 * Devanagari and their punctuation); false of anything with case, where caseless UTF
 * matching equates other byte sequences (é and É, ß and ẞ). */
static gboolean
caseless_stable (gunichar c)
{
  return (c >= 0x0590 && c <= 0x06FF)      /* Hebrew, Arabic */
         || (c >= 0x0900 && c <= 0x097F)   /* Devanagari */
         || (c >= 0x0E00 && c <= 0x0E7F)   /* Thai */
         || (c >= 0x3000 && c <= 0x30FF)   /* CJK punctuation, kana */
         || (c >= 0x3400 && c <= 0x4DBF)   /* CJK extension A */
         || (c >= 0x4E00 && c <= 0x9FFF)   /* CJK ideographs */
         || (c >= 0xAC00 && c <= 0xD7A3);  /* Hangul syllables */
}

/* group_body - where the text of the group opening at p[i] == '(' starts,
 * or 0 when the group does not simply match its text once per pass
 * (lookaround, condition, comment, recursion, verb, extended mode) */
static gsize
group_body (const char *p, gsize i)
{
  if (p[i + 1] == '*')
    return 0;
  if (p[i + 1] != '?')
    return i + 1;                         /* capturing group */
  char k = p[i + 2];
  if (k == ':' || k == '|' || k == '>')
    return i + 3;
  if ((k == '<' && p[i + 3] != '=' && p[i + 3] != '!') || (k == 'P' && p[i + 3] == '<'))
    {
      const char *close = strchr (p + i, '>');
      return close ? (gsize) (close - p) + 1 : 0;
    }
  if (k == '\'')
    {
      const char *close = strchr (p + i + 3, '\'');
      return close ? (gsize) (close - p) + 1 : 0;
    }
  gsize j = i + 2;                        /* (?i:...) and the like */
  while (p[j] && (g_ascii_isalpha (p[j]) || p[j] == '-' || p[j] == '^'))
    {
      if (p[j] == 'x' || p[j] == 'X')
        return 0;
      j++;
    }
  return p[j] == ':' && j > i + 2 ? j + 1 : 0;
}

/* folds_to_ascii - does caseless UTF matching equate code point @c with
 * an ASCII letter? (U+0130 and U+0131, the Turkish dotted and dotless I,
 * U+017F long s, U+212A Kelvin sign) */
static gboolean
folds_to_ascii (gunichar c)
{
  return c == 0x0130 || c == 0x0131 || c == 0x017F || c == 0x212A;
}

static gboolean alternatives_need_eight_bit (const char *p, gsize i, gsize end);

/* alternative_needs_eight_bit - must every match of the alternative at
 * p[i..] (up to its '|' or @end) contain a byte >= 0x80? TRUE when it
 * holds, outside classes and optional parts, a non-ASCII character that
 * no ASCII character matches, or a group whose alternatives all do.
 * *next is set to where the alternative ends. */
static gboolean
alternative_needs_eight_bit (const char *p, gsize i, gsize end, gsize *next)
{
  gboolean needs = FALSE;
  while (i < end && p[i] != '|')
    {
      gsize q = 0;
      if (p[i] == '\\' && i + 1 < end)
        {
          i += 2;
          if (i < end && p[i] == '{' && strchr ("xpPgkoN", p[i - 1]))
            {
              const char *close = memchr (p + i, '}', end - i);
              i = close ? (gsize) (close - p) + 1 : end;
            }
          quantifier (p, i, &q);
          i += q;
        }
      else if (p[i] == '[')
        {
          i = MIN (bk_pattern_skip_class (p, i), end);
          quantifier (p, i, &q);
          i += q;
        }
      else if (p[i] == '(')
        {
          gsize body = group_body (p, i);
          gsize close = MIN (skip_group (p, i), end);
          int kind = quantifier (p, close, &q);
          if (body && close > body && kind != 1
              && alternatives_need_eight_bit (p, body, close - 1))
            needs = TRUE;
          i = close + q;
        }
      else if ((guchar) p[i] >= 0x80)
        {
          const char *c = p + i;
          const char *after = g_utf8_find_next_char (c, p + end);
          gsize n = after ? (gsize) (after - c) : end - i;
          gunichar u = g_utf8_get_char_validated (c, n);
          int kind = quantifier (p, i + n, &q);
          if (kind != 1 && u != (gunichar) -1 && u != (gunichar) -2 && !folds_to_ascii (u))
            needs = TRUE;
          i += n + q;
        }
      else
        {
          i++;
          quantifier (p, i, &q);
          i += q;
        }
    }
  *next = i;
  return needs;
}

/* alternatives_need_eight_bit - do all the alternatives of p[i..end)? */
static gboolean
alternatives_need_eight_bit (const char *p, gsize i, gsize end)
{
  for (;;)
    {
      gsize next;
      if (!alternative_needs_eight_bit (p, i, end, &next))
        return FALSE;
      if (next >= end)
        return TRUE;
      i = next + 1;
    }
}

/* min_length - the shortest literal of @lits */
static gsize
min_length (GPtrArray *lits)
{
  gsize m = G_MAXSIZE;
  for (guint k = 0; k < lits->len; k++)
    m = MIN (m, strlen (g_ptr_array_index (lits, k)));
  return m;
}

/* bk_prefilter_literals - the literal set of @pattern, or NULL when none
 * can be derived safely. Each top-level alternative contributes its
 * longest run of literal text or, when that is shorter than MIN_LITERAL,
 * the literal set of a group it cannot match without (worked out the same
 * way: "(?:user|recipient) unknown" needs " unknown", "\b(?:RCP-P1|
 * INT-P1)\b" needs "rcp-p1" or "int-p1"). */
GPtrArray *
bk_prefilter_literals (const char *pattern)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) run = g_string_new (NULL);
  g_autoptr (GString) best = g_string_new (NULL);
  g_autoptr (GPtrArray) best_group = NULL;   /* of this alternative */
  const char *p = pattern;
  gsize i = 0, alt_start = 0;
  gboolean eight_bit = FALSE;   /* EIGHT_BIT is in out */

  for (;;)
    {
      char c = p[i];
      if (c == '\0' || c == '|')
        {
          keep_best (run, best);
          if (best->len >= MIN_LITERAL)
            g_ptr_array_add (out, g_strdup (best->str));
          else if (best_group)
            for (guint k = 0; k < best_group->len; k++)
              g_ptr_array_add (out, g_strdup (g_ptr_array_index (best_group, k)));
          else if (alternatives_need_eight_bit (p, alt_start, i))
            {
              /* no literal, but no match without a non-ASCII character
               * either (Greek, Cyrillic, accented Latin wording) */
              if (!eight_bit)
                g_ptr_array_add (out, g_strdup (EIGHT_BIT));
              eight_bit = TRUE;
            }
          else
            return NULL;
          g_string_truncate (best, 0);
          g_clear_pointer (&best_group, g_ptr_array_unref);
          if (c == '\0')
            break;
          i++;
          alt_start = i;
          continue;
        }
      if (c == '\\')
        {
          char e = p[i + 1];
          /* escapes with arguments (\x41, \x{..}, \o{..}, \cX, \g1, \k<n>,
           * \N{..}, octal and back references): give up rather than read
           * their arguments as text */
          if (e == '\0' || e == 'Q' || e == 'E' || strchr ("xocgkNuU0123456789", e))
            return NULL;
          if (e == 'p' || e == 'P')
            {
              keep_best (run, best);
              gsize j = i + 2;
              if (p[j] == '{')
                {
                  const char *close = strchr (p + j, '}');
                  if (close == NULL)
                    return NULL;
                  j = close - p + 1;
                }
              else if (p[j])
                j++;
              gsize q;
              i = j + (quantifier (p, j, &q) ? q : 0);
              continue;
            }
          if (e == 'b' || e == 'B')
            {
              i += 2;   /* word boundary: consumes nothing */
              continue;
            }
          char lit = literal_escape (e);
          gsize q;
          int kind = quantifier (p, i + 2, &q);
          if (lit && (guchar) lit < 0x80)
            {
              if (kind == 1)
                keep_best (run, best);
              else
                {
                  g_string_append_c (run, g_ascii_tolower (lit));
                  if (kind == 2)
                    keep_best (run, best);
                }
            }
          else
            keep_best (run, best);
          i += 2 + (kind ? q : 0);
          continue;
        }
      if (c == '(')
        {
          if (p[i + 1] == '?')
            {
              /* inline options "(?i)" "(?-i)": no text of their own; an
               * "x" (extended) changes what blanks mean: give up */
              gsize j = i + 2;
              while (p[j] && (g_ascii_isalpha (p[j]) || p[j] == '-' || p[j] == '^'))
                j++;
              if (p[j] == ')' && j > i + 2)
                {
                  for (gsize k = i + 2; k < j; k++)
                    if (p[k] == 'x' || p[k] == 'X')
                      return NULL;
                  i = j + 1;
                  continue;
                }
              for (gsize k = i + 2; k < j; k++)
                if (p[k] == 'x' || p[k] == 'X')
                  return NULL;
            }
          keep_best (run, best);
          gsize body = group_body (p, i);
          gsize end = skip_group (p, i);
          gsize q;
          int kind = quantifier (p, end, &q);
          if (body && kind != 1 && end > body && p[end - 1] == ')')
            {
              g_autofree char *inner = g_strndup (p + body, end - 1 - body);
              g_autoptr (GPtrArray) lits = bk_prefilter_literals (inner);
              if (lits && (best_group == NULL || min_length (lits) > min_length (best_group)
                           || (min_length (lits) == min_length (best_group) && lits->len < best_group->len)))
                {
                  g_clear_pointer (&best_group, g_ptr_array_unref);
                  best_group = g_steal_pointer (&lits);
                }
            }
          i = end + (kind ? q : 0);
          continue;
        }
      if (c == '[')
        {
          keep_best (run, best);
          i = bk_pattern_skip_class (p, i);
          gsize q;
          if (quantifier (p, i, &q))
            i += q;
          continue;
        }
      if ((guchar) c >= 0x80)
        {
          gunichar u = g_utf8_get_char_validated (p + i, -1);
          if (u != (gunichar) -1 && u != (gunichar) -2 && caseless_stable (u))
            {
              /* a character without case: its bytes are literal text */
              gsize n = g_utf8_next_char (p + i) - (p + i);
              gsize q;
              int kind = quantifier (p, i + n, &q);
              if (kind == 1)
                keep_best (run, best);
              else
                {
                  g_string_append_len (run, p + i, n);
                  if (kind == 2)
                    keep_best (run, best);
                }
              i += n + (kind ? q : 0);
              continue;
            }
        }
      if (c == '.' || c == '^' || c == '$' || c == '*' || c == '+' || c == '?' || c == '{'
          || c == ')' || c == ']' || c == '}' || (guchar) c >= 0x80)
        {
          keep_best (run, best);
          i++;
          while ((guchar) p[i] >= 0x80 && ((guchar) p[i] & 0xC0) == 0x80)
            i++;
          gsize q;
          if (quantifier (p, i, &q))
            i += q;
          continue;
        }
      /* a plain literal character */
      gsize q;
      int kind = quantifier (p, i + 1, &q);
      if (kind == 1)
        keep_best (run, best);
      else
        {
          g_string_append_c (run, g_ascii_tolower (c));
          if (kind == 2)
            keep_best (run, best);
        }
      i += 1 + (kind ? q : 0);
    }
  return g_steal_pointer (&out);
}

/* set_free - free one rule's literal set, if it has one */
static void
set_free (gpointer set)
{
  if (set)
    g_ptr_array_unref (set);
}

/**
 * bk_prefilter_derive:
 * @all: every rule of a ruleset, in index order
 *
 * Returns: (transfer full): for each rule, its literal set (a GPtrArray of
 *   strings) or %NULL when none can be derived: what
 *   bk_prefilter_new_from_sets() takes, and what the rules cache keeps
 */
GPtrArray *
bk_prefilter_derive (GPtrArray *all)
{
  GPtrArray *sets = g_ptr_array_new_full (all->len, set_free);
  for (guint r = 0; r < all->len; r++)
    {
      const BkRule *rule = g_ptr_array_index (all, r);
      g_ptr_array_add (sets, bk_prefilter_literals (rule->pattern));
    }
  return sets;
}

G_STATIC_ASSERT (sizeof (Header) % 8 == 0);
G_STATIC_ASSERT (sizeof (Entry) == 24);
G_STATIC_ASSERT (sizeof (Lit) == 16);

/* TmpLit - a literal while the block is built */
typedef struct {
  const char *text;
  GArray *rules;     /* guint32 */
} TmpLit;

static void
tmp_lit_free (gpointer p)
{
  TmpLit *t = p;
  g_array_unref (t->rules);
  g_free (t);
}

/* How often a byte occurs in bounce text, roughly (English letter
 * frequencies, in tenths of a percent; space the most common, then the
 * letters; digits, punctuation and UTF-8 bytes rare): what anchor_of
 * minimises */
static guint
commonness (guchar c)
{
  static const guchar letters[26] = {
    82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1,
  };
  if (c >= 'a' && c <= 'z')
    return letters[c - 'a'];
  if (c == ' ')
    return 150;
  if (c >= '0' && c <= '9')
    return 10;
  return c < 0x80 ? 5 : 8;
}

/* anchor_of - the offset of the three bytes of the literal @text (@len >=
 * MIN_LITERAL, lower case) least likely to occur in a text; the first of
 * equals */
static guint32
anchor_of (const char *text, gsize len)
{
  guint32 best = 0;
  guint best_score = G_MAXUINT;
  for (gsize a = 0; a + MIN_LITERAL <= len; a++)
    {
      guint score = commonness (text[a]) + commonness (text[a + 1]) + commonness (text[a + 2]);
      if (score < best_score)
        best = (guint32) a, best_score = score;
    }
  return best;
}

/* entry_at - the bucket entry of literal @lit, @text of @len bytes,
 * filed under the three bytes at @anchor */
static Entry
entry_at (guint32 lit, const char *text, gsize len, guint32 anchor)
{
  Entry e = { .lit = lit, .anchor = anchor };
  gsize n = MIN (len - e.anchor, sizeof e.head);
  for (gsize m = 0; m < n; m++)
    {
      e.head |= (guint64) (guchar) text[e.anchor + m] << (8 * m);
      e.mask |= (guint64) 0xff << (8 * m);
    }
  return e;
}

/* entry_for - the bucket entry of literal @lit, @text of @len bytes */
static Entry
entry_for (guint32 lit, const char *text, gsize len)
{
  return entry_at (lit, text, len, anchor_of (text, len));
}

/* entry_bucket - the bucket literal @text's entry @e goes in */
static guint
entry_bucket (const Entry *e, const char *text)
{
  const char *t = text + e->anchor;
  return bucket_of (lower[(guchar) t[0]], lower[(guchar) t[1]], lower[(guchar) t[2]]);
}

/* popcount64 - set bits of @x; inline, as baseline x86-64 has no popcnt
 * instruction and __builtin_popcountll becomes a library call */
static inline guint
popcount64 (guint64 x)
{
  x = x - ((x >> 1) & G_GUINT64_CONSTANT (0x5555555555555555));
  x = (x & G_GUINT64_CONSTANT (0x3333333333333333)) + ((x >> 2) & G_GUINT64_CONSTANT (0x3333333333333333));
  x = (x + (x >> 4)) & G_GUINT64_CONSTANT (0x0f0f0f0f0f0f0f0f);
  return (guint) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
}

static inline guint
slot_of (const BkPrefilter *pf, guint b)
{
  guint64 below = pf->present[b / 64] & ((G_GUINT64_CONSTANT (1) << (b % 64)) - 1);
  return pf->rank[b / 64] + (guint) popcount64 (below);
}

/* mark_rules - rule->literals for every rule the prefilter knows */
static void
mark_rules (const BkPrefilter *pf, GPtrArray *all, guint32 nrule_ids, guint32 neight)
{
  for (guint r = 0; r < all->len; r++)
    ((BkRule *) g_ptr_array_index (all, r))->literals = FALSE;
  for (guint32 i = 0; i < nrule_ids; i++)
    ((BkRule *) g_ptr_array_index (all, pf->rule_ids[i]))->literals = TRUE;
  for (guint32 i = 0; i < neight; i++)
    ((BkRule *) g_ptr_array_index (all, pf->eight_bit[i]))->literals = TRUE;
}

/**
 * bk_prefilter_new_from_sets:
 * @all: every rule of a ruleset, in index order
 * @sets: bk_prefilter_derive() of @all
 *
 * Sets rule->literals on each rule that has a literal set.
 */
BkPrefilter *
bk_prefilter_new_from_sets (GPtrArray *all, GPtrArray *sets)
{
  g_return_val_if_fail (sets->len == all->len, NULL);
  /* the distinct literals, in order of first use, with their rules */
  g_autoptr (GPtrArray) tmp = g_ptr_array_new_with_free_func (tmp_lit_free);
  g_autoptr (GHashTable) by_text = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) eight = g_array_new (FALSE, FALSE, sizeof (guint32));
  Header h = { .byte_order = BYTE_ORDER_MARK, .nrules = all->len };
  memcpy (h.magic, MAGIC, sizeof MAGIC - 1);
  for (guint r = 0; r < all->len; r++)
    {
      GPtrArray *lits = g_ptr_array_index (sets, r);
      for (guint k = 0; lits && k < lits->len; k++)
        {
          const char *text = g_ptr_array_index (lits, k);
          if (strcmp (text, EIGHT_BIT) == 0)
            {
              guint32 rid = r;
              g_array_append_val (eight, rid);
              continue;
            }
          TmpLit *t = g_hash_table_lookup (by_text, text);
          if (t == NULL)
            {
              t = g_new0 (TmpLit, 1);
              t->text = text;
              t->rules = g_array_new (FALSE, FALSE, sizeof (guint32));
              g_ptr_array_add (tmp, t);
              g_hash_table_insert (by_text, (gpointer) text, t);
              h.ntext += strlen (text);
            }
          guint32 rid = r;
          g_array_append_val (t->rules, rid);
          h.nrule_ids++;
        }
    }
  h.nlits = h.nentries = tmp->len;
  h.neight = eight->len;
  /* buckets: which are used, then each literal's slot */
  guint64 present[NBUCKETS / 64] = { 0 };
  g_autofree guint *bucket = g_new (guint, MAX (tmp->len, 1));
  for (guint i = 0; i < tmp->len; i++)
    {
      const TmpLit *t = g_ptr_array_index (tmp, i);
      Entry e = entry_for (i, t->text, strlen (t->text));
      bucket[i] = entry_bucket (&e, t->text);
      present[bucket[i] / 64] |= G_GUINT64_CONSTANT (1) << (bucket[i] % 64);
    }
  for (guint b = 0; b < NBUCKETS; b++)
    h.nslots += (present[b / 64] >> (b % 64)) & 1;

  Layout l;
  if (!layout_of (&h, &l))
    {
      /* more literals than a block holds: no prefilter, every rule tried */
      for (guint r = 0; r < all->len; r++)
        ((BkRule *) g_ptr_array_index (all, r))->literals = FALSE;
      return NULL;
    }
  BkPrefilter *pf = g_new0 (BkPrefilter, 1);
  char *block = g_malloc0 (l.size);
  pf->bytes = g_bytes_new_take (block, l.size);
  pf->block = block;
  pf->size = l.size;
  pf->nrules = all->len;
  memcpy (block, &h, sizeof h);
  memcpy (block + l.present, present, sizeof present);
  /* slots in bucket order: the non-empty buckets before each word */
  guint32 *rank = (guint32 *) (void *) (block + l.rank);
  guint32 seen = 0;
  for (guint w = 0; w < NBUCKETS / 64; w++)
    {
      rank[w] = seen;
      seen += (guint32) popcount64 (present[w]);
    }
  point_into (pf, &l);
  /* entries grouped by slot, literals in order within a slot */
  guint32 *slot_start = (guint32 *) (void *) (block + l.slot_start);
  for (guint i = 0; i < tmp->len; i++)
    slot_start[slot_of (pf, bucket[i]) + 1]++;
  for (guint32 sl = 0; sl < h.nslots; sl++)
    slot_start[sl + 1] += slot_start[sl];
  g_autofree guint32 *fill = g_new0 (guint32, h.nslots + 1);
  Entry *entries = (Entry *) (void *) (block + l.entries);
  Lit *lits = (Lit *) (void *) (block + l.lits);
  guint32 *rule_ids = (guint32 *) (void *) (block + l.rule_ids);
  char *text = block + l.text;
  guint32 ntext = 0, nids = 0;
  for (guint i = 0; i < tmp->len; i++)
    {
      const TmpLit *t = g_ptr_array_index (tmp, i);
      gsize len = strlen (t->text);
      lits[i] = (Lit) { ntext, len, nids, t->rules->len };
      memcpy (text + ntext, t->text, len);
      ntext += len;
      memcpy (rule_ids + nids, t->rules->data, t->rules->len * sizeof (guint32));
      nids += t->rules->len;
      guint sl = slot_of (pf, bucket[i]);
      entries[slot_start[sl] + fill[sl]++] = entry_for (i, t->text, len);
    }
  if (eight->len)
    memcpy (block + l.eight_bit, eight->data, eight->len * sizeof (guint32));
  pf->n_eight_bit = h.neight;
  mark_rules (pf, all, h.nrule_ids, h.neight);
  return pf;
}

/**
 * bk_prefilter_encode: (skip)
 * @pf: a prefilter
 *
 * Returns: (transfer full): its block, for the rules cache
 */
GBytes *
bk_prefilter_encode (const BkPrefilter *pf)
{
  return g_bytes_new (pf->block, pf->size);
}

/**
 * bk_prefilter_decode: (skip)
 * @data: (transfer full): what bk_prefilter_encode() wrote, from g_malloc
 * @len: its length
 * @all: the rules it must be for; rule->literals is set on each
 *
 * Checks every count, offset and index of the block, and that each entry
 * is its literal's, in the literal's bucket, before using it: a file cut
 * short, of another layout, for other rules or damaged in its structure
 * is no prefilter. Like the compiled patterns beside it, a well-formed
 * block is trusted for the rules it names: the cache directory is
 * private.
 *
 * Returns: (transfer full) (nullable): the prefilter, or %NULL (and @data
 *   freed) when @data is not exactly one for @all's rules
 */
BkPrefilter *
bk_prefilter_decode (char *data, gsize len, GPtrArray *all)
{
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, len);
  return bk_prefilter_decode_bytes (bytes, all);
}

/**
 * bk_prefilter_decode_bytes: (skip)
 * @bytes: what bk_prefilter_encode() wrote (a mapped cache file, say);
 *   kept by the prefilter
 * @all: the rules it must be for
 *
 * bk_prefilter_decode() of @bytes, which must be 8-byte aligned.
 */
BkPrefilter *
bk_prefilter_decode_bytes (GBytes *bytes, GPtrArray *all)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  Header h;
  Layout l;
  if (len < sizeof h)
    return NULL;
  memcpy (&h, data, sizeof h);
  if (memcmp (h.magic, MAGIC, sizeof MAGIC - 1) != 0 || h.byte_order != BYTE_ORDER_MARK
      || h.nrules != all->len || !layout_of (&h, &l) || l.size != len
      || h.nentries != h.nlits || ((guintptr) data) % 8 != 0)
    return NULL;
  BkPrefilter pf = { .bytes = bytes, .block = data, .size = len, .nrules = h.nrules };
  point_into (&pf, &l);
  /* the non-empty buckets before each word of the bitmap */
  guint32 seen = 0;
  for (guint w = 0; w < NBUCKETS / 64; w++)
    {
      if (pf.rank[w] != seen)
        return NULL;
      seen += (guint32) popcount64 (pf.present[w]);
    }
  if (seen != h.nslots || pf.slot_start[0] != 0 || pf.slot_start[h.nslots] != h.nentries)
    return NULL;
  for (guint32 sl = 0; sl < h.nslots; sl++)
    if (pf.slot_start[sl] > pf.slot_start[sl + 1])
      return NULL;
  for (guint32 i = 0; i < h.nlits; i++)
    {
      const Lit *lit = &pf.lits[i];
      if (lit->len < MIN_LITERAL || lit->text > h.ntext || lit->len > h.ntext - lit->text
          || memchr (pf.text + lit->text, '\0', lit->len) || lit->nrules == 0
          || lit->rules > h.nrule_ids || lit->nrules > h.nrule_ids - lit->rules)
        return NULL;
    }
  for (guint32 i = 0; i < h.nrule_ids; i++)
    if (pf.rule_ids[i] >= h.nrules)
      return NULL;
  for (guint32 i = 0; i < h.neight; i++)
    if (pf.eight_bit[i] >= h.nrules)
      return NULL;
  pf.n_eight_bit = h.neight;
  /* each entry is its literal's, in the literal's bucket */
  for (guint32 sl = 0, k = 0; sl < h.nslots; sl++)
    for (; k < pf.slot_start[sl + 1]; k++)
      {
        const Entry *e = &pf.entries[k];
        if (e->lit >= h.nlits)
          return NULL;
        const Lit *lit = &pf.lits[e->lit];
        const char *t = pf.text + lit->text;
        /* any anchor inside the literal finds it: the one chosen at
         * build time need not be checked again, only that it fits */
        if (e->anchor + MIN_LITERAL > lit->len)
          return NULL;
        Entry want = entry_at (e->lit, t, lit->len, e->anchor);
        guint b = entry_bucket (&want, t);
        if (e->head != want.head || e->mask != want.mask
            || !(pf.present[b / 64] & (G_GUINT64_CONSTANT (1) << (b % 64))) || slot_of (&pf, b) != sl)
          return NULL;
      }
  BkPrefilter *out = g_new (BkPrefilter, 1);
  *out = pf;
  g_bytes_ref (bytes);
  mark_rules (out, all, h.nrule_ids, h.neight);
  return out;
}

/**
 * bk_prefilter_new:
 * @all: every rule of a ruleset, in index order
 *
 * Sets rule->literals on each rule whose literals could be derived.
 */
BkPrefilter *
bk_prefilter_new (GPtrArray *all)
{
  g_autoptr (GPtrArray) sets = bk_prefilter_derive (all);
  return bk_prefilter_new_from_sets (all, sets);
}

void
bk_prefilter_free (BkPrefilter *pf)
{
  if (pf == NULL)
    return;
  g_bytes_unref (pf->bytes);
  g_free (pf);
}

/* bk_prefilter_words - size of a candidate bit set, in guint64 words */
guint
bk_prefilter_words (const BkPrefilter *pf)
{
  return (pf->nrules + 63) / 64;
}

static inline void
set_all (guint64 *bits, guint words)
{
  memset (bits, 0xff, words * sizeof *bits);
}

/* has_folding_letters - does @text hold U+212A KELVIN SIGN (E2 84 AA) or
 * U+017F LONG S (C5 BF), which caseless UTF matching equates with k and
 * s? The lead bytes are looked for first: memchr is vectorised, and E2
 * (general punctuation: quotes, dashes) is the only common one. */
static gboolean
has_folding_letters (const char *text, gsize len)
{
  const char *end = text + len;
  for (const char *p = text; (p = memchr (p, 0xe2, end - p)) != NULL; p++)
    if (end - p >= 3 && (guchar) p[1] == 0x84 && (guchar) p[2] == 0xaa)
      return TRUE;
  for (const char *p = text; (p = memchr (p, 0xc5, end - p)) != NULL; p++)
    if (end - p >= 2 && (guchar) p[1] == 0xbf)
      return TRUE;
  return FALSE;
}

/* has_eight_bit - does @text hold a byte >= 0x80? */
static gboolean
has_eight_bit (const char *text, gsize len)
{
  const guchar *t = (const guchar *) text;
  const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize i = 0;
  /* 32 bytes a round, one test: the loop the compiler vectorises */
  for (; i + 32 <= len; i += 32)
    {
      guint64 x[4];
      memcpy (x, t + i, 32);
      if ((x[0] | x[1] | x[2] | x[3]) & high)
        return TRUE;
    }
  for (; i + 8 <= len; i += 8)
    {
      guint64 x;
      memcpy (&x, t + i, 8);
      if (x & high)
        return TRUE;
    }
  for (; i < len; i++)
    if (t[i] >= 0x80)
      return TRUE;
  return FALSE;
}

/* lower_ascii - @len bytes of @t into @out with A-Z made a-z, eight bytes
 * at a time: a byte is upper case when its high bit is clear and adding
 * 0x80 - 'A' sets it but adding 0x80 - 'Z' - 1 does not */
static void
lower_ascii (guchar *out, const guchar *t, gsize len)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize i = 0;
  for (; i + 8 <= len; i += 8)
    {
      guint64 x;
      memcpy (&x, t + i, 8);
      guint64 low7 = x & (0x7f * ones);
      guint64 upper = (low7 + (0x80 - 'A') * ones) & ~(low7 + (0x80 - 'Z' - 1) * ones) & ~x & (0x80 * ones);
      x |= upper >> 2;
      memcpy (out + i, &x, 8);
    }
  for (; i < len; i++)
    out[i] = lower[t[i]];
}

/**
 * bk_prefilter_scan:
 * @text: the text the rules will be matched against
 * @bits: (out caller-allocates): bk_prefilter_words() words; bit i set when
 *   rule i may match @text
 */
void
bk_prefilter_scan (const BkPrefilter *pf, const char *text, gsize len, guint64 *bits)
{
  guint words = bk_prefilter_words (pf);
  /* one pass tells plain ASCII text, most bounces, from the rest: only
   * the rest is searched for the folding letters, or wakes the rules
   * that need a non-ASCII byte */
  gboolean eight_bit = has_eight_bit (text, len);
  if (eight_bit && has_folding_letters (text, len))
    {
      set_all (bits, words);
      return;
    }
  memset (bits, 0, words * sizeof *bits);
  for (guint k = 0; eight_bit && k < pf->n_eight_bit; k++)
    {
      guint32 idx = pf->eight_bit[k];
      bits[idx / 64] |= G_GUINT64_CONSTANT (1) << (idx % 64);
    }
  if (len < MIN_LITERAL)
    return;
  /* lower-case once (eight zero bytes after the end, for the 64-bit
   * loads), then hash every 3-byte window against a bitmap that fits in
   * cache; only windows that start some literal are compared */
  guchar small[1024 + 8];
  guchar *low = len + 8 <= sizeof small ? small : g_malloc (len + 8);
  const guchar *t = (const guchar *) text;
  lower_ascii (low, t, len);
  memset (low + len, 0, 8);
  guint32 key = ((guint32) low[0] << 8) | low[1];
  for (gsize i = 0; i + MIN_LITERAL <= len; i++)
    {
      /* the window's three bytes, rolled in one at a time */
      key = ((key << 8) | low[i + 2]) & 0xffffff;
      guint b = (key * 2654435761u) >> (32 - BUCKET_BITS);
      if (G_LIKELY (!(pf->present[b / 64] & (G_GUINT64_CONSTANT (1) << (b % 64)))))
        continue;
      guint sl = slot_of (pf, b);
      guint64 window;
      memcpy (&window, low + i, sizeof window);
      window = GUINT64_FROM_LE (window);
      for (guint32 k = pf->slot_start[sl]; k < pf->slot_start[sl + 1]; k++)
        {
          const Entry *e = &pf->entries[k];
          /* a literal that runs past the end meets the zero padding */
          if ((window & e->mask) != e->head || e->anchor > i)
            continue;
          const Lit *lit = &pf->lits[e->lit];
          /* the head compared a literal of eight bytes or less from its
           * start in full; the rest are compared whole */
          gsize start = i - e->anchor;
          if ((e->anchor || lit->len > sizeof window)
              && (start + lit->len > len || memcmp (low + start, pf->text + lit->text, lit->len) != 0))
            continue;
          for (guint32 r = 0; r < lit->nrules; r++)
            {
              guint32 idx = pf->rule_ids[lit->rules + r];
              bits[idx / 64] |= G_GUINT64_CONSTANT (1) << (idx % 64);
            }
        }
    }
  if (low != small)
    g_free (low);
}
