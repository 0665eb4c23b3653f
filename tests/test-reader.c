/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-reader: which messages a path yields, in which order,
 * with which source and index, and how unreadable input is reported. Every
 * input is built in a fresh g_dir_make_tmp() directory and removed after
 * the test.
 */
#include "analyze/bk-analyze-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* no path yields more items than this; a loop would trip it */
#define MAX_ITEMS 100

#include "bk-test-tmp.h"

/* put - write @content to @dir/@rel (creating directories); the full path */
static char *
put (const char *dir, const char *rel, const char *content, gssize len)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_assert_no_errno (g_mkdir_with_parents (parent, 0755));
  g_file_set_contents (path, content, len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
message_text (const char *subject)
{
  return g_strdup_printf ("From: sender@example.org\nTo: rcpt@example.com\nSubject: %s\n\nbody of %s\n",
                          subject, subject);
}

static char *
put_message (const char *dir, const char *rel, const char *subject)
{
  g_autofree char *text = message_text (subject);
  return put (dir, rel, text, -1);
}

static void
add_message (const char *dir, const char *rel, const char *subject)
{
  g_free (put_message (dir, rel, subject));
}

static void
make_dir (const char *dir, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_assert_no_errno (g_mkdir_with_parents (path, 0755));
}

/* expect - read every item of @path and compare with @n expected
 * (source relative to @dir, index, subject) triples; errors fail */
typedef struct {
  const char *source;   /* relative to the tmp dir, "" for the dir itself */
  gint64 index;
  const char *subject;
} Exp;

static void
expect (const char *dir, const char *path, const Exp *exp, guint n)
{
  g_autoptr (BkReader) rd = bk_reader_new (path);
  guint i = 0;
  BkReaderItem *item;

  while ((item = bk_reader_next (rd)) && i <= MAX_ITEMS)
    {
      g_assert_cmpuint (i, <, n);
      if (i < n)
        {
          g_autofree char *source = g_build_filename (dir, exp[i].source, NULL);
          g_assert_no_error (item->error);
          g_assert_cmpstr (item->source, ==, source);
          g_assert_cmpint (item->index, ==, exp[i].index);
          g_assert_nonnull (item->message);
          if (item->message)
            g_assert_cmpstr (g_mime_message_get_subject (item->message), ==, exp[i].subject);
        }
      bk_reader_item_free (item);
      i++;
    }
  bk_reader_item_free (item);
  g_assert_cmpuint (i, ==, n);
  /* the end stays the end */
  g_assert_null (bk_reader_next (rd));
}

static void
test_single_file (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put_message (fx->dir, "one.eml", "One");
  const Exp exp[] = { { "one.eml", 0, "One" } };

  expect (fx->dir, path, exp, G_N_ELEMENTS (exp));
}

static void
test_single_file_body (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put_message (fx->dir, "one.eml", "One");
  g_autoptr (BkReader) rd = bk_reader_new (path);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);

  g_assert_nonnull (item);
  g_assert_no_error (item->error);
  g_autoptr (BkParts) parts = bk_mime_collect (item->message);
  g_assert_cmpstr (parts->text->str, ==, "body of One\n");
  g_autofree char *from = bk_mime_header (GMIME_OBJECT (item->message), "From");
  g_assert_cmpstr (from, ==, "sender@example.org");
}

#define MBOX_SEP "From sender@example.org Mon Jan  1 00:00:00 2024\n"

static void
test_mbox (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *m1 = message_text ("m1");
  g_autofree char *m2 = message_text ("m2");
  g_autofree char *m3 = message_text ("m3");
  g_autofree char *mbox = g_strconcat (MBOX_SEP, m1, "\n", MBOX_SEP, m2, "\n", MBOX_SEP, m3, NULL);
  g_autofree char *path = put (fx->dir, "box.mbox", mbox, -1);
  const Exp exp[] = { { "box.mbox", 1, "m1" }, { "box.mbox", 2, "m2" }, { "box.mbox", 3, "m3" } };

  expect (fx->dir, path, exp, G_N_ELEMENTS (exp));
}

/* an mbox cut where the "\nFrom " of the next message straddles the
 * splitter's read blocks (256 KiB), at every offset around the edge; the
 * body's last line must stay whole and the next message must start at its
 * own "From " line */
