/* SPDX-License-Identifier: MIT */
/*
 * CLI tests: run the built bouncekit binary (BOUNCEKIT_BIN) through
 * GSubprocess and check exit status, stdout and stderr of scan, check,
 * explain and rules check, on messages written by the tests themselves.
 */
#include "analyze/bk-analyze-private.h"

#include <glib/gstdio.h>
#include <string.h>

static char *tmpdir;
static const char *bin;

static const char dsn_msg[] =
  "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
  "To: sender@example.org\n"
  "Subject: Undelivered Mail Returned to Sender\n"
  "Date: Mon, 2 Mar 2026 10:00:00 +0000\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
  "\n"
  "--B\n"
  "Content-Type: text/plain\n"
  "\n"
  "Your message could not be delivered.\n"
  "--B\n"
  "Content-Type: message/delivery-status\n"
  "\n"
  "Reporting-MTA: dns; mx.example.net\n"
  "\n"
  "Final-Recipient: rfc822; gone@example.com\n"
  "Original-Recipient: rfc822; Gone@example.com\n"
  "Action: failed\n"
  "Status: 5.1.1\n"
  "Remote-MTA: dns; mx.example.com\n"
  "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address\n"
  "    rejected: User unknown in local recipient table\n"
  "\n"
  "--B\n"
  "Content-Type: text/rfc822-headers\n"
  "\n"
  "From: sender@example.org\n"
  "To: gone@example.com\n"
  "Subject: Hello list\n"
  "Message-ID: <abc123@example.org>\n"
  "List-Id: <news.example.org>\n"
  "--B--\n";

static const char plain_msg[] =
  "From: alice@example.org\n"
  "To: bob@example.com\n"
  "Subject: about those 550 errors\n"
  "\n"
  "Hi Bob, our server keeps logging 550 5.1.1 user unknown for old\n"
  "addresses; can you clean the list?\n";

static char *
write_tmp (const char *name, const char *content)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr (GError) err = NULL;
  g_file_set_contents (path, content, -1, &err);
  g_assert_no_error (err);
  return path;
}

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* run - bouncekit ARGS..., stdin from @input (NULL: empty). The input
 * is a file, not a pipe: a command that exits before reading it (a usage
 * error) must not kill the test with SIGPIPE. */
static Run
run (const char *input, const char *stdout_path, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) bin);
  va_list ap;
  va_start (ap, stdout_path);
  const char *a;
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (flags | (stdout_path ? 0 : G_SUBPROCESS_FLAGS_STDOUT_PIPE));
  if (stdout_path)
    g_subprocess_launcher_set_stdout_file_path (l, stdout_path);
  g_autoptr (GError) err = NULL;
  g_autofree char *stdin_path = g_build_filename (tmpdir, "stdin", NULL);
  g_file_set_contents (stdin_path, input ? input : "", -1, &err);
  g_assert_no_error (err);
  g_subprocess_launcher_set_stdin_file_path (l, stdin_path);
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &err);
  g_assert_no_error (err);
  Run r = { 0 };
  g_subprocess_communicate_utf8 (p, NULL, NULL, &r.out, &r.err, &err);
  g_assert_no_error (err);
  r.status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  return r;
}

static void
test_help (void)
{
  Run r = run (NULL, NULL, "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "scan"));
  g_assert_nonnull (strstr (r.out, "check"));
  g_assert_nonnull (strstr (r.out, "explain"));
  run_clear (&r);
  r = run (NULL, NULL, "--version", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "bouncekit "));
  run_clear (&r);
  r = run (NULL, NULL, "frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command 'frobnicate'"));
  run_clear (&r);
}

