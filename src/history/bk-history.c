/* SPDX-License-Identifier: MIT */
/*
 * bk-history - the list-hygiene database: what it records, and what it
 * answers. The engine is chosen by the target: a path is an SQLite file
 * (bk-history-sqlite.c), a postgresql:// or postgres:// URI or a libpq
 * keyword string (host=… dbname=…) is a PostgreSQL database
 * (bk-history-pg.c), for several mail hosts recording into one history.
 * The SQL below is the one both engines run.
 *
 * One row per (message, recipient) event, keyed by the bounce's identity
 * (bk_history_message_key: its Message-ID and a SHA-256 of its content,
 * normalised so that mbox framing, line ends, trailing blank lines and
 * transport headers do not change it) and the address, ASCII
 * case-folded (what mail systems do; both engines then compare bytes,
 * so they agree on every non-ASCII address):
 * recording the same bounce twice, from one host or two, adds it once
 * (INSERT … ON CONFLICT DO NOTHING). Writes happen inside the caller's
 * transaction (bk_history_begin/commit), so an interrupted run leaves the
 * database as it was before the batch. The schema is versioned; a newer
 * schema is refused, not rewritten.
 *
 * Suppression rules (DESIGN, list hygiene): since the address's last reset
 * (a delivery, or `forgive`, dated no later than now: a forged or
 * future-dated delivery does not clear later bounces), any hard bounce or any complaint
 * suppresses; soft bounces suppress when at least N fall in the window and
 * spread over at least D days. Delivered/vacation events are kept as
 * evidence of a live address.
 *
 * Every error names the database (bk_history_display_name: a password is
 * never shown).
 */
#include "history/bk-history-private.h"

#include <string.h>

/* $13: the key the same bounce had before keys held a digest ("mid:"
 * and the Message-ID alone), so that a history recorded then and fed
 * the same mailboxes again adds nothing */
static const char insert_sql[] =
  "INSERT INTO events (message_key, address, domain, class, reason, status, reply_code,"
  " action, feedback_type, diagnostic, event_time, source)"
  " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12"
  " WHERE NOT EXISTS (SELECT 1 FROM events WHERE message_key = $13 AND address = $2)"
  " ON CONFLICT DO NOTHING";

static const char forgive_sql[] =
  "INSERT INTO forgiven (address, forgiven_time) VALUES ($1, $2)"
  " ON CONFLICT (address) DO UPDATE SET forgiven_time = excluded.forgiven_time";

/* Per address, counts of the events after its reset point: the later of
 * its last delivery and its last `forgive` up to now ($1): a delivery
 * dated in the future resets nothing yet, and bounces after a reset
 * count. Soft and policy counts only
 * within the window ($2); $1 is now, $3 is 1 when policy bounces count
 * toward the soft threshold. The latest reason (a window function, one
 * pass; both engines have them) breaks ties of time by the message key,
 * not by the order of recording, so hosts recording in any order get
 * the same answer. */
static const char suppress_sql[] =
  "WITH delivered AS ("
  "  SELECT address, MAX(CASE WHEN reason = 'delivered' AND event_time <= $1 THEN event_time ELSE 0 END) AS t"
  "  FROM events GROUP BY address),"
  " reset AS ("
  "  SELECT d.address AS address, CASE WHEN f.forgiven_time IS NOT NULL AND f.forgiven_time > d.t"
  "    AND f.forgiven_time <= $1 THEN f.forgiven_time ELSE d.t END AS since"
  "  FROM delivered d LEFT JOIN forgiven f ON f.address = d.address),"
  " live AS ("
  "  SELECT e.address AS address, e.class AS class, e.reason AS reason, e.event_time AS event_time,"
  "   ROW_NUMBER() OVER (PARTITION BY e.address ORDER BY e.event_time DESC, e.message_key DESC) AS latest"
  "  FROM events e JOIN reset r ON r.address = e.address"
  "  WHERE e.event_time > r.since AND e.event_time <= $1 AND e.class <> 'none')"
  " SELECT address,"
  "  SUM(CASE WHEN class = 'hard' THEN 1 ELSE 0 END),"
  "  SUM(CASE WHEN class = 'soft' AND event_time >= $2 THEN 1 ELSE 0 END),"
  "  SUM(CASE WHEN class = 'policy' AND event_time >= $2 THEN 1 ELSE 0 END),"
  "  SUM(CASE WHEN class = 'complaint' THEN 1 ELSE 0 END),"
  "  MIN(CASE WHEN (class = 'soft' OR ($3 = 1 AND class = 'policy')) AND event_time >= $2"
  "      THEN event_time END),"
  "  MAX(CASE WHEN (class = 'soft' OR ($3 = 1 AND class = 'policy')) AND event_time >= $2"
  "      THEN event_time END),"
  "  MAX(CASE WHEN latest = 1 THEN reason END),"
  "  MAX(event_time)"
  " FROM live GROUP BY address";

