/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the generic reader's parts: detection by weighted signs
 * (sign, need, threshold) with tests/data/generic/signs.rules, a recipient's
 * paragraph closing at its code (paragraphs), bk_text_has_code, and the
 * addresses a report's prose mentions (bk_text_mentions).
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

typedef struct {
  BkRuleset *rules;
  BkScanner *scanner;
} GenericFixture;

static void
set_up (GenericFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "generic", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "generic", "signs.rules", NULL);
  char *files[] = { path, NULL };
  fx->rules = bk_ruleset_load_files (dir, files, &error);
  g_assert_no_error (error);
  fx->scanner = bk_scanner_new (fx->rules);
}

static void
tear_down (GenericFixture *fx, gconstpointer data)
{
  (void) data;
  bk_scanner_free (fx->scanner);
  bk_ruleset_unref (fx->rules);
}

/* scan - the formats' reading of @raw; *score gets the signs' sum */
static BkTextResult *
scan (GenericFixture *fx, const char *raw, int *score)
{
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (raw, strlen (raw), NULL);
  g_assert_nonnull (msg);
  g_autoptr (BkParts) parts = bk_mime_collect (msg);
  g_autoptr (BkHeaderSlots) headers = bk_header_slots_new (fx->rules);
  BkTextInput in = { .message = msg, .text = parts->text->str, .text_len = parts->text->len,
                     .headers = headers, .parts = parts };
  const BkFormat *fmt = g_ptr_array_index (fx->rules->formats, 0);
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  *score = bk_format_score (fx->scanner, fmt, &in, seen);
  return bk_freetext_scan (fx->scanner, fx->rules, &in);
}

typedef struct {
  const char *name;
  const char *raw;
  int score;
  gboolean detected;
  const char *recipient;   /* the first recipient, or NULL */
  const char *diag;        /* its diagnostic */
} SignCase;

static const SignCase sign_cases[] = {
  /* sender 2 + subject 2 (the first matching line of a name counts) + failure 2 */
  { "daemon-and-subject",
    "From: MAILER-DAEMON@mx.example.org\nSubject: Undeliverable: bounced\n\n"
    "Your message could not be delivered to:\n\n  a@example.org\n550 5.1.1 unknown\n\n"
    "This footer mentions a virus scanner.\n",
    6, TRUE, "a@example.org", "550 5.1.1 unknown" },
  /* a lone address's paragraph has no code: the next one joins it */
  { "paragraph-without-code",
    "From: MAILER-DAEMON@mx.example.org\nSubject: Undeliverable\n\n"
    "The message could not be delivered.\n\n  b@example.org\n\nThe server said:\n550 mailbox unavailable\n\nFooter text here.\n",
    6, TRUE, "b@example.org", "The server said: 550 mailbox unavailable" },
  /* the failure sign is needed: a daemon's mail without one is no bounce */
  { "need-failure",
    "From: MAILER-DAEMON@mx.example.org\nSubject: Undeliverable\n\nYour mail\n\n  c@example.org\n",
    4, FALSE, NULL, NULL },
  /* a negative sign outweighs the rest */
  { "challenge",
    "From: MAILER-DAEMON@mx.example.org\nSubject: Undeliverable\n\n"
    "Your message could not be delivered until you confirm you are human.\n\n  d@example.org\n",
    -2, FALSE, NULL, NULL },
  /* weak failure 1 + subject line 2 of weight 1: below the threshold */
  { "below-threshold",
    "From: person@example.net\nSubject: it bounced\n\nthe mail failed\n\n  e@example.org\n",
    2, FALSE, NULL, NULL },
};

static void
test_signs (GenericFixture *fx, gconstpointer data)
{
  const SignCase *c = data;
  int score = 0;
  g_autoptr (BkTextResult) res = scan (fx, c->raw, &score);
  g_assert_cmpint (score, ==, c->score);
  g_assert_true ((res->detected != NULL) == c->detected);
  if (c->recipient == NULL)
    {
      g_assert_cmpuint (res->recipients->len, ==, 0);
      return;
    }
  g_assert_cmpuint (res->recipients->len, ==, 1);
  BkTextRecipient *r = g_ptr_array_index (res->recipients, 0);
  g_assert_cmpstr (r->address, ==, c->recipient);
  g_assert_cmpstr (r->diag->str, ==, c->diag);
  g_assert_nonnull (r->rule);
}

static void
test_has_code (void)
{
  g_assert_true (bk_text_has_code ("550 user unknown"));
  g_assert_true (bk_text_has_code ("said: 5.1.1 bad mailbox"));
  g_assert_true (bk_text_has_code ("(#5.1.10)"));
  g_assert_true (bk_text_has_code ("421-4.7.0 try later"));
  g_assert_false (bk_text_has_code ("host [192.0.2.250] refused"));
  g_assert_false (bk_text_has_code ("aborted after 5.0 hour(s)"));
  g_assert_false (bk_text_has_code ("version 2.5.1a"));
  g_assert_false (bk_text_has_code ("id 5501 and 6.1.1"));
  g_assert_false (bk_text_has_code ("<a@b>."));
  g_assert_false (bk_text_has_code (NULL));
}

static void
test_mentions (void)
{
  const char *text =
    "Message-ID: <id@mx.example.org>\n\n"
    "The email you sent to wendy@example.org\n"
    "could not be delivered.\n"
    "\n"
    "See https://help.example.com/q?user=x@example.com or write to help@example.com.\n"
    "Again: WENDY@example.org\n";
  g_autoptr (GPtrArray) m = bk_text_mentions (text, strlen (text));
  for (guint i = 0; i < m->len; i++)
    g_test_message ("mention %s", ((BkMention *) g_ptr_array_index (m, i))->address);
  g_assert_cmpuint (m->len, ==, 2);
  BkMention *first = g_ptr_array_index (m, 0);
  BkMention *second = g_ptr_array_index (m, 1);
  g_assert_cmpstr (first->address, ==, "wendy@example.org");
  g_assert_cmpstr (first->paragraph, ==, "The email you sent to wendy@example.org could not be delivered.");
  g_assert_cmpstr (second->address, ==, "help@example.com");
  /* only the first @len bytes are read */
  g_autoptr (GPtrArray) none = bk_text_mentions (text, 10);
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bk_init ();
  for (guint i = 0; i < G_N_ELEMENTS (sign_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/generic/signs/%s", sign_cases[i].name);
      g_test_add (path, GenericFixture, &sign_cases[i], set_up, test_signs, tear_down);
    }
  g_test_add_func ("/generic/has-code", test_has_code);
  g_test_add_func ("/generic/mentions", test_mentions);
  return g_test_run ();
}
