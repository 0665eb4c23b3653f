/* SPDX-License-Identifier: MIT */
/*
 * bk-history-pg - the history in a PostgreSQL database, through libpq,
 * for several mail hosts recording into one history.
 *
 * The target is whatever libpq accepts: a postgresql:// URI or a keyword
 * string; the usual PG* environment variables and ~/.pgpass apply.
 * Statements are those of bk-history.c, prepared once per connection.
 *
 * Writers take turns: bk_history_begin takes one transaction-scoped
 * advisory lock, as SQLite's BEGIN IMMEDIATE takes its write lock.
 * Without it two batches inserting overlapping events in different
 * orders would wait on each other's unique-index entries and one would
 * die of a deadlock; with it no writer ever fails for another, and ON
 * CONFLICT DO NOTHING makes a bounce recorded by two hosts one event.
 * Readers (suppress, stats) never wait.
 *
 * The schema version lives in the one-row table bouncekit_schema; the
 * first opener creates the schema under the same lock. Addresses are
 * stored ASCII case-folded and compare as bytes through a collation named
 * nocase made from "C", so the one schema text reads the same on both
 * engines and both give one answer.
 */
#include "history/bk-history-driver.h"
#include "history/bk-libpq.h"

#include <string.h>

/* libpq's functions, loaded by the first open (bk-libpq.h); every call
 * below goes through this table under the function's own name */
static const BkLibpq *pq;
#define PQconnectdb (pq->PQconnectdb)
#define PQconnectdbParams (pq->PQconnectdbParams)
#define PQstatus (pq->PQstatus)
#define PQerrorMessage (pq->PQerrorMessage)
#define PQfinish (pq->PQfinish)
#define PQsetNoticeProcessor (pq->PQsetNoticeProcessor)
#define PQtransactionStatus (pq->PQtransactionStatus)
#define PQexec (pq->PQexec)
#define PQprepare (pq->PQprepare)
#define PQexecPrepared (pq->PQexecPrepared)
#define PQresultStatus (pq->PQresultStatus)
#define PQresultErrorField (pq->PQresultErrorField)
#define PQclear (pq->PQclear)
#define PQntuples (pq->PQntuples)
#define PQnfields (pq->PQnfields)
#define PQgetvalue (pq->PQgetvalue)
#define PQgetisnull (pq->PQgetisnull)
#define PQcmdTuples (pq->PQcmdTuples)
#define PQcmdStatus (pq->PQcmdStatus)
#define PQconninfoParse (pq->PQconninfoParse)
#define PQconninfoFree (pq->PQconninfoFree)

/* pg_advisory_xact_lock key of the history's writers ("bounce") */
#define BK_PG_WRITE_LOCK "626f756e6365"
#define BK_PG_INT8OID 20

typedef struct {
  PGconn *pg;
  GHashTable *stmts;   /* const char *sql (by address) -> statement name */
  guint next_stmt;
} PgConn;

static void
ignore_notice (void *arg, const char *message)
{
  (void) arg;
  (void) message;   /* "relation already exists, skipping" and such */
}

/* one_line - libpq's multi-line messages as one line */
static char *
one_line (const char *text)
{
  g_autofree char *copy = g_strdup (text ? text : "unknown error");
  g_strdelimit (copy, "\r\n\t", ' ');
  g_autoptr (GString) out = g_string_new (NULL);
  for (const char *p = g_strstrip (copy); *p; p++)
    if (!(*p == ' ' && out->len && out->str[out->len - 1] == ' '))
      g_string_append_c (out, *p);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
pg_error (PgConn *c, PGresult *res, GError **error)
{
  const char *primary = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *msg = one_line (primary ? primary : PQerrorMessage (c->pg));
  int code = PQstatus (c->pg) == CONNECTION_OK ? BK_HISTORY_ERROR_DB : BK_HISTORY_ERROR_CONNECT;
  /* query_canceled (statement_timeout), lock_not_available (lock_timeout) */
  if (g_strcmp0 (state, "57014") == 0 || g_strcmp0 (state, "55P03") == 0)
    code = BK_HISTORY_ERROR_TIMEOUT;
  g_set_error (error, BK_HISTORY_ERROR, code, "%s", msg);
  return FALSE;
}

/* run - one command without parameters (transaction control, DDL) */
static gboolean
run (PgConn *c, const char *sql, GError **error)
{
  PGresult *res = PQexec (c->pg, sql);
  ExecStatusType st = PQresultStatus (res);
  gboolean ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  /* COMMIT of a failed transaction "succeeds" as ROLLBACK */
  if (ok && strcmp (sql, "COMMIT") == 0 && g_strcmp0 (PQcmdStatus (res), "COMMIT") != 0)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "the transaction was rolled back");
      ok = FALSE;
    }
  else if (!ok)
    pg_error (c, res, error);
  PQclear (res);
  return ok;
}

