/* SPDX-License-Identifier: MIT */
/*
 * bk-classify - reason and class of one recipient.
 *
 * Evidence, strongest first: (1) the Action says it is no failure;
 * (2) a `reason` rule matches the diagnostic (the decoding format's own
 * rules first); (3) a delay whose text says nothing and whose status is
 * temporary or absent is `expired`; (4) the
 * RFC 3463 status (exact code, then class.subject) in the table below;
 * (5) the reply code. The class then comes from the
 * reason (DESIGN's table) with two corrections: a delay is never hard, and
 * a 4xx status or reply is never hard unless a text rule named the
 * address dead. rcpt->rule names what decided, so `explain` can show it.
 * Tables, not if-chains: add a row, not a branch.
 */
#include "bk-private.h"

#include <string.h>

typedef struct {
  const char *code;     /* "5.1.1" exact, or "5.1" for the whole subject */
  const char *reason;
} StatusRow;

/* RFC 3463 and the RFC 5248 registry, mapped to the reason vocabulary.
 * Class 4 and 5 share a row unless their meaning differs. */
static const StatusRow status_table[] = {
  { "2.1.5", "delivered" },
  { "2.0.0", "delivered" },
  { "X.1.0", "userunknown" },
  { "X.1.1", "userunknown" },
  { "X.1.2", "hostunknown" },
  { "X.1.3", "userunknown" },
  { "X.1.4", "userunknown" },
  { "X.1.5", "delivered" },
  { "X.1.6", "hasmoved" },
  { "X.1.7", "rejected" },
  { "X.1.8", "rejected" },
  { "X.1.9", "systemerror" },
  { "X.1.10", "notaccept" },
  { "X.2.0", "filtered" },
  { "X.2.1", "suspend" },
  { "X.2.2", "mailboxfull" },
  { "X.2.3", "exceedlimit" },
  { "X.2.4", "systemerror" },
  { "X.3.0", "systemerror" },
  { "X.3.1", "systemfull" },
  { "X.3.2", "notaccept" },
  { "X.3.3", "systemerror" },
  { "X.3.4", "mesgtoobig" },
  { "X.3.5", "systemerror" },
  { "X.4.0", "networkerror" },
  { "X.4.1", "networkerror" },
  { "X.4.2", "networkerror" },
  { "X.4.3", "systemerror" },
  { "X.4.4", "hostunknown" },
  { "X.4.5", "toomanyconn" },
  { "X.4.6", "networkerror" },
  { "X.4.7", "expired" },
  { "X.5.0", "syntaxerror" },
  { "X.5.1", "syntaxerror" },
  { "X.5.2", "syntaxerror" },
  { "X.5.3", "exceedlimit" },
  { "X.5.4", "syntaxerror" },
  { "X.5.5", "syntaxerror" },
  { "X.5.6", "syntaxerror" },
  { "X.6.0", "contenterror" },
  { "X.6.1", "contenterror" },
  { "X.6.2", "contenterror" },
  { "X.6.3", "contenterror" },
  { "X.6.4", "contenterror" },
  { "X.6.5", "contenterror" },
  { "X.6.6", "contenterror" },
  { "X.6.7", "contenterror" },
  { "X.6.8", "contenterror" },
  { "X.6.9", "contenterror" },
  { "X.6.10", "contenterror" },
  { "X.7.0", "securityerror" },
  { "X.7.1", "securityerror" },
  { "X.7.2", "securityerror" },
  { "X.7.3", "securityerror" },
  { "X.7.4", "securityerror" },
  { "X.7.5", "securityerror" },
  { "X.7.6", "securityerror" },
  { "X.7.7", "securityerror" },
  { "X.7.8", "securityerror" },
  { "X.7.9", "securityerror" },
  { "X.7.10", "securityerror" },
  { "X.7.11", "securityerror" },
  { "X.7.12", "securityerror" },
  { "X.7.13", "suspend" },
  { "X.7.14", "securityerror" },
  { "X.7.15", "securityerror" },
  { "X.7.16", "securityerror" },
  { "X.7.17", "hasmoved" },
  { "X.7.18", "hasmoved" },
  { "X.7.19", "hasmoved" },
  { "X.7.20", "authfailure" },
  { "X.7.21", "authfailure" },
  { "X.7.22", "authfailure" },
  { "X.7.23", "authfailure" },
  { "X.7.24", "authfailure" },
  { "X.7.25", "requireptr" },
  { "X.7.26", "authfailure" },
  { "X.7.27", "notaccept" },
  { "X.7.28", "blocked" },
  { "X.7.29", "authfailure" },
  { "X.7.30", "authfailure" },
  { "X.7.32", "authfailure" },
  /* whole subjects, when the detail is not listed */
  { "X.1", "userunknown" },
  { "X.2", "mailboxfull" },
  { "X.3", "systemerror" },
  { "X.4", "networkerror" },
  { "X.5", "syntaxerror" },
  { "X.6", "contenterror" },
  { "X.7", "securityerror" },
};

