/* SPDX-License-Identifier: MIT */
/*
 * bk-history-driver.h - what the history's logic (bk-history.c) asks of
 * a database engine, and what each engine (bk-history-sqlite.c,
 * bk-history-pg.c) provides. The result cells are made here
 * (bk-history-driver.c), not in the logic, so that the engines do not
 * call back into it.
 *
 * The logic holds the SQL; a driver only runs it. Statements are written
 * once, in the subset both engines agree on: parameters are $1, $2, …
 * (PostgreSQL's own; SQLite reads them as named parameters), booleans are
 * CASE expressions, upserts are ON CONFLICT. Results come back as text
 * cells (NULL for SQL NULL), the form libpq gives, so one reader serves
 * both engines.
 */
#pragma once

#include "core/bk-core-private.h"

G_BEGIN_DECLS

/* The schema version this code writes and reads; a database with a
 * higher one is refused. SQLite keeps it in PRAGMA user_version,
 * PostgreSQL in the one-row table bouncekit_schema. */
#define BK_HISTORY_SCHEMA 1

/* The schema, in both dialects: %s is the id column's type, the one
 * place they differ (SQLite's rowid alias, PostgreSQL's identity).
 * Addresses are stored ASCII case-folded (bk_history_record), and compare
 * as bytes: SQLite's NOCASE folds ASCII only, and on PostgreSQL the
 * collation of the same name is "C" (created by the driver), so UNIQUE,
 * GROUP BY and = agree on both for every address, non-ASCII ones too. */
#define BK_HISTORY_SCHEMA_SQL \
  "CREATE TABLE IF NOT EXISTS events (" \
  "  id %s," \
  "  message_key TEXT NOT NULL," \
  "  address TEXT NOT NULL COLLATE NOCASE," \
  "  domain TEXT COLLATE NOCASE," \
  "  class TEXT NOT NULL," \
  "  reason TEXT," \
  "  status TEXT," \
  "  reply_code TEXT," \
  "  action TEXT," \
  "  feedback_type TEXT," \
  "  diagnostic TEXT," \
  "  event_time BIGINT NOT NULL," \
  "  source TEXT," \
  "  UNIQUE (message_key, address));" \
  "CREATE INDEX IF NOT EXISTS events_address ON events (address, event_time);" \
  "CREATE TABLE IF NOT EXISTS forgiven (" \
  "  address TEXT PRIMARY KEY COLLATE NOCASE," \
  "  forgiven_time BIGINT NOT NULL);"

/* BkSqlParam - one statement parameter: text (NULL is SQL NULL) or an
 * integer */
typedef struct {
  gboolean is_int;
  gint64 i;
  const char *s;
} BkSqlParam;

#define BK_SQL_TEXT(v) ((BkSqlParam) { FALSE, 0, (v) })
#define BK_SQL_INT(v) ((BkSqlParam) { TRUE, (v), NULL })

/* BkSqlRows - a result: n_rows × n_cols text cells, row-major */
typedef struct {
  guint n_cols;
  guint n_rows;
  GPtrArray *cells;   /* char *, NULL for SQL NULL */
} BkSqlRows;

BkSqlRows *bk_sql_rows_new (guint n_cols);
void bk_sql_rows_free (BkSqlRows *rows);
const char *bk_sql_rows_get (const BkSqlRows *rows, guint row, guint col);
gint64 bk_sql_rows_int (const BkSqlRows *rows, guint row, guint col);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkSqlRows, bk_sql_rows_free)

typedef struct _BkHistoryDriver BkHistoryDriver;

struct _BkHistory {
  gatomicrefcount ref;
  const BkHistoryDriver *driver;
  gpointer conn;
  char *display;       /* the database as errors name it: never a password */
  gboolean in_batch;   /* between bk_history_begin and bk_history_commit */
  guint wait_ms;       /* longest wait for the server or a lock; 0: the engine's long default */
};

/* BkHistoryDriver - one engine. @query runs @sql with @params; when
 * @out_rows is given it receives the result, @out_changes the rows
 * written. Prepared statements are kept per @sql pointer, so callers
 * pass the same static string each time. @begin opens a write
 * transaction that waits for other writers instead of failing. */
struct _BkHistoryDriver {
  const char *engine;
  gboolean (*query) (BkHistory *h, const char *sql, const BkSqlParam *params, guint n_params,
                     BkSqlRows **out_rows, guint64 *out_changes, GError **error);
  gboolean (*begin) (BkHistory *h, GError **error);
  gboolean (*commit) (BkHistory *h, GError **error);
  gboolean (*rollback) (BkHistory *h, GError **error);
  void (*close) (BkHistory *h);
};

/* bk-history-sqlite.c: open @path into @h (driver, conn, schema) */
gboolean bk_history_sqlite_open (BkHistory *h, const char *path, BkHistoryOpenFlags flags, GError **error);

/* bk-history-pg.c: open the PostgreSQL database @conninfo into @h; the
 * stub without libpq reports that support is not built in */
gboolean bk_history_pg_open (BkHistory *h, const char *conninfo, BkHistoryOpenFlags flags, GError **error);
/* a libpq keyword string as errors show it (no password) */
char *bk_history_pg_display (const char *conninfo);

G_END_DECLS
