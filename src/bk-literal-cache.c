/* SPDX-License-Identifier: MIT */
/*
 * bk-literal-cache - the prefilter's literal sets as bytes, for the rules
 * cache (bk-ruleset.c): deriving them from 1,200 patterns costs more than
 * the rest of loading a cached ruleset, and a one-message run repays none
 * of it.
 *
 * Layout: MAGIC, the rule count (guint32), then per rule the number of
 * literals (guint32; NO_SET when none could be derived) and each literal
 * as its length (guint32) and bytes; integers little-endian. MAGIC names
 * the derivation: change it when bk_prefilter_literals() changes, so an
 * entry written by another derivation is not read. Anything that does
 * not decode exactly (short, long, a count that disagrees, an empty or
 * NUL-holding literal) is no cache: the sets are derived again.
 */
#include "bk-literal-cache.h"

#include <string.h>

#define MAGIC "bouncekit literals 2\n"
#define NO_SET G_MAXUINT32

/* set_free - free one rule's literal set, if it has one */
static void
set_free (gpointer set)
{
  if (set)
    g_ptr_array_unref (set);
}

static void
put_u32 (GByteArray *out, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

/**
 * bk_literal_cache_encode: (skip)
 * @sets: bk_prefilter_derive()'s result
 */
GBytes *
bk_literal_cache_encode (GPtrArray *sets)
{
  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) MAGIC, strlen (MAGIC));
  put_u32 (out, sets->len);
  for (guint r = 0; r < sets->len; r++)
    {
      GPtrArray *lits = g_ptr_array_index (sets, r);
      put_u32 (out, lits ? lits->len : NO_SET);
      for (guint k = 0; lits && k < lits->len; k++)
        {
          const char *s = g_ptr_array_index (lits, k);
          put_u32 (out, strlen (s));
          g_byte_array_append (out, (const guint8 *) s, strlen (s));
        }
    }
  return g_byte_array_free_to_bytes (out);
}

typedef struct {
  const char *p;
  const char *end;
} Reader;

static gboolean
get_u32 (Reader *rd, guint32 *out)
{
  if (rd->end - rd->p < 4)
    return FALSE;
  guint32 le;
  memcpy (&le, rd->p, sizeof le);
  rd->p += sizeof le;
  *out = GUINT32_FROM_LE (le);
  return TRUE;
}

/**
 * bk_literal_cache_decode: (skip)
 * @data: what bk_literal_cache_encode() wrote
 * @len: its length
 * @nrules: the rules the sets must be for
 *
 * Returns: (transfer full) (nullable): the sets, or %NULL when @data is
 *   not exactly an encoding of @nrules sets
 */
GPtrArray *
bk_literal_cache_decode (const char *data, gsize len, guint nrules)
{
  Reader rd = { data, data + len };
  guint32 n;
  if (len < strlen (MAGIC) || memcmp (data, MAGIC, strlen (MAGIC)) != 0)
    return NULL;
  rd.p += strlen (MAGIC);
  if (!get_u32 (&rd, &n) || n != nrules)
    return NULL;
  g_autoptr (GPtrArray) sets = g_ptr_array_new_full (n, set_free);
  for (guint r = 0; r < n; r++)
    {
      guint32 count;
      if (!get_u32 (&rd, &count))
        return NULL;
      if (count == NO_SET)
        {
          g_ptr_array_add (sets, NULL);
          continue;
        }
      if (count == 0 || count > (guint32) (rd.end - rd.p) / 4)
        return NULL;
      GPtrArray *lits = g_ptr_array_new_full (count, g_free);
      g_ptr_array_add (sets, lits);
      for (guint k = 0; k < count; k++)
        {
          guint32 l;
          if (!get_u32 (&rd, &l) || l < 3 || l > (guint32) (rd.end - rd.p) || memchr (rd.p, '\0', l))
            return NULL;
          g_ptr_array_add (lits, g_strndup (rd.p, l));
          rd.p += l;
        }
    }
  if (rd.p != rd.end)
    return NULL;
  return g_steal_pointer (&sets);
}
