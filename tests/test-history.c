/* SPDX-License-Identifier: MIT */
/*
 * History tests: the list-hygiene database. Events are recorded from
 * reports built here, then each suppression rule is checked: hard,
 * complaint, soft threshold with span and window, policy only when asked,
 * reset by a later delivery and by forgive; re-recording adds nothing,
 * from one connection or two; a rolled-back batch leaves nothing; a
 * database with a newer schema is refused, a missing one is not created
 * when asked not to.
 *
 * The same tests run on SQLite (a file per test) and, when BK_TEST_PG
 * holds a libpq connection string to a server (tests/history/pgserver.py
 * starts one), on PostgreSQL (a database per test).
 */
#include "analyze/bk-analyze-private.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#ifdef BK_TEST_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#define DAY 86400
#define T0 1700000000   /* 2023-11-14 */

typedef struct {
  char *dir;
  char *path;    /* the --db value: a file, or a PostgreSQL keyword string */
  BkHistory *h;
} Fixture;

/* pg_exec - run @sql on the server of BK_TEST_PG, database @dbname */
static void
pg_exec (const char *dbname, const char *sql)
{
#ifdef BK_TEST_HAVE_LIBPQ
  g_autofree char *info = g_strdup_printf ("%s dbname=%s", g_getenv ("BK_TEST_PG"), dbname);
  PGconn *c = PQconnectdb (info);
  g_assert_cmpint (PQstatus (c), ==, CONNECTION_OK);
  PGresult *r = PQexec (c, sql);
  if (PQresultStatus (r) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (c));
  PQclear (r);
  PQfinish (c);
#else
  (void) dbname;
  (void) sql;
  g_assert_not_reached ();
#endif
}

static gboolean
on_pg (void)
{
  return g_getenv ("BK_TEST_PG") != NULL;
}

/* new_target - a fresh, empty place for a history: an SQLite path in
 * @dir, or a new PostgreSQL database */
static char *
new_target (const char *dir)
{
  static guint n;
  if (!on_pg ())
    return g_strdup_printf ("%s/h%u.db", dir, n++);
  g_autofree char *name = g_strdup_printf ("bk_test_%d_%u", (int) getpid (), n++);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", name);
  pg_exec ("postgres", sql);
  return g_strdup_printf ("%s dbname=%s", g_getenv ("BK_TEST_PG"), name);
}

/* drop_target - remove what new_target made */
static void
drop_target (const char *target)
{
  if (!on_pg ())
    {
      g_autofree char *wal = g_strconcat (target, "-wal", NULL);
      g_autofree char *shm = g_strconcat (target, "-shm", NULL);
      g_unlink (target);
      g_unlink (wal);
      g_unlink (shm);
      return;
    }
  const char *name = strstr (target, " dbname=bk_test_") + strlen (" dbname=");
  g_autofree char *sql = g_strdup_printf ("DROP DATABASE %s", name);
  pg_exec ("postgres", sql);
}

