/* SPDX-License-Identifier: MIT */
/*
 * bk-cmd-imap - `ingest` and `scan` of an IMAP folder (bk-imap.c does the
 * talking): the options they share, and ingest's batches.
 *
 * Ingest reads the folder in batches (--batch, default 1000 messages):
 * each batch is fetched, analysed and recorded in one transaction, and
 * only once that transaction is committed are its messages marked done
 * ($BouncekitDone, or moved with --move-to). Killed at any point, a run
 * loses nothing (an uncommitted batch is not marked, so the next run
 * fetches it again) and a rerun adds nothing (the history's keys make
 * recording idempotent; marked messages are not fetched at all).
 */
#include "bk-cli.h"
#include "bk-imap.h"

#include <string.h>
#include <unistd.h>

/* Messages per transaction: a killed run redoes at most this many (a
 * quarter of a second's work), and each costs a commit (a sync of the
 * history) and a STORE: at 200, the 50 commits of 10,000 messages took
 * 0.2-0.5 s (bench/imap-10k). */
#define BK_IMAP_DEFAULT_BATCH 1000

/* bk_cli_parse_since - --since as Unix time: N (days before now) or a
 * date (YYYY-MM-DD); NULL is 0 (no limit) */
gboolean
bk_cli_parse_since (const char *text, gint64 *out_since)
{
  *out_since = 0;
  if (text == NULL)
    return TRUE;
  char *end = NULL;
  gint64 days = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0' && days >= 0)
    {
      *out_since = g_get_real_time () / G_USEC_PER_SEC - days * 86400;
      return TRUE;
    }
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (midnight, utc);
  if (dt == NULL)
    return FALSE;
  *out_since = g_date_time_to_unix (dt);
  return TRUE;
}

/* bk_cli_imap_open - open @url or say why not (one line) */
BkImap *
bk_cli_imap_open (const char *url, const BkImapOptions *o)
{
  g_autoptr (GError) err = NULL;
  BkImap *imap = bk_imap_open (url, o, &err);
  if (imap == NULL)
    bk_cli_error ("%s", err->message);
  return imap;
}

/* progress - "URL: 1200/10000 messages" on a terminal, at most four times
 * a second */
static void
progress (BkImap *imap, guint done, guint total, gint64 *last, gboolean end)
{
  if (!isatty (STDERR_FILENO))
    return;
  gint64 now = g_get_monotonic_time ();
  if (!end && now - *last < 250000)
    return;
  *last = now;
  g_autofree char *name = bk_cli_printable (bk_imap_get_name (imap));
  fprintf (stderr, "\r\033[Kbouncekit: %s: %u/%u messages%s", name, done, total, end ? "\n" : "");
}

/* bk_cli_ingest_imap - record every selected message of @imap in @h;
 * returns BK_EXIT_DB when the server or the database failed (the batch
 * in progress left nothing) */
int
bk_cli_ingest_imap (BkImap *imap, BkHistory *h, BkAnalyzer *an, const BkCliImapIngest *opt,
                    guint64 *messages, guint64 *added, guint64 *failed)
{
  guint total = bk_imap_get_count (imap);
  guint batch = opt->batch ? opt->batch : BK_IMAP_DEFAULT_BATCH;
  gint64 last = 0;
  g_autoptr (GError) err = NULL;
  g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint start = 0; start < total; start += batch)
    {
      guint end = MIN (total, start + batch);
      g_array_set_size (done, 0);
      if (!bk_history_begin (h, &err))
        goto db_failed;
      for (guint i = start; i < end; i++)
        {
          BkRawItem *raw = NULL;
          if (!bk_imap_fetch (imap, i, &raw, &err))
            goto server_failed;   /* the open transaction is rolled back on close */
          g_autoptr (BkReaderItem) item = bk_raw_item_parse (raw);
          if (item == NULL)
            continue;
          if (item->error)
            {
              /* left unmarked: a later bouncekit may read it */
              bk_cli_error ("%s", item->error->message);
              (*failed)++;
              continue;
            }
          g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
          guint n = 0;
          if (!bk_cli_record (h, report, item->message, item->source, &n, &err))
            goto db_failed;
          (*messages)++;
          *added += n;
          g_array_append_val (done, i);
        }
      if (!bk_history_commit (h, &err))
        goto db_failed;
      /* only now (the marking itself follows in the background): killed
       * before the server has it, the batch is fetched again */
      if (!bk_imap_mark_done (imap, done, opt->move_to, &err))
        goto server_failed;
      progress (imap, end, total, &last, FALSE);
    }
  /* the marks go to the server while the next batch is analysed: wait
   * for the last ones */
  if (!bk_imap_finish (imap, &err))
    goto server_failed;
  if (total)
    progress (imap, total, total, &last, TRUE);
  return BK_EXIT_OK;

server_failed:
  if (isatty (STDERR_FILENO))
    fprintf (stderr, "\n");
  bk_cli_error ("%s", err->message);
  return BK_EXIT_DB;

db_failed:
  bk_cli_error ("%s", err->message);
  return BK_EXIT_DB;
}
