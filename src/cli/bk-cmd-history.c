/* SPDX-License-Identifier: MIT */
/*
 * List hygiene commands over the history (an SQLite file, or a
 * PostgreSQL database several hosts share):
 *   ingest --db DB PATH…     record every recipient event (idempotent)
 *   suppress --db DB …       the addresses to stop mailing, with evidence
 *   stats --db DB            counts per domain and per reason
 *   forgive --db DB ADDR…    reset addresses
 * ingest commits once per input path, so an interrupted run loses at most
 * the path in progress and a rerun adds only what is missing.
 */
#include "bk-cli.h"
#include "bk-imap.h"

#include <string.h>

/* open_db - the history at @db (a file, or a PostgreSQL URI or keyword
 * string); commands that only read it (or reset an address in it) refuse
 * one that does not exist, so a typo is an error, not an empty answer */
static BkHistory *
open_db (const char *db, gboolean must_exist)
{
  if (db == NULL)
    {
      bk_cli_error ("--db FILE|URI is required");
      return NULL;
    }
  return bk_cli_open_history (db, must_exist ? BK_HISTORY_OPEN_EXISTING : BK_HISTORY_OPEN_DEFAULT);
}

/* parse_now - "--now" as Unix seconds or an ISO 8601 date; default: now */
static gboolean
parse_now (const char *text, gint64 *out_now)
{
  if (text == NULL)
    {
      *out_now = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  char *end = NULL;
  gint64 v = g_ascii_strtoll (text, &end, 10);
  if (end && *end == '\0' && end != text)
    {
      *out_now = v;
      return TRUE;
    }
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      g_autofree char *with_time = g_strconcat (text, "T00:00:00Z", NULL);
      g_autoptr (GDateTime) d2 = g_date_time_new_from_iso8601 (with_time, utc);
      if (d2 == NULL)
        return FALSE;
      *out_now = g_date_time_to_unix (d2);
      return TRUE;
    }
  *out_now = g_date_time_to_unix (dt);
  return TRUE;
}

/* bad_now - say what --now takes */
static void
bad_now (const char *text)
{
  bk_cli_error ("invalid --now '%s': Unix seconds or an ISO 8601 date or time "
                "(2026-01-31, 2026-01-31T12:00:00Z)", text);
}

/* bk_cli_record - record one analysed message; shared with check --record */
gboolean
bk_cli_record (BkHistory *h, const BkReport *report, GMimeMessage *msg, const char *source,
               guint *out_added, GError **error)
{
  g_autofree char *key = bk_history_message_key (msg);
  return bk_history_record (h, report, key, source, out_added, error);
}

/* bk_cli_open_history - open @db, or say why not (one line, the password
 * masked) and return NULL */
BkHistory *
bk_cli_open_history (const char *db, BkHistoryOpenFlags flags)
{
  g_autoptr (GError) err = NULL;
  BkHistory *h = bk_history_open_full (db, flags, &err);
  if (h == NULL && g_error_matches (err, BK_HISTORY_ERROR, BK_HISTORY_ERROR_MISSING))
    {
      g_autofree char *name = bk_history_display_name (db);
      bk_cli_error ("%s (create it with 'bouncekit ingest --db %s PATH')", err->message, name);
    }
  else if (h == NULL)
    bk_cli_error ("%s", err->message);
  return h;
}

typedef struct {
  BkHistory *h;
  guint64 messages;
  guint64 added;
  GError *error;
} Ingest;

/* ingest_one - record one message; a database error stops the path */
static gboolean
ingest_one (const BkReaderItem *item, BkReport *report, gpointer data)
{
  Ingest *in = data;
  guint n = 0;
  in->messages++;
  if (!bk_cli_record (in->h, report, item->message, item->source, &n, &in->error))
    return FALSE;
  in->added += n;
  return TRUE;
}

