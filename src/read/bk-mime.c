/* SPDX-License-Identifier: MIT */
/*
 * bk-mime - walk a parsed message and pick out what the analysis reads:
 * the delivery-status part(s), the feedback-report part, whether a
 * disposition notification is present, the human-readable text, and the
 * returned message (message/rfc822, message/global) or its headers
 * (text/rfc822-headers, message/global-headers).
 *
 * GMime did the MIME parsing and decodes transfer encodings and charsets;
 * no regex runs here. The returned message is not descended into (its
 * text is the sender's, not the bounce's); attachments that are not text
 * are never decoded. Limits: BK_MAX_MIME_DEPTH levels, BK_MAX_MIME_PARTS
 * leaves, BK_MAX_TEXT_BYTES of text, BK_MAX_DSN_BYTES of report fields.
 * HTML is used only when the message has no text/plain part.
 */
#include "read/bk-read-private.h"

#include <string.h>

typedef struct {
  BkParts *parts;
  GString *html;
  guint leaves;
} Walk;

void
bk_parts_free (BkParts *parts)
{
  if (parts == NULL)
    return;
  g_string_free (parts->dsn, TRUE);
  g_string_free (parts->feedback, TRUE);
  g_string_free (parts->text, TRUE);
  g_clear_object (&parts->returned);
  g_free (parts->returned_headers);
  g_clear_object (&parts->returned_part);
  g_free (parts->returned_part_headers);
  g_free (parts);
}

/* read_all - the bytes of @stream from its start, at most @max */
static GByteArray *
read_all (GMimeStream *stream, gsize max)
{
  g_mime_stream_reset (stream);
  /* a part's content is a bounded stream: its length is known */
  gint64 length = g_mime_stream_length (stream);
  gsize room = length >= 0 ? MIN ((gsize) length, max) : MIN ((gsize) 4096, max);
  GByteArray *bytes = g_byte_array_sized_new (room + 1);
  while (bytes->len < max)
    {
      guint at = bytes->len;
      gsize want = length >= 0 ? room - at : MIN (max - at, 16384);
      if (want == 0)
        break;
      g_byte_array_set_size (bytes, at + want);
      gssize n = g_mime_stream_read (stream, (char *) bytes->data + at, want);
      g_byte_array_set_size (bytes, at + MAX (n, 0));
      if (n <= 0)
        break;
    }
  g_mime_stream_reset (stream);
  return bytes;
}

/* part_bytes - the decoded (transfer encoding removed) content of @part,
 * at most @max bytes, NUL-terminated, not charset-converted. What
 * g_mime_data_wrapper_write_to_stream() writes, without its stream and
 * filter objects: the content stream is read as it is, base64 and
 * quoted-printable decoded with GMime's own decoder in one step. */
static GByteArray *
part_bytes (GMimePart *part, gsize max)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  if (content == NULL)
    return NULL;
  GMimeStream *stream = g_mime_data_wrapper_get_stream (content);
  GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding (content);
  GByteArray *bytes;
  if (stream && encoding != GMIME_CONTENT_ENCODING_BASE64 && encoding != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
      && encoding != GMIME_CONTENT_ENCODING_UUENCODE)
    bytes = read_all (stream, max);
  else if (stream && encoding != GMIME_CONTENT_ENCODING_UUENCODE)
    {
      g_autoptr (GByteArray) raw = read_all (stream, G_MAXSIZE);
      GMimeEncoding state;
      g_mime_encoding_init_decode (&state, encoding);
      bytes = g_byte_array_sized_new (g_mime_encoding_outlen (&state, raw->len) + 1);
      g_byte_array_set_size (bytes, g_mime_encoding_outlen (&state, raw->len));
      gsize n = g_mime_encoding_step (&state, (const char *) raw->data, raw->len, (char *) bytes->data);
      n += g_mime_encoding_flush (&state, NULL, 0, (char *) bytes->data + n);
      g_byte_array_set_size (bytes, n);
    }
  else
    {
      /* uuencode (begin/end lines), or no stream: GMime's own way */
      bytes = g_byte_array_new ();
      g_autoptr (GMimeStream) mem = g_mime_stream_mem_new_with_byte_array (bytes);
      g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
      g_mime_data_wrapper_write_to_stream (content, mem);
    }
  if (bytes->len > max)
    g_byte_array_set_size (bytes, max);
  g_byte_array_append (bytes, (const guint8 *) "", 1);
  return bytes;
}

/* ascii_superset - does @charset write ASCII text as ASCII bytes, one
 * byte per character, with no shift sequences (unlike ISO-2022-JP or
 * UTF-7)? */
static gboolean
ascii_superset (const char *charset)
{
  static const char *const prefixes[] = {
    "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-", "iso8859-", "windows-125", "cp125", "latin1",
  };
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_ascii_strncasecmp (charset, prefixes[i], strlen (prefixes[i])) == 0)
      return TRUE;
  return FALSE;
}

