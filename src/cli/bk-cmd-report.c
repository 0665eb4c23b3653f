/* SPDX-License-Identifier: MIT */
/*
 * bouncekit report - the list's health over the last DAYS days as one
 * self-contained HTML page (bk-report-html.c) or as JSON, both drawn from
 * bk_history_report()'s numbers.
 */
#include "bk-cli.h"
#include "bk-report-html.h"

#include <string.h>

/* parse_time - Unix seconds or an ISO 8601 date/time; NULL: now */
static gboolean
parse_time (const char *text, gint64 *out)
{
  if (text == NULL)
    {
      *out = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  char *end = NULL;
  gint64 v = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    {
      *out = v;
      return TRUE;
    }
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);
      dt = g_date_time_new_from_iso8601 (midnight, utc);
    }
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

int
bk_cmd_report (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *now_text = NULL;
  int days = 30, top = 15, threshold = 3, window = 30, span = 7;
  gboolean include_policy = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History: an SQLite file or a PostgreSQL URI", "FILE|URI" },
    { "since", 0, 0, G_OPTION_ARG_INT, &days, "The period: the last DAYS days, today included (default 30)", "DAYS" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "html (default) or json", "FORMAT" },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, "Receiving domains listed (default 15)", "N" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, "Reference time (Unix seconds or ISO 8601; default: now)", "TIME" },
    { "soft-threshold", 0, 0, G_OPTION_ARG_INT, &threshold, "As for suppress (default 3)", "N" },
    { "soft-span", 0, 0, G_OPTION_ARG_INT, &span, "As for suppress (default 7)", "DAYS" },
    { "window", 'w', 0, G_OPTION_ARG_INT, &window, "As for suppress (default 30)", "DAYS" },
    { "include-policy", 0, 0, G_OPTION_ARG_NONE, &include_policy, "As for suppress", NULL },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "--db FILE|URI [--since DAYS] [--format html|json] - the list's health",
    "One self-contained HTML page on stdout (inline SVG and CSS; nothing is\n"
    "fetched): bounces per day by class, delays apart; the receiving domains\n"
    "that bounce most, against the previous period; policy bounces per\n"
    "receiver with their diagnostics; complaints; the addresses 'suppress'\n"
    "lists now and how that count moved. --format json: the same numbers.\n"
    "Exit status: 0 written; 1 output failed; 2 usage, or the database failed.", entries))
    return BK_EXIT_USAGE;
  const char *fmt = format_name ? format_name : "html";
  gboolean json = strcmp (fmt, "json") == 0;
  if (!json && strcmp (fmt, "html") != 0)
    {
      bk_cli_error ("unknown format '%s' (html or json)", fmt);
      return BK_EXIT_USAGE;
    }
  BkHistoryReportOptions o = { 0 };
  if (days < 1 || days > 3660 || top < 1 || threshold < 1 || window < 0 || span < 0
      || !parse_time (now_text, &o.now))
    {
      bk_cli_error ("invalid --since, --top, --soft-threshold, --soft-span, --window or --now");
      return BK_EXIT_USAGE;
    }
  if (db == NULL)
    {
      bk_cli_error ("--db FILE|URI is required");
      return BK_EXIT_USAGE;
    }
  o.days = days;
  o.top = top;
  o.suppress.soft_threshold = threshold;
  o.suppress.soft_span_days = span;
  o.suppress.window_days = window;
  o.suppress.include_policy = include_policy;
  g_autoptr (BkHistory) h = bk_cli_open_history (db, BK_HISTORY_OPEN_EXISTING);
  if (h == NULL)
    return BK_EXIT_DB;
  g_autoptr (GError) err = NULL;
  g_autoptr (JsonNode) report = bk_history_report (h, &o, &err);
  if (report == NULL)
    {
      bk_cli_error ("%s", err->message);
      return BK_EXIT_DB;
    }
  g_autofree char *text = json ? json_to_string (report, TRUE) : bk_report_html (report);
  fputs (text, stdout);
  if (json)
    fputc ('\n', stdout);
  return bk_cli_finish_stdout ();
}
