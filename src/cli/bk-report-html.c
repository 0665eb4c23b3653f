/* SPDX-License-Identifier: MIT */
/*
 * bk-report-html - the list-health report (bk_history_report()'s JSON) as
 * one self-contained HTML page: inline CSS and SVG, no script, no font,
 * no image or anything else fetched (a Content-Security-Policy of
 * default-src 'none' says so to the browser too). Every chart is followed
 * by the table it was drawn from, for screen readers, copying and print.
 * The layout is one column that narrows to a phone's width (tables
 * scroll sideways inside their box) and prints on A4/Letter.
 *
 * Every string from the history (domains, reasons, diagnostics,
 * addresses) is escaped with g_markup_escape_text; numbers are printed
 * as they are in the JSON, so the page and --format json agree.
 */
#include "bk-cli.h"
#include "bk-report-html.h"

#include <string.h>

/* Chart geometry, in SVG user units (the SVG scales to the page). */
#define W 720
#define LEFT 44
#define RIGHT 8
#define TOP 10
#define BOTTOM 22
/* Receivers drawn in the domains chart (the table lists them all). */
#define BK_REPORT_BARS 10
/* Addresses listed in the page (JSON has them all). */
#define BK_REPORT_ADDRESSES 200
/* A diagnostic in the page is cut to this many characters. */
#define BK_REPORT_DIAGNOSTIC_CHARS 300

static const char *const kinds[] = { "hard", "soft", "policy", "delayed", "complaint" };
static const char *const kind_labels[] = { "Hard", "Soft", "Policy", "Delayed", "Complaints" };

static const char css[] =
  ":root{--hard:#c0392b;--soft:#e08a1e;--policy:#7d3c98;--delayed:#7f8c8d;--complaint:#1f6fb2;"
  "--ink:#1d2327;--muted:#5f6b73;--line:#dde3e8;--bg:#fff}"
  "*{box-sizing:border-box}a{color:#1f5f99}"
  "body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:var(--bg)}"
  "main{max-width:60rem;margin:0 auto;padding:1rem}"
  "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:0 0 .4rem}"
  "p.meta,.note,figcaption{color:var(--muted);font-size:.85rem}"
  "section{border-top:1px solid var(--line);padding:1rem 0}"
  ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem}"
  ".tile{border:1px solid var(--line);border-radius:6px;padding:.5rem .6rem}"
  ".tile b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums}"
  ".tile span{font-size:.8rem;color:var(--muted)}"
  ".tile i{font-style:normal;font-size:.8rem}"
  ".up{color:#b03a2e}.down{color:#1e7d4f}"
  "figure{margin:.5rem 0}svg{display:block;width:100%;height:auto}"
  "svg text{font:13px system-ui,sans-serif;fill:var(--muted)}"
  "svg .grid{stroke:var(--line);stroke-width:1}"
  ".k-hard{fill:var(--hard)}.k-soft{fill:var(--soft)}.k-policy{fill:var(--policy)}"
  ".k-delayed{fill:var(--delayed)}.k-complaint{fill:var(--complaint)}"
  "polyline{fill:none;stroke:var(--policy);stroke-width:2}polyline.trend{stroke:var(--ink)}"
  ".legend{display:flex;flex-wrap:wrap;gap:.8rem;font-size:.85rem;margin:.2rem 0}"
  ".legend span::before{content:'';display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em;border-radius:2px}"
  ".legend .l-hard::before{background:var(--hard)}.legend .l-soft::before{background:var(--soft)}"
  ".legend .l-policy::before{background:var(--policy)}.legend .l-delayed::before{background:var(--delayed)}"
  ".legend .l-complaint::before{background:var(--complaint)}"
  ".table{overflow-x:auto;margin:.4rem 0}"
  "table{border-collapse:collapse;font-size:.82rem;min-width:100%}"
  "caption{text-align:left;font-weight:600;padding:.2rem 0;color:var(--ink)}"
  "th,td{padding:.2rem .45rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}"
  "tbody th{white-space:nowrap}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
  "td.diag{overflow-wrap:anywhere;min-width:14rem}"
  "details>summary{cursor:pointer;color:var(--muted);font-size:.85rem}"
  "@media (max-width:40rem){main{padding:.6rem}body{font-size:14px}}"
  "@media print{body{font-size:10pt}main{max-width:none;padding:0}"
  "section{break-inside:avoid-page}.table{overflow:visible}"
  "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}details>summary{display:none}}";

