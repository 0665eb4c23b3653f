/* SPDX-License-Identifier: MIT */
/* Error domains and enum names of the public API. */
#include "core/bk-core-private.h"

/**
 * bk_rules_error_quark:
 *
 * The error domain of rule loading.
 *
 * Returns: the error domain of rule loading (#BkRulesError)
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (bk-rules-error-quark, bk_rules_error)

/**
 * bk_input_error_quark:
 *
 * The error domain of input reading.
 *
 * Returns: the error domain of input reading (#BkInputError)
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (bk-input-error-quark, bk_input_error)

/**
 * bk_history_error_quark:
 *
 * The error domain of the history database.
 *
 * Returns: the error domain of the history database (#BkHistoryError)
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (bk-history-error-quark, bk_history_error)

/**
 * bk_bounce_class_to_string:
 * @klass: a #BkBounceClass
 *
 * The name of a class, as the output contract writes it.
 *
 * Returns: (transfer none): "hard", "soft", "policy" or "none"
 *
 * Since: 0.1
 */
const char *
bk_bounce_class_to_string (BkBounceClass klass)
{
  switch (klass)
    {
    case BK_BOUNCE_CLASS_HARD: return "hard";
    case BK_BOUNCE_CLASS_SOFT: return "soft";
    case BK_BOUNCE_CLASS_POLICY: return "policy";
    case BK_BOUNCE_CLASS_NONE:
    default: return "none";
    }
}

/**
 * bk_report_kind_to_string:
 * @kind: a #BkReportKind
 *
 * The name of a report kind.
 *
 * Returns: (transfer none): "dsn", "text", "feedback", "autoreply", "mdn" or "none"
 *
 * Since: 0.1
 */
const char *
bk_report_kind_to_string (BkReportKind kind)
{
  switch (kind)
    {
    case BK_REPORT_KIND_DSN: return "dsn";
    case BK_REPORT_KIND_TEXT: return "text";
    case BK_REPORT_KIND_FEEDBACK: return "feedback";
    case BK_REPORT_KIND_AUTOREPLY: return "autoreply";
    case BK_REPORT_KIND_MDN: return "mdn";
    case BK_REPORT_KIND_NONE:
    default: return "none";
    }
}
