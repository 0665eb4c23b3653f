/* SPDX-License-Identifier: MIT */
/* bouncekit - command dispatch (git's cmd_struct table). */
#include "bk-cli.h"

#include <locale.h>
#include <string.h>

static int cmd_help (int argc, char **argv);
static int cmd_version (int argc, char **argv);

static const BkCommand commands[] = {
  { "scan", bk_cmd_scan, "analyse messages, mboxes, Maildirs or directories; print one line per recipient" },
  { "check", bk_cmd_check, "exit 0 if the message on stdin (or FILE) is a bounce, 1 if not" },
  { "explain", bk_cmd_explain, "show how each recipient of one message was decided" },
  { "rules", bk_cmd_rules, "rules check [DIR]: validate a rules directory" },
  { "ingest", bk_cmd_ingest, "record bounces in the history (--db FILE|URI PATH…)" },
  { "suppress", bk_cmd_suppress, "list the addresses to stop mailing (--db FILE|URI)" },
  { "stats", bk_cmd_stats, "counts per domain and per reason, by count (--db FILE|URI)" },
  { "forgive", bk_cmd_forgive, "reset addresses in the history (--db FILE|URI ADDRESS…)" },
  { "report", bk_cmd_report, "the list's health as one HTML page or JSON (--db FILE|URI)" },
  { "help", cmd_help, "show this help" },
  { "version", cmd_version, "print the version" },
};

static int
cmd_help (int argc, char **argv)
{
  /* help COMMAND: that command's own --help */
  if (argc > 1)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (strcmp (commands[i].name, argv[1]) == 0 && commands[i].fn != cmd_help
          && commands[i].fn != cmd_version)
        {
          g_autofree char *prgname = g_strdup_printf ("bouncekit %s", argv[1]);
          g_set_prgname (prgname);
          char *help_argv[] = { argv[1], (char *) "--help", NULL };
          return commands[i].fn (2, help_argv);
        }
  if (argc > 1)
    {
      bk_cli_error ("no command '%s' (see 'bouncekit help')", argv[1]);
      return BK_EXIT_USAGE;
    }
  printf ("Usage: bouncekit COMMAND [OPTION…] [ARG…]\n\n"
          "Analyse bounce messages (DSNs and free-text NDRs): for every failed\n"
          "recipient, the address, reply code, enhanced status, diagnostic, and\n"
          "a verdict: hard, soft or policy, with a reason.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    printf ("  %-9s %s\n", commands[i].name, commands[i].summary);
  printf ("\nThe history (ingest, suppress, stats, forgive, check --record) is an\n"
          "SQLite file or, shared by several hosts, a PostgreSQL database (--db\n"
          "postgresql://…).\n"
          "\nRun 'bouncekit help COMMAND' or 'bouncekit COMMAND --help' for the\n"
          "options of a command.\n"
          "Exit status: 0 success; 1 an input failed (check: not a bounce);\n"
          "2 usage error (check: any error).\n");
  return bk_cli_finish_stdout ();
}

static int
cmd_version (int argc, char **argv)
{
  (void) argc;
  (void) argv;
  printf ("bouncekit %s\n", BK_VERSION_STRING);
  /* what this build has: a program or script can test for a feature */
  printf ("features: %cpostgresql %cmimalloc %cintrospection %cimap\n",
          BK_HAVE_POSTGRESQL ? '+' : '-',
#ifdef BK_HAVE_MIMALLOC
          '+',
#else
          '-',
#endif
          BK_HAVE_INTROSPECTION ? '+' : '-', BK_HAVE_IMAP ? '+' : '-');
  g_autofree char *rules = bk_cli_default_rules_dir ();
  printf ("rules: %s\n", rules);
  return bk_cli_finish_stdout ();
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bk_init ();
  /* every command reads a returned message's headers only (and parses it
   * when a bounce may be nested in it): GMime need not build its tree */
  bk_parse_attached_messages (FALSE);
  if (argc < 2)
    {
      cmd_help (0, NULL);
      return BK_EXIT_USAGE;
    }
  const char *name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0)
    return cmd_help (0, NULL);
  if (strcmp (name, "--version") == 0 || strcmp (name, "-V") == 0)
    return cmd_version (0, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      {
        /* --help shows "bouncekit scan [OPTION…]", not "scan [OPTION…]" */
        g_autofree char *prgname = g_strdup_printf ("bouncekit %s", name);
        g_set_prgname (prgname);
        return commands[i].fn (argc - 1, argv + 1);
      }
  bk_cli_error ("unknown command '%s' (see 'bouncekit help')", name);
  return BK_EXIT_USAGE;
}
