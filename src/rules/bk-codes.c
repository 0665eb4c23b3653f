/* SPDX-License-Identifier: MIT */
/*
 * bk-codes - SMTP reply codes (RFC 5321) and enhanced status codes
 * (RFC 3463) in diagnostic text.
 *
 * The `code` rules find candidates; this module validates what they
 * captured, so a careless pattern can never yield "9.9.9" or "650": class
 * 2, 4 or 5, subject and detail of 1-3 digits (Postfix's dsn_valid), reply
 * 2xx-5xx. A status and a reply that disagree on the class are both kept:
 * the caller decides which to trust. Text is UTF-8; nothing is modified.
 */
#include "rules/bk-rules-private.h"

#include <string.h>

/* bk_status_valid - check an RFC 3463 status code, the whole string */
gboolean
bk_status_valid (const char *status)
{
  const unsigned char *cp = (const unsigned char *) status;
  if (cp == NULL || (cp[0] != '2' && cp[0] != '4' && cp[0] != '5') || cp[1] != '.')
    return FALSE;
  cp += 2;
  for (int part = 0; part < 2; part++)
    {
      int n = 0;
      while (g_ascii_isdigit (*cp) && n < 4)
        cp++, n++;
      if (n == 0 || n > 3)
        return FALSE;
      if (part == 0 && *cp++ != '.')
        return FALSE;
    }
  return *cp == '\0';
}

/* bk_reply_valid - check an RFC 5321 reply code: three digits, 2xx-5xx */
gboolean
bk_reply_valid (const char *reply)
{
  return reply && strlen (reply) == 3 && reply[0] >= '2' && reply[0] <= '5'
         && g_ascii_isdigit (reply[1]) && reply[1] <= '5' && g_ascii_isdigit (reply[2]);
}

/* bk_status_normalize - the status code at the start of a Status field
 * value ("5.1.1 (user unknown)" -> "5.1.1"), or NULL if none is valid */
char *
bk_status_normalize (const char *text)
{
  if (text == NULL)
    return NULL;
  while (g_ascii_isspace (*text))
    text++;
  gsize n = 0;
  while (text[n] && (g_ascii_isdigit (text[n]) || text[n] == '.'))
    n++;
  g_autofree char *s = g_strndup (text, n);
  /* "5.1.1." at a sentence end */
  if (n > 0 && s[n - 1] == '.')
    s[n - 1] = '\0';
  return bk_status_valid (s) ? g_steal_pointer (&s) : NULL;
}

/**
 * bk_codes_find:
 * @out_reply: (out) (transfer full): the reply code, or unchanged
 * @out_status: (out) (transfer full): the status, or unchanged
 * @out_rule: (out) (optional): the rule that found the first code
 * @out_status_rule: (out) (optional): the rule that found the status
 *
 * Runs the `code` rules over @text and fills in whichever of *@out_reply and
 * *@out_status is still %NULL.
 *
 * Returns: %TRUE when something was found
 */
gboolean
bk_codes_find (BkScanner *scanner, const BkRuleset *rules, const char *text,
               char **out_reply, char **out_status, const BkRule **out_rule,
               const BkRule **out_status_rule)
{
  gboolean found = FALSE;
  if (text == NULL)
    return FALSE;
  gsize len = strlen (text);
  for (guint i = 0; i < rules->codes->len && (*out_reply == NULL || *out_status == NULL); i++)
    {
      const BkRule *rule = g_ptr_array_index (rules->codes, i);
      if ((rule->group_reply < 0 || *out_reply) && (rule->group_status < 0 || *out_status))
        continue;
      if (!bk_scanner_match (scanner, rule, text, len))
        continue;
      g_autofree char *reply = bk_scanner_group (scanner, text, rule->group_reply);
      g_autofree char *status = bk_scanner_group (scanner, text, rule->group_status);
      gboolean took = FALSE;
      if (*out_reply == NULL && bk_reply_valid (reply))
        *out_reply = g_steal_pointer (&reply), took = TRUE;
      if (*out_status == NULL && status)
        {
          char *norm = bk_status_normalize (status);
          if (norm)
            {
              *out_status = norm, took = TRUE;
              if (out_status_rule)
                *out_status_rule = rule;
            }
        }
      if (took && !found)
        {
          found = TRUE;
          if (out_rule)
            *out_rule = rule;
        }
    }
  return found;
}
