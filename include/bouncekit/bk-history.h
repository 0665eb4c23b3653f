/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <gmime/gmime.h>
#include <bouncekit/bk-export.h>
#include <bouncekit/bk-report.h>

G_BEGIN_DECLS

/**
 * BkHistory:
 *
 * The per-address bounce history of a mailing list, kept across runs in
 * an SQLite file or a PostgreSQL database (several hosts recording into
 * one history): what `ingest` records and `suppress` reads.
 */
typedef struct _BkHistory BkHistory;

/**
 * BkHistoryOpenFlags:
 * @BK_HISTORY_OPEN_DEFAULT: create the database and its schema if missing
 * @BK_HISTORY_OPEN_EXISTING: only open a history that exists; otherwise
 *   fail with %BK_HISTORY_ERROR_MISSING (for commands that only read)
 */
typedef enum {
  BK_HISTORY_OPEN_DEFAULT = 0,
  BK_HISTORY_OPEN_EXISTING = 1 << 0,
} BkHistoryOpenFlags;

/**
 * BkSuppressOptions:
 * @soft_threshold: soft bounces that suppress an address (default 3)
 * @soft_span_days: the soft bounces must spread over at least this many days
 * @window_days: only events this recent count (soft and policy)
 * @include_policy: policy bounces count toward the soft threshold
 * @now: the reference time (Unix seconds)
 */
typedef struct {
  guint soft_threshold;
  guint soft_span_days;
  guint window_days;
  gboolean include_policy;
  gint64 now;
} BkSuppressOptions;

/**
 * BkSuppressed:
 * @address: the address to stop mailing
 * @why: "hard", "complaint" or "soft-threshold"
 * @hard: hard bounces since the last reset
 * @soft: soft bounces in the window
 * @policy: policy bounces in the window
 * @complaints: complaints since the last reset
 * @last_reason: reason of the latest event
 * @last_time: time of the latest event (Unix seconds)
 */
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

BK_API BkHistory *bk_history_open (const char *target, GError **error);
BK_API BkHistory *bk_history_open_full (const char *target, BkHistoryOpenFlags flags, GError **error);
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
BK_API gboolean bk_history_forgive (BkHistory *history,
                                    const char *address,
                                    gint64 now,
                                    GError **error);
BK_API JsonNode *bk_history_stats (BkHistory *history, GError **error);
BK_API void bk_suppressed_free (BkSuppressed *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkHistory, bk_history_close)

G_END_DECLS
