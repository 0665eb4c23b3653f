/* SPDX-License-Identifier: MIT */
/*
 * bk-mbox - cut an mbox into the raw bytes of its messages, without
 * parsing them, so that the parse can run on another thread.
 *
 * The cuts are GMime's (GMIME_FORMAT_MBOX, Content-Length not
 * respected): a message starts at its "From " line and ends before the
 * next line that starts with "From ", wherever that line is; the line end
 * before that "From " belongs to the cut, not to the message (GMime drops
 * it too), and the last message runs to the end of the input. Each piece
 * starts with its "From " line and parses with GMIME_FORMAT_MBOX into the
 * message GMime's streaming mbox parser would have built.
 *
 * With @cr, CRLF and lone CR line ends become LF as the bytes come in
 * (GMime's mbox parser splits on LF only); a CR at the end of one read
 * whose LF starts the next is one line end.
 *
 * One message is held in memory at a time, plus at most one read block;
 * a message longer than the splitter's limit is not kept: its bytes are
 * dropped as they come until the next cut, and it is reported as too
 * large, so memory stays bounded by the limit whatever the input.
 */
#define _GNU_SOURCE   /* memmem */
#include "read/bk-mbox.h"

#include "read/bk-read-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* READ_BLOCK - bytes asked of read() at a time: large enough that a file
 * of typical bounces takes few system calls */
#define READ_BLOCK ((gsize) 256 * 1024)

struct _BkMboxSplitter {
  int fd;            /* owned; -1 when reading from memory or at the end */
  gboolean cr;       /* normalise line ends */
  gboolean after_cr; /* the last byte read was a CR turned into LF */
  gboolean eof;      /* nothing more to read */
  char *buf;
  gsize cap;
  gsize start;       /* the current message's first byte */
  gsize len;         /* bytes in buf */
  gsize scan;        /* where the search for the next "\nFrom " resumes */
  gsize max;         /* longest message kept (bytes) */
  gboolean skipping; /* the current message is over @max: dropping it */
  gsize skipped;     /* bytes of it dropped so far */
};

/* normalise - turn CRLF and lone CR of @data[0..@len) into LF in place;
 * returns the new length */
static gsize
normalise (BkMboxSplitter *sp, char *data, gsize len)
{
  return bk_text_newlines_to_lf (&sp->after_cr, data, len, data);
}

/* fill - read one more block after the current message's bytes */
static gboolean
fill (BkMboxSplitter *sp, GError **error)
{
  if (sp->start > 0)
    {
      memmove (sp->buf, sp->buf + sp->start, sp->len - sp->start);
      sp->len -= sp->start;
      sp->scan -= sp->start;
      sp->start = 0;
    }
  if (sp->len + READ_BLOCK > sp->cap)
    {
      /* doubling, but never far past what a message may hold */
      sp->cap = MAX (MIN (sp->cap * 2, sp->max + 2 * READ_BLOCK), sp->len + READ_BLOCK);
      sp->buf = g_realloc (sp->buf, sp->cap);
    }
  ssize_t n;
  do
    n = read (sp->fd, sp->buf + sp->len, READ_BLOCK);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s", g_strerror (e));
      return FALSE;
    }
  if (n == 0)
    {
      sp->eof = TRUE;
      return TRUE;
    }
  gsize got = sp->cr ? normalise (sp, sp->buf + sp->len, n) : (gsize) n;
  sp->len += got;
  return TRUE;
}

static BkMboxSplitter *
splitter_new (gboolean cr)
{
  BkMboxSplitter *sp = g_new0 (BkMboxSplitter, 1);
  sp->fd = -1;
  sp->cr = cr;
  sp->max = BK_MAX_MESSAGE_BYTES;
  return sp;
}

/**
 * bk_mbox_splitter_new_fd: (skip)
 * @fd: (transfer full): an open mbox, read from its current offset
 * @cr: turn CRLF and lone CR line ends into LF
 */
BkMboxSplitter *
bk_mbox_splitter_new_fd (int fd, gboolean cr)
{
  return bk_mbox_splitter_new_fd_head (fd, cr, NULL, 0);
}

/**
 * bk_mbox_splitter_new_fd_head: (skip)
 * @fd: (transfer full): an open mbox (a pipe, say), read from its
 *   current offset
 * @cr: turn CRLF and lone CR line ends into LF
 * @head: (nullable): bytes already read from @fd, its first
 * @head_len: their length
 */