static const char count_sql[] = "SELECT COUNT(*) FROM events";
static const char count_address_sql[] = "SELECT COUNT(*) FROM events WHERE address = $1";
static const char by_domain_sql[] = "SELECT lower(domain), class, COUNT(*) FROM events GROUP BY lower(domain), class";
static const char by_reason_sql[] = "SELECT reason, class, COUNT(*) FROM events GROUP BY reason, class";

/* ---- opening ---- */

/* bk_history_target_is_pg - does @target name a PostgreSQL database? A
 * URI with its scheme, or a libpq keyword string: it starts with a
 * keyword (letters and '_') and '='. A file whose name looks like that
 * is written as ./name. */
gboolean
bk_history_target_is_pg (const char *target)
{
  if (g_str_has_prefix (target, "postgresql://") || g_str_has_prefix (target, "postgres://"))
    return TRUE;
  const char *p = target;
  while (g_ascii_islower (*p) || *p == '_')
    p++;
  if (p == target)
    return FALSE;
  while (*p == ' ')
    p++;
  return *p == '=';
}

/* mask_uri - a URI with the password of its user part and of a
 * "password=" query parameter replaced */
static char *
mask_uri (const char *uri)
{
  g_autoptr (GString) out = g_string_new (uri);
  const char *scheme_end = strstr (out->str, "://");
  gsize start = scheme_end ? (gsize) (scheme_end - out->str) + 3 : 0;
  /* the password runs from the first ":" to the last "@": it may hold
   * "?", "#" or "/" written as they are, and hiding too much is better
   * than showing it */
  const char *at = strrchr (out->str + start, '@');
  const char *colon = at ? memchr (out->str + start, ':', at - (out->str + start)) : NULL;
  if (colon)
    {
      gsize from = colon - out->str + 1;
      g_string_erase (out, from, at - colon - 1);
      g_string_insert (out, from, "***");
    }
  const char *query = strchr (out->str, '?');
  for (const char *p = query; p && *p; p = strchr (p + 1, '&'))
    if (g_str_has_prefix (p + 1, "password="))
      {
        gsize from = p + 1 + strlen ("password=") - out->str;
        gsize len = strcspn (out->str + from, "&");
        g_string_erase (out, from, len);
        g_string_insert (out, from, "***");
        p = out->str + from;
      }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* uri_secrets - the passwords @uri gives, as written (its user part's
 * and its "password=" parameters'), and percent-decoded */
static void
uri_secrets (const char *uri, GPtrArray *out)
{
  const char *scheme_end = strstr (uri, "://");
  const char *start = scheme_end ? scheme_end + 3 : uri;
  const char *at = strrchr (start, '@');
  const char *colon = at ? memchr (start, ':', at - start) : NULL;
  if (colon && at > colon + 1)
    g_ptr_array_add (out, g_strndup (colon + 1, at - colon - 1));
  /* a URI's parameter, or a keyword string's keyword */
  for (const char *p = strstr (uri, "password"); p; p = strstr (p + 1, "password"))
    if (p == uri || p[-1] == '?' || p[-1] == '&' || p[-1] == ' ')
      {
        const char *v = p + strlen ("password");
        while (*v == ' ')
          v++;
        if (*v++ != '=')
          continue;
        while (*v == ' ' || *v == '\'')
          v++;
        gsize n = strcspn (v, scheme_end ? "&" : " '");
        if (n > 0)
          g_ptr_array_add (out, g_strndup (v, n));
      }
  guint raw = out->len;
  for (guint i = 0; i < raw; i++)
    {
      char *dec = g_uri_unescape_string (g_ptr_array_index (out, i), NULL);
      if (dec && strcmp (dec, g_ptr_array_index (out, i)) != 0)
        g_ptr_array_add (out, dec);
      else
        g_free (dec);
    }
}

/* scrub_secrets - @err's message without any password @target holds:
 * the engine's own messages may quote a part of a target it misread */
static void
scrub_secrets (GError *err, const char *target)
{
  if (err == NULL || !bk_history_target_is_pg (target))
    return;
  g_autoptr (GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  uri_secrets (target, secrets);
  for (guint i = 0; i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);
      if (strlen (secret) < 2)
        continue;
      g_auto (GStrv) pieces = g_strsplit (err->message, secret, -1);
      if (g_strv_length (pieces) > 1)
        {
          g_free (err->message);
          err->message = g_strjoinv ("***", pieces);
        }
    }
}

/**
 * bk_history_display_name:
 * @target: a --db value
 *
 * Names a history target for messages, without its password.
 *
 * Returns: (transfer full): @target as messages show it: a PostgreSQL
 *   target with its password replaced by "***"
 *
 * Since: 0.1
 */
char *
bk_history_display_name (const char *target)
{
  g_return_val_if_fail (target != NULL, NULL);
  if (g_str_has_prefix (target, "postgresql://") || g_str_has_prefix (target, "postgres://"))
    return mask_uri (target);
  if (bk_history_target_is_pg (target))
    return bk_history_pg_display (target);
  return g_strdup (target);
}

/**
 * BkHistory:
 *
 * The per-address bounce history of a mailing list, kept across runs in
 * an SQLite file or a PostgreSQL database (several hosts recording into
 * one history): what `ingest` records and `suppress` reads. Reference
 * counted; the last reference closes the database. One thread at a time.
 *
 * Since: 0.1
 */
G_DEFINE_BOXED_TYPE (BkHistory, bk_history, bk_history_ref, bk_history_unref)

/**
 * bk_history_ref:
 * @history: a history
 *
 * Takes a reference to @history.
 *
 * Returns: (transfer full): @history
 *
 * Since: 0.1
 */
BkHistory *
bk_history_ref (BkHistory *history)
{
  g_return_val_if_fail (history != NULL, NULL);
  g_atomic_ref_count_inc (&history->ref);
  return history;
}

/**
 * bk_history_close:
 * @history: (transfer full) (nullable): a history
 *
 * Drops a reference to @history, as bk_history_unref() does.
 *
 * Since: 0.1
 */
void
bk_history_close (BkHistory *history)
{
  bk_history_unref (history);
}

/**
 * bk_history_unref:
 * @history: (transfer full) (nullable): a history
 *
 * Drops a reference; the last one closes the database (a batch still
 * open is rolled back).
 *
 * Since: 0.1
 */
void
bk_history_unref (BkHistory *h)
{
  if (h == NULL || !g_atomic_ref_count_dec (&h->ref))
    return;
  if (h->in_batch && h->driver)
    h->driver->rollback (h, NULL);
  if (h->driver && h->conn)
    h->driver->close (h);
  g_free (h->display);
  g_free (h);
}

/**
 * bk_history_open_full: (constructor)
 * @target: an SQLite file path, or a PostgreSQL URI or keyword string
 * @flags: whether to create a missing history
 * @error: return location for a #GError
 *
 * Opens the history, creating its schema on first use unless
 * %BK_HISTORY_OPEN_EXISTING is given. Errors start with the database's
 * display name.
 *
 * Returns: (transfer full) (nullable): the history
 *
 * Since: 0.1
 */
BkHistory *
bk_history_open_full (const char *target, BkHistoryOpenFlags flags, GError **error)
{
  return bk_history_open_wait (target, flags, 0, error);
}

/**
 * bk_history_open_wait: (constructor)
 * @target: an SQLite file path, or a PostgreSQL URI or keyword string
 * @flags: whether to create a missing history
 * @wait_ms: the longest the history may wait, in milliseconds, for the
 *   server to connect or answer a statement and for another writer's
 *   lock (SQLite's busy timeout; PostgreSQL's connect_timeout, rounded up
 *   to whole seconds of at least 2, statement_timeout and lock_timeout);
 *   0 waits as long as a batch may (two minutes on SQLite, no limit on
 *   PostgreSQL)
 * @error: return location for a #GError
 *
 * Like bk_history_open_full(), for callers that must not stall (a pipe
 * filter in the delivery path): past @wait_ms a call fails with
 * %BK_HISTORY_ERROR_TIMEOUT and its transaction is rolled back.
 *
 * Returns: (transfer full) (nullable): the history
 *
 * Since: 0.1
 */
BkHistory *
bk_history_open_wait (const char *target, BkHistoryOpenFlags flags, guint wait_ms, GError **error)
{
  g_return_val_if_fail (target != NULL, NULL);
  g_autoptr (BkHistory) h = g_new0 (BkHistory, 1);
  g_atomic_ref_count_init (&h->ref);
  h->wait_ms = wait_ms;
  h->display = bk_history_display_name (target);
  gboolean ok = bk_history_target_is_pg (target) ? bk_history_pg_open (h, target, flags, error)
                                                  : bk_history_sqlite_open (h, target, flags, error);
  if (!ok)
    {
      if (error)
        scrub_secrets (*error, target);
      g_prefix_error (error, "'%s': ", h->display);
      return NULL;
    }
  return g_steal_pointer (&h);
}

/**
 * bk_history_open: (constructor)
 * @target: the database: a file (SQLite), or a PostgreSQL URI or keyword
 *   string; created with its schema on first use
 * @error: return location for a #GError
 *
 * Opens (and on first use creates) the history at @target.
 *
 * Returns: (transfer full) (nullable): the history
 *
 * Since: 0.1
 */
BkHistory *
bk_history_open (const char *target, GError **error)
{
  return bk_history_open_full (target, BK_HISTORY_OPEN_DEFAULT, error);
}

/**
 * bk_history_get_name:
 * @history: a history
 *
 * The database of @history as error messages name it.
 *
 * Returns: (transfer none): the database as messages name it (no password)
 *
 * Since: 0.1
 */
const char *
bk_history_get_name (BkHistory *h)
{
  return h->display;
}

/**
 * bk_history_get_engine:
 * @history: a history
 *
 * The engine behind @history.
 *
 * Returns: (transfer none): "sqlite" or "postgresql"
 *
 * Since: 0.1
 */
const char *
bk_history_get_engine (BkHistory *h)
{
  return h->driver->engine;
}

static gboolean
fail (BkHistory *h, GError **error)
{
  g_prefix_error (error, "'%s': ", h->display);
  return FALSE;
}

/**
 * bk_history_begin:
 * @history: a history
 * @error: return location for a #GError
 *
 * Starts a batch: events recorded until bk_history_commit() land together.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
bk_history_begin (BkHistory *h, GError **error)
{
  if (!h->driver->begin (h, error))
    return fail (h, error);
  h->in_batch = TRUE;
  return TRUE;
}

/**
 * bk_history_commit:
 * @history: a history
 * @error: return location for a #GError
 *
 * Ends the batch bk_history_begin() started, keeping what it recorded.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
bk_history_commit (BkHistory *h, GError **error)
{
  h->in_batch = FALSE;
  if (!h->driver->commit (h, error))
    {
      h->driver->rollback (h, NULL);
      return fail (h, error);
    }
  return TRUE;
}

/**
 * bk_history_rollback:
 * @history: a history
 * @error: return location for a #GError
 *
 * Abandons the batch: nothing recorded since bk_history_begin() stays.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
bk_history_rollback (BkHistory *h, GError **error)
{
  h->in_batch = FALSE;
  return h->driver->rollback (h, error) ? TRUE : fail (h, error);
}

/* digest_header - @name's value, its white space runs made one space,
 * into @sum */
static void
digest_header (GChecksum *sum, GMimeMessage *message, const char *name)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (message), name);
  g_autoptr (GString) v = g_string_new (name);
  g_string_append_c (v, ':');
  gboolean space = TRUE;
  for (const char *p = value ? value : ""; *p; p++)
    {
      gboolean ws = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
      if (ws && !space)
        g_string_append_c (v, ' ');
      else if (!ws)
        g_string_append_c (v, *p);
      space = ws;
    }
  while (v->len && v->str[v->len - 1] == ' ')
    g_string_truncate (v, v->len - 1);
  g_string_append_c (v, '\n');
  g_checksum_update (sum, (const guchar *) v->str, v->len);
}