/* plain_text - the text of a part in @charset, its decoded @bytes (taken
 * when they are the text), when converting it to UTF-8 changes no byte:
 * ASCII in a charset that writes ASCII as ASCII, or valid UTF-8 labelled
 * UTF-8. Most bounces are that; they then skip the iconv conversion (a
 * UTF-8 to UTF-8 round trip) g_mime_text_part_get_text() makes. NULL when
 * a real conversion is needed. */
static char *
plain_text (const char *charset, GByteArray **bytes)
{
  if (!ascii_superset (charset))
    return NULL;
  gsize len = (*bytes)->len - 1;   /* the NUL part_bytes added */
  const guint8 *b = (*bytes)->data;
  gboolean ascii = TRUE;
  for (gsize i = 0; i < len && ascii; i++)
    ascii = b[i] < 0x80;
  gboolean utf8 = g_ascii_strncasecmp (charset, "utf-8", 5) == 0 || g_ascii_strncasecmp (charset, "utf8", 4) == 0;
  if (!ascii && !(utf8 && g_utf8_validate_len ((const char *) b, len, NULL)))
    return NULL;
  return (char *) g_byte_array_free (g_steal_pointer (bytes), FALSE);
}

/* iconv_to_utf8 - this thread's converter from @charset (an iconv name)
 * to UTF-8, or (GIConv) -1. Opening one looks up and loads a gconv module:
 * GMime opens one per part converted, this keeps them per thread. */
static void
iconv_close_one (gpointer cd)
{
  if ((GIConv) cd != (GIConv) -1)
    g_iconv_close ((GIConv) cd);
}

static GIConv
iconv_to_utf8 (const char *charset)
{
  static GPrivate cache = G_PRIVATE_INIT ((GDestroyNotify) g_hash_table_unref);
  GHashTable *table = g_private_get (&cache);
  if (table == NULL)
    {
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, iconv_close_one);
      g_private_set (&cache, table);
    }
  gpointer cd;
  if (g_hash_table_lookup_extended (table, charset, NULL, &cd))
    return (GIConv) cd;
  /* few charsets occur; past 64 names (hostile input) the rest go the
   * way GMime goes. A failed open is kept too. */
  if (g_hash_table_size (table) >= 64)
    return (GIConv) -1;
  cd = (gpointer) g_iconv_open ("UTF-8", charset);
  g_hash_table_insert (table, g_strdup (charset), cd);
  return (GIConv) cd;
}

/* converted_text - a part's decoded @bytes converted to UTF-8 with this
 * thread's converter @cd for its charset; NULL when there is none, or the
 * bytes do not convert cleanly: g_mime_text_part_get_text() then decides
 * what to make of them, as it always did */
static char *
converted_text (GIConv cd, const GByteArray *bytes)
{
  if (cd == (GIConv) -1)
    return NULL;
  char *out = g_convert_with_iconv ((const char *) bytes->data, bytes->len - 1, cd, NULL, NULL, NULL);
  g_iconv (cd, NULL, NULL, NULL, NULL);   /* back to the initial state */
  if (out && !g_utf8_validate (out, -1, NULL))
    g_clear_pointer (&out, g_free);
  return out;
}

/* part_text - @part as UTF-8 text: charset converted for text parts,
 * validated (invalid bytes replaced) for the rest */
static char *
part_text (GMimePart *part, gsize max)
{
  if (GMIME_IS_TEXT_PART (part))
    {
      GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
      const char *charset = ct ? g_mime_content_type_get_parameter (ct, "charset") : NULL;
      /* the bytes are read once, for the plain and the converted way,
       * when either can take them */
      GIConv cd = (GIConv) -1;
      g_autoptr (GByteArray) bytes = NULL;
      if (charset && (ascii_superset (charset)
                      || (cd = iconv_to_utf8 (g_mime_charset_iconv_name (charset))) != (GIConv) -1))
        bytes = part_bytes (part, G_MAXSIZE);
      char *text = bytes ? plain_text (charset, &bytes) : NULL;
      gboolean valid = text != NULL;   /* plain_text checked it */
      if (text == NULL && bytes)
        {
          if (cd == (GIConv) -1)
            cd = iconv_to_utf8 (g_mime_charset_iconv_name (charset));
          text = converted_text (cd, bytes);
        }
      if (text == NULL)
        text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
      if (text && strlen (text) > max)
        {
          text[max] = '\0';
          valid = FALSE;   /* the cut may split a character */
        }
      if (text && !valid && !g_utf8_validate (text, -1, NULL))
        {
          char *made = g_utf8_make_valid (text, -1);
          g_free (text);
          text = made;
        }
      return text;
    }
  g_autoptr (GByteArray) bytes = part_bytes (part, max);
  if (bytes == NULL)
    return NULL;
  return g_utf8_make_valid ((const char *) bytes->data, -1);
}

