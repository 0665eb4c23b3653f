/* SPDX-License-Identifier: MIT */
/*
 * bouncekit scan - analyse every message of every input and print one
 * line per recipient (failed, delayed and complaints; all with --all).
 * An input that cannot be read is reported on stderr with its name and
 * counted; the run goes on, and the exit status is 1 if any input failed.
 */
#include "bk-cli.h"
#include "bk-imap.h"
#include "bk-pipeline.h"

#include <string.h>
#include <unistd.h>

typedef struct {
  guint64 messages;
  guint64 bounces;
  guint64 failed;
  guint64 recipients;
  GHashTable *by_class;    /* class name -> count (GUINT_TO_POINTER) */
  GHashTable *by_reason;
  gboolean progress;       /* stderr is a terminal and not --quiet */
  gint64 started;
  gint64 last_progress;
} ScanStats;

/* One message travelling through the pipeline: cut from the input by the
 * reading thread; parsed, analysed, formatted and freed by a worker;
 * printed by the reading thread in input order. */
typedef struct {
  BkRawItem *raw;        /* until a worker parses it */
  BkReaderItem *item;    /* its source, index and error; NULL: no message */
  char *output;          /* formatted lines, or NULL */
  gsize output_len;
  gboolean bounce;
  guint64 recipients;
  GPtrArray *counted;    /* "class\treason" of each failed recipient */
} Job;

typedef struct {
  BkOutputFormat format;
  gboolean all;
  BkAnalyzer **analyzers; /* one per thread */
  char **inputs;          /* the paths, NULL-terminated */
  guint next_input;
  BkReader *reader;       /* of inputs[next_input - 1] */
  ScanStats *stats;
  BkImap **folders;       /* per input: its IMAP folder, or NULL */
  guint folder_next;      /* the next message of folders[next_input - 1] */
  gboolean server_failed;
} Scan;

static void
job_free (Job *job)
{
  bk_raw_item_free (job->raw);
  bk_reader_item_free (job->item);
  g_free (job->output);
  if (job->counted)
    g_ptr_array_unref (job->counted);
  g_free (job);
}

/* next_job - the next message of the inputs, unparsed (BkPipelineNext) */
static gpointer
next_job (gpointer user_data)
{
  Scan *sc = user_data;
  for (;;)
    {
      BkImap *imap = sc->next_input ? sc->folders[sc->next_input - 1] : NULL;
      if (imap && sc->folder_next < bk_imap_get_count (imap))
        {
          g_autoptr (GError) err = NULL;
          Job *job = g_new0 (Job, 1);
          if (bk_imap_fetch (imap, sc->folder_next++, &job->raw, &err))
            return job;
          g_free (job);
          bk_cli_error ("%s", err->message);
          sc->server_failed = TRUE;
          return NULL;
        }
      if (sc->reader == NULL)
        {
          const char *path = sc->inputs[sc->next_input];
          if (path == NULL)
            return NULL;
          sc->next_input++;
          sc->folder_next = 0;
          if (sc->folders[sc->next_input - 1])
            continue;
          sc->reader = bk_reader_new (path);
        }
      BkRawItem *raw = bk_reader_next_raw (sc->reader);
      if (raw)
        {
          Job *job = g_new0 (Job, 1);
          job->raw = raw;
          return job;
        }
      g_clear_pointer (&sc->reader, bk_reader_free);
    }
}

/* analyse_job - parse one message, analyse it, format its lines into
 * memory and free it, all on one thread (BkPipelineWork): the thread that
 * allocates the message tree frees it */
static void
analyse_job (gpointer data, guint worker, gpointer user_data)
{
  Job *job = data;
  const Scan *sc = user_data;
  job->item = bk_raw_item_parse (g_steal_pointer (&job->raw));
  if (job->item == NULL || job->item->error)
    return;
  g_autoptr (BkReport) report = bk_analyzer_analyze (sc->analyzers[worker], job->item->message);
  job->bounce = bk_report_is_bounce (report);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  if (mem == NULL)
    g_error ("out of memory");
  job->counted = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (!sc->all && !bk_recipient_is_reportable (r))
        continue;
      /* the summary counts what was printed, by class and reason: its
       * counts add up to "N recipients printed" */
      g_ptr_array_add (job->counted, g_strdup_printf ("%s\t%s", bk_bounce_class_to_string (r->klass),
                                                      r->reason ? r->reason : "undefined"));
      bk_output_recipient (mem, sc->format, report, r, job->item->source, job->item->index);
      job->recipients++;
    }
  fclose (mem);
  job->output = buf;
  job->output_len = len;
  g_clear_object (&job->item->message);
}

