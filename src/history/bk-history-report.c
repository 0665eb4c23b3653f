/* SPDX-License-Identifier: MIT */
/*
 * bk-history-report - the numbers of the list-health report (`bouncekit
 * report`) and of `stats --since`, as one JSON tree: the HTML page and
 * the JSON output are drawn from the same tree, so they cannot disagree.
 *
 * The period is the last N whole UTC days up to the day of `now`
 * (today included); the previous period is the N days before it. A
 * bounce is an event of class hard, soft or policy; an event whose action
 * is "delayed" is a delay, counted apart from the failures whatever its
 * class; complaints are their own class. Delivered, vacation and other
 * class-none events are evidence for `suppress`, not bounces.
 *
 * Every query runs on both engines (bk-history-driver.h): positional
 * GROUP BY, integer division for the day, CASE for conditions.
 */
#include "history/bk-history-private.h"

#include <string.h>

#define DAY 86400

/* The events of $1..$2, per day (from $1), class and delay. */
static const char daily_sql[] =
  "SELECT (event_time - $1) / 86400, class, CASE WHEN action = 'delayed' THEN 1 ELSE 0 END, COUNT(*)"
  " FROM events WHERE event_time >= $1 AND event_time < $2 AND class <> 'none'"
  " GROUP BY 1, 2, 3";

/* Bounces per receiving domain, class, delay and reason, in the period
 * ($2..$3) and in the one before ($1..$2). */
static const char domains_sql[] =
  "SELECT lower(domain), class, CASE WHEN action = 'delayed' THEN 1 ELSE 0 END, reason,"
  "  SUM(CASE WHEN event_time >= $2 THEN 1 ELSE 0 END), SUM(CASE WHEN event_time < $2 THEN 1 ELSE 0 END)"
  " FROM events WHERE event_time >= $1 AND event_time < $3 AND class IN ('hard', 'soft', 'policy')"
  " GROUP BY 1, 2, 3, 4";

static const char policy_daily_sql[] =
  "SELECT lower(domain), (event_time - $1) / 86400, COUNT(*)"
  " FROM events WHERE class = 'policy' AND event_time >= $1 AND event_time < $2"
  " AND (action IS NULL OR action <> 'delayed') GROUP BY 1, 2";

static const char policy_diag_sql[] =
  "SELECT lower(domain), reason, diagnostic, COUNT(*), MAX(event_time)"
  " FROM events WHERE class = 'policy' AND event_time >= $1 AND event_time < $2"
  " AND (action IS NULL OR action <> 'delayed') GROUP BY 1, 2, 3";

static const char complaints_sql[] =
  "SELECT lower(domain), feedback_type, COUNT(*)"
  " FROM events WHERE class = 'complaint' AND event_time >= $1 AND event_time < $2 GROUP BY 1, 2";

/* Counts per domain and per reason since $1 (stats --since). */
static const char stats_domain_sql[] =
  "SELECT lower(domain), class, COUNT(*) FROM events WHERE event_time >= $1 GROUP BY 1, 2";
static const char stats_reason_sql[] =
  "SELECT reason, class, COUNT(*) FROM events WHERE event_time >= $1 GROUP BY 1, 2";

/* The kinds of the daily chart, in stacking order. */
static const char *const kinds[] = { "hard", "soft", "policy", "delayed", "complaint" };
#define N_KINDS G_N_ELEMENTS (kinds)

/* kind_of - the column of an event of @klass, delayed or not; -1: none */
static int
kind_of (const char *klass, gboolean delayed)
{
  if (delayed && g_strcmp0 (klass, "complaint") != 0)
    return 3;
  for (guint k = 0; k < N_KINDS; k++)
    if (g_strcmp0 (kinds[k], klass) == 0)
      return k;
  return -1;
}

static char *
day_name (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("");
}

static char *
iso_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

