/* SPDX-License-Identifier: MIT */
/*
 * Hostile inputs: generated here (nothing large is stored), each must be
 * processed without crash, in bounded time (meson's timeout) and memory,
 * with a clear per-input error where bouncekit gives up, and the batch
 * must go on. Limits exercised: BK_MAX_MIME_DEPTH, BK_MAX_MIME_PARTS,
 * BK_MAX_RECIPIENTS, BK_MAX_DIAG_BYTES, BK_MAX_TEXT_BYTES,
 * BK_MAX_BOUNDARY_LINES, BK_MAX_MESSAGE_BYTES (in an mbox), and the
 * shapes of text that made patterns quadratic (bk-linear.c). Time and
 * memory growth are measured by tests/growth.py (run from .ci/run).
 * BK_HOSTILE_SMALL=1 shrinks the biggest inputs (for valgrind runs).
 */
#include "analyze/bk-analyze-private.h"
#include "read/bk-mbox.h"

#include <glib/gstdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static BkRuleset *rules;
static BkAnalyzer *an;
static gboolean small;

static BkReport *
analyse (const char *data, gsize len)
{
  g_autoptr (GError) err = NULL;
  BkReport *report = bk_analyzer_analyze_bytes (an, data, len, &err);
  if (report == NULL)
    g_assert_nonnull (err);
  return report;
}

static const char dsn_head[] =
  "From: MAILER-DAEMON@mx.example.net\n"
  "Subject: Undelivered Mail Returned to Sender\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"XX\"\n"
  "\n--XX\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
  "--XX\nContent-Type: message/delivery-status\n";

static void
test_empty (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (BkReport) report = bk_analyzer_analyze_bytes (an, "", 0, &err);
  g_assert_null (report);
  g_assert_error (err, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
}

static void
test_binary_junk (void)
{
  GRand *rand = g_rand_new_with_seed (42);
  gsize len = 1 << 20;
  g_autofree char *junk = g_malloc (len);
  for (gsize i = 0; i < len; i++)
    junk[i] = (char) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  /* junk either fails to parse with a clear error or is no bounce */
  g_autoptr (GError) err = NULL;
  g_autoptr (BkReport) report = bk_analyzer_analyze_bytes (an, junk, len, &err);
  if (report == NULL)
    g_assert_error (err, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
  else
    g_assert_cmpuint (report->recipients->len, ==, 0);
  /* NUL bytes inside an otherwise valid bounce */
  g_autoptr (GString) s = g_string_new (dsn_head);
  g_string_append (s, "\nFinal-Recipient: rfc822; nul@example.com\nAction: failed\nStatus: 5.1.1\n");
  g_string_append_len (s, "Diagnostic-Code: smtp; 550 5.1.1 user\0 unknown\n", 47);
  g_string_append (s, "--XX--\n");
  g_autoptr (BkReport) r2 = analyse (s->str, s->len);
  g_assert_nonnull (r2);
  g_assert_cmpuint (r2->recipients->len, ==, 1);
  BkRecipient *r = g_ptr_array_index (r2->recipients, 0);
  g_assert_cmpstr (r->recipient, ==, "nul@example.com");
  g_assert_cmpstr (r->status, ==, "5.1.1");
}

static void
test_big_message (void)
{
  gsize size = small ? (2u << 20) : (50u << 20);
  g_autoptr (GString) s = g_string_sized_new (size + 4096);
  g_string_append (s, dsn_head);
  g_string_append (s, "\nFinal-Recipient: rfc822; big@example.com\nAction: failed\nStatus: 5.2.2\n\n");
  g_string_append (s, "--XX\nContent-Type: text/plain\n\n");
  while (s->len < size)
    g_string_append (s, "This line is filler text that makes the message very large indeed.\n");
  g_string_append (s, "--XX--\n");
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, 1);
  BkRecipient *r = g_ptr_array_index (report->recipients, 0);
  g_assert_cmpstr (r->reason, ==, "mailboxfull");
}

static void
test_long_line (void)
{
  gsize size = small ? (4u << 20) : (100u << 20);
  g_autofree char *data = g_malloc (size + 64);
  strcpy (data, "Subject: x\n\n");
  gsize off = strlen (data);
  memset (data + off, 'a', size - off);
  g_autoptr (BkReport) report = analyse (data, size);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, 0);
  /* a 1 MB header line */
  gsize hl = 1 << 20;
  g_autoptr (GString) s = g_string_new ("Subject: ");
  for (gsize i = 0; i < hl; i++)
    g_string_append_c (s, 'b');
  g_string_append (s, "\nX-Failed-Recipients: ");
  for (gsize i = 0; i < hl / 16; i++)
    g_string_append (s, "a@example.com, ");
  g_string_append (s, "\nFrom: MAILER-DAEMON@example.org\n\nbody\n");
  g_autoptr (BkReport) r2 = analyse (s->str, s->len);
  g_assert_nonnull (r2);
  g_assert_cmpuint (r2->recipients->len, <=, BK_MAX_RECIPIENTS);
}

