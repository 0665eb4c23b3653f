/* SPDX-License-Identifier: MIT */
/*
 * bk-classify - reason and class of one recipient.
 *
 * Every piece of evidence about a recipient is weighed, not taken
 * first-come: each carries its source and a strength, and the strongest
 * decides (doc/design.md, "Evidence and precedence"). From strongest:
 *   the decoding format's reading of the recipient's own words;
 *   a `reason` rule matching the recipient's own reply (its
 *     Diagnostic-Code, or its block of the text);
 *   the reporting MTA's own classification in its DSN X- fields;
 *   a status with a specific detail (X.1.1, X.2.2, ...);
 *   a `reason` rule matching other text of the bounce (its preamble);
 *   a delay whose status is temporary or absent: expired;
 *   the Diagnostic-Code type x-unix (a local program failed);
 *   a status's subject only (X.1.0, X.7.0, an unlisted detail);
 *   a reply code with the SMTP command it answered (a 5xx at RCPT names
 *     the address);
 *   a bare reply code;
 *   nothing at all: onhold.
 * The class then comes from the reason (DESIGN's table) with two
 * corrections: a delay is never hard, and a 4xx status or reply is never
 * hard unless the recipient's own words named the address dead.
 * rcpt->rule names what decided, and explain lists every piece of evidence
 * considered. Tables, not if-chains: add a row, not a branch.
 */
#include "analyze/bk-analyze-private.h"

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
  { "421", "systemerror" },  /* service not available, closing the channel */
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

/* status_is_specific - does @status name a cause (X.1.1, X.2.2), not only
 * its subject (X.1.0, X.7.0 "other ...", or a detail the table does not
 * list)? */