/* digest_body - @text line by line into @sum, as every copy of one
 * bounce has it: without CRs and trailing blanks, a body line an mbox
 * quoted (">From ") as it was, and without the blank lines at the end
 * (procmail adds one, an mbox cut drops one) */
static void
digest_body (GChecksum *sum, const char *text)
{
  gsize pending_blank = 0;
  const char *p = text;
  while (*p)
    {
      const char *nl = strchr (p, '\n');
      const char *end = nl ? nl : p + strlen (p);
      const char *line = p;
      while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
      const char *q = line;
      while (q < end && *q == '>')
        q++;
      if (q > line && end - q >= 5 && memcmp (q, "From ", 5) == 0)
        line = q;
      if (end == line)
        pending_blank++;
      else
        {
          for (; pending_blank > 0; pending_blank--)
            g_checksum_update (sum, (const guchar *) "\n", 1);
          g_checksum_update (sum, (const guchar *) line, end - line);
          g_checksum_update (sum, (const guchar *) "\n", 1);
        }
      p = nl ? nl + 1 : end + strlen (end);
    }
}

/**
 * bk_history_message_key:
 * @message: a bounce
 *
 * The identity of one bounce, whichever copy of it is read: a digest of
 * its content (the headers that identify it: Message-ID, Date, From, To,
 * Subject; and its body, line ends, trailing blanks, mbox quoting of
 * "From " lines and trailing blank lines aside), so that its mbox,
 * Maildir and piped copies, with or without transport headers, are one
 * bounce, and two bounces sharing a Message-ID are two.
 *
 * Returns: (transfer full): "mid:" and the Message-ID, a space and
 *   "sha256:" and the digest; or the digest alone without a Message-ID
 *
 * Since: 0.1
 */