int
bk_cmd_ingest (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *rules_dir = NULL;
  g_auto (GStrv) paths = NULL;
  gboolean quiet = FALSE;
  g_autofree char *cacert = NULL, *since_text = NULL, *move_to = NULL;
  gboolean unseen = FALSE;
  int batch = 0;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History: an SQLite file or a PostgreSQL URI (created on first use)", "FILE|URI" },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rules directory", "DIR" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on stderr", NULL },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cacert, "IMAP: trust the CA certificates in FILE instead of the system's", "FILE" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, "IMAP: only messages received since N days ago or a date", "DAYS|YYYY-MM-DD" },
    { "unseen", 0, 0, G_OPTION_ARG_NONE, &unseen, "IMAP: only messages nobody has read", NULL },
    { "move-to", 0, 0, G_OPTION_ARG_STRING, &move_to, "IMAP: move recorded messages to this folder", "FOLDER" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "IMAP: messages per transaction (default 1000)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "--db FILE|URI PATH… - record bounces in the history",
    "Every recipient event is keyed by the bounce's identity and the address,\n"
    "so ingesting the same input again adds nothing.\n"
    "Each input PATH is one transaction: a failure leaves nothing of it.\n"
    "PATH may be an IMAP folder, imaps://user@host/Folder: the password comes\n"
    "from BOUNCEKIT_IMAP_PASSWORD or ~/.netrc; recorded messages get the\n"
    "keyword $BouncekitDone (or move to --move-to), and are skipped next time.\n"
    "Exit status: 0 all inputs read; 1 an input failed; 2 usage, or the\n"
    "database failed.", entries))
    return BK_EXIT_USAGE;
  if (paths == NULL || paths[0] == NULL)
    {
      bk_cli_error ("ingest needs at least one PATH ('-' for stdin)");
      return BK_EXIT_USAGE;
    }
  BkImapOptions imap_opt = { .cacert = cacert, .unseen = unseen, .skip_done = TRUE, .with_pending = unseen };
  if (batch < 0 || !bk_cli_parse_since (since_text, &imap_opt.since))
    {
      bk_cli_error ("invalid --batch or --since");
      return BK_EXIT_USAGE;
    }
  /* rules first: a run that cannot analyse anything creates no database */
  g_autoptr (BkRuleset) rules = bk_cli_rules (rules_dir, TRUE);
  if (rules == NULL)
    return BK_EXIT_FAILURE;
  /* then the IMAP folders: an unreachable server creates no database */
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_imap_close);
  for (guint p = 0; paths[p]; p++)
    {
      BkImap *imap = bk_imap_is_url (paths[p]) ? bk_cli_imap_open (paths[p], &imap_opt) : NULL;
      if (bk_imap_is_url (paths[p]) && imap == NULL)
        return BK_EXIT_DB;
      g_ptr_array_add (folders, imap);
    }
  g_autoptr (BkHistory) h = open_db (db, FALSE);
  if (h == NULL)
    return db ? BK_EXIT_DB : BK_EXIT_USAGE;
  g_autoptr (GError) err = NULL;
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  bk_analyzer_set_evidence (an, FALSE);
  guint64 messages = 0, added = 0, failed = 0;
  BkCliImapIngest imap_ingest = { (guint) batch, move_to };
  for (guint p = 0; paths[p]; p++)
    {
      if (g_ptr_array_index (folders, p))
        {
          int rc = bk_cli_ingest_imap (g_ptr_array_index (folders, p), h, an, &imap_ingest,
                                       &messages, &added, &failed);
          if (rc != BK_EXIT_OK)
            return rc;
          continue;
        }
      if (!bk_history_begin (h, &err))
        {
          bk_cli_error ("%s", err->message);
          return BK_EXIT_DB;
        }
      Ingest in = { h, 0, 0, NULL };
      if (!bk_cli_each_message (an, paths[p], ingest_one, &in, &failed))
        {
          bk_cli_error ("%s", in.error->message);
          g_error_free (in.error);
          return BK_EXIT_DB;   /* the open transaction is rolled back on close */
        }
      messages += in.messages;
      added += in.added;
      if (!bk_history_commit (h, &err))
        {
          bk_cli_error ("%s", err->message);
          return BK_EXIT_DB;
        }
    }
  if (!quiet)
    {
      g_autofree char *m = bk_cli_count (messages, "message", "messages");
      g_autofree char *a = bk_cli_count (added, "new event", "new events");
      g_autofree char *f = bk_cli_count (failed, "failed input", "failed inputs");
      fprintf (stderr, "bouncekit: %s, %s, %s\n", m, a, f);
    }
  return failed ? BK_EXIT_FAILURE : BK_EXIT_OK;
}