static gboolean
status_is_specific (const char *status)
{
  const char *last_dot = strrchr (status, '.');
  if (last_dot == NULL || strcmp (last_dot, ".0") == 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (status_table); i++)
    {
      const char *code = status_table[i].code;
      if (strlen (code) > 3 && (code[0] == 'X' ? strcmp (code + 1, status + 1) == 0 : strcmp (code, status) == 0))
        return TRUE;
    }
  return FALSE;
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

/* A permanent reply at a given SMTP command, when nothing else was said:
 * a 5xx to RCPT refuses the address itself, to MAIL the sender, at the
 * greeting or HELO the sending host, after DATA the message. (552 and
 * 553 are in reply_table.) */
static const struct { const char *command; const char *reply; const char *reason; } stage_table[] = {
  { "rcpt", "551", "hasmoved" },      /* user not local; please try <forward-path> */
  { "rcpt", "5", "userunknown" },
  { "mail", "5", "rejected" },
  { "connect", "5", "blocked" },
  { "helo", "5", "blocked" },
  { "data", "5", "filtered" },   /* the message was refused once its content was seen */
};

static const char *
stage_reason (const char *command, const char *reply)
{
  for (guint i = 0; command && reply && i < G_N_ELEMENTS (stage_table); i++)
    if (strcmp (stage_table[i].command, command) == 0
        && strncmp (stage_table[i].reply, reply, strlen (stage_table[i].reply)) == 0)
      return stage_table[i].reason;
  return NULL;
}

/* first_reason - the first reason rule that matches @text: the decoding
 * format's own rules first, then the ruleset's; @bits from the
 * prefilter, or NULL to try every rule */
static const BkRule *
first_reason (BkScanner *scanner, const BkRuleset *rules, const BkFormat *format, const char *text,
              const guint64 *bits, gboolean *from_format)
{
  gsize len = strlen (text);
  guint nformat = format ? format->reasons->len : 0;
  for (guint i = 0; i < nformat + rules->reasons->len; i++)
    {
      const BkRule *rule = i < nformat ? g_ptr_array_index (format->reasons, i)
                                       : g_ptr_array_index (rules->reasons, i - nformat);
      if (bk_may_match (rule, bits) && bk_scanner_match (scanner, rule, text, len))
        {
          if (from_format)
            *from_format = i < nformat;
          return rule;
        }
    }
  return NULL;
}

/* The sources of evidence, weakest first (see the top of this file). */
typedef enum {
  EV_NONE,
  EV_REPLY,
  EV_REPLY_STAGE,
  EV_STATUS_SUBJECT,
  EV_MAILER,
  EV_DELAY,
  EV_OTHER_TEXT,
  EV_STATUS,
  EV_DSN_FIELD,
  EV_TEXT,
  EV_FORMAT_TEXT,
} Strength;

static const char *const strength_names[] = {
  "nothing", "a bare reply code", "a reply code at its SMTP command", "a status's subject",
  "the x-unix diagnostic type", "a delay with nothing said", "other text of the bounce",
  "a specific status", "the reporting MTA's own classification", "the recipient's own words",
  "the format's reading of the recipient's words",
};

typedef struct {
  BkRecipient *rcpt;
  Strength strength;
  const char *reason;
  char *rule;
} Verdict;

/* consider - weigh one piece of evidence; @rule is taken */
static void
consider (Verdict *v, Strength strength, const char *reason, char *rule)
{
  bk_evidence (v->rcpt->evidence, "evidence from %s: %s (%s)%s", strength_names[strength], reason, rule,
               strength > v->strength ? "" : ", outweighed");
  if (strength > v->strength)
    {
      g_free (v->rule);
      v->strength = strength;
      v->reason = reason;
      v->rule = rule;
    }
  else
    g_free (rule);
}

/* settled - nothing of @strength or weaker can change the verdict (explain
 * still lists it) */
static gboolean
settled (const Verdict *v, Strength strength)
{
  return v->strength >= strength && !bk_evidence_enabled ();
}

static void
decide (BkRecipient *rcpt, const char *reason, char *rule)
{
  g_free (rcpt->reason);
  rcpt->reason = g_strdup (reason);
  g_free (rcpt->rule);
  rcpt->rule = rule;
}

/* prefilter - the prefilter's reading of @text, in the scanner's one
 * buffer; *@scanned names the text the buffer holds, so that the
 * diagnostic, read for its words and again for its SMTP command, is
 * scanned once */
static const guint64 *
prefilter (BkScanner *scanner, const BkRuleset *rules, const char *text, const char **scanned)
{
  if (!rules->prefilter || !scanner->diag_bits)
    return NULL;
  if (*scanned != text)
    {
      bk_prefilter_scan (rules->prefilter, text, strlen (text), scanner->diag_bits);
      *scanned = text;
    }
  return scanner->diag_bits;
}

/* weigh - every piece of evidence about a failed or delayed recipient */
static void
weigh (BkScanner *scanner, const BkRuleset *rules, const BkFormat *format, BkRecipient *rcpt,
       const BkClassifyContext *ctx, Verdict *v)
{
  const char *action = rcpt->action;
  const char *diag = rcpt->diagnostic;
  /* the recipient's own reply: its Diagnostic-Code when the text around
   * it was added, else its whole diagnostic */
  const char *own = ctx && ctx->own_set ? ctx->own : diag;
  const BkRule *rule;
  gboolean from_format = FALSE;
  const char *r;
  const char *scanned = NULL;

  if (own && *own)
    {
      const guint64 *bits = prefilter (scanner, rules, own, &scanned);
      if ((rule = first_reason (scanner, rules, format, own, bits, &from_format)))
        consider (v, from_format ? EV_FORMAT_TEXT : EV_TEXT, rule->reason,
                  g_strdup_printf ("reason:%s", rule->id));
    }
  if (!settled (v, EV_DSN_FIELD) && ctx && ctx->extensions && *ctx->extensions)
    {
      const guint64 *bits = prefilter (scanner, rules, ctx->extensions, &scanned);
      if ((rule = first_reason (scanner, rules, NULL, ctx->extensions, bits, NULL)))
        consider (v, EV_DSN_FIELD, rule->reason, g_strdup_printf ("reason:%s+dsn-field", rule->id));
    }
  gboolean specific = rcpt->status && !is_generic_status (rcpt->status) && status_is_specific (rcpt->status);
  if (!settled (v, EV_STATUS) && specific && (r = bk_status_reason (rcpt->status)))
    consider (v, EV_STATUS, r, g_strdup_printf ("status:%s", rcpt->status));
  if (!settled (v, EV_OTHER_TEXT) && diag && own != diag && g_strcmp0 (own, diag) != 0)
    {
      const guint64 *bits = prefilter (scanner, rules, diag, &scanned);
      if ((rule = first_reason (scanner, rules, format, diag, bits, NULL)))
        consider (v, EV_OTHER_TEXT, rule->reason, g_strdup_printf ("reason:%s+text", rule->id));
    }
  /* a delay warning whose words say nothing: the message is still queued
   * and will expire if the trouble lasts */
  if (!settled (v, EV_DELAY) && g_strcmp0 (action, "delayed") == 0
      && (rcpt->status == NULL || rcpt->status[0] == '4' || is_generic_status (rcpt->status)))
    consider (v, EV_DELAY, "expired", g_strdup ("action:delayed"));
  /* a local delivery program failed (RFC 3464 x-unix diagnostics) */
  if (!settled (v, EV_MAILER) && g_strcmp0 (rcpt->diagnostic_type, "x-unix") == 0)
    consider (v, EV_MAILER, "mailererror", g_strdup ("diagnostic-type:x-unix"));
  if (!settled (v, EV_STATUS_SUBJECT) && rcpt->status && !specific && !is_generic_status (rcpt->status)
      && (r = bk_status_reason (rcpt->status)))
    consider (v, EV_STATUS_SUBJECT, r, g_strdup_printf ("status:%s", rcpt->status));
  if (!settled (v, EV_REPLY_STAGE) && rcpt->reply_code && diag)
    {
      const char *command = smtp_command (scanner, rules, diag, prefilter (scanner, rules, diag, &scanned));
      if (command)
        {
          bk_evidence (rcpt->evidence, "the failure answered SMTP %s", command);
          /* a code with a meaning of its own (552 storage exceeded, 553
           * mailbox name not allowed, 521 no mail here) says more than
           * the command it answered: a full mailbox at RCPT is not a
           * dead address */
          if ((r = stage_reason (command, rcpt->reply_code)))
            {
              const char *coded = reply_reason (rcpt->reply_code);
              consider (v, EV_REPLY_STAGE, coded ? coded : r,
                        g_strdup_printf ("reply:%s+command:%s", rcpt->reply_code, command));
            }
        }
    }
  if (!settled (v, EV_REPLY) && (r = reply_reason (rcpt->reply_code)))
    consider (v, EV_REPLY, r, g_strdup_printf ("reply:%s", rcpt->reply_code));
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
  gboolean from_words = FALSE;
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
      Verdict v = { .rcpt = rcpt };
      weigh (scanner, rules, format, rcpt, ctx, &v);
      if (v.strength == EV_NONE)
        decide (rcpt, rcpt->diagnostic ? "onhold" : "undefined", g_strdup ("default"));
      else
        {
          bk_evidence (rcpt->evidence, "weighed: %s decide%s, %s", strength_names[v.strength],
                       g_str_has_suffix (strength_names[v.strength], "words") ? "" : "s", v.reason);
          decide (rcpt, v.reason, v.rule);
        }
      /* words that name the address dead make even a temporary reply
       * hard; a code alone does not */
      from_words = v.strength == EV_OTHER_TEXT || v.strength >= EV_DSN_FIELD;
    }

  BkBounceClass klass = bk_reason_class (rcpt->reason);
  gboolean no_status = rcpt->status == NULL;
  gboolean temporary = g_strcmp0 (action, "delayed") == 0
                       || (rcpt->status && rcpt->status[0] == '4')
                       || (!rcpt->status && rcpt->reply_code && rcpt->reply_code[0] == '4');
  if (klass == BK_BOUNCE_CLASS_HARD && temporary
      && (!from_words || g_strcmp0 (action, "delayed") == 0))
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