char *
bk_history_message_key (GMimeMessage *message)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  static const char *const fields[] = { "Message-ID", "Date", "From", "To", "Subject" };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    digest_header (sum, message, fields[i]);
  GMimeObject *body = g_mime_message_get_mime_part (message);
  g_autofree char *text = body ? g_mime_object_to_string (body, NULL) : NULL;
  digest_body (sum, text ? text : "");
  const char *mid = g_mime_message_get_message_id (message);
  if (mid && *mid)
    return g_strconcat ("mid:", mid, " sha256:", g_checksum_get_string (sum), NULL);
  return g_strconcat ("sha256:", g_checksum_get_string (sum), NULL);
}

static gint64
event_time (const char *date)
{
  if (date)
    {
      g_autoptr (GDateTime) dt = g_mime_utils_header_decode_date (date);
      if (dt)
        return g_date_time_to_unix (dt);
    }
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * bk_history_record:
 * @history: a history
 * @report: an analysed bounce
 * @message_key: its identity (bk_history_message_key())
 * @source: (nullable): where it came from, kept for reference
 * @out_added: (out) (optional): events actually added (0 when already known)
 * @error: return location for a #GError
 *
 * Records every recipient of @report that has an address.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
bk_history_record (BkHistory *h, const BkReport *report, const char *message_key,
                   const char *source, guint *out_added, GError **error)
{
  guint added = 0;
  /* "mid:ID sha256:HEX" was "mid:ID" */
  const char *digest = strstr (message_key, " sha256:");
  g_autofree char *legacy = g_str_has_prefix (message_key, "mid:") && digest
                              ? g_strndup (message_key, digest - message_key) : NULL;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->recipient == NULL)
        continue;
      /* ASCII case folding, the one comparison both engines then make */
      g_autofree char *address = g_ascii_strdown (r->recipient, -1);
      const char *at = strrchr (address, '@');
      /* a "not-spam" report (RFC 6430) is feedback, not a complaint */
      gboolean complaint = g_strcmp0 (r->reason, "feedback") == 0
                           && g_strcmp0 (r->feedback_type, "not-spam") != 0;
      BkSqlParam p[] = {
        BK_SQL_TEXT (message_key),
        BK_SQL_TEXT (address),
        BK_SQL_TEXT (at ? at + 1 : NULL),
        BK_SQL_TEXT (complaint ? "complaint" : bk_bounce_class_to_string (r->klass)),
        BK_SQL_TEXT (r->reason),
        BK_SQL_TEXT (r->status),
        BK_SQL_TEXT (r->reply_code),
        BK_SQL_TEXT (r->action),
        BK_SQL_TEXT (r->feedback_type),
        BK_SQL_TEXT (r->diagnostic),
        BK_SQL_INT (event_time (r->date ? r->date : report->date)),
        BK_SQL_TEXT (source),
        BK_SQL_TEXT (legacy),
      };
      guint64 changes = 0;
      if (!h->driver->query (h, insert_sql, p, G_N_ELEMENTS (p), NULL, &changes, error))
        {
          g_prefix_error (error, "cannot record event: ");
          return fail (h, error);
        }
      added += changes;
    }
  if (out_added)
    *out_added = added;
  return TRUE;
}