BkMboxSplitter *
bk_mbox_splitter_new_fd_head (int fd, gboolean cr, const char *head, gsize head_len)
{
  BkMboxSplitter *sp = splitter_new (cr);
  sp->fd = fd;
  if (head_len > 0)
    {
      sp->cap = MAX (head_len, READ_BLOCK);
      sp->buf = g_malloc (sp->cap);
      memcpy (sp->buf, head, head_len);
      sp->len = cr ? normalise (sp, sp->buf, head_len) : head_len;
    }
  return sp;
}

/**
 * bk_mbox_splitter_set_max: (skip)
 * @sp: a splitter
 * @max: the longest message kept, in bytes; longer ones are reported as
 *   too large (default BK_MAX_MESSAGE_BYTES)
 */
void
bk_mbox_splitter_set_max (BkMboxSplitter *sp, gsize max)
{
  sp->max = MAX (max, 64);
}

/**
 * bk_mbox_splitter_new_bytes: (skip)
 * @bytes: (transfer full): a whole mbox in memory
 * @cr: turn CRLF and lone CR line ends into LF
 */
BkMboxSplitter *
bk_mbox_splitter_new_bytes (GByteArray *bytes, gboolean cr)
{
  BkMboxSplitter *sp = splitter_new (cr);
  sp->cap = bytes->len;
  sp->len = bytes->len;
  sp->buf = (char *) g_byte_array_free (bytes, FALSE);
  if (cr)
    sp->len = normalise (sp, sp->buf, sp->len);
  sp->eof = TRUE;
  return sp;
}

/**
 * bk_mbox_splitter_next: (skip)
 * @sp: a splitter
 * @out_data: (out) (transfer full): the next message, its "From " line
 *   first, NUL-terminated
 * @out_len: (out): its length
 * @out_last: (out): whether it runs to the end of the input
 * @error: return location for a read error
 *
 * A message over the splitter's limit comes back with @out_data %NULL
 * and @out_len its size: its bytes were dropped as they came.
 *
 * Returns: %TRUE with a message; %FALSE at the end or with @error set
 */
gboolean
bk_mbox_splitter_next (BkMboxSplitter *sp, char **out_data, gsize *out_len, gboolean *out_last,
                       GError **error)
{
  for (;;)
    {
      if (sp->start >= sp->len && sp->eof)
        return FALSE;
      /* a cut is a "\nFrom " after the message's first byte */
      gsize from = MAX (sp->scan, sp->start);
      const char *hit = NULL;
      if (sp->len > from)
        hit = memmem (sp->buf + from, sp->len - from, "\nFrom ", 6);
      if (hit || sp->eof)
        {
          gsize end = hit ? (gsize) (hit - sp->buf) : sp->len;
          gsize n = end - sp->start;
          if (sp->skipping || n > sp->max)
            {
              *out_data = NULL;
              *out_len = sp->skipped + n;
              *out_last = hit == NULL;
              sp->skipping = FALSE;
              sp->skipped = 0;
              sp->start = hit ? end + 1 : sp->len;
              sp->scan = sp->start;
              return TRUE;
            }
          char *data = g_malloc (n + 1);
          memcpy (data, sp->buf + sp->start, n);
          data[n] = '\0';
          sp->start = hit ? end + 1 : sp->len;
          sp->scan = sp->start;
          *out_data = data;
          *out_len = n;
          *out_last = hit == NULL;
          return TRUE;
        }
      /* not found yet: the next search starts where a "\nFrom " cut by
       * the read boundary would begin */
      sp->scan = sp->len >= 5 ? MAX (sp->len - 5, sp->start) : sp->start;
      if (sp->len - sp->start > sp->max)
        {
          /* too large: keep only the bytes a cut may start in */
          sp->skipping = TRUE;
          sp->skipped += sp->scan - sp->start;
          sp->start = sp->scan;
        }
      if (!fill (sp, error))
        return FALSE;
    }
}

/**
 * bk_mbox_splitter_free: (skip)
 * @sp: (transfer full) (nullable): a splitter
 */
void
bk_mbox_splitter_free (BkMboxSplitter *sp)
{
  if (sp == NULL)
    return;
  if (sp->fd >= 0)
    close (sp->fd);
  g_free (sp->buf);
  g_free (sp);
}