static void
test_mbox_read_edge (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  const gsize block = 256 * 1024;
  g_autofree char *m2 = message_text ("m2");
  for (gsize edge = block - 8; edge <= block + 8; edge++)
    {
      g_autoptr (GString) mbox = g_string_new (MBOX_SEP "From: a@example.org\nSubject: m1\n\n");
      while (mbox->len + 1 < edge)
        g_string_append_c (mbox, mbox->len % 64 == 63 ? '\n' : 'x');
      g_string_truncate (mbox, edge - 1);
      g_string_append (mbox, "y\n");   /* the LF before the cut sits at @edge */
      g_string_append (mbox, MBOX_SEP);
      g_string_append (mbox, m2);
      g_autofree char *path = put (fx->dir, "edge.mbox", mbox->str, mbox->len);
      g_autoptr (BkReader) rd = bk_reader_new (path);
      g_autoptr (BkReaderItem) first = bk_reader_next (rd);
      g_assert_no_error (first->error);
      g_assert_cmpstr (g_mime_message_get_subject (first->message), ==, "m1");
      GMimeObject *body = g_mime_message_get_mime_part (first->message);
      g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (body));
      g_assert_true (g_str_has_suffix (text, "y"));
      g_autoptr (BkReaderItem) second = bk_reader_next (rd);
      g_assert_nonnull (second);
      g_assert_no_error (second->error);
      g_assert_cmpint (second->index, ==, 2);
      g_assert_cmpstr (g_mime_message_get_subject (second->message), ==, "m2");
      g_assert_null (bk_reader_next (rd));
    }
}

/* an unquoted "From " line inside a multipart ends its message there, as
 * everywhere else in an mbox, and the messages after it are still read */
static void
test_mbox_from_in_multipart (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *m3 = message_text ("m3");
  g_autofree char *mbox = g_strconcat (MBOX_SEP,
    "From: a@example.org\nSubject: m1\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
    "Content-Type: text/plain\n\nFrom here on\n--b--\n\n", MBOX_SEP, m3, NULL);
  g_autofree char *path = put (fx->dir, "box.mbox", mbox, -1);
  g_autoptr (BkReader) rd = bk_reader_new (path);
  guint n = 0;
  gboolean saw_m3 = FALSE;
  BkReaderItem *item;
  while ((item = bk_reader_next (rd)) && n < MAX_ITEMS)
    {
      g_assert_no_error (item->error);
      saw_m3 |= g_strcmp0 (g_mime_message_get_subject (item->message), "m3") == 0;
      bk_reader_item_free (item);
      n++;
    }
  bk_reader_item_free (item);
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (saw_m3);
}

/* an mbox met inside a directory walk, with files after it */
static void
test_mbox_in_tree (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *m1 = message_text ("m1");
  g_autofree char *m2 = message_text ("m2");
  g_autofree char *mbox = g_strconcat (MBOX_SEP, m1, "\n", MBOX_SEP, m2, NULL);
  g_free (put (fx->dir, "tree/a.mbox", mbox, -1));
  add_message (fx->dir, "tree/b.eml", "b");
  g_autofree char *root = g_build_filename (fx->dir, "tree", NULL);
  const Exp exp[] = { { "tree/a.mbox", 1, "m1" }, { "tree/a.mbox", 2, "m2" }, { "tree/b.eml", 0, "b" } };

  expect (fx->dir, root, exp, G_N_ELEMENTS (exp));
}

static void
test_maildir (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  add_message (fx->dir, "md/cur/200.host:2,S", "cur-b");
  add_message (fx->dir, "md/cur/100.host:2,", "cur-a");
  add_message (fx->dir, "md/new/050.host", "new-a");
  add_message (fx->dir, "md/tmp/000.host", "tmp-ignored");
  add_message (fx->dir, "md/cur/.hidden", "hidden-ignored");
  g_free (put (fx->dir, "md/dovecot-uidlist", "3 V1 N4\n", -1));
  add_message (fx->dir, "md/aaa.eml", "root-file-ignored");
  g_autofree char *root = g_build_filename (fx->dir, "md", NULL);
  /* cur before new, each in name order; tmp/ and the root's files ignored */
  const Exp exp[] = {
    { "md/cur/100.host:2,", 0, "cur-a" },
    { "md/cur/200.host:2,S", 0, "cur-b" },
    { "md/new/050.host", 0, "new-a" },
  };

  expect (fx->dir, root, exp, G_N_ELEMENTS (exp));
}