/**
 * bk_history_count_events:
 * @history: a history
 * @address: an address (compared with ASCII case folding, as recorded)
 * @out_count: (out): events recorded for @address, before or after any reset
 * @error: return location for a #GError
 *
 * Counts the events recorded for @address: 0 for an address the history
 * does not know (a typo, for `forgive`).
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
bk_history_count_events (BkHistory *history, const char *address, guint64 *out_count, GError **error)
{
  g_return_val_if_fail (history != NULL && address != NULL && out_count != NULL, FALSE);
  /* stored ASCII case-folded (bk_history_record) */
  g_autofree char *folded = g_ascii_strdown (address, -1);
  BkSqlParam p[] = { BK_SQL_TEXT (folded) };
  g_autoptr (BkSqlRows) rows = NULL;
  if (!history->driver->query (history, count_address_sql, p, G_N_ELEMENTS (p), &rows, NULL, error))
    {
      g_prefix_error (error, "cannot query the history: ");
      return fail (history, error);
    }
  *out_count = rows->n_rows ? (guint64) bk_sql_rows_int (rows, 0, 0) : 0;
  return TRUE;
}

/**
 * bk_history_forgive:
 * @history: a history
 * @address: the address to reset
 * @now: the time of the reset (Unix seconds)
 * @error: return location for a #GError
 *
 * Forgets the address's bounces up to @now.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
bk_history_forgive (BkHistory *h, const char *address, gint64 now, GError **error)
{
  g_autofree char *folded = g_ascii_strdown (address, -1);
  BkSqlParam p[] = { BK_SQL_TEXT (folded), BK_SQL_INT (now) };
  if (!h->driver->query (h, forgive_sql, p, G_N_ELEMENTS (p), NULL, NULL, error))
    {
      g_prefix_error (error, "cannot forgive: ");
      return fail (h, error);
    }
  return TRUE;
}

/**
 * BkSuppressed:
 * @address: the address to stop mailing
 * @why: "hard", "complaint" or "soft-threshold"
 * @hard: hard bounces since the last reset
 * @soft: soft bounces in the window
 * @policy: policy bounces in the window
 * @complaints: complaints since the last reset
 * @last_reason: (nullable): reason of the latest event
 * @last_time: time of the latest event (Unix seconds)
 *
 * One address of the suppression list, with its evidence.
 *
 * Since: 0.1
 */