static void
test_scan_json (void)
{
  g_autofree char *path = write_tmp ("dsn.eml", dsn_msg);
  Run r = run (NULL, NULL, "scan", "--quiet", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);   /* one line + trailing "" */
  g_autoptr (GError) err = NULL;
  json_parser_load_from_data (parser, lines[0], -1, &err);
  g_assert_no_error (err);
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  static const char *const keys[] = {
    "source", "index", "recipient", "original_recipient", "action", "status", "reply_code",
    "class", "reason", "diagnostic", "diagnostic_type", "remote_mta", "reporting_mta", "mta",
    "feedback_type", "date", "original_message_id", "original_from", "original_subject",
    "list_id", "rule",
  };
  g_assert_cmpuint (json_object_get_size (o), ==, G_N_ELEMENTS (keys));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (o, keys[i]));
  g_assert_cmpstr (json_object_get_string_member (o, "source"), ==, path);
  g_assert_true (json_object_get_null_member (o, "index"));
  g_assert_cmpstr (json_object_get_string_member (o, "recipient"), ==, "gone@example.com");
  g_assert_cmpstr (json_object_get_string_member (o, "original_recipient"), ==, "Gone@example.com");
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "5.1.1");
  g_assert_cmpstr (json_object_get_string_member (o, "reply_code"), ==, "550");
  g_assert_cmpstr (json_object_get_string_member (o, "class"), ==, "hard");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "userunknown");
  g_assert_cmpstr (json_object_get_string_member (o, "diagnostic"), ==,
                   "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown in local recipient table");
  g_assert_cmpstr (json_object_get_string_member (o, "diagnostic_type"), ==, "smtp");
  g_assert_cmpstr (json_object_get_string_member (o, "remote_mta"), ==, "mx.example.com");
  g_assert_cmpstr (json_object_get_string_member (o, "reporting_mta"), ==, "mx.example.net");
  g_assert_true (json_object_get_null_member (o, "feedback_type"));
  g_assert_cmpstr (json_object_get_string_member (o, "original_message_id"), ==, "abc123@example.org");
  g_assert_cmpstr (json_object_get_string_member (o, "original_from"), ==, "sender@example.org");
  g_assert_cmpstr (json_object_get_string_member (o, "original_subject"), ==, "Hello list");
  g_assert_cmpstr (json_object_get_string_member (o, "list_id"), ==, "<news.example.org>");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "rule"), "reason:")
                 || g_str_has_prefix (json_object_get_string_member (o, "rule"), "status:"));
  run_clear (&r);
}

static void
test_scan_stdin_and_plain (void)
{
  Run r = run (dsn_msg, NULL, "scan", "--quiet", "-", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"source\":\"-\""));
  run_clear (&r);
  /* a non-bounce prints nothing, even with --all */
  r = run (plain_msg, NULL, "scan", "--quiet", "--all", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);
}

static void
test_scan_missing_input (void)
{
  g_autofree char *good = write_tmp ("good.eml", dsn_msg);
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-file.eml", NULL);
  Run r = run (NULL, NULL, "scan", "--quiet", missing, good, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, missing));
  /* the run went on with the next input */
  g_assert_nonnull (strstr (r.out, "gone@example.com"));
  run_clear (&r);
}

/* replace_eol - @text with every LF replaced by @eol */
static char *
replace_eol (const char *text, const char *eol)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strjoinv (eol, lines);
}

/* An mbox with CR-only or CRLF line ends, as a file and on stdin, gives
 * the same lines as the LF one (a CR-only mbox once gave no message and
 * exit 0); an input that holds no message is an error naming it. */