static char *
iso_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

/* The suppression list's fields, in the order JSON and CSV give them. */
static const char *const suppress_fields[] = {
  "address", "why", "hard", "soft", "policy", "complaints", "last_reason", "last_date",
};

/* suppressed_to_json - one entry as an object of suppress_fields */
static JsonNode *
suppressed_to_json (const BkSuppressed *s)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *when = iso_time (s->last_time);
  const char *texts[] = { s->address, s->why, NULL, NULL, NULL, NULL, s->last_reason, when };
  const guint counts[] = { 0, 0, s->hard, s->soft, s->policy, s->complaints, 0, 0 };
  G_STATIC_ASSERT (G_N_ELEMENTS (texts) == G_N_ELEMENTS (suppress_fields));
  json_builder_begin_object (b);
  for (guint f = 0; f < G_N_ELEMENTS (suppress_fields); f++)
    {
      json_builder_set_member_name (b, suppress_fields[f]);
      if (f >= 2 && f <= 5)
        json_builder_add_int_value (b, counts[f]);
      else if (texts[f])
        json_builder_add_string_value (b, texts[f]);
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

int
bk_cmd_suppress (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *now_text = NULL;
  int threshold = 3, window = 30, span = 7;
  gboolean include_policy = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History: an SQLite file or a PostgreSQL URI", "FILE|URI" },
    { "soft-threshold", 0, 0, G_OPTION_ARG_INT, &threshold, "Soft bounces that suppress an address (default 3)", "N" },
    { "soft-span", 0, 0, G_OPTION_ARG_INT, &span, "…spread over at least this many days (default 7)", "DAYS" },
    { "window", 'w', 0, G_OPTION_ARG_INT, &window, "Only soft/policy bounces of the last DAYS count (default 30)", "DAYS" },
    { "include-policy", 0, 0, G_OPTION_ARG_NONE, &include_policy, "Policy bounces count toward the soft threshold", NULL },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "text (default), json, csv, or addresses (one per line)", "FORMAT" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, "Reference time (Unix seconds or ISO 8601; default: now)", "TIME" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "--db FILE|URI - addresses to stop mailing",
    "An address is listed after any hard bounce, any complaint, or N soft\n"
    "bounces spread over at least --soft-span days within the window. A later\n"
    "delivery or 'bouncekit forgive' resets it.", entries))
    return BK_EXIT_USAGE;
  BkSuppressOptions o = { 0 };
  if (threshold < 1)
    {
      bk_cli_error ("--soft-threshold must be 1 or more, not %d", threshold);
      return BK_EXIT_USAGE;
    }
  if (span < 0 || window < 0)
    {
      bk_cli_error ("--%s must be 0 or more days, not %d", span < 0 ? "soft-span" : "window",
                    span < 0 ? span : window);
      return BK_EXIT_USAGE;
    }
  if (!parse_now (now_text, &o.now))
    {
      bad_now (now_text);
      return BK_EXIT_USAGE;
    }
  const char *fmt = format_name ? format_name : "text";
  if (strcmp (fmt, "text") != 0 && strcmp (fmt, "json") != 0 && strcmp (fmt, "csv") != 0
      && strcmp (fmt, "addresses") != 0)
    {
      bk_cli_error ("unknown format '%s' (text, json, csv or addresses)", fmt);
      return BK_EXIT_USAGE;
    }
  o.soft_threshold = threshold;
  o.window_days = window;
  o.soft_span_days = span;
  o.include_policy = include_policy;
  g_autoptr (BkHistory) h = open_db (db, TRUE);
  if (h == NULL)
    return db ? BK_EXIT_DB : BK_EXIT_USAGE;
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) list = bk_history_suppress (h, &o, &err);
  if (list == NULL)
    {
      bk_cli_error ("%s", err->message);
      return BK_EXIT_DB;
    }
  if (strcmp (fmt, "csv") == 0)
    bk_csv_header (stdout, suppress_fields, G_N_ELEMENTS (suppress_fields));
  for (guint i = 0; i < list->len; i++)
    {
      BkSuppressed *s = g_ptr_array_index (list, i);
      if (strcmp (fmt, "addresses") == 0)
        {
          /* the address as recorded, for list managers to read: an
           * address holding a control character could only be a forgery
           * and would break the one-per-line format */
          g_autofree char *addr = bk_cli_printable (s->address);
          printf ("%s\n", addr);
          continue;
        }
      g_autoptr (JsonNode) node = suppressed_to_json (s);
      JsonObject *obj = json_node_get_object (node);
      if (strcmp (fmt, "json") == 0)
        {
          g_autofree char *line = json_to_string (node, FALSE);
          printf ("%s\n", line);
        }
      else if (strcmp (fmt, "csv") == 0)
        {
          bk_output_csv_row (obj, suppress_fields, G_N_ELEMENTS (suppress_fields), stdout);
        }
      else
        {
          g_autofree char *addr = bk_cli_printable (s->address);
          g_autofree char *reason = bk_cli_printable (s->last_reason ? s->last_reason : "-");
          g_autofree char *when = iso_time (s->last_time);
          printf ("%s\t%s\thard=%u soft=%u policy=%u complaints=%u\tlast=%s %s\n", addr, s->why,
                  s->hard, s->soft, s->policy, s->complaints, reason, when);
        }
    }
  return bk_cli_finish_stdout ();
}

