/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <bouncekit/bk-export.h>

G_BEGIN_DECLS

/**
 * BkBounceClass:
 * @BK_BOUNCE_CLASS_NONE: not a failure (delivered, auto-reply, complaint)
 * @BK_BOUNCE_CLASS_HARD: the address is dead: stop mailing it
 * @BK_BOUNCE_CLASS_SOFT: temporary or unknown: try again later
 * @BK_BOUNCE_CLASS_POLICY: the receiver refused this sender or content
 *
 * What a failure means for the address, derived from the reason.
 *
 * Since: 0.1
 */
typedef enum {
  BK_BOUNCE_CLASS_NONE,
  BK_BOUNCE_CLASS_HARD,
  BK_BOUNCE_CLASS_SOFT,
  BK_BOUNCE_CLASS_POLICY,
} BkBounceClass;

/**
 * BkReportKind:
 * @BK_REPORT_KIND_NONE: not a bounce: nothing to report
 * @BK_REPORT_KIND_DSN: RFC 3464 / RFC 6533 delivery status notification
 * @BK_REPORT_KIND_TEXT: free-text bounce decoded by a format rule
 * @BK_REPORT_KIND_FEEDBACK: RFC 5965 ARF complaint
 * @BK_REPORT_KIND_AUTOREPLY: RFC 3834 auto-reply (vacation)
 * @BK_REPORT_KIND_MDN: read receipt (disposition notification): not a bounce
 *
 * What kind of message was analysed.
 *
 * Since: 0.1
 */
typedef enum {
  BK_REPORT_KIND_NONE,
  BK_REPORT_KIND_DSN,
  BK_REPORT_KIND_TEXT,
  BK_REPORT_KIND_FEEDBACK,
  BK_REPORT_KIND_AUTOREPLY,
  BK_REPORT_KIND_MDN,
} BkReportKind;

BK_API const char *bk_bounce_class_to_string (BkBounceClass klass);
BK_API const char *bk_report_kind_to_string (BkReportKind kind);

G_END_DECLS
