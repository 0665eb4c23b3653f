/* SPDX-License-Identifier: MIT */
/*
 * bk-ruleset-blob - a loaded ruleset as the rules cache keeps it: every
 * rule's fields and every list and format that holds it, without the
 * compiled patterns (pcre2_serialize keeps those beside it).
 *
 * Reading rule files means splitting lines, checking ids and building a
 * few thousand strings and arrays: most of what a one-message `check`
 * does besides starting. A warm start reads this block instead: rules are
 * one array whose strings point into the block, which the ruleset keeps.
 *
 * Layout, native byte order: a Header, then `nwords` 32-bit words, then
 * `ntext` bytes of NUL-terminated strings. A string is its offset in
 * that text (NONE for NULL), a rule its index in `all`. The words are
 * the rules (RULE_WORDS each), the five kind lists (count, indices) and
 * the formats (name, file, line, threshold, paragraphs, then each
 * directive's list, then the needed sign names). A block cut short, of
 * another layout or naming out-of-range rules or strings is no ruleset;
 * as for the patterns beside it, a well-formed block is trusted: the
 * cache directory is private and the key names the rule files' stat data.
 */
#include "rules/bk-ruleset-blob.h"
#include "rules/bk-pattern-cache.h"

#include <string.h>

#define MAGIC "bouncekit ruleset 1\n"
#define MAGIC_LEN 24
#define BYTE_ORDER_MARK 0x01020304u
#define NONE G_MAXUINT32
#define RULE_WORDS 12

typedef struct {
  char magic[MAGIC_LEN];
  guint32 byte_order;
  guint32 nrules;
  guint32 nformats;
  guint32 max_captures;
  guint32 nwords;
  guint32 ntext;
} Header;

G_STATIC_ASSERT (sizeof (Header) % 4 == 0);

/* a format's rule lists, in the order the block holds them */
#define FORMAT_LISTS(f) \
  { (f)->match, (f)->require, (f)->begin, (f)->end, (f)->recipient, \
    (f)->diag, (f)->skip, (f)->delayed, (f)->reasons, (f)->signs }
#define N_FORMAT_LISTS 10

/* ---- writing ---- */

typedef struct {
  GArray *words;       /* guint32 */
  GString *text;
  GHashTable *offsets; /* string -> offset + 1, so that repeats are stored once */
} Writer;

static void
put (Writer *w, guint32 v)
{
  g_array_append_val (w->words, v);
}

static void
put_string (Writer *w, const char *s)
{
  if (s == NULL)
    {
      put (w, NONE);
      return;
    }
  guint32 off = GPOINTER_TO_UINT (g_hash_table_lookup (w->offsets, s));
  if (off == 0)
    {
      off = (guint32) w->text->len + 1;
      g_string_append_len (w->text, s, strlen (s) + 1);
      g_hash_table_insert (w->offsets, (gpointer) s, GUINT_TO_POINTER (off));
    }
  put (w, off - 1);
}

static void
put_list (Writer *w, GPtrArray *rules)
{
  put (w, rules->len);
  for (guint i = 0; i < rules->len; i++)
    put (w, ((const BkRule *) g_ptr_array_index (rules, i))->index);
}

/**
 * bk_ruleset_blob_encode: (skip)
 * @rules: a ruleset loaded from rule files
 *
 * Returns: (transfer full): the block, or %NULL when a count does not fit
 */
