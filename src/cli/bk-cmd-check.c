/* SPDX-License-Identifier: MIT */
/*
 * bouncekit check - the pipe filter: read one message (stdin or FILE),
 * exit 0 if it is a bounce (of the given classes), 1 if not, 2 on any
 * error. Prints nothing unless --print is given, so procmail and Sieve
 * can branch on the status alone. Reads only the one message.
 */
#include "bk-cli.h"

#include <string.h>

/* ARF complaints have class none; --class complaint selects them */
#define COMPLAINT_BIT 8

/* parse_classes - "hard,policy" -> bit set over BkBounceClass */
static gboolean
parse_classes (const char *list, guint *out_mask)
{
  *out_mask = 0;
  if (list == NULL)
    {
      *out_mask = (1u << BK_BOUNCE_CLASS_HARD) | (1u << BK_BOUNCE_CLASS_SOFT)
                  | (1u << BK_BOUNCE_CLASS_POLICY);
      return TRUE;
    }
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      const char *c = g_strstrip (parts[i]);
      if (strcmp (c, "hard") == 0)
        *out_mask |= 1u << BK_BOUNCE_CLASS_HARD;
      else if (strcmp (c, "soft") == 0)
        *out_mask |= 1u << BK_BOUNCE_CLASS_SOFT;
      else if (strcmp (c, "policy") == 0)
        *out_mask |= 1u << BK_BOUNCE_CLASS_POLICY;
      else if (strcmp (c, "complaint") == 0)
        *out_mask |= 1u << COMPLAINT_BIT;
      else
        return FALSE;
    }
  return *out_mask != 0;
}

int
bk_cmd_check (int argc, char **argv)
{
  g_autofree char *classes = NULL;
  g_autofree char *rules_dir = NULL;
  g_auto (GStrv) paths = NULL;
  gboolean print = FALSE;
  gboolean record = FALSE;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "class", 'c', 0, G_OPTION_ARG_STRING, &classes, "Succeed only for these classes (comma list of hard, soft, policy, complaint)", "LIST" },
    { "print", 'p', 0, G_OPTION_ARG_NONE, &print, "Print the recipients as JSON lines", NULL },
    { "record", 0, 0, G_OPTION_ARG_NONE, &record, "Also record the events in the history (--db)", NULL },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History database for --record", "FILE" },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rules directory", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "[FILE|-]" },
    { 0 },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[FILE|-] - is this message a bounce?");
  g_option_context_set_description (ctx,
    "Exit status: 0 a bounce (of the --class classes); 1 not a bounce;\n"
    "2 an error (unreadable input, bad rules, bad usage).");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bk_cli_parse (ctx, &argc, &argv))
    return BK_EXIT_USAGE;
  guint mask;
  if (!parse_classes (classes, &mask))
    {
      bk_cli_error ("--class takes a comma list of hard, soft, policy, complaint");
      return BK_EXIT_USAGE;
    }
  if (paths && paths[0] && paths[1])
    {
      bk_cli_error ("check reads one message");
      return BK_EXIT_USAGE;
    }
  const char *path = paths && paths[0] ? paths[0] : "-";
  if (record && db == NULL)
    {
      bk_cli_error ("--record needs --db FILE");
      return BK_EXIT_USAGE;
    }

  g_autoptr (GError) err = NULL;
  g_autoptr (BkRuleset) rules = bk_cli_load_rules (rules_dir, FALSE, &err);
  if (rules == NULL)
    {
      bk_cli_error ("cannot load rules: %s", err->message);
      return BK_EXIT_USAGE;
    }
  g_autoptr (BkReader) rd = bk_reader_new (path);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);
  if (item == NULL || item->error)
    {
      bk_cli_error ("%s", item ? item->error->message : "no message in input");
      return BK_EXIT_USAGE;
    }
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
  if (record)
    {
      g_autoptr (BkHistory) h = bk_history_open (db, &err);
      if (h == NULL || !bk_cli_record (h, report, item->message, item->source, NULL, &err))
        {
          bk_cli_error ("%s", err->message);
          return BK_EXIT_USAGE;
        }
    }
  gboolean hit = FALSE;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->klass != BK_BOUNCE_CLASS_NONE && (mask & (1u << r->klass)))
        hit = TRUE;
      if (g_strcmp0 (r->reason, "feedback") == 0 && (mask & (1u << COMPLAINT_BIT)))
        hit = TRUE;
      if (print)
        bk_output_recipient (stdout, BK_FORMAT_JSON, report, r, item->source, item->index);
    }
  if (bk_cli_finish_stdout () != BK_EXIT_OK)
    return BK_EXIT_USAGE;
  return hit ? BK_EXIT_OK : BK_EXIT_FAILURE;
}
