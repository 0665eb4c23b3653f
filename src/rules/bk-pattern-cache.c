/* SPDX-License-Identifier: MIT */
/*
 * bk-pattern-cache - the compiled patterns as the rules cache keeps them:
 * each rule's pattern serialized on its own (pcre2_serialize_encode of one
 * code), behind an index, so that a warm start maps the file and decodes
 * a pattern only when a rule first runs. A one-message `check` runs about
 * a tenth of the rules; decoding all of them was a third of what it did
 * besides starting.
 *
 * Layout, native byte order: a Header, then `n` Index entries, then the
 * serialized patterns. Each is copied out of the mapping before PCRE2
 * decodes it: pcre2_serialize_decode() takes no length and trusts the
 * sizes it finds, which must not lead it past the mapping's end.
 */
#include "rules/bk-pattern-cache.h"

#include <string.h>

#define MAGIC "bouncekit patterns 1\n"
#define MAGIC_LEN 24
#define BYTE_ORDER_MARK 0x01020304u

typedef struct {
  char magic[MAGIC_LEN];
  guint32 byte_order;
  guint32 n;
} Header;

typedef struct {
  guint64 offset;    /* from the start of the file */
  guint64 length;
} Index;

G_STATIC_ASSERT (sizeof (Header) % 8 == 0);

/**
 * bk_pattern_cache_write: (skip)
 * @all: every rule, each with its compiled pattern
 * @path: where to write
 *
 * Failures are silent: the cache only saves time.
 */
void
bk_pattern_cache_write (GPtrArray *all, const char *path)
{
  Header h = { .byte_order = BYTE_ORDER_MARK, .n = all->len };
  memcpy (h.magic, MAGIC, sizeof MAGIC - 1);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) &h, sizeof h);
  g_byte_array_set_size (out, sizeof h + (gsize) all->len * sizeof (Index));
  for (guint i = 0; i < all->len; i++)
    {
      const pcre2_code *code = ((const BkRule *) g_ptr_array_index (all, i))->code;
      uint8_t *bytes = NULL;
      PCRE2_SIZE size = 0;
      if (code == NULL || pcre2_serialize_encode (&code, 1, &bytes, &size, NULL) != 1)
        return;
      Index ix = { out->len, size };
      memcpy (out->data + sizeof h + (gsize) i * sizeof ix, &ix, sizeof ix);
      g_byte_array_append (out, bytes, size);
      pcre2_serialize_free (bytes);
    }
  g_file_set_contents (path, (const char *) out->data, out->len, NULL);
}

/**
 * bk_cache_file_map: (skip)
 * @path: a file of the rules cache
 *
 * Mapped rather than read: a warm start touches only the pages it uses,
 * and copies none. The cache writes its files whole and renames them
 * into place, so a mapped one never changes underneath.
 *
 * Returns: (transfer full) (nullable): its contents, or %NULL when it
 *   cannot be opened or is empty
 */
GBytes *
bk_cache_file_map (const char *path)
{
  GMappedFile *map = g_mapped_file_new (path, FALSE, NULL);
  if (map == NULL)
    return NULL;
  GBytes *bytes = g_mapped_file_get_length (map) ? g_mapped_file_get_bytes (map) : NULL;
  g_mapped_file_unref (map);
  return bytes;
}

/**
 * bk_pattern_cache_map: (skip)
 * @path: a file bk_pattern_cache_write() wrote
 * @n: the number of patterns it must hold, or 0 for any
 *
 * Returns: (transfer full) (nullable): the file, mapped, when its header
 *   and index are whole and every entry lies inside it
 */
GBytes *
bk_pattern_cache_map (const char *path, guint32 n)
{
  g_autoptr (GBytes) bytes = bk_cache_file_map (path);
  if (bytes == NULL)
    return NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  Header h;
  if (len < sizeof h)
    return NULL;
  memcpy (&h, data, sizeof h);
  if (memcmp (h.magic, MAGIC, sizeof MAGIC - 1) != 0 || h.byte_order != BYTE_ORDER_MARK || h.n == 0
      || h.n > BK_MAX_RULES || (n && h.n != n) || (len - sizeof h) / sizeof (Index) < h.n)
    return NULL;
  gsize start = sizeof h + (gsize) h.n * sizeof (Index);
  for (guint32 i = 0; i < h.n; i++)
    {
      Index ix;
      memcpy (&ix, data + sizeof h + (gsize) i * sizeof ix, sizeof ix);
      if (ix.offset < start || ix.offset > len || ix.length < 16 || ix.length > len - ix.offset)
        return NULL;
    }
  return g_steal_pointer (&bytes);
}

/**
 * bk_pattern_cache_count: (skip)
 * @map: bk_pattern_cache_map() of a file
 *
 * Returns: the number of patterns it holds
 */
guint32
bk_pattern_cache_count (GBytes *map)
{
  Header h;
  memcpy (&h, g_bytes_get_data (map, NULL), sizeof h);
  return h.n;
}

/**
 * bk_pattern_cache_entry: (skip)
 * @map: bk_pattern_cache_map() of a file
 * @i: a pattern's index, below its count
 * @len: (out): the length of its serialized form
 *
 * Returns: its serialized form, inside @map
 */
const guint8 *
bk_pattern_cache_entry (GBytes *map, guint32 i, gsize *len)
{
  const guint8 *data = g_bytes_get_data (map, NULL);
  Index ix;
  memcpy (&ix, data + sizeof (Header) + (gsize) i * sizeof ix, sizeof ix);
  *len = ix.length;
  return data + ix.offset;
}

/**
 * bk_pattern_cache_decode: (skip)
 * @bytes: a serialized pattern
 * @len: its length
 *
 * Returns: (transfer full) (nullable): the pattern, or %NULL when @bytes
 *   do not hold exactly one
 */
pcre2_code *
bk_pattern_cache_decode (const guint8 *bytes, gsize len)
{
  /* a copy: PCRE2 reads as far as the sizes inside say */
  g_autofree guint8 *copy = g_malloc (len);
  memcpy (copy, bytes, len);
  pcre2_code *code = NULL;
  if (pcre2_serialize_get_number_of_codes (copy) != 1 || pcre2_serialize_decode (&code, 1, copy, NULL) != 1)
    return NULL;
  return code;
}