/* Reply codes (RFC 5321, RFC 7504) that say enough on their own. */
static const struct { const char *reply; const char *reason; } reply_table[] = {
  { "421", "blocked" },      /* service not available, closing: mostly throttling */
  { "452", "mailboxfull" },
  { "521", "notaccept" },
  { "552", "mailboxfull" },
  { "553", "userunknown" },
  { "556", "notaccept" },
};

static const struct { const char *reason; BkBounceClass klass; } class_table[] = {
  { "userunknown", BK_BOUNCE_CLASS_HARD },
  { "hostunknown", BK_BOUNCE_CLASS_HARD },
  { "hasmoved", BK_BOUNCE_CLASS_HARD },
  { "notaccept", BK_BOUNCE_CLASS_HARD },
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
};

/* Detail numbers of the "X.0.9xx" codes the reference analyzer (Sisimai)
 * reports when a bounce carries no enhanced status at all: X.0 (undefined
 * subject) plus a private detail per reason. bouncekit mirrors them so its
 * status column compares one to one; `rule` and explain say when a status
 * was derived this way. */
static const struct { const char *reason; const char *detail; } pseudo_table[] = {
  { "undefined", "900" }, { "onhold", "901" }, { "syntaxerror", "902" },
  { "norelaying", "909" }, { "filtered", "910" }, { "userunknown", "911" },
  { "hostunknown", "912" }, { "hasmoved", "916" }, { "rejected", "918" },
  { "suspend", "921" }, { "mailboxfull", "922" }, { "exceedlimit", "923" },
  { "systemfull", "926" }, { "systemerror", "930" }, { "notaccept", "932" },
  { "mesgtoobig", "934" }, { "mailererror", "939" }, { "networkerror", "944" },
  { "toomanyconn", "945" }, { "expired", "947" }, { "speeding", "952" },
  { "contenterror", "960" }, { "securityerror", "970" }, { "blocked", "971" },
  { "policyviolation", "972" }, { "requireptr", "973" }, { "authfailure", "974" },
  { "badreputation", "975" }, { "failedstarttls", "976" }, { "notcompliantrfc", "979" },
  { "spamdetected", "980" }, { "virusdetected", "981" },
};

/* bk_reason_pseudo_status - "5.0.911" for a permanent userunknown, NULL for
 * reasons that are no failure */
char *
bk_reason_pseudo_status (const char *reason, gboolean temporary)
{
  for (guint i = 0; i < G_N_ELEMENTS (pseudo_table); i++)
    if (g_strcmp0 (pseudo_table[i].reason, reason) == 0)
      return g_strdup_printf ("%c.0.%s", temporary ? '4' : '5', pseudo_table[i].detail);
  return NULL;
}

/* bk_reason_class - DESIGN's class of @reason; unknown reasons are soft */
BkBounceClass
bk_reason_class (const char *reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_table); i++)
    if (g_strcmp0 (class_table[i].reason, reason) == 0)
      return class_table[i].klass;
  return BK_BOUNCE_CLASS_SOFT;
}

