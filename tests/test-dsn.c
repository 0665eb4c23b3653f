/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-dsn (and the bk-fields groups under it): RFC 3464 /
 * RFC 6533 delivery-status fields as real DSNs write them. Table-driven:
 * every case lists the expected value of every field of BkDsn and of each
 * BkDsnRecipient (NULL where absent).
 */
#include "analyze/bk-analyze-private.h"

#define MAX_RCPTS 3

typedef struct {
  const char *final_recipient;
  const char *original_recipient;
  const char *action;
  const char *status;
  const char *remote_mta;
  const char *diagnostic_type;
  const char *diagnostic;
  const char *last_attempt_date;
  const char *will_retry_until;
} ExpRcpt;

typedef struct {
  const char *name;
  const char *text;
  const char *reporting_mta;
  const char *arrival_date;
  const char *original_envelope_id;
  guint n_recipients;
  ExpRcpt r[MAX_RCPTS];
} DsnCase;

#define HEAD "Reporting-MTA: dns; mx.example.net\n" \
             "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
#define DATE "Mon, 1 Jan 2024 10:00:00 +0000"
#define NO_RECIPIENT { { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL } }

static const DsnCase parse_cases[] = {
  { "complete",
    "Reporting-MTA: dns; mx.example.net\n"
    "Original-Envelope-Id: 0123ABC.4567\n"
    "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
    "\n"
    "Original-Recipient: rfc822;User@Example.COM\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Remote-MTA: dns; mx.example.com\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <user@example.com>... User unknown\n"
    "Last-Attempt-Date: Mon, 1 Jan 2024 10:00:05 +0000\n"
    "Will-Retry-Until: Tue, 2 Jan 2024 10:00:00 +0000\n",
    "mx.example.net", DATE, "0123ABC.4567", 1,
    { { "user@example.com", "User@Example.COM", "failed", "5.1.1", "mx.example.com", "smtp",
        "550 5.1.1 <user@example.com>... User unknown", "Mon, 1 Jan 2024 10:00:05 +0000",
        "Tue, 2 Jan 2024 10:00:00 +0000" } } },

  { "folding",
    "Reporting-MTA: dns;\n"
    "  mx.example.net\n"
    "\n"
    "Final-Recipient:\n"
    "    rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach\n"
    "    does not exist. Please try\n"
    "\tdouble-checking the recipient's email address.\n",
    "mx.example.net", NULL, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, "smtp",
        "550-5.1.1 The email account that you tried to reach does not exist. Please try "
        "double-checking the recipient's email address.", NULL, NULL } } },

  { "comments",
    "Reporting-MTA: dns; mx.example.net (Postfix)\n"
    "\n"
    "Final-Recipient: rfc822; user@example.com (Some User)\n"
    "Action: failed (permanent failure)\n"
    "Status: 5.1.1 (bad destination mailbox address)\n"
    "Remote-MTA: dns; mx.example.com (192.0.2.1)\n",
    "mx.example.net", NULL, NULL, 1,
    /* no Diagnostic-Code: the Status comment is the explanation */
    { { "user@example.com", NULL, "failed", "5.1.1", "mx.example.com", NULL,
        "bad destination mailbox address", NULL, NULL } } },

  { "action-leading-comment",
    HEAD "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: (gave up) FAILED\n"
    "Status: 5.0.0\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.0.0", NULL, NULL, NULL, NULL, NULL } } },

  /* the module contract: "Action and Status lose their comments" */
  { "status-leading-comment",
    HEAD "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: (mailbox unknown) 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, NULL, "mailbox unknown", NULL, NULL } } },

  { "several-recipients",
    HEAD "\n"
    "Final-Recipient: rfc822; a@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "\n"
    "Final-Recipient: rfc822; b@example.org\n"
    "Action: delayed\n"
    "Status: 4.2.2\n"
    "Diagnostic-Code: smtp; 452 4.2.2 Mailbox full\n"
    "\n"
    "\n"
    "Final-Recipient: rfc822; c@example.net\n"
    "Action: delivered\n"
    "Status: 2.0.0\n",
    "mx.example.net", DATE, NULL, 3,
    { { "a@example.com", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL },
      { "b@example.org", NULL, "delayed", "4.2.2", NULL, "smtp", "452 4.2.2 Mailbox full", NULL, NULL },
      { "c@example.net", NULL, "delivered", "2.0.0", NULL, NULL, NULL, NULL, NULL } } },

  { "no-blank-line-after-message-fields",
    "Reporting-MTA: dns; mx.example.net\n"
    "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.2.2\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.2.2", NULL, NULL, NULL, NULL, NULL } } },

  { "two-final-recipients-one-group",
    HEAD "\n"
    "Final-Recipient: rfc822; a@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Original-Recipient: rfc822; b-orig@example.com\n"
    "Final-Recipient: rfc822; b@example.com\n"
    "Action: failed\n"
    "Status: 5.2.2\n",
    "mx.example.net", DATE, NULL, 2,
    { { "a@example.com", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL },
      { "b@example.com", "b-orig@example.com", "failed", "5.2.2", NULL, NULL, NULL, NULL, NULL } } },

  { "original-recipient-only",
    HEAD "\n"
    "Original-Recipient: rfc822; orig@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "orig@example.com", "orig@example.com", "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "x-actual-recipient",
    HEAD "\n"
    "X-Actual-Recipient: rfc822; real@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "real@example.com", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "xtext",
    HEAD "\n"
    "Original-Recipient: rfc822; user+2Bext@example.com\n"
    "Final-Recipient: rfc822; a+3Db@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a=b@example.com", "user+ext@example.com", "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "utf8-address-raw",
    HEAD "\n"
    "Final-Recipient: utf-8; j\xc3\xb6rg@b\xc3\xbc" "cher.example\n"
    "Action: failed\n"
    "Status: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "j\xc3\xb6rg@b\xc3\xbc" "cher.example", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "utf8-address-escaped",
    HEAD "\n"
    "Original-Recipient: utf-8; \\x{4F60}\\x{597D}@example.cn\n"
    "Final-Recipient: utf-8; j\\x{F6}rg@example.de\n"
    "Action: failed\n"
    "Status: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "j\xc3\xb6rg@example.de", "\xe4\xbd\xa0\xe5\xa5\xbd@example.cn", "failed", "5.1.1",
        NULL, NULL, NULL, NULL, NULL } } },

  { "diagnostic-without-type",
    HEAD "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: 550 5.1.1 The email account does not exist\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, NULL,
        "550 5.1.1 The email account does not exist", NULL, NULL } } },

  /* an untyped diagnostic whose text holds a ';': the words before it are
   * no RFC 3464 diagnostic-type (an atom, no blanks) */
  { "diagnostic-without-type-semicolon",
    HEAD "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.2.1\n"
    "Diagnostic-Code: 550 Mailbox unavailable; account disabled\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.2.1", NULL, NULL,
        "550 Mailbox unavailable; account disabled", NULL, NULL } } },

  { "diagnostic-type-case",
    HEAD "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.0.0\n"
    "Diagnostic-Code: X-Postfix ; unknown user: \"user\"\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.0.0", NULL, "x-postfix", "unknown user: \"user\"", NULL, NULL } } },

  { "action-failure",
    HEAD "\nFinal-Recipient: rfc822; a@example.com\nAction: failure\nStatus: 5.0.0\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a@example.com", NULL, "failed", "5.0.0", NULL, NULL, NULL, NULL, NULL } } },

  { "action-expired",
    HEAD "\nFinal-Recipient: rfc822; a@example.com\nAction: Expired\nStatus: 4.4.7\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a@example.com", NULL, "delayed", "4.4.7", NULL, NULL, NULL, NULL, NULL } } },

  { "action-error",
    HEAD "\nFinal-Recipient: rfc822; a@example.com\nAction: error\nStatus: 5.0.0\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a@example.com", NULL, "failed", "5.0.0", NULL, NULL, NULL, NULL, NULL } } },

  { "action-with-reason",
    HEAD "\nFinal-Recipient: rfc822; a@example.com\nAction: failed; user unknown\nStatus: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a@example.com", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "action-unknown",
    HEAD "\nFinal-Recipient: rfc822; a@example.com\nAction: bounced\nStatus: 5.1.1\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a@example.com", NULL, NULL, "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "status-invalid",
    HEAD "\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 550\n",
    "mx.example.net", DATE, NULL, 1,
    { { "a@example.com", NULL, "failed", NULL, NULL, NULL, NULL, NULL, NULL } } },

  { "leading-blank-lines",
    "\n\n   \n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n",
    "mx.example.net", NULL, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "crlf",
    "Reporting-MTA: dns; mx.example.net\r\n"
    "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "\r\n"
    "Final-Recipient: rfc822; user@example.com\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
    "  (folded)\r\n"
    "\r\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, "smtp", "550 5.1.1 User unknown (folded)", NULL, NULL } } },

  { "cr-only",
    "Reporting-MTA: dns; mx.example.net\r\rFinal-Recipient: rfc822; user@example.com\rAction: failed\rStatus: 5.1.1\r",
    "mx.example.net", NULL, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, NULL, NULL, NULL, NULL } } },

  { "first-field-wins",
    HEAD "\n"
    "Final-Recipient: rfc822; user@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Status: 4.0.0\n"
    "Diagnostic-Code: smtp; first\n"
    "Diagnostic-Code: smtp; second\n",
    "mx.example.net", DATE, NULL, 1,
    { { "user@example.com", NULL, "failed", "5.1.1", NULL, "smtp", "first", NULL, NULL } } },

  { "action-without-recipient",
    HEAD "\nAction: failed\nStatus: 5.0.0\n",
    "mx.example.net", DATE, NULL, 1,
    { { NULL, NULL, "failed", "5.0.0", NULL, NULL, NULL, NULL, NULL } } },

  { "message-fields-only",
    HEAD,
    "mx.example.net", DATE, NULL, 0, NO_RECIPIENT },

  { "garbage",
    "this is not\na delivery status\n",
    NULL, NULL, NULL, 0, NO_RECIPIENT },

  { "empty", "", NULL, NULL, NULL, 0, NO_RECIPIENT },

  { "null", NULL, NULL, NULL, NULL, 0, NO_RECIPIENT },
};

