/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-freetext: the engine that runs `format` stanzas over a
 * bounce's human-readable text, with the formats of
 * tests/data/formats.rules and hand-written messages parsed through
 * bk_message_parse_bytes and bk_mime_collect, as the analyzer does.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

typedef struct {
  BkRuleset *rules;
  BkScanner *scanner;
} FreetextFixture;

static void
freetext_set_up (FreetextFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "formats.rules", NULL);
  char *files[] = { path, NULL };

  fx->rules = bk_ruleset_load_files (dir, files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->rules);
  g_assert_cmpuint (bk_ruleset_count_formats (fx->rules), ==, 3);
  fx->scanner = bk_scanner_new (fx->rules);
}

static void
freetext_tear_down (FreetextFixture *fx, gconstpointer data)
{
  (void) data;
  bk_scanner_free (fx->scanner);
  bk_ruleset_unref (fx->rules);
}

/* scan - parse @raw as the analyzer does and run the formats over it */
static BkTextResult *
scan (FreetextFixture *fx, const char *raw)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (raw, strlen (raw), &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_autoptr (BkParts) parts = bk_mime_collect (msg);
  g_autoptr (BkHeaderSlots) headers = bk_header_slots_new (fx->rules);
  BkTextInput in = { .message = msg, .text = parts->text->str, .text_len = parts->text->len,
                     .headers = headers, .parts = parts };
  return bk_freetext_scan (fx->scanner, fx->rules, &in);
}

#define EXIM_FROM "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
#define EXIM_SUBJECT "Subject: Mail delivery failed: returning message to sender\n"
#define EXIM_BEGIN "This message was created automatically by mail delivery software.\n"
#define EXIM_END "------ This is a copy of the message, including all the headers. ------\n"
#define EXIM_BODY \
  "  early@example.com\n" \
  EXIM_BEGIN \
  "\n" \
  "A message that you sent could not be delivered to one or more of its\n" \
  "recipients. This is a permanent error. The following address(es) failed:\n" \
  "\n" \
  "  user@example.com\n" \
  "    host mx.example.com [192.0.2.1]\n" \
  "    SMTP error from remote mail server after RCPT TO:<user@example.com>:\n" \
  "    550 5.1.1 <user@example.com>: Recipient address rejected: User unknown\n" \
  "  other@example.net\n" \
  "    retry timeout exceeded\n" \
  "\n" \
  EXIM_END \
  "Return-path: <sender@example.org>\n" \
  "Subject: hello\n" \
  "\n" \
  "  late@example.com\n"
#define EXIM_PREAMBLE "A message that you sent could not be delivered to one or more of its " \
  "recipients. This is a permanent error. The following address(es) failed:"
#define EXIM_USER_DIAG "SMTP error from remote mail server after RCPT TO:<user@example.com>: " \
  "550 5.1.1 <user@example.com>: Recipient address rejected: User unknown"
#define EXIM_RETURNED "Return-path: <sender@example.org>\nSubject: hello\n\n  late@example.com\n"

#define QMAIL_BODY \
  "Hi. This is the qmail-send program at mx.example.org.\n" \
  "I'm afraid I wasn't able to deliver your message to the following addresses.\n" \
  "This is a permanent error; I've given up. Sorry it didn't work out.\n" \
  "\n" \
  "<localonly>:\n" \
  "Sorry, the address has no domain.\n" \
  "\n" \
  "<bob@example.com>:\n" \
  "192.0.2.9 does not like recipient.\n" \
  "Remote host said: 550 5.1.1 No such user\n" \
  "Giving up on 192.0.2.9.\n" \
  "\n" \
  "<carol@example.net>: mailbox disabled\n" \
  "Sorry, no mailbox here by that name. (#5.1.1)\n" \
  "\n" \
  "<BOB@example.com>:\n" \
  "Remote host said: 550 5.1.1 Still no such user\n" \
  "\n" \
  "--- Below this line is a copy of the message.\n" \
  "\n" \
  "Return-Path: <sender@example.org>\n"

#define HEADER_BODY \
  "Reporting server: testmta\n" \
  "Failed recipient: dave@example.com\n" \
  "Reason: quota exceeded\n"

typedef struct {
  const char *address;
  const char *diag;
} ExpRecipient;

typedef struct {
  const char *name;
  const char *message;
  const char *format;     /* name of res->format */
  const char *detected;   /* name of res->detected */
  gboolean delayed;
  const char *preamble;
  const char *returned;
  guint n_recipients;
  ExpRecipient r[3];
} ScanCase;

