/* SPDX-License-Identifier: MIT */
/*
 * bouncekit check - the pipe filter: read one message (stdin or FILE),
 * exit 0 if it is a bounce (of the given classes), 1 if not, 2 on any
 * error. Prints nothing unless --print is given, so procmail and Sieve
 * can branch on the status alone. Reads only the one message.
 *
 * A message without a body is what a procmail recipe without the B flag
 * pipes (the header only): the verdict then rests on the header. A
 * header that shows a bounce (a delivery-status report Content-Type, or
 * a mailer-daemon or postmaster sender with a failure subject) is a
 * bounce of unknown class: it passes any --class list naming hard, soft
 * or policy; a feedback-report Content-Type is a complaint. Either way
 * one line on stderr says the body is missing and how to pipe it.
 *
 * --record never holds up delivery: the history gets --db-timeout
 * seconds (BOUNCEKIT_DB_TIMEOUT, default BK_CHECK_DB_TIMEOUT) for its
 * connection, its lock and each statement, and the whole recording ends
 * within that and a second (at least 3 s in all, libpq's connect timeout
 * being 2 s at least); past it nothing is recorded,
 * one line on stderr says so, and the exit status is the verdict's. A
 * watchdog ends the process with the verdict if the database hangs where
 * no timeout of its own reaches (a server that stops answering mid-way).
 */
#include "bk-cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* seconds check --record waits for the history, unless told otherwise */
#define BK_CHECK_DB_TIMEOUT 5.0

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

/* The subjects of failure reports, compared case-insensitively with the
 * start of the Subject (after a "[tag] " a list may add); only used when
 * the header is all there is, with a daemon sender. */
static const char *const failure_subjects[] = {
  "Undelivered", "Undeliverable", "Returned mail", "Returned message",
  "Delivery Status Notification (Failure)", "Delivery Status Notification (Delay)",
  "failure notice", "Mail delivery failed", "Mail delivery failure", "Delivery failure",
  "Delivery has failed", "Delivery failed", "Delivery Notification: Delivery has failed",
  "Non-delivery", "Nondeliverable", "Non deliverable", "Message not delivered",
  "Mail System Error", "Warning: could not send message",
};

/* The local parts of a daemon sender: MAILER-DAEMON, the usual author of
 * an MTA's reports, and postmaster (RFC 5321 4.5.1). */
static const char *const daemon_senders[] = { "mailer-daemon", "mailer_daemon", "postmaster" };

/* body_is_empty - has @msg nothing after its header (blank lines aside)? */
static gboolean
body_is_empty (GMimeMessage *msg)
{
  GMimeObject *body = g_mime_message_get_mime_part (msg);
  if (body == NULL)
    return TRUE;
  if (GMIME_IS_MULTIPART (body))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (body);
      const char *pro = g_mime_multipart_get_prologue (mp);
      const char *epi = g_mime_multipart_get_epilogue (mp);
      g_autofree char *text = g_strconcat (pro ? pro : "", epi ? epi : "", NULL);
      return g_mime_multipart_get_count (mp) == 0 && *g_strstrip (text) == '\0';
    }
  if (!GMIME_IS_PART (body))
    return FALSE;   /* a message/rfc822 body */
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (body));
  GMimeStream *stream = content ? g_mime_data_wrapper_get_stream (content) : NULL;
  if (stream == NULL)
    return TRUE;
  gint64 len = g_mime_stream_length (stream);
  if (len > 1024)
    return FALSE;
  GByteArray *bytes = g_byte_array_new ();
  GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (bytes);
  g_mime_data_wrapper_write_to_stream (content, mem);
  gboolean blank = TRUE;
  for (guint i = 0; i < bytes->len && blank; i++)
    blank = g_ascii_isspace (bytes->data[i]);
  g_object_unref (mem);   /* frees @bytes too */
  return blank;
}

/* What a run leaves to the exit: freeing the ruleset's patterns and the
 * message tree costs more than deciding on the message did. Kept here,
 * reachable, so that leak checkers do not count them. */
static struct {
  BkRuleset *rules;
  BkAnalyzer *analyzer;
  BkReport *report;
  BkReaderItem *item;
} left_for_exit;

typedef enum {
  HEADER_SAYS_NOTHING,
  HEADER_SAYS_BOUNCE,      /* a delivery-status report, or a daemon's failure subject */
  HEADER_SAYS_COMPLAINT,   /* a feedback report */
} HeaderVerdict;

