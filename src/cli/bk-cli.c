/* SPDX-License-Identifier: MIT */
/* bk-cli - helpers every command shares: error messages, locating and
 * loading the rules, option parsing, stdout checks, printable text. */
#include "bk-cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* bk_cli_error - "bouncekit: message" on stderr */
void
bk_cli_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autofree char *safe = bk_cli_printable (msg);
  fprintf (stderr, "bouncekit: %s\n", safe);
}

/* running_from_build_dir - is this binary the one in the build tree? Then
 * the source tree's rules/ are the ones that belong to it. */
static gboolean
running_from_build_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe == NULL)
    return FALSE;
  g_autofree char *dir = g_path_get_dirname (exe);
  return g_str_has_prefix (dir, BK_BUILD_DIR);
}

/* bk_cli_default_rules_dir - BOUNCEKIT_RULES, the source tree when run from
 * the build directory, else the installed rules */
char *
bk_cli_default_rules_dir (void)
{
  const char *env = g_getenv ("BOUNCEKIT_RULES");
  if (env && *env)
    return g_strdup (env);
  if (running_from_build_dir () && g_file_test (BK_SOURCE_RULES_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (BK_SOURCE_RULES_DIR);
  return g_strdup (BK_RULES_DIR);
}

/* cache_dir - $XDG_CACHE_HOME/bouncekit (private), or NULL when it cannot
 * be made: the cache only saves start-up time */
static char *
cache_dir (void)
{
  if (g_getenv ("BOUNCEKIT_NO_CACHE"))
    return NULL;
  char *dir = g_build_filename (g_get_user_cache_dir (), "bouncekit", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 || access (dir, W_OK) != 0)
    g_clear_pointer (&dir, g_free);
  return dir;
}

/* bk_cli_load_rules - the rules for a command; @batch commands JIT-compile
 * and build the literal prefilter (many messages repay both), one-message
 * commands do neither (a pipe filter would pay ~50 ms of JIT, and more
 * for the prefilter than trying every rule once costs). Compiled
 * patterns are cached. */
BkRuleset *
bk_cli_load_rules (const char *option_dir, gboolean batch, GError **error)
{
  g_autofree char *dir = option_dir ? g_strdup (option_dir) : bk_cli_default_rules_dir ();
  g_autofree char *cache = cache_dir ();
  return bk_ruleset_load_dir_full (dir, batch ? BK_RULESET_FLAGS_NONE
                                         : BK_RULESET_FLAGS_NO_JIT | BK_RULESET_FLAGS_NO_PREFILTER,
                                   cache, error);
}

/* bk_cli_parse - run @ctx; on error print it with a hint and return FALSE */
gboolean
bk_cli_parse (GOptionContext *ctx, int *argc, char ***argv)
{
  g_autoptr (GError) err = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &err))
    {
      bk_cli_error ("%s (see --help)", err->message);
      return FALSE;
    }
  return TRUE;
}

/* bk_cli_options - a command's whole option parsing: @usage after the
 * command name in --help ("PARAMS - summary"), @description (nullable:
 * exit statuses and the like) below the options; a bad command line is
 * reported (see bk_cli_parse) and gives FALSE */
gboolean
bk_cli_options (int *argc, char ***argv, const char *usage, const char *description,
                const GOptionEntry *entries)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (usage);
  if (description)
    g_option_context_set_description (ctx, description);
  /* @usage names the arguments: GOption would add the remaining
   * arguments' description a second time ("PATH… [PATH…|-]") */
  guint n = 0;
  while (entries[n].long_name)
    n++;
  g_autofree GOptionEntry *copy = g_new0 (GOptionEntry, n + 1);
  for (guint i = 0; i < n; i++)
    {
      copy[i] = entries[i];
      if (strcmp (copy[i].long_name, G_OPTION_REMAINING) == 0)
        copy[i].arg_description = NULL;
    }
  g_option_context_add_main_entries (ctx, copy, NULL);
  return bk_cli_parse (ctx, argc, argv);
}

/* bk_cli_rules - bk_cli_load_rules, or one line saying why not and NULL */
BkRuleset *
bk_cli_rules (const char *option_dir, gboolean batch)
{
  g_autoptr (GError) err = NULL;
  BkRuleset *rules = bk_cli_load_rules (option_dir, batch, &err);
  if (rules == NULL)
    bk_cli_error ("cannot load rules: %s", err->message);
  return rules;
}

/* bk_cli_each_message - the message loop of the one-thread commands:
 * every message of @path, analysed by @an, to @fn; an input that cannot
 * be read is named on stderr, counted in @failed, and the loop goes on.
 * Returns FALSE when @fn stopped it. */
gboolean
bk_cli_each_message (BkAnalyzer *an, const char *path, BkCliMessageFn fn, gpointer data,
                     guint64 *failed)
{
  g_autoptr (BkReader) rd = bk_reader_new (path);
  BkReaderItem *item;
  gboolean go_on = TRUE;
  while (go_on && (item = bk_reader_next (rd)))
    {
      if (item->error)
        {
          bk_cli_error ("%s", item->error->message);
          (*failed)++;
        }
      else
        {
          g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
          go_on = fn (item, report, data);
        }
      bk_reader_item_free (item);
    }
  return go_on;
}

/* bk_cli_finish_stdout - flush stdout; a write error (disk full, closed
 * pipe) must not pass as success */
int
bk_cli_finish_stdout (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      /* a reader that went away (| head) is not worth a message */
      if (errno != EPIPE)
        bk_cli_error ("cannot write output: %s", g_strerror (errno ? errno : EIO));
      return BK_EXIT_FAILURE;
    }
  return BK_EXIT_OK;
}

/* bk_cli_printable - @text with control characters shown as '?' and
 * invalid UTF-8 repaired, safe for a terminal */
char *
bk_cli_printable (const char *text)
{
  if (text == NULL)
    return g_strdup ("");
  char *valid = g_utf8_make_valid (text, -1);
  for (unsigned char *p = (unsigned char *) valid; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      *p = '?';
  return valid;
}

/* bk_cli_count - "1 message", "0 messages", "2 messages": a count with
 * its noun in the number it takes (English: singular for one only) */
char *
bk_cli_count (guint64 n, const char *one, const char *many)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", n, n == 1 ? one : many);
}