static void
member_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
member_str (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  if (v)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

/* values - @table's values as an array (borrowed) */
static GPtrArray *
values (GHashTable *table)
{
  GPtrArray *out = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (out, v);
  return out;
}

static gboolean
query (BkHistory *h, const char *sql, const BkSqlParam *p, guint n, BkSqlRows **out, GError **error)
{
  return h->driver->query (h, sql, p, n, out, NULL, error);
}

/* ---- per-domain aggregation ---- */

typedef struct {
  char *domain;
  gint64 now[N_KINDS];      /* complaint column unused */
  gint64 total, previous;
  GHashTable *reasons;      /* reason -> count (period) */
} DomainRow;

static void
domain_row_free (gpointer p)
{
  DomainRow *d = p;
  g_free (d->domain);
  g_hash_table_unref (d->reasons);
  g_free (d);
}

/* by_total - most bounces first, then the previous period's, then name */
static gint
by_total (gconstpointer a, gconstpointer b)
{
  const DomainRow *x = *(DomainRow *const *) a, *y = *(DomainRow *const *) b;
  if (x->total != y->total)
    return x->total > y->total ? -1 : 1;
  if (x->previous != y->previous)
    return x->previous > y->previous ? -1 : 1;
  return strcmp (x->domain, y->domain);
}

typedef struct {
  const char *key;
  gint64 n;
} Count;

static gint
by_count (gconstpointer a, gconstpointer b)
{
  const Count *x = a, *y = b;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* add_counts_sorted - {"key": n, …} members as an array of [key, n],
 * most first */
static void
add_reasons (JsonBuilder *b, GHashTable *table)
{
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (Count));
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      Count c = { k, *(gint64 *) v };
      g_array_append_val (counts, c);
    }
  g_array_sort (counts, by_count);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (guint i = 0; i < counts->len; i++)
    {
      Count *c = &g_array_index (counts, Count, i);
      json_builder_begin_object (b);
      member_str (b, "reason", c->key);
      member_int (b, "count", c->n);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static gint64 *
counter (GHashTable *table, const char *key)
{
  gint64 *n = g_hash_table_lookup (table, key);
  if (n == NULL)
    {
      n = g_new0 (gint64, 1);
      g_hash_table_insert (table, g_strdup (key), n);
    }
  return n;
}

static gboolean
add_domains (BkHistory *h, JsonBuilder *b, gint64 prev_start, gint64 start, gint64 end, guint top,
             GError **error)
{
  BkSqlParam p[] = { BK_SQL_INT (prev_start), BK_SQL_INT (start), BK_SQL_INT (end) };
  g_autoptr (BkSqlRows) rows = NULL;
  if (!query (h, domains_sql, p, G_N_ELEMENTS (p), &rows, error))
    return FALSE;
  g_autoptr (GHashTable) by_domain = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, domain_row_free);
  for (guint i = 0; i < rows->n_rows; i++)
    {
      const char *domain = bk_sql_rows_get (rows, i, 0);
      domain = domain ? domain : "(none)";
      DomainRow *d = g_hash_table_lookup (by_domain, domain);
      if (d == NULL)
        {
          d = g_new0 (DomainRow, 1);
          d->domain = g_strdup (domain);
          d->reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (by_domain, d->domain, d);
        }
      int k = kind_of (bk_sql_rows_get (rows, i, 1), bk_sql_rows_int (rows, i, 2) != 0);
      gint64 n = bk_sql_rows_int (rows, i, 4), before = bk_sql_rows_int (rows, i, 5);
      if (k < 0)
        continue;
      d->now[k] += n;
      d->total += n;
      d->previous += before;
      const char *reason = bk_sql_rows_get (rows, i, 3);
      if (n)
        *counter (d->reasons, reason ? reason : "undefined") += n;
    }
  g_autoptr (GPtrArray) order = values (by_domain);
  g_ptr_array_sort (order, by_total);
  json_builder_set_member_name (b, "domains");
  json_builder_begin_array (b);
  for (guint i = 0; i < order->len && i < top; i++)
    {
      DomainRow *d = g_ptr_array_index (order, i);
      if (d->total == 0)
        break;
      json_builder_begin_object (b);
      member_str (b, "domain", d->domain);
      member_int (b, "total", d->total);
      for (guint k = 0; k < 4; k++)
        member_int (b, kinds[k], d->now[k]);
      member_int (b, "previous", d->previous);
      member_int (b, "change", d->total - d->previous);
      add_reasons (b, d->reasons);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  member_int (b, "domains_with_bounces", order->len);
  return TRUE;
}

/* ---- policy bounces per receiver ---- */

typedef struct {
  char *domain;
  gint64 total;
  gint64 *daily;
  GPtrArray *diags;   /* char *[4]: reason, diagnostic, count, last */
} PolicyRow;

static void
policy_row_free (gpointer p)
{
  PolicyRow *r = p;
  g_free (r->domain);
  g_free (r->daily);
  g_ptr_array_unref (r->diags);
  g_free (r);
}

static gint
policy_by_total (gconstpointer a, gconstpointer b)
{
  const PolicyRow *x = *(PolicyRow *const *) a, *y = *(PolicyRow *const *) b;
  if (x->total != y->total)
    return x->total > y->total ? -1 : 1;
  return strcmp (x->domain, y->domain);
}

/* diag_order - most frequent first, then most recent */
static gint
diag_order (gconstpointer a, gconstpointer b)
{
  const gint64 *x = *(gint64 *const *) a, *y = *(gint64 *const *) b;
  if (x[0] != y[0])
    return x[0] > y[0] ? -1 : 1;
  return x[1] > y[1] ? -1 : x[1] < y[1];
}

/* The diagnostics shown per receiver. */
#define BK_REPORT_DIAGNOSTICS 3

static gboolean
add_policy (BkHistory *h, JsonBuilder *b, gint64 start, gint64 end, guint days, guint top, GError **error)
{
  BkSqlParam p[] = { BK_SQL_INT (start), BK_SQL_INT (end) };
  g_autoptr (BkSqlRows) rows = NULL;
  g_autoptr (BkSqlRows) diags = NULL;
  if (!query (h, policy_daily_sql, p, G_N_ELEMENTS (p), &rows, error)
      || !query (h, policy_diag_sql, p, G_N_ELEMENTS (p), &diags, error))
    return FALSE;
  g_autoptr (GHashTable) by_domain = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, policy_row_free);
  for (guint i = 0; i < rows->n_rows; i++)
    {
      const char *domain = bk_sql_rows_get (rows, i, 0);
      domain = domain ? domain : "(none)";
      PolicyRow *r = g_hash_table_lookup (by_domain, domain);
      if (r == NULL)
        {
          r = g_new0 (PolicyRow, 1);
          r->domain = g_strdup (domain);
          r->daily = g_new0 (gint64, days);
          r->diags = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by_domain, r->domain, r);
        }
      gint64 day = bk_sql_rows_int (rows, i, 1), n = bk_sql_rows_int (rows, i, 2);
      if (day >= 0 && day < days)
        r->daily[day] += n;
      r->total += n;
    }
  /* diagnostics: {count, last, row} triples per domain */
  for (guint i = 0; i < diags->n_rows; i++)
    {
      const char *domain = bk_sql_rows_get (diags, i, 0);
      PolicyRow *r = g_hash_table_lookup (by_domain, domain ? domain : "(none)");
      if (r == NULL)
        continue;
      gint64 *e = g_new (gint64, 3);
      e[0] = bk_sql_rows_int (diags, i, 3);
      e[1] = bk_sql_rows_int (diags, i, 4);
      e[2] = i;
      g_ptr_array_add (r->diags, e);
    }
  g_autoptr (GPtrArray) order = values (by_domain);
  g_ptr_array_sort (order, policy_by_total);
  json_builder_set_member_name (b, "policy");
  json_builder_begin_array (b);
  for (guint i = 0; i < order->len && i < top; i++)
    {
      PolicyRow *r = g_ptr_array_index (order, i);
      json_builder_begin_object (b);
      member_str (b, "domain", r->domain);
      member_int (b, "total", r->total);
      json_builder_set_member_name (b, "daily");
      json_builder_begin_array (b);
      for (guint d = 0; d < days; d++)
        json_builder_add_int_value (b, r->daily[d]);
      json_builder_end_array (b);
      g_ptr_array_sort (r->diags, diag_order);
      json_builder_set_member_name (b, "diagnostics");
      json_builder_begin_array (b);
      for (guint d = 0; d < r->diags->len && d < BK_REPORT_DIAGNOSTICS; d++)
        {
          const gint64 *e = g_ptr_array_index (r->diags, d);
          g_autofree char *last = iso_time (e[1]);
          json_builder_begin_object (b);
          member_str (b, "reason", bk_sql_rows_get (diags, e[2], 1));
          member_str (b, "diagnostic", bk_sql_rows_get (diags, e[2], 2));
          member_int (b, "count", e[0]);
          member_str (b, "last", last);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

static gboolean
add_complaints (BkHistory *h, JsonBuilder *b, gint64 start, gint64 end, GError **error)
{
  BkSqlParam p[] = { BK_SQL_INT (start), BK_SQL_INT (end) };
  g_autoptr (BkSqlRows) rows = NULL;
  if (!query (h, complaints_sql, p, G_N_ELEMENTS (p), &rows, error))
    return FALSE;
  g_autoptr (GHashTable) by_domain = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 total = 0;
  for (guint i = 0; i < rows->n_rows; i++)
    {
      const char *domain = bk_sql_rows_get (rows, i, 0), *type = bk_sql_rows_get (rows, i, 1);
      gint64 n = bk_sql_rows_int (rows, i, 2);
      *counter (by_domain, domain ? domain : "(none)") += n;
      *counter (by_type, type ? type : "(none)") += n;
      total += n;
    }
  json_builder_set_member_name (b, "complaints");
  json_builder_begin_object (b);
  member_int (b, "total", total);
  GHashTable *tables[] = { by_domain, by_type };
  const char *names[] = { "by_domain", "by_type" }, *keys[] = { "domain", "type" };
  for (guint t = 0; t < 2; t++)
    {
      g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (Count));
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, tables[t]);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          Count c = { k, *(gint64 *) v };
          g_array_append_val (counts, c);
        }
      g_array_sort (counts, by_count);
      json_builder_set_member_name (b, names[t]);
      json_builder_begin_array (b);
      for (guint i = 0; i < counts->len; i++)
        {
          json_builder_begin_object (b);
          member_str (b, keys[t], g_array_index (counts, Count, i).key);
          member_int (b, "count", g_array_index (counts, Count, i).n);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

/* ---- the suppression list, now and at points over the period ----
 *
 * `suppress --now T` runs one query over the whole history per T; a
 * trend of several points would take several such passes. Instead the
 * events are read once (a plain table scan) and the rule is applied here
 * to each point: the same reset (the later of the address's last
 * delivery up to that point and its last `forgive` up to it), the same counts (hard
 * and complaints since the reset, soft and policy within the window, up
 * to T), the same latest event (time, then message key), and the same
 * decision (bk_history_suppress_why). tests/report/test_report.py holds
 * every point equal to `suppress --now`. Addresses group as the schema's
 * NOCASE collation groups them: ASCII case folded. */

static const char suppress_events_sql[] =
  "SELECT address, class, reason, event_time, message_key FROM events"
  " WHERE class <> 'none' OR reason = 'delivered'";
static const char forgiven_sql[] = "SELECT address, forgiven_time FROM forgiven";

typedef struct {
  gint64 t;
  const char *klass;
  const char *reason;
  const char *key;
} Ev;

typedef struct {
  const char *address;   /* as first seen */
  gint64 forgiven;       /* its last `forgive`, 0 if none */
  GArray *events;        /* Ev */
} Addr;

static void
addr_free (gpointer p)
{
  Addr *a = p;
  g_array_unref (a->events);
  g_free (a);
}

/* evaluate - the suppression entry of @a at @so->now, or NULL */
static BkSuppressed *
evaluate (const Addr *a, const BkSuppressOptions *so)
{
  gint64 window = so->now - (gint64) so->window_days * 86400;
  guint hard = 0, soft = 0, policy = 0, complaints = 0;
  gint64 first = 0, last = 0, latest_t = 0;
  const Ev *latest = NULL;
  /* the reset as of now: the last delivery up to now, or a later forgive
   * up to now (a reset dated in the future resets nothing yet) */
  gint64 reset = 0;
  for (guint i = 0; i < a->events->len; i++)
    {
      const Ev *e = &g_array_index (a->events, Ev, i);
      if (g_strcmp0 (e->reason, "delivered") == 0 && e->t <= so->now)
        reset = MAX (reset, e->t);
    }
  if (a->forgiven > reset && a->forgiven <= so->now)
    reset = a->forgiven;
  for (guint i = 0; i < a->events->len; i++)
    {
      const Ev *e = &g_array_index (a->events, Ev, i);
      if (e->t <= reset || e->t > so->now || strcmp (e->klass, "none") == 0)
        continue;
      gboolean is_soft = strcmp (e->klass, "soft") == 0, is_policy = strcmp (e->klass, "policy") == 0;
      hard += strcmp (e->klass, "hard") == 0;
      complaints += strcmp (e->klass, "complaint") == 0;
      if (e->t >= window)
        {
          soft += is_soft;
          policy += is_policy;
          if (is_soft || (so->include_policy && is_policy))
            {
              first = first == 0 || e->t < first ? e->t : first;
              last = MAX (last, e->t);
            }
        }
      if (latest == NULL || e->t > latest->t || (e->t == latest->t && strcmp (e->key, latest->key) > 0))
        latest = e;
      latest_t = MAX (latest_t, e->t);
    }
  if (latest == NULL)
    return NULL;
  const char *why = bk_history_suppress_why (so, hard, soft, policy, complaints, first, last);
  /* only addresses, as bk_history_suppress lists them */
  if (why == NULL || !bk_history_is_address (a->address))
    return NULL;
  BkSuppressed *s = g_new0 (BkSuppressed, 1);
  s->address = g_strdup (a->address);
  s->why = why;
  s->hard = hard;
  s->soft = soft;
  s->policy = policy;
  s->complaints = complaints;
  s->last_reason = g_strdup (latest->reason);
  s->last_time = latest_t;
  return s;
}

/* by_latest - the suppression list's order in the report: the newest
 * evidence first, then the address */
static gint
by_latest (gconstpointer a, gconstpointer b)
{
  const BkSuppressed *x = *(BkSuppressed *const *) a, *y = *(BkSuppressed *const *) b;
  if (x->last_time != y->last_time)
    return x->last_time > y->last_time ? -1 : 1;
  int c = g_ascii_strcasecmp (x->address, y->address);
  return c ? c : strcmp (x->address, y->address);
}

/* The points of the suppression count's trend over the period. */
#define BK_REPORT_TREND_POINTS 6

static gboolean
add_suppression (BkHistory *h, JsonBuilder *b, const BkHistoryReportOptions *o, gint64 start,
                 GError **error)
{
  g_autoptr (BkSqlRows) rows = NULL;
  g_autoptr (BkSqlRows) forgiven = NULL;
  if (!query (h, suppress_events_sql, NULL, 0, &rows, error)
      || !query (h, forgiven_sql, NULL, 0, &forgiven, error))
    return FALSE;
  g_autoptr (GHashTable) addrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, addr_free);
  for (guint i = 0; i < rows->n_rows; i++)
    {
      const char *address = bk_sql_rows_get (rows, i, 0);
      char *folded = g_ascii_strdown (address, -1);
      Addr *a = g_hash_table_lookup (addrs, folded);
      if (a == NULL)
        {
          a = g_new0 (Addr, 1);
          a->address = address;
          a->events = g_array_new (FALSE, FALSE, sizeof (Ev));
          g_hash_table_insert (addrs, folded, a);
        }
      else
        g_free (folded);
      Ev e = { bk_sql_rows_int (rows, i, 3), bk_sql_rows_get (rows, i, 1), bk_sql_rows_get (rows, i, 2),
               bk_sql_rows_get (rows, i, 4) };
      if (e.klass == NULL || e.key == NULL)
        continue;
      g_array_append_val (a->events, e);
    }
  for (guint i = 0; i < forgiven->n_rows; i++)
    {
      g_autofree char *folded = g_ascii_strdown (bk_sql_rows_get (forgiven, i, 0), -1);
      Addr *a = g_hash_table_lookup (addrs, folded);
      gint64 t = bk_sql_rows_int (forgiven, i, 1);
      if (a && t > a->forgiven)
        a->forgiven = t;
    }
  g_autoptr (GPtrArray) all = values (addrs);
  BkSuppressOptions so = o->suppress;
  so.now = o->now;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_suppressed_free);
  for (guint i = 0; i < all->len; i++)
    {
      BkSuppressed *s = evaluate (g_ptr_array_index (all, i), &so);
      if (s)
        g_ptr_array_add (list, s);
    }
  json_builder_set_member_name (b, "suppression");
  json_builder_begin_object (b);
  member_int (b, "count", list->len);
  member_int (b, "soft_threshold", so.soft_threshold);
  member_int (b, "soft_span_days", so.soft_span_days);
  member_int (b, "window_days", so.window_days);
  /* the count as `suppress --now T` gives it, at points spread over the
   * period: its first moment, …, now */
  json_builder_set_member_name (b, "trend");
  json_builder_begin_array (b);
  guint points = MIN (BK_REPORT_TREND_POINTS, o->days + 1);
  for (guint p = 0; p < points; p++)
    {
      gint64 t = p + 1 == points ? o->now : start + (o->now - start) * (gint64) p / (points - 1);
      guint n = 0;
      so.now = t;
      for (guint i = 0; i < all->len && t != o->now; i++)
        {
          BkSuppressed *s = evaluate (g_ptr_array_index (all, i), &so);
          n += s != NULL;
          bk_suppressed_free (s);
        }
      g_autofree char *when = iso_time (t);
      json_builder_begin_object (b);
      member_str (b, "time", when);
      member_int (b, "count", t == o->now ? list->len : n);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  g_ptr_array_sort (list, by_latest);
  json_builder_set_member_name (b, "addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      const BkSuppressed *s = g_ptr_array_index (list, i);
      g_autofree char *last = iso_time (s->last_time);
      json_builder_begin_object (b);
      member_str (b, "address", s->address);
      member_str (b, "why", s->why);
      member_int (b, "hard", s->hard);
      member_int (b, "soft", s->soft);
      member_int (b, "policy", s->policy);
      member_int (b, "complaints", s->complaints);
      member_str (b, "last_reason", s->last_reason);
      member_str (b, "last_date", last);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return TRUE;
}

/**
 * BkHistoryReportOptions:
 * @days: the period: this many UTC days up to @now's, today included
 * @top: receiving domains listed (0: 15)
 * @now: the reference time (Unix seconds)
 * @suppress: the rules of the report's suppression section (its own
 *   @now is replaced by the report's)
 *
 * What bk_history_report() covers.
 *
 * Since: 0.1
 */

/**
 * bk_history_report:
 * @history: a history
 * @options: the period (days up to now), how many receivers to list, and
 *   the suppression rules
 * @error: return location for a #GError
 *
 * The numbers of a list-health report: totals of the period and of the
 * one before; bounces per day by kind (hard, soft, policy, delayed,
 * complaint); the receiving domains that bounce most, by kind and reason,
 * with the previous period's count; policy bounces per receiver per day
 * with their most frequent diagnostics; complaints by domain and type;
 * the suppression list now, with its evidence, and its count at points
 * over the period.
 *
 * Returns: (transfer full) (nullable): the report as a JSON object, or
 *   %NULL with @error set
 *
 * Since: 0.1
 */
JsonNode *
bk_history_report (BkHistory *h, const BkHistoryReportOptions *o, GError **error)
{
  g_return_val_if_fail (o->days > 0, NULL);
  guint days = o->days;
  gint64 end = (o->now / DAY + 1) * DAY;
  gint64 start = end - (gint64) days * DAY, prev_start = start - (gint64) days * DAY;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gint64 *daily = g_new0 (gint64, (gsize) days * N_KINDS);
  json_builder_begin_object (b);
  g_autofree char *now = iso_time (o->now);
  g_autofree char *first = day_name (start);
  g_autofree char *last = day_name (end - DAY);
  g_autofree char *prev_first = day_name (prev_start);
  member_str (b, "database", h->display);
  member_str (b, "now", now);
  member_int (b, "days", days);
  member_str (b, "first_day", first);
  member_str (b, "last_day", last);
  member_str (b, "previous_first_day", prev_first);

  /* per day over both periods (one pass): the period's days, and the
   * previous period's totals */
  BkSqlParam p[] = { BK_SQL_INT (prev_start), BK_SQL_INT (end) };
  g_autoptr (BkSqlRows) rows = NULL;
  if (!query (h, daily_sql, p, G_N_ELEMENTS (p), &rows, error))
    goto failed;
  gint64 totals[N_KINDS] = { 0 }, prev_totals[N_KINDS] = { 0 };
  for (guint i = 0; i < rows->n_rows; i++)
    {
      gint64 day = bk_sql_rows_int (rows, i, 0), n = bk_sql_rows_int (rows, i, 3);
      int k = kind_of (bk_sql_rows_get (rows, i, 1), bk_sql_rows_int (rows, i, 2) != 0);
      if (k < 0 || day < 0 || day >= 2 * (gint64) days)
        continue;
      if (day < days)
        prev_totals[k] += n;
      else
        {
          daily[(day - days) * N_KINDS + k] += n;
          totals[k] += n;
        }
    }
  const char *total_names[] = { "totals", "previous_totals" };
  gint64 *total_values[] = { totals, prev_totals };
  for (guint t = 0; t < 2; t++)
    {
      json_builder_set_member_name (b, total_names[t]);
      json_builder_begin_object (b);
      for (guint k = 0; k < N_KINDS; k++)
        member_int (b, kinds[k], total_values[t][k]);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "daily");
  json_builder_begin_array (b);
  for (guint d = 0; d < days; d++)
    {
      g_autofree char *name = day_name (start + (gint64) d * DAY);
      json_builder_begin_object (b);
      member_str (b, "day", name);
      for (guint k = 0; k < N_KINDS; k++)
        member_int (b, kinds[k], daily[d * N_KINDS + k]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  guint top = o->top ? o->top : 15;
  if (!add_domains (h, b, prev_start, start, end, top, error)
      || !add_policy (h, b, start, end, days, MIN (top, 6), error)
      || !add_complaints (h, b, start, end, error)
      || !add_suppression (h, b, o, start, error))
    goto failed;
  json_builder_end_object (b);
  return json_builder_get_root (b);

failed:
  g_prefix_error (error, "'%s': cannot query the history: ", h->display);
  return NULL;
}

/* counts_since - {"key": {"class": n}} of @sql since @since */
static gboolean
counts_since (BkHistory *h, JsonBuilder *b, const char *name, const char *sql, gint64 since,
              GError **error)
{
  BkSqlParam p[] = { BK_SQL_INT (since) };
  g_autoptr (BkSqlRows) rows = NULL;
  if (!query (h, sql, p, 1, &rows, error))
    return FALSE;
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; i < rows->n_rows; i++)
    {
      const char *key = bk_sql_rows_get (rows, i, 0);
      key = key ? key : "(none)";
      GHashTable *classes = g_hash_table_lookup (keys, key);
      if (classes == NULL)
        {
          classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (keys, g_strdup (key), classes);
        }
      *counter (classes, bk_sql_rows_get (rows, i, 1)) += bk_sql_rows_int (rows, i, 2);
    }
  g_autoptr (GList) names = g_list_sort (g_hash_table_get_keys (keys), (GCompareFunc) strcmp);
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (GList *l = names; l; l = l->next)
    {
      GHashTable *classes = g_hash_table_lookup (keys, l->data);
      g_autoptr (GList) cs = g_list_sort (g_hash_table_get_keys (classes), (GCompareFunc) strcmp);
      json_builder_set_member_name (b, l->data);
      json_builder_begin_object (b);
      for (GList *c = cs; c; c = c->next)
        member_int (b, c->data, *(gint64 *) g_hash_table_lookup (classes, c->data));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

/**
 * bk_history_stats_since:
 * @history: a history
 * @since: only events at or after this time (Unix seconds); 0: all
 * @error: return location for a #GError
 *
 * bk_history_stats() over the events since @since.
 *
 * Returns: (transfer full) (nullable): {"events": n, "by_domain": {domain:
 *   {class: n}}, "by_reason": {reason: {class: n}}}, or %NULL with @error
 *   set
 *
 * Since: 0.1
 */
JsonNode *
bk_history_stats_since (BkHistory *h, gint64 since, GError **error)
{
  if (since <= 0)
    return bk_history_stats (h, error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, 0);   /* set below */
  if (!counts_since (h, b, "by_domain", stats_domain_sql, since, error)
      || !counts_since (h, b, "by_reason", stats_reason_sql, since, error))
    {
      g_prefix_error (error, "'%s': cannot query the history: ", h->display);
      return NULL;
    }
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  JsonObject *o = json_node_get_object (root);
  gint64 events = 0;
  JsonObject *by_reason = json_object_get_object_member (o, "by_reason");
  g_autoptr (GList) reasons = json_object_get_members (by_reason);
  for (GList *l = reasons; l; l = l->next)
    {
      JsonObject *classes = json_object_get_object_member (by_reason, l->data);
      g_autoptr (GList) cs = json_object_get_members (classes);
      for (GList *c = cs; c; c = c->next)
        events += json_object_get_int_member (classes, c->data);
    }
  json_object_set_int_member (o, "events", events);
  return root;
}