static void
esc (GString *out, const char *text)
{
  g_autofree char *e = g_markup_escape_text (text ? text : "", -1);
  g_string_append (out, e);
}

/* nice_max - the axis top: @v rounded up to 1, 2 or 5 times a power of ten */
static gint64
nice_max (gint64 v)
{
  if (v <= 0)
    return 1;
  gint64 p = 1;
  while (p * 10 <= v)
    p *= 10;
  for (gint64 m = 1;; m = m == 1 ? 2 : m == 2 ? 5 : 10)
    if (m * p >= v)
      return m * p;
}

/* str_at - a string member, NULL when absent or null */
static const char *
str_at (JsonObject *o, const char *name)
{
  return json_object_has_member (o, name) ? json_object_get_string_member (o, name) : NULL;
}

static gint64
int_at (JsonObject *o, const char *name)
{
  return json_object_has_member (o, name) ? json_object_get_int_member (o, name) : 0;
}

/* change - "+3", "−2", "±0" and the class that colours it (more bounces
 * is worse) */
static void
change (GString *out, gint64 now, gint64 before)
{
  gint64 d = now - before;
  const char *cls = d > 0 ? "up" : d < 0 ? "down" : "";
  g_string_append_printf (out, "<i class=\"%s\">%s%" G_GINT64_FORMAT, cls, d > 0 ? "+" : d < 0 ? "−" : "±",
                          d < 0 ? -d : d);
  if (before > 0)
    g_string_append_printf (out, " (%+.0f%%)", 100.0 * d / before);
  g_string_append (out, "</i>");
}

static void
legend (GString *out, guint first, guint last)
{
  g_string_append (out, "<div class=\"legend\" aria-hidden=\"true\">");
  for (guint k = first; k <= last; k++)
    g_string_append_printf (out, "<span class=\"l-%s\">%s</span>", kinds[k], kind_labels[k]);
  g_string_append (out, "</div>");
}

/* axis - horizontal grid lines at 0, half and @max, labelled */
static void
axis (GString *out, gint64 max, int height)
{
  int plot = height - TOP - BOTTOM;
  for (int i = 0; i <= 2; i++)
    {
      double y = TOP + plot - plot * i / 2.0;
      g_string_append_printf (out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT,
                              W - RIGHT, y, y);
      g_string_append_printf (out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%" G_GINT64_FORMAT "</text>",
                              LEFT - 4, y + 4, max * i / 2);
    }
}

/* day_labels - the first, middle and last day under a chart */
static void
day_labels (GString *out, JsonArray *daily, int height)
{
  guint n = json_array_get_length (daily);
  double step = (double) (W - LEFT - RIGHT) / n;
  guint at[] = { 0, n / 2, n - 1 };
  const char *anchor[] = { "start", "middle", "end" };
  for (guint i = 0; i < 3; i++)
    {
      if (n < 3 && i == 1)
        continue;
      JsonObject *d = json_array_get_object_element (daily, at[i]);
      double x = i == 0 ? LEFT : i == 2 ? W - RIGHT : LEFT + step * (at[i] + 0.5);
      g_string_append_printf (out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">", x, height - 6, anchor[i]);
      esc (out, json_object_get_string_member (d, "day"));
      g_string_append (out, "</text>");
    }
}

/* bars - a bar per day stacking the kinds [first, last] of @daily */
static void
bars (GString *out, JsonArray *daily, guint first, guint last, int height, const char *label)
{
  guint n = json_array_get_length (daily);
  gint64 top = 0;
  for (guint d = 0; d < n; d++)
    {
      JsonObject *o = json_array_get_object_element (daily, d);
      gint64 sum = 0;
      for (guint k = first; k <= last; k++)
        sum += int_at (o, kinds[k]);
      top = MAX (top, sum);
    }
  top = nice_max (top);
  int plot = height - TOP - BOTTOM;
  double step = (double) (W - LEFT - RIGHT) / n;
  g_string_append_printf (out, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, height);
  esc (out, label);
  g_string_append (out, "\">");
  axis (out, top, height);
  for (guint d = 0; d < n; d++)
    {
      JsonObject *o = json_array_get_object_element (daily, d);
      double y = TOP + plot;
      for (guint k = first; k <= last; k++)
        {
          gint64 v = int_at (o, kinds[k]);
          if (v == 0)
            continue;
          double h = (double) plot * v / top;
          y -= h;
          g_string_append_printf (out, "<rect class=\"k-%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>",
                                  kinds[k], LEFT + step * d + step * 0.1, y, step * 0.8, h);
          esc (out, json_object_get_string_member (o, "day"));
          g_string_append_printf (out, ": %s %" G_GINT64_FORMAT "</title></rect>", kinds[k], v);
        }
    }
  day_labels (out, daily, height);
  g_string_append (out, "</svg>");
}

