/* SPDX-License-Identifier: MIT */
/*
 * bk-freetext - the generic engine that runs `format` stanzas (see
 * rules/README.md) over a bounce's human-readable text.
 *
 * Input: the bounce message (for From, Subject and header fields) and its
 * text, UTF-8 with LF line ends, at most BK_MAX_TEXT_BYTES. Formats are
 * tried in rule load order; the first detected format that yields a
 * recipient decides. Per format: cut the section with begin/end, then read
 * it line by line — a recipient line opens a block, the lines after it are
 * its diagnostic (filtered by `diag`, minus `skip`), lines before the first
 * recipient form the preamble. The same address twice is one recipient.
 * Output: a BkTextResult owning copies of everything; no pointers into the
 * input. Does not classify: codes and reasons come later, from the
 * diagnostics collected here.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

static void
text_recipient_free (BkTextRecipient *r)
{
  g_free (r->address);
  g_string_free (r->diag, TRUE);
  g_free (r);
}

void
bk_text_result_free (BkTextResult *res)
{
  if (res == NULL)
    return;
  g_ptr_array_unref (res->recipients);
  g_free (res->preamble);
  g_free (res->returned);
  g_free (res);
}

/* bk_text_result_find - the recipient @address (case-insensitive), or NULL */
BkTextRecipient *
bk_text_result_find (BkTextResult *res, const char *address)
{
  for (guint i = 0; res && address && i < res->recipients->len; i++)
    {
      BkTextRecipient *r = g_ptr_array_index (res->recipients, i);
      if (g_ascii_strcasecmp (r->address, address) == 0)
        return r;
    }
  return NULL;
}

/* bk_header_slots_new - room for one bounce's headers, none read yet */
BkHeaderSlots *
bk_header_slots_new (const BkRuleset *rules)
{
  BkHeaderSlots *hs = g_new0 (BkHeaderSlots, 1);
  hs->rules = rules;
  hs->n = rules->header_names->len;
  hs->slot = g_new0 (BkHeaderValue, hs->n);
  return hs;
}

void
bk_header_slots_free (BkHeaderSlots *hs)
{
  if (hs == NULL)
    return;
  for (guint i = 0; i < hs->n; i++)
    g_free (hs->slot[i].value);
  g_free (hs->slot);
  g_free (hs->bits);
  g_free (hs);
}

/* untag_subject - @subject (in place) without the tags a spam filter or
 * a list put before it ("[SPAM] ", "***SPAM*** ", "[announce] "), so that
 * a format's "^Undeliverable" still reads it; a subject that is only a
 * tag ("[BOUNCE]") stays */
static void
untag_subject (char *subject)
{
  char *p = subject;
  for (;;)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      const char *close = *p == '[' ? strchr (p, ']') : *p == '{' ? strchr (p, '}') : NULL;
      if (close && close - p <= 40)
        p = (char *) close + 1;
      else if (strncmp (p, "***", 3) == 0 && strstr (p + 3, "***") && strstr (p + 3, "***") - p <= 40)
        p = strstr (p + 3, "***") + 3;
      else
        break;
    }
  if (p != subject && *p)
    memmove (subject, p, strlen (p) + 1);
}

/* header_value - @rule's header of the bounce, decoded (and prefiltered)
 * on first use */
static const BkHeaderValue *
header_value (const BkRule *rule, const BkTextInput *in)
{
  BkHeaderSlots *hs = in->headers;
  BkHeaderValue *hv = &hs->slot[rule->slot];
  if (hv->value)
    return hv;
  if (rule->field == BK_FIELD_RETURNED)
    {
      /* a message/rfc822 part's headers are written out as text for this */
      hv->value = in->parts ? bk_parts_returned_headers (in->parts) : NULL;
      if (hv->value == NULL)
        hv->value = g_strdup ("");
    }
  else
    {
      /* the slot's name: rules may spell it in any case */
      const char *name = g_ptr_array_index (hs->rules->header_names, rule->slot);
      hv->value = bk_mime_header ((GMimeObject *) in->message, name);
      if (hv->value == NULL)
        hv->value = g_strdup ("");
      else if (g_ascii_strcasecmp (name, "subject") == 0)
        untag_subject (hv->value);
    }
  hv->len = strlen (hv->value);
  if (in->prefilter)
    {
      guint words = bk_prefilter_words (in->prefilter);
      if (hs->bits == NULL)
        hs->bits = g_new (guint64, (gsize) hs->n * words);
      hv->bits = hs->bits + (gsize) rule->slot * words;
      bk_prefilter_scan (in->prefilter, hv->value, hv->len, hv->bits);
    }
  return hv;
}

