/* SPDX-License-Identifier: MIT */
/*
 * bare-parse - the floor for bouncekit's throughput: read the same inputs
 * the same way bouncekit does, parse every message with GMime, walk its
 * MIME tree, and do nothing else. One process, one thread.
 *
 *   bare-parse [--decode] [--quiet] PATH...
 *
 * Inputs are read as src/read/bk-reader.c reads them:
 *  - a directory is walked depth-first, entries in byte order, dot-files
 *    skipped; a Maildir (a directory with cur/ or new/) contributes cur/
 *    then new/ only;
 *  - a file whose first bytes are "From " is an mbox, streamed through
 *    GMime's parser in GMIME_FORMAT_MBOX from a file stream;
 *  - any other file is one message, read whole into memory, its CRLF and
 *    lone-CR line ends turned into LF (only when it contains a CR), then
 *    parsed from a memory stream with GMIME_FORMAT_MESSAGE.
 *
 * What "bare parse" includes, per message:
 *  - g_mime_parser_construct_message (GMime parses every header and the
 *    whole MIME structure, including message/rfc822 parts, eagerly; part
 *    contents stay undecoded substreams of the input);
 *  - a walk of the whole tree: every object's Content-Type is read,
 *    multiparts are iterated and message/rfc822 (message/global) parts are
 *    descended into; leaves are counted.
 * It does not decode any content (transfer encoding or charset) unless
 * --decode is given: then every text/ and message/ leaf outside attached
 * messages (what a bounce analyzer needs to look at, at least) is decoded
 * from its transfer encoding into a reused memory buffer - no charset
 * conversion.
 *
 * Differences from bouncekit's reader, all in bare-parse's favour: the
 * message bytes are handed to GMime without an extra copy, and nothing is
 * kept or printed per message. Prints one summary line on stdout:
 *   bare-parse: N messages, P parts, D bytes decoded, E errors
 * Exit status 0, or 1 if some input could not be read or parsed.
 */
#include <gmime/gmime.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  gboolean decode;
  guint64 messages;
  guint64 parts;
  guint64 decoded_bytes;
  guint64 errors;
  GByteArray *buf;        /* reused decode buffer */
  GMimeStream *buf_stream;
} Stats;

static void walk (Stats *st, GMimeObject *obj, guint depth, gboolean inside_attached);

static void
decode_leaf (Stats *st, GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  if (content == NULL)
    return;
  g_byte_array_set_size (st->buf, 0);
  g_mime_stream_reset (st->buf_stream);
  g_mime_data_wrapper_write_to_stream (content, st->buf_stream);
  st->decoded_bytes += st->buf->len;
}

static void
walk (Stats *st, GMimeObject *obj, guint depth, gboolean inside_attached)
{
  if (obj == NULL || depth > 64)
    return;
  GMimeContentType *ct = g_mime_object_get_content_type (obj);
  const char *type = ct ? g_mime_content_type_get_media_type (ct) : NULL;
  const char *sub = ct ? g_mime_content_type_get_media_subtype (ct) : NULL;
  (void) sub;
  st->parts++;
  if (GMIME_IS_MULTIPART (obj))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (obj);
      int n = g_mime_multipart_get_count (mp);
      for (int i = 0; i < n; i++)
        walk (st, g_mime_multipart_get_part (mp, i), depth + 1, inside_attached);
      return;
    }
  if (GMIME_IS_MESSAGE_PART (obj))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
      if (inner)
        walk (st, g_mime_message_get_mime_part (inner), depth + 1, TRUE);
      return;
    }
  if (st->decode && !inside_attached && GMIME_IS_PART (obj) && type
      && (g_ascii_strcasecmp (type, "text") == 0 || g_ascii_strcasecmp (type, "message") == 0))
    decode_leaf (st, GMIME_PART (obj));
}

static void
handle_message (Stats *st, GMimeMessage *msg)
{
  st->messages++;
  walk (st, g_mime_message_get_mime_part (msg), 0, FALSE);
  g_object_unref (msg);
}

/* the same normalisation as bk_text_normalize_newlines */
static char *
normalize_newlines (const char *text, gsize len, gsize *out_len)
{
  char *out = g_malloc (len + 1);
  gsize o = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '\r')
        {
          out[o++] = '\n';
          if (i + 1 < len && text[i + 1] == '\n')
            i++;
        }
      else
        out[o++] = text[i];
    }
  out[o] = '\0';
  *out_len = o;
  return out;
}