static const ScanCase scan_cases[] = {
  /* detection by From only; begin/end cut the section, skip drops the
   * host line, every other line after a recipient is its diagnostic */
  { "detect-by-from",
    EXIM_FROM "Subject: Delivery report\n\n" EXIM_BODY,
    "exim-test", "exim-test", FALSE, EXIM_PREAMBLE, EXIM_RETURNED, 2,
    { { "user@example.com", EXIM_USER_DIAG }, { "other@example.net", "retry timeout exceeded" } } },
  { "detect-by-subject",
    "From: postmaster@mx.example.org\n" EXIM_SUBJECT "\n" EXIM_BODY,
    "exim-test", "exim-test", FALSE, EXIM_PREAMBLE, EXIM_RETURNED, 2,
    { { "user@example.com", EXIM_USER_DIAG }, { "other@example.net", "retry timeout exceeded" } } },
  { "crlf-message",
    "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\r\nSubject: x\r\n\r\n"
    EXIM_BEGIN "\r\n  user@example.com\r\n    550 unknown user\r\n",
    "exim-test", "exim-test", FALSE, NULL, NULL, 1,
    { { "user@example.com", "550 unknown user" } } },
  /* detection by the body; a recipient line's own diag group; the diag
   * filter (group or whole line); a duplicate address merged; a recipient
   * line without a domain is no recipient */
  { "detect-by-body",
    "From: MAILER-DAEMON@mx.example.org\nSubject: failure notice\n\n" QMAIL_BODY,
    "qmail-test", "qmail-test", FALSE, "Sorry, the address has no domain.",
    "\nReturn-Path: <sender@example.org>\n", 2,
    { { "bob@example.com", "550 5.1.1 No such user 550 5.1.1 Still no such user" },
      { "carol@example.net", "mailbox disabled Sorry, no mailbox here by that name. (#5.1.1)" } } },
  /* detection by a header, with both require lines met */
  { "detect-by-header",
    "From: postmaster@example.org\nSubject: Undeliverable: hello\nX-Test-Bounce: yes\n\n" HEADER_BODY,
    "header-test", "header-test", FALSE, "Reporting server: testmta", NULL, 1,
    { { "dave@example.com", "Reason: quota exceeded" } } },
  { "require-body-missing",
    "From: postmaster@example.org\nSubject: Undeliverable: hello\nX-Test-Bounce: yes\n\n"
    "Failed recipient: dave@example.com\n",
    NULL, NULL, FALSE, NULL, NULL, 0, { { NULL, NULL } } },
  { "require-subject-missing",
    "From: postmaster@example.org\nSubject: Hello\nX-Test-Bounce: yes\n\n" HEADER_BODY,
    NULL, NULL, FALSE, NULL, NULL, 0, { { NULL, NULL } } },
  { "header-value-differs",
    "From: postmaster@example.org\nSubject: Undeliverable: hello\nX-Test-Bounce: no\n\n" HEADER_BODY,
    NULL, NULL, FALSE, NULL, NULL, 0, { { NULL, NULL } } },
  /* the delay warning */
  { "delayed",
    EXIM_FROM "Subject: Warning: message 1abcDE-000123-XY delayed 24 hours\n\n"
    EXIM_BEGIN
    "A message that you sent has not yet been delivered to one or more of its\n"
    "recipients after more than 24 hours on the queue on mx.example.org.\n"
    "\n"
    "The address to which the message has not yet been delivered is:\n"
    "\n"
    "  slow@example.com\n"
    "    Delay reason: mailbox is full\n"
    "\n"
    "No action is required on your part.\n",
    "exim-test", "exim-test", TRUE,
    "A message that you sent has not yet been delivered to one or more of its recipients after more "
    "than 24 hours on the queue on mx.example.org. The address to which the message has not yet been "
    "delivered is:", NULL, 1,
    { { "slow@example.com", "Delay reason: mailbox is full No action is required on your part." } } },
  /* detected, but the section names nobody: no format decides, and what
   * the attempt collected is dropped */
  /* no recipient anywhere: the first detected format's preamble and
   * returned text stay for the fallbacks */
  { "detected-without-recipients",
    EXIM_FROM EXIM_SUBJECT "\n" EXIM_BEGIN "\nSomething went wrong.\n\n" EXIM_END "Subject: hello\n",
    NULL, "exim-test", FALSE, "Something went wrong.", "Subject: hello\n", 0, { { NULL, NULL } } },
  { "no-begin-line",
    EXIM_FROM EXIM_SUBJECT "\n  user@example.com\n    550 unknown user\n",
    NULL, "exim-test", FALSE, NULL, NULL, 0, { { NULL, NULL } } },
  /* the first detected format yields nobody, the next one decides; the
   * delay flag is the deciding format's */
  { "next-format-decides",
    "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
    "Subject: Warning: message 1abcDE-000123-XY delayed 24 hours\n\n" QMAIL_BODY,
    "qmail-test", "exim-test", FALSE, "Sorry, the address has no domain.",
    "\nReturn-Path: <sender@example.org>\n", 2,
    { { "bob@example.com", "550 5.1.1 No such user 550 5.1.1 Still no such user" },
      { "carol@example.net", "mailbox disabled Sorry, no mailbox here by that name. (#5.1.1)" } } },
  { "not-a-bounce",
    "From: friend@example.com\nSubject: Lunch\n\nSee you at noon.\n  user@example.com\n",
    NULL, NULL, FALSE, NULL, NULL, 0, { { NULL, NULL } } },
};