static void
test_scan_line_ends (void)
{
  g_autofree char *lf = g_strconcat ("From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n", dsn_msg,
                                     "\nFrom MAILER-DAEMON Mon Mar  2 10:05:00 2026\n", dsn_msg, NULL);
  static const char *const eols[] = { "\r", "\r\n" };
  for (guint i = 0; i < G_N_ELEMENTS (eols); i++)
    {
      g_autofree char *mbox = replace_eol (lf, eols[i]);
      g_autofree char *path = write_tmp ("line-ends.mbox", mbox);
      Run r = run (NULL, NULL, "scan", "--quiet", "--format", "csv", path, NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_cmpstr (r.err, ==, "");
      g_auto (GStrv) rows = g_strsplit (r.out, "\r\n", -1);
      g_assert_cmpuint (g_strv_length (rows), ==, 4);   /* header, two rows, "" */
      for (guint k = 1; k <= 2 && rows[0] && rows[1] && rows[2]; k++)
        {
          g_autofree char *start = g_strdup_printf ("\"%s\",\"%u\",\"gone@example.com\",\"Gone@example.com\","
                                                    "\"failed\",\"5.1.1\",\"550\",\"hard\",\"userunknown\",", path, k);
          g_assert_true (g_str_has_prefix (rows[k], start));
          /* the folded diagnostic is one line, without a CR */
          g_assert_nonnull (strstr (rows[k], "\"550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown"));
        }
      run_clear (&r);
      r = run (mbox, NULL, "scan", "--quiet", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "\"source\":\"-\",\"index\":1,\"recipient\":\"gone@example.com\""));
      g_assert_nonnull (strstr (r.out, "\"source\":\"-\",\"index\":2,\"recipient\":\"gone@example.com\""));
      run_clear (&r);
    }

  /* no message at all: named on stderr, counted, exit 1, the run goes on */
  g_autofree char *nothing = write_tmp ("nothing.mbox", "From nobody Mon Mar  2 10:00:00 2026\r");
  g_autofree char *good = write_tmp ("after-nothing.eml", dsn_msg);
  Run r = run (NULL, NULL, "scan", "--summary", "json", nothing, good, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_autofree char *want = g_strdup_printf ("bouncekit: '%s': starts like an mbox but holds no message\n", nothing);
  g_assert_true (g_str_has_prefix (r.err, want));
  g_assert_nonnull (strstr (r.err, "\"messages\":1,"));
  g_assert_nonnull (strstr (r.err, "\"failed_inputs\":1,"));
  g_assert_nonnull (strstr (r.out, "gone@example.com"));
  run_clear (&r);
  r = run ("From nobody\r", NULL, "scan", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, "bouncekit: standard input: starts like an mbox but holds no message\n");
  run_clear (&r);
  r = run ("", NULL, "scan", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "bouncekit: standard input: empty input\n");
  run_clear (&r);
}

static void
test_scan_formats (void)
{
  g_autofree char *path = write_tmp ("fmt.eml", dsn_msg);
  Run r = run (NULL, NULL, "scan", "--quiet", "--format", "csv", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "source,index,recipient,original_recipient,action,status,reply_code,class,reason,"));
  g_assert_nonnull (strstr (r.out, ",\"gone@example.com\",\"Gone@example.com\",\"failed\",\"5.1.1\",\"550\",\"hard\",\"userunknown\","));
  run_clear (&r);
  r = run (NULL, NULL, "scan", "--quiet", "--format", "text", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, ": gone@example.com hard userunknown\n"));
  run_clear (&r);
  r = run (NULL, NULL, "scan", "--format", "xml", path, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown format 'xml'"));
  run_clear (&r);
}

static void
test_scan_write_error (void)
{
  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }
  g_autofree char *path = write_tmp ("full.eml", dsn_msg);
  Run r = run (NULL, "/dev/full", "scan", "--quiet", path, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "cannot write output"));
  run_clear (&r);
}

static void
test_check (void)
{
  Run r = run (dsn_msg, NULL, "check", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, "");
  run_clear (&r);
  r = run (plain_msg, NULL, "check", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);
  r = run (dsn_msg, NULL, "check", "--class", "soft,policy", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  r = run (dsn_msg, NULL, "check", "--class", "hard", "--print", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"class\":\"hard\""));
  run_clear (&r);
  r = run (dsn_msg, NULL, "check", "--class", "bogus", NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  r = run ("", NULL, "check", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "empty input"));
  run_clear (&r);
}

/* header_of - the header block of @msg, with its blank line: what a
 * procmail recipe without the B flag pipes */
static char *
header_of (const char *msg)
{
  const char *end = strstr (msg, "\n\n");
  g_assert_nonnull (end);
  return g_strndup (msg, end + 2 - msg);
}

#define HB_HINT "pipe the whole message (procmail: ':0 HB')\n"

/* check given only a header decides from the header when it shows a
 * report, and always says on one stderr line that the body is missing */