G_DEFINE_BOXED_TYPE (BkSuppressed, bk_suppressed, bk_suppressed_copy, bk_suppressed_free)

/**
 * BkSuppressOptions:
 * @soft_threshold: soft bounces that suppress an address (default 3)
 * @soft_span_days: the soft bounces must spread over at least this many
 *   days (default 7)
 * @window_days: only events this recent count (soft and policy; default 30)
 * @include_policy: policy bounces count toward the soft threshold
 * @now: the reference time (Unix seconds)
 *
 * The thresholds of bk_history_suppress(). bk_suppress_options_new()
 * gives the defaults the `suppress` command uses.
 *
 * Since: 0.1
 */
G_DEFINE_BOXED_TYPE (BkSuppressOptions, bk_suppress_options, bk_suppress_options_copy, bk_suppress_options_free)

/**
 * bk_suppress_options_new:
 *
 * Creates suppression thresholds with the defaults of the `suppress` command.
 *
 * Returns: (transfer full): the default thresholds (3 soft bounces over
 *   at least 7 days within 30 days, policy bounces not counted), with
 *   @now the current time
 *
 * Since: 0.1
 */
BkSuppressOptions *
bk_suppress_options_new (void)
{
  BkSuppressOptions *o = g_new0 (BkSuppressOptions, 1);
  o->soft_threshold = 3;
  o->soft_span_days = 7;
  o->window_days = 30;
  o->include_policy = FALSE;
  o->now = g_get_real_time () / G_USEC_PER_SEC;
  return o;
}

/**
 * bk_suppress_options_copy:
 * @options: options
 *
 * Copies suppression thresholds.
 *
 * Returns: (transfer full): a copy of @options
 *
 * Since: 0.1
 */
BkSuppressOptions *
bk_suppress_options_copy (const BkSuppressOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);
  BkSuppressOptions *copy = g_new (BkSuppressOptions, 1);
  *copy = *options;
  return copy;
}

