/* SPDX-License-Identifier: MIT */
/*
 * bk-reader - the messages of one input path, one at a time.
 *
 * A path is "-" (standard input), a message file, an mbox file (first
 * bytes "From "), a Maildir (a directory with cur/ or new/: the files of
 * cur/ then new/, tmp/ ignored) or any other directory (walked
 * depth-first, entries in byte order, dot-files skipped, each directory
 * entered once so symlink loops end). Order is deterministic.
 * A single message is read whole (at most BK_MAX_MESSAGE_BYTES), its
 * CRLF or lone-CR line ends turned into LF, then parsed by GMime; an mbox
 * (a file or standard input alike: both are streamed, never read whole)
 * is cut into its messages by bk-mbox.c, one message in memory at a time
 * and none longer than BK_MAX_MESSAGE_BYTES kept,
 * its line ends made LF when its first line ends in CR (GMime's mbox
 * parser splits on LF only: a CR-only mbox would be one long "From "
 * line), and each piece is parsed as GMime's mbox parser would have.
 * Unreadable entries, and files that yield no message at all, become
 * items with an error, never a stop: the caller reports them and goes on.
 *
 * bk_reader_next_raw() stops before the parse (bk-raw.h): a batch scan
 * cuts the input on one thread and parses on every core.
 *
 * A reader for one message (bk_reader_set_one_message(), the pipe
 * filter) never cuts: a first line "From " is the envelope line an MDA
 * (procmail) puts before the message, dropped, and the rest is the one
 * message, whatever "From " lines its body holds.
 */
#include "read/bk-read-private.h"

#include "read/bk-mbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _BkReader {
  gatomicrefcount ref;
  char *path;
  gboolean started;
  GQueue pending;           /* char* paths still to open (files or dirs) */
  GHashTable *seen_dirs;    /* "dev:ino" of directories entered */
  /* the open mbox, if any */
  BkMboxSplitter *mbox;
  char *mbox_source;
  gint64 mbox_index;
  gboolean one_message;     /* the input is one message: never an mbox */
};

/* BkNewlineFilter - a GMime filter turning CRLF and lone CR into LF, for
 * streams (an mbox) that cannot be normalised in memory. A CR at the end
 * of one chunk whose LF starts the next is one line end: the state
 * survives between calls. */
typedef struct {
  GMimeFilter parent;
  gboolean after_cr;
} BkNewlineFilter;

typedef struct {
  GMimeFilterClass parent_class;
} BkNewlineFilterClass;

static GType bk_newline_filter_get_type (void);
G_DEFINE_TYPE (BkNewlineFilter, bk_newline_filter, GMIME_TYPE_FILTER)

static GMimeFilter *
newline_filter_new (void)
{
  return g_object_new (bk_newline_filter_get_type (), NULL);
}

static GMimeFilter *
newline_filter_copy (GMimeFilter *filter)
{
  (void) filter;
  return newline_filter_new ();
}

static void
newline_filter_filter (GMimeFilter *filter, char *inbuf, size_t inlen, size_t prespace,
                       char **outbuf, size_t *outlen, size_t *outprespace)
{
  (void) prespace;
  BkNewlineFilter *nf = (BkNewlineFilter *) filter;
  g_mime_filter_set_size (filter, inlen, FALSE);
  *outbuf = filter->outbuf;
  *outlen = bk_text_newlines_to_lf (&nf->after_cr, inbuf, inlen, filter->outbuf);
  *outprespace = filter->outpre;
}

static void
newline_filter_reset (GMimeFilter *filter)
{
  ((BkNewlineFilter *) filter)->after_cr = FALSE;
}

static void
bk_newline_filter_class_init (BkNewlineFilterClass *klass)
{
  GMimeFilterClass *fc = GMIME_FILTER_CLASS (klass);
  fc->copy = newline_filter_copy;
  fc->filter = newline_filter_filter;
  fc->complete = newline_filter_filter;
  fc->reset = newline_filter_reset;
}

static void
bk_newline_filter_init (BkNewlineFilter *nf)
{
  nf->after_cr = FALSE;
}

/* newline_stream - @stream read through a BkNewlineFilter */
static GMimeStream *
newline_stream (GMimeStream *stream)
{
  GMimeStream *filtered = g_mime_stream_filter_new (stream);
  GMimeFilter *filter = newline_filter_new ();
  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
  g_object_unref (filter);
  return filtered;
}