/* total - a stats entry's events over its classes */
static gint64
total (JsonObject *sec, const char *key)
{
  JsonObject *counts = json_object_get_object_member (sec, key);
  g_autoptr (GList) classes = json_object_get_members (counts);
  gint64 n = 0;
  for (GList *c = classes; c; c = c->next)
    n += json_object_get_int_member (counts, c->data);
  return n;
}

static gint
by_count (gconstpointer a, gconstpointer b, gpointer sec)
{
  gint64 x = total (sec, a), y = total (sec, b);
  return x != y ? (x > y ? -1 : 1) : strcmp (a, b);
}

/* members_by_count - a section's domains or reasons, most events first
 * (ties by name): what a reader of stats looks for first */
static GList *
members_by_count (JsonObject *sec)
{
  return g_list_sort_with_data (json_object_get_members (sec), by_count, sec);
}

int
bk_cmd_stats (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *since_text = NULL;
  int top = 0;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History: an SQLite file or a PostgreSQL URI", "FILE|URI" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "text (default), json, or csv (group,key,class,events)", "FORMAT" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, "Only events of the last DAYS days, or since a date", "DAYS|YYYY-MM-DD" },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, "Only the N domains and reasons with most events (JSON too then in that order)", "N" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "--db FILE|URI - counts per domain and reason", NULL, entries))
    return BK_EXIT_USAGE;
  const char *fmt = format_name ? format_name : "text";
  gboolean json = strcmp (fmt, "json") == 0, csv = strcmp (fmt, "csv") == 0;
  if (!json && !csv && strcmp (fmt, "text") != 0)
    {
      bk_cli_error ("unknown format '%s' (text, json or csv)", fmt);
      return BK_EXIT_USAGE;
    }
  gint64 since = 0;
  if (top < 0 || !bk_cli_parse_since (since_text, &since))
    {
      bk_cli_error ("invalid --since (DAYS or YYYY-MM-DD) or --top");
      return BK_EXIT_USAGE;
    }
  g_autoptr (BkHistory) h = open_db (db, TRUE);
  if (h == NULL)
    return db ? BK_EXIT_DB : BK_EXIT_USAGE;
  g_autoptr (GError) err = NULL;
  g_autoptr (JsonNode) root = bk_history_stats_since (h, since, &err);
  if (root == NULL)
    {
      bk_cli_error ("%s", err->message);
      return BK_EXIT_DB;
    }
  if (top > 0)
    bk_cli_stats_arrange (root, TRUE, (guint) top);
  if (json)
    {
      g_autofree char *text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return bk_cli_finish_stdout ();
    }
  JsonObject *o = json_node_get_object (root);
  static const char *const sections[] = { "by_domain", "by_reason" };
  if (csv)
    {
      static const char *const header[] = { "group", "key", "class", "events" };
      bk_csv_header (stdout, header, G_N_ELEMENTS (header));
      for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
        {
          JsonObject *sec = json_object_get_object_member (o, sections[s]);
          g_autoptr (GList) keys = members_by_count (sec);
          for (GList *l = keys; l; l = l->next)
            {
              JsonObject *counts = json_object_get_object_member (sec, l->data);
              g_autoptr (GList) classes = json_object_get_members (counts);
              for (GList *c = classes; c; c = c->next)
                {
                  BkCsvRow row;
                  bk_csv_row_init (&row);
                  bk_csv_add (&row, sections[s] + 3);
                  bk_csv_add (&row, l->data);
                  bk_csv_add (&row, c->data);
                  bk_csv_add_int (&row, json_object_get_int_member (counts, c->data));
                  bk_csv_row_write (&row, stdout);
                }
            }
        }
      return bk_cli_finish_stdout ();
    }
  printf ("events: %" G_GINT64_FORMAT "\n", json_object_get_int_member (o, "events"));
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      printf ("\n%s:\n", sections[s] + 3);
      JsonObject *sec = json_object_get_object_member (o, sections[s]);
      g_autoptr (GList) keys = members_by_count (sec);
      for (GList *l = keys; l; l = l->next)
        {
          g_autofree char *name = bk_cli_printable (l->data);
          printf ("  %-32s", name);
          JsonObject *counts = json_object_get_object_member (sec, l->data);
          g_autoptr (GList) classes = json_object_get_members (counts);
          for (GList *c = classes; c; c = c->next)
            printf (" %s=%" G_GINT64_FORMAT, (const char *) c->data,
                    json_object_get_int_member (counts, c->data));
          printf ("\n");
        }
    }
  return bk_cli_finish_stdout ();
}