static gboolean
pg_query (BkHistory *h, const char *sql, const BkSqlParam *params, guint n_params,
          BkSqlRows **out_rows, guint64 *out_changes, GError **error)
{
  PgConn *c = h->conn;
  const char *name = g_hash_table_lookup (c->stmts, sql);
  if (name == NULL)
    {
      g_autofree Oid *types = g_new0 (Oid, n_params + 1);
      for (guint i = 0; i < n_params; i++)
        types[i] = params[i].is_int ? BK_PG_INT8OID : 0;
      char *new_name = g_strdup_printf ("bk%u", c->next_stmt++);
      PGresult *res = PQprepare (c->pg, new_name, sql, n_params, types);
      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          pg_error (c, res, error);
          PQclear (res);
          g_free (new_name);
          return FALSE;
        }
      PQclear (res);
      g_hash_table_insert (c->stmts, (gpointer) sql, new_name);
      name = new_name;
    }
  g_autofree const char **values = g_new0 (const char *, n_params + 1);
  g_autoptr (GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_params; i++)
    {
      if (params[i].is_int)
        {
          char *v = g_strdup_printf ("%" G_GINT64_FORMAT, params[i].i);
          g_ptr_array_add (numbers, v);
          values[i] = v;
        }
      else
        values[i] = params[i].s;
    }
  PGresult *res = PQexecPrepared (c->pg, name, n_params, values, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    {
      pg_error (c, res, error);
      PQclear (res);
      return FALSE;
    }
  if (out_changes)
    *out_changes = g_ascii_strtoull (PQcmdTuples (res), NULL, 10);
  if (out_rows)
    {
      BkSqlRows *rows = bk_sql_rows_new (PQnfields (res));
      rows->n_rows = PQntuples (res);
      for (guint r = 0; r < rows->n_rows; r++)
        for (guint col = 0; col < rows->n_cols; col++)
          g_ptr_array_add (rows->cells, PQgetisnull (res, r, col) ? NULL : g_strdup (PQgetvalue (res, r, col)));
      *out_rows = rows;
    }
  PQclear (res);
  return TRUE;
}