/**
 * bk_reader_new:
 * @path: a file, directory, or "-" for standard input
 *
 * Nothing is opened until the first bk_reader_next().
 *
 * Returns: (transfer full): a reader
 *
 * Since: 0.1
 */
BkReader *
bk_reader_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  BkReader *rd = g_new0 (BkReader, 1);
  g_atomic_ref_count_init (&rd->ref);
  rd->path = g_strdup (path);
  g_queue_init (&rd->pending);
  rd->seen_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return rd;
}

/**
 * BkReader:
 *
 * Yields the messages of one input path, one at a time: a message file, an
 * mbox file, a Maildir (cur/ and new/), a directory tree of message files,
 * or "-" for standard input. Memory holds one message at a time.
 * Reference counted; one thread at a time reads from it.
 *
 * Since: 0.1
 */
G_DEFINE_BOXED_TYPE (BkReader, bk_reader, bk_reader_ref, bk_reader_unref)

/**
 * BkReaderItem:
 * @source: the file the message came from (the path as given for files)
 * @index: the message's number inside an mbox (from 1), 0 otherwise
 * @message: (nullable): the parsed message, or %NULL when @error is set
 * @error: (nullable): why this input could not be read
 *
 * One message of a [struct@Bouncekit.Reader], or the error of an input
 * that could not be read.
 *
 * Since: 0.1
 */
G_DEFINE_BOXED_TYPE (BkReaderItem, bk_reader_item, bk_reader_item_copy, bk_reader_item_free)

/**
 * bk_reader_ref:
 * @reader: a reader
 *
 * Takes a reference to @reader.
 *
 * Returns: (transfer full): @reader
 *
 * Since: 0.1
 */
BkReader *
bk_reader_ref (BkReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);
  g_atomic_ref_count_inc (&reader->ref);
  return reader;
}

/**
 * bk_reader_set_one_message:
 * @reader: a reader, before its first bk_reader_next()
 * @one: whether the input is one message
 *
 * With @one, the input is one message even when it starts with a "From "
 * line (the envelope line procmail and other MDAs put before a message
 * they pipe): that line is dropped and the rest is parsed whole, never
 * cut at a body line starting with "From ".
 *
 * Since: 0.1
 */
void
bk_reader_set_one_message (BkReader *reader, gboolean one)
{
  g_return_if_fail (reader != NULL);
  reader->one_message = one;
}

/**
 * bk_reader_free:
 * @reader: (transfer full) (nullable): a reader
 *
 * Drops a reference to @reader, as bk_reader_unref() does.
 *
 * Since: 0.1
 */
void
bk_reader_free (BkReader *reader)
{
  bk_reader_unref (reader);
}

/**
 * bk_reader_unref:
 * @reader: (transfer full) (nullable): a reader
 *
 * Drops a reference; the last one closes the input.
 *
 * Since: 0.1
 */
void
bk_reader_unref (BkReader *rd)
{
  if (rd == NULL || !g_atomic_ref_count_dec (&rd->ref))
    return;
  g_free (rd->path);
  g_queue_clear_full (&rd->pending, g_free);
  g_hash_table_unref (rd->seen_dirs);
  bk_mbox_splitter_free (rd->mbox);
  g_free (rd->mbox_source);
  g_free (rd);
}

/**
 * bk_reader_item_copy:
 * @item: an item
 *
 * Copies an item.
 *
 * Returns: (transfer full): a copy of @item (its message shared, not copied)
 *
 * Since: 0.1
 */
BkReaderItem *
bk_reader_item_copy (const BkReaderItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  BkReaderItem *copy = g_new0 (BkReaderItem, 1);
  copy->source = g_strdup (item->source);
  copy->index = item->index;
  copy->message = item->message ? g_object_ref (item->message) : NULL;
  copy->error = item->error ? g_error_copy (item->error) : NULL;
  return copy;
}

/**
 * bk_reader_item_free:
 * @item: (transfer full) (nullable): an item
 *
 * Frees an item and drops its message.
 *
 * Since: 0.1
 */
void
bk_reader_item_free (BkReaderItem *item)
{
  if (item == NULL)
    return;
  g_free (item->source);
  g_clear_object (&item->message);
  g_clear_error (&item->error);
  g_free (item);
}

