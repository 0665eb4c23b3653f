/* SPDX-License-Identifier: MIT */
/*
 * bk-text - small text transformations shared by the stages: one-line
 * diagnostics, newline normalisation, address clean-up, RFC 822 comment
 * removal, HTML to text, VERP decoding.
 *
 * Input is UTF-8 (possibly invalid: mail) and may hold any byte but NUL;
 * every function returns a new string the caller owns and never reads past
 * the terminating NUL. None of them decode MIME: GMime did that already.
 */
#include "core/bk-core-private.h"

#include <string.h>

/* bk_text_one_line - collapse every run of blanks, CR and LF into one space,
 * drop other control characters, trim, cut at @max bytes (on a UTF-8
 * boundary) */
char *
bk_text_one_line (const char *text, gsize max)
{
  if (text == NULL)
    return NULL;
  GString *out = g_string_sized_new (MIN (strlen (text), max) + 1);
  gboolean space = FALSE;
  for (const unsigned char *p = (const unsigned char *) text; *p && out->len < max; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\v' || *p == '\f')
        {
          space = out->len > 0;
          continue;
        }
      if (*p < 0x20 || *p == 0x7f)
        continue;
      if (space && out->len + 1 >= max)
        break;
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, (char) *p);
    }
  /* do not end inside a multi-byte sequence: find the lead byte of the
   * last character and drop it if its sequence is incomplete */
  if (out->len > 0 && ((unsigned char) out->str[out->len - 1] & 0x80))
    {
      gsize lead = out->len - 1;
      while (lead > 0 && ((unsigned char) out->str[lead] & 0xC0) == 0x80 && out->len - lead < 4)
        lead--;
      unsigned char c = (unsigned char) out->str[lead];
      gsize need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (out->len - lead < need)
        g_string_truncate (out, lead);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* bk_text_normalize_newlines - CRLF and lone CR become LF */
char *
bk_text_normalize_newlines (const char *text, gsize len)
{
  char *out = g_malloc (len + 1);
  gsize o = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '\r')
        {
          out[o++] = '\n';
          if (i + 1 < len && text[i + 1] == '\n')
            i++;
        }
      else
        out[o++] = text[i];
    }
  out[o] = '\0';
  return out;
}

/* bk_text_strip_comments - remove RFC 822 comments "(...)", nested, with
 * backslash quoting; trims the result */