/* bk_field_match - does @rule match its field of the bounce? */
gboolean
bk_field_match (BkScanner *scanner, const BkRule *rule, const BkTextInput *in)
{
  if (rule->field == BK_FIELD_BODY)
    return in->text && bk_may_match (rule, in->body_bits)
           && bk_scanner_match (scanner, rule, in->text, in->text_len);
  const BkHeaderValue *hv = header_value (rule, in);
  return hv->len && bk_may_match (rule, hv->bits)
         && bk_scanner_match (scanner, rule, hv->value, hv->len);
}

/* any_line_match - the first of @rules matching @line; a rule that cannot
 * match anywhere in the text (@bits) cannot match one of its lines */
static gboolean
any_line_match (BkScanner *scanner, GPtrArray *rules, const char *line, gsize len,
                const guint64 *bits, const BkRule **out_rule)
{
  for (guint i = 0; i < rules->len; i++)
    {
      const BkRule *rule = g_ptr_array_index (rules, i);
      if (bk_may_match (rule, bits) && bk_scanner_match_line (scanner, rule, line, len))
        {
          if (out_rule)
            *out_rule = rule;
          return TRUE;
        }
    }
  return FALSE;
}

/* bk_format_needs_met - every `need` of @fmt is among the matched @seen */
gboolean
bk_format_needs_met (const BkFormat *fmt, GPtrArray *seen)
{
  for (guint i = 0; i < fmt->needs->len; i++)
    {
      gboolean met = FALSE;
      for (guint j = 0; j < seen->len && !met; j++)
        met = strcmp (((BkRule *) g_ptr_array_index (seen, j))->reason, g_ptr_array_index (fmt->needs, i)) == 0;
      if (!met)
        return FALSE;
    }
  return TRUE;
}

/* Signs of one format, each matched at most once per message */
typedef struct {
  BkScanner *scanner;
  const BkFormat *fmt;
  const BkTextInput *in;
  gint8 *state;          /* per sign: -1 not tried, 0 no match, 1 match */
} Signs;

static gboolean
sign_matches (Signs *s, guint i)
{
  if (s->state[i] < 0)
    s->state[i] = bk_field_match (s->scanner, g_ptr_array_index (s->fmt->signs, i), s->in);
  return s->state[i];
}

/* signs_score - the sum of the weights of the signs that match, each sign
 * NAME counted once (its first matching line); @seen, if not NULL,
 * receives the counted signs */
static int
signs_score (Signs *s, GPtrArray *seen)
{
  const GPtrArray *signs = s->fmt->signs;
  int score = 0;
  for (guint i = 0; i < signs->len; i++)
    {
      const BkRule *sign = g_ptr_array_index (signs, i);
      gboolean counted = FALSE;
      for (guint j = 0; j < i && !counted; j++)
        counted = s->state[j] == 1
                  && strcmp (((const BkRule *) g_ptr_array_index (signs, j))->reason, sign->reason) == 0;
      if (counted || !sign_matches (s, i))
        continue;
      score += sign->weight;
      if (seen)
        g_ptr_array_add (seen, (gpointer) sign);
    }
  return score;
}

/* bk_format_score - the sum of the weights of @fmt's signs that match,
 * each sign NAME counted once (its first matching line); @seen receives
 * the matching signs */
