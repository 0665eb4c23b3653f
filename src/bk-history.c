/* SPDX-License-Identifier: MIT */
/*
 * bk-history - the list-hygiene database (SQLite).
 *
 * One row per (message, recipient) event, keyed by the bounce's identity
 * (its Message-ID, else a SHA-256 of the whole message) and the address:
 * ingesting the same input twice adds nothing. Writes happen inside the
 * caller's transaction (bk_history_begin/commit), so an interrupted run
 * leaves the database as it was before the batch. The schema is versioned
 * with PRAGMA user_version; a newer schema is refused, not rewritten.
 * Suppression rules (DESIGN, list hygiene): since the address's last reset
 * (a later delivery, or `forgive`), any hard bounce or any complaint
 * suppresses; soft bounces suppress when at least N fall in the window and
 * spread over at least D days. Delivered/vacation events are kept as
 * evidence of a live address.
 */
#include "bk-private.h"

#include <sqlite3.h>
#include <string.h>

#define BK_HISTORY_SCHEMA 1

struct _BkHistory {
  sqlite3 *db;
  sqlite3_stmt *insert;
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS events ("
  "  id INTEGER PRIMARY KEY,"
  "  message_key TEXT NOT NULL,"
  "  address TEXT NOT NULL COLLATE NOCASE,"
  "  domain TEXT COLLATE NOCASE,"
  "  class TEXT NOT NULL,"
  "  reason TEXT,"
  "  status TEXT,"
  "  reply_code TEXT,"
  "  action TEXT,"
  "  feedback_type TEXT,"
  "  diagnostic TEXT,"
  "  event_time INTEGER NOT NULL,"
  "  source TEXT,"
  "  UNIQUE (message_key, address));"
  "CREATE INDEX IF NOT EXISTS events_address ON events (address, event_time);"
  "CREATE TABLE IF NOT EXISTS forgiven ("
  "  address TEXT PRIMARY KEY COLLATE NOCASE,"
  "  forgiven_time INTEGER NOT NULL);";

static gboolean
db_error (BkHistory *h, GError **error, const char *what)
{
  g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "%s: %s", what, sqlite3_errmsg (h->db));
  return FALSE;
}

static gboolean
exec (BkHistory *h, const char *sql, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec (h->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "%s", msg ? msg : "sqlite error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/**
 * bk_history_close:
 * @history: (transfer full) (nullable): a history
 */
void
bk_history_close (BkHistory *h)
{
  if (h == NULL)
    return;
  sqlite3_finalize (h->insert);
  sqlite3_close (h->db);
  g_free (h);
}

/**
 * bk_history_open:
 * @path: the database file; created with its schema on first use
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the history
 */
BkHistory *
bk_history_open (const char *path, GError **error)
{
  g_autoptr (BkHistory) h = g_new0 (BkHistory, 1);
  if (sqlite3_open_v2 (path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "cannot open database '%s': %s",
                   path, h->db ? sqlite3_errmsg (h->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (h->db, 10000);
  sqlite3_stmt *st = NULL;
  int version = -1;
  if (sqlite3_prepare_v2 (h->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    version = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  if (version < 0)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "'%s' is not an SQLite database: %s",
                   path, sqlite3_errmsg (h->db));
      return NULL;
    }
  if (version > BK_HISTORY_SCHEMA)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_SCHEMA,
                   "'%s' has schema version %d; this bouncekit knows %d", path, version, BK_HISTORY_SCHEMA);
      return NULL;
    }
  if (version < BK_HISTORY_SCHEMA)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN; %s PRAGMA user_version = %d; COMMIT;",
                                              schema_sql, BK_HISTORY_SCHEMA);
      if (!exec (h, sql, error))
        {
          g_prefix_error (error, "%s: ", path);
          return NULL;
        }
    }
  if (sqlite3_prepare_v2 (h->db,
        "INSERT OR IGNORE INTO events (message_key, address, domain, class, reason, status, reply_code,"
        " action, feedback_type, diagnostic, event_time, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        -1, &h->insert, NULL) != SQLITE_OK)
    {
      db_error (h, error, path);
      return NULL;
    }
  return g_steal_pointer (&h);
}

/**
 * bk_history_begin:
 *
 * Starts a batch: events recorded until bk_history_commit() land together.
 */
gboolean
bk_history_begin (BkHistory *h, GError **error)
{
  return exec (h, "BEGIN IMMEDIATE", error);
}

/**
 * bk_history_commit:
 */
gboolean
bk_history_commit (BkHistory *h, GError **error)
{
  return exec (h, "COMMIT", error);
}

/**
 * bk_history_message_key:
 * @message: a bounce
 *
 * Returns: (transfer full): the identity of @message: "mid:" and its
 *   Message-ID, or "sha256:" and a digest of the whole message
 */
char *
bk_history_message_key (GMimeMessage *message)
{
  const char *mid = g_mime_message_get_message_id (message);
  if (mid && *mid)
    return g_strconcat ("mid:", mid, NULL);
  g_autofree char *raw = g_mime_object_to_string (GMIME_OBJECT (message), NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, raw ? raw : "", -1);
  return g_strconcat ("sha256:", sum, NULL);
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

static void
bind_text (sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text (st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, i);
}

/**
 * bk_history_record:
 * @report: an analysed bounce
 * @message_key: its identity (bk_history_message_key())
 * @source: (nullable): where it came from, kept for reference
 * @out_added: (out) (optional): events actually added (0 when already known)
 *
 * Records every recipient of @report that has an address.
 */
gboolean
bk_history_record (BkHistory *h, const BkReport *report, const char *message_key,
                   const char *source, guint *out_added, GError **error)
{
  guint added = 0;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->recipient == NULL)
        continue;
      const char *at = strrchr (r->recipient, '@');
      sqlite3_stmt *st = h->insert;
      sqlite3_reset (st);
      sqlite3_clear_bindings (st);
      bind_text (st, 1, message_key);
      bind_text (st, 2, r->recipient);
      bind_text (st, 3, at ? at + 1 : NULL);
      /* a "not-spam" report (RFC 6430) is feedback, not a complaint */
      gboolean complaint = g_strcmp0 (r->reason, "feedback") == 0
                           && g_strcmp0 (r->feedback_type, "not-spam") != 0;
      bind_text (st, 4, complaint ? "complaint" : bk_bounce_class_to_string (r->klass));
      bind_text (st, 5, r->reason);
      bind_text (st, 6, r->status);
      bind_text (st, 7, r->reply_code);
      bind_text (st, 8, r->action);
      bind_text (st, 9, r->feedback_type);
      bind_text (st, 10, r->diagnostic);
      sqlite3_bind_int64 (st, 11, event_time (r->date ? r->date : report->date));
      bind_text (st, 12, source);
      if (sqlite3_step (st) != SQLITE_DONE)
        return db_error (h, error, "cannot record event");
      added += sqlite3_changes (h->db);
    }
  if (out_added)
    *out_added = added;
  return TRUE;
}

/**
 * bk_history_forgive:
 * @address: the address to reset
 * @now: the time of the reset
 *
 * Forgets the address's bounces up to @now.
 */
gboolean
bk_history_forgive (BkHistory *h, const char *address, gint64 now, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (h->db, "INSERT INTO forgiven (address, forgiven_time) VALUES (?, ?)"
                          " ON CONFLICT (address) DO UPDATE SET forgiven_time = excluded.forgiven_time",
                          -1, &st, NULL) != SQLITE_OK)
    return db_error (h, error, "cannot forgive");
  bind_text (st, 1, address);
  sqlite3_bind_int64 (st, 2, now);
  gboolean ok = sqlite3_step (st) == SQLITE_DONE;
  sqlite3_finalize (st);
  return ok ? TRUE : db_error (h, error, "cannot forgive");
}

void
bk_suppressed_free (BkSuppressed *s)
{
  if (s == NULL)
    return;
  g_free (s->address);
  g_free (s->last_reason);
  g_free (s);
}

/* Per address, counts of the events after its reset point: the later of
 * its last delivery and its last `forgive`. Soft and policy counts only
 * within the window. */
static const char suppress_sql[] =
  "WITH reset AS ("
  "  SELECT e.address AS address, MAX(COALESCE((SELECT MAX(d.event_time) FROM events d"
  "      WHERE d.address = e.address AND d.reason = 'delivered'), 0),"
  "    COALESCE((SELECT f.forgiven_time FROM forgiven f WHERE f.address = e.address), 0)) AS since"
  "  FROM events e GROUP BY e.address),"
  " live AS ("
  "  SELECT e.* FROM events e JOIN reset r ON r.address = e.address"
  "  WHERE e.event_time > r.since AND e.event_time <= ?1)"
  " SELECT address,"
  "  SUM(class = 'hard'),"
  "  SUM(class = 'soft' AND event_time >= ?2),"
  "  SUM(class = 'policy' AND event_time >= ?2),"
  "  SUM(class = 'complaint'),"
  "  MIN(CASE WHEN class = 'soft' OR (?3 AND class = 'policy') THEN"
  "      CASE WHEN event_time >= ?2 THEN event_time END END),"
  "  MAX(CASE WHEN class = 'soft' OR (?3 AND class = 'policy') THEN"
  "      CASE WHEN event_time >= ?2 THEN event_time END END),"
  "  (SELECT l.reason FROM live l WHERE l.address = live.address AND l.class != 'none'"
  "     ORDER BY l.event_time DESC, l.id DESC LIMIT 1),"
  "  MAX(event_time)"
  " FROM live WHERE class != 'none' GROUP BY address ORDER BY address";

/**
 * bk_history_suppress:
 * @options: the thresholds
 *
 * Returns: (transfer full) (element-type BkSuppressed): the addresses to
 *   stop mailing, sorted
 */
GPtrArray *
bk_history_suppress (BkHistory *h, const BkSuppressOptions *o, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (h->db, suppress_sql, -1, &st, NULL) != SQLITE_OK)
    {
      db_error (h, error, "cannot query the history");
      return NULL;
    }
  sqlite3_bind_int64 (st, 1, o->now);
  sqlite3_bind_int64 (st, 2, o->now - (gint64) o->window_days * 86400);
  sqlite3_bind_int (st, 3, o->include_policy ? 1 : 0);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_suppressed_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      guint hard = sqlite3_column_int (st, 1);
      guint soft = sqlite3_column_int (st, 2);
      guint policy = sqlite3_column_int (st, 3);
      guint complaints = sqlite3_column_int (st, 4);
      gint64 first = sqlite3_column_int64 (st, 5);
      gint64 last = sqlite3_column_int64 (st, 6);
      guint counted = soft + (o->include_policy ? policy : 0);
      const char *why = NULL;
      if (hard > 0)
        why = "hard";
      else if (complaints > 0)
        why = "complaint";
      else if (counted >= o->soft_threshold && o->soft_threshold > 0
               && last - first >= (gint64) o->soft_span_days * 86400)
        why = "soft-threshold";
      if (why == NULL)
        continue;
      BkSuppressed *s = g_new0 (BkSuppressed, 1);
      s->address = g_strdup ((const char *) sqlite3_column_text (st, 0));
      s->why = why;
      s->hard = hard;
      s->soft = soft;
      s->policy = policy;
      s->complaints = complaints;
      s->last_reason = g_strdup ((const char *) sqlite3_column_text (st, 7));
      s->last_time = sqlite3_column_int64 (st, 8);
      g_ptr_array_add (out, s);
    }
  if (rc != SQLITE_DONE)
    {
      db_error (h, error, "cannot query the history");
      g_ptr_array_unref (out);
      out = NULL;
    }
  sqlite3_finalize (st);
  return out;
}