static void
test_scan (FreetextFixture *fx, gconstpointer data)
{
  const ScanCase *c = data;
  g_autoptr (BkTextResult) res = scan (fx, c->message);

  g_assert_nonnull (res);
  g_assert_cmpstr (res->format ? res->format->name : NULL, ==, c->format);
  g_assert_cmpstr (res->detected ? res->detected->name : NULL, ==, c->detected);
  g_assert_cmpint (res->delayed, ==, c->delayed);
  g_assert_cmpstr (res->preamble, ==, c->preamble);
  g_assert_cmpstr (res->returned, ==, c->returned);
  g_assert_cmpuint (res->recipients->len, ==, c->n_recipients);
  for (guint i = 0; i < res->recipients->len && i < c->n_recipients; i++)
    {
      const BkTextRecipient *r = g_ptr_array_index (res->recipients, i);
      g_assert_cmpstr (r->address, ==, c->r[i].address);
      g_assert_cmpstr (r->diag->str, ==, c->r[i].diag);
    }
}

/* bk_text_result_find ignores case and knows only collected addresses */
static void
test_result_find (FreetextFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (BkTextResult) res = scan (fx, "From: x@example.org\n\n" QMAIL_BODY);

  g_assert_cmpuint (res->recipients->len, ==, 2);
  BkTextRecipient *bob = bk_text_result_find (res, "Bob@Example.COM");
  g_assert_nonnull (bob);
  g_assert_true (bob == g_ptr_array_index (res->recipients, 0));
  g_assert_null (bk_text_result_find (res, "dave@example.com"));
  g_assert_null (bk_text_result_find (res, NULL));
  g_assert_null (bk_text_result_find (NULL, "bob@example.com"));
}

/* bk_field_match reads the field each rule names */
static void
test_field_match (FreetextFixture *fx, gconstpointer data)
{
  (void) data;
  const char *raw = "From: postmaster@example.org\nSubject: Undeliverable: x\nX-Test-Bounce: yes\n\n" HEADER_BODY;
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (raw, strlen (raw), NULL);
  g_assert_nonnull (msg);
  const BkFormat *hdr = g_ptr_array_index (fx->rules->formats, 2);
  const BkFormat *exim = g_ptr_array_index (fx->rules->formats, 0);
  g_autoptr (BkHeaderSlots) headers = bk_header_slots_new (fx->rules);
  const char *text = "Reporting server: testmta\n";
  BkTextInput in = { .message = msg, .text = text, .text_len = strlen (text), .headers = headers };
  BkTextInput no_text = { .message = msg, .headers = headers };

  g_assert_cmpstr (hdr->name, ==, "header-test");
  g_assert_true (bk_field_match (fx->scanner, g_ptr_array_index (hdr->match, 0), &in));
  g_assert_true (bk_field_match (fx->scanner, g_ptr_array_index (hdr->require, 0), &in));
  g_assert_true (bk_field_match (fx->scanner, g_ptr_array_index (hdr->require, 1), &in));
  g_assert_false (bk_field_match (fx->scanner, g_ptr_array_index (hdr->require, 0), &no_text));
  /* From and Subject of this message are not Exim's */
  g_assert_false (bk_field_match (fx->scanner, g_ptr_array_index (exim->match, 0), &in));
  g_assert_false (bk_field_match (fx->scanner, g_ptr_array_index (exim->match, 1), &in));
}

/* a message without text: formats are detected by headers, none runs */
static void
test_scan_no_text (FreetextFixture *fx, gconstpointer data)
{
  (void) data;
  const char *raw = EXIM_FROM EXIM_SUBJECT "\n";
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (raw, strlen (raw), NULL);
  g_assert_nonnull (msg);
  g_autoptr (BkHeaderSlots) headers = bk_header_slots_new (fx->rules);
  BkTextInput in = { .message = msg, .headers = headers };
  g_autoptr (BkTextResult) res = bk_freetext_scan (fx->scanner, fx->rules, &in);

  g_assert_null (res->format);
  g_assert_nonnull (res->detected);
  g_assert_cmpstr (res->detected->name, ==, "exim-test");
  g_assert_false (res->delayed);
  g_assert_cmpuint (res->recipients->len, ==, 0);
  g_assert_null (res->preamble);
  g_assert_null (res->returned);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();
  bk_init ();

  for (guint i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/freetext/scan/", scan_cases[i].name, NULL);
      g_test_add (path, FreetextFixture, &scan_cases[i], freetext_set_up, test_scan, freetext_tear_down);
    }
  g_test_add ("/freetext/scan/no-text", FreetextFixture, NULL, freetext_set_up, test_scan_no_text,
              freetext_tear_down);
  g_test_add ("/freetext/result-find/case", FreetextFixture, NULL, freetext_set_up, test_result_find,
              freetext_tear_down);
  g_test_add ("/freetext/field-match/fields", FreetextFixture, NULL, freetext_set_up, test_field_match,
              freetext_tear_down);

  int rc = g_test_run ();
  g_mime_shutdown ();
  return rc;
}