static void
test_many_parts (void)
{
  guint parts = small ? 2000 : 10000;
  g_autoptr (GString) s = g_string_new ("Content-Type: multipart/mixed; boundary=\"P\"\n\n");
  for (guint i = 0; i < parts; i++)
    g_string_append_printf (s, "--P\nContent-Type: text/plain\n\npart %u\n", i);
  g_string_append (s, "--P--\n");
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, 0);
}

static void
test_deep_nesting (void)
{
  guint depth = 1000;
  g_autoptr (GString) s = g_string_new ("");
  for (guint i = 0; i < depth; i++)
    g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
  g_string_append (s, "Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; deep@example.com\nAction: failed\nStatus: 5.1.1\n");
  for (guint i = depth; i > 0; i--)
    g_string_append_printf (s, "--b%u--\n", i - 1);
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  g_assert_nonnull (report);
  /* beyond BK_MAX_MIME_DEPTH the DSN part is not reached: nothing reported */
  g_assert_cmpuint (report->recipients->len, ==, 0);
}

static void
test_unclosed_boundary (void)
{
  g_autoptr (GString) s = g_string_new (dsn_head);
  g_string_append (s, "\nFinal-Recipient: rfc822; open@example.com\nAction: failed\nStatus: 5.1.1\n");
  /* no closing --XX-- and a truncated last line */
  g_string_append (s, "Diagnostic-Code: smtp; 550 5.1.1 no such us");
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, 1);
  BkRecipient *r = g_ptr_array_index (report->recipients, 0);
  g_assert_cmpstr (r->recipient, ==, "open@example.com");
  g_assert_cmpstr (r->klass == BK_BOUNCE_CLASS_HARD ? "hard" : "other", ==, "hard");
}

static void
test_bad_encodings (void)
{
  static const char *const encodings[] = { "base64", "quoted-printable" };
  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      g_autoptr (GString) s = g_string_new (dsn_head);
      g_string_truncate (s, s->len - 1);
      g_string_append_printf (s, "\nContent-Transfer-Encoding: %s\n\n", encodings[i]);
      g_string_append (s, "!!!%%%===?? not valid =ZZ =\n@@@@\xff\xfe\n--XX--\n");
      g_autoptr (BkReport) report = analyse (s->str, s->len);
      g_assert_nonnull (report);
    }
}

static void
test_many_recipients (void)
{
  guint n = small ? 20000 : 100000;
  g_autoptr (GString) s = g_string_new (dsn_head);
  g_string_append (s, "\nReporting-MTA: dns; mx.example.net\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "\nFinal-Recipient: rfc822; user%u@example.com\nAction: failed\nStatus: 5.1.1\n", i);
  g_string_append (s, "--XX--\n");
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, BK_MAX_RECIPIENTS);
}

/* a JSON event notice with 100,000 recipients (past the text limit: not
 * read, no crash) or 4,000 (read whole); an array nested 100,000 deep is
 * no crash */
static GString *
json_notice (guint recipients)
{
  GString *s = g_string_new ("From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
                             "Subject: AWS Notification Message\n"
                             "Content-Type: text/plain\n\n"
                             "{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[");
  for (guint i = 0; i < recipients; i++)
    g_string_append_printf (s, "%s{\"emailAddress\":\"user%u@example.com\",\"status\":\"5.1.1\"}",
                            i ? "," : "", i);
  g_string_append (s, "]}");
  return s;
}