static void
test_dsn_parse (gconstpointer data)
{
  const DsnCase *c = data;
  g_autoptr (BkDsn) dsn = bk_dsn_parse (c->text);

  g_assert_nonnull (dsn);
  g_assert_cmpstr (dsn->reporting_mta, ==, c->reporting_mta);
  g_assert_cmpstr (dsn->arrival_date, ==, c->arrival_date);
  g_assert_cmpstr (dsn->original_envelope_id, ==, c->original_envelope_id);
  g_assert_nonnull (dsn->recipients);
  g_assert_cmpuint (dsn->recipients->len, ==, c->n_recipients);
  for (guint i = 0; i < c->n_recipients; i++)
    {
      const BkDsnRecipient *r = g_ptr_array_index (dsn->recipients, i);
      const ExpRcpt *e = &c->r[i];
      if (c->n_recipients > 1)
        g_test_message ("recipient %u", i);
      g_assert_cmpstr (r->final_recipient, ==, e->final_recipient);
      g_assert_cmpstr (r->original_recipient, ==, e->original_recipient);
      g_assert_cmpstr (r->action, ==, e->action);
      g_assert_cmpstr (r->status, ==, e->status);
      g_assert_cmpstr (r->remote_mta, ==, e->remote_mta);
      g_assert_cmpstr (r->diagnostic_type, ==, e->diagnostic_type);
      g_assert_cmpstr (r->diagnostic, ==, e->diagnostic);
      g_assert_cmpstr (r->last_attempt_date, ==, e->last_attempt_date);
      g_assert_cmpstr (r->will_retry_until, ==, e->will_retry_until);
    }
}