static void
test_check_header_only (void)
{
  g_autofree char *dsn_head = header_of (dsn_msg);
  g_autofree char *plain_head = header_of (plain_msg);
  const char *bounce_hint = "bouncekit: standard input: no message body, only a header, which shows a bounce "
                            "of unknown class; " HB_HINT;
  const char *plain_hint = "bouncekit: standard input: no message body, only a header; " HB_HINT;

  /* a delivery-status report: a bounce, class unknown */
  Run r = run (dsn_head, NULL, "check", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, bounce_hint);
  run_clear (&r);
  /* it passes any class list naming hard, soft or policy, not complaint */
  r = run (dsn_head, NULL, "check", "--class", "policy", NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  r = run (dsn_head, NULL, "check", "--class", "complaint", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, bounce_hint);
  run_clear (&r);
  /* --print has no recipient to print */
  r = run (dsn_head, NULL, "check", "--print", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);

  /* the report type alone, whatever the sender; no blank line at the end;
   * a file names itself */
  g_autofree char *gds = write_tmp ("header-only.eml",
                                    "From: reports@example.net\n"
                                    "Subject: report\n"
                                    "Content-Type: multipart/report; report-type=global-delivery-status;\n"
                                    "  boundary=\"x\"\n");
  g_autofree char *gds_hint = g_strdup_printf ("bouncekit: %s: no message body, only a header, which shows a "
                                               "bounce of unknown class; " HB_HINT, gds);
  r = run (NULL, NULL, "check", gds, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, gds_hint);
  run_clear (&r);

  /* a daemon sender with a failure subject, no report type */
  static const char *const daemon_heads[] = {
    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n\n",
    "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
    "Subject: Delivery Status Notification (Failure)\n\n",
    "From: postmaster@example.net\nSubject: Undeliverable: Hello list\n\n",
    "From: MAILER-DAEMON@example.net\nSubject: failure notice\n\n",
    "From: Mail Delivery System <Mailer-Daemon@example.net>\nSubject: [list] Returned mail: see transcript\n\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (daemon_heads); i++)
    {
      r = run (daemon_heads[i], NULL, "check", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_cmpstr (r.err, ==, bounce_hint);
      run_clear (&r);
    }

  /* a feedback report's header is a complaint */
  const char *arf_head = "From: abuse@example.net\nSubject: complaint\n"
                         "Content-Type: multipart/report; report-type=feedback-report; boundary=B\n\n";
  r = run (arf_head, NULL, "check", "--class", "complaint", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "bouncekit: standard input: no message body, only a header, which shows a "
                              "complaint; " HB_HINT);
  run_clear (&r);
  r = run (arf_head, NULL, "check", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);

  /* a header that shows no report: not a bounce, but the hint still */
  static const char *const not_heads[] = {
    NULL,   /* plain_head */
    "From: postmaster@example.net\nSubject: Your mailbox settings\n\n",
    "From: alice@example.org\nSubject: Undelivered Mail Returned to Sender\n\n",
    "From: MAILER-DAEMON@example.net\nSubject: Re: Undeliverable: lunch\n\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (not_heads); i++)
    {
      r = run (not_heads[i] ? not_heads[i] : plain_head, NULL, "check", NULL);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_cmpstr (r.err, ==, plain_hint);
      run_clear (&r);
    }

  /* whole messages: no hint */
  r = run (plain_msg, NULL, "check", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "");
  run_clear (&r);
  r = run (dsn_msg, NULL, "check", "--class", "complaint", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "");
  run_clear (&r);
}

static void
test_rules_check (void)
{
  Run r = run (NULL, NULL, "rules", "check", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "OK"));
  run_clear (&r);
  g_autofree char *bad = g_build_filename (tmpdir, "badrules", NULL);
  g_mkdir (bad, 0700);
  g_autofree char *file = g_build_filename (bad, "10-bad.rules", NULL);
  g_file_set_contents (file, "# comment\nreason broken.one userunknown (unclosed\n", -1, NULL);
  r = run (NULL, NULL, "rules", "check", bad, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "10-bad.rules:2:"));
  run_clear (&r);
  /* a command with a broken rules dir fails loudly, before reading input */
  r = run (dsn_msg, NULL, "check", "--rules", bad, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
}

static void
test_explain (void)
{
  g_autofree char *path = write_tmp ("explain.eml", dsn_msg);
  Run r = run (NULL, NULL, "explain", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "kind: dsn"));
  g_assert_nonnull (strstr (r.out, "recipient 1: gone@example.com"));
  g_assert_nonnull (strstr (r.out, "delivery-status"));
  g_assert_nonnull (strstr (r.out, "decided by "));
  run_clear (&r);
}

static void
test_history (void)
{
  g_autofree char *mbox = g_build_filename (tmpdir, "two.mbox", NULL);
  g_autofree char *content = g_strconcat ("From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n", dsn_msg,
                                          "\nFrom alice@example.org Mon Mar  2 10:05:00 2026\n", plain_msg, NULL);
  g_file_set_contents (mbox, content, -1, NULL);
  g_autofree char *db = g_build_filename (tmpdir, "history.db", NULL);
  Run r = run (NULL, NULL, "ingest", "--db", db, mbox, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "2 messages, 1 new event,"));
  run_clear (&r);
  r = run (NULL, NULL, "stats", "--db", db, "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *first = g_strdup (r.out);
  run_clear (&r);
  /* the same input again: nothing new, the same database */
  r = run (NULL, NULL, "ingest", "--db", db, mbox, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "2 messages, 0 new events"));
  run_clear (&r);
  r = run (NULL, NULL, "stats", "--db", db, "--format", "json", NULL);
  g_assert_cmpstr (r.out, ==, first);
  g_assert_nonnull (strstr (r.out, "\"example.com\""));
  run_clear (&r);
  r = run (NULL, NULL, "suppress", "--db", db, "--format", "csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"gone@example.com\",\"hard\",\"1\",\"0\",\"0\",\"0\",\"userunknown\",\"2026-03-02T10:00:00Z\""));
  run_clear (&r);
  r = run (NULL, NULL, "forgive", "--db", db, "gone@example.com", NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  r = run (NULL, NULL, "suppress", "--db", db, NULL);
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);
  /* check --record records while filtering */
  g_autofree char *db2 = g_build_filename (tmpdir, "record.db", NULL);
  r = run (dsn_msg, NULL, "check", "--record", "--db", db2, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  r = run (NULL, NULL, "suppress", "--db", db2, NULL);
  g_assert_true (g_str_has_prefix (r.out, "gone@example.com\thard\t"));
  run_clear (&r);
  r = run (NULL, NULL, "suppress", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--db FILE|URI is required"));
  run_clear (&r);
  /* a mistyped database path is an error, not an empty list */
  g_autofree char *nodb = g_build_filename (tmpdir, "no-such.db", NULL);
  r = run (NULL, NULL, "suppress", "--db", nodb, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "no history database"));
  g_assert_false (g_file_test (nodb, G_FILE_TEST_EXISTS));
  run_clear (&r);
}

/* the text summary counts in words of the right number */
static void
test_summary_plural (void)
{
  g_autofree char *a = write_tmp ("one.eml", dsn_msg);
  Run r = run (NULL, NULL, "scan", a, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.err, "bouncekit: 1 message: 1 bounce, 0 non-bounces; 0 failed inputs; "
                                   "1 recipient printed\n"));
  run_clear (&r);
  g_autofree char *db = g_build_filename (tmpdir, "plural.db", NULL);
  r = run (NULL, NULL, "ingest", "--db", db, a, NULL);
  g_assert_cmpstr (r.err, ==, "bouncekit: 1 message, 1 new event, 0 failed inputs\n");
  run_clear (&r);
}

