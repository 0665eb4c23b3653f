/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-classify: the RFC 3463 status table, the reason to
 * class table, and bk_classify's order of evidence on recipients built by
 * hand, with the reason rules of tests/data/50-reasons.rules.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

/* ---- bk_status_reason ---- */

typedef struct {
  const char *name;
  const char *status;
  const char *reason;
} StatusCase;

static const StatusCase status_cases[] = {
  { "5.1.1", "5.1.1", "userunknown" },
  { "4.1.1", "4.1.1", "userunknown" },
  { "5.1.2", "5.1.2", "hostunknown" },
  { "5.1.10", "5.1.10", "notaccept" },
  { "5.2.2", "5.2.2", "mailboxfull" },
  { "4.2.2", "4.2.2", "mailboxfull" },
  { "5.3.4", "5.3.4", "mesgtoobig" },
  { "4.4.7", "4.4.7", "expired" },
  { "5.7.1", "5.7.1", "securityerror" },
  { "5.7.26", "5.7.26", "authfailure" },
  { "5.7.28", "5.7.28", "blocked" },
  { "2.0.0", "2.0.0", "delivered" },
  { "2.1.5", "2.1.5", "delivered" },
  { "subject-fallback-5.1.99", "5.1.99", "userunknown" },
  { "subject-fallback-4.2.9", "4.2.9", "mailboxfull" },
  { "subject-fallback-5.7.100", "5.7.100", "securityerror" },
  { "success-not-in-table", "2.1.1", NULL },
  { "generic-5.0.0", "5.0.0", NULL },
  { "unknown-subject", "5.9.1", NULL },
  { "invalid", "6.1.1", NULL },
  { "not-a-status", "user unknown", NULL },
  { "null", NULL, NULL },
};

static void
test_status_reason (gconstpointer data)
{
  const StatusCase *c = data;
  g_assert_cmpstr (bk_status_reason (c->status), ==, c->reason);
}

/* ---- bk_reason_class ---- */

typedef struct {
  const char *reason;
  BkBounceClass klass;
} ClassCase;

/* every reason a rule may name (bk-ruleset.c's vocabulary), and two
 * that are not reasons at all */
static const ClassCase class_cases[] = {
  { "userunknown", BK_BOUNCE_CLASS_HARD },
  { "hostunknown", BK_BOUNCE_CLASS_HARD },
  { "hasmoved", BK_BOUNCE_CLASS_HARD },
  { "notaccept", BK_BOUNCE_CLASS_HARD },
  { "mailboxfull", BK_BOUNCE_CLASS_SOFT },
  { "exceedlimit", BK_BOUNCE_CLASS_SOFT },
  { "mesgtoobig", BK_BOUNCE_CLASS_SOFT },
  { "expired", BK_BOUNCE_CLASS_SOFT },
  { "networkerror", BK_BOUNCE_CLASS_SOFT },
  { "systemerror", BK_BOUNCE_CLASS_SOFT },
  { "systemfull", BK_BOUNCE_CLASS_SOFT },
  { "toomanyconn", BK_BOUNCE_CLASS_SOFT },
  { "speeding", BK_BOUNCE_CLASS_SOFT },
  { "mailererror", BK_BOUNCE_CLASS_SOFT },
  { "onhold", BK_BOUNCE_CLASS_SOFT },
  { "suspend", BK_BOUNCE_CLASS_SOFT },
  { "syntaxerror", BK_BOUNCE_CLASS_SOFT },
  { "undefined", BK_BOUNCE_CLASS_SOFT },
  { "blocked", BK_BOUNCE_CLASS_POLICY },
  { "spamdetected", BK_BOUNCE_CLASS_POLICY },
  { "policyviolation", BK_BOUNCE_CLASS_POLICY },
  { "rejected", BK_BOUNCE_CLASS_POLICY },
  { "norelaying", BK_BOUNCE_CLASS_POLICY },
  { "securityerror", BK_BOUNCE_CLASS_POLICY },
  { "virusdetected", BK_BOUNCE_CLASS_POLICY },
  { "authfailure", BK_BOUNCE_CLASS_POLICY },
  { "badreputation", BK_BOUNCE_CLASS_POLICY },
  { "requireptr", BK_BOUNCE_CLASS_POLICY },
  { "notcompliantrfc", BK_BOUNCE_CLASS_POLICY },
  { "contenterror", BK_BOUNCE_CLASS_POLICY },
  { "filtered", BK_BOUNCE_CLASS_POLICY },
  { "failedstarttls", BK_BOUNCE_CLASS_POLICY },
  { "delivered", BK_BOUNCE_CLASS_NONE },
  { "vacation", BK_BOUNCE_CLASS_NONE },
  { "feedback", BK_BOUNCE_CLASS_NONE },
  { "no-such-reason", BK_BOUNCE_CLASS_SOFT },
  { NULL, BK_BOUNCE_CLASS_SOFT },
};