static void
test_json_notice (void)
{
  g_autoptr (GString) many = json_notice (small ? 20000 : 100000);
  g_string_append (many, "}\n");
  g_autoptr (BkReport) truncated = analyse (many->str, many->len);
  g_assert_nonnull (truncated);
  g_assert_cmpuint (truncated->recipients->len, ==, 0);

  g_autoptr (GString) some = json_notice (4000);
  g_string_append (some, "}\n");
  g_autoptr (BkReport) whole = analyse (some->str, some->len);
  g_assert_nonnull (whole);
  g_assert_cmpuint (whole->recipients->len, ==, 4000);

  g_autoptr (GString) deep = json_notice (1);
  g_string_append (deep, ",\"deep\":");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}\n");
  g_autoptr (BkReport) nested = analyse (deep->str, deep->len);
  g_assert_nonnull (nested);
  g_assert_cmpuint (nested->recipients->len, <=, 1);
}

static void
test_long_diagnostic (void)
{
  g_autoptr (GString) s = g_string_new (dsn_head);
  g_string_append (s, "\nFinal-Recipient: rfc822; long@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550");
  for (guint i = 0; i < 20000; i++)
    g_string_append (s, "\n  folded text line");
  g_string_append (s, "\n--XX--\n");
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  BkRecipient *r = g_ptr_array_index (report->recipients, 0);
  g_assert_cmpuint (strlen (r->diagnostic), <=, BK_MAX_DIAG_BYTES);
  g_assert_null (strchr (r->diagnostic, '\n'));
}

static void
test_invalid_utf8_charset (void)
{
  static const char msg[] =
    "From: MAILER-DAEMON@mx.example.net\n"
    "Subject: =?x-no-such-charset?B?/////w==?= Undeliverable\n"
    "X-Failed-Recipients: bad@example.com\n"
    "Content-Type: text/plain; charset=\"x-no-such-charset\"\n"
    "\n"
    "Delivery failed \xff\xfe\xc3\x28 for bad@example.com: 550 5.1.1 \xe2\x82 user unknown\n";
  g_autoptr (BkReport) report = analyse (msg, sizeof msg - 1);
  g_assert_nonnull (report);
  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      g_autoptr (JsonNode) node = bk_report_recipient_to_json (report, r, "x", 0);
      g_autofree char *json = json_to_string (node, FALSE);
      g_assert_true (g_utf8_validate (json, -1, NULL));
      g_assert_null (strchr (json, '\n'));
    }
}

/* a hundred charset names, none known and then real ones: converters are
 * kept per charset up to a bound, and none opened past it may be lost
 * (the leak checkers of the valgrind and ASan runs see every one); the
 * text reads the same either way */
static void
test_many_charsets (void)
{
  static const char *const real[] = {
    "ISO-8859-2", "ISO-8859-5", "ISO-8859-7", "ISO-8859-15", "windows-1250", "windows-1251",
    "windows-1252", "KOI8-R", "KOI8-U", "IBM850", "IBM866", "macintosh",
  };
  for (guint i = 0; i < 100 + G_N_ELEMENTS (real); i++)
    {
      g_autofree char *charset = i < 100 ? g_strdup_printf ("x-no-such-charset-%u", i)
                                         : g_strdup (real[i - 100]);
      g_autofree char *msg = g_strdup_printf (
        "From: MAILER-DAEMON@mx.example.net\n"
        "Subject: Undeliverable\n"
        "Content-Type: text/plain; charset=\"%s\"\n"
        "\n"
        "Delivery to the following recipient failed: bad@example.com \xe9\xe8\n"
        "550 5.1.1 user unknown\n", charset);
      g_autoptr (BkReport) report = analyse (msg, strlen (msg));
      g_assert_nonnull (report);
      g_assert_cmpuint (report->recipients->len, ==, 1);
      BkRecipient *r = g_ptr_array_index (report->recipients, 0);
      g_assert_cmpstr (r->recipient, ==, "bad@example.com");
      g_assert_cmpstr (r->status, ==, "5.1.1");
    }
}

