/* SPDX-License-Identifier: MIT */
/* bk-imap - a folder on an IMAP server as an input (bk-imap.c: libcurl and
 * libetpan). */
#pragma once

#include <bouncekit/bouncekit.h>

G_BEGIN_DECLS

/* The keyword a message gets once its events are committed to the
 * history; ingest skips messages that carry it. */
#define BK_IMAP_DONE_KEYWORD "$BouncekitDone"
/* The keyword an earlier bouncekit gave a message before fetching it with
 * --unseen (fetching flagged it \Seen then); --unseen still reads the
 * messages that carry it. Fetching now changes nothing: a message is
 * flagged \Seen with BK_IMAP_DONE_KEYWORD. */
#define BK_IMAP_PENDING_KEYWORD "$BouncekitPending"

typedef struct _BkImap BkImap;

typedef struct {
  const char *cacert;      /* (nullable) a CA file to trust instead of the system's */
  gint64 since;            /* messages received on or after this day (Unix time), 0: all */
  gboolean unseen;         /* only messages nobody has read */
  gboolean skip_done;      /* leave out messages that carry BK_IMAP_DONE_KEYWORD */
  gboolean with_pending;   /* with @unseen: also messages with BK_IMAP_PENDING_KEYWORD */
} BkImapOptions;

gboolean bk_imap_is_url (const char *path);
char *bk_imap_display_url (const char *url);
BkImap *bk_imap_open (const char *url, const BkImapOptions *options, GError **error);
const char *bk_imap_get_name (BkImap *imap);
guint bk_imap_get_count (BkImap *imap);
gboolean bk_imap_fetch (BkImap *imap, guint index, BkRawItem **out_item, GError **error);
guint bk_imap_get_uid (BkImap *imap, guint index);
/* @indexes: places in the search result (guint) */
gboolean bk_imap_mark_done (BkImap *imap, const GArray *indexes, const char *move_to, GError **error);
gboolean bk_imap_finish (BkImap *imap, GError **error);
void bk_imap_close (BkImap *imap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkImap, bk_imap_close)

/* bk-cmd-imap.c: the commands' side */
typedef struct {
  guint batch;             /* messages per transaction; 0: the default */
  const char *move_to;     /* (nullable) move done messages there */
} BkCliImapIngest;

gboolean bk_cli_parse_since (const char *text, gint64 *out_since);
/* bk-stats-order.c */
void bk_cli_stats_arrange (JsonNode *root, gboolean by_count, guint top);
BkImap *bk_cli_imap_open (const char *url, const BkImapOptions *options);
int bk_cli_ingest_imap (BkImap *imap, BkHistory *h, BkAnalyzer *an, const BkCliImapIngest *opt,
                        guint64 *messages, guint64 *added, guint64 *failed);

G_END_DECLS