/**
 * bk_raw_item_free: (skip)
 * @raw: (transfer full) (nullable): an item
 *
 * Frees a raw item.
 */
void
bk_raw_item_free (BkRawItem *raw)
{
  if (raw == NULL)
    return;
  g_free (raw->source);
  g_free (raw->data);
  g_clear_error (&raw->error);
  g_free (raw);
}

static BkRawItem *
item_new (const char *source, gint64 index)
{
  BkRawItem *item = g_new0 (BkRawItem, 1);
  item->source = g_strdup (source);
  item->index = index;
  return item;
}

/* parse_length - how much of a message GMime is given: all of it, or
 * up to its (BK_MAX_BOUNDARY_LINES + 1)th line starting with "--" (a
 * possible MIME boundary). GMime builds every part before bouncekit
 * walks any (a million empty parts took 2 GB); cut here, the parts it
 * builds, and so memory and time, stay proportional to the limit,
 * while BK_MAX_MIME_PARTS of them are walked at most anyway. */
static gsize
parse_length (const char *data, gsize len)
{
  guint lines = 0;
  const char *p = data, *end = data + len;
  while (p + 1 < end && (p = memchr (p, '-', end - p - 1)) != NULL)
    {
      if (p[1] == '-' && (p == data || p[-1] == '\n' || p[-1] == '\r'))
        {
          if (++lines > BK_MAX_BOUNDARY_LINES)
            return (gsize) (p - data);
          p += 2;
        }
      else
        p++;
    }
  return len;
}

/* cap_header - @bytes with its header (up to the first empty line) cut
 * to BK_MAX_HEADER_BYTES and each field to BK_MAX_HEADER_FIELD_BYTES:
 * GMime's header parse takes some 60 times a field's size in memory,
 * and no real bounce has a field this long. One pass, in place. */
static void
cap_header (GByteArray *bytes)
{
  char *data = (char *) bytes->data;
  gsize len = bytes->len;
  gsize r = 0, w = 0, field_start = 0, kept = 0;
  gboolean full = FALSE;
  while (r < len)
    {
      /* a line ends in LF, CRLF or a lone CR */
      gsize line_end = r;
      while (line_end < len && data[line_end] != '\n' && data[line_end] != '\r')
        line_end++;
      if (line_end < len && data[line_end] == '\r' && line_end + 1 < len && data[line_end + 1] == '\n')
        line_end++;
      if (line_end < len)
        line_end++;
      gboolean blank = data[r] == '\n' || data[r] == '\r';
      if (blank)
        break;   /* the header's end: the rest is moved as it is */
      gboolean continuation = (data[r] == ' ' || data[r] == '\t') && r > 0;
      if (!continuation)
        field_start = w;
      gsize n = line_end - r;
      gsize room_field = BK_MAX_HEADER_FIELD_BYTES - MIN (w - field_start, (gsize) BK_MAX_HEADER_FIELD_BYTES);
      gsize room_all = BK_MAX_HEADER_BYTES - MIN (kept, (gsize) BK_MAX_HEADER_BYTES);
      if (!continuation && room_all == 0)
        full = TRUE;
      gsize take = full ? 0 : MIN (n, MIN (room_field, room_all));
      if (take > 0)
        {
          memmove (data + w, data + r, take);
          w += take;
          kept += take;
          if (take < n && data[w - 1] != '\n' && data[w - 1] != '\r')
            data[w++] = '\n';   /* a cut line still ends; the byte was read */
        }
      r = line_end;
    }
  if (w == r)
    return;
  memmove (data + w, data + r, len - r);
  g_byte_array_set_size (bytes, w + (len - r));
}

/* parse_owned - parse one message from @bytes, which the stream takes */
static GMimeMessage *
parse_owned (GByteArray *bytes, GError **error)
{
  if (bytes->len == 0)
    {
      g_byte_array_unref (bytes);
      g_set_error_literal (error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE, "empty input");
      return NULL;
    }
  g_byte_array_set_size (bytes, parse_length ((const char *) bytes->data, bytes->len));
  cap_header (bytes);
  gboolean cr = memchr (bytes->data, '\r', bytes->len) != NULL;
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (bytes);
  if (cr)
    {
      GMimeStream *filtered = newline_stream (stream);
      g_object_unref (stream);
      stream = filtered;
    }
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  /* a filter stream cannot seek back: parts keep copies of their content */
  if (cr)
    g_mime_parser_set_persist_stream (parser, FALSE);
  GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
  if (msg == NULL)
    g_set_error_literal (error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE,
                         "not a mail message");
  return msg;
}

