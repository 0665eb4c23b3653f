/* SPDX-License-Identifier: MIT */
/* bouncekit rules check [DIR] - load and compile a rules directory and say
 * what it holds, or name the first broken rule as file:line. */
#include "bk-cli.h"

#include <string.h>

int
bk_cmd_rules (int argc, char **argv)
{
  g_auto (GStrv) args = NULL;
  GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, "check [DIR]" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "check [DIR] - validate a rules directory", NULL, entries))
    return BK_EXIT_USAGE;
  if (args == NULL || strcmp (args[0], "check") != 0 || (args[1] && args[2]))
    {
      bk_cli_error ("usage: bouncekit rules check [DIR]");
      return BK_EXIT_USAGE;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (BkRuleset) rules = bk_cli_load_rules (args[1], FALSE, &err);
  if (rules == NULL)
    {
      bk_cli_error ("%s", err->message);
      return BK_EXIT_FAILURE;
    }
  printf ("%s: %u patterns, %u formats: OK\n", bk_ruleset_get_dir (rules),
          bk_ruleset_count (rules), bk_ruleset_count_formats (rules));
  return bk_cli_finish_stdout ();
}