/* header_verdict - what the header of @msg alone shows */
static HeaderVerdict
header_verdict (GMimeMessage *msg)
{
  /* GMime keeps the Content-* fields with the body's MIME part */
  GMimeObject *body = g_mime_message_get_mime_part (msg);
  GMimeContentType *ct = body ? g_mime_object_get_content_type (body) : NULL;
  const char *rt = ct ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;
  if (ct && (g_mime_content_type_is_type (ct, "message", "delivery-status")
             || g_mime_content_type_is_type (ct, "message", "global-delivery-status")))
    return HEADER_SAYS_BOUNCE;
  if (ct && rt && g_mime_content_type_is_type (ct, "multipart", "report"))
    {
      if (g_ascii_strcasecmp (rt, "delivery-status") == 0
          || g_ascii_strcasecmp (rt, "global-delivery-status") == 0)
        return HEADER_SAYS_BOUNCE;
      if (g_ascii_strcasecmp (rt, "feedback-report") == 0)
        return HEADER_SAYS_COMPLAINT;
    }
  /* the sender's address and the decoded subject, as GMime gives them */
  InternetAddressList *from = g_mime_message_get_from (msg);
  InternetAddress *first = from && internet_address_list_length (from) > 0
                             ? internet_address_list_get_address (from, 0) : NULL;
  const char *addr = first && INTERNET_ADDRESS_IS_MAILBOX (first)
                       ? internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)) : NULL;
  const char *subject = g_mime_message_get_subject (msg);
  if (addr == NULL || subject == NULL)
    return HEADER_SAYS_NOTHING;
  const char *at = strchr (addr, '@');
  gsize local = at ? (gsize) (at - addr) : strlen (addr);
  gboolean daemon = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (daemon_senders) && !daemon; i++)
    daemon = local == strlen (daemon_senders[i]) && g_ascii_strncasecmp (addr, daemon_senders[i], local) == 0;
  if (!daemon)
    return HEADER_SAYS_NOTHING;
  const char *subj = subject;
  if (*subj == '[' && strchr (subj, ']'))
    subj = strchr (subj, ']') + 1;
  while (*subj == ' ')
    subj++;
  for (guint i = 0; i < G_N_ELEMENTS (failure_subjects); i++)
    if (g_ascii_strncasecmp (subj, failure_subjects[i], strlen (failure_subjects[i])) == 0)
      return HEADER_SAYS_BOUNCE;
  return HEADER_SAYS_NOTHING;
}

/* the watchdog's state: the verdict to exit with, armed while recording */
typedef struct {
  GMutex lock;
  GCond done_cond;
  gboolean done;
  gint64 deadline;    /* monotonic µs */
  int verdict;
  char *name;         /* the database as messages name it */
} Watchdog;

static gpointer
watchdog_run (gpointer data)
{
  Watchdog *w = data;
  g_mutex_lock (&w->lock);
  while (!w->done)
    if (!g_cond_wait_until (&w->done_cond, &w->lock, w->deadline) && !w->done)
      {
        /* the database hangs past every timeout it was given */
        char line[512];
        int n = g_snprintf (line, sizeof line,
                            "bouncekit: '%s': no answer in time: the event was not recorded\n", w->name);
        if (write (STDERR_FILENO, line, MIN ((gsize) n, sizeof line - 1)) < 0)
          {
          }
        fflush (stdout);
        _exit (w->verdict);
      }
  g_mutex_unlock (&w->lock);
  return NULL;
}

/* parse_timeout - seconds (a decimal number > 0) as milliseconds */
static gboolean
parse_timeout (const char *text, guint *out_ms)
{
  char *end = NULL;
  double secs = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(secs > 0) || secs > 86400)
    return FALSE;
  *out_ms = (guint) MAX (secs * 1000.0, 1.0);
  return TRUE;
}

/* record_events - record @report's events in @db within @wait_ms; a timeout is
 * reported on stderr and leaves @verdict the exit status, any other
 * failure is BK_EXIT_DB (nothing recorded either way) */
