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
#include "analyze/bk-analyze-private.h"

#include <stdarg.h>

G_DEFINE_BOXED_TYPE (BkReport, bk_report, bk_report_ref, bk_report_unref)
G_DEFINE_BOXED_TYPE (BkRecipient, bk_recipient, bk_recipient_copy, bk_recipient_free)

/**
 * bk_recipient_copy:
 * @rcpt: a recipient
 *
 * Copies a recipient, strings and evidence included.
 *
 * Returns: (transfer full): a deep copy of @rcpt, owned by nobody else
 *   (a binding's copy of a recipient it read from a report)
 *
 * Since: 0.1
 */
BkRecipient *
bk_recipient_copy (const BkRecipient *rcpt)
{
  g_return_val_if_fail (rcpt != NULL, NULL);
  BkRecipient *r = g_new0 (BkRecipient, 1);
  r->recipient = g_strdup (rcpt->recipient);
  r->original_recipient = g_strdup (rcpt->original_recipient);
  r->action = g_strdup (rcpt->action);
  r->status = g_strdup (rcpt->status);
  r->reply_code = g_strdup (rcpt->reply_code);
  r->klass = rcpt->klass;
  r->reason = g_strdup (rcpt->reason);
  r->diagnostic = g_strdup (rcpt->diagnostic);
  r->diagnostic_type = g_strdup (rcpt->diagnostic_type);
  r->remote_mta = g_strdup (rcpt->remote_mta);
  r->feedback_type = g_strdup (rcpt->feedback_type);
  r->date = g_strdup (rcpt->date);
  r->rule = g_strdup (rcpt->rule);
  r->evidence = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; rcpt->evidence && i < rcpt->evidence->len; i++)
    g_ptr_array_add (r->evidence, g_strdup (g_ptr_array_index (rcpt->evidence, i)));
  return r;
}

/**
 * bk_recipient_free:
 * @rcpt: (transfer full) (nullable): a recipient of bk_recipient_copy()
 *
 * Frees a copy; a report frees its own recipients.
 *
 * Since: 0.1
 */
void
bk_recipient_free (BkRecipient *rcpt)
{
  BkRecipient *r = rcpt;
  if (r == NULL)
    return;
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
  if (r->evidence)
    g_ptr_array_unref (r->evidence);
  g_free (r);
}

BkReport *
bk_report_new (void)
{
  BkReport *report = g_new0 (BkReport, 1);
  g_atomic_ref_count_init (&report->ref);
  report->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_recipient_free);
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
 * bk_report_get_recipients:
 * @report: a #BkReport
 *
 * The recipients of @report.
 *
 * Returns: (transfer none) (element-type BkRecipient): the recipients, in
 *   report order
 *
 * Since: 0.1
 */
GPtrArray *
bk_report_get_recipients (const BkReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->recipients;
}

/**
 * bk_report_get_n_recipients:
 * @report: a #BkReport
 *
 * The number of recipients of @report.
 *
 * Returns: the number of recipients
 *
 * Since: 0.1
 */
guint
bk_report_get_n_recipients (const BkReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->recipients->len;
}

/**
 * bk_report_get_recipient:
 * @report: a #BkReport
 * @index_: a position, below bk_report_get_n_recipients()
 *
 * The recipients one by one, for bindings whose arrays of records are
 * unreliable (Perl's Glib::Object::Introspection 0.049 reads only the
 * first element of a GPtrArray of records).
 *
 * Returns: (transfer none): the recipient at @index_
 *
 * Since: 0.1
 */
BkRecipient *
bk_report_get_recipient (const BkReport *report, guint index_)
{
  g_return_val_if_fail (report != NULL && index_ < report->recipients->len, NULL);
  return g_ptr_array_index (report->recipients, index_);
}

/**
 * bk_report_get_evidence:
 * @report: a #BkReport
 *
 * The report-level explain lines of @report.
 *
 * Returns: (transfer none) (element-type utf8): the report-level steps of
 *   the analysis, for explain (empty when the analyzer kept none)
 *
 * Since: 0.1
 */
GPtrArray *
bk_report_get_evidence (const BkReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->evidence;
}

/**
 * bk_recipient_get_evidence:
 * @rcpt: a #BkRecipient
 *
 * The explain lines of @rcpt.
 *
 * Returns: (transfer none) (element-type utf8): how each value was found,
 *   for explain (empty when the analyzer kept none)
 *
 * Since: 0.1
 */
GPtrArray *
bk_recipient_get_evidence (const BkRecipient *rcpt)
{
  g_return_val_if_fail (rcpt != NULL, NULL);
  return rcpt->evidence;
}

/**
 * bk_recipient_get_date:
 * @rcpt: a recipient of @report
 * @report: the report
 *
 * The date the output contract gives for @rcpt: its own
 * (Last-Attempt-Date, Arrival-Date), else the report's.
 *
 * Returns: (transfer none) (nullable): the date as the report wrote it
 *
 * Since: 0.1
 */
const char *
bk_recipient_get_date (const BkRecipient *rcpt, const BkReport *report)
{
  g_return_val_if_fail (rcpt != NULL && report != NULL, NULL);
  return rcpt->date ? rcpt->date : report->date;
}

/**
 * bk_report_ref:
 * @report: a #BkReport
 *
 * Takes a reference to @report.
 *
 * Returns: (transfer full): @report
 *
 * Since: 0.1
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
 * @report: (transfer full) (nullable): a #BkReport
 *
 * Drops a reference to @report; the last one frees it.
 *
 * Since: 0.1
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
 * Whether @report is a bounce: some recipient failed or was delayed.
 *
 * Returns: %TRUE when the message reports at least one failed or delayed
 *   recipient (what `bouncekit check` answers)
 *
 * Since: 0.1
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
 * Whether `scan` prints @rcpt without `--all`.
 *
 * Returns: %TRUE for what `scan` prints without --all: failed and delayed
 *   recipients and complaints
 *
 * Since: 0.1
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
 * The JSON object `scan --format json` prints for @rcpt.
 *
 * Returns: (transfer full): the JSON object of the output contract
 *   (every key present, %NULL values as JSON null)
 *
 * Since: 0.1
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