static void
table_open (GString *out, const char *id, const char *caption)
{
  g_string_append_printf (out, "<div class=\"table\"><table id=\"%s\"><caption>", id);
  esc (out, caption);
  g_string_append (out, "</caption>");
}

static void
table_close (GString *out)
{
  g_string_append (out, "</table></div>");
}

static void
td_int (GString *out, gint64 v)
{
  g_string_append_printf (out, "<td class=\"n\">%" G_GINT64_FORMAT "</td>", v);
}

static void
td_text (GString *out, const char *text, const char *cls)
{
  if (cls)
    g_string_append_printf (out, "<td class=\"%s\">", cls);
  else
    g_string_append (out, "<td>");
  esc (out, text);
  g_string_append (out, "</td>");
}

/* ---- sections ---- */

static void
summary (GString *out, JsonObject *r)
{
  JsonObject *now = json_object_get_object_member (r, "totals");
  JsonObject *before = json_object_get_object_member (r, "previous_totals");
  JsonObject *sup = json_object_get_object_member (r, "suppression");
  JsonArray *trend = json_object_get_array_member (sup, "trend");
  g_string_append (out, "<section id=\"summary\"><h2>This period</h2><div class=\"tiles\">");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      gint64 v = int_at (now, kinds[k]);
      g_string_append_printf (out, "<div class=\"tile\" id=\"tile-%s\"><span>%s</span><b>%" G_GINT64_FORMAT "</b>",
                              kinds[k], kind_labels[k], v);
      change (out, v, int_at (before, kinds[k]));
      g_string_append (out, " <span>vs previous</span></div>");
    }
  gint64 count = int_at (sup, "count");
  gint64 first = int_at (json_array_get_object_element (trend, 0), "count");
  g_string_append_printf (out, "<div class=\"tile\" id=\"tile-suppress\"><span>To suppress</span><b>%" G_GINT64_FORMAT "</b>",
                          count);
  change (out, count, first);
  g_string_append (out, " <span>since period start</span></div></div></section>");
}

static void
daily_section (GString *out, JsonObject *r)
{
  JsonArray *daily = json_object_get_array_member (r, "daily");
  g_string_append (out, "<section id=\"daily\"><h2>Bounces per day</h2>");
  legend (out, 0, 2);
  g_string_append (out, "<figure>");
  bars (out, daily, 0, 2, 220, "Failures per day, stacked: hard, soft, policy");
  g_string_append (out, "<figcaption>Failed deliveries per day (UTC), stacked by class. Delays are below, apart.</figcaption></figure>");
  legend (out, 3, 3);
  g_string_append (out, "<figure>");
  bars (out, daily, 3, 3, 120, "Delays per day");
  g_string_append (out, "<figcaption>Delivery delays (warnings, not failures) per day.</figcaption></figure>");
  g_string_append (out, "<p class=\"note\"><a href=\"#daily-table\">The numbers per day</a> are in the tables at the end.</p></section>");
}