static guint
count_items (const char *path, guint *out_errors)
{
  g_autoptr (BkReader) rd = bk_reader_new (path);
  BkReaderItem *item;
  guint n = 0;
  *out_errors = 0;
  while ((item = bk_reader_next (rd)))
    {
      n++;
      if (item->error)
        (*out_errors)++;
      else
        {
          g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
          g_assert_nonnull (report);
        }
      bk_reader_item_free (item);
    }
  return n;
}

static void
test_broken_mbox (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bk-hostile-XXXXXX", &err);
  g_autofree char *path = g_build_filename (dir, "broken.mbox", NULL);
  g_file_set_contents (path,
    "From \n"
    "Subject: one\n\nbody\n"
    "From nobody\n"
    "From garbage line without date\n"
    "Subject: two\n\n\n"
    "From x@y Thu Jan  1 00:00:00 1970\n"
    "\n", -1, &err);
  g_assert_no_error (err);
  guint errors;
  guint n = count_items (path, &errors);
  g_assert_cmpuint (n, >=, 1);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_maildir_loops (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bk-hostile-XXXXXX", &err);
  g_autofree char *sub = g_build_filename (dir, "a", NULL);
  g_autofree char *loop = g_build_filename (sub, "loop", NULL);
  g_autofree char *msg = g_build_filename (sub, "m1", NULL);
  g_autofree char *unreadable = g_build_filename (sub, "m2", NULL);
  g_autofree char *dangling = g_build_filename (sub, "dangling", NULL);
  g_mkdir (sub, 0700);
  g_file_set_contents (msg, "Subject: hi\n\nhello\n", -1, NULL);
  g_file_set_contents (unreadable, "Subject: secret\n\n", -1, NULL);
  g_chmod (unreadable, 0);
  g_assert_cmpint (symlink ("..", loop), ==, 0);
  g_assert_cmpint (symlink ("/nonexistent/target", dangling), ==, 0);
  guint errors;
  guint n = count_items (dir, &errors);
  /* m1, m2 (an error unless we are root), the dangling link (an error):
   * each once, the loop walked once */
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (errors, ==, geteuid () == 0 ? 1 : 2);
  g_unlink (loop);
  g_unlink (dangling);
  g_unlink (msg);
  g_unlink (unreadable);
  g_rmdir (sub);
  g_rmdir (dir);
}

/* the issue's reproducer: 256,000 blank lines before an Exchange
 * failure text; each ^\s* pattern rescanned them from every line start */
static void
test_blank_lines (void)
{
  guint lines = small ? 32000 : 256000;
  g_autoptr (GString) s = g_string_new ("From: postmaster@example.org\nTo: sender@example.com\n"
                                        "Subject: Undeliverable: hello\nContent-Type: text/plain\n\n");
  for (guint i = 0; i < lines; i++)
    g_string_append_c (s, '\n');
  g_string_append (s, "Delivery has failed to these recipients or groups:\nuser@example.com\n");
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  gint64 took = g_get_monotonic_time () - t0;
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, 1);
  BkRecipient *r = g_ptr_array_index (report->recipients, 0);
  g_assert_cmpstr (r->recipient, ==, "user@example.com");
  /* generous: it takes a fraction of a second; quadratic took minutes */
  g_assert_cmpint (took, <, 20 * G_USEC_PER_SEC);
  /* spaces and tabs instead of newlines, one long line */
  g_string_truncate (s, 0);
  g_string_append (s, "From: postmaster@example.org\nSubject: Undeliverable: hello\n\n");
  for (guint i = 0; i < lines; i++)
    g_string_append_c (s, i % 2 ? ' ' : '\t');
  g_string_append (s, "\nDelivery has failed to these recipients or groups:\nuser@example.com\n");
  g_autoptr (BkReport) r2 = analyse (s->str, s->len);
  g_assert_nonnull (r2);
}

/* header fields are cut to BK_MAX_HEADER_FIELD_BYTES before GMime (it
 * took 60 times a field's size); a message with CR-only line ends, its
 * header no line to cut, keeps its body */