/* a Maildir with new/ only */
static void
test_maildir_new_only (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  add_message (fx->dir, "md/new/2", "two");
  add_message (fx->dir, "md/new/1", "one");
  g_autofree char *root = g_build_filename (fx->dir, "md", NULL);
  const Exp exp[] = { { "md/new/1", 0, "one" }, { "md/new/2", 0, "two" } };

  expect (fx->dir, root, exp, G_N_ELEMENTS (exp));
}

static void
test_tree (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  add_message (fx->dir, "t/b.eml", "b");
  add_message (fx->dir, "t/a/z.eml", "a/z");
  add_message (fx->dir, "t/a/c/x.eml", "a/c/x");
  add_message (fx->dir, "t/c.eml", "c");
  add_message (fx->dir, "t/B.eml", "B");
  add_message (fx->dir, "t/.hidden.eml", "hidden");
  add_message (fx->dir, "t/.git/x.eml", "hidden-dir");
  g_autofree char *root = g_build_filename (fx->dir, "t", NULL);
  make_dir (fx->dir, "t/empty");
  /* depth first, byte order at each level, dot-files skipped */
  const Exp exp[] = {
    { "t/B.eml", 0, "B" },
    { "t/a/c/x.eml", 0, "a/c/x" },
    { "t/a/z.eml", 0, "a/z" },
    { "t/b.eml", 0, "b" },
    { "t/c.eml", 0, "c" },
  };

  expect (fx->dir, root, exp, G_N_ELEMENTS (exp));
}

static void
test_symlink_loop (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  add_message (fx->dir, "loop/m.eml", "m");
  add_message (fx->dir, "loop/sub/n.eml", "n");
  g_autofree char *up = g_build_filename (fx->dir, "loop", "sub", "up", NULL);
  g_autofree char *self = g_build_filename (fx->dir, "loop", "sub", "self", NULL);
  g_assert_no_errno (symlink ("..", up));
  g_assert_no_errno (symlink (".", self));
  g_autofree char *root = g_build_filename (fx->dir, "loop", NULL);
  /* each directory is entered once: the walk ends, each message once */
  const Exp exp[] = { { "loop/m.eml", 0, "m" }, { "loop/sub/n.eml", 0, "n" } };

  expect (fx->dir, root, exp, G_N_ELEMENTS (exp));
}

static void
test_unreadable_file (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  if (geteuid () == 0)
    {
      g_test_skip ("root reads every file");
      return;
    }
  g_autofree char *path = put_message (fx->dir, "secret.eml", "secret");
  g_assert_no_errno (g_chmod (path, 0));
  g_autoptr (BkReader) rd = bk_reader_new (path);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);

  g_assert_nonnull (item);
  g_assert_cmpstr (item->source, ==, path);
  g_assert_cmpint (item->index, ==, 0);
  g_assert_null (item->message);
  g_assert_error (item->error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
  if (item->error)
    g_assert_nonnull (strstr (item->error->message, path));
  g_assert_null (bk_reader_next (rd));
}

static void
test_missing_path (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = g_build_filename (fx->dir, "no-such-file.eml", NULL);
  g_autofree char *want = g_strdup_printf ("cannot open '%s': %s", path, g_strerror (ENOENT));
  g_autoptr (BkReader) rd = bk_reader_new (path);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);

  g_assert_nonnull (item);
  if (item == NULL)
    return;
  g_assert_cmpstr (item->source, ==, path);
  g_assert_cmpint (item->index, ==, 0);
  g_assert_null (item->message);
  g_assert_error (item->error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  if (item->error)
    g_assert_cmpstr (item->error->message, ==, want);
  g_assert_null (bk_reader_next (rd));
}

typedef struct {
  const char *name;
  const char *content;
  const char *subject;
  const char *to;
  const char *text;
} LineEndCase;

static const LineEndCase line_end_cases[] = {
  { "lf", "Subject: line ends\nTo: a@example.com\n\nfirst\nsecond\n", "line ends", "a@example.com",
    "first\nsecond\n" },
  { "crlf", "Subject: line ends\r\nTo: a@example.com\r\n\r\nfirst\r\nsecond\r\n", "line ends", "a@example.com",
    "first\nsecond\n" },
  { "cr-only", "Subject: line ends\rTo: a@example.com\r\rfirst\rsecond\r", "line ends", "a@example.com",
    "first\nsecond\n" },
  { "crlf-folded-subject", "Subject: line\r\n ends\r\nTo: a@example.com\r\n\r\nfirst\r\nsecond\r\n", "line ends",
    "a@example.com", "first\nsecond\n" },
};