char *
bk_text_strip_comments (const char *text)
{
  if (text == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  int depth = 0;
  gboolean quoted = FALSE;
  for (const char *p = text; *p; p++)
    {
      if (*p == '\\' && p[1] && (depth > 0 || quoted))
        {
          if (depth == 0)
            g_string_append_len (out, p, 2);
          p++;
          continue;
        }
      if (depth == 0 && *p == '"')
        quoted = !quoted;
      if (!quoted && *p == '(')
        depth++;
      else if (!quoted && *p == ')' && depth > 0)
        depth--;
      else if (depth == 0)
        g_string_append_c (out, *p);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  return g_string_free (out, FALSE);
}

static gboolean
addr_char (unsigned char c)
{
  return c > 0x20 && c != '<' && c != '>' && c != '(' && c != ')' && c != ','
         && c != ';' && c != '"' && c != '[' && c != ']' && c != 0x7f;
}

/* quoted_end - the closing '"' of the quoted string opening at @p (RFC
 * 5322 3.2.4, backslash quoting), or NULL when it is never closed */
static const char *
quoted_end (const char *p)
{
  for (p++; *p; p++)
    {
      if (*p == '\\' && p[1])
        p++;
      else if (*p == '"')
        return p;
    }
  return NULL;
}

/* angle_start - the first '<' of @text outside a quoted string that an
 * '@' follows, or NULL */
static const char *
angle_start (const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        {
          const char *close = quoted_end (p);
          if (close == NULL)
            break;
          p = close;
        }
      else if (*p == '<')
        return strchr (p, '@') ? p : NULL;
    }
  return NULL;
}

/* trim_end - @e moved back over the sentence punctuation after an address */
static const char *
trim_end (const char *start, const char *e)
{
  while (e > start && strchr (":.'`!?", e[-1]))
    e--;
  return e;
}

/* bk_text_cut_domain_tail - the domain of @addr (in place) without the text that
 * ran into it: non-ASCII punctuation ("a@b.jp،", "a@b.jp，") and letters
 * of another script after an ASCII top-level label ("a@b.jp您好"): no
 * top-level domain mixes them */
void
bk_text_cut_domain_tail (char *addr)
{
  char *at = strrchr (addr, '@');
  if (at == NULL || !g_utf8_validate (at, -1, NULL))
    return;
  for (char *p = at + 1; *p; p = g_utf8_next_char (p))
    if ((guchar) *p >= 0x80 && g_unichar_ispunct (g_utf8_get_char (p)))
      {
        *p = '\0';
        break;
      }
  char *dot = strrchr (at, '.');
  if (dot && g_ascii_isalpha (dot[1]))
    for (char *p = dot + 1; *p; p++)
      if ((guchar) *p >= 0x80)
        {
          *p = '\0';
          break;
        }
  gsize len = strlen (addr);
  while (len > 0 && strchr (":.'`!?", addr[len - 1]))
    addr[--len] = '\0';
}

/* clean_one - bk_text_clean_address() without comment removal */
static char *
clean_one (const char *text)
{
  const char *lt = angle_start (text);
  const char *p = lt ? lt + 1 : text;
  for (;;)
    {
      while (*p && *p != '"' && !addr_char ((unsigned char) *p))
        p++;
      if (g_ascii_strncasecmp (p, "mailto:", 7) == 0)
        p += 7;
      if (*p != '"')
        break;
      const char *close = quoted_end (p);
      if (close == NULL)
        {
          p++;
          continue;
        }
      /* a quoted local part: "john..doe"@example.com, "a b"@example.com */
      if (close[1] == '@')
        {
          const char *d = close + 2;
          const char *e = d;
          while (*e && addr_char ((unsigned char) *e))
            e++;
          e = trim_end (d, e);
          return e > d ? g_strndup (p, e - p) : NULL;
        }
      /* a quoted display name before the address ("John Doe" j@d.example)
       * is skipped; a quoted address or word ("j@d.example") is read */
      if (!memchr (p, '@', close - p) && strchr (close, '@'))
        p = close + 1;
      else
        p++;
    }
  const char *e = p;
  while (*e && addr_char ((unsigned char) *e))
    e++;
  /* trailing punctuation of the sentence around it */
  e = trim_end (p, e);
  while (p < e && strchr ("'`:", *p))
    p++;
  if (e <= p)
    return NULL;
  char *addr = g_strndup (p, e - p);
  bk_text_cut_domain_tail (addr);
  const char *at = strrchr (addr, '@');
  if (at && (at == addr || at[1] == '\0'))
    {
      g_free (addr);
      return NULL;
    }
  return addr;
}

/* bk_text_clean_address - the address in "<a@b>", "Name <a@b>",
 * "\"Name, Full\" <a@b>", "a@b (comment)", "(comment) a@b", "a@b:",
 * "'a@b'", "mailto:a@b"; a quoted local part keeps its quotes and domain
 * ("\"john..doe\"@example.com"); lower-casing nothing (local parts are
 * case-sensitive). NULL when no plausible address (local@domain, or a
 * bare local part of at least one character without blanks) remains.
 * RFC 5322 comments are dropped first, unless that leaves no address with
 * an '@' and the text with them holds one: "(a@b)" is an address in
 * brackets, not a comment. */
char *
bk_text_clean_address (const char *text)
{
  if (text == NULL)
    return NULL;
  if (strchr (text, '(') == NULL)
    return clean_one (text);
  g_autofree char *bare = bk_text_strip_comments (text);
  g_autofree char *without = clean_one (bare);
  if (without && strchr (without, '@'))
    return g_steal_pointer (&without);
  g_autofree char *with = clean_one (text);
  if (with && strchr (with, '@'))
    return g_steal_pointer (&with);
  return without ? g_steal_pointer (&without) : g_steal_pointer (&with);
}

/* bk_text_from_html - crude HTML to text: drops tags, script and style
 * bodies, turns block ends into newlines and decodes the common entities.
 * Enough for rules to read a bounce written in HTML only. */
char *
bk_text_from_html (const char *html)
{
  static const struct { const char *name; const char *text; } entities[] = {
    { "&nbsp;", " " }, { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" },
    { "&quot;", "\"" }, { "&#39;", "'" }, { "&apos;", "'" },
  };
  GString *out = g_string_new (NULL);
  const char *p = html;
  while (p && *p)
    {
      if (*p == '<')
        {
          const char *close = strchr (p, '>');
          if (close == NULL)
            break;
          if (g_ascii_strncasecmp (p, "<script", 7) == 0 || g_ascii_strncasecmp (p, "<style", 6) == 0)
            {
              const char *tag = g_ascii_strncasecmp (p, "<script", 7) == 0 ? "</script" : "</style";
              const char *q = close;
              const char *endtag = NULL;
              for (; *q; q++)
                if (*q == '<' && g_ascii_strncasecmp (q, tag, strlen (tag)) == 0)
                  {
                    endtag = q;
                    break;
                  }
              close = endtag ? strchr (endtag, '>') : NULL;
              if (close == NULL)
                break;
            }
          else if (g_ascii_strncasecmp (p, "<br", 3) == 0 || g_ascii_strncasecmp (p, "</p", 3) == 0
                   || g_ascii_strncasecmp (p, "</div", 5) == 0 || g_ascii_strncasecmp (p, "</tr", 4) == 0
                   || g_ascii_strncasecmp (p, "<p", 2) == 0 || g_ascii_strncasecmp (p, "</h", 3) == 0
                   || g_ascii_strncasecmp (p, "</li", 4) == 0)
            g_string_append_c (out, '\n');
          else if (g_ascii_strncasecmp (p, "</td", 4) == 0)
            g_string_append_c (out, ' ');
          p = close + 1;
          continue;
        }
      if (*p == '&')
        {
          gboolean done = FALSE;
          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            if (g_ascii_strncasecmp (p, entities[i].name, strlen (entities[i].name)) == 0)
              {
                g_string_append (out, entities[i].text);
                p += strlen (entities[i].name);
                done = TRUE;
                break;
              }
          if (done)
            continue;
        }
      g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* bk_text_verp_decode - "list-bounces+user=example.com@lists.example.org"
 * -> "user@example.com"; NULL when the address is not VERP-shaped */
char *
bk_text_verp_decode (const char *address)
{
  if (address == NULL)
    return NULL;
  const char *at = strrchr (address, '@');
  const char *plus = strchr (address, '+');
  if (at == NULL || plus == NULL || plus > at)
    return NULL;
  g_autofree char *tag = g_strndup (plus + 1, at - plus - 1);
  char *eq = strrchr (tag, '=');
  if (eq == NULL || eq == tag || eq[1] == '\0' || strchr (eq + 1, '.') == NULL)
    return NULL;
  *eq = '\0';
  if (strchr (tag, '@') || strchr (eq + 1, '='))
    return NULL;
  return g_strdup_printf ("%s@%s", tag, eq + 1);
}

/* reply_prefix_len - length of "550-5.7.1 " / "550 5.7.1 " / "550-" at @p,
 * or 0; *out_dash tells whether the reply code is followed by '-' */
static gsize
reply_prefix_len (const char *p, gboolean *out_dash)
{
  if (!(p[0] >= '2' && p[0] <= '5' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])))
    return 0;
  if (p[3] != '-' && p[3] != ' ')
    return 0;
  *out_dash = p[3] == '-';
  gsize n = 4;
  const char *q = p + 4;
  if ((q[0] == '2' || q[0] == '4' || q[0] == '5') && q[1] == '.')
    {
      gsize m = 2;
      int digits = 0, dots = 1;
      while (g_ascii_isdigit (q[m]) || (q[m] == '.' && dots < 2))
        {
          if (q[m] == '.')
            dots++;
          else
            digits++;
          m++;
        }
      if (dots == 2 && digits >= 2 && q[m] == ' ')
        n += m + 1;
    }
  else if (!*out_dash)
    return 0;
  return n;
}

/* bk_text_join_reply_lines - a multi-line SMTP reply unfolded into one
 * line ("550-5.7.1 first 550-5.7.1 second 550 5.7.1 last") keeps its code
 * once: the repeated "NNN-X.Y.Z " prefixes of the continuation lines
 * (RFC 5321 4.2.1) are dropped, so phrases that spanned lines read whole */
char *
bk_text_join_reply_lines (const char *text)
{
  if (text == NULL)
    return NULL;
  GString *out = g_string_sized_new (strlen (text));
  char first[16] = "";
  gboolean multiline = FALSE;
  for (const char *p = text; *p;)
    {
      gboolean dash = FALSE;
      gboolean at_word = p == text || p[-1] == ' ';
      gsize n = at_word ? reply_prefix_len (p, &dash) : 0;
      if (n > 0 && first[0] == '\0')
        {
          g_strlcpy (first, p, MIN (sizeof first, (gsize) 4));
          multiline = dash;
          g_string_append_len (out, p, n);
          p += n;
          continue;
        }
      if (n > 0 && multiline && strncmp (p, first, 3) == 0)
        {
          p += n;   /* a continuation line's prefix: drop it */
          continue;
        }
      g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

gsize
bk_text_newlines_to_lf (gboolean *after_cr, const char *in, gsize len, char *out)
{
  gsize o = 0;
  for (gsize i = 0; i < len; i++)
    {
      char c = in[i];
      if (c == '\n' && *after_cr)
        {
          *after_cr = FALSE;   /* the LF of a CRLF already written */
          continue;
        }
      *after_cr = c == '\r';
      out[o++] = *after_cr ? '\n' : c;
    }
  return o;
}