static void
test_reason_class (gconstpointer data)
{
  const ClassCase *c = data;
  g_assert_cmpint (bk_reason_class (c->reason), ==, c->klass);
}

/* every reason of the class table is a known (internable) reason */
static void
test_reason_class_known (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_cases); i++)
    {
      const char *r = class_cases[i].reason;
      if (r == NULL || g_strcmp0 (r, "no-such-reason") == 0)
        g_assert_null (bk_reason_intern (r));
      else
        g_assert_cmpstr (bk_reason_intern (r), ==, r);
    }
}

/* ---- bk_classify ---- */

typedef struct {
  BkRuleset *rules;
  BkScanner *scanner;
} ClassifyFixture;

static void
classify_set_up (ClassifyFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", NULL);
  g_autofree char *provider = g_test_build_filename (G_TEST_DIST, "data", "49-provider.rules", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "50-reasons.rules", NULL);
  char *files[] = { provider, path, NULL };

  fx->rules = bk_ruleset_load_files (dir, files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->rules);
  g_assert_cmpuint (fx->rules->reasons->len, ==, 6);
  g_assert_cmpuint (fx->rules->commands->len, ==, 2);
  fx->scanner = bk_scanner_new (fx->rules);
}

static void
classify_tear_down (ClassifyFixture *fx, gconstpointer data)
{
  (void) data;
  bk_scanner_free (fx->scanner);
  bk_ruleset_unref (fx->rules);
}

typedef struct {
  const char *name;
  /* input */
  const char *action;
  const char *status;
  const char *reply;
  const char *diagnostic;
  const char *preset_reason;
  const char *preset_rule;
  /* expected */
  const char *reason;
  BkBounceClass klass;
  const char *rule;
  const char *derived_status;   /* X.0.9xx set when the input had none */
  const char *evidence[3];      /* explain lines, before the derived status one */
} ClassifyCase;

#define HARD BK_BOUNCE_CLASS_HARD
#define SOFT BK_BOUNCE_CLASS_SOFT
#define POLICY BK_BOUNCE_CLASS_POLICY
#define NONE BK_BOUNCE_CLASS_NONE