static void
setup (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) err = NULL;
  f->dir = g_dir_make_tmp ("bk-history-XXXXXX", &err);
  g_assert_no_error (err);
  f->path = new_target (f->dir);
  f->h = bk_history_open (f->path, &err);
  g_assert_no_error (err);
  g_assert_nonnull (f->h);
  g_assert_cmpstr (bk_history_get_engine (f->h), ==, on_pg () ? "postgresql" : "sqlite");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  bk_history_close (f->h);
  drop_target (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* event - record one recipient event at @t */
static guint
event (Fixture *f, const char *key, const char *addr, BkBounceClass klass, const char *reason, gint64 t)
{
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient *r = bk_report_add_recipient (report);
  r->recipient = g_strdup (addr);
  r->klass = klass;
  r->reason = g_strdup (reason);
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  r->date = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
  g_autoptr (GError) err = NULL;
  guint added = 99;
  g_assert_true (bk_history_record (f->h, report, key, "test", &added, &err));
  g_assert_no_error (err);
  return added;
}

static GPtrArray *
suppress (Fixture *f, guint threshold, guint span, guint window, gboolean policy, gint64 now)
{
  BkSuppressOptions o = { threshold, span, window, policy, now };
  g_autoptr (GError) err = NULL;
  GPtrArray *list = bk_history_suppress (f->h, &o, &err);
  g_assert_no_error (err);
  g_assert_nonnull (list);
  return list;
}

static BkSuppressed *
find (GPtrArray *list, const char *addr)
{
  for (guint i = 0; i < list->len; i++)
    {
      BkSuppressed *s = g_ptr_array_index (list, i);
      if (g_ascii_strcasecmp (s->address, addr) == 0)
        return s;
    }
  return NULL;
}

static void
test_hard (Fixture *f, gconstpointer data)
{
  (void) data;
  g_assert_cmpuint (event (f, "mid:1", "gone@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0), ==, 1);
  /* the same message again adds nothing */
  g_assert_cmpuint (event (f, "mid:1", "gone@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0), ==, 0);
  g_autoptr (GPtrArray) list = suppress (f, 3, 7, 30, FALSE, T0 + DAY);
  g_assert_cmpuint (list->len, ==, 1);
  BkSuppressed *s = find (list, "gone@example.com");
  g_assert_nonnull (s);
  g_assert_cmpstr (s->why, ==, "hard");
  g_assert_cmpuint (s->hard, ==, 1);
  g_assert_cmpuint (s->soft, ==, 0);
  g_assert_cmpuint (s->complaints, ==, 0);
  g_assert_cmpstr (s->last_reason, ==, "userunknown");
  g_assert_cmpint (s->last_time, ==, T0);
}

static void
test_complaint (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient *r = bk_report_add_recipient (report);
  r->recipient = g_strdup ("angry@example.net");
  r->klass = BK_BOUNCE_CLASS_NONE;
  r->reason = g_strdup ("feedback");
  r->date = g_strdup ("Tue, 14 Nov 2023 22:13:20 +0000");
  g_autoptr (GError) err = NULL;
  g_assert_true (bk_history_record (f->h, report, "mid:c", NULL, NULL, &err));
  g_autoptr (GPtrArray) list = suppress (f, 3, 7, 30, FALSE, T0 + DAY);
  BkSuppressed *s = find (list, "angry@example.net");
  g_assert_nonnull (s);
  g_assert_cmpstr (s->why, ==, "complaint");
  g_assert_cmpuint (s->complaints, ==, 1);
  g_assert_cmpstr (s->last_reason, ==, "feedback");
}

static void
test_soft_threshold (Fixture *f, gconstpointer data)
{
  (void) data;
  /* three soft bounces within two days: not spread enough */
  event (f, "mid:s1", "full@example.org", BK_BOUNCE_CLASS_SOFT, "mailboxfull", T0);
  event (f, "mid:s2", "full@example.org", BK_BOUNCE_CLASS_SOFT, "mailboxfull", T0 + DAY);
  event (f, "mid:s3", "full@example.org", BK_BOUNCE_CLASS_SOFT, "mailboxfull", T0 + 2 * DAY);
  g_autoptr (GPtrArray) l1 = suppress (f, 3, 7, 30, FALSE, T0 + 3 * DAY);
  g_assert_null (find (l1, "full@example.org"));
  /* a fourth, eight days after the first: listed */
  event (f, "mid:s4", "full@example.org", BK_BOUNCE_CLASS_SOFT, "mailboxfull", T0 + 8 * DAY);
  g_autoptr (GPtrArray) l2 = suppress (f, 3, 7, 30, FALSE, T0 + 9 * DAY);
  BkSuppressed *s = find (l2, "full@example.org");
  g_assert_nonnull (s);
  g_assert_cmpstr (s->why, ==, "soft-threshold");
  g_assert_cmpuint (s->soft, ==, 4);
  g_assert_cmpuint (s->hard, ==, 0);
  /* the same events seen from 40 days later are outside the window */
  g_autoptr (GPtrArray) l3 = suppress (f, 3, 7, 30, FALSE, T0 + 40 * DAY);
  g_assert_null (find (l3, "full@example.org"));
  /* a higher threshold does not list it */
  g_autoptr (GPtrArray) l4 = suppress (f, 5, 7, 30, FALSE, T0 + 9 * DAY);
  g_assert_null (find (l4, "full@example.org"));
}

static void
test_policy (Fixture *f, gconstpointer data)
{
  (void) data;
  event (f, "mid:p1", "fine@example.org", BK_BOUNCE_CLASS_POLICY, "blocked", T0);
  event (f, "mid:p2", "fine@example.org", BK_BOUNCE_CLASS_POLICY, "blocked", T0 + 4 * DAY);
  event (f, "mid:p3", "fine@example.org", BK_BOUNCE_CLASS_POLICY, "blocked", T0 + 8 * DAY);
  g_autoptr (GPtrArray) l1 = suppress (f, 3, 7, 30, FALSE, T0 + 9 * DAY);
  g_assert_null (find (l1, "fine@example.org"));
  g_autoptr (GPtrArray) l2 = suppress (f, 3, 7, 30, TRUE, T0 + 9 * DAY);
  BkSuppressed *s = find (l2, "fine@example.org");
  g_assert_nonnull (s);
  g_assert_cmpstr (s->why, ==, "soft-threshold");
  g_assert_cmpuint (s->policy, ==, 3);
}

static void
test_reset_by_delivery (Fixture *f, gconstpointer data)
{
  (void) data;
  event (f, "mid:r1", "back@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0);
  event (f, "mid:r2", "back@example.com", BK_BOUNCE_CLASS_NONE, "delivered", T0 + DAY);
  g_autoptr (GPtrArray) l1 = suppress (f, 3, 7, 30, FALSE, T0 + 2 * DAY);
  g_assert_null (find (l1, "back@example.com"));
  /* a new hard bounce after the delivery counts again */
  event (f, "mid:r3", "back@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0 + 3 * DAY);
  g_autoptr (GPtrArray) l2 = suppress (f, 3, 7, 30, FALSE, T0 + 4 * DAY);
  g_assert_nonnull (find (l2, "back@example.com"));
}

static void
test_forgive (Fixture *f, gconstpointer data)
{
  (void) data;
  event (f, "mid:f1", "Sorry@Example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0);
  g_autoptr (GError) err = NULL;
  g_assert_true (bk_history_forgive (f->h, "sorry@example.com", T0 + DAY, &err));
  g_assert_no_error (err);
  g_autoptr (GPtrArray) list = suppress (f, 3, 7, 30, FALSE, T0 + 2 * DAY);
  g_assert_null (find (list, "sorry@example.com"));
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_stats (Fixture *f, gconstpointer data)
{
  (void) data;
  event (f, "mid:a", "a@one.example", BK_BOUNCE_CLASS_HARD, "userunknown", T0);
  event (f, "mid:b", "b@one.example", BK_BOUNCE_CLASS_POLICY, "blocked", T0);
  event (f, "mid:c", "c@two.example", BK_BOUNCE_CLASS_HARD, "userunknown", T0);
  g_autoptr (GError) err = NULL;
  g_autoptr (JsonNode) root = bk_history_stats (f->h, &err);
  g_assert_no_error (err);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "events"), ==, 3);
  JsonObject *dom = json_object_get_object_member (json_object_get_object_member (o, "by_domain"), "one.example");
  g_assert_cmpint (json_object_get_int_member (dom, "hard"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (dom, "policy"), ==, 1);
  JsonObject *reason = json_object_get_object_member (json_object_get_object_member (o, "by_reason"), "userunknown");
  g_assert_cmpint (json_object_get_int_member (reason, "hard"), ==, 2);
}

/* the latest reason is the latest event's, whatever the order of
 * recording; a tie of time goes to the greater message key, so hosts
 * recording in different orders agree */
static void
test_last_reason (Fixture *f, gconstpointer data)
{
  (void) data;
  event (f, "mid:b", "late@example.com", BK_BOUNCE_CLASS_SOFT, "mailboxfull", T0 + 2 * DAY);
  event (f, "mid:a", "late@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0);
  event (f, "mid:z", "tie@example.com", BK_BOUNCE_CLASS_HARD, "hostunknown", T0);
  event (f, "mid:y", "tie@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0);
  g_autoptr (GPtrArray) list = suppress (f, 3, 7, 30, FALSE, T0 + 3 * DAY);
  BkSuppressed *late = find (list, "late@example.com");
  g_assert_nonnull (late);
  g_assert_cmpstr (late->why, ==, "hard");
  g_assert_cmpstr (late->last_reason, ==, "mailboxfull");
  g_assert_cmpint (late->last_time, ==, T0 + 2 * DAY);
  BkSuppressed *tie = find (list, "tie@example.com");
  g_assert_nonnull (tie);
  g_assert_cmpuint (tie->hard, ==, 2);
  g_assert_cmpstr (tie->last_reason, ==, "hostunknown");
  /* sorted without regard to case */
  g_assert_cmpstr (((BkSuppressed *) g_ptr_array_index (list, 0))->address, ==, "late@example.com");
}

/* the same bounce recorded through two connections (two hosts) is one
 * event; a batch rolled back leaves nothing */
static void
test_two_writers (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) err = NULL;
  g_autoptr (BkHistory) other = bk_history_open (f->path, &err);
  g_assert_no_error (err);
  g_assert_cmpuint (event (f, "mid:x", "twice@example.com", BK_BOUNCE_CLASS_HARD, "userunknown", T0), ==, 1);
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient *r = bk_report_add_recipient (report);
  r->recipient = g_strdup ("TWICE@example.com");
  r->klass = BK_BOUNCE_CLASS_HARD;
  r->reason = g_strdup ("userunknown");
  guint added = 99;
  g_assert_true (bk_history_begin (other, &err));
  g_assert_true (bk_history_record (other, report, "mid:x", "host2", &added, &err));
  g_assert_no_error (err);
  g_assert_cmpuint (added, ==, 0);
  g_assert_true (bk_history_commit (other, &err));
  /* a batch abandoned midway leaves no trace */
  g_assert_true (bk_history_begin (other, &err));
  g_assert_true (bk_history_record (other, report, "mid:y", "host2", &added, &err));
  g_assert_cmpuint (added, ==, 1);
  g_assert_true (bk_history_rollback (other, &err));
  g_assert_no_error (err);
  g_autoptr (JsonNode) root = bk_history_stats (f->h, &err);
  g_assert_no_error (err);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "events"), ==, 1);
}

static void
test_newer_schema (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bk-history-XXXXXX", &err);
  g_autofree char *path = new_target (dir);
  if (on_pg ())
    {
      const char *name = strstr (path, " dbname=") + strlen (" dbname=");
      pg_exec (name, "CREATE TABLE bouncekit_schema (version INTEGER NOT NULL);"
                     " INSERT INTO bouncekit_schema VALUES (99)");
    }
  else
    {
      sqlite3 *db = NULL;
      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
  BkHistory *h = bk_history_open (path, &err);
  g_assert_null (h);
  g_assert_error (err, BK_HISTORY_ERROR, BK_HISTORY_ERROR_SCHEMA);
  g_assert_nonnull (strstr (err->message, "schema version 99"));
  drop_target (path);
  g_rmdir (dir);
}

/* a reader's open does not create a history, on either engine */
static void
test_missing (void)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bk-history-XXXXXX", &err);
  g_autofree char *path = new_target (dir);
  BkHistory *h = bk_history_open_full (path, BK_HISTORY_OPEN_EXISTING, &err);
  g_assert_null (h);
  g_assert_error (err, BK_HISTORY_ERROR, BK_HISTORY_ERROR_MISSING);
  g_assert_true (g_str_has_prefix (err->message, "'"));
  g_clear_error (&err);
  /* still missing: the failed open made nothing */
  h = bk_history_open_full (path, BK_HISTORY_OPEN_EXISTING, &err);
  g_assert_error (err, BK_HISTORY_ERROR, BK_HISTORY_ERROR_MISSING);
  drop_target (path);
  g_rmdir (dir);
}

/* the --db value decides the engine; no password is ever shown */
static void
test_display_name (void)
{
  static const struct {
    const char *target, *shown;
  } cases[] = {
    { "list.db", "list.db" },
    { "/var/lib/bk/history.sqlite", "/var/lib/bk/history.sqlite" },
    { "postgresql://bk:pa55@db.example:5432/lists", "postgresql://bk:***@db.example:5432/lists" },
    { "postgres://bk@db.example/lists?password=pa55&sslmode=require",
      "postgres://bk@db.example/lists?password=***&sslmode=require" },
    { "postgresql://db.example/lists", "postgresql://db.example/lists" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = bk_history_display_name (cases[i].target);
      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
  g_autofree char *kw = bk_history_display_name ("host=db.example dbname=lists password='pa 55'");
  g_assert_null (strstr (kw, "pa 55"));
  g_assert_null (strstr (kw, "pa55"));
#ifdef BK_TEST_HAVE_LIBPQ
  g_assert_nonnull (strstr (kw, "dbname=lists"));
  g_assert_nonnull (strstr (kw, "password=***"));
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bk_init ();
  g_test_add ("/history/suppress/hard", Fixture, NULL, setup, test_hard, teardown);
  g_test_add ("/history/suppress/complaint", Fixture, NULL, setup, test_complaint, teardown);
  g_test_add ("/history/suppress/soft-threshold", Fixture, NULL, setup, test_soft_threshold, teardown);
  g_test_add ("/history/suppress/policy", Fixture, NULL, setup, test_policy, teardown);
  g_test_add ("/history/suppress/reset-by-delivery", Fixture, NULL, setup, test_reset_by_delivery, teardown);
  g_test_add ("/history/forgive", Fixture, NULL, setup, test_forgive, teardown);
  g_test_add ("/history/stats", Fixture, NULL, setup, test_stats, teardown);
  g_test_add ("/history/suppress/last-reason", Fixture, NULL, setup, test_last_reason, teardown);
  g_test_add ("/history/two-writers", Fixture, NULL, setup, test_two_writers, teardown);
  g_test_add_func ("/history/open/newer-schema", test_newer_schema);
  g_test_add_func ("/history/open/missing", test_missing);
  g_test_add_func ("/history/display-name", test_display_name);
  return g_test_run ();
}