static void
test_line_ends (TmpFixture *fx, gconstpointer data)
{
  const LineEndCase *c = data;
  g_autofree char *path = put (fx->dir, "msg.eml", c->content, -1);
  g_autoptr (BkReader) rd = bk_reader_new (path);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);

  g_assert_nonnull (item);
  if (item == NULL)
    return;
  g_assert_no_error (item->error);
  g_assert_cmpstr (item->source, ==, path);
  g_assert_nonnull (item->message);
  if (item->message == NULL)
    return;
  g_assert_cmpstr (g_mime_message_get_subject (item->message), ==, c->subject);
  g_autofree char *to = bk_mime_header (GMIME_OBJECT (item->message), "To");
  g_assert_cmpstr (to, ==, c->to);
  g_autoptr (BkParts) parts = bk_mime_collect (item->message);
  g_assert_cmpstr (parts->text->str, ==, c->text);
  g_assert_null (bk_reader_next (rd));
}

/* with_line_ends - @text with every LF replaced by @eol */
static char *
with_line_ends (const char *text, const char *eol)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strjoinv (eol, lines);
}

/* check_mbox_item - @item is message @index of @path, subject "m<index>",
 * its To header and body text free of CR */
static void
check_mbox_item (BkReaderItem *item, const char *path, gint64 index)
{
  g_autofree char *subject = g_strdup_printf ("m%" G_GINT64_FORMAT, index);
  g_autofree char *body = g_strdup_printf ("body of %s\n", subject);
  g_assert_no_error (item->error);
  g_assert_cmpstr (item->source, ==, path);
  g_assert_cmpint (item->index, ==, index);
  g_assert_nonnull (item->message);
  if (item->message == NULL)
    return;
  g_assert_cmpstr (g_mime_message_get_subject (item->message), ==, subject);
  g_autofree char *to = bk_mime_header (GMIME_OBJECT (item->message), "To");
  g_assert_cmpstr (to, ==, "rcpt@example.com");
  g_autoptr (BkParts) parts = bk_mime_collect (item->message);
  g_assert_cmpstr (parts->text->str, ==, body);
}

/* an mbox with CRLF or CR-only line ends splits like an LF one: GMime's
 * mbox parser reads LF only, a CR-only mbox once came out as no message */
static void
test_mbox_line_ends (TmpFixture *fx, gconstpointer data)
{
  const char *eol = data;
  g_autofree char *m1 = message_text ("m1");
  g_autofree char *m2 = message_text ("m2");
  g_autofree char *m3 = message_text ("m3");
  g_autofree char *lf = g_strconcat (MBOX_SEP, m1, "\n", MBOX_SEP, m2, "\n", MBOX_SEP, m3, NULL);
  g_autofree char *mbox = with_line_ends (lf, eol);
  g_autofree char *path = put (fx->dir, "box.mbox", mbox, -1);
  g_autoptr (BkReader) rd = bk_reader_new (path);
  guint n = 0;
  BkReaderItem *item;

  while ((item = bk_reader_next (rd)) && n < MAX_ITEMS)
    {
      n++;
      check_mbox_item (item, path, n);
      bk_reader_item_free (item);
    }
  bk_reader_item_free (item);
  g_assert_cmpuint (n, ==, 3);
  g_assert_null (bk_reader_next (rd));
}

/* many messages of growing size: some CRLF pair straddles every buffer
 * boundary of the stream the mbox parser reads */
#define CHUNK_MESSAGES 60