/* daily_table - the numbers of the per-day charts */
static void
daily_table (GString *out, JsonObject *r)
{
  JsonArray *daily = json_object_get_array_member (r, "daily");
  table_open (out, "daily-table", "Events per day");
  g_string_append (out, "<thead><tr><th scope=\"col\">Day</th>");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    g_string_append_printf (out, "<th scope=\"col\" class=\"n\">%s</th>", kind_labels[k]);
  g_string_append (out, "</tr></thead><tbody>");
  for (guint d = 0; d < json_array_get_length (daily); d++)
    {
      JsonObject *o = json_array_get_object_element (daily, d);
      g_string_append (out, "<tr><th scope=\"row\">");
      esc (out, json_object_get_string_member (o, "day"));
      g_string_append (out, "</th>");
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        td_int (out, int_at (o, kinds[k]));
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</tbody>");
  table_close (out);
}

/* label - @text cut to @max characters for a chart label */
static void
label (GString *out, const char *text, glong max)
{
  if (g_utf8_strlen (text, -1) <= max)
    {
      esc (out, text);
      return;
    }
  g_autofree char *cut = g_utf8_substring (text, 0, max - 1);
  esc (out, cut);
  g_string_append (out, "…");
}

static void
domains_section (GString *out, JsonObject *r)
{
  JsonArray *domains = json_object_get_array_member (r, "domains");
  guint n = json_array_get_length (domains);
  g_string_append (out, "<section id=\"domains\"><h2>Receiving domains that bounce most</h2>");
  if (n == 0)
    {
      g_string_append (out, "<p>No bounces in this period.</p></section>");
      return;
    }
  legend (out, 0, 3);
  guint drawn = MIN (n, BK_REPORT_BARS);
  int row = 24, height = TOP + row * drawn + 4, labels = 190;
  gint64 top = 0;
  for (guint i = 0; i < drawn; i++)
    top = MAX (top, int_at (json_array_get_object_element (domains, i), "total"));
  g_string_append_printf (out, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Bounces per receiving domain, by class\">",
                          W, height);
  for (guint i = 0; i < drawn; i++)
    {
      JsonObject *d = json_array_get_object_element (domains, i);
      double y = TOP + row * i, x = labels;
      g_string_append_printf (out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", labels - 6, y + 15);
      label (out, json_object_get_string_member (d, "domain"), 26);
      g_string_append (out, "</text>");
      for (guint k = 0; k < 4; k++)
        {
          gint64 v = int_at (d, kinds[k]);
          if (v == 0)
            continue;
          double w = (double) (W - labels - RIGHT - 50) * v / top;
          g_string_append_printf (out, "<rect class=\"k-%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\"><title>",
                                  kinds[k], x, y + 3, w, row - 8);
          esc (out, json_object_get_string_member (d, "domain"));
          g_string_append_printf (out, ": %s %" G_GINT64_FORMAT "</title></rect>", kinds[k], v);
          x += w;
        }
      g_string_append_printf (out, "<text x=\"%.1f\" y=\"%.1f\">%" G_GINT64_FORMAT "</text>", x + 4, y + 15,
                              int_at (d, "total"));
    }
  g_string_append (out, "</svg><figcaption>Bounces (failures and delays) per receiving domain in this period.</figcaption></figure>");
  table_open (out, "domains-table", "Receiving domains, with the change against the previous period");
  g_string_append (out, "<thead><tr><th scope=\"col\">Domain</th><th scope=\"col\" class=\"n\">Bounces</th>"
                        "<th scope=\"col\" class=\"n\">Previous</th><th scope=\"col\" class=\"n\">Change</th>");
  for (guint k = 0; k < 4; k++)
    g_string_append_printf (out, "<th scope=\"col\" class=\"n\">%s</th>", kind_labels[k]);
  g_string_append (out, "<th scope=\"col\">Reasons</th></tr></thead><tbody>");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *d = json_array_get_object_element (domains, i);
      g_string_append (out, "<tr><th scope=\"row\">");
      esc (out, json_object_get_string_member (d, "domain"));
      g_string_append (out, "</th>");
      td_int (out, int_at (d, "total"));
      td_int (out, int_at (d, "previous"));
      g_string_append (out, "<td class=\"n\">");
      change (out, int_at (d, "total"), int_at (d, "previous"));
      g_string_append (out, "</td>");
      for (guint k = 0; k < 4; k++)
        td_int (out, int_at (d, kinds[k]));
      g_string_append (out, "<td>");
      JsonArray *reasons = json_object_get_array_member (d, "reasons");
      for (guint j = 0; j < json_array_get_length (reasons); j++)
        {
          JsonObject *re = json_array_get_object_element (reasons, j);
          if (j)
            g_string_append (out, ", ");
          esc (out, json_object_get_string_member (re, "reason"));
          g_string_append_printf (out, " %" G_GINT64_FORMAT, int_at (re, "count"));
        }
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody>");
  table_close (out);
  g_string_append_printf (out, "<p class=\"note\">%" G_GINT64_FORMAT " domains bounced in this period; the %u that bounced most are listed.</p></section>",
                          int_at (r, "domains_with_bounces"), n);
}

static void
policy_section (GString *out, JsonObject *r)
{
  JsonArray *policy = json_object_get_array_member (r, "policy");
  JsonArray *daily = json_object_get_array_member (r, "daily");
  guint n = json_array_get_length (policy), days = json_array_get_length (daily);
  g_string_append (out, "<section id=\"policy\"><h2>Policy bounces by receiver</h2>"
                        "<p class=\"note\">Receivers refusing this sender or its content (blocks, spam filters, authentication): reputation to fix, not addresses to remove.</p>");
  if (n == 0)
    {
      g_string_append (out, "<p>No policy bounces in this period.</p></section>");
      return;
    }
  gint64 top = 0;
  for (guint i = 0; i < n; i++)
    {
      JsonArray *a = json_object_get_array_member (json_array_get_object_element (policy, i), "daily");
      for (guint d = 0; d < json_array_get_length (a); d++)
        top = MAX (top, json_array_get_int_element (a, d));
    }
  top = nice_max (top);
  int row = 34, labels = 190, height = TOP + row * n + BOTTOM;
  double step = (double) (W - labels - RIGHT - 50) / MAX (days - 1, 1);
  g_string_append_printf (out, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Policy bounces per day, one line per receiver\">",
                          W, height);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *p = json_array_get_object_element (policy, i);
      JsonArray *a = json_object_get_array_member (p, "daily");
      double base = TOP + row * (i + 1) - 6;
      g_string_append_printf (out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", labels,
                              W - RIGHT - 50, base, base);
      g_string_append_printf (out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", labels - 6, base);
      label (out, json_object_get_string_member (p, "domain"), 26);
      g_string_append (out, "</text><polyline points=\"");
      for (guint d = 0; d < json_array_get_length (a); d++)
        g_string_append_printf (out, "%.1f,%.1f ", labels + step * d,
                                base - (double) (row - 10) * json_array_get_int_element (a, d) / top);
      g_string_append (out, "\"><title>");
      esc (out, json_object_get_string_member (p, "domain"));
      g_string_append_printf (out, ": %" G_GINT64_FORMAT " policy bounces</title></polyline>", int_at (p, "total"));
      g_string_append_printf (out, "<text x=\"%d\" y=\"%.1f\">%" G_GINT64_FORMAT "</text>", W - RIGHT - 44, base,
                              int_at (p, "total"));
    }
  day_labels (out, daily, height);
  g_string_append_printf (out, "</svg><figcaption>Policy bounces per day for each receiver (one line each, common scale: top %" G_GINT64_FORMAT " a day).</figcaption></figure>",
                          top);
  g_string_append (out, "<p class=\"note\"><a href=\"#policy-table\">The numbers per receiver and day</a> are in the tables at the end.</p>");
  table_open (out, "policy-diagnostics", "What the receivers said (most frequent diagnostics)");
  g_string_append (out, "<thead><tr><th scope=\"col\">Domain</th><th scope=\"col\">Reason</th><th scope=\"col\" class=\"n\">Count</th>"
                        "<th scope=\"col\">Last</th><th scope=\"col\">Diagnostic</th></tr></thead><tbody>");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *p = json_array_get_object_element (policy, i);
      JsonArray *diags = json_object_get_array_member (p, "diagnostics");
      for (guint j = 0; j < json_array_get_length (diags); j++)
        {
          JsonObject *d = json_array_get_object_element (diags, j);
          const char *text = str_at (d, "diagnostic");
          g_autofree char *cut = g_strdup (text ? text : "(none)");
          if (g_utf8_strlen (cut, -1) > BK_REPORT_DIAGNOSTIC_CHARS)
            {
              g_autofree char *head = g_utf8_substring (cut, 0, BK_REPORT_DIAGNOSTIC_CHARS);
              g_free (cut);
              cut = g_strconcat (head, "…", NULL);
            }
          g_string_append (out, "<tr>");
          td_text (out, json_object_get_string_member (p, "domain"), NULL);
          td_text (out, str_at (d, "reason"), NULL);
          td_int (out, int_at (d, "count"));
          td_text (out, json_object_get_string_member (d, "last"), NULL);
          td_text (out, cut, "diag");
          g_string_append (out, "</tr>");
        }
    }
  g_string_append (out, "</tbody>");
  table_close (out);
  g_string_append (out, "</section>");
}

/* policy_table - the numbers of the per-receiver lines */
static void
policy_table (GString *out, JsonObject *r)
{
  JsonArray *policy = json_object_get_array_member (r, "policy");
  JsonArray *daily = json_object_get_array_member (r, "daily");
  guint n = json_array_get_length (policy), days = json_array_get_length (daily);
  if (n == 0)
    return;
  table_open (out, "policy-table", "Policy bounces per receiver per day");
  g_string_append (out, "<thead><tr><th scope=\"col\">Domain</th><th scope=\"col\" class=\"n\">Total</th>");
  for (guint d = 0; d < days; d++)
    {
      const char *day = json_object_get_string_member (json_array_get_object_element (daily, d), "day");
      g_string_append (out, "<th scope=\"col\" class=\"n\">");
      esc (out, strlen (day) == 10 ? day + 5 : day);
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr></thead><tbody>");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *p = json_array_get_object_element (policy, i);
      JsonArray *a = json_object_get_array_member (p, "daily");
      g_string_append (out, "<tr><th scope=\"row\">");
      esc (out, json_object_get_string_member (p, "domain"));
      g_string_append (out, "</th>");
      td_int (out, int_at (p, "total"));
      for (guint d = 0; d < json_array_get_length (a); d++)
        td_int (out, json_array_get_int_element (a, d));
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</tbody>");
  table_close (out);
}

static void
complaints_section (GString *out, JsonObject *r)
{
  JsonObject *c = json_object_get_object_member (r, "complaints");
  g_string_append (out, "<section id=\"complaints\"><h2>Complaints</h2>");
  if (int_at (c, "total") == 0)
    {
      g_string_append (out, "<p>No complaints (feedback reports) in this period.</p></section>");
      return;
    }
  g_string_append (out, "<figure>");
  bars (out, json_object_get_array_member (r, "daily"), 4, 4, 120, "Complaints per day");
  g_string_append_printf (out, "<figcaption>%" G_GINT64_FORMAT " complaints (feedback reports) in this period, per day; the numbers are in the table of events per day.</figcaption></figure>",
                          int_at (c, "total"));
  const char *names[] = { "by_domain", "by_type" }, *keys[] = { "domain", "type" };
  const char *ids[] = { "complaints-domains", "complaints-types" };
  const char *captions[] = { "Complaints per domain", "Complaints per feedback type" };
  for (guint t = 0; t < 2; t++)
    {
      JsonArray *a = json_object_get_array_member (c, names[t]);
      table_open (out, ids[t], captions[t]);
      g_string_append_printf (out, "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"n\">Count</th></tr></thead><tbody>",
                              t ? "Type" : "Domain");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          g_string_append (out, "<tr>");
          td_text (out, json_object_get_string_member (o, keys[t]), NULL);
          td_int (out, int_at (o, "count"));
          g_string_append (out, "</tr>");
        }
      g_string_append (out, "</tbody>");
      table_close (out);
    }
  g_string_append (out, "</section>");
}

static void
suppression_section (GString *out, JsonObject *r)
{
  JsonObject *s = json_object_get_object_member (r, "suppression");
  JsonArray *trend = json_object_get_array_member (s, "trend");
  JsonArray *list = json_object_get_array_member (s, "addresses");
  guint points = json_array_get_length (trend), n = json_array_get_length (list);
  g_string_append_printf (out, "<section id=\"suppression\"><h2>Addresses to suppress now: %" G_GINT64_FORMAT "</h2>",
                          int_at (s, "count"));
  g_string_append_printf (out, "<p class=\"note\">What <code>bouncekit suppress</code> lists: any hard bounce or complaint, or %" G_GINT64_FORMAT
                               " soft bounces over at least %" G_GINT64_FORMAT " days within %" G_GINT64_FORMAT " days, since the address's last delivery or reset.</p>",
                          int_at (s, "soft_threshold"), int_at (s, "soft_span_days"), int_at (s, "window_days"));
  gint64 top = 0;
  for (guint i = 0; i < points; i++)
    top = MAX (top, int_at (json_array_get_object_element (trend, i), "count"));
  top = nice_max (top);
  int height = 160, plot = height - TOP - BOTTOM;
  double step = (double) (W - LEFT - RIGHT - 20) / MAX (points - 1, 1);
  g_string_append_printf (out, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Suppression list size over the period\">",
                          W, height);
  axis (out, top, height);
  g_string_append (out, "<polyline class=\"trend\" points=\"");
  for (guint i = 0; i < points; i++)
    g_string_append_printf (out, "%.1f,%.1f ", LEFT + 10 + step * i,
                            TOP + plot - (double) plot * int_at (json_array_get_object_element (trend, i), "count") / top);
  g_string_append (out, "\"/>");
  for (guint i = 0; i < points; i++)
    {
      JsonObject *t = json_array_get_object_element (trend, i);
      double x = LEFT + 10 + step * i, y = TOP + plot - (double) plot * int_at (t, "count") / top;
      g_string_append_printf (out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, y, x,
                              height - 6);
      g_autofree char *day = g_strndup (json_object_get_string_member (t, "time"), 10);
      esc (out, day);
      g_string_append (out, "</text>");
    }
  g_string_append (out, "</svg><figcaption>How many addresses the suppression list held at points over the period.</figcaption></figure>");
  table_open (out, "suppression-trend", "Suppression list size");
  g_string_append (out, "<thead><tr><th scope=\"col\">At</th><th scope=\"col\" class=\"n\">Addresses</th></tr></thead><tbody>");
  for (guint i = 0; i < points; i++)
    {
      JsonObject *t = json_array_get_object_element (trend, i);
      g_string_append (out, "<tr>");
      td_text (out, json_object_get_string_member (t, "time"), NULL);
      td_int (out, int_at (t, "count"));
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</tbody>");
  table_close (out);
  if (n == 0)
    {
      g_string_append (out, "</section>");
      return;
    }
  table_open (out, "suppression-addresses", n > BK_REPORT_ADDRESSES
                                               ? "Addresses, newest evidence first (the first 200; bouncekit suppress lists all)"
                                               : "Addresses, newest evidence first");
  g_string_append (out, "<thead><tr><th scope=\"col\">Address</th><th scope=\"col\">Why</th><th scope=\"col\" class=\"n\">Hard</th>"
                        "<th scope=\"col\" class=\"n\">Soft</th><th scope=\"col\" class=\"n\">Policy</th><th scope=\"col\" class=\"n\">Complaints</th>"
                        "<th scope=\"col\">Last reason</th><th scope=\"col\">Last</th></tr></thead><tbody>");
  for (guint i = 0; i < n && i < BK_REPORT_ADDRESSES; i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);
      g_string_append (out, "<tr>");
      td_text (out, json_object_get_string_member (a, "address"), NULL);
      td_text (out, json_object_get_string_member (a, "why"), NULL);
      td_int (out, int_at (a, "hard"));
      td_int (out, int_at (a, "soft"));
      td_int (out, int_at (a, "policy"));
      td_int (out, int_at (a, "complaints"));
      td_text (out, str_at (a, "last_reason"), NULL);
      td_text (out, json_object_get_string_member (a, "last_date"), NULL);
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</tbody>");
  table_close (out);
  g_string_append (out, "</section>");
}

/**
 * bk_report_html:
 * @report: bk_history_report()'s object
 *
 * Returns: (transfer full): the page
 */
char *
bk_report_html (JsonNode *report)
{
  JsonObject *r = json_node_get_object (report);
  GString *out = g_string_sized_new (64 * 1024);
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
                        "<meta name=\"generator\" content=\"bouncekit " BK_VERSION "\"><title>List health: ");
  esc (out, json_object_get_string_member (r, "first_day"));
  g_string_append (out, " to ");
  esc (out, json_object_get_string_member (r, "last_day"));
  g_string_append_printf (out, "</title><style>%s</style></head><body><main><header><h1>List health</h1><p class=\"meta\">", css);
  esc (out, json_object_get_string_member (r, "first_day"));
  g_string_append (out, " to ");
  esc (out, json_object_get_string_member (r, "last_day"));
  g_string_append_printf (out, " (%" G_GINT64_FORMAT " days, UTC), compared with the %" G_GINT64_FORMAT " days before · history ",
                          int_at (r, "days"), int_at (r, "days"));
  esc (out, json_object_get_string_member (r, "database"));
  g_string_append (out, " · as of ");
  esc (out, json_object_get_string_member (r, "now"));
  g_string_append (out, "</p></header>");
  summary (out, r);
  daily_section (out, r);
  domains_section (out, r);
  policy_section (out, r);
  complaints_section (out, r);
  suppression_section (out, r);
  g_string_append (out, "<section id=\"data\"><h2>The numbers behind the charts</h2>");
  daily_table (out, r);
  policy_table (out, r);
  g_string_append (out, "</section>");
  g_string_append (out, "<footer><p class=\"note\">Made by bouncekit " BK_VERSION " (<code>bouncekit report</code>); the same numbers: <code>--format json</code>.</p></footer></main></body></html>\n");
  return g_string_free (out, FALSE);
}