/**
 * bk_message_parse_bytes:
 * @data: (array length=len) (element-type guint8): one message
 * @len: its length
 * @error: return location for a #GError
 *
 * Parses one message held in memory; CRLF and CR line ends are accepted.
 *
 * Returns: (transfer full) (nullable): the message
 *
 * Since: 0.1
 */
GMimeMessage *
bk_message_parse_bytes (const char *data, gsize len, GError **error)
{
  GByteArray *bytes = g_byte_array_sized_new (len);
  g_byte_array_append (bytes, (const guint8 *) data, len);
  return parse_owned (bytes, error);
}

/* bk_header_block_parse - a header block alone (text/rfc822-headers, the
 * head of an inline copy), LF line ends, as a MIME part: only its headers
 * are read, and a part does not parse the address and date fields a
 * message parses on construction */
GMimeObject *
bk_header_block_parse (const char *data, gsize len)
{
  if (len == 0)
    return NULL;
  GByteArray *bytes = g_byte_array_sized_new (len + 1);
  g_byte_array_append (bytes, (const guint8 *) data, len);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (bytes);
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_part (parser, NULL);
}

/* parse_mbox_piece - the message of one piece of an mbox (bk-mbox.c),
 * parsed as GMime's mbox parser parses it in the whole mbox; the parts
 * read their content from the piece, which the message keeps */
static GMimeMessage *
parse_mbox_piece (char *data, gsize len)
{
  GByteArray *bytes = g_byte_array_new_take ((guint8 *) data, len);
  g_byte_array_set_size (bytes, parse_length (data, len));
  cap_header (bytes);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (bytes);
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
  return g_mime_parser_construct_message (parser, NULL);
}

/* display_name - @source as error messages name it */
static char *
display_name (const char *source)
{
  return strcmp (source, "-") == 0 ? g_strdup ("standard input") : g_strdup_printf ("'%s'", source);
}

/**
 * bk_raw_item_parse: (skip)
 * @raw: (transfer full): an item of bk_reader_next_raw()
 *
 * Parses the message of @raw; an input error stays an error item.
 *
 * Returns: (transfer full) (nullable): the item, or %NULL when @raw is an
 *   mbox's last piece and holds no message (a "From " line alone at the
 *   end; GMime's mbox parser ends there without a word)
 */
BkReaderItem *
bk_raw_item_parse (BkRawItem *raw)
{
  BkReaderItem *item = g_new0 (BkReaderItem, 1);
  item->source = g_steal_pointer (&raw->source);
  item->index = raw->index;
  if (raw->error)
    {
      item->error = g_steal_pointer (&raw->error);
      bk_raw_item_free (raw);
      return item;
    }
  g_autofree char *name = display_name (item->source);
  if (raw->kind == BK_RAW_MBOX)
    {
      item->message = parse_mbox_piece (g_steal_pointer (&raw->data), raw->len);
      /* a "From " line right before the next one: in the whole mbox,
       * GMime reads an empty message there */
      if (item->message == NULL && !raw->last)
        item->message = g_mime_message_new (FALSE);
      if (item->message == NULL && raw->index > 1)
        {
          bk_raw_item_free (raw);
          bk_reader_item_free (item);
          return NULL;
        }
      if (item->message == NULL)
        {
          item->index = 0;
          g_set_error (&item->error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE,
                       "%s: starts like an mbox but holds no message", name);
        }
      bk_raw_item_free (raw);
      return item;
    }
  GError *err = NULL;
  GByteArray *bytes = g_byte_array_new_take ((guint8 *) g_steal_pointer (&raw->data), raw->len);
  bk_raw_item_free (raw);
  item->message = parse_owned (bytes, &err);
  if (item->message == NULL)
    {
      g_set_error (&item->error, err->domain, err->code, "%s: %s", name, err->message);
      g_error_free (err);
    }
  return item;
}

/* MBOX_HEAD_BYTES - how much of a file is read to tell an mbox and the
 * line end of its first line; a "From " line is far shorter */
