/* SPDX-License-Identifier: MIT */
/*
 * bouncekit explain FILE - for one message: the report kind, the format
 * that decoded it, and for each recipient every field with the evidence
 * and the rule ids that decided code, reason and class.
 */
#include "bk-cli.h"

static void
print_field (const char *name, const char *value)
{
  if (value == NULL)
    return;
  g_autofree char *safe = bk_cli_printable (value);
  printf ("    %-19s %s\n", name, safe);
}

/* explain_one - every step that decided one message */
static gboolean
explain_one (const BkReaderItem *item, BkReport *report, gpointer data)
{
  (void) data;
  g_autofree char *src = bk_cli_printable (item->source);
  if (item->index > 0)
    printf ("%s#%" G_GINT64_FORMAT "\n", src, item->index);
  else
    printf ("%s\n", src);
  printf ("  kind: %s\n", bk_report_kind_to_string (report->kind));
  printf ("  format: %s\n", report->mta ? report->mta : "-");
  for (guint i = 0; i < report->evidence->len; i++)
    {
      g_autofree char *e = bk_cli_printable (g_ptr_array_index (report->evidence, i));
      printf ("  - %s\n", e);
    }
  print_field ("original message-id", report->original_message_id);
  print_field ("original subject", report->original_subject);
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      g_autofree char *addr = bk_cli_printable (r->recipient ? r->recipient : "(unknown)");
      printf ("  recipient %u: %s\n", i + 1, addr);
      print_field ("action", r->action);
      print_field ("status", r->status);
      print_field ("reply_code", r->reply_code);
      print_field ("class", bk_bounce_class_to_string (r->klass));
      print_field ("reason", r->reason);
      print_field ("rule", r->rule);
      print_field ("diagnostic", r->diagnostic);
      for (guint j = 0; j < r->evidence->len; j++)
        {
          g_autofree char *e = bk_cli_printable (g_ptr_array_index (r->evidence, j));
          printf ("    - %s\n", e);
        }
    }
  if (report->recipients->len == 0)
    printf ("  not a bounce: nothing to report\n");
  return TRUE;
}

int
bk_cmd_explain (int argc, char **argv)
{
  g_autofree char *rules_dir = NULL;
  g_auto (GStrv) paths = NULL;
  GOptionEntry entries[] = {
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rules directory", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "FILE" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "FILE - show how a message was decided", NULL, entries))
    return BK_EXIT_USAGE;
  if (paths == NULL || paths[0] == NULL || paths[1])
    {
      bk_cli_error ("explain takes one FILE (or '-')");
      return BK_EXIT_USAGE;
    }
  g_autoptr (BkRuleset) rules = bk_cli_rules (rules_dir, FALSE);
  if (rules == NULL)
    return BK_EXIT_FAILURE;
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  guint64 failed = 0;
  bk_cli_each_message (an, paths[0], explain_one, NULL, &failed);
  int out = bk_cli_finish_stdout ();
  return out != BK_EXIT_OK ? out : failed ? BK_EXIT_FAILURE : BK_EXIT_OK;
}
