/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <glib-object.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <bouncekit/bk-export.h>
#include <bouncekit/bk-report.h>

G_BEGIN_DECLS

typedef struct _BkHistory BkHistory;

/**
 * BkHistoryOpenFlags:
 * @BK_HISTORY_OPEN_DEFAULT: create the database and its schema if missing
 * @BK_HISTORY_OPEN_EXISTING: only open a history that exists; otherwise
 *   fail with %BK_HISTORY_ERROR_MISSING (for commands that only read)
 *
 * How bk_history_open_full() opens a history.
 *
 * Since: 0.1
 */
typedef enum {
  BK_HISTORY_OPEN_DEFAULT = 0,
  BK_HISTORY_OPEN_EXISTING = 1 << 0,
} BkHistoryOpenFlags;

typedef struct {
  guint soft_threshold;
  guint soft_span_days;
  guint window_days;
  gboolean include_policy;
  gint64 now;
} BkSuppressOptions;

typedef struct {
  char *address;
  const char *why;
  guint hard;
  guint soft;
  guint policy;
  guint complaints;
  char *last_reason;
  gint64 last_time;
} BkSuppressed;

#define BK_TYPE_HISTORY (bk_history_get_type ())
#define BK_TYPE_SUPPRESSED (bk_suppressed_get_type ())
#define BK_TYPE_SUPPRESS_OPTIONS (bk_suppress_options_get_type ())

BK_API GType bk_history_get_type (void) G_GNUC_CONST;
BK_API GType bk_suppressed_get_type (void) G_GNUC_CONST;
BK_API GType bk_suppress_options_get_type (void) G_GNUC_CONST;
BK_API BkHistory *bk_history_open (const char *target, GError **error);
BK_API BkHistory *bk_history_ref (BkHistory *history);
BK_API void bk_history_unref (BkHistory *history);
BK_API BkHistory *bk_history_open_full (const char *target, BkHistoryOpenFlags flags, GError **error);
BK_API BkHistory *bk_history_open_wait (const char *target, BkHistoryOpenFlags flags, guint wait_ms,
                                        GError **error);
BK_API void bk_history_close (BkHistory *history);
BK_API const char *bk_history_get_name (BkHistory *history);
BK_API const char *bk_history_get_engine (BkHistory *history);
BK_API char *bk_history_display_name (const char *target);
BK_API gboolean bk_history_begin (BkHistory *history, GError **error);
BK_API gboolean bk_history_commit (BkHistory *history, GError **error);
BK_API gboolean bk_history_rollback (BkHistory *history, GError **error);
BK_API char *bk_history_message_key (GMimeMessage *message);
BK_API gboolean bk_history_record (BkHistory *history,
                                   const BkReport *report,
                                   const char *message_key,
                                   const char *source,
                                   guint *out_added,
                                   GError **error);
BK_API GPtrArray *bk_history_suppress (BkHistory *history,
                                       const BkSuppressOptions *options,
                                       GError **error);
BK_API gboolean bk_history_count_events (BkHistory *history,
                                         const char *address,
                                         guint64 *out_count,
                                         GError **error);
BK_API gboolean bk_history_forgive (BkHistory *history,
                                    const char *address,
                                    gint64 now,
                                    GError **error);
BK_API JsonNode *bk_history_stats (BkHistory *history, GError **error);
BK_API BkSuppressed *bk_suppressed_copy (const BkSuppressed *s);
BK_API void bk_suppressed_free (BkSuppressed *s);
BK_API BkSuppressOptions *bk_suppress_options_new (void);
BK_API BkSuppressOptions *bk_suppress_options_copy (const BkSuppressOptions *options);
BK_API void bk_suppress_options_free (BkSuppressOptions *options);

typedef struct {
  guint days;
  guint top;
  gint64 now;
  BkSuppressOptions suppress;
} BkHistoryReportOptions;

BK_API JsonNode *bk_history_report (BkHistory *history,
                                    const BkHistoryReportOptions *options,
                                    GError **error);
BK_API JsonNode *bk_history_stats_since (BkHistory *history, gint64 since, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkHistory, bk_history_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkSuppressed, bk_suppressed_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkSuppressOptions, bk_suppress_options_free)

G_END_DECLS