/* header_text - the header block of the message @text, LF line ends, up
 * to the first empty line after a header; an empty line before the first
 * header is skipped, as senders that add one mean the headers below it */
static char *
header_text (const char *text)
{
  if (text == NULL)
    return NULL;
  g_autofree char *norm = strchr (text, '\r') ? bk_text_normalize_newlines (text, strlen (text)) : NULL;
  const char *t = norm ? norm : text;
  while (*t == '\n' || *t == ' ' || *t == '\t')
    t++;
  const char *end = strstr (t, "\n\n");
  return end ? g_strndup (t, end - t + 1) : g_strdup (t);
}

/* header_block - the header block of the message @part holds */
static char *
header_block (GMimePart *part)
{
  g_autofree char *text = part_text (part, BK_MAX_TEXT_BYTES);
  return header_text (text);
}

static void
append_text (GString *dest, const char *text)
{
  if (text == NULL || dest->len >= BK_MAX_TEXT_BYTES)
    return;
  gsize len = strlen (text);
  /* most parts have LF line ends already (GMime's parser made CRLF LF) */
  g_autofree char *norm = memchr (text, '\r', len) ? bk_text_normalize_newlines (text, len) : NULL;
  if (norm)
    {
      text = norm;
      len = strlen (norm);
    }
  gsize room = BK_MAX_TEXT_BYTES - dest->len;
  if (dest->len && dest->str[dest->len - 1] != '\n')
    g_string_append_c (dest, '\n');
  g_string_append_len (dest, text, MIN (len, room));
}

static void
walk (Walk *w, GMimeObject *obj, guint depth)
{
  if (obj == NULL || depth > BK_MAX_MIME_DEPTH || w->leaves > BK_MAX_MIME_PARTS)
    return;
  GMimeContentType *ct = g_mime_object_get_content_type (obj);
  const char *type = ct ? g_mime_content_type_get_media_type (ct) : "text";
  const char *sub = ct ? g_mime_content_type_get_media_subtype (ct) : "plain";
  if (type == NULL) type = "text";
  if (sub == NULL) sub = "plain";

  if (GMIME_IS_MULTIPART (obj))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (obj);
      if (g_ascii_strcasecmp (sub, "report") == 0)
        w->parts->is_report = TRUE;
      int n = g_mime_multipart_get_count (mp);
      for (int i = 0; i < n; i++)
        walk (w, g_mime_multipart_get_part (mp, i), depth + 1);
      /* a boundary that never occurs leaves the whole body in the
       * prologue: it is the report's text then */
      if (n == 0 && g_mime_multipart_get_prologue (mp))
        append_text (w->parts->text, g_mime_multipart_get_prologue (mp));
      return;
    }
  w->leaves++;
  if (GMIME_IS_MESSAGE_PART (obj))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
      if (inner && w->parts->returned == NULL && w->parts->returned_part == NULL)
        {
          w->parts->returned = g_object_ref (GMIME_OBJECT (inner));
          /* a copy that starts with an empty line has no headers for
           * GMime; read them as from a part left unparsed */
          GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (inner));
          if (list == NULL || g_mime_header_list_get_count (list) == 0)
            {
              g_autofree char *raw = g_mime_object_to_string (GMIME_OBJECT (inner), NULL);
              w->parts->returned_part_headers = header_text (raw);
            }
        }
      return;
    }
  if (!GMIME_IS_PART (obj))
    return;
  GMimePart *part = GMIME_PART (obj);

  if (g_ascii_strcasecmp (type, "message") == 0)
    {
      if (g_ascii_strcasecmp (sub, "delivery-status") == 0
          || g_ascii_strcasecmp (sub, "global-delivery-status") == 0
          || g_ascii_strcasecmp (sub, "xdelivery-status") == 0)
        {
          g_autofree char *t = part_text (part, BK_MAX_DSN_BYTES);
          w->parts->has_dsn = TRUE;
          if (t && w->parts->dsn->len < BK_MAX_DSN_BYTES)
            {
              g_string_append (w->parts->dsn, t);
              g_string_append (w->parts->dsn, "\n\n");
            }
        }
      else if (g_ascii_strcasecmp (sub, "feedback-report") == 0)
        {
          g_autofree char *t = part_text (part, BK_MAX_DSN_BYTES);
          w->parts->has_feedback = TRUE;
          if (t)
            g_string_append (w->parts->feedback, t);
        }
      else if (g_ascii_strcasecmp (sub, "disposition-notification") == 0
               || g_ascii_strcasecmp (sub, "global-disposition-notification") == 0)
        w->parts->has_mdn = TRUE;
      else if ((g_ascii_strcasecmp (sub, "rfc822") == 0 || g_ascii_strcasecmp (sub, "global") == 0)
               && w->parts->returned == NULL && w->parts->returned_part == NULL)
        {
          /* a returned message GMime kept as it came: its header block is
           * what the analysis reads, the rest only for a nested bounce */
          w->parts->returned_part = g_object_ref (part);
          w->parts->returned_part_headers = header_block (part);
        }
      else if (g_ascii_strcasecmp (sub, "global-headers") == 0 || g_ascii_strcasecmp (sub, "rfc822-headers") == 0
               || g_ascii_strcasecmp (sub, "rfc822") == 0 || g_ascii_strcasecmp (sub, "global") == 0)
        {
          if (w->parts->returned_headers == NULL)
            w->parts->returned_headers = part_text (part, BK_MAX_TEXT_BYTES);
        }
      return;
    }
  if (g_ascii_strcasecmp (type, "text") != 0)
    return;
  if (g_ascii_strcasecmp (sub, "rfc822-headers") == 0 || g_ascii_strcasecmp (sub, "rfc822-header") == 0)
    {
      if (w->parts->returned_headers == NULL)
        w->parts->returned_headers = part_text (part, BK_MAX_TEXT_BYTES);
      return;
    }
  if (g_ascii_strcasecmp (sub, "html") == 0)
    {
      if (w->html->len < BK_MAX_TEXT_BYTES)
        {
          g_autofree char *t = part_text (part, BK_MAX_TEXT_BYTES);
          g_autofree char *plain = bk_text_from_html (t);
          append_text (w->html, plain);
        }
      return;
    }
  /* text/plain and unknown text subtypes are human-readable report text */
  if (w->parts->text->len < BK_MAX_TEXT_BYTES)
    {
      g_autofree char *t = part_text (part, BK_MAX_TEXT_BYTES);
      append_text (w->parts->text, t);
    }
}

