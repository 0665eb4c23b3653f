/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-codes: RFC 3463 status and RFC 5321 reply validation,
 * Status field normalisation, and code extraction with the `code` rules of
 * tests/data/codes.rules (never the production rules/ directory).
 */
#include "analyze/bk-analyze-private.h"

/* ---- bk_status_valid ---- */

typedef struct {
  const char *name;
  const char *input;
  gboolean valid;
} ValidCase;

static const ValidCase status_valid_cases[] = {
  { "plain", "5.1.1", TRUE },
  { "three-digit-detail", "4.7.708", TRUE },
  { "two-digit-detail", "5.1.10", TRUE },
  { "success", "2.0.0", TRUE },
  { "three-digit-subject", "5.100.1", TRUE },
  { "class-6", "6.1.1", FALSE },
  { "class-3", "3.4.13", FALSE },
  { "subject-four-digits", "5.1234.1", FALSE },
  { "detail-four-digits", "5.1.1000", FALSE },
  { "empty-subject", "5..1", FALSE },
  { "empty-detail", "5.1.", FALSE },
  { "two-parts", "5.1", FALSE },
  { "four-parts", "5.1.1.1", FALSE },
  { "trailing-blank", "5.1.1 ", FALSE },
  { "leading-blank", " 5.1.1", FALSE },
  { "commas", "5,1,1", FALSE },
  { "letters", "5.a.1", FALSE },
  { "empty", "", FALSE },
  { "null", NULL, FALSE },
};

static void
test_status_valid (gconstpointer data)
{
  const ValidCase *c = data;
  g_assert_cmpint (bk_status_valid (c->input), ==, c->valid);
}

/* ---- bk_reply_valid ---- */

static const ValidCase reply_valid_cases[] = {
  { "550", "550", TRUE },
  { "421", "421", TRUE },
  { "250", "250", TRUE },
  { "211", "211", TRUE },
  { "555", "555", TRUE },
  { "class-6", "650", FALSE },
  { "class-1", "199", FALSE },
  { "second-digit-6", "560", FALSE },
  { "four-digits", "5500", FALSE },
  { "two-digits", "55", FALSE },
  { "letter", "5a0", FALSE },
  { "trailing-blank", "55 ", FALSE },
  { "empty", "", FALSE },
  { "null", NULL, FALSE },
};

static void
test_reply_valid (gconstpointer data)
{
  const ValidCase *c = data;
  g_assert_cmpint (bk_reply_valid (c->input), ==, c->valid);
}

/* ---- bk_status_normalize ---- */

typedef struct {
  const char *name;
  const char *input;
  const char *expected;
} NormCase;

static const NormCase normalize_cases[] = {
  { "comment", "5.0.0 (permanent failure)", "5.0.0" },
  { "sentence-dot", "5.1.1.", "5.1.1" },
  { "plain", "4.4.7", "4.4.7" },
  { "leading-blanks", " \t 5.2.2", "5.2.2" },
  { "semicolon", "5.7.1; blocked", "5.7.1" },
  { "glued-comment", "5.1.1(unknown)", "5.1.1" },
  { "four-parts", "5.1.1.1", NULL },
  { "invalid-class", "6.0.0", NULL },
  { "words", "permanent failure", NULL },
  { "empty", "", NULL },
  { "null", NULL, NULL },
};

static void
test_status_normalize (gconstpointer data)
{
  const NormCase *c = data;
  g_autofree char *got = bk_status_normalize (c->input);
  g_assert_cmpstr (got, ==, c->expected);
}

/* ---- bk_codes_find ---- */

typedef struct {
  BkRuleset *rules;
  BkScanner *scanner;
} CodesFixture;

static void
load_rules (CodesFixture *fx, const char *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);
  char *files[] = { path, NULL };

  fx->rules = bk_ruleset_load_files (dir, files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->rules);
  fx->scanner = bk_scanner_new (fx->rules);
}

