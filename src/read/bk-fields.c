/* SPDX-License-Identifier: MIT */
/*
 * bk-fields - RFC 822-style field groups, as in the body of a
 * message/delivery-status (RFC 3464 §2.1) or message/feedback-report
 * (RFC 5965) part.
 *
 * Input: UTF-8 text with LF, CRLF or CR line ends. Groups are separated by
 * one or more blank lines (several in the wild, and leading ones); a line
 * starting with a blank continues the previous field (folding); a line
 * without a colon is kept as a continuation, since broken DSNs split values.
 * Output: a GPtrArray of groups, each a GPtrArray of BkField822 with
 * unfolded, trimmed values. Comments are kept: what they mean depends on
 * the field. Empty groups are dropped.
 */
#include "read/bk-read-private.h"

#include <string.h>

static void
field_free (BkField822 *f)
{
  g_free (f->name);
  g_free (f->value);
  g_free (f);
}

/* flush - store the folded value collected in @val into @f */
static void
flush (BkField822 *f, GString *val)
{
  if (f == NULL)
    return;
  g_free (f->value);
  f->value = g_strstrip (g_strdup (val->str));
  g_string_truncate (val, 0);
}

static gboolean
is_field_name (const char *line, gsize *out_len)
{
  gsize n = 0;
  while (line[n] && line[n] != ':')
    {
      unsigned char c = line[n];
      if (c <= 0x20 || c >= 0x7f)
        return FALSE;
      n++;
    }
  if (line[n] != ':' || n == 0)
    return FALSE;
  *out_len = n;
  return TRUE;
}

/* bk_fields_parse_groups - split @text into field groups */
GPtrArray *
bk_fields_parse_groups (const char *text)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *group = NULL;
  BkField822 *last = NULL;
  GString *lastval = g_string_new (NULL);   /* value of @last while folding */
  g_autofree char *norm = bk_text_normalize_newlines (text, strlen (text));
  char *next = NULL;

  for (char *line = norm; line; line = next)
    {
      char *nl = strchr (line, '\n');
      next = nl ? nl + 1 : NULL;
      if (nl)
        *nl = '\0';
      const char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        {
          /* blank line: the group ends */
          flush (last, lastval);
          last = NULL;
          group = NULL;
          continue;
        }
      gsize nlen;
      if (p == line && is_field_name (line, &nlen))
        {
          if (group == NULL)
            {
              group = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
              g_ptr_array_add (groups, group);
            }
          flush (last, lastval);
          last = g_new0 (BkField822, 1);
          last->name = g_strndup (line, nlen);
          g_string_assign (lastval, line + nlen + 1);
          g_ptr_array_add (group, last);
        }
      else if (last)
        {
          /* folded continuation */
          g_string_append_c (lastval, ' ');
          g_string_append (lastval, g_strstrip (line));
        }
    }
  flush (last, lastval);
  g_string_free (lastval, TRUE);
  return groups;
}

/* bk_fields_get - the value of the first field called @name (any case), or
 * NULL; the pointer is into @group */
const char *
bk_fields_get (GPtrArray *group, const char *name)
{
  for (guint i = 0; group && i < group->len; i++)
    {
      BkField822 *f = g_ptr_array_index (group, i);
      if (g_ascii_strcasecmp (f->name, name) == 0)
        return f->value;
    }
  return NULL;
}