static gboolean
pg_begin (BkHistory *h, GError **error)
{
  PgConn *c = h->conn;
  if (!run (c, "BEGIN", error))
    return FALSE;
  if (!run (c, "SELECT pg_advisory_xact_lock(x'" BK_PG_WRITE_LOCK "'::bigint)", error))
    {
      run (c, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_commit (BkHistory *h, GError **error)
{
  return run (h->conn, "COMMIT", error);
}

static gboolean
pg_rollback (BkHistory *h, GError **error)
{
  PgConn *c = h->conn;
  if (PQtransactionStatus (c->pg) == PQTRANS_IDLE)
    return TRUE;
  return run (c, "ROLLBACK", error);
}

static void
pg_close (BkHistory *h)
{
  PgConn *c = h->conn;
  g_hash_table_unref (c->stmts);
  PQfinish (c->pg);
  g_free (c);
  h->conn = NULL;
}

static const BkHistoryDriver pg_driver = {
  "postgresql", pg_query, pg_begin, pg_commit, pg_rollback, pg_close,
};

/* schema_version - the recorded version; 0 when there is no schema */
static gboolean
schema_version (PgConn *c, int *out_version, GError **error)
{
  PGresult *res = PQexec (c->pg, "SELECT max(version) FROM bouncekit_schema");
  const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  gboolean ok = TRUE;
  *out_version = 0;
  if (PQresultStatus (res) == PGRES_TUPLES_OK)
    *out_version = PQgetisnull (res, 0, 0) ? 0 : (int) g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  else if (g_strcmp0 (state, "42P01") != 0)   /* undefined_table: no schema yet */
    ok = pg_error (c, res, error);
  PQclear (res);
  return ok;
}

static gboolean
check_version (int version, GError **error)
{
  if (version > BK_HISTORY_SCHEMA)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_SCHEMA,
                   "schema version %d; this bouncekit knows %d", version, BK_HISTORY_SCHEMA);
      return FALSE;
    }
  return TRUE;
}

/* create_schema - in one transaction under the writers' lock, reading
 * the version again once the lock is held: concurrent first openers
 * create it once */
static gboolean
create_schema (PgConn *c, GError **error)
{
  int version = 0;
  if (!run (c, "BEGIN", error)
      || !run (c, "SELECT pg_advisory_xact_lock(x'" BK_PG_WRITE_LOCK "'::bigint)", error)
      || !run (c, "CREATE TABLE IF NOT EXISTS bouncekit_schema (version INTEGER NOT NULL)", error)
      || !schema_version (c, &version, error) || !check_version (version, error))
    goto failed;
  if (version == 0)
    {
      g_autofree char *schema = g_strdup_printf (BK_HISTORY_SCHEMA_SQL,
                                                 "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
      g_autofree char *mark = g_strdup_printf ("INSERT INTO bouncekit_schema (version) VALUES (%d)",
                                               BK_HISTORY_SCHEMA);
      /* bytes, as SQLite compares the ASCII-folded addresses; an ICU
       * collation would merge Ü and ü, ﬁ and fi, full-width forms */
      if (!run (c, "CREATE COLLATION IF NOT EXISTS nocase FROM \"C\"", error)
          || !run (c, schema, error) || !run (c, mark, error))
        goto failed;
    }
  return run (c, "COMMIT", error);

failed:
  run (c, "ROLLBACK", NULL);
  return FALSE;
}

/* icu_nocase - does the history's nocase collation still merge what
 * SQLite keeps apart (the nondeterministic ICU collation of earlier
 * versions)? */
static gboolean
icu_nocase (PgConn *c, gboolean *out_icu, GError **error)
{
  PGresult *res = PQexec (c->pg, "SELECT count(*) FROM pg_collation WHERE collname = 'nocase'"
                                 " AND collnamespace = current_schema()::regnamespace"
                                 " AND NOT collisdeterministic");
  gboolean ok = PQresultStatus (res) == PGRES_TUPLES_OK;
  if (ok)
    *out_icu = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10) > 0;
  else
    pg_error (c, res, error);
  PQclear (res);
  return ok;
}

/* migrate_nocase - a history made with the ICU collation, made to
 * compare as SQLite does: its address columns compare bytes ("C"), the
 * stored addresses are ASCII case-folded (two rows the ICU collation
 * held apart never fold to one: it merged more), and nocase is made
 * again from "C". Once, under the writers' lock. */
static gboolean
migrate_nocase (PgConn *c, GError **error)
{
  gboolean icu = FALSE;
  if (!run (c, "BEGIN", error)
      || !run (c, "SELECT pg_advisory_xact_lock(x'" BK_PG_WRITE_LOCK "'::bigint)", error)
      || !icu_nocase (c, &icu, error))
    goto failed;
  if (icu
      && (!run (c, "ALTER TABLE events ALTER COLUMN address TYPE TEXT COLLATE \"C\","
                   " ALTER COLUMN domain TYPE TEXT COLLATE \"C\"", error)
          || !run (c, "ALTER TABLE forgiven ALTER COLUMN address TYPE TEXT COLLATE \"C\"", error)
          || !run (c, "UPDATE events SET address = lower(address), domain = lower(domain)"
                      " WHERE address <> lower(address) OR domain <> lower(domain)", error)
          || !run (c, "UPDATE forgiven SET address = lower(address) WHERE address <> lower(address)", error)
          || !run (c, "DROP COLLATION nocase", error)
          || !run (c, "CREATE COLLATION nocase FROM \"C\"", error)))
    goto failed;
  return run (c, "COMMIT", error);

failed:
  run (c, "ROLLBACK", NULL);
  return FALSE;
}

gboolean
bk_history_pg_open (BkHistory *h, const char *conninfo, BkHistoryOpenFlags flags, GError **error)
{
  if ((pq = bk_libpq (error)) == NULL)
    return FALSE;
  PgConn *c = g_new0 (PgConn, 1);
  c->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  if (h->wait_ms == 0)
    c->pg = PQconnectdb (conninfo);
  else
    {
      /* the target first (expanded: a URI or keyword string), then the
       * timeout, which overrides one the target may give; libpq counts
       * whole seconds and takes less than 2 as 2 */
      g_autofree char *secs = g_strdup_printf ("%u", MAX ((h->wait_ms + 999) / 1000, 2u));
      const char *const keys[] = { "dbname", "connect_timeout", NULL };
      const char *const values[] = { conninfo, secs, NULL };
      c->pg = PQconnectdbParams (keys, values, 1);
    }
  h->conn = c;
  h->driver = &pg_driver;
  if (c->pg == NULL || PQstatus (c->pg) != CONNECTION_OK)
    {
      g_autofree char *msg = one_line (c->pg ? PQerrorMessage (c->pg) : "out of memory");
      gboolean timeout = h->wait_ms && strstr (msg, "timeout expired") != NULL;
      if (timeout)
        g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_TIMEOUT,
                     "cannot connect: no answer within %u ms (%s)", MAX (h->wait_ms, 2000u), msg);
      else
        g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_CONNECT, "cannot connect: %s", msg);
      return FALSE;
    }
  PQsetNoticeProcessor (c->pg, ignore_notice, NULL);
  if (h->wait_ms)
    {
      /* no statement, and no wait for the writers' advisory lock or a
       * row lock, outlasts the wait */
      g_autofree char *set = g_strdup_printf ("SET statement_timeout = %u; SET lock_timeout = %u",
                                              h->wait_ms, h->wait_ms);
      if (!run (c, set, error))
        return FALSE;
    }
  int version = 0;
  if (!schema_version (c, &version, error) || !check_version (version, error))
    return FALSE;
  if (version == BK_HISTORY_SCHEMA)
    {
      gboolean icu = FALSE;
      if (!icu_nocase (c, &icu, error))
        return FALSE;
      return !icu || migrate_nocase (c, error);
    }
  if (flags & BK_HISTORY_OPEN_EXISTING)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_MISSING,
                   "no history database (no table bouncekit_schema)");
      return FALSE;
    }
  return create_schema (c, error);
}

/* bk_history_pg_display - a keyword string without its password,
 * rebuilt from libpq's own parse of it */
char *
bk_history_pg_display (const char *conninfo)
{
  if ((pq = bk_libpq (NULL)) == NULL)
    return g_strdup ("(a PostgreSQL connection string)");
  PQconninfoOption *opts = PQconninfoParse (conninfo, NULL);
  if (opts == NULL)
    return g_strdup ("(unreadable PostgreSQL connection string)");
  g_autoptr (GString) out = g_string_new (NULL);
  for (PQconninfoOption *o = opts; o->keyword; o++)
    {
      if (o->val == NULL)
        continue;
      gboolean secret = strcmp (o->keyword, "password") == 0;
      g_string_append_printf (out, "%s%s=%s", out->len ? " " : "", o->keyword, secret ? "***" : o->val);
    }
  PQconninfoFree (opts);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