static void
count (GHashTable *table, const char *key)
{
  gpointer old = g_hash_table_lookup (table, key);
  g_hash_table_replace (table, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

/* progress - one status line on a terminal, at most four times a second */
static void
progress (ScanStats *stats, gboolean last)
{
  gint64 now = g_get_monotonic_time ();
  if (!stats->progress || (!last && now - stats->last_progress < 250000))
    return;
  stats->last_progress = now;
  double secs = (now - stats->started) / 1e6;
  g_autofree char *messages = bk_cli_count (stats->messages, "message", "messages");
  g_autofree char *bounces = bk_cli_count (stats->bounces, "bounce", "bounces");
  fprintf (stderr, "\r\033[Kbouncekit: %s, %.0f/s, %s%s", messages,
           secs > 0 ? stats->messages / secs : 0.0, bounces, last ? "\n" : "");
}

/* finish - print a done job and count it (BkPipelineDone) */
static void
finish (gpointer data, gpointer user_data)
{
  Job *job = data;
  ScanStats *stats = ((Scan *) user_data)->stats;
  if (job->item == NULL)
    ;   /* an mbox's empty last piece */
  else if (job->item->error)
    {
      bk_cli_error ("%s", job->item->error->message);
      stats->failed++;
    }
  else
    {
      stats->messages++;
      stats->bounces += job->bounce;
      stats->recipients += job->recipients;
      for (guint i = 0; job->counted && i < job->counted->len; i++)
        {
          char *entry = g_ptr_array_index (job->counted, i);
          char *tab = strchr (entry, '\t');
          *tab = '\0';
          count (stats->by_class, entry);
          count (stats->by_reason, tab + 1);
        }
      if (job->output_len)
        fwrite (job->output, 1, job->output_len, stdout);
    }
  job_free (job);
  progress (stats, FALSE);
}

static void
add_counts (JsonBuilder *b, const char *name, GHashTable *table)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) strcmp);
  for (GList *l = keys; l; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (table, l->data)));
    }
  json_builder_end_object (b);
}

/* summary - the end-of-run counts on stderr, as text or one JSON object;
 * every message read is counted once: messages = bounces + non-bounces */