static void
test_summary_json (void)
{
  g_autofree char *a = write_tmp ("sum-a.eml", dsn_msg);
  g_autofree char *b = write_tmp ("sum-b.eml", plain_msg);
  Run r = run (NULL, NULL, "scan", "--jobs", "2", "--summary", "json", a, b, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "{\"messages\":2,\"bounces\":1,\"non_bounces\":1,\"failed_inputs\":0,"
                   "\"recipients_printed\":1,\"by_class\":{\"hard\":1},\"by_reason\":{\"userunknown\":1}}\n");
  run_clear (&r);
}

/* collect_emls - every .eml below @dir, as mbox entries */
static void
collect_emls (const char *dir, GString *mbox)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  while (d && (name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *full = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        collect_emls (full, mbox);
      else if (g_str_has_suffix (full, ".eml"))
        {
          g_autofree char *data = NULL;
          if (!g_file_get_contents (full, &data, NULL, NULL) || strchr (data, '\r'))
            continue;
          g_string_append (mbox, "From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n");
          g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
          for (guint l = 0; lines[l]; l++)
            {
              if (lines[l + 1] == NULL && lines[l][0] == '\0')
                break;
              if (g_str_has_prefix (lines[l], "From "))
                g_string_append_c (mbox, '>');
              g_string_append (mbox, lines[l]);
              g_string_append_c (mbox, '\n');
            }
          g_string_append_c (mbox, '\n');
        }
    }
}

/* Parallel workers must not change a byte of the output: every sample,
 * five times over, in one mbox, with 1, 2 and 4 workers. */
