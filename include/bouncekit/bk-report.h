/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <bouncekit/bk-export.h>
#include <bouncekit/bk-types.h>

G_BEGIN_DECLS

/**
 * BkRecipient:
 * @recipient: (nullable): the failed address (Final-Recipient or the text)
 * @original_recipient: (nullable): Original-Recipient (ORCPT), if given
 * @action: (nullable): failed, delayed, delivered, relayed or expanded
 * @status: (nullable): RFC 3463 enhanced status, e.g. "5.1.1"
 * @reply_code: (nullable): RFC 5321 reply code, e.g. "550"
 * @klass: hard, soft, policy or none
 * @reason: the reason (Sisimai's vocabulary, e.g. "userunknown")
 * @diagnostic: (nullable): the diagnostic, one line
 * @diagnostic_type: (nullable): e.g. "smtp", "x-unix"
 * @remote_mta: (nullable): Remote-MTA or the host named in the text
 * @feedback_type: (nullable): ARF Feedback-Type
 * @date: (nullable): Last-Attempt-Date, Arrival-Date or the report's Date
 * @rule: (nullable): which rule decided the reason, e.g.
 *   "reason:userunknown.no-such-user"
 * @evidence: (element-type utf8): how each value was found, for explain
 *
 * One recipient of a report. All strings are owned by the recipient; absent
 * values are %NULL, never "". Read-only for users of the library. A copy
 * (bk_recipient_copy()) is a boxed value of its own.
 *
 * Since: 0.1
 */
typedef struct {
  char *recipient;
  char *original_recipient;
  char *action;
  char *status;
  char *reply_code;
  BkBounceClass klass;
  char *reason;
  char *diagnostic;
  char *diagnostic_type;
  char *remote_mta;
  char *feedback_type;
  char *date;
  char *rule;
  GPtrArray *evidence;
} BkRecipient;

/**
 * BkReport:
 * @kind: what the message is
 * @mta: (nullable): the format that decoded it ("rfc3464", "exim", ...)
 * @reporting_mta: (nullable): Reporting-MTA
 * @date: (nullable): the report's own Date header
 * @original_message_id: (nullable): Message-ID of the returned message
 * @original_from: (nullable): From of the returned message
 * @original_to: (nullable): To of the returned message
 * @original_subject: (nullable): Subject of the returned message
 * @list_id: (nullable): List-Id of the returned message
 * @recipients: (element-type BkRecipient): the recipients, in report order
 * @evidence: (element-type utf8): report-level steps, for explain
 *
 * The analysis of one message. Reference counted; read-only for users.
 *
 * Since: 0.1
 */
typedef struct {
  /*< private >*/
  gatomicrefcount ref;
  /*< public >*/
  BkReportKind kind;
  char *mta;
  char *reporting_mta;
  char *date;
  char *original_message_id;
  char *original_from;
  char *original_to;
  char *original_subject;
  char *list_id;
  GPtrArray *recipients;
  GPtrArray *evidence;
} BkReport;

#define BK_TYPE_REPORT (bk_report_get_type ())
#define BK_TYPE_RECIPIENT (bk_recipient_get_type ())

BK_API GType bk_report_get_type (void) G_GNUC_CONST;
BK_API GType bk_recipient_get_type (void) G_GNUC_CONST;
BK_API GPtrArray *bk_report_get_recipients (const BkReport *report);
BK_API guint bk_report_get_n_recipients (const BkReport *report);
BK_API BkRecipient *bk_report_get_recipient (const BkReport *report,
                                             guint index_);
BK_API GPtrArray *bk_report_get_evidence (const BkReport *report);
BK_API BkRecipient *bk_recipient_copy (const BkRecipient *rcpt);
BK_API void bk_recipient_free (BkRecipient *rcpt);
BK_API GPtrArray *bk_recipient_get_evidence (const BkRecipient *rcpt);
BK_API const char *bk_recipient_get_date (const BkRecipient *rcpt,
                                          const BkReport *report);
BK_API BkReport *bk_report_ref (BkReport *report);
BK_API void bk_report_unref (BkReport *report);
BK_API gboolean bk_report_is_bounce (const BkReport *report);
BK_API gboolean bk_recipient_is_reportable (const BkRecipient *rcpt);
BK_API JsonNode *bk_report_recipient_to_json (const BkReport *report,
                                              const BkRecipient *rcpt,
                                              const char *source,
                                              gint64 index);
BK_API void bk_report_recipient_write_json (GString *out,
                                            const BkReport *report,
                                            const BkRecipient *rcpt,
                                            const char *source,
                                            gint64 index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkReport, bk_report_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkRecipient, bk_recipient_free)

G_END_DECLS