/* bk_status_reason - the table's reason for @status, or NULL */
const char *
bk_status_reason (const char *status)
{
  if (!bk_status_valid (status))
    return NULL;
  const char *rest = status + 1;           /* ".1.1" */
  const char *last_dot = strrchr (status, '.');
  for (guint i = 0; i < G_N_ELEMENTS (status_table); i++)
    {
      const char *code = status_table[i].code;
      if (code[0] == 'X')
        {
          if (status[0] == '2')
            continue;
          if (strlen (code) > 3 && strcmp (code + 1, rest) == 0)
            return status_table[i].reason;
          /* subject rows "X.1" */
          if (strlen (code) == 3 && strncmp (code + 1, rest, last_dot - rest) == 0
              && (gsize) (last_dot - rest) == strlen (code + 1))
            return status_table[i].reason;
        }
      else if (strcmp (code, status) == 0)
        return status_table[i].reason;
    }
  return NULL;
}

static const char *
reply_reason (const char *reply)
{
  for (guint i = 0; reply && i < G_N_ELEMENTS (reply_table); i++)
    if (strcmp (reply_table[i].reply, reply) == 0)
      return reply_table[i].reason;
  return NULL;
}

static gboolean
is_generic_status (const char *status)
{
  /* X.0.0 says only "failed" or "retrying" */
  return status && (g_str_has_suffix (status, ".0.0"));
}

/* smtp_command - the SMTP command the diagnostic says the failure
 * answered ("rcpt", "data", ...), by the `command` rules, or NULL */
static const char *
smtp_command (BkScanner *scanner, const BkRuleset *rules, const char *diag, const guint64 *bits)
{
  if (diag == NULL)
    return NULL;
  gsize len = strlen (diag);
  for (guint i = 0; i < rules->commands->len; i++)
    {
      const BkRule *rule = g_ptr_array_index (rules->commands, i);
      if (bk_may_match (rule, bits) && bk_scanner_match (scanner, rule, diag, len))
        return rule->reason;
    }
  return NULL;
}

/* Text that names a dead mailbox is not proof of one when the status says
 * something else and the refusal did not answer RCPT: a filter that
 * rejects after DATA, or a "mailbox disabled" system, words it the same
 * way. That holds for a userunknown text
 * - refused after DATA: a server that knows its mailboxes refuses an
 *   unknown one at RCPT, so a refusal of the content is a filter's, unless
 *   the status itself says X.1.1;
 * - with status X.2.0 (other mailbox status) or X.3.0 (other mail system
 *   status), at any command but RCPT. */
static gboolean
unknown_user_is_filter (const char *status, const char *command)
{
  if (g_strcmp0 (command, "rcpt") == 0)
    return FALSE;
  if (g_strcmp0 (command, "data") == 0)
    return status == NULL || strcmp (status + 1, ".1.1") != 0;
  if (status == NULL)
    return FALSE;
  return strcmp (status + 1, ".2.0") == 0 || strcmp (status + 1, ".3.0") == 0;
}

/* first_reason - the first reason rule that matches @text: the decoding
 * format's own rules first, then the ruleset's; @bits from the
 * prefilter, or NULL to try every rule */
static const BkRule *
first_reason (BkScanner *scanner, const BkRuleset *rules, const BkFormat *format, const char *text,
              const guint64 *bits)
{
  gsize len = strlen (text);
  guint nformat = format ? format->reasons->len : 0;
  for (guint i = 0; i < nformat + rules->reasons->len; i++)
    {
      const BkRule *rule = i < nformat ? g_ptr_array_index (format->reasons, i)
                                       : g_ptr_array_index (rules->reasons, i - nformat);
      if (bk_may_match (rule, bits) && bk_scanner_match (scanner, rule, text, len))
        return rule;
    }
  return NULL;
}

static void
decide (BkRecipient *rcpt, const char *reason, char *rule)
{
  g_free (rcpt->reason);
  rcpt->reason = g_strdup (reason);
  g_free (rcpt->rule);
  rcpt->rule = rule;
}