int
bk_format_score (BkScanner *scanner, const BkFormat *fmt, const BkTextInput *in, GPtrArray *seen)
{
  g_autofree gint8 *state = g_new (gint8, fmt->signs->len);
  memset (state, -1, fmt->signs->len);
  Signs s = { scanner, fmt, in, state };
  return signs_score (&s, seen);
}

/* signs_detect - what bk_format_score() and bk_format_needs_met() decide,
 * with the needed signs tried first: a format whose needed sign is absent
 * is not there, whatever its other signs say, and those are not tried */
static gboolean
signs_detect (BkScanner *scanner, const BkFormat *fmt, const BkTextInput *in)
{
  g_autofree gint8 *state = g_new (gint8, fmt->signs->len);
  memset (state, -1, fmt->signs->len);
  Signs s = { scanner, fmt, in, state };
  for (guint n = 0; n < fmt->needs->len; n++)
    {
      const char *need = g_ptr_array_index (fmt->needs, n);
      gboolean met = FALSE;
      for (guint i = 0; i < fmt->signs->len && !met; i++)
        met = strcmp (((const BkRule *) g_ptr_array_index (fmt->signs, i))->reason, need) == 0
              && sign_matches (&s, i);
      if (!met)
        return FALSE;
    }
  return signs_score (&s, NULL) >= MAX (fmt->threshold, 1);
}

/* format_detected - any `match` line (none needed when the format has
 * signs), every `require` line, and the signs' score up to the threshold */
static gboolean
format_detected (BkScanner *scanner, const BkFormat *fmt, const BkTextInput *in)
{
  gboolean hit = fmt->match->len == 0 && fmt->signs->len > 0;
  for (guint i = 0; i < fmt->match->len && !hit; i++)
    hit = bk_field_match (scanner, g_ptr_array_index (fmt->match, i), in);
  for (guint i = 0; i < fmt->require->len && hit; i++)
    hit = bk_field_match (scanner, g_ptr_array_index (fmt->require, i), in);
  if (hit && fmt->signs->len)
    hit = signs_detect (scanner, fmt, in);
  return hit;
}

static void
append_diag (GString *diag, const char *text)
{
  if (text == NULL || *text == '\0' || diag->len >= BK_MAX_DIAG_BYTES)
    return;
  if (diag->len)
    g_string_append_c (diag, ' ');
  g_string_append_len (diag, text, MIN (strlen (text), BK_MAX_DIAG_BYTES - diag->len));
}

/* imcea_decode - Exchange's encapsulated address
 * "IMCEASMTP-tom+2Ebaker+40example+2Eorg@gw.example" is tom.baker@example.org
 * ("+XX" is the byte XX); NULL for any other address */