/**
 * bk_suppress_options_free:
 * @options: (transfer full) (nullable): options
 *
 * Frees suppression thresholds.
 *
 * Since: 0.1
 */
void
bk_suppress_options_free (BkSuppressOptions *options)
{
  g_free (options);
}

/**
 * bk_suppressed_copy:
 * @s: an entry of the suppression list
 *
 * Copies an entry of the suppression list.
 *
 * Returns: (transfer full): a copy of @s
 *
 * Since: 0.1
 */
BkSuppressed *
bk_suppressed_copy (const BkSuppressed *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  BkSuppressed *copy = g_new (BkSuppressed, 1);
  *copy = *s;
  copy->address = g_strdup (s->address);
  copy->last_reason = g_strdup (s->last_reason);
  return copy;
}

/**
 * bk_suppressed_free:
 * @s: (transfer full) (nullable): an entry of the suppression list
 *
 * Frees an entry of the suppression list.
 *
 * Since: 0.1
 */
void
bk_suppressed_free (BkSuppressed *s)
{
  if (s == NULL)
    return;
  g_free (s->address);
  g_free (s->last_reason);
  g_free (s);
}

/* by_address - the suppression list's order: case-insensitive, then
 * exact, the same on every engine whatever its collation */
static gint
by_address (gconstpointer a, gconstpointer b)
{
  const BkSuppressed *x = *(BkSuppressed *const *) a;
  const BkSuppressed *y = *(BkSuppressed *const *) b;
  int c = g_ascii_strcasecmp (x->address, y->address);
  return c ? c : strcmp (x->address, y->address);
}

/* bk_history_suppress_why - the suppression rule, for an address's counts
 * since its reset (soft and policy within the window; @first and @last
 * the times of the soft bounces that count): "hard", "complaint",
 * "soft-threshold", or NULL. bk-history-report.c applies it too. */
const char *
bk_history_suppress_why (const BkSuppressOptions *o, guint hard, guint soft, guint policy,
                         guint complaints, gint64 first, gint64 last)
{
  guint counted = soft + (o->include_policy ? policy : 0);
  if (hard > 0)
    return "hard";
  if (complaints > 0)
    return "complaint";
  if (counted >= o->soft_threshold && o->soft_threshold > 0
      && last - first >= (gint64) o->soft_span_days * 86400)
    return "soft-threshold";
  return NULL;
}

/* bk_history_is_address - is @s an address a list can stop mailing: a local part,
 * "@", a domain of two or more non-empty dot-separated labels or an
 * address literal; no white space, control byte or bracket.
 * "Undisclosed", "user" or "<>" are what a report said, not addresses. */
gboolean
bk_history_is_address (const char *s)
{
  const char *at = strrchr (s, '@');
  if (at == NULL || at == s || at[1] == '\0' || strlen (s) > 320)
    return FALSE;
  for (const char *p = s; *p; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == ';')
      return FALSE;
  const char *d = at + 1;
  if (*d == '[')
    return d[strlen (d) - 1] == ']';
  gboolean dot = FALSE;
  gsize label = 0;
  for (const char *p = d; *p; p++)
    {
      if (*p == '.')
        {
          if (label == 0)
            return FALSE;
          dot = TRUE;
          label = 0;
        }
      else if (strchr ("@()[]\\\":", *p) == NULL)
        label++;
      else
        return FALSE;
    }
  return dot && label > 0;
}

/**
 * bk_history_suppress:
 * @history: a history
 * @options: the thresholds
 * @error: return location for a #GError
 *
 * Lists the addresses to stop mailing under @options: any hard bounce, any complaint, or enough soft bounces spread over enough days.
 *
 * Returns: (transfer container) (element-type BkSuppressed) (nullable): the
 *   addresses to stop mailing, sorted, or %NULL with @error set; the
 *   array frees its entries (g_ptr_array_unref() frees them all)
 *
 * Since: 0.1
 */
