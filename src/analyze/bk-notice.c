/* SPDX-License-Identifier: MIT */
/*
 * bk-notice - the messages that are no failure report: ARF feedback
 * reports and complaints without one (reason feedback), read receipts
 * (nothing to report), RFC 3834 auto-replies (reason vacation). Each is a
 * handler of the analyzer's list (see bk-analyzer.c): it settles the
 * report (BK_STEP_DONE) or leaves the message to the next handler.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

/* bk_notice_feedback - an RFC 5965 feedback report: a complaint, one
 * record per Original-Rcpt-To / Removal-Recipient, else the reported
 * message's To: */
BkStep
bk_notice_feedback (BkAnalysis *a)
{
  if (!a->parts->has_feedback)
    return BK_STEP_NEXT;
  BkReport *report = a->report;
  a->orig = bk_returned_message (a->parts, NULL);
  bk_fill_original (report, a->orig);
  g_autoptr (GPtrArray) groups = bk_fields_parse_groups (a->parts->feedback->str);
  GPtrArray *fields = groups->len ? g_ptr_array_index (groups, 0) : NULL;
  const char *type = bk_fields_get (fields, "Feedback-Type");
  const char *mta = bk_fields_get (fields, "Reporting-MTA");
  const char *arrival = bk_fields_get (fields, "Arrival-Date");
  if (!arrival)
    arrival = bk_fields_get (fields, "Received-Date");
  report->kind = BK_REPORT_KIND_FEEDBACK;
  report->mta = g_strdup ("arf");
  if (mta)
    {
      const char *semi = strchr (mta, ';');
      report->reporting_mta = g_strstrip (g_strdup (semi ? semi + 1 : mta));
    }
  for (guint i = 0; fields && i < fields->len && report->recipients->len < BK_MAX_RECIPIENTS; i++)
    {
      BkField822 *f = g_ptr_array_index (fields, i);
      if (g_ascii_strcasecmp (f->name, "Original-Rcpt-To") != 0
          && g_ascii_strcasecmp (f->name, "Removal-Recipient") != 0)
        continue;
      g_autofree char *addr = bk_text_clean_address (f->value);
      if (addr == NULL)
        continue;
      BkRecipient *r = bk_report_add_recipient (report);
      r->recipient = g_steal_pointer (&addr);
      bk_evidence (r->evidence, "recipient from %s", f->name);
    }
  if (report->recipients->len == 0)
    {
      BkRecipient *r = bk_report_add_recipient (report);
      g_autofree char *to = bk_returned_header (a->orig, "To");
      r->recipient = bk_text_clean_address (to);
      bk_evidence (r->evidence, "recipient from the reported message's To:");
    }
  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      r->feedback_type = type ? g_ascii_strdown (type, -1) : NULL;
      r->reason = g_strdup ("feedback");
      r->rule = g_strdup ("kind:feedback-report");
      r->klass = BK_BOUNCE_CLASS_NONE;
      r->date = arrival ? g_strdup (arrival) : NULL;
    }
  bk_evidence (report->evidence, "message/feedback-report part: ARF complaint");
  return BK_STEP_DONE;
}

/* bk_notice_read_receipt - a disposition notification without delivery
 * status: a read receipt, not a bounce */
BkStep
bk_notice_read_receipt (BkAnalysis *a)
{
  if (!a->parts->has_mdn || a->parts->has_dsn)
    return BK_STEP_NEXT;
  a->report->kind = BK_REPORT_KIND_MDN;
  bk_evidence (a->report->evidence, "disposition-notification: a read receipt, not a bounce");
  return BK_STEP_DONE;
}

/* first_field_match - the first of @rules matching its field */
static const BkRule *
first_field_match (BkAnalysis *a, GPtrArray *rules)
{
  for (guint i = 0; i < rules->len; i++)
    if (bk_field_match (a->scanner, g_ptr_array_index (rules, i), &a->in))
      return g_ptr_array_index (rules, i);
  return NULL;
}

/* bk_notice_complaint - a complaint or opt-out without a feedback report
 * (a `complaint` rule matches): the complaining address is the reported
 * message's To:, or else the sender of the complaint */
BkStep
bk_notice_complaint (BkAnalysis *a)
{
  if (a->parts->has_dsn || a->parts->is_report)
    return BK_STEP_NEXT;
  const BkRule *rule = first_field_match (a, a->rules->complaints);
  if (rule == NULL)
    return BK_STEP_NEXT;
  BkReport *report = a->report;
  a->orig = bk_returned_message (a->parts, NULL);
  bk_fill_original (report, a->orig);
  report->kind = BK_REPORT_KIND_FEEDBACK;
  report->mta = g_strdup ("feedback");
  BkRecipient *r = bk_report_add_recipient (report);
  g_autofree char *to = bk_returned_header (a->orig, "To");
  g_autofree char *from = bk_mime_header (GMIME_OBJECT (a->message), "From");
  r->recipient = bk_text_clean_address (to ? to : from);
  r->feedback_type = g_strdup (rule->reason);
  r->reason = g_strdup ("feedback");
  r->rule = g_strdup_printf ("complaint:%s", rule->id);
  r->klass = BK_BOUNCE_CLASS_NONE;
  bk_evidence (r->evidence, "complaint without a feedback report (%s:%u); recipient from %s",
               rule->file, rule->line, to ? "the reported message's To:" : "From:");
  return BK_STEP_DONE;
}

static BkStep
autoreply (BkAnalysis *a, char *rule)
{
  BkReport *report = a->report;
  report->kind = BK_REPORT_KIND_AUTOREPLY;
  report->mta = g_strdup ("rfc3834");
  BkRecipient *r = bk_report_add_recipient (report);
  g_autofree char *from = bk_mime_header (GMIME_OBJECT (a->message), "From");
  r->recipient = bk_text_clean_address (from);
  r->reason = g_strdup ("vacation");
  r->rule = rule;
  r->klass = BK_BOUNCE_CLASS_NONE;
  bk_evidence (r->evidence, "auto-reply; recipient from From:");
  return BK_STEP_DONE;
}

/* bk_notice_autoreply - an auto-reply recognised by its wording (the
 * `autoreply` rules), before any format reads it as a bounce */
BkStep
bk_notice_autoreply (BkAnalysis *a)
{
  if (a->parts->has_dsn)
    return BK_STEP_NEXT;
  const BkRule *rule = first_field_match (a, a->rules->autoreply);
  return rule ? autoreply (a, g_strdup_printf ("autoreply:%s", rule->id)) : BK_STEP_NEXT;
}

/* bk_notice_auto_submitted - a message no format and no report reads,
 * marked Auto-Submitted: auto-replied (RFC 3834) */
BkStep
bk_notice_auto_submitted (BkAnalysis *a)
{
  if (a->report->recipients->len || a->text->detected || a->parts->has_dsn || a->parts->is_report)
    return BK_STEP_NEXT;
  g_autofree char *xfailed = bk_mime_header (GMIME_OBJECT (a->message), "X-Failed-Recipients");
  g_autofree char *v = bk_mime_header (GMIME_OBJECT (a->message), "Auto-Submitted");
  if (xfailed || v == NULL || g_ascii_strncasecmp (v, "auto-replied", 12) != 0)
    return BK_STEP_NEXT;
  return autoreply (a, g_strdup ("autoreply:auto-submitted"));
}