/* ---- bk_dsn_address ---- */

typedef struct {
  const char *name;
  const char *value;
  const char *expected;
} AddrCase;

static const AddrCase address_cases[] = {
  { "rfc822", "rfc822; user@example.com", "user@example.com" },
  { "no-blank", "rfc822;user@example.com", "user@example.com" },
  { "angle-brackets", "rfc822; <user@example.com>", "user@example.com" },
  { "no-type", "user@example.com", "user@example.com" },
  { "comment", "rfc822; (the user) user@example.com", "user@example.com" },
  { "xtext-plus", "rfc822; user+2Btag@example.com", "user+tag@example.com" },
  { "xtext-lower-hex", "rfc822; a+3db@example.com", "a=b@example.com" },
  { "xtext-control-kept", "rfc822; a+0Ab@example.com", "a+0Ab@example.com" },
  { "plus-address", "rfc822; user+news@example.com", "user+news@example.com" },
  { "plus-address-hex-like", "rfc822; bob+42news@example.com", "bob+42news@example.com" },
  { "utf8-raw", "utf-8; \xc3\xa9t\xc3\xa9@example.fr", "\xc3\xa9t\xc3\xa9@example.fr" },
  { "utf8-escaped", "utf-8; \\x{E9}t\\x{E9}@example.fr", "\xc3\xa9t\xc3\xa9@example.fr" },
  { "utf8-escaped-astral", "utf-8; \\x{1F600}@example.com", "\xf0\x9f\x98\x80@example.com" },
  { "utf8-escape-not-hex", "utf-8; \\x{ZZ}@example.com", "\\x{ZZ}@example.com" },
  { "empty-address", "rfc822;", NULL },
  { "empty", "", NULL },
  { "null", NULL, NULL },
};