GPtrArray *
bk_history_suppress (BkHistory *h, const BkSuppressOptions *o, GError **error)
{
  BkSqlParam p[] = {
    BK_SQL_INT (o->now),
    BK_SQL_INT (o->now - (gint64) o->window_days * 86400),
    BK_SQL_INT (o->include_policy ? 1 : 0),
  };
  g_autoptr (BkSqlRows) rows = NULL;
  if (!h->driver->query (h, suppress_sql, p, G_N_ELEMENTS (p), &rows, NULL, error))
    {
      g_prefix_error (error, "cannot query the history: ");
      fail (h, error);
      return NULL;
    }
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_suppressed_free);
  for (guint i = 0; i < rows->n_rows; i++)
    {
      guint hard = bk_sql_rows_int (rows, i, 1);
      guint soft = bk_sql_rows_int (rows, i, 2);
      guint policy = bk_sql_rows_int (rows, i, 3);
      guint complaints = bk_sql_rows_int (rows, i, 4);
      gint64 first = bk_sql_rows_int (rows, i, 5);
      gint64 last = bk_sql_rows_int (rows, i, 6);
      const char *why = bk_history_suppress_why (o, hard, soft, policy, complaints, first, last);
      if (why == NULL)
        continue;
      /* only addresses: a recipient that is none is no list member */
      if (!bk_history_is_address (bk_sql_rows_get (rows, i, 0)))
        continue;
      BkSuppressed *s = g_new0 (BkSuppressed, 1);
      s->address = g_strdup (bk_sql_rows_get (rows, i, 0));
      s->why = why;
      s->hard = hard;
      s->soft = soft;
      s->policy = policy;
      s->complaints = complaints;
      s->last_reason = g_strdup (bk_sql_rows_get (rows, i, 7));
      s->last_time = bk_sql_rows_int (rows, i, 8);
      g_ptr_array_add (out, s);
    }
  g_ptr_array_sort (out, by_address);
  return out;
}

/* by_key_and_class - rows of (key, class, n) in byte order, NULL key first */
static gint
by_key_and_class (gconstpointer a, gconstpointer b)
{
  const char *const *x = *(const char *const *const *) a;
  const char *const *y = *(const char *const *const *) b;
  int c = g_strcmp0 (x[0], y[0]);
  return c ? c : g_strcmp0 (x[1], y[1]);
}

/* counts_by - {"key": {"class": n, ...}, ...} for a GROUP BY query, in
 * byte order whatever the engine's collation */
static gboolean
counts_by (BkHistory *h, JsonBuilder *b, const char *name, const char *sql, GError **error)
{
  g_autoptr (BkSqlRows) rows = NULL;
  if (!h->driver->query (h, sql, NULL, 0, &rows, NULL, error))
    return FALSE;
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  for (guint i = 0; i < rows->n_rows; i++)
    g_ptr_array_add (order, &rows->cells->pdata[(gsize) i * rows->n_cols]);
  g_ptr_array_sort (order, by_key_and_class);
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  const char *open_key = NULL;
  gboolean open = FALSE;
  for (guint i = 0; i < order->len; i++)
    {
      char **row = g_ptr_array_index (order, i);
      const char *key = row[0] ? row[0] : "(none)";
      if (!open || strcmp (open_key, key) != 0)
        {
          if (open)
            json_builder_end_object (b);
          json_builder_set_member_name (b, key);
          json_builder_begin_object (b);
          open_key = key;
          open = TRUE;
        }
      json_builder_set_member_name (b, row[1]);
      json_builder_add_int_value (b, g_ascii_strtoll (row[2], NULL, 10));
    }
  if (open)
    json_builder_end_object (b);
  json_builder_end_object (b);
  return TRUE;
}

/**
 * bk_history_stats:
 * @history: a history
 * @error: return location for a #GError
 *
 * Counts the recorded events, per domain and per reason, by class.
 *
 * Returns: (transfer full) (nullable): `{"events": n, "by_domain": {domain:
 *   {class: n}}, "by_reason": {reason: {class: n}}}`, or %NULL with
 *   @error set
 *
 * Since: 0.1
 */
JsonNode *
bk_history_stats (BkHistory *h, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (BkSqlRows) total = NULL;
  if (!h->driver->query (h, count_sql, NULL, 0, &total, NULL, error))
    goto failed;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, total->n_rows ? bk_sql_rows_int (total, 0, 0) : 0);
  if (!counts_by (h, b, "by_domain", by_domain_sql, error)
      || !counts_by (h, b, "by_reason", by_reason_sql, error))
    goto failed;
  json_builder_end_object (b);
  return json_builder_get_root (b);

failed:
  g_prefix_error (error, "cannot query the history: ");
  fail (h, error);
  return NULL;
}