static void
test_jobs_identical (void)
{
  g_autofree char *samples = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "samples", NULL);
  g_autoptr (GString) one = g_string_new (NULL);
  collect_emls (samples, one);
  g_autoptr (GString) mbox = g_string_new (NULL);
  for (int i = 0; i < 5; i++)
    g_string_append (mbox, one->str);
  g_autofree char *path = g_build_filename (tmpdir, "jobs.mbox", NULL);
  g_file_set_contents (path, mbox->str, mbox->len, NULL);
  Run r1 = run (NULL, NULL, "scan", "--all", "--jobs", "1", "--summary", "json", path, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_cmpuint (strlen (r1.out), >, 10000);
  static const char *const jobs[] = { "2", "4" };
  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      Run r = run (NULL, NULL, "scan", "--all", "--jobs", jobs[j], "--summary", "json", path, NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_cmpstr (r.out, ==, r1.out);
      g_assert_cmpstr (r.err, ==, r1.err);
      run_clear (&r);
    }
  run_clear (&r1);
}

/* A hostile diagnostic (formula start, control characters, invalid UTF-8)
 * must not break a JSON or CSV line, nor run as a spreadsheet formula. */
static void
test_output_safety (void)
{
  g_autoptr (GString) msg = g_string_new (
    "From: MAILER-DAEMON@mx.example.net\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
    "--B\nContent-Type: message/delivery-status\n\n"
    "Final-Recipient: rfc822; =cmd|' /C calc'!A0@example.com\n"
    "Action: failed\nStatus: 5.1.1\n"
    "Diagnostic-Code: smtp; =HYPERLINK(\"x\") \x1b[31mred\x07 \xff\xfe user unknown\n"
    "--B--\n");
  g_autofree char *path = g_build_filename (tmpdir, "hostile-output.eml", NULL);
  g_file_set_contents (path, msg->str, msg->len, NULL);
  Run r = run (NULL, NULL, "scan", "--quiet", "--format", "csv", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_auto (GStrv) rows = g_strsplit (r.out, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 3);   /* header, one row, "" */
  /* the address stops at the blank; its formula start is neutralised */
  g_assert_nonnull (strstr (rows[1], ",\"'=cmd|\","));
  g_assert_nonnull (strstr (rows[1], "\"'=HYPERLINK(\"\"x\"\")"));
  g_assert_null (strchr (rows[1], '\x1b'));
  g_assert_null (strchr (rows[1], '\n'));
  g_assert_true (g_utf8_validate (rows[1], -1, NULL));
  run_clear (&r);
  r = run (NULL, NULL, "scan", "--quiet", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_utf8_validate (lines[0], -1, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) err = NULL;
  json_parser_load_from_data (parser, lines[0], -1, &err);
  g_assert_no_error (err);
  run_clear (&r);
  r = run (NULL, NULL, "scan", "--quiet", "--format", "text", path, NULL);
  g_assert_null (strchr (r.out, '\x1b'));
  g_assert_null (strchr (r.out, '\x07'));
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bin = g_getenv ("BOUNCEKIT_BIN");
  g_assert_nonnull (bin);
  g_autoptr (GError) err = NULL;
  tmpdir = g_dir_make_tmp ("bk-cli-XXXXXX", &err);
  g_assert_no_error (err);
  g_setenv ("BOUNCEKIT_RULES", g_getenv ("BK_RULES_DIR"), TRUE);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/scan/json", test_scan_json);
  g_test_add_func ("/cli/scan/stdin-and-plain", test_scan_stdin_and_plain);
  g_test_add_func ("/cli/scan/missing-input", test_scan_missing_input);
  g_test_add_func ("/cli/scan/line-ends", test_scan_line_ends);
  g_test_add_func ("/cli/scan/formats", test_scan_formats);
  g_test_add_func ("/cli/scan/write-error", test_scan_write_error);
  g_test_add_func ("/cli/check", test_check);
  g_test_add_func ("/cli/check/header-only", test_check_header_only);
  g_test_add_func ("/cli/rules/check", test_rules_check);
  g_test_add_func ("/cli/explain", test_explain);
  g_test_add_func ("/cli/history", test_history);
  g_test_add_func ("/cli/summary/plural", test_summary_plural);
  g_test_add_func ("/cli/scan/summary-json", test_summary_json);
  g_test_add_func ("/cli/scan/jobs-identical", test_jobs_identical);
  g_test_add_func ("/cli/scan/output-safety", test_output_safety);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmpdir);
  g_free (tmpdir);
  return rc;
}