static void
parse_file (Stats *st, const char *path)
{
  int fd = open (path, O_RDONLY);
  if (fd < 0)
    {
      fprintf (stderr, "bare-parse: cannot open '%s': %s\n", path, g_strerror (errno));
      st->errors++;
      return;
    }
  char head[5];
  if (pread (fd, head, sizeof head, 0) == 5 && memcmp (head, "From ", 5) == 0)
    {
      GMimeStream *stream = g_mime_stream_fs_new (fd);   /* owns fd */
      GMimeParser *parser = g_mime_parser_new_with_stream (stream);
      g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
      GMimeMessage *msg;
      while ((msg = g_mime_parser_construct_message (parser, NULL)))
        handle_message (st, msg);
      g_object_unref (parser);
      g_object_unref (stream);
      return;
    }
  close (fd);

  char *data = NULL;
  gsize len = 0;
  GError *err = NULL;
  if (!g_file_get_contents (path, &data, &len, &err))
    {
      fprintf (stderr, "bare-parse: %s\n", err->message);
      g_error_free (err);
      st->errors++;
      return;
    }
  if (len == 0)
    {
      fprintf (stderr, "bare-parse: '%s': empty input\n", path);
      g_free (data);
      st->errors++;
      return;
    }
  if (memchr (data, '\r', len))
    {
      char *norm = normalize_newlines (data, len, &len);
      g_free (data);
      data = norm;
    }
  /* the stream takes the buffer: no copy */
  GByteArray *bytes = g_byte_array_new_take ((guint8 *) data, len);
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (bytes);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
  if (msg)
    handle_message (st, msg);
  else
    {
      fprintf (stderr, "bare-parse: '%s': not a mail message\n", path);
      st->errors++;
    }
  g_object_unref (parser);
  g_object_unref (stream);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void parse_path (Stats *st, const char *path, GHashTable *seen);

static void
parse_dir (Stats *st, const char *dir, GHashTable *seen)
{
  struct stat sb;
  if (stat (dir, &sb) == 0)
    {
      char *key = g_strdup_printf ("%lu:%lu", (unsigned long) sb.st_dev, (unsigned long) sb.st_ino);
      if (!g_hash_table_add (seen, key))
        return;
    }
  GError *err = NULL;
  GDir *d = g_dir_open (dir, 0, &err);
  if (d == NULL)
    {
      fprintf (stderr, "bare-parse: %s\n", err->message);
      g_error_free (err);
      st->errors++;
      return;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  gboolean maildir = FALSE;
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      if (name[0] == '.')
        continue;
      if (strcmp (name, "cur") == 0 || strcmp (name, "new") == 0)
        {
          char *sub = g_build_filename (dir, name, NULL);
          if (g_file_test (sub, G_FILE_TEST_IS_DIR))
            maildir = TRUE;
          g_free (sub);
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  if (maildir)
    {
      g_ptr_array_set_size (names, 0);
      g_ptr_array_add (names, g_strdup ("cur"));
      g_ptr_array_add (names, g_strdup ("new"));
    }
  for (guint i = 0; i < names->len; i++)
    {
      char *full = g_build_filename (dir, (const char *) g_ptr_array_index (names, i), NULL);
      if (!maildir || g_file_test (full, G_FILE_TEST_IS_DIR))
        parse_path (st, full, seen);
      g_free (full);
    }
  g_ptr_array_unref (names);
}

static void
parse_path (Stats *st, const char *path, GHashTable *seen)
{
  struct stat sb;
  if (stat (path, &sb) != 0)
    {
      fprintf (stderr, "bare-parse: cannot open '%s': %s\n", path, g_strerror (errno));
      st->errors++;
      return;
    }
  if (S_ISDIR (sb.st_mode))
    parse_dir (st, path, seen);
  else if (S_ISREG (sb.st_mode))
    parse_file (st, path);
}

int
main (int argc, char **argv)
{
  Stats st = { 0 };
  gboolean quiet = FALSE;
  int first = 1;
  for (; first < argc && argv[first][0] == '-' && argv[first][1] == '-'; first++)
    {
      if (strcmp (argv[first], "--decode") == 0)
        st.decode = TRUE;
      else if (strcmp (argv[first], "--quiet") == 0)
        quiet = TRUE;
      else if (strcmp (argv[first], "--") == 0)
        {
          first++;
          break;
        }
      else
        {
          fprintf (stderr, "usage: bare-parse [--decode] [--quiet] PATH...\n");
          return 2;
        }
    }
  if (first >= argc)
    {
      fprintf (stderr, "usage: bare-parse [--decode] [--quiet] PATH...\n");
      return 2;
    }

  g_mime_init ();
  st.buf = g_byte_array_new ();
  st.buf_stream = g_mime_stream_mem_new_with_byte_array (st.buf);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (st.buf_stream), TRUE);
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = first; i < argc; i++)
    parse_path (&st, argv[i], seen);
  g_hash_table_unref (seen);
  g_object_unref (st.buf_stream);
  g_mime_shutdown ();

  if (!quiet)
    printf ("bare-parse: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " parts, %"
            G_GUINT64_FORMAT " bytes decoded, %" G_GUINT64_FORMAT " errors\n",
            st.messages, st.parts, st.decoded_bytes, st.errors);
  return st.errors ? 1 : 0;
}
