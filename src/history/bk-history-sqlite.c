/* SPDX-License-Identifier: MIT */
/*
 * bk-history-sqlite - the history in one SQLite file (the default).
 *
 * Several processes may record at once (procmail delivering in parallel,
 * a cron ingest beside them): the file is in WAL mode, so readers never
 * wait for a writer, and every write transaction starts with BEGIN
 * IMMEDIATE under a long busy timeout, so a writer waits for the one
 * before it instead of failing with "database is locked". The schema
 * version is PRAGMA user_version; the schema is created inside a write
 * transaction that first reads the version again, so two processes
 * opening a new file create it once.
 */
#include "history/bk-history-driver.h"

#include <sqlite3.h>

/* How long a writer waits for another: a whole ingest of a big mailbox
 * may hold the write lock this long. */
#define BK_SQLITE_BUSY_MS 120000

/* busy_ms - the busy timeout set on @db */
static int busy_ms (sqlite3 *db);

typedef struct {
  sqlite3 *db;
  GHashTable *stmts;   /* const char *sql (by address) -> sqlite3_stmt * */
} SqliteConn;

/* set_error - SQLite's error @rc as a GError: a lock wait that ran out
 * is a timeout, a full disk says so, whatever the statement was */
static gboolean
set_error (sqlite3 *db, int rc, const char *msg, GError **error)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_TIMEOUT,
                   "another writer holds the database (waited %d ms): %s",
                   db ? busy_ms (db) : 0, msg);
      break;
    case SQLITE_FULL:
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB,
                   "the disk or file system is full: %s", msg);
      break;
    case SQLITE_IOERR:
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB,
                   "cannot write the database file (disk full or I/O error): %s", msg);
      break;
    default:
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "%s", msg);
    }
  return FALSE;
}

static gboolean
db_error (sqlite3 *db, GError **error)
{
  return set_error (db, sqlite3_extended_errcode (db), sqlite3_errmsg (db), error);
}

static gboolean
exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    {
      set_error (db, sqlite3_extended_errcode (db), msg ? msg : sqlite3_errmsg (db), error);
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static void
bind (sqlite3_stmt *st, const BkSqlParam *params, guint n_params)
{
  for (guint i = 0; i < n_params; i++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "$%u", i + 1);
      int at = sqlite3_bind_parameter_index (st, name);
      if (at == 0)
        continue;
      if (params[i].is_int)
        sqlite3_bind_int64 (st, at, params[i].i);
      else if (params[i].s)
        sqlite3_bind_text (st, at, params[i].s, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (st, at);
    }
}

static gboolean
sqlite_query (BkHistory *h, const char *sql, const BkSqlParam *params, guint n_params,
              BkSqlRows **out_rows, guint64 *out_changes, GError **error)
{
  SqliteConn *c = h->conn;
  sqlite3_stmt *st = g_hash_table_lookup (c->stmts, sql);
  if (st == NULL)
    {
      if (sqlite3_prepare_v2 (c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error (c->db, error);
      g_hash_table_insert (c->stmts, (gpointer) sql, st);
    }
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  bind (st, params, n_params);
  g_autoptr (BkSqlRows) rows = bk_sql_rows_new (sqlite3_column_count (st));
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      for (guint col = 0; col < rows->n_cols; col++)
        g_ptr_array_add (rows->cells, g_strdup ((const char *) sqlite3_column_text (st, col)));
      rows->n_rows++;
    }
  if (rc != SQLITE_DONE)
    {
      db_error (c->db, error);
      sqlite3_reset (st);
      return FALSE;
    }
  if (out_changes)
    *out_changes = sqlite3_changes (c->db);
  sqlite3_reset (st);
  if (out_rows)
    *out_rows = g_steal_pointer (&rows);
  return TRUE;
}

static gboolean
sqlite_begin (BkHistory *h, GError **error)
{
  return exec (((SqliteConn *) h->conn)->db, "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (BkHistory *h, GError **error)
{
  return exec (((SqliteConn *) h->conn)->db, "COMMIT", error);
}

static gboolean
sqlite_rollback (BkHistory *h, GError **error)
{
  SqliteConn *c = h->conn;
  if (sqlite3_get_autocommit (c->db))
    return TRUE;   /* SQLite already rolled back (a failed COMMIT, say) */
  return exec (c->db, "ROLLBACK", error);
}

static void
sqlite_close (BkHistory *h)
{
  SqliteConn *c = h->conn;
  g_hash_table_unref (c->stmts);
  sqlite3_close (c->db);
  g_free (c);
  h->conn = NULL;
}

static const BkHistoryDriver sqlite_driver = {
  "sqlite", sqlite_query, sqlite_begin, sqlite_commit, sqlite_rollback, sqlite_close,
};

/* user_version - the schema version, or -1 when the file is not SQLite */
static int
user_version (sqlite3 *db)
{
  sqlite3_stmt *st = NULL;
  int version = -1;
  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    version = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  return version;
}

static gboolean
check_version (sqlite3 *db, int version, GError **error)
{
  if (version < 0 && (sqlite3_errcode (db) & 0xff) == SQLITE_NOTADB)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "not an SQLite database: %s",
                   sqlite3_errmsg (db));
      return FALSE;
    }
  if (version < 0)
    return db_error (db, error);
  if (version > BK_HISTORY_SCHEMA)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_SCHEMA,
                   "schema version %d; this bouncekit knows %d", version, BK_HISTORY_SCHEMA);
      return FALSE;
    }
  return TRUE;
}

