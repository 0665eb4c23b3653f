/* SPDX-License-Identifier: MIT */
/*
 * bk-output - one recipient as a JSON line, a text line or a CSV row.
 *
 * All three carry DESIGN's fields in the same order. JSON comes from the
 * library (json-glib escapes). CSV quotes every cell (RFC 4180) and
 * neutralises cells a spreadsheet would run as a formula (leading =, +, -,
 * @, tab, CR) with a leading apostrophe. Text output replaces control
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
  if (format != BK_FORMAT_CSV)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    fprintf (out, "%s%s", i ? "," : "", field_names[i]);
  fputs ("\r\n", out);
}

static void
csv_cell (GString *line, gboolean first, const char *value)
{
  if (!first)
    g_string_append_c (line, ',');
  if (value == NULL)
    return;
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  g_string_append_c (line, '"');
  if (strchr ("=+-@\t\r", valid[0]) && valid[0] != '\0')
    g_string_append_c (line, '\'');
  for (const char *p = valid; *p; p++)
    {
      if (*p == '"')
        g_string_append (line, "\"\"");
      else if ((unsigned char) *p < 0x20 || *p == 0x7f)
        g_string_append_c (line, ' ');
      else
        g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/* member_string - a JSON member as text, or NULL for null */
static char *
member_string (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup (json_node_get_string (node));
}

void
bk_output_recipient (FILE *out, BkOutputFormat format, const BkReport *report,
                     const BkRecipient *rcpt, const char *source, gint64 index)
{
  g_autoptr (JsonNode) node = bk_report_recipient_to_json (report, rcpt, source, index);
  if (format == BK_FORMAT_JSON)
    {
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      json_generator_set_root (gen, node);
      g_autofree char *line = json_generator_to_data (gen, NULL);
      fputs (line, out);
      fputc ('\n', out);
      return;
    }
  JsonObject *obj = json_node_get_object (node);
  if (format == BK_FORMAT_CSV)
    {
      g_autoptr (GString) line = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
        {
          g_autofree char *v = member_string (obj, field_names[i]);
          csv_cell (line, i == 0, v);
        }
      fputs (line->str, out);
      fputs ("\r\n", out);
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
      g_autofree char *v = member_string (obj, field_names[i]);
      if (v == NULL)
        continue;
      g_autofree char *safe = bk_cli_printable (v);
      fprintf (out, "  %-20s %s\n", field_names[i], safe);
    }
}
