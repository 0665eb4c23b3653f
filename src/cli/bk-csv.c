/* SPDX-License-Identifier: MIT */
/*
 * bk-csv - the one CSV writer of every command (scan, suppress, stats).
 *
 * RFC 4180: every cell quoted, quotes doubled, rows end in CRLF. Cells
 * come from mail (addresses, diagnostics), so two more rules: control
 * characters become spaces (one row stays one line), and a cell a
 * spreadsheet would run as a formula (leading =, +, -, @, tab, CR) gets
 * a leading apostrophe, which spreadsheets show as text. A NULL value is
 * an empty, unquoted cell, so "absent" and "empty" stay apart.
 */
#include "bk-cli.h"

#include <string.h>

void
bk_csv_row_init (BkCsvRow *row)
{
  row->line = g_string_new (NULL);
  row->cells = 0;
}

/* bk_csv_add - append one cell; @value NULL is an empty cell */
void
bk_csv_add (BkCsvRow *row, const char *value)
{
  if (row->cells++)
    g_string_append_c (row->line, ',');
  if (value == NULL)
    return;
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  g_string_append_c (row->line, '"');
  if (valid[0] != '\0' && strchr ("=+-@\t\r", valid[0]))
    g_string_append_c (row->line, '\'');
  for (const char *p = valid; *p; p++)
    {
      if (*p == '"')
        g_string_append (row->line, "\"\"");
      else if ((unsigned char) *p < 0x20 || *p == 0x7f)
        g_string_append_c (row->line, ' ');
      else
        g_string_append_c (row->line, *p);
    }
  g_string_append_c (row->line, '"');
}

void
bk_csv_add_int (BkCsvRow *row, gint64 value)
{
  char text[32];
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  bk_csv_add (row, text);
}

/* bk_csv_row_write - the row and its CRLF to @out; the row is emptied */
void
bk_csv_row_write (BkCsvRow *row, FILE *out)
{
  g_string_append (row->line, "\r\n");
  fputs (row->line->str, out);
  g_string_free (row->line, TRUE);
  row->line = NULL;
  row->cells = 0;
}

/* bk_csv_header - a header row of @n @names: our own plain words, left
 * unquoted as readers of the header expect */
void
bk_csv_header (FILE *out, const char *const *names, guint n)
{
  for (guint i = 0; i < n; i++)
    fprintf (out, "%s%s", i ? "," : "", names[i]);
  fputs ("\r\n", out);
}