static const ClassifyCase classify_cases[] = {
  /* (2) a reason rule beats the status */
  { "reason-rule-wins-over-status", "failed", "5.2.2", "550", "550 5.2.2 no such user here", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", NULL, { NULL } },
  { "first-reason-rule-wins", "failed", "5.0.0", NULL, "over quota, user unknown", NULL, NULL,
    "mailboxfull", SOFT, "reason:mailboxfull.over-quota", NULL, { NULL } },
  { "reason-rule-caseless", "failed", NULL, NULL, "NO SUCH USER", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", "5.0.911", { NULL } },
  { "reason-rule-policy", "failed", "5.7.1", "554", "554 5.7.1 blocked using Spamhaus", NULL, NULL,
    "blocked", POLICY, "reason:blocked.spamhaus", NULL, { NULL } },
  /* (3) the status table when no rule matches */
  { "status-exact", "failed", "5.1.1", NULL, NULL, NULL, NULL,
    "userunknown", HARD, "status:5.1.1", NULL, { NULL } },
  { "status-when-no-rule-matches", "failed", "5.2.2", NULL, "mailbox is full", NULL, NULL,
    "mailboxfull", SOFT, "status:5.2.2", NULL, { NULL } },
  { "status-subject-fallback", "failed", "5.1.99", NULL, NULL, NULL, NULL,
    "userunknown", HARD, "status:5.1.99", NULL, { NULL } },
  { "status-authfailure", "failed", "5.7.26", NULL, NULL, NULL, NULL,
    "authfailure", POLICY, "status:5.7.26", NULL, { NULL } },
  { "status-before-reply", "failed", "5.1.1", "452", NULL, NULL, NULL,
    "userunknown", HARD, "status:5.1.1", NULL, { NULL } },
  /* (4) the reply code */
  { "generic-status-then-reply", "failed", "5.0.0", "553", NULL, NULL, NULL,
    "userunknown", HARD, "reply:553", NULL, { NULL } },
  { "reply-only", "failed", NULL, "552", "552 message refused", NULL, NULL,
    "mailboxfull", SOFT, "reply:552", "5.0.922", { NULL } },
  { "reply-421", "failed", NULL, "421", NULL, NULL, NULL,
    "systemerror", SOFT, "reply:421", "4.0.930", { NULL } },
  /* defaults: onhold when there is a diagnostic to hold on to */
  { "generic-status-with-diagnostic-onhold", "failed", "5.0.0", NULL, "mailbox problem", NULL, NULL,
    "onhold", SOFT, "default", NULL, { NULL } },
  { "generic-status-undefined", "failed", "5.0.0", NULL, NULL, NULL, NULL,
    "undefined", SOFT, "default", NULL, { NULL } },
  { "reply-not-in-table-onhold", "failed", NULL, "500", "500 syntax", NULL, NULL,
    "onhold", SOFT, "default", "5.0.901", { NULL } },
  { "nothing-undefined", "failed", NULL, NULL, NULL, NULL, NULL,
    "undefined", SOFT, "default", "5.0.900", { NULL } },
  { "no-action-diagnostic-onhold", NULL, NULL, NULL, "something went wrong", NULL, NULL,
    "onhold", SOFT, "default", "5.0.901", { NULL } },
  /* (1) the action says it is no failure: no status is derived either */
  { "action-delivered", "delivered", "2.0.0", "250", "no such user", NULL, NULL,
    "delivered", NONE, "action:delivered", NULL, { NULL } },
  { "action-relayed", "relayed", NULL, NULL, NULL, NULL, NULL,
    "delivered", NONE, "action:relayed", NULL, { NULL } },
  { "action-expanded", "expanded", "2.0.0", NULL, NULL, NULL, NULL,
    "delivered", NONE, "action:expanded", NULL, { NULL } },
  /* (5) delays */
  { "delayed-no-evidence", "delayed", NULL, NULL, NULL, NULL, NULL,
    "expired", SOFT, "action:delayed", "4.0.947", { NULL } },
  { "delayed-generic-status", "delayed", "4.0.0", NULL, NULL, NULL, NULL,
    "expired", SOFT, "action:delayed", NULL, { NULL } },
  { "delayed-hard-reason-text", "delayed", "4.0.0", NULL, "no such user", NULL, NULL,
    "userunknown", SOFT, "reason:userunknown.no-such-user", NULL, { NULL } },
  { "delayed-hard-reason-status", "delayed", "5.1.1", NULL, NULL, NULL, NULL,
    "userunknown", SOFT, "status:5.1.1", NULL, { NULL } },
  { "delayed-hard-reason-no-status", "delayed", NULL, NULL, "no such user", NULL, NULL,
    "userunknown", SOFT, "reason:userunknown.no-such-user", "4.0.911", { NULL } },
  /* a 4xx status or reply is hard only when a text rule says so */
  { "4xx-status-without-text", "failed", "4.1.1", NULL, NULL, NULL, NULL,
    "userunknown", SOFT, "status:4.1.1", NULL, { NULL } },
  { "4xx-status-with-text", "failed", "4.1.1", "450", "450 4.1.1 no such user", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", NULL, { NULL } },
  { "4xx-reply-with-text", "failed", NULL, "450", "450 no such user", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", "4.0.911", { NULL } },
  { "4xx-notaccept-with-text", "failed", "4.1.10", NULL, "domain has a null MX", NULL, NULL,
    "notaccept", SOFT, "reason:notaccept.null-mx", NULL, { NULL } },
  { "5xx-notaccept-with-text", "failed", "5.1.10", NULL, "domain has a null MX", NULL, NULL,
    "notaccept", HARD, "reason:notaccept.null-mx", NULL, { NULL } },
  /* a reason decided by the report kind stays */
  { "feedback-kept", NULL, NULL, NULL, NULL, "feedback", "feedback:abuse",
    "feedback", NONE, "feedback:abuse", NULL, { NULL } },
  { "vacation-kept", NULL, NULL, NULL, "no such user", "vacation", "autoreply:x",
    "vacation", NONE, "autoreply:x", NULL, { NULL } },
  /* any other earlier reason is decided again */
  { "stale-reason-replaced", "failed", "5.1.1", NULL, NULL, "blocked", "stale",
    "userunknown", HARD, "status:5.1.1", NULL, { NULL } },
  /* user-unknown wording is userunknown whatever the command and the
   * status detail (DESIGN: the verdict follows what the receiver said) */
  { "unknown-user-after-data", "failed", "5.2.0", "550",
    "550 5.2.0 no such user (after end of data)", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", NULL,
    { "the failure answered SMTP data" } },
  { "unknown-user-no-command", "failed", "5.3.0", NULL, "no such user", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", NULL, { NULL } },
  { "unknown-user-at-rcpt", "failed", "5.2.0", "550",
    "550 5.2.0 no such user (after RCPT TO:<a@b>)", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", NULL,
    { "the failure answered SMTP rcpt" } },
  { "unknown-user-no-status-after-data", "failed", NULL, "550", "550 no such user (after end of data)", NULL, NULL,
    "userunknown", HARD, "reason:userunknown.no-such-user", "5.0.911",
    { "the failure answered SMTP data" } },
  { "other-reason-after-data", "failed", "5.2.0", NULL, "over quota (after end of data)", NULL, NULL,
    "mailboxfull", SOFT, "reason:mailboxfull.over-quota", NULL, { NULL } },
  /* a 5xx refusing RCPT with no words we know names the address */
  { "reply-at-rcpt-only", "failed", NULL, "550", "550 rejected (after RCPT TO)", NULL, NULL,
    "userunknown", HARD, "reply:550+command:rcpt", "5.0.911",
    { "the failure answered SMTP rcpt" } },
};

static void
test_classify (ClassifyFixture *fx, gconstpointer data)
{
  const ClassifyCase *c = data;
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient *r = bk_report_add_recipient (report);

  r->recipient = g_strdup ("user@example.com");
  r->action = g_strdup (c->action);
  r->status = g_strdup (c->status);
  r->reply_code = g_strdup (c->reply);
  r->diagnostic = g_strdup (c->diagnostic);
  r->reason = g_strdup (c->preset_reason);
  r->rule = g_strdup (c->preset_rule);
  r->klass = (BkBounceClass) 99;

  bk_classify (fx->scanner, fx->rules, NULL, r, NULL);

  g_assert_cmpstr (r->reason, ==, c->reason);
  g_assert_cmpint (r->klass, ==, c->klass);
  g_assert_cmpstr (r->rule, ==, c->rule);
  /* explain lines: the case's, then the derived status if any; the
   * weighing lines ("evidence from ...", "weighed: ...") are checked
   * against the decision below */
  g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (c->evidence) && c->evidence[i]; i++)
    g_ptr_array_add (want, g_strdup (c->evidence[i]));
  if (c->derived_status)
    {
      g_assert_null (c->status);
      g_assert_cmpstr (r->status, ==, c->derived_status);
      g_ptr_array_add (want, g_strdup_printf ("status %s derived from reason %s: the report gives none",
                                              c->derived_status, c->reason));
    }
  else
    g_assert_cmpstr (r->status, ==, c->status);
  g_autoptr (GPtrArray) got = g_ptr_array_new ();
  gboolean decision_named = g_str_equal (c->rule, "default") || c->preset_reason
                            || g_str_has_prefix (c->rule, "action:");
  for (guint i = 0; i < r->evidence->len; i++)
    {
      const char *line = g_ptr_array_index (r->evidence, i);
      if (g_str_has_prefix (line, "evidence from "))
        g_assert_nonnull (strstr (line, ": "));
      else if (g_str_has_prefix (line, "weighed: "))
        {
          g_assert_true (g_str_has_suffix (line, c->reason));
          decision_named = TRUE;
        }
      else
        g_ptr_array_add (got, (gpointer) line);
    }
  g_assert_true (decision_named);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < got->len && i < want->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (want, i));
  /* the other inputs are left alone */
  g_assert_cmpstr (r->recipient, ==, "user@example.com");
  g_assert_cmpstr (r->action, ==, c->action);
  g_assert_cmpstr (r->reply_code, ==, c->reply);
  g_assert_cmpstr (r->diagnostic, ==, c->diagnostic);
  g_assert_null (r->original_recipient);
  g_assert_null (r->diagnostic_type);
  g_assert_null (r->remote_mta);
  g_assert_null (r->feedback_type);
  g_assert_null (r->date);
}

/* ---- bk_reason_pseudo_status ---- */

typedef struct {
  const char *name;
  const char *reason;
  gboolean temporary;
  const char *expected;
} PseudoCase;

static const PseudoCase pseudo_cases[] = {
  { "userunknown-permanent", "userunknown", FALSE, "5.0.911" },
  { "userunknown-temporary", "userunknown", TRUE, "4.0.911" },
  { "mailboxfull", "mailboxfull", FALSE, "5.0.922" },
  { "expired", "expired", TRUE, "4.0.947" },
  { "undefined", "undefined", FALSE, "5.0.900" },
  { "onhold", "onhold", FALSE, "5.0.901" },
  { "blocked", "blocked", FALSE, "5.0.971" },
  { "delivered", "delivered", FALSE, NULL },
  { "vacation", "vacation", FALSE, NULL },
  { "feedback", "feedback", FALSE, NULL },
  { "unknown", "no-such-reason", FALSE, NULL },
  { "null", NULL, FALSE, NULL },
};

static void
test_pseudo_status (gconstpointer data)
{
  const PseudoCase *c = data;
  g_autofree char *got = bk_reason_pseudo_status (c->reason, c->temporary);
  g_assert_cmpstr (got, ==, c->expected);
  if (got)
    g_assert_true (bk_status_valid (got));
}

/* classifying twice gives the same verdict (the analyzer may refine a
 * recipient and classify it again) */
static void
test_classify_twice (ClassifyFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient *r = bk_report_add_recipient (report);

  r->action = g_strdup ("failed");
  r->status = g_strdup ("5.2.2");
  bk_classify (fx->scanner, fx->rules, NULL, r, NULL);
  g_assert_cmpstr (r->reason, ==, "mailboxfull");
  g_assert_cmpstr (r->rule, ==, "status:5.2.2");

  r->diagnostic = g_strdup ("550 no such user");
  bk_classify (fx->scanner, fx->rules, NULL, r, NULL);
  g_assert_cmpstr (r->reason, ==, "userunknown");
  g_assert_cmpint (r->klass, ==, BK_BOUNCE_CLASS_HARD);
  g_assert_cmpstr (r->rule, ==, "reason:userunknown.no-such-user");
}

/* ---- bk_classify with what the bounce says beyond the recipient ---- */

/* Evidence weighed (bk-classify.c, doc/design.md): each case gives the
 * pieces of evidence about one recipient and the one that must win. */
typedef struct {
  const char *name;
  const char *action;
  const char *status;
  const char *reply;
  const char *diagnostic;
  gboolean own_set;          /* ctx.own_set: the diagnostic holds other text */
  const char *own;           /* ctx.own: the recipient's own reply */
  const char *diagnostic_type;
  const char *extensions;    /* ctx.extensions */
  const char *reason;
  const char *rule;
  BkBounceClass klass;
} ContextCase;

static const ContextCase context_cases[] = {
  /* a reply that says the user does not exist is hard whatever the stage
   * and the status detail */
  { "unknown-after-data", "failed", NULL, "550", "550 no such user (after end of data)", FALSE, NULL, NULL, NULL,
    "userunknown", "reason:userunknown.no-such-user", BK_BOUNCE_CLASS_HARD },
  { "unknown-with-x20", "failed", "5.2.0", "550", "550 no such user", FALSE, NULL, NULL, NULL,
    "userunknown", "reason:userunknown.no-such-user", BK_BOUNCE_CLASS_HARD },
  { "unknown-with-x71", "failed", "5.7.1", "550", "550 5.7.1 no such user", FALSE, NULL, NULL, NULL,
    "userunknown", "reason:userunknown.no-such-user", BK_BOUNCE_CLASS_HARD },
  /* the recipient's own words outrank a specific status */
  { "words-beat-status", "failed", "5.1.1", "552", "552 over quota", FALSE, NULL, NULL, NULL,
    "mailboxfull", "reason:mailboxfull.over-quota", BK_BOUNCE_CLASS_SOFT },
  /* other text of the bounce (a footer, a banner) does not outrank a
   * specific status... */
  { "status-beats-other-text", "failed", "5.1.1", NULL, "mailbox gone; scanned by spamhaus", TRUE,
    "mailbox gone", NULL, NULL, "userunknown", "status:5.1.1", BK_BOUNCE_CLASS_HARD },
  /* ...but decides where the status is generic */
  { "other-text-beats-generic-status", "failed", "5.0.0", NULL, "failed; mailbox over quota", TRUE,
    "failed", NULL, NULL, "mailboxfull", "reason:mailboxfull.over-quota+text", BK_BOUNCE_CLASS_SOFT },
  /* a specific status outranks x-unix; x-unix outranks a generic one */
  { "status-beats-x-unix", "failed", "5.2.2", NULL, "procmail failed", FALSE, NULL, "x-unix", NULL,
    "mailboxfull", "status:5.2.2", BK_BOUNCE_CLASS_SOFT },
  { "x-unix-beats-subject", "failed", "5.3.0", NULL, "procmail failed", FALSE, NULL, "x-unix", NULL,
    "mailererror", "diagnostic-type:x-unix", BK_BOUNCE_CLASS_SOFT },
  /* X.7.0 says only "a security or policy matter": a subject, weaker
   * than a reply at RCPT, which names the address */
  { "x70-is-a-subject", "failed", "5.7.0", "550", "550 refused", FALSE, NULL, NULL, NULL,
    "securityerror", "status:5.7.0", BK_BOUNCE_CLASS_POLICY },
  { "reply-at-rcpt", "failed", NULL, "550", "550 refused (after RCPT TO)", FALSE, NULL, NULL, NULL,
    "userunknown", "reply:550+command:rcpt", BK_BOUNCE_CLASS_HARD },
  /* after DATA a 5xx with no words we know refuses the message, not the
   * address: policy, never hard */
  { "reply-after-data", "failed", NULL, "550", "550 go away (after end of data)", FALSE, NULL, NULL, NULL,
    "filtered", "reply:550+command:data", BK_BOUNCE_CLASS_POLICY },
  /* a code with a meaning of its own keeps it at any command: 552 is a
   * storage limit, not a dead address */
  { "552-at-rcpt", "failed", NULL, "552", "552 sorry (after RCPT TO)", FALSE, NULL, NULL, NULL,
    "mailboxfull", "reply:552+command:rcpt", BK_BOUNCE_CLASS_SOFT },
  { "552-after-data", "failed", NULL, "552", "552 sorry (after end of data)", FALSE, NULL, NULL, NULL,
    "mailboxfull", "reply:552+command:data", BK_BOUNCE_CLASS_SOFT },
  { "temporary-reply-at-rcpt", "failed", NULL, "450", "450 try later (after RCPT TO)", FALSE, NULL, NULL, NULL,
    "onhold", "default", BK_BOUNCE_CLASS_SOFT },
  /* a bare 421 is a server closing the channel, not a policy */
  { "bare-421", "failed", NULL, "421", "421 closing", FALSE, NULL, NULL, NULL,
    "systemerror", "reply:421", BK_BOUNCE_CLASS_SOFT },
  /* the reporting MTA's own classification outranks a status */
  { "dsn-field", "failed", "5.1.1", NULL, "failed", FALSE, NULL, NULL, "X-PowerMTA-BounceCategory: spamhaus",
    "blocked", "reason:blocked.spamhaus+dsn-field", BK_BOUNCE_CLASS_POLICY },
  /* a delay is soft even when its words name a dead address */
  { "delay-with-unknown", "delayed", "4.1.1", "450", "450 no such user", FALSE, NULL, NULL, NULL,
    "userunknown", "reason:userunknown.no-such-user", BK_BOUNCE_CLASS_SOFT },
  { "delay-says-nothing", "delayed", NULL, NULL, "still trying", FALSE, NULL, NULL, NULL,
    "expired", "action:delayed", BK_BOUNCE_CLASS_SOFT },
  /* no evidence at all */
  { "nothing", "failed", NULL, NULL, "it failed", FALSE, NULL, NULL, NULL,
    "onhold", "default", BK_BOUNCE_CLASS_SOFT },
};

static void
test_classify_context (ClassifyFixture *fx, gconstpointer data)
{
  const ContextCase *c = data;
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient *r = bk_report_add_recipient (report);
  r->action = g_strdup (c->action);
  r->status = g_strdup (c->status);
  r->reply_code = g_strdup (c->reply);
  r->diagnostic = g_strdup (c->diagnostic);
  r->diagnostic_type = g_strdup (c->diagnostic_type);
  BkClassifyContext ctx = { .own_set = c->own_set, .own = c->own, .extensions = c->extensions };

  bk_classify (fx->scanner, fx->rules, NULL, r, &ctx);

  g_assert_cmpstr (r->reason, ==, c->reason);
  g_assert_cmpstr (r->rule, ==, c->rule);
  g_assert_cmpint (r->klass, ==, c->klass);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();

  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/classify/status-reason/", status_cases[i].name, NULL);
      g_test_add_data_func (path, &status_cases[i], test_status_reason);
    }
  for (guint i = 0; i < G_N_ELEMENTS (class_cases); i++)
    {
      const char *name = class_cases[i].reason ? class_cases[i].reason : "null";
      g_autofree char *path = g_strconcat ("/classify/reason-class/", name, NULL);
      g_test_add_data_func (path, &class_cases[i], test_reason_class);
    }
  g_test_add_func ("/classify/reason-class/all-known", test_reason_class_known);
  for (guint i = 0; i < G_N_ELEMENTS (classify_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/classify/classify/", classify_cases[i].name, NULL);
      g_test_add (path, ClassifyFixture, &classify_cases[i], classify_set_up, test_classify,
                  classify_tear_down);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pseudo_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/classify/reason-pseudo-status/", pseudo_cases[i].name, NULL);
      g_test_add_data_func (path, &pseudo_cases[i], test_pseudo_status);
    }
  g_test_add ("/classify/classify/twice", ClassifyFixture, NULL, classify_set_up,
              test_classify_twice, classify_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (context_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/classify/context/", context_cases[i].name, NULL);
      g_test_add (path, ClassifyFixture, &context_cases[i], classify_set_up, test_classify_context,
                  classify_tear_down);
    }

  return g_test_run ();
}