static void
test_mbox_line_ends_chunks (TmpFixture *fx, gconstpointer data)
{
  const char *eol = data;
  g_autoptr (GString) lf = g_string_new (NULL);
  for (guint i = 1; i <= CHUNK_MESSAGES; i++)
    {
      g_autofree char *subject = g_strdup_printf ("m%u", i);
      g_autofree char *m = message_text (subject);
      g_string_append (lf, MBOX_SEP);
      /* padding headers: the sizes vary from message to message */
      for (guint k = 0; k < i * 7; k++)
        g_string_append_printf (lf, "X-Pad-%u: %.*s\n", k, (int) (k % 50),
                                "..................................................");
      g_string_append (lf, m);
      if (i < CHUNK_MESSAGES)
        g_string_append_c (lf, '\n');   /* the blank line before the next "From " */
    }
  g_autofree char *mbox = with_line_ends (lf->str, eol);
  g_autofree char *path = put (fx->dir, "big.mbox", mbox, -1);
  g_autoptr (BkReader) rd = bk_reader_new (path);
  guint n = 0;
  BkReaderItem *item;

  while ((item = bk_reader_next (rd)) && n < CHUNK_MESSAGES + 1)
    {
      n++;
      g_assert_no_error (item->error);
      g_assert_cmpint (item->index, ==, n);
      if (item->message)
        {
          g_autofree char *subject = g_strdup_printf ("m%u", n);
          g_assert_cmpstr (g_mime_message_get_subject (item->message), ==, subject);
          /* the last padding header of message n */
          g_autofree char *name = g_strdup_printf ("X-Pad-%u", n * 7 - 1);
          g_autofree char *value = bk_mime_header (GMIME_OBJECT (item->message), name);
          g_assert_cmpuint (value ? strlen (value) : 0, ==, (n * 7 - 1) % 50);
          g_autofree char *body = g_strdup_printf ("body of %s\n", subject);
          g_autoptr (BkParts) parts = bk_mime_collect (item->message);
          g_assert_cmpstr (parts->text->str, ==, body);
        }
      bk_reader_item_free (item);
    }
  bk_reader_item_free (item);
  g_assert_cmpuint (n, ==, CHUNK_MESSAGES);
}

/* a file that starts like an mbox but yields no message is an error
 * naming it, never a silent nothing */
static void
test_mbox_no_message (TmpFixture *fx, gconstpointer data)
{
  const char *content = data;
  g_autofree char *path = put (fx->dir, "t/nothing.mbox", content, -1);
  g_autofree char *next = put_message (fx->dir, "t/z.eml", "z");
  g_autofree char *root = g_build_filename (fx->dir, "t", NULL);
  g_autofree char *want = g_strdup_printf ("'%s': starts like an mbox but holds no message", path);
  g_autoptr (BkReader) rd = bk_reader_new (root);

  g_autoptr (BkReaderItem) first = bk_reader_next (rd);
  g_assert_nonnull (first);
  if (first == NULL)
    return;
  g_assert_cmpstr (first->source, ==, path);
  g_assert_cmpint (first->index, ==, 0);
  g_assert_null (first->message);
  g_assert_error (first->error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
  if (first->error)
    g_assert_cmpstr (first->error->message, ==, want);
  /* the walk goes on */
  g_autoptr (BkReaderItem) second = bk_reader_next (rd);
  g_assert_nonnull (second);
  if (second == NULL)
    return;
  g_assert_cmpstr (second->source, ==, next);
  g_assert_no_error (second->error);
  g_assert_null (bk_reader_next (rd));
}

static void
test_empty_file (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx->dir, "empty.eml", "", 0);
  g_autofree char *want = g_strdup_printf ("'%s': empty input", path);
  g_autoptr (BkReader) rd = bk_reader_new (path);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);

  g_assert_nonnull (item);
  if (item == NULL)
    return;
  g_assert_cmpstr (item->source, ==, path);
  g_assert_cmpint (item->index, ==, 0);
  g_assert_null (item->message);
  g_assert_error (item->error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
  if (item->error)
    g_assert_cmpstr (item->error->message, ==, want);
  g_assert_null (bk_reader_next (rd));
}

