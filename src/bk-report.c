/* SPDX-License-Identifier: MIT */
/*
 * bk-report - the result types and their JSON form.
 *
 * A BkReport owns its strings and recipients (absent values are NULL,
 * never ""), is reference counted and immutable once the analyzer returns
 * it. The JSON object of one recipient follows DESIGN's output contract:
 * every key always present, null for absent values, built with JsonBuilder
 * so escaping is json-glib's, not ours.
 */
#include "bk-private.h"

#include <stdarg.h>

G_DEFINE_BOXED_TYPE (BkReport, bk_report, bk_report_ref, bk_report_unref)

static void
recipient_free (BkRecipient *r)
{
  g_free (r->recipient);
  g_free (r->original_recipient);
  g_free (r->action);
  g_free (r->status);
  g_free (r->reply_code);
  g_free (r->reason);
  g_free (r->diagnostic);
  g_free (r->diagnostic_type);
  g_free (r->remote_mta);
  g_free (r->feedback_type);
  g_free (r->date);
  g_free (r->rule);
  g_ptr_array_unref (r->evidence);
  g_free (r);
}

BkReport *
bk_report_new (void)
{
  BkReport *report = g_new0 (BkReport, 1);
  g_atomic_ref_count_init (&report->ref);
  report->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
  report->evidence = g_ptr_array_new_with_free_func (g_free);
  return report;
}

BkRecipient *
bk_report_add_recipient (BkReport *report)
{
  BkRecipient *r = g_new0 (BkRecipient, 1);
  r->evidence = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (report->recipients, r);
  return r;
}

/* whether bk_evidence() writes, on this thread (bk_analyzer_set_evidence) */
static _Thread_local gboolean evidence_off;

/* bk_evidence_set_enabled - turn bk_evidence() on or off for this thread;
 * returns the previous state */
gboolean
bk_evidence_set_enabled (gboolean enabled)
{
  gboolean was = !evidence_off;
  evidence_off = !enabled;
  return was;
}

/* bk_evidence_enabled - does this thread keep explain lines? */
gboolean
bk_evidence_enabled (void)
{
  return !evidence_off;
}

/* bk_evidence - append one explain line, when this thread keeps them */
void
bk_evidence (GPtrArray *evidence, const char *fmt, ...)
{
  if (evidence_off)
    return;
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (evidence, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/**
 * bk_report_ref:
 * @report: a #BkReport
 *
 * Returns: (transfer full): @report
 */
BkReport *
bk_report_ref (BkReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_atomic_ref_count_inc (&report->ref);
  return report;
}

/**
 * bk_report_unref:
 * @report: (transfer full): a #BkReport
 */
void
bk_report_unref (BkReport *report)
{
  if (report == NULL || !g_atomic_ref_count_dec (&report->ref))
    return;
  g_free (report->mta);
  g_free (report->reporting_mta);
  g_free (report->date);
  g_free (report->original_message_id);
  g_free (report->original_from);
  g_free (report->original_to);
  g_free (report->original_subject);
  g_free (report->list_id);
  g_ptr_array_unref (report->recipients);
  g_ptr_array_unref (report->evidence);
  g_free (report);
}

/**
 * bk_report_is_bounce:
 * @report: a #BkReport
 *
 * Returns: %TRUE when the message reports at least one failed or delayed
 *   recipient (what `bouncekit check` answers)
 */
gboolean
bk_report_is_bounce (const BkReport *report)
{
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->klass != BK_BOUNCE_CLASS_NONE)
        return TRUE;
    }
  return FALSE;
}

/**
 * bk_recipient_is_reportable:
 * @rcpt: a #BkRecipient
 *
 * Returns: %TRUE for what `scan` prints without --all: failed and delayed
 *   recipients and complaints
 */
gboolean
bk_recipient_is_reportable (const BkRecipient *rcpt)
{
  return rcpt->klass != BK_BOUNCE_CLASS_NONE || g_strcmp0 (rcpt->reason, "feedback") == 0;
}

static void
add_str (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/**
 * bk_report_recipient_to_json:
 * @report: the report
 * @rcpt: one of its recipients
 * @source: the input path as given ("-" for stdin)
 * @index: position inside an mbox from 1, or 0 for a single message
 *
 * Returns: (transfer full): the JSON object of DESIGN's output contract
 */
JsonNode *
bk_report_recipient_to_json (const BkReport *report, const BkRecipient *rcpt,
                             const char *source, gint64 index)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_str (b, "source", source);
  json_builder_set_member_name (b, "index");
  if (index > 0)
    json_builder_add_int_value (b, index);
  else
    json_builder_add_null_value (b);
  add_str (b, "recipient", rcpt->recipient);
  add_str (b, "original_recipient", rcpt->original_recipient);
  add_str (b, "action", rcpt->action);
  add_str (b, "status", rcpt->status);
  add_str (b, "reply_code", rcpt->reply_code);
  add_str (b, "class", bk_bounce_class_to_string (rcpt->klass));
  add_str (b, "reason", rcpt->reason);
  add_str (b, "diagnostic", rcpt->diagnostic);
  add_str (b, "diagnostic_type", rcpt->diagnostic_type);
  add_str (b, "remote_mta", rcpt->remote_mta);
  add_str (b, "reporting_mta", report->reporting_mta);
  add_str (b, "mta", report->mta);
  add_str (b, "feedback_type", rcpt->feedback_type);
  add_str (b, "date", rcpt->date ? rcpt->date : report->date);
  add_str (b, "original_message_id", report->original_message_id);
  add_str (b, "original_from", report->original_from);
  add_str (b, "original_subject", report->original_subject);
  add_str (b, "list_id", report->list_id);
  add_str (b, "rule", rcpt->rule);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