/* filter_or_mailbox - settle user-unknown wording against a filter's:
 * an X.1.1 status makes a format's filter guess userunknown; the refused
 * command (from the diagnostic, else from the text of a one-recipient
 * bounce) and the layout make the shared wording of 50-reasons.rules
 * filtered (see unknown_user_is_filter and README "User unknown, or a
 * filter?"). A provider's or a format's own words for a dead account know
 * at which command that system refuses one, and are left alone. */
static void
filter_or_mailbox (BkScanner *scanner, const BkRuleset *rules, BkRecipient *rcpt, const BkRule *decided_by,
                   const guint64 *bits, const BkClassifyContext *ctx)
{
  /* an explicit bad-mailbox status outranks a filter guess made from
   * unknown-user wording */
  if (g_strcmp0 (rcpt->reason, "filtered") == 0 && rcpt->status && strcmp (rcpt->status + 1, ".1.1") == 0)
    decide (rcpt, "userunknown", g_strdup_printf ("status:%s", rcpt->status));
  gboolean unknown_user = g_strcmp0 (rcpt->reason, "userunknown") == 0;
  /* the command decides only for user-unknown wording; explain tells it
   * for every recipient */
  const char *command = unknown_user || bk_evidence_enabled ()
                        ? smtp_command (scanner, rules, rcpt->diagnostic, bits) : NULL;
  if (command)
    bk_evidence (rcpt->evidence, "the failure answered SMTP %s", command);
  /* the whole text is read only where the command decides */
  if (!command && unknown_user && ctx && ctx->text
      && (command = smtp_command (scanner, rules, ctx->text, ctx->text_bits)))
    bk_evidence (rcpt->evidence, "the bounce says the failure answered SMTP %s", command);
  if (!unknown_user || (decided_by && !g_str_has_prefix (decided_by->file, "50-")))
    return;
  if (ctx && ctx->unknown_layout && (rcpt->status == NULL || is_generic_status (rcpt->status))
      && command == NULL && strstr (rcpt->diagnostic, "<<<") == NULL)
    {
      bk_evidence (rcpt->evidence, "user-unknown wording in a layout no format knows, without a specific "
                   "status or the refused command: filtered");
      decide (rcpt, "filtered", g_strdup_printf ("%s+layout:unknown", rcpt->rule));
    }
  else if (unknown_user_is_filter (rcpt->status, command) && g_strcmp0 (command, "data") == 0)
    {
      bk_evidence (rcpt->evidence, "user-unknown wording refused after DATA%s%s: filtered",
                   rcpt->status ? " with status " : "", rcpt->status ? rcpt->status : "");
      decide (rcpt, "filtered", g_strdup_printf ("%s+command:data", rcpt->rule));
    }
  else if (unknown_user_is_filter (rcpt->status, command))
    {
      bk_evidence (rcpt->evidence, "user-unknown wording with status %s, not at RCPT: filtered", rcpt->status);
      decide (rcpt, "filtered", g_strdup_printf ("%s+status:%s", rcpt->rule, rcpt->status));
    }
}

/**
 * bk_classify:
 * @rcpt: a recipient with action, status, reply_code and diagnostic set
 * @ctx: (nullable): what the bounce says beyond the recipient's fields
 *
 * Sets rcpt->reason, rcpt->klass and rcpt->rule.
 */