static void
summary (const ScanStats *stats, gboolean json)
{
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "messages");
      json_builder_add_int_value (b, stats->messages);
      json_builder_set_member_name (b, "bounces");
      json_builder_add_int_value (b, stats->bounces);
      json_builder_set_member_name (b, "non_bounces");
      json_builder_add_int_value (b, stats->messages - stats->bounces);
      json_builder_set_member_name (b, "failed_inputs");
      json_builder_add_int_value (b, stats->failed);
      json_builder_set_member_name (b, "recipients_printed");
      json_builder_add_int_value (b, stats->recipients);
      add_counts (b, "by_class", stats->by_class);
      add_counts (b, "by_reason", stats->by_reason);
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, FALSE);
      fprintf (stderr, "%s\n", text);
      return;
    }
  g_autofree char *messages = bk_cli_count (stats->messages, "message", "messages");
  g_autofree char *bounces = bk_cli_count (stats->bounces, "bounce", "bounces");
  g_autofree char *others = bk_cli_count (stats->messages - stats->bounces, "non-bounce", "non-bounces");
  g_autofree char *failed = bk_cli_count (stats->failed, "failed input", "failed inputs");
  g_autofree char *printed = bk_cli_count (stats->recipients, "recipient printed", "recipients printed");
  fprintf (stderr, "bouncekit: %s: %s, %s; %s; %s\n", messages, bounces, others, failed, printed);
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (stats->by_class), (GCompareFunc) strcmp);
  for (GList *l = keys; l; l = l->next)
    fprintf (stderr, "  class %-8s %u\n", (const char *) l->data,
             GPOINTER_TO_UINT (g_hash_table_lookup (stats->by_class, l->data)));
  g_autoptr (GList) reasons = g_list_sort (g_hash_table_get_keys (stats->by_reason), (GCompareFunc) strcmp);
  for (GList *l = reasons; l; l = l->next)
    fprintf (stderr, "  reason %-16s %u\n", (const char *) l->data,
             GPOINTER_TO_UINT (g_hash_table_lookup (stats->by_reason, l->data)));
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
  g_autofree char *summary_name = NULL;
  g_autofree char *cacert = NULL, *since_text = NULL;
  gboolean unseen = FALSE;
  GOptionEntry entries[] = {
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cacert, "IMAP: trust the CA certificates in FILE instead of the system's", "FILE" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, "IMAP: only messages received since N days ago or a date", "DAYS|YYYY-MM-DD" },
    { "unseen", 0, 0, G_OPTION_ARG_NONE, &unseen, "IMAP: only messages nobody has read", NULL },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "Output format: json (default), text or csv", "FORMAT" },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Also print delivered recipients, auto-replies and the like", NULL },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rules directory (default: $BOUNCEKIT_RULES or the installed rules)", "DIR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Threads in all (default, or 0: number of cores)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress or summary on stderr", NULL },
    { "summary", 's', 0, G_OPTION_ARG_STRING, &summary_name, "Summary on stderr: text (default) or json", "FORMAT" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "[PATH…|-] - analyse bounce messages",
    "PATH is a message file, an mbox, a Maildir or a directory tree; '-' or\n"
    "nothing reads standard input. One line per recipient on stdout.\n"
    "PATH may be an IMAP folder, imaps://user@host/Folder (the password from\n"
    "BOUNCEKIT_IMAP_PASSWORD or ~/.netrc); fetching marks messages read.\n"
    "Exit status: 0 all inputs read; 1 some input failed; 2 usage error.", entries))
    return BK_EXIT_USAGE;

  BkOutputFormat format;
  if (!bk_output_parse_format (format_name, &format))
    {
      bk_cli_error ("unknown format '%s' (json, text or csv)", format_name);
      return BK_EXIT_USAGE;
    }
  if (summary_name && strcmp (summary_name, "text") != 0 && strcmp (summary_name, "json") != 0)
    {
      bk_cli_error ("unknown summary format '%s' (text or json)", summary_name);
      return BK_EXIT_USAGE;
    }
  if (jobs < 0)
    {
      bk_cli_error ("--jobs must be 1 or more (0: one per core)");
      return BK_EXIT_USAGE;
    }
  if (jobs == 0)
    jobs = (int) MIN (g_get_num_processors (), 64);
  static char *stdin_only[] = { (char *) "-", NULL };
  char **inputs = paths && paths[0] ? paths : stdin_only;
  bk_cli_prepare_allocator (jobs, bk_cli_input_bytes (inputs));
  g_autoptr (BkRuleset) rules = bk_cli_rules (rules_dir, TRUE);
  if (rules == NULL)
    return BK_EXIT_FAILURE;
  BkImapOptions imap_opt = { .cacert = cacert, .unseen = unseen };
  if (!bk_cli_parse_since (since_text, &imap_opt.since))
    {
      bk_cli_error ("invalid --since '%s' (DAYS or YYYY-MM-DD)", since_text);
      return BK_EXIT_USAGE;
    }
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_imap_close);
  for (guint p = 0; inputs[p]; p++)
    {
      BkImap *imap = bk_imap_is_url (inputs[p]) ? bk_cli_imap_open (inputs[p], &imap_opt) : NULL;
      if (bk_imap_is_url (inputs[p]) && imap == NULL)
        return BK_EXIT_USAGE;   /* 2: unreachable, refused or missing */
      g_ptr_array_add (folders, imap);
    }
  ScanStats stats = { 0 };
  stats.by_class = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats.by_reason = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats.progress = !quiet && isatty (STDERR_FILENO);
  stats.started = g_get_monotonic_time ();
  Scan sc = { .format = format, .all = all, .inputs = inputs, .stats = &stats,
              .folders = (BkImap **) folders->pdata };
  sc.analyzers = g_new0 (BkAnalyzer *, jobs);
  for (int i = 0; i < jobs; i++)
    {
      sc.analyzers[i] = bk_analyzer_new (rules);
      bk_analyzer_set_evidence (sc.analyzers[i], FALSE);   /* only explain prints it */
    }

  bk_output_header (stdout, format);
  /* with one job everything runs inline: no thread for a pipe filter run */
  bk_pipeline_run (jobs, next_job, analyse_job, finish, &sc);
  for (int i = 0; i < jobs; i++)
    bk_analyzer_free (sc.analyzers[i]);
  g_free (sc.analyzers);

  int rc = bk_cli_finish_stdout ();
  progress (&stats, TRUE);
  if (!quiet || summary_name)
    summary (&stats, g_strcmp0 (summary_name, "json") == 0);
  g_hash_table_unref (stats.by_class);
  g_hash_table_unref (stats.by_reason);
  if (rc != BK_EXIT_OK)
    return rc;
  if (sc.server_failed)
    return BK_EXIT_USAGE;
  return stats.failed ? BK_EXIT_FAILURE : BK_EXIT_OK;
}