static void
test_huge_header_field (void)
{
  g_autoptr (GString) s = g_string_new ("From: MAILER-DAEMON@example.org\nSubject: Undeliverable: ");
  for (guint i = 0; i < (small ? 50000u : 500000u); i++)
    g_string_append (s, "x ");
  g_string_append (s, "\nX-Failed-Recipients: huge@example.com\n\nDelivery has failed.\n");
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (s->str, s->len, NULL);
  g_assert_nonnull (msg);
  const char *subject = g_mime_object_get_header (GMIME_OBJECT (msg), "Subject");
  g_assert_nonnull (subject);
  g_assert_cmpuint (strlen (subject), <=, BK_MAX_HEADER_FIELD_BYTES);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients"), ==, "huge@example.com");
  /* CR-only line ends, 300 KiB of text: the body is all there */
  g_autoptr (GString) cr = g_string_new (dsn_head);
  g_string_append (cr, "\nFinal-Recipient: rfc822; cr@example.com\nAction: failed\nStatus: 5.1.1\n\n"
                       "--XX\nContent-Type: text/plain\n\n");
  while (cr->len < 300 * 1024)
    g_string_append (cr, "filler text of a returned message\n");
  g_string_append (cr, "--XX--\n");
  g_strdelimit (cr->str, "\n", '\r');
  g_autoptr (BkReport) report = analyse (cr->str, cr->len);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->recipients->len, ==, 1);
  BkRecipient *r = g_ptr_array_index (report->recipients, 0);
  g_assert_cmpstr (r->recipient, ==, "cr@example.com");
}

/* a million empty parts: GMime is given BK_MAX_BOUNDARY_LINES of them */
static void
test_million_parts (void)
{
  guint parts = small ? 20000 : 1000000;
  g_autoptr (GString) s = g_string_new ("From: postmaster@example.org\nSubject: Undeliverable: hello\n"
                                        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
  for (guint i = 0; i < parts; i++)
    g_string_append (s, "--b\n\n");
  g_string_append (s, "--b--\n");
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (BkReport) report = analyse (s->str, s->len);
  g_assert_nonnull (report);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 20 * G_USEC_PER_SEC);
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (s->str, s->len, NULL);
  g_assert_nonnull (msg);
  GMimeObject *body = g_mime_message_get_mime_part (msg);
  g_assert_true (GMIME_IS_MULTIPART (body));
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (body)), <=, BK_MAX_BOUNDARY_LINES);
}

/* /dev/zero given as a path: a clear error at once, not an allocation */
static void
test_dev_zero (void)
{
  if (!g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/zero");
      return;
    }
  g_autoptr (BkReader) rd = bk_reader_new ("/dev/zero");
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);
  g_assert_nonnull (item);
  g_assert_error (item->error, BK_INPUT_ERROR, BK_INPUT_ERROR_NOT_A_MESSAGE);
  g_assert_nonnull (strstr (item->error->message, "/dev/zero"));
}

/* a message of an mbox over the size limit is dropped as it streams
 * and reported; the messages around it are read */
static void
test_mbox_oversize (void)
{
  g_autoptr (GString) s = g_string_new ("From a@b Thu Jan  1 00:00:00 1970\nSubject: one\n\nfirst\n");
  g_string_append (s, "From a@b Thu Jan  1 00:00:00 1970\nSubject: big\n\n");
  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "filler line of the big message\n");
  g_string_append (s, "From a@b Thu Jan  1 00:00:00 1970\nSubject: three\n\nthird\n");
  GByteArray *bytes = g_byte_array_new ();
  g_byte_array_append (bytes, (const guint8 *) s->str, s->len);
  g_autofree char *dir = g_dir_make_tmp ("bk-hostile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.mbox", NULL);
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  int fd = open (path, O_RDONLY);
  g_assert_cmpint (fd, >=, 0);
  g_autoptr (BkMboxSplitter) sp = bk_mbox_splitter_new_fd (fd, FALSE);
  bk_mbox_splitter_set_max (sp, 64 * 1024);
  const char *want[] = { "one", NULL, "three" };
  for (guint i = 0; i < 3; i++)
    {
      char *data = NULL;
      gsize len = 0;
      gboolean last = FALSE;
      g_autoptr (GError) err = NULL;
      g_assert_true (bk_mbox_splitter_next (sp, &data, &len, &last, &err));
      g_assert_no_error (err);
      if (want[i])
        {
          g_assert_nonnull (data);
          g_autofree char *subject = g_strconcat ("Subject: ", want[i], NULL);
          g_assert_nonnull (strstr (data, subject));
        }
      else
        {
          g_assert_null (data);
          g_assert_cmpuint (len, >, 64 * 1024);
        }
      g_free (data);
      g_assert_true (last == (i == 2));
    }
  g_byte_array_unref (bytes);
  g_unlink (path);
  g_rmdir (dir);
}