static void
codes_set_up (CodesFixture *fx, gconstpointer data)
{
  (void) data;
  load_rules (fx, "codes.rules");
  g_assert_cmpuint (fx->rules->codes->len, ==, 5);
}

static void
loose_set_up (CodesFixture *fx, gconstpointer data)
{
  (void) data;
  load_rules (fx, "codes-loose.rules");
  g_assert_cmpuint (fx->rules->codes->len, ==, 1);
}

static void
codes_tear_down (CodesFixture *fx, gconstpointer data)
{
  (void) data;
  bk_scanner_free (fx->scanner);
  bk_ruleset_unref (fx->rules);
}

typedef struct {
  const char *name;
  const char *text;
  const char *reply;
  const char *status;
  const char *rule;     /* id of the rule that found the first code */
} FindCase;

static const FindCase find_cases[] = {
  { "sendmail", "550 5.1.1 <a@b>... User unknown", "550", "5.1.1", "reply-status" },
  { "gmail-continuation", "550-5.1.1 The email account that you tried to reach does not exist.",
    "550", "5.1.1", "reply-status" },
  { "exchange-hash", "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "550", "5.1.1", "reply-status" },
  { "deferral", "421-4.7.0 Try again later", "421", "4.7.0", "reply-status" },
  { "qmail-status-hash", "(#5.5.0)", NULL, "5.5.0", "status-hash" },
  { "postfix-said", "host 192.0.2.5 said: 554 delivery error", "554", NULL, "reply-after-marker" },
  { "leading-reply-with-type", "smtp; 550 Requested action not taken", "550", NULL, "reply-leading" },
  { "reply-then-status-elsewhere", "550 Mailbox unavailable (status 5.2.1)", "550", "5.2.1", "reply-leading" },
  { "status-sentence-end", "The mailbox is disabled: 5.2.1.", NULL, "5.2.1", "status-anywhere" },
  { "ipv4-address", "10.5.1.1", NULL, NULL, NULL },
  { "postfix-version", "Postfix 3.4.13", NULL, NULL, NULL },
  { "exim-version", "Exim 4.92.3 on mx.example.org", NULL, NULL, NULL },
  { "dotted-date", "2013.05.01", NULL, NULL, NULL },
  { "no-code", "The recipient does not exist", NULL, NULL, NULL },
  { "empty", "", NULL, NULL, NULL },
};

static void
test_codes_find (CodesFixture *fx, gconstpointer data)
{
  const FindCase *c = data;
  g_autofree char *reply = NULL;
  g_autofree char *status = NULL;
  const BkRule *rule = NULL;

  gboolean found = bk_codes_find (fx->scanner, fx->rules, c->text, &reply, &status, &rule, NULL);
  g_assert_cmpstr (reply, ==, c->reply);
  g_assert_cmpstr (status, ==, c->status);
  g_assert_cmpint (found, ==, c->reply != NULL || c->status != NULL);
  if (c->rule)
    {
      g_assert_nonnull (rule);
      g_assert_cmpstr (rule->id, ==, c->rule);
      g_assert_cmpstr (rule->file, ==, "codes.rules");
    }
  else
    g_assert_null (rule);
}

/* A code already known is kept; only the missing one is filled in. */
static void
test_codes_find_keeps_known (CodesFixture *fx, gconstpointer data)
{
  (void) data;
  char *reply = g_strdup ("421");
  char *status = NULL;
  const BkRule *rule = NULL;

  g_assert_true (bk_codes_find (fx->scanner, fx->rules, "550 5.1.1 User unknown", &reply, &status, &rule, NULL));
  g_assert_cmpstr (reply, ==, "421");
  g_assert_cmpstr (status, ==, "5.1.1");
  g_assert_nonnull (rule);
  g_assert_cmpstr (rule->id, ==, "reply-status");
  g_free (reply);
  g_free (status);

  /* both known: nothing to do, nothing found */
  reply = g_strdup ("550");
  status = g_strdup ("5.2.2");
  rule = NULL;
  g_assert_false (bk_codes_find (fx->scanner, fx->rules, "421 4.7.0 later", &reply, &status, &rule, NULL));
  g_assert_cmpstr (reply, ==, "550");
  g_assert_cmpstr (status, ==, "5.2.2");
  g_assert_null (rule);
  g_free (reply);
  g_free (status);
}

static void
test_codes_find_null_text (CodesFixture *fx, gconstpointer data)
{
  (void) data;
  char *reply = NULL;
  char *status = NULL;

  g_assert_false (bk_codes_find (fx->scanner, fx->rules, NULL, &reply, &status, NULL, NULL));
  g_assert_null (reply);
  g_assert_null (status);
}

/* out_rule is optional */
static void
test_codes_find_no_rule_out (CodesFixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *reply = NULL;
  g_autofree char *status = NULL;

  g_assert_true (bk_codes_find (fx->scanner, fx->rules, "552-5.2.2 Mailbox full", &reply, &status, NULL, NULL));
  g_assert_cmpstr (reply, ==, "552");
  g_assert_cmpstr (status, ==, "5.2.2");
}

/* A careless rule cannot produce an impossible code: the C side validates
 * every capture (tests/data/codes-loose.rules). */
static const FindCase loose_cases[] = {
  { "both-invalid", "650 9.9.9", NULL, NULL, NULL },
  { "reply-invalid", "699 5.1.1", NULL, "5.1.1", "loose-both" },
  { "status-invalid", "550 5.1234.1", "550", NULL, "loose-both" },
  { "status-sentence-dot", "550 5.1.1.", "550", "5.1.1", "loose-both" },
  { "reply-too-long", "5500 4.4.7", NULL, "4.4.7", "loose-both" },
};

static void
test_codes_find_loose (CodesFixture *fx, gconstpointer data)
{
  const FindCase *c = data;
  g_autofree char *reply = NULL;
  g_autofree char *status = NULL;
  const BkRule *rule = NULL;

  gboolean found = bk_codes_find (fx->scanner, fx->rules, c->text, &reply, &status, &rule, NULL);
  g_assert_cmpstr (reply, ==, c->reply);
  g_assert_cmpstr (status, ==, c->status);
  g_assert_cmpint (found, ==, c->reply != NULL || c->status != NULL);
  if (c->rule)
    {
      g_assert_nonnull (rule);
      g_assert_cmpstr (rule->id, ==, c->rule);
    }
  else
    g_assert_null (rule);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();

  for (guint i = 0; i < G_N_ELEMENTS (status_valid_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/codes/status-valid/", status_valid_cases[i].name, NULL);
      g_test_add_data_func (path, &status_valid_cases[i], test_status_valid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (reply_valid_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/codes/reply-valid/", reply_valid_cases[i].name, NULL);
      g_test_add_data_func (path, &reply_valid_cases[i], test_reply_valid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (normalize_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/codes/status-normalize/", normalize_cases[i].name, NULL);
      g_test_add_data_func (path, &normalize_cases[i], test_status_normalize);
    }
  for (guint i = 0; i < G_N_ELEMENTS (find_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/codes/find/", find_cases[i].name, NULL);
      g_test_add (path, CodesFixture, &find_cases[i], codes_set_up, test_codes_find, codes_tear_down);
    }
  g_test_add ("/codes/find/keeps-known", CodesFixture, NULL, codes_set_up,
              test_codes_find_keeps_known, codes_tear_down);
  g_test_add ("/codes/find/null-text", CodesFixture, NULL, codes_set_up,
              test_codes_find_null_text, codes_tear_down);
  g_test_add ("/codes/find/rule-optional", CodesFixture, NULL, codes_set_up,
              test_codes_find_no_rule_out, codes_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (loose_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/codes/find/validated/", loose_cases[i].name, NULL);
      g_test_add (path, CodesFixture, &loose_cases[i], loose_set_up, test_codes_find_loose, codes_tear_down);
    }

  return g_test_run ();
}
