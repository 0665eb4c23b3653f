/* SPDX-License-Identifier: MIT */
/*
 * bk-returned - the returned message a bounce carries: found, its header
 * fields read, copied into the report. Used by the analyzer and by the
 * notice handlers (bk-notice.c), which the analyzer calls: kept apart
 * from both so that neither calls back into the other.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

/* ---- returned message ---- */

/* The fields of the returned message the analysis reads (through
 * bk_returned_header): the only ones a header block is parsed for */
static const char *const returned_fields[] = {
  "Message-ID", "From", "To", "Cc", "Subject", "List-Id", "Sender", "Return-Path",
};

/* returned_field - is the line at @line one of returned_fields? */
static gboolean
returned_field (const char *line)
{
  for (guint i = 0; i < G_N_ELEMENTS (returned_fields); i++)
    {
      gsize n = strlen (returned_fields[i]);
      if (g_ascii_strncasecmp (line, returned_fields[i], n) == 0)
        {
          const char *p = line + n;
          while (*p == ' ' || *p == '\t')
            p++;
          if (*p == ':')
            return TRUE;
        }
    }
  return FALSE;
}

/* wanted_lines - the lines of the header block @src (@len bytes) that hold
 * returned_fields, with their continuation lines: a returned message
 * carries dozens of Received and signature fields, and GMime would build
 * an object for each */
static GString *
wanted_lines (const char *src, gsize len)
{
  GString *out = g_string_sized_new (512);
  gboolean keep = FALSE;
  for (const char *line = src, *end = src + len; line < end;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *next = nl ? nl + 1 : end;
      if (*line != ' ' && *line != '\t')
        keep = returned_field (line);
      if (keep)
        g_string_append_len (out, line, next - line);
      line = next;
    }
  return out;
}

/* bk_returned_header - field @name (one of returned_fields) of the
 * returned message @orig, decoded, or NULL */
char *
bk_returned_header (GMimeObject *orig, const char *name)
{
  if (orig == NULL)
    return NULL;
  gboolean known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (returned_fields) && !known; i++)
    known = g_ascii_strcasecmp (returned_fields[i], name) == 0;
  g_return_val_if_fail (known, NULL);
  return bk_mime_header (orig, name);
}

/* bk_returned_message - the returned message (a MIME part, or the header
 * block of a text/rfc822-headers part or of an inline copy), or NULL */
GMimeObject *
bk_returned_message (BkParts *parts, BkTextResult *text)
{
  if (parts->returned && parts->returned_part_headers == NULL)
    return g_object_ref (parts->returned);
  const char *src = parts->returned_part_headers ? parts->returned_part_headers
                    : parts->returned_headers ? parts->returned_headers : text ? text->returned : NULL;
  if (src == NULL)
    return NULL;
  /* skip leading blank lines so the headers start the "message" */
  while (*src == '\n' || *src == ' ' || *src == '\t')
    src++;
  /* only the headers are read from it: parse the header block alone */
  const char *end = strstr (src, "\n\n");
  gsize len = end ? (gsize) (end - src) + 1 : strlen (src);
  g_autoptr (GString) wanted = wanted_lines (src, len);
  return bk_header_block_parse (wanted->str, wanted->len);
}

void
bk_fill_original (BkReport *report, GMimeObject *orig)
{
  if (orig == NULL)
    return;
  g_autofree char *mid = bk_returned_header (orig, "Message-ID");
  if (mid)
    {
      g_autofree char *clean = bk_text_clean_address (mid);
      report->original_message_id = g_strdup (clean ? clean : mid);
    }
  report->original_from = bk_returned_header (orig, "From");
  report->original_to = bk_returned_header (orig, "To");
  report->original_subject = bk_returned_header (orig, "Subject");
  report->list_id = bk_returned_header (orig, "List-Id");
}