/* check's reader: procmail's envelope line, then a bounce with body
 * lines starting "From ": one message, not an mbox cut in pieces */
static void
test_one_message_from_lines (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bk-hostile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "piped.eml", NULL);
  g_autoptr (GString) s = g_string_new ("From MAILER-DAEMON  Mon Dec  7 17:00:00 2026\n");
  g_string_append (s, dsn_head);
  g_string_append (s, "\nFinal-Recipient: rfc822; late@example.com\nAction: failed\nStatus: 5.1.1\n\n--XX--\n");
  /* the text part says "From the remote server" before the report */
  char *at = strstr (s->str, "Your message could not be delivered.");
  g_string_insert (s, at - s->str, "From the remote server:\n\n");
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  g_autoptr (BkReader) rd = bk_reader_new (path);
  bk_reader_set_one_message (rd, TRUE);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);
  g_assert_nonnull (item);
  g_assert_no_error (item->error);
  g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
  g_assert_cmpuint (report->recipients->len, ==, 1);
  BkRecipient *r = g_ptr_array_index (report->recipients, 0);
  g_assert_cmpstr (r->recipient, ==, "late@example.com");
  g_autoptr (BkReaderItem) none = bk_reader_next (rd);
  g_assert_null (none);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bk_init ();
  small = g_getenv ("BK_HOSTILE_SMALL") != NULL;
  g_autoptr (GError) err = NULL;
  rules = bk_ruleset_load_dir (g_getenv ("BK_RULES_DIR"), &err);
  g_assert_no_error (err);
  an = bk_analyzer_new (rules);
  g_test_add_func ("/hostile/empty", test_empty);
  g_test_add_func ("/hostile/binary-junk-and-nul", test_binary_junk);
  g_test_add_func ("/hostile/50mb-message", test_big_message);
  g_test_add_func ("/hostile/100mb-line-and-1mb-header", test_long_line);
  g_test_add_func ("/hostile/10000-parts", test_many_parts);
  g_test_add_func ("/hostile/nested-1000-deep", test_deep_nesting);
  g_test_add_func ("/hostile/unclosed-boundary", test_unclosed_boundary);
  g_test_add_func ("/hostile/invalid-base64-qp", test_bad_encodings);
  g_test_add_func ("/hostile/100000-recipients", test_many_recipients);
  g_test_add_func ("/hostile/json-notice", test_json_notice);
  g_test_add_func ("/hostile/long-diagnostic", test_long_diagnostic);
  g_test_add_func ("/hostile/invalid-utf8-charset", test_invalid_utf8_charset);
  g_test_add_func ("/hostile/many-charsets", test_many_charsets);
  g_test_add_func ("/hostile/broken-mbox", test_broken_mbox);
  g_test_add_func ("/hostile/maildir-unreadable-and-loops", test_maildir_loops);
  g_test_add_func ("/hostile/256000-blank-lines", test_blank_lines);
  g_test_add_func ("/hostile/million-empty-parts", test_million_parts);
  g_test_add_func ("/hostile/huge-header-field", test_huge_header_field);
  g_test_add_func ("/hostile/dev-zero", test_dev_zero);
  g_test_add_func ("/hostile/mbox-message-over-limit", test_mbox_oversize);
  g_test_add_func ("/hostile/one-message-from-lines", test_one_message_from_lines);
  int rc = g_test_run ();
  bk_analyzer_free (an);
  bk_ruleset_unref (rules);
  return rc;
}
