/* SPDX-License-Identifier: MIT */
/*
 * bk-history-pg-none - PostgreSQL targets in a build without libpq
 * (meson -Dpostgresql=disabled, or libpq not found): a clear refusal.
 */
#include "history/bk-history-driver.h"

gboolean
bk_history_pg_open (BkHistory *h, const char *conninfo, BkHistoryOpenFlags flags, GError **error)
{
  (void) h;
  (void) conninfo;
  (void) flags;
  g_set_error (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_UNSUPPORTED,
               "this bouncekit was built without PostgreSQL support (libpq)");
  return FALSE;
}

/* bk_history_pg_display - without libpq to parse a keyword string, only
 * its kind: it may hold a password */
char *
bk_history_pg_display (const char *conninfo)
{
  (void) conninfo;
  return g_strdup ("(PostgreSQL database)");
}