static char *
imcea_decode (const char *addr)
{
  if (addr == NULL || g_ascii_strncasecmp (addr, "IMCEASMTP-", 10) != 0)
    return NULL;
  const char *at = strrchr (addr, '@');
  if (at == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  for (const char *p = addr + 10; p < at; p++)
    {
      if (*p == '+' && p + 2 < at && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
  const char *oat = strrchr (out->str, '@');
  if (oat == NULL || oat == out->str || oat[1] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* rfc1327_decode - "local(a)domain", an X.400 gateway's RFC 1327 form of
 * an address whose '@' the O/R name cannot carry, as "local@domain"; NULL
 * for any other text */
static char *
rfc1327_decode (const char *raw)
{
  const char *a = raw ? strstr (raw, "(a)") : NULL;
  if (a == NULL || a == raw || strchr (raw, '@') || strstr (a + 3, "(a)"))
    return NULL;
  return g_strdup_printf ("%.*s@%s", (int) (a - raw), raw, a + 3);
}

static BkTextRecipient *
add_recipient (BkTextResult *res, const char *raw, const BkRule *rule)
{
  g_autofree char *x400 = rfc1327_decode (raw);
  if (x400)
    raw = x400;
  g_autofree char *addr = bk_text_clean_address (raw);
  char *decoded = imcea_decode (addr);
  if (decoded)
    {
      g_free (addr);
      addr = decoded;
    }
  if (addr == NULL || strchr (addr, '@') == NULL)
    return NULL;
  BkTextRecipient *r = bk_text_result_find (res, addr);
  if (r)
    return r;
  if (res->recipients->len >= BK_MAX_RECIPIENTS)
    return NULL;
  r = g_new0 (BkTextRecipient, 1);
  r->address = g_steal_pointer (&addr);
  r->diag = g_string_new (NULL);
  r->rule = rule;
  g_ptr_array_add (res->recipients, r);
  return r;
}

/* bk_text_has_code - does @text hold a reply code (2xx-5xx) or an
 * enhanced status, as a word of its own? A recipient's paragraph that
 * does is complete; "<a@b>." or "a@b" alone leaves the explanation to
 * the paragraphs that follow. */
gboolean
bk_text_has_code (const char *text)
{
  for (const char *p = text; p && *p; p++)
    {
      if (*p < '2' || *p > '5' || (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '.')))
        continue;
      const char *q = p + 1;
      if (g_ascii_isdigit (q[0]) && g_ascii_isdigit (q[1]))
        q += 2;                                  /* 550 */
      else if (q[0] == '.' && g_ascii_isdigit (q[1]))
        {
          /* 5.1.1: class, then subject and detail of 1-3 digits */
          guint dots = 0, digits = 0;
          for (; *q == '.' || g_ascii_isdigit (*q); q++)
            {
              if (*q == '.')
                dots++, digits = 0;
              else if (++digits > 3)
                break;
            }
          if (dots != 2 || q[-1] == '.')
            continue;
        }
      else
        continue;
      if (!g_ascii_isalnum (*q) && !(*q == '.' && g_ascii_isdigit (q[1])))
        return TRUE;
    }
  return FALSE;
}

/* run_format - read @fmt's section of @text into @res */
static void
run_format (BkScanner *scanner, const BkFormat *fmt, const char *text, const guint64 *bits,
            BkTextResult *res)
{
  g_autofree char *copy = g_strdup (text);
  GString *preamble = g_string_new (NULL);
  BkTextRecipient *cur = NULL;
  gboolean closed = FALSE;   /* a paragraph's end closed the last block */
  gboolean in_section = fmt->begin->len == 0;
  char *next = NULL;

  for (char *line = copy; line; line = next)
    {
      char *nl = strchr (line, '\n');
      next = nl ? nl + 1 : NULL;
      if (nl)
        *nl = '\0';
      gsize len = strlen (line);

      if (!in_section)
        {
          if (any_line_match (scanner, fmt->begin, line, len, bits, NULL))
            in_section = TRUE;
          continue;
        }
      if (any_line_match (scanner, fmt->end, line, len, bits, NULL))
        {
          /* the returned message, if any, follows the end line */
          if (next && res->returned == NULL)
            res->returned = g_strdup (text + (next - copy));
          break;
        }
      if (any_line_match (scanner, fmt->skip, line, len, bits, NULL))
        continue;
      const BkRule *rule = NULL;
      if (any_line_match (scanner, fmt->recipient, line, len, bits, &rule))
        {
          /* every match of the rule on the line names a recipient (a JSON
           * notice lists them all on one line) */
          BkTextRecipient *first = NULL;
          gsize off = 0;
          do
            {
              gsize end = bk_scanner_match_end (scanner);
              g_autofree char *addr = bk_scanner_group (scanner, line + off, rule->group_addr);
              g_autofree char *diag = bk_scanner_group (scanner, line + off, rule->group_diag);
              BkTextRecipient *r = add_recipient (res, addr, rule);
              if (r)
                {
                  cur = r;
                  if (first == NULL)
                    first = r;
                  if (r->diag->len == 0 && bk_text_has_code (line))
                    r->line_coded = TRUE;
                  append_diag (cur->diag, diag);
                }
              if (end == 0 || off + end >= len)
                break;
              off += end;
            }
          while (bk_scanner_match (scanner, rule, line + off, len - off));
          if (first)
            {
              closed = FALSE;
              continue;
            }
        }
      g_strstrip (line);
      if (*line == '\0')
        {
          /* in a `paragraphs` format a recipient's text is its paragraph:
           * what follows the blank line (a footer, a disclaimer, the
           * next section) is nobody's diagnostic */
          if (fmt->paragraphs && cur && bk_text_has_code (cur->diag->str))
            cur = NULL, closed = TRUE;
          continue;
        }
      if (closed)
        continue;
      GString *dest = cur ? cur->diag : preamble;
      if (fmt->diag->len == 0)
        append_diag (dest, line);
      else if (any_line_match (scanner, fmt->diag, line, strlen (line), bits, &rule))
        {
          g_autofree char *part = bk_scanner_group (scanner, line, rule->group_diag);
          append_diag (dest, part ? part : line);
        }
    }
  if (preamble->len)
    res->preamble = bk_text_one_line (preamble->str, BK_MAX_DIAG_BYTES);
  g_string_free (preamble, TRUE);
  /* a list of addresses followed by one explanation: the addresses
   * without text of their own share the next one's; a line that gave
   * its own reply code ("554 <a@b>... Remote protocol error") is no
   * bare list entry, its reason lies in the dialogue before it */
  for (guint i = res->recipients->len; i > 1; i--)
    {
      BkTextRecipient *prev = g_ptr_array_index (res->recipients, i - 2);
      BkTextRecipient *next_r = g_ptr_array_index (res->recipients, i - 1);
      if (prev->diag->len == 0 && !prev->line_coded && next_r->diag->len > 0)
        g_string_assign (prev->diag, next_r->diag->str);
    }
}

/**
 * bk_freetext_scan:
 *
 * Returns: (transfer full): the result; res->format is NULL when no format
 *   yielded a recipient, res->detected when none matched at all
 */
BkTextResult *
bk_freetext_scan (BkScanner *scanner, const BkRuleset *rules, const BkTextInput *in)
{
  BkTextResult *res = g_new0 (BkTextResult, 1);
  res->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) text_recipient_free);

  char *first_returned = NULL;   /* returned text of the first detected format */
  char *first_preamble = NULL;
  for (guint i = 0; i < rules->formats->len; i++)
    {
      const BkFormat *fmt = g_ptr_array_index (rules->formats, i);
      if (!format_detected (scanner, fmt, in))
        continue;
      if (res->detected == NULL)
        res->detected = fmt;
      for (guint j = 0; j < fmt->delayed->len && !res->delayed; j++)
        res->delayed = bk_field_match (scanner, g_ptr_array_index (fmt->delayed, j), in);
      if (in->text == NULL)
        continue;
      /* a format without recipient lines still cuts the text: its
       * preamble and returned message serve the fallbacks */
      run_format (scanner, fmt, in->text, in->body_bits, res);
      if (res->recipients->len > 0)
        {
          res->format = fmt;
          /* the delay flag belongs to the deciding format */
          res->delayed = FALSE;
          for (guint j = 0; j < fmt->delayed->len && !res->delayed; j++)
            res->delayed = bk_field_match (scanner, g_ptr_array_index (fmt->delayed, j), in);
          break;
        }
      if (first_returned == NULL && first_preamble == NULL)
        {
          first_returned = g_steal_pointer (&res->returned);
          first_preamble = g_steal_pointer (&res->preamble);
        }
      g_clear_pointer (&res->preamble, g_free);
      g_clear_pointer (&res->returned, g_free);
    }
  /* no format named a recipient: keep what the first detected one cut out,
   * for the fallbacks (the returned message's To:, the diagnostic) */
  if (res->format == NULL)
    {
      res->returned = g_steal_pointer (&first_returned);
      res->preamble = g_steal_pointer (&first_preamble);
    }
  g_free (first_returned);
  g_free (first_preamble);
  return res;
}
