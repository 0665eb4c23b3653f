/* SPDX-License-Identifier: MIT */
/*
 * bk-output - one recipient as a JSON line, a text line or a CSV row.
 *
 * All three carry DESIGN's fields in the same order. JSON comes from the
 * library (bk-json-line.c: json-glib's escaping, without building a
 * tree). CSV goes through bk-csv.c (quoting, and the guard against cells
 * a spreadsheet would run). Text output replaces control
 * characters so a hostile diagnostic cannot drive the terminal.
 */
#include "bk-cli.h"

#include <string.h>

static const char *const field_names[] = {
  "source", "index", "recipient", "original_recipient", "action", "status",
  "reply_code", "class", "reason", "diagnostic", "diagnostic_type",
  "remote_mta", "reporting_mta", "mta", "feedback_type", "date",
  "original_message_id", "original_from", "original_subject", "list_id", "rule",
};

gboolean
bk_output_parse_format (const char *name, BkOutputFormat *out_format)
{
  if (name == NULL || strcmp (name, "json") == 0)
    *out_format = BK_FORMAT_JSON;
  else if (strcmp (name, "text") == 0)
    *out_format = BK_FORMAT_TEXT;
  else if (strcmp (name, "csv") == 0)
    *out_format = BK_FORMAT_CSV;
  else
    return FALSE;
  return TRUE;
}

void
bk_output_header (FILE *out, BkOutputFormat format)
{
  if (format == BK_FORMAT_CSV)
    bk_csv_header (out, field_names, G_N_ELEMENTS (field_names));
}

/* bk_output_member_string - a JSON member as text, or NULL for null */
char *
bk_output_member_string (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup (json_node_get_string (node));
}

/* bk_output_csv_row - the members @names of @obj as one CSV row */
void
bk_output_csv_row (JsonObject *obj, const char *const *names, guint n, FILE *out)
{
  BkCsvRow row;
  bk_csv_row_init (&row);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *v = bk_output_member_string (obj, names[i]);
      bk_csv_add (&row, v);
    }
  bk_csv_row_write (&row, out);
}

void
bk_output_recipient (FILE *out, BkOutputFormat format, const BkReport *report,
                     const BkRecipient *rcpt, const char *source, gint64 index)
{
  if (format == BK_FORMAT_JSON)
    {
      g_autoptr (GString) line = g_string_sized_new (512);
      bk_report_recipient_write_json (line, report, rcpt, source, index);
      g_string_append_c (line, '\n');
      fwrite (line->str, 1, line->len, out);
      return;
    }
  g_autoptr (JsonNode) node = bk_report_recipient_to_json (report, rcpt, source, index);
  JsonObject *obj = json_node_get_object (node);
  if (format == BK_FORMAT_CSV)
    {
      bk_output_csv_row (obj, field_names, G_N_ELEMENTS (field_names), out);
      return;
    }
  /* text: a readable line, then the non-null fields indented */
  g_autofree char *where = index > 0 ? g_strdup_printf ("%s#%" G_GINT64_FORMAT, source, index)
                                     : g_strdup (source);
  g_autofree char *w = bk_cli_printable (where);
  g_autofree char *r = bk_cli_printable (rcpt->recipient ? rcpt->recipient : "(unknown)");
  fprintf (out, "%s: %s %s %s\n", w, r, bk_bounce_class_to_string (rcpt->klass),
           rcpt->reason ? rcpt->reason : "-");
  for (guint i = 3; i < G_N_ELEMENTS (field_names); i++)
    {
      g_autofree char *v = bk_output_member_string (obj, field_names[i]);
      if (v == NULL)
        continue;
      g_autofree char *safe = bk_cli_printable (v);
      fprintf (out, "  %-20s %s\n", field_names[i], safe);
    }
}