/* create_schema - under the write lock, so only one opener creates it */
static gboolean
create_schema (sqlite3 *db, GError **error)
{
  if (!exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  int version = user_version (db);
  if (!check_version (db, version, error))
    {
      exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  if (version == BK_HISTORY_SCHEMA)
    return exec (db, "COMMIT", error);
  g_autofree char *schema = g_strdup_printf (BK_HISTORY_SCHEMA_SQL, "INTEGER PRIMARY KEY");
  g_autofree char *sql = g_strdup_printf ("%s PRAGMA user_version = %d; COMMIT;", schema, BK_HISTORY_SCHEMA);
  if (!exec (db, sql, error))
    {
      exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

static void
finalize_stmt (gpointer st)
{
  sqlite3_finalize (st);
}

gboolean
bk_history_sqlite_open (BkHistory *h, const char *path, BkHistoryOpenFlags flags, GError **error)
{
  gboolean existing = (flags & BK_HISTORY_OPEN_EXISTING) != 0;
  if (existing && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_MISSING, "no history database");
      return FALSE;
    }
  sqlite3 *db = NULL;
  int open_flags = SQLITE_OPEN_READWRITE | (existing ? 0 : SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2 (path, &db, open_flags, NULL) != SQLITE_OK)
    {
      /* SQLite says only "unable to open database file": name the usual
       * cause, a directory that is not there */
      g_autofree char *parent = g_path_get_dirname (path);
      if (!g_file_test (parent, G_FILE_TEST_IS_DIR))
        g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB,
                     "cannot open database: no directory '%s'", parent);
      else
        g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_DB, "cannot open database: %s",
                     db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return FALSE;
    }
  SqliteConn *c = g_new0 (SqliteConn, 1);
  c->db = db;
  c->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_stmt);
  h->conn = c;
  h->driver = &sqlite_driver;
  sqlite3_busy_timeout (db, h->wait_ms ? (int) MIN (h->wait_ms, G_MAXINT) : BK_SQLITE_BUSY_MS);
  int version = user_version (db);
  if (!check_version (db, version, error))
    return FALSE;
  if (version == 0 && existing)
    {
      g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_MISSING, "no history database (an empty file)");
      return FALSE;
    }
  /* WAL persists in the file; a failure only costs concurrency */
  exec (db, "PRAGMA journal_mode = WAL", NULL);
  return version == BK_HISTORY_SCHEMA || create_schema (db, error);
}

static int
busy_ms (sqlite3 *db)
{
  int ms = 0;
  /* PRAGMA busy_timeout reads it back; the cheaper way is to remember it */
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (db, "PRAGMA busy_timeout", -1, &st, NULL) == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
    ms = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  return ms;
}
