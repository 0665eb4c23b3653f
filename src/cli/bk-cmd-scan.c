/* SPDX-License-Identifier: MIT */
/*
 * bouncekit scan - analyse every message of every input and print one
 * line per recipient (failed, delayed and complaints; all with --all).
 * An input that cannot be read is reported on stderr with its name and
 * counted; the run goes on, and the exit status is 1 if any input failed.
 */
#include "bk-cli.h"

#include <string.h>

typedef struct {
  guint64 messages;
  guint64 bounces;
  guint64 failed;
  guint64 recipients;
} ScanStats;

static void
emit (const BkReport *report, const char *source, gint64 index, BkOutputFormat format,
      gboolean all, ScanStats *stats)
{
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (!all && !bk_recipient_is_reportable (r))
        continue;
      bk_output_recipient (stdout, format, report, r, source, index);
      stats->recipients++;
    }
}

int
bk_cmd_scan (int argc, char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *rules_dir = NULL;
  g_auto (GStrv) paths = NULL;
  gboolean all = FALSE;
  gboolean quiet = FALSE;
  int jobs = 0;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "Output format: json (default), text or csv", "FORMAT" },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Also print delivered recipients, auto-replies and the like", NULL },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rules directory (default: $BOUNCEKIT_RULES or the installed rules)", "DIR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Worker threads (default: number of cores)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress or summary on stderr", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[PATH…|-] - analyse bounce messages");
  g_option_context_set_description (ctx,
    "PATH is a message file, an mbox, a Maildir or a directory tree; '-' or\n"
    "nothing reads standard input. One line per recipient on stdout.\n"
    "Exit status: 0 all inputs read; 1 some input failed; 2 usage error.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bk_cli_parse (ctx, &argc, &argv))
    return BK_EXIT_USAGE;

  BkOutputFormat format;
  if (!bk_output_parse_format (format_name, &format))
    {
      bk_cli_error ("unknown format '%s' (json, text or csv)", format_name);
      return BK_EXIT_USAGE;
    }
  if (jobs < 0)
    {
      bk_cli_error ("--jobs must be at least 1");
      return BK_EXIT_USAGE;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (BkRuleset) rules = bk_cli_load_rules (rules_dir, &err);
  if (rules == NULL)
    {
      bk_cli_error ("cannot load rules: %s", err->message);
      return BK_EXIT_FAILURE;
    }
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  static char *stdin_only[] = { (char *) "-", NULL };
  char **inputs = paths && paths[0] ? paths : stdin_only;
  ScanStats stats = { 0 };

  bk_output_header (stdout, format);
  for (guint p = 0; inputs[p]; p++)
    {
      g_autoptr (BkReader) rd = bk_reader_new (inputs[p]);
      BkReaderItem *item;
      while ((item = bk_reader_next (rd)))
        {
          if (item->error)
            {
              bk_cli_error ("%s", item->error->message);
              stats.failed++;
            }
          else
            {
              g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
              stats.messages++;
              if (bk_report_is_bounce (report))
                stats.bounces++;
              emit (report, item->source, item->index, format, all, &stats);
            }
          bk_reader_item_free (item);
        }
    }
  int rc = bk_cli_finish_stdout ();
  if (!quiet)
    fprintf (stderr, "bouncekit: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
             " bounces, %" G_GUINT64_FORMAT " recipients, %" G_GUINT64_FORMAT " failed inputs\n",
             stats.messages, stats.bounces, stats.recipients, stats.failed);
  if (rc != BK_EXIT_OK)
    return rc;
  return stats.failed ? BK_EXIT_FAILURE : BK_EXIT_OK;
}