static int
record_events (const char *db, guint wait_ms, const BkReport *report, const BkReaderItem *msg, int verdict)
{
  g_autoptr (GError) err = NULL;
  Watchdog w = { 0 };
  g_mutex_init (&w.lock);
  g_cond_init (&w.done_cond);
  w.verdict = verdict;
  w.name = bk_history_display_name (db);
  /* the connection, the lock and each statement get the wait; the whole
   * gets it too (libpq's connect timeout counts at least 2 s), and a
   * second to end on its own error */
  w.deadline = g_get_monotonic_time () + ((gint64) MAX (wait_ms, 2000u) + 1000) * 1000;
  GThread *dog = g_thread_new ("watchdog", watchdog_run, &w);
  int status = verdict;
  /* all of the message's events or none: a failure leaves nothing */
  g_autoptr (BkHistory) h = bk_history_open_wait (db, BK_HISTORY_OPEN_DEFAULT, wait_ms, &err);
  if (h == NULL || !bk_history_begin (h, &err)
      || !bk_cli_record (h, report, msg->message, msg->source, NULL, &err)
      || !bk_history_commit (h, &err))
    {
      if (g_error_matches (err, BK_HISTORY_ERROR, BK_HISTORY_ERROR_TIMEOUT))
        bk_cli_error ("%s: the event was not recorded", err->message);
      else
        {
          bk_cli_error ("%s", err->message);
          status = BK_EXIT_DB;
        }
    }
  g_clear_pointer (&h, bk_history_close);
  g_mutex_lock (&w.lock);
  w.done = TRUE;
  g_cond_signal (&w.done_cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (dog);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.done_cond);
  g_free (w.name);
  return status;
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
  g_autofree char *db_timeout = NULL;
  GOptionEntry entries[] = {
    { "class", 'c', 0, G_OPTION_ARG_STRING, &classes, "Succeed only for these classes (comma list of hard, soft, policy, complaint)", "LIST" },
    { "print", 'p', 0, G_OPTION_ARG_NONE, &print, "Print the recipients as JSON lines", NULL },
    { "record", 0, 0, G_OPTION_ARG_NONE, &record, "Also record the events in the history (--db)", NULL },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "History for --record: an SQLite file or a PostgreSQL URI", "FILE|URI" },
    { "db-timeout", 0, 0, G_OPTION_ARG_STRING, &db_timeout, "With --record, wait at most this long for the history (default: $BOUNCEKIT_DB_TIMEOUT, else 5); past it the event is not recorded and the verdict stands", "SECONDS" },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rules directory", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "[FILE|-]" },
    { 0 },
  };
  if (!bk_cli_options (&argc, &argv, "[FILE|-] - is this message a bounce?",
    "Exit status: 0 a bounce (of the --class classes); 1 not a bounce;\n"
    "2 an error (unreadable input, bad rules, bad usage, with --record a\n"
    "database that cannot be written: nothing is recorded).\n"
    "With --record, a database that does not answer or stays locked past\n"
    "--db-timeout records nothing, says so on stderr, and the status is the\n"
    "verdict's.\n"
    "Given a header without a body (procmail without the B flag), one line on\n"
    "stderr says so, and a header that shows a bounce counts as one of unknown\n"
    "class: it passes any --class list naming hard, soft or policy.", entries))
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
      bk_cli_error ("--record needs --db FILE|URI");
      return BK_EXIT_USAGE;
    }
  if (db != NULL && !record)
    {
      /* a recipe that meant to record must not silently record nothing */
      bk_cli_error ("--db is for --record: add --record, or drop --db");
      return BK_EXIT_USAGE;
    }
  guint wait_ms = (guint) (BK_CHECK_DB_TIMEOUT * 1000);
  const char *wait_text = db_timeout ? db_timeout : g_getenv ("BOUNCEKIT_DB_TIMEOUT");
  if (wait_text && *wait_text && !parse_timeout (wait_text, &wait_ms))
    {
      bk_cli_error ("%s takes a number of seconds greater than 0",
                    db_timeout ? "--db-timeout" : "BOUNCEKIT_DB_TIMEOUT");
      return BK_EXIT_USAGE;
    }

  g_autoptr (GError) err = NULL;
  g_autoptr (BkRuleset) rules = bk_cli_rules (rules_dir, FALSE);
  if (rules == NULL)
    return BK_EXIT_USAGE;
  g_autoptr (BkReader) rd = bk_reader_new (path);
  /* one message in, one verdict out: procmail's "From " envelope line
   * does not make the message an mbox to cut at body lines */
  bk_reader_set_one_message (rd, TRUE);
  g_autoptr (BkReaderItem) item = bk_reader_next (rd);
  if (item == NULL || item->error)
    {
      bk_cli_error ("%s", item ? item->error->message : "no message in input");
      return BK_EXIT_USAGE;
    }
  BkAnalyzer *an = left_for_exit.analyzer = bk_analyzer_new (rules);
  bk_analyzer_set_evidence (an, FALSE);
  BkReport *report = left_for_exit.report = bk_analyzer_analyze (an, item->message);
  left_for_exit.rules = g_steal_pointer (&rules);
  left_for_exit.item = g_steal_pointer (&item);
  const BkReaderItem *msg = left_for_exit.item;
  gboolean hit = FALSE;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->klass != BK_BOUNCE_CLASS_NONE && (mask & (1u << r->klass)))
        hit = TRUE;
      if (g_strcmp0 (r->reason, "feedback") == 0 && (mask & (1u << COMPLAINT_BIT)))
        hit = TRUE;
      if (print)
        bk_output_recipient (stdout, BK_FORMAT_JSON, report, r, msg->source, msg->index);
    }
  if (bk_cli_finish_stdout () != BK_EXIT_OK)
    return BK_EXIT_USAGE;
  if (body_is_empty (msg->message))
    {
      /* a procmail recipe without the B flag pipes the header only */
      const char *name = strcmp (msg->source, "-") == 0 ? "standard input" : msg->source;
      HeaderVerdict verdict = hit ? HEADER_SAYS_NOTHING : header_verdict (msg->message);
      if (verdict == HEADER_SAYS_BOUNCE)
        hit = (mask & ~(1u << COMPLAINT_BIT)) != 0;
      else if (verdict == HEADER_SAYS_COMPLAINT)
        hit = (mask & (1u << COMPLAINT_BIT)) != 0;
      bk_cli_error ("%s: no message body, only a header%s; pipe the whole message (procmail: ':0 HB')",
                    name, verdict == HEADER_SAYS_BOUNCE      ? ", which shows a bounce of unknown class"
                          : verdict == HEADER_SAYS_COMPLAINT ? ", which shows a complaint"
                                                              : "");
    }
  int verdict = hit ? BK_EXIT_OK : BK_EXIT_FAILURE;
  if (record)
    return record_events (db, wait_ms, report, msg, verdict);
  return verdict;
}