int
bk_cmd_forgive (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *now_text = NULL;
  g_auto (GStrv) addrs = NULL;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History: an SQLite file or a PostgreSQL URI", "FILE|URI" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, "Time of the reset (default: now)", "TIME" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &addrs, NULL, "ADDRESS…" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "--db FILE|URI ADDRESS… - reset addresses", NULL, entries))
    return BK_EXIT_USAGE;
  gint64 now;
  if (addrs == NULL || addrs[0] == NULL)
    {
      bk_cli_error ("forgive needs --db FILE|URI and at least one ADDRESS");
      return BK_EXIT_USAGE;
    }
  if (!parse_now (now_text, &now))
    {
      bad_now (now_text);
      return BK_EXIT_USAGE;
    }
  g_autoptr (BkHistory) h = open_db (db, TRUE);
  if (h == NULL)
    return db ? BK_EXIT_DB : BK_EXIT_USAGE;
  g_autoptr (GError) err = NULL;
  g_autofree char *when = iso_time (now);
  gboolean unknown = FALSE;
  for (guint i = 0; addrs[i]; i++)
    {
      guint64 events = 0;
      if (!bk_history_count_events (h, addrs[i], &events, &err)
          || !bk_history_forgive (h, addrs[i], now, &err))
        {
          bk_cli_error ("%s", err->message);
          return BK_EXIT_DB;
        }
      g_autofree char *addr = bk_cli_printable (addrs[i]);
      if (events == 0)
        {
          /* a typo, most likely: say so, and fail, as for a missing history */
          bk_cli_error ("'%s' is not in the history: nothing to forgive", addr);
          unknown = TRUE;
          continue;
        }
      g_autofree char *n = bk_cli_count (events, "event", "events");
      printf ("forgiven: %s: %s recorded, reset at %s\n", addr, n, when);
    }
  int status = bk_cli_finish_stdout ();
  return status != BK_EXIT_OK ? status : unknown ? BK_EXIT_FAILURE : BK_EXIT_OK;
}