GBytes *
bk_ruleset_blob_encode (const BkRuleset *rules)
{
  Writer w = {
    g_array_new (FALSE, FALSE, sizeof (guint32)), g_string_new (NULL),
    g_hash_table_new (g_str_hash, g_str_equal),
  };
  for (guint i = 0; i < rules->all->len; i++)
    {
      const BkRule *r = g_ptr_array_index (rules->all, i);
      put_string (&w, r->id);
      put_string (&w, r->file);
      put (&w, r->line);
      put_string (&w, r->pattern);
      put (&w, r->field);
      put_string (&w, r->header);
      put_string (&w, r->reason);
      put (&w, (guint32) r->weight);
      put (&w, (guint32) r->group_addr);
      put (&w, (guint32) r->group_diag);
      put (&w, (guint32) r->group_reply);
      put (&w, (guint32) r->group_status);
    }
  GPtrArray *const kinds[] = { rules->codes, rules->reasons, rules->autoreply, rules->commands,
                               rules->complaints };
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    put_list (&w, kinds[k]);
  for (guint i = 0; i < rules->formats->len; i++)
    {
      const BkFormat *f = g_ptr_array_index (rules->formats, i);
      put_string (&w, f->name);
      put_string (&w, f->file);
      put (&w, f->line);
      put (&w, (guint32) f->threshold);
      put (&w, f->paragraphs);
      GPtrArray *lists[N_FORMAT_LISTS] = FORMAT_LISTS (f);
      for (guint l = 0; l < N_FORMAT_LISTS; l++)
        put_list (&w, lists[l]);
      put (&w, f->needs->len);
      for (guint n = 0; n < f->needs->len; n++)
        put_string (&w, g_ptr_array_index (f->needs, n));
    }
  Header h = { .byte_order = BYTE_ORDER_MARK, .nrules = rules->all->len, .nformats = rules->formats->len,
               .max_captures = rules->max_captures, .nwords = w.words->len, .ntext = w.text->len };
  memcpy (h.magic, MAGIC, sizeof MAGIC - 1);
  GByteArray *out = g_byte_array_sized_new (sizeof h + w.words->len * 4 + w.text->len);
  g_byte_array_append (out, (const guint8 *) &h, sizeof h);
  g_byte_array_append (out, (const guint8 *) w.words->data, w.words->len * 4);
  g_byte_array_append (out, (const guint8 *) w.text->str, w.text->len);
  g_array_unref (w.words);
  g_string_free (w.text, TRUE);
  g_hash_table_unref (w.offsets);
  return g_byte_array_free_to_bytes (out);
}

/* ---- reading ---- */

typedef struct {
  const guint32 *words;
  guint32 nwords, next;
  const char *text;
  guint32 ntext;
  guint32 nrules;
  gboolean bad;
} Reader;

static guint32
get (Reader *r)
{
  if (r->next >= r->nwords)
    {
      r->bad = TRUE;
      return 0;
    }
  return r->words[r->next++];
}

static const char *
get_string (Reader *r)
{
  guint32 off = get (r);
  if (off == NONE)
    return NULL;
  if (off >= r->ntext)
    {
      r->bad = TRUE;
      return NULL;
    }
  return r->text + off;   /* the text ends with a NUL (checked) */
}

/* get_list - a list of rules of @block, appended to @dest */
static void
get_list (Reader *r, BkRule *block, GPtrArray *dest)
{
  guint32 n = get (r);
  if (n > r->nrules || n > r->nwords - r->next)
    {
      r->bad = TRUE;
      return;
    }
  guint at = dest->len;
  g_ptr_array_set_size (dest, at + n);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 idx = r->words[r->next++];
      if (idx >= r->nrules)
        {
          r->bad = TRUE;
          idx = 0;
        }
      dest->pdata[at + i] = &block[idx];
    }
}

static gboolean
valid_group (gint32 g)
{
  return g >= -1 && g <= 65535;
}

/**
 * bk_ruleset_blob_decode: (skip)
 * @rules: an empty ruleset
 * @bytes: what bk_ruleset_blob_encode() wrote (a mapped cache file, say),
 *   4-byte aligned
 * @patterns: the mapped pattern cache (bk_pattern_cache_map) for as many
 *   rules; a rule's pattern is decoded from it when the rule first runs
 *
 * Fills @rules, which keeps references to @bytes and @patterns: its
 * rules' strings and serialized patterns point into them.
 *
 * Returns: whether @bytes were a ruleset for @patterns; if not, @rules is
 *   left empty
 */