#define MBOX_HEAD_BYTES 1024

typedef enum {
  HEAD_MESSAGE,     /* not an mbox */
  HEAD_MBOX,        /* an mbox with LF line ends */
  HEAD_MBOX_CR,     /* an mbox whose first line ends in CR (CRLF or CR only) */
} HeadKind;

/* sniff_head - what the first bytes of an input say it is */
static HeadKind
sniff_head (const char *head, gsize len)
{
  if (len < 5 || memcmp (head, "From ", 5) != 0)
    return HEAD_MESSAGE;
  for (gsize i = 5; i < len; i++)
    {
      if (head[i] == '\n')
        return HEAD_MBOX;
      if (head[i] == '\r')
        return HEAD_MBOX_CR;
    }
  return HEAD_MBOX;
}

/* open_mbox - start cutting @sp into messages named @source */
static void
open_mbox (BkReader *rd, BkMboxSplitter *sp, const char *source)
{
  bk_mbox_splitter_free (rd->mbox);
  rd->mbox = sp;
  g_free (rd->mbox_source);
  rd->mbox_source = g_strdup (source);
  rd->mbox_index = 0;
}

/* next_from_mbox - the open mbox's next piece, or NULL at its end */
static BkRawItem *
next_from_mbox (BkReader *rd)
{
  char *data = NULL;
  gsize len = 0;
  gboolean last = FALSE;
  GError *err = NULL;
  if (!bk_mbox_splitter_next (rd->mbox, &data, &len, &last, &err))
    {
      g_clear_pointer (&rd->mbox, bk_mbox_splitter_free);
      if (err == NULL)
        return NULL;
      BkRawItem *item = item_new (rd->mbox_source, 0);
      g_autofree char *name = display_name (rd->mbox_source);
      g_set_error (&item->error, err->domain, err->code, "cannot read %s: %s", name, err->message);
      g_error_free (err);
      return item;
    }
  BkRawItem *item = item_new (rd->mbox_source, ++rd->mbox_index);
  if (data == NULL)
    {
      g_autofree char *name = display_name (rd->mbox_source);
      g_set_error (&item->error, BK_INPUT_ERROR, BK_INPUT_ERROR_TOO_LARGE,
                   "%s: message %" G_GINT64_FORMAT " is larger than %" G_GSIZE_FORMAT
                   " bytes (the limit for one message): skipped", name, rd->mbox_index,
                   (gsize) BK_MAX_MESSAGE_BYTES);
      return item;
    }
  item->kind = BK_RAW_MBOX;
  item->last = last;
  item->data = data;
  item->len = len;
  return item;
}

/* read_bounded - append the rest of @fd to @bytes, up to
 * BK_MAX_MESSAGE_BYTES in all; @name is how errors name the input */
static gboolean
read_bounded (int fd, GByteArray *bytes, const char *name, GError **error)
{
  for (;;)
    {
      gsize room = MAX ((gsize) bytes->len, (gsize) 65536);
      room = MIN (room, BK_MAX_MESSAGE_BYTES + 1 - bytes->len);
      guint old = bytes->len;
      g_byte_array_set_size (bytes, old + room);
      ssize_t n;
      do
        n = read (fd, bytes->data + old, room);
      while (n < 0 && errno == EINTR);
      g_byte_array_set_size (bytes, old + MAX (n, 0));
      if (n < 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                       "cannot read %s: %s", name, g_strerror (e));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      if (bytes->len > BK_MAX_MESSAGE_BYTES)
        {
          g_set_error (error, BK_INPUT_ERROR, BK_INPUT_ERROR_TOO_LARGE,
                       "%s is larger than %" G_GSIZE_FORMAT " bytes (the limit for one message)",
                       name, (gsize) BK_MAX_MESSAGE_BYTES);
          return FALSE;
        }
    }
}

/* drop_envelope_line - without its first line "From …" (an MDA's
 * envelope line), @bytes is the message */
static void
drop_envelope_line (GByteArray *bytes)
{
  if (bytes->len < 5 || memcmp (bytes->data, "From ", 5) != 0)
    return;
  const guint8 *nl = memchr (bytes->data, '\n', bytes->len);
  const guint8 *cr = memchr (bytes->data, '\r', nl ? (gsize) (nl - bytes->data) : bytes->len);
  gsize cut = nl ? (gsize) (nl - bytes->data) + 1 : bytes->len;
  if (cr && (nl == NULL || cr + 1 != nl))
    cut = (gsize) (cr - bytes->data) + 1;   /* a CR-only line end */
  g_byte_array_remove_range (bytes, 0, cut);
}

