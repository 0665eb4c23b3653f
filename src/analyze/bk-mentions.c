/* SPDX-License-Identifier: MIT */
/*
 * bk-mentions - every address a report's text names in its prose, each
 * with the paragraph around it: the last source of candidates for a
 * bounce whose layout no recipient line describes ("The email you sent
 * to a@b\ncould not be delivered."). Addresses inside URLs and on
 * header-like lines (Message-ID:, References:, From:, ...) are no
 * mentions. The caller decides which mention is the failed recipient.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

static void
mention_free (BkMention *m)
{
  g_free (m->address);
  g_free (m->paragraph);
  g_free (m);
}

static gboolean
local_char (char c)
{
  /* atext without '/', '=' and '?', which would swallow a URL's path */
  return g_ascii_isalnum (c) || (c && strchr (".!#$%&'*+_`{|}~-", c) != NULL) || (guchar) c >= 0x80;
}

static gboolean
domain_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-' || (guchar) c >= 0x80;
}

/* header_like - "Message-ID: <...>" and its kin name ids and senders */
static gboolean
header_like (const char *line, gsize len)
{
  static const char *const names[] = {
    "message-id:", "references:", "in-reply-to:", "from:", "return-path:", "sender:",
    "reply-to:", "received:", "dkim-signature:", "list-", "x-", "errors-to:",
  };
  while (len && (*line == ' ' || *line == '\t' || *line == '>'))
    line++, len--;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (len >= strlen (names[i]) && g_ascii_strncasecmp (line, names[i], strlen (names[i])) == 0)
      return TRUE;
  return FALSE;
}

/* in_url - is the address starting at @start part of a URL or a query? */
static gboolean
in_url (const char *line, const char *start)
{
  const char *tok = start;
  while (tok > line && !g_ascii_isspace (tok[-1]) && tok[-1] != '<' && tok[-1] != '"' && tok[-1] != '(')
    tok--;
  g_autofree char *prefix = g_strndup (tok, start - tok);
  return strstr (prefix, "://") || strchr (prefix, '=') || strchr (prefix, '?') || strchr (prefix, '/');
}

/* paragraph - the lines between the blank lines around @pos of @text */
static char *
paragraph (const char *text, gsize len, gsize pos)
{
  gsize a = pos, b = pos;
  while (a > 0 && !(text[a - 1] == '\n' && a >= 2 && text[a - 2] == '\n'))
    a--;
  while (b < len && !(text[b] == '\n' && b + 1 < len && text[b + 1] == '\n'))
    b++;
  g_autofree char *raw = g_strndup (text + a, b - a);
  return bk_text_one_line (raw, BK_MAX_DIAG_BYTES);
}

/**
 * bk_text_mentions:
 * @text: the report's text (not the returned message)
 * @len: its length
 *
 * Returns: (transfer full): BkMention*, distinct addresses (case-insensitive)
 *   in the order of their first mention
 */
GPtrArray *
bk_text_mentions (const char *text, gsize len)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) mention_free);
  const char *end = text + len;
  for (const char *line = text; line < end && out->len < 64;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *eol = nl ? nl : end;
      if (!header_like (line, eol - line))
        for (const char *at = memchr (line, '@', eol - line); at; at = memchr (at + 1, '@', eol - at - 1))
          {
            const char *s = at, *e = at + 1;
            while (s > line && local_char (s[-1]))
              s--;
            while (e < eol && domain_char (*e))
              e++;
            while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
              e--;
            while (s < at && (*s == '.' || *s == '\''))
              s++;
            if (s == at || !memchr (at + 1, '.', e - at - 1) || in_url (line, s))
              continue;
            g_autofree char *addr = g_strndup (s, e - s);
            bk_text_cut_domain_tail (addr);
            if (strlen (addr) <= (gsize) (at - s) + 1)
              continue;
            gboolean seen = FALSE;
            for (guint i = 0; i < out->len && !seen; i++)
              seen = g_ascii_strcasecmp (((BkMention *) g_ptr_array_index (out, i))->address, addr) == 0;
            if (seen)
              continue;
            BkMention *m = g_new0 (BkMention, 1);
            m->address = g_steal_pointer (&addr);
            m->paragraph = paragraph (text, len, s - text);
            g_ptr_array_add (out, m);
            if (at + 1 >= eol)
              break;
          }
      line = nl ? nl + 1 : end;
    }
  return out;
}