/**
 * bk_mime_collect:
 * @message: a parsed message
 *
 * Returns: (transfer full): the parts the analysis reads
 */
BkParts *
bk_mime_collect (GMimeMessage *message)
{
  Walk w = { 0 };
  w.parts = g_new0 (BkParts, 1);
  w.parts->dsn = g_string_new (NULL);
  w.parts->feedback = g_string_new (NULL);
  w.parts->text = g_string_new (NULL);
  w.html = g_string_new (NULL);
  walk (&w, g_mime_message_get_mime_part (message), 0);
  if (w.parts->text->len == 0 && w.html->len > 0)
    g_string_append_len (w.parts->text, w.html->str, w.html->len);
  g_string_free (w.html, TRUE);
  return w.parts;
}

/* bk_mime_header - decoded value of header @name of @object, or NULL */
char *
bk_mime_header (GMimeObject *object, const char *name)
{
  if (object == NULL)
    return NULL;
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  GMimeHeader *h = headers ? g_mime_header_list_get_header (headers, name) : NULL;
  if (h == NULL)
    return NULL;
  const char *v = g_mime_header_get_value (h);
  if (v == NULL)
    return NULL;
  char *one = bk_text_one_line (v, 4096);
  if (one && !g_utf8_validate (one, -1, NULL))
    {
      char *valid = g_utf8_make_valid (one, -1);
      g_free (one);
      one = valid;
    }
  return one;
}

/* bk_parts_returned_headers - the header block of the returned message
 * (a message/rfc822 part or text/rfc822-headers), or NULL: what the
 * `returned` rule field reads */
char *
bk_parts_returned_headers (BkParts *parts)
{
  if (parts->returned_headers)
    return g_strdup (parts->returned_headers);
  if (parts->returned_part_headers)
    return g_strdup (parts->returned_part_headers);
  if (parts->returned == NULL)
    return NULL;
  GMimeObject *obj = parts->returned;
  if (GMIME_IS_MESSAGE_PART (obj))
    obj = GMIME_OBJECT (g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj)));
  return obj ? g_mime_object_get_headers (obj, NULL) : NULL;
}

/* bk_parts_returned_message - the returned message as a parsed message,
 * whether GMime parsed it or left it as a part; NULL when there is none
 *
 * Returns: (transfer full) (nullable): the message */
GMimeMessage *
bk_parts_returned_message (BkParts *parts)
{
  if (GMIME_IS_MESSAGE (parts->returned))
    return g_object_ref (GMIME_MESSAGE (parts->returned));
  if (parts->returned_part == NULL)
    return NULL;
  g_autoptr (GByteArray) bytes = part_bytes (parts->returned_part, BK_MAX_MESSAGE_BYTES);
  if (bytes == NULL || bytes->len <= 1)
    return NULL;
  return bk_message_parse_bytes ((const char *) bytes->data, bytes->len - 1, NULL);
}