/* an empty file inside a tree is an error item; the walk goes on */
static void
test_empty_file_in_tree (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *p1 = put (fx->dir, "t/a.eml", "", 0);
  g_autofree char *p2 = put_message (fx->dir, "t/b.eml", "b");
  g_autofree char *root = g_build_filename (fx->dir, "t", NULL);
  g_autoptr (BkReader) rd = bk_reader_new (root);

  g_autoptr (BkReaderItem) first = bk_reader_next (rd);
  g_assert_nonnull (first);
  if (first == NULL)
    return;
  g_assert_cmpstr (first->source, ==, p1);
  g_assert_error (first->error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
  g_assert_null (first->message);
  g_autoptr (BkReaderItem) second = bk_reader_next (rd);
  g_assert_nonnull (second);
  if (second == NULL)
    return;
  g_assert_cmpstr (second->source, ==, p2);
  g_assert_no_error (second->error);
  g_assert_nonnull (second->message);
  g_assert_null (bk_reader_next (rd));
}

static void
test_parse_bytes (void)
{
  g_autoptr (GError) error = NULL;
  GMimeMessage *msg = bk_message_parse_bytes ("", 0, &error);
  g_assert_null (msg);
  g_assert_error (error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
  if (error)
    g_assert_cmpstr (error->message, ==, "empty input");

  /* the length, not a NUL, ends the input */
  const char raw[] = "Subject: cut\n\nbodyXXXX";
  g_autoptr (GMimeMessage) cut = bk_message_parse_bytes (raw, sizeof raw - 1 - 4, NULL);
  g_assert_nonnull (cut);
  g_autoptr (BkParts) parts = bk_mime_collect (cut);
  g_assert_cmpstr (g_mime_message_get_subject (cut), ==, "cut");
  g_assert_cmpstr (parts->text->str, ==, "body");

  /* error may be NULL */
  g_assert_null (bk_message_parse_bytes ("", 0, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();
  bk_init ();

  g_test_add ("/reader/next/single-file", TmpFixture, NULL, tmp_set_up, test_single_file, tmp_tear_down);
  g_test_add ("/reader/next/single-file-content", TmpFixture, NULL, tmp_set_up, test_single_file_body,
              tmp_tear_down);
  g_test_add ("/reader/next/mbox", TmpFixture, NULL, tmp_set_up, test_mbox, tmp_tear_down);
  g_test_add ("/reader/next/mbox-read-edge", TmpFixture, NULL, tmp_set_up, test_mbox_read_edge, tmp_tear_down);
  g_test_add ("/reader/next/mbox-from-in-multipart", TmpFixture, NULL, tmp_set_up, test_mbox_from_in_multipart,
              tmp_tear_down);
  g_test_add ("/reader/next/mbox-in-tree", TmpFixture, NULL, tmp_set_up, test_mbox_in_tree, tmp_tear_down);
  g_test_add ("/reader/next/maildir", TmpFixture, NULL, tmp_set_up, test_maildir, tmp_tear_down);
  g_test_add ("/reader/next/maildir-new-only", TmpFixture, NULL, tmp_set_up, test_maildir_new_only,
              tmp_tear_down);
  g_test_add ("/reader/next/tree", TmpFixture, NULL, tmp_set_up, test_tree, tmp_tear_down);
  g_test_add ("/reader/next/symlink-loop", TmpFixture, NULL, tmp_set_up, test_symlink_loop, tmp_tear_down);
  g_test_add ("/reader/next/unreadable-file", TmpFixture, NULL, tmp_set_up, test_unreadable_file,
              tmp_tear_down);
  g_test_add ("/reader/next/missing-path", TmpFixture, NULL, tmp_set_up, test_missing_path, tmp_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (line_end_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/reader/next/line-ends-", line_end_cases[i].name, NULL);
      g_test_add (path, TmpFixture, &line_end_cases[i], tmp_set_up, test_line_ends, tmp_tear_down);
    }
  static const struct { const char *name; const char *eol; } mbox_ends[] = {
    { "lf", "\n" }, { "crlf", "\r\n" }, { "cr-only", "\r" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (mbox_ends); i++)
    {
      g_autofree char *path = g_strconcat ("/reader/next/mbox-line-ends-", mbox_ends[i].name, NULL);
      g_autofree char *chunks = g_strconcat ("/reader/next/mbox-line-ends-chunks-", mbox_ends[i].name, NULL);
      g_test_add (path, TmpFixture, mbox_ends[i].eol, tmp_set_up, test_mbox_line_ends, tmp_tear_down);
      g_test_add (chunks, TmpFixture, mbox_ends[i].eol, tmp_set_up, test_mbox_line_ends_chunks, tmp_tear_down);
    }
  g_test_add ("/reader/next/mbox-no-message-cr", TmpFixture, "From nobody Mon Jan  1 00:00:00 2024\r",
              tmp_set_up, test_mbox_no_message, tmp_tear_down);
  g_test_add ("/reader/next/mbox-no-message-lf", TmpFixture, "From nobody\n", tmp_set_up,
              test_mbox_no_message, tmp_tear_down);
  g_test_add ("/reader/next/empty-file", TmpFixture, NULL, tmp_set_up, test_empty_file, tmp_tear_down);
  g_test_add ("/reader/next/empty-file-in-tree", TmpFixture, NULL, tmp_set_up, test_empty_file_in_tree,
              tmp_tear_down);
  g_test_add_func ("/reader/message-parse-bytes/basics", test_parse_bytes);

  int rc = g_test_run ();
  g_mime_shutdown ();
  return rc;
}