/* read_message_fd - one message, or an mbox started, from the open @fd
 * (owned) named @source; a reader for one message never cuts */
static BkRawItem *
read_message_fd (BkReader *rd, int fd, const char *source)
{
  BkRawItem *item = item_new (source, 0);
  g_autofree char *name = display_name (source);
  GByteArray *bytes = g_byte_array_new ();
  GError *err = NULL;
  /* the first bytes tell an mbox, which is streamed, not read whole */
  g_byte_array_set_size (bytes, MBOX_HEAD_BYTES);
  gsize got = 0;
  while (got < MBOX_HEAD_BYTES)
    {
      ssize_t n = read (fd, bytes->data + got, MBOX_HEAD_BYTES - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          g_set_error (&item->error, G_FILE_ERROR, g_file_error_from_errno (e),
                       "cannot read %s: %s", name, g_strerror (e));
          g_byte_array_unref (bytes);
          close (fd);
          return item;
        }
      if (n == 0)
        break;
      got += n;
    }
  g_byte_array_set_size (bytes, got);
  HeadKind kind = sniff_head ((const char *) bytes->data, got);
  if (kind != HEAD_MESSAGE && !rd->one_message)
    {
      open_mbox (rd, bk_mbox_splitter_new_fd_head (fd, kind == HEAD_MBOX_CR,
                                                   (const char *) bytes->data, got), source);
      g_byte_array_unref (bytes);
      bk_raw_item_free (item);
      return next_from_mbox (rd);
    }
  /* NUL bytes and no line end (/dev/zero): no mail, said at once */
  if (got == MBOX_HEAD_BYTES && memchr (bytes->data, '\0', got) != NULL
      && memchr (bytes->data, '\n', got) == NULL)
    {
      g_set_error (&item->error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE,
                   "%s is not a mail message (binary data without a line end in its first %d bytes)",
                   name, MBOX_HEAD_BYTES);
      g_byte_array_unref (bytes);
      close (fd);
      return item;
    }
  gboolean ok = got < MBOX_HEAD_BYTES || read_bounded (fd, bytes, name, &err);
  close (fd);
  if (!ok)
    {
      item->error = err;
      g_byte_array_unref (bytes);
      return item;
    }
  if (rd->one_message)
    drop_envelope_line (bytes);
  item->len = bytes->len;
  g_byte_array_append (bytes, (const guint8 *) "", 1);   /* NUL-terminated */
  item->data = (char *) g_byte_array_free (bytes, FALSE);
  return item;
}