static void
test_dsn_address (gconstpointer data)
{
  const AddrCase *c = data;
  g_autofree char *got = bk_dsn_address (c->value);
  g_assert_cmpstr (got, ==, c->expected);
}

/* ---- bk_fields_parse_groups / bk_fields_get ---- */

static void
test_fields_groups (void)
{
  g_autoptr (GPtrArray) groups = bk_fields_parse_groups ("\n\nA: 1\nB:  two\n  folded  \n\n\n"
                                                         "c: 3\nnot a field line\n\n");
  g_assert_cmpuint (groups->len, ==, 2);

  GPtrArray *g0 = g_ptr_array_index (groups, 0);
  g_assert_cmpuint (g0->len, ==, 2);
  BkField822 *f = g_ptr_array_index (g0, 0);
  g_assert_cmpstr (f->name, ==, "A");
  g_assert_cmpstr (f->value, ==, "1");
  f = g_ptr_array_index (g0, 1);
  g_assert_cmpstr (f->name, ==, "B");
  g_assert_cmpstr (f->value, ==, "two folded");

  GPtrArray *g1 = g_ptr_array_index (groups, 1);
  g_assert_cmpuint (g1->len, ==, 1);
  f = g_ptr_array_index (g1, 0);
  g_assert_cmpstr (f->name, ==, "c");
  /* a line without a colon continues the value */
  g_assert_cmpstr (f->value, ==, "3 not a field line");

  g_assert_cmpstr (bk_fields_get (g0, "a"), ==, "1");
  g_assert_cmpstr (bk_fields_get (g0, "B"), ==, "two folded");
  g_assert_null (bk_fields_get (g0, "c"));
  g_assert_null (bk_fields_get (NULL, "a"));
}

static void
test_fields_empty (void)
{
  g_autoptr (GPtrArray) groups = bk_fields_parse_groups ("");
  g_assert_cmpuint (groups->len, ==, 0);
  g_autoptr (GPtrArray) blank = bk_fields_parse_groups ("\n \n\t\n");
  g_assert_cmpuint (blank->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();

  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_assert_cmpuint (parse_cases[i].n_recipients, <=, MAX_RCPTS);
      g_autofree char *path = g_strconcat ("/dsn/parse/", parse_cases[i].name, NULL);
      g_test_add_data_func (path, &parse_cases[i], test_dsn_parse);
    }
  for (guint i = 0; i < G_N_ELEMENTS (address_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/dsn/address/", address_cases[i].name, NULL);
      g_test_add_data_func (path, &address_cases[i], test_dsn_address);
    }
  g_test_add_func ("/dsn/fields-parse-groups/groups", test_fields_groups);
  g_test_add_func ("/dsn/fields-parse-groups/empty", test_fields_empty);

  return g_test_run ();
}