/* counts_by - {"key": {"class": n, ...}, ...} for a GROUP BY query */
static gboolean
counts_by (BkHistory *h, JsonBuilder *b, const char *name, const char *sql, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (h->db, sql, -1, &st, NULL) != SQLITE_OK)
    return db_error (h, error, "cannot query the history");
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_autofree char *open_key = NULL;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      if (key == NULL)
        key = "(none)";
      if (g_strcmp0 (open_key, key) != 0)
        {
          if (open_key)
            json_builder_end_object (b);
          json_builder_set_member_name (b, key);
          json_builder_begin_object (b);
          g_free (open_key);
          open_key = g_strdup (key);
        }
      json_builder_set_member_name (b, (const char *) sqlite3_column_text (st, 1));
      json_builder_add_int_value (b, sqlite3_column_int64 (st, 2));
    }
  if (open_key)
    json_builder_end_object (b);
  json_builder_end_object (b);
  sqlite3_finalize (st);
  return rc == SQLITE_DONE ? TRUE : db_error (h, error, "cannot query the history");
}

/**
 * bk_history_stats:
 *
 * Returns: (transfer full) (nullable): {"events": n, "by_domain": {domain:
 *   {class: n}}, "by_reason": {reason: {class: n}}}
 */
JsonNode *
bk_history_stats (BkHistory *h, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  sqlite3_stmt *st = NULL;
  gint64 total = 0;
  if (sqlite3_prepare_v2 (h->db, "SELECT COUNT(*) FROM events", -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    total = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, total);
  if (!counts_by (h, b, "by_domain",
                  "SELECT lower(domain), class, COUNT(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2", error)
      || !counts_by (h, b, "by_reason",
                     "SELECT reason, class, COUNT(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2", error))
    return NULL;
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