static BkRawItem *
read_stdin (BkReader *rd)
{
  int fd = dup (STDIN_FILENO);
  if (fd < 0)
    {
      int e = errno;
      BkRawItem *item = item_new ("-", 0);
      g_set_error (&item->error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot read standard input: %s", g_strerror (e));
      return item;
    }
  return read_message_fd (rd, fd, "-");
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* queue_dir - put the entries of directory @dir at the front of the queue,
 * in order; a Maildir contributes cur/ and new/ only */
static gboolean
queue_dir (BkReader *rd, const char *dir, GError **error)
{
  struct stat st;
  if (stat (dir, &st) == 0)
    {
      char *key = g_strdup_printf ("%lu:%lu", (unsigned long) st.st_dev, (unsigned long) st.st_ino);
      if (!g_hash_table_add (rd->seen_dirs, key))
        return TRUE;   /* already walked: a symlink loop */
    }
  /* the reason alone: GLib's message names the path again, in other
   * quotes, and the caller names it once (g_dir_open keeps no errno) */
  DIR *probe = opendir (dir);
  if (probe == NULL)
    {
      int e = errno;
      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (e), g_strerror (e));
      return FALSE;
    }
  closedir (probe);
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return FALSE;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  gboolean maildir = FALSE;
  while ((name = g_dir_read_name (d)))
    {
      if (name[0] == '.')
        continue;
      if (strcmp (name, "cur") == 0 || strcmp (name, "new") == 0)
        {
          g_autofree char *sub = g_build_filename (dir, name, NULL);
          if (g_file_test (sub, G_FILE_TEST_IS_DIR))
            maildir = TRUE;
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  if (maildir)
    {
      /* cur before new; everything else in a Maildir root is metadata */
      g_ptr_array_set_size (names, 0);
      g_ptr_array_add (names, g_strdup ("cur"));
      g_ptr_array_add (names, g_strdup ("new"));
    }
  for (guint i = names->len; i > 0; i--)
    {
      const char *n = g_ptr_array_index (names, i - 1);
      g_autofree char *full = g_build_filename (dir, n, NULL);
      if (maildir && !g_file_test (full, G_FILE_TEST_IS_DIR))
        continue;
      g_queue_push_head (&rd->pending, g_steal_pointer (&full));
    }
  return TRUE;
}

/* open_path - an item for a single message, or NULL after starting an mbox
 * or queueing a directory's entries */
static BkRawItem *
open_path (BkReader *rd, const char *path, gboolean top)
{
  struct stat st;
  if (stat (path, &st) != 0)
    {
      int e = errno;
      BkRawItem *item = item_new (path, 0);
      g_set_error (&item->error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot open '%s': %s", path, g_strerror (e));
      return item;
    }
  if (S_ISDIR (st.st_mode))
    {
      GError *err = NULL;
      if (!queue_dir (rd, path, &err))
        {
          BkRawItem *item = item_new (path, 0);
          g_set_error (&item->error, err->domain, err->code, "cannot read directory '%s': %s",
                       path, err->message);
          g_error_free (err);
          return item;
        }
      return NULL;
    }
  if (!S_ISREG (st.st_mode) && !(top && (S_ISFIFO (st.st_mode) || S_ISCHR (st.st_mode))))
    return NULL;   /* sockets, devices inside a tree: not mail */

  BkRawItem *item = item_new (path, 0);
  int fd = open (path, O_RDONLY);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (&item->error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot open '%s': %s", path, g_strerror (e));
      return item;
    }
  if (S_ISREG (st.st_mode) && st.st_size > (off_t) BK_MAX_MESSAGE_BYTES)
    {
      /* not an mbox? then too large, without reading it */
      char head[5];
      if (pread (fd, head, sizeof head, 0) != (ssize_t) sizeof head || memcmp (head, "From ", 5) != 0
          || rd->one_message)
        {
          close (fd);
          g_set_error (&item->error, BK_INPUT_ERROR, BK_INPUT_ERROR_TOO_LARGE,
                       "'%s' is larger than %" G_GSIZE_FORMAT " bytes (the limit for one message)",
                       path, (gsize) BK_MAX_MESSAGE_BYTES);
          return item;
        }
    }
  bk_raw_item_free (item);
  return read_message_fd (rd, fd, path);
}

/**
 * bk_reader_next_raw: (skip)
 * @reader: a reader
 *
 * Like bk_reader_next(), without the parse: bk_raw_item_parse() does it.
 *
 * Returns: (transfer full) (nullable): the next message's bytes or input
 *   error, or %NULL at the end
 */
BkRawItem *
bk_reader_next_raw (BkReader *rd)
{
  for (;;)
    {
      if (rd->mbox)
        {
          BkRawItem *item = next_from_mbox (rd);
          if (item)
            return item;
        }
      if (!rd->started)
        {
          rd->started = TRUE;
          if (strcmp (rd->path, "-") == 0)
            return read_stdin (rd);
          BkRawItem *item = open_path (rd, rd->path, TRUE);
          if (item)
            return item;
          continue;
        }
      g_autofree char *next = g_queue_pop_head (&rd->pending);
      if (next == NULL)
        return NULL;
      BkRawItem *item = open_path (rd, next, FALSE);
      if (item)
        return item;
    }
}

/**
 * bk_reader_next:
 * @reader: a reader
 *
 * Reads the next message of the input.
 *
 * Returns: (transfer full) (nullable): the next message or input error, or
 *   %NULL at the end
 *
 * Since: 0.1
 */
BkReaderItem *
bk_reader_next (BkReader *rd)
{
  BkRawItem *raw;
  while ((raw = bk_reader_next_raw (rd)))
    {
      BkReaderItem *item = bk_raw_item_parse (raw);
      if (item)
        return item;
    }
  return NULL;
}