void
bk_classify (BkScanner *scanner, const BkRuleset *rules, const BkFormat *format, BkRecipient *rcpt,
             const BkClassifyContext *ctx)
{
  gboolean from_text = FALSE;
  const char *action = rcpt->action;

  if (rcpt->reason && g_strcmp0 (rcpt->reason, "feedback") != 0 && g_strcmp0 (rcpt->reason, "vacation") != 0)
    g_clear_pointer (&rcpt->reason, g_free);

  if (rcpt->reason)
    ;   /* feedback and vacation are decided by the report kind */
  else if (g_strcmp0 (action, "delivered") == 0 || g_strcmp0 (action, "relayed") == 0
           || g_strcmp0 (action, "expanded") == 0)
    decide (rcpt, "delivered", g_strdup_printf ("action:%s", action));
  else
    {
      if (rcpt->diagnostic)
        {
          gsize len = strlen (rcpt->diagnostic);
          /* one pass over the diagnostic tells which rules may match */
          const guint64 *bits = NULL;
          if (rules->prefilter && scanner->diag_bits)
            {
              bk_prefilter_scan (rules->prefilter, rcpt->diagnostic, len, scanner->diag_bits);
              bits = scanner->diag_bits;
            }
          /* the decoding format's own reason rules come first */
          const BkRule *decided_by = first_reason (scanner, rules, format, rcpt->diagnostic, bits);
          if (decided_by)
            {
              decide (rcpt, decided_by->reason, g_strdup_printf ("reason:%s", decided_by->id));
              from_text = TRUE;
            }
          filter_or_mailbox (scanner, rules, rcpt, decided_by, bits, ctx);
        }
      /* the reporting MTA's own classification in its X- fields
       * (X-PowerMTA-BounceCategory: bad-mailbox), when the words decide
       * nothing */
      if (rcpt->reason == NULL && ctx && ctx->extensions)
        {
          const BkRule *rule = first_reason (scanner, rules, NULL, ctx->extensions, NULL);
          if (rule)
            {
              bk_evidence (rcpt->evidence, "the DSN's own fields say %s", rule->reason);
              decide (rcpt, rule->reason, g_strdup_printf ("reason:%s+dsn-field", rule->id));
              from_text = TRUE;
            }
        }
      const char *r;
      /* a local delivery program failed (RFC 3464 x-unix diagnostics) */
      if (rcpt->reason == NULL && g_strcmp0 (rcpt->diagnostic_type, "x-unix") == 0)
        decide (rcpt, "mailererror", g_strdup ("diagnostic-type:x-unix"));
      /* a delay warning whose text says nothing: the message is still
       * queued and will expire if the trouble lasts (the reference's
       * reading of Action: delayed) */
      if (rcpt->reason == NULL && g_strcmp0 (action, "delayed") == 0
          && (rcpt->status == NULL || rcpt->status[0] == '4' || is_generic_status (rcpt->status)))
        decide (rcpt, "expired", g_strdup ("action:delayed"));
      if (rcpt->reason == NULL && rcpt->status && !is_generic_status (rcpt->status)
          && (r = bk_status_reason (rcpt->status)))
        decide (rcpt, r, g_strdup_printf ("status:%s", rcpt->status));
      if (rcpt->reason == NULL && (r = reply_reason (rcpt->reply_code)))
        decide (rcpt, r, g_strdup_printf ("reply:%s", rcpt->reply_code));
      if (rcpt->reason == NULL)
        decide (rcpt, rcpt->diagnostic ? "onhold" : "undefined",
                g_strdup ("default"));
    }

  BkBounceClass klass = bk_reason_class (rcpt->reason);
  gboolean no_status = rcpt->status == NULL;
  gboolean temporary = g_strcmp0 (action, "delayed") == 0
                       || (rcpt->status && rcpt->status[0] == '4')
                       || (!rcpt->status && rcpt->reply_code && rcpt->reply_code[0] == '4');
  if (klass == BK_BOUNCE_CLASS_HARD && temporary
      && (!from_text || g_strcmp0 (action, "delayed") == 0))
    klass = BK_BOUNCE_CLASS_SOFT;
  if (klass == BK_BOUNCE_CLASS_HARD && g_strcmp0 (rcpt->reason, "notaccept") == 0 && temporary)
    klass = BK_BOUNCE_CLASS_SOFT;
  rcpt->klass = klass;

  if (no_status && klass != BK_BOUNCE_CLASS_NONE)
    {
      rcpt->status = bk_reason_pseudo_status (rcpt->reason, temporary);
      if (rcpt->status)
        bk_evidence (rcpt->evidence, "status %s derived from reason %s: the report gives none",
                     rcpt->status, rcpt->reason);
    }
}