gboolean
bk_ruleset_blob_decode (BkRuleset *rules, GBytes *bytes, GBytes *patterns)
{
  guint32 npatterns = bk_pattern_cache_count (patterns);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  Header h;
  if (len < sizeof h)
    return FALSE;
  memcpy (&h, data, sizeof h);
  if (memcmp (h.magic, MAGIC, sizeof MAGIC - 1) != 0 || h.byte_order != BYTE_ORDER_MARK
      || h.nrules == 0 || h.nrules > BK_MAX_RULES || h.nrules != npatterns
      || h.nwords > (len - sizeof h) / 4 || len - sizeof h - (gsize) h.nwords * 4 != h.ntext
      || h.ntext == 0 || data[len - 1] != '\0' || ((guintptr) data) % 4 != 0
      || h.nformats > BK_MAX_RULES || h.max_captures > 65535)
    return FALSE;
  Reader r = { (const guint32 *) (const void *) (data + sizeof h), h.nwords, 0,
               data + sizeof h + (gsize) h.nwords * 4, h.ntext, h.nrules, FALSE };
  /* every field is set below: no zeroing of a few hundred kilobytes */
  BkRule *block = g_new (BkRule, h.nrules);
  for (guint32 i = 0; i < h.nrules && !r.bad; i++)
    {
      BkRule *rule = &block[i];
      rule->code = NULL;
      rule->code_bytes = bk_pattern_cache_entry (patterns, i, &rule->code_len);
      rule->code_once = 0;
      rule->jit_code = NULL;
      rule->jit_state = 0;
      rule->interpreted = 0;
      rule->literals = FALSE;
      rule->slot = 0;
      rule->line_once = 0;   /* line_start is worked out on first use */
      rule->id = (char *) get_string (&r);
      rule->file = (char *) get_string (&r);
      rule->line = get (&r);
      rule->pattern = (char *) get_string (&r);
      rule->field = get (&r);
      rule->header = (char *) get_string (&r);
      rule->reason = (char *) get_string (&r);
      rule->weight = (gint32) get (&r);
      rule->group_addr = (gint32) get (&r);
      rule->group_diag = (gint32) get (&r);
      rule->group_reply = (gint32) get (&r);
      rule->group_status = (gint32) get (&r);
      rule->index = i;
      if (rule->id == NULL || rule->file == NULL || rule->pattern == NULL || rule->field > BK_FIELD_RETURNED
          || (rule->field == BK_FIELD_HEADER && rule->header == NULL) || !valid_group (rule->group_addr)
          || !valid_group (rule->group_diag) || !valid_group (rule->group_reply)
          || !valid_group (rule->group_status) || rule->weight < -100 || rule->weight > 100)
        r.bad = TRUE;
    }
  GPtrArray *const kinds[] = { rules->codes, rules->reasons, rules->autoreply, rules->commands,
                               rules->complaints };
  for (guint k = 0; k < G_N_ELEMENTS (kinds) && !r.bad; k++)
    get_list (&r, block, kinds[k]);
  for (guint32 i = 0; i < h.nformats && !r.bad; i++)
    {
      const char *name = get_string (&r), *file = get_string (&r);
      BkFormat *f = bk_format_new (name ? name : "", file ? file : "", get (&r));
      g_ptr_array_add (rules->formats, f);
      f->threshold = (gint32) get (&r);
      f->paragraphs = get (&r) != 0;
      GPtrArray *lists[N_FORMAT_LISTS] = FORMAT_LISTS (f);
      for (guint l = 0; l < N_FORMAT_LISTS && !r.bad; l++)
        get_list (&r, block, lists[l]);
      guint32 nneeds = get (&r);
      for (guint32 n = 0; n < nneeds && !r.bad; n++)
        {
          const char *need = get_string (&r);
          if (need == NULL)
            r.bad = TRUE;
          else
            g_ptr_array_add (f->needs, g_strdup (need));
        }
      if (name == NULL || file == NULL || f->threshold < 0 || f->threshold > 1000)
        r.bad = TRUE;
    }
  if (r.bad || r.next != r.nwords)
    {
      g_free (block);
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        g_ptr_array_set_size (kinds[k], 0);
      g_ptr_array_set_size (rules->formats, 0);
      return FALSE;
    }
  /* the rules live in the block, not each in its own allocation */
  g_ptr_array_set_free_func (rules->all, NULL);
  g_ptr_array_set_size (rules->all, h.nrules);
  for (guint32 i = 0; i < h.nrules; i++)
    rules->all->pdata[i] = &block[i];
  /* as the patterns counted them when the block was written; match data
   * too small for a pattern only leaves its last groups unread */
  rules->max_captures = h.max_captures;
  rules->rule_block = block;
  rules->blob = g_bytes_ref (bytes);
  rules->patterns = g_bytes_ref (patterns);
  return TRUE;
}
