/* SPDX-License-Identifier: MIT */
/*
 * bk-forwarded - the bounce inside a message a person forwarded inline.
 *
 * A mail program forwards inline by writing a marker line ("----------
 * Forwarded message ---------", "Begin forwarded message:", "-----Original
 * Message-----" under a "Fwd:" subject), the forwarded message's header
 * block as text ("From: ...", "Subject: ...", in the program's language),
 * then its body; Apple Mail quotes all of it behind "> ". The bounce is
 * still all there: this file turns it back into a message (the header
 * block as headers, the body as its text, the wrapper's machine parts,
 * delivery-status and returned message, attached again), which the
 * analyzer then reads like any other. Whether that message is a bounce is
 * decided by the same detection as always, on its own headers: the
 * wrapper only tells where to look.
 *
 * One pass over the lines, no pattern: this runs on every message.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

/* the marker's words, lower case; the Original Message family counts only
 * under a forward subject (a reply quotes the same way) */
static const char *const forward_words[] = {
  "forwarded message", "begin forwarded message", "start of forwarded message", "forwarded by",
  "weitergeleitete nachricht", "message transféré", "message transfere", "mensaje reenviado",
  "messaggio inoltrato", "mensagem encaminhada", "doorgestuurd bericht", "vidarebefordrat meddelande",
  "videresendt melding", "przekazana wiadomość", "пересылаемое сообщение", "転送されたメッセージ",
  "转发的邮件", "轉寄的郵件",
};
static const char *const original_words[] = {
  "original message", "ursprüngliche nachricht", "message d'origine", "mensaje original",
  "messaggio originale", "mensagem original", "oorspronkelijk bericht", "ursprungligt meddelande",
  "исходное сообщение", "元のメッセージ",
};

/* the header names of a forwarded block, by language, and the field each
 * stands for */
static const struct { const char *name; const char *field; } block_names[] = {
  { "from", "From" }, { "von", "From" }, { "de", "From" }, { "da", "From" }, { "van", "From" },
  { "från", "From" }, { "fra", "From" }, { "od", "From" }, { "от", "From" }, { "差出人", "From" },
  { "发件人", "From" }, { "寄件者", "From" },
  { "subject", "Subject" }, { "betreff", "Subject" }, { "objet", "Subject" }, { "asunto", "Subject" },
  { "oggetto", "Subject" }, { "assunto", "Subject" }, { "onderwerp", "Subject" }, { "ämne", "Subject" },
  { "emne", "Subject" }, { "temat", "Subject" }, { "тема", "Subject" }, { "件名", "Subject" },
  { "主题", "Subject" }, { "主旨", "Subject" },
  { "date", "Date" }, { "sent", "Date" }, { "datum", "Date" }, { "gesendet", "Date" }, { "envoyé", "Date" },
  { "enviado", "Date" }, { "fecha", "Date" }, { "inviato", "Date" }, { "data", "Date" },
  { "verzonden", "Date" }, { "skickat", "Date" }, { "sendt", "Date" }, { "отправлено", "Date" },
  { "送信日時", "Date" }, { "日期", "Date" },
  { "to", "To" }, { "an", "To" }, { "à", "To" }, { "para", "To" }, { "a", "To" }, { "aan", "To" },
  { "till", "To" }, { "til", "To" }, { "do", "To" }, { "кому", "To" }, { "宛先", "To" }, { "收件人", "To" },
  { "cc", "Cc" }, { "reply-to", "Reply-To" }, { "message-id", "Message-ID" },
};

/* the wrapper's parts that belong to the bounce */
static const char *const machine_types[] = {
  "message/delivery-status", "message/global-delivery-status", "message/rfc822", "message/global",
  "text/rfc822-headers", "message/rfc822-headers", "message/global-headers", "message/feedback-report",
};

static gboolean
blank (const char *line)
{
  return line[strspn (line, " \t\r")] == '\0';
}

static gboolean
contains_any (const char *lower, const char *const *words, guint n)
{
  for (guint i = 0; i < n; i++)
    if (strstr (lower, words[i]))
      return TRUE;
  return FALSE;
}

/* unquote - @line without one level of "> " quoting; NULL when unquoted */
static const char *
unquote (const char *line)
{
  if (line[0] != '>')
    return NULL;
  return line[1] == ' ' ? line + 2 : line + 1;
}

/* is_marker - a forward marker line: a short line of dashes around the
 * words, or "Begin forwarded message:" */
static gboolean
is_marker (const char *line, gboolean forward_subject)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t' || *p == '*')
    p++;
  gsize len = strlen (p);
  if (len < 8 || len > 120)
    return FALSE;
  gboolean dashed = p[0] == '-' && p[1] == '-';
  g_autofree char *lower = g_utf8_strdown (p, len);
  if (!dashed && !(g_str_has_prefix (lower, "begin forwarded") || g_str_has_prefix (lower, "start of forwarded")))
    return FALSE;
  if (contains_any (lower, forward_words, G_N_ELEMENTS (forward_words)))
    return TRUE;
  return forward_subject && dashed && contains_any (lower, original_words, G_N_ELEMENTS (original_words));
}

/* block_field - the field a forwarded header line stands for ("From"),
 * its value in @value; NULL when the line is no header line */
static const char *
block_field (const char *line, const char **value)
{
  const char *p = line;
  while (*p == ' ' || *p == '*')
    p++;
  /* an ASCII colon, or a full-width one (3 bytes) */
  const char *colon = strchr (p, ':');
  const char *wide = strstr (p, "：");
  if (wide && (colon == NULL || wide < colon))
    colon = wide;
  if (colon == NULL || colon == p || colon - p > 24)
    return NULL;
  g_autofree char *name = g_utf8_strdown (p, colon - p);
  g_strstrip (name);
  for (char *q = name; *q; q++)
    if (*q == '*')
      *q = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (block_names); i++)
    if (strcmp (block_names[i].name, name) == 0)
      {
        const char *v = colon + (colon[0] == ':' ? 1 : 3);
        while (*v == ' ' || *v == '*')
          v++;
        *value = v;
        return block_names[i].field;
      }
  return NULL;
}

static void
add_machine_parts (GMimeObject *object, GString *out, const char *boundary, gboolean *dsn)
{
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (object);
      for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
        add_machine_parts (g_mime_multipart_get_part (mp, i), out, boundary, dsn);
      return;
    }
  GMimeContentType *ct = g_mime_object_get_content_type (object);
  g_autofree char *type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
  if (type == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (machine_types); i++)
    if (g_ascii_strcasecmp (type, machine_types[i]) == 0)
      {
        g_autofree char *text = g_mime_object_to_string (object, NULL);
        g_string_append_printf (out, "\n--%s\n%s", boundary, text);
        if (g_str_has_suffix (machine_types[i], "delivery-status"))
          *dsn = TRUE;
        return;
      }
}

/* marker_line - does a line of @text look like a forward marker? One
 * pass over the lines without copying them: only a line that starts with
 * two dashes or "Begin/Start of forwarded" (after quoting) is looked at */
static gboolean
marker_line (const char *text, gboolean fwd_subject)
{
  for (const char *line = text; *line;)
    {
      const char *nl = strchr (line, '\n');
      gsize len = nl ? (gsize) (nl - line) : strlen (line);
      const char *p = line;
      if (*p == '>')
        p += p[1] == ' ' ? 2 : 1;
      while (*p == ' ' || *p == '\t' || *p == '*')
        p++;
      if ((p[0] == '-' && p[1] == '-') || g_ascii_strncasecmp (p, "begin forwarded", 15) == 0
          || g_ascii_strncasecmp (p, "start of forwarded", 18) == 0)
        {
          g_autofree char *copy = g_strndup (p, len - (p - line));
          if (is_marker (copy, fwd_subject))
            return TRUE;
        }
      if (nl == NULL)
        break;
      line = nl + 1;
    }
  return FALSE;
}

static gboolean
forward_subject (GMimeMessage *outer)
{
  const char *s = g_mime_message_get_subject (outer);
  if (s == NULL)
    return FALSE;
  while (*s == ' ')
    s++;
  /* a tag a filter or a list put before it: "[SPAM] Fwd: ...", "[list] Fwd:" */
  while (*s == '[' && strchr (s, ']') && strchr (s, ']') - s < 40)
    {
      s = strchr (s, ']') + 1;
      while (*s == ' ')
        s++;
    }
  static const char *const prefixes[] = { "fwd:", "fw:", "wg:", "tr:", "rv:", "i:", "vs:", "doorst:",
                                          "enc:", "pd:", "fwd :", "转发:", "轉寄:" };
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_ascii_strncasecmp (s, prefixes[i], strlen (prefixes[i])) == 0)
      return TRUE;
  return FALSE;
}

/**
 * bk_forwarded_unwrap:
 * @outer: the message
 * @text: its human-readable text (UTF-8, LF)
 *
 * Returns: (transfer full) (nullable): the forwarded message's bytes, or
 * %NULL when @text forwards nothing
 */
GByteArray *
bk_forwarded_unwrap (GMimeMessage *outer, const char *text)
{
  /* the cheap test first: every marker has dashes or the word "forward"
   * or a colon-ended phrase; most messages have none of a marker's words */
  if (text == NULL)
    return NULL;
  gboolean fwd_subject = forward_subject (outer);
  if (!fwd_subject && !marker_line (text, fwd_subject))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint i = 0, first = 0;
  gboolean quoted = FALSE, found = FALSE;
  for (; lines[i] && !found; i++)
    {
      const char *line = lines[i];
      const char *inner = unquote (line);
      const char *value;
      if (is_marker (inner ? inner : line, fwd_subject))
        {
          /* the forwarded text starts after the marker */
          found = TRUE;
          first = i + 1;
          while (lines[first] && blank (lines[first]))
            first++;
          quoted = lines[first] && unquote (lines[first]);
        }
      else if (fwd_subject && g_strcmp0 (block_field (inner ? inner : line, &value), "From") == 0 && lines[i + 1]
               && block_field (unquote (lines[i + 1]) ? unquote (lines[i + 1]) : lines[i + 1], &value))
        {
          /* no marker: under a forward subject, the header block itself
           * ("> From: ...", "> Sent: ...") starts it */
          found = TRUE;
          first = i;
          quoted = inner != NULL;
        }
    }
  if (!found)
    return NULL;

  GString *head = g_string_new (NULL);
  GString *body = g_string_new (NULL);
  gboolean in_block = TRUE, seen_field = FALSE;
  for (guint j = first; lines[j]; j++)
    {
      const char *line = lines[j];
      if (quoted)
        {
          const char *u = unquote (line);
          if (u == NULL && *line != '\0')
            break;                  /* the quote ends: the forwarder's own words */
          line = u ? u : line;
        }
      if (in_block)
        {
          const char *value = NULL;
          const char *field = block_field (line, &value);
          if (field)
            {
              g_string_append_printf (head, "%s: %s\n", field, value);
              seen_field = TRUE;
              continue;
            }
          if (seen_field && (line[0] == ' ' || line[0] == '\t') && line[1])
            {
              g_string_append_printf (head, " %s\n", line + strspn (line, " \t"));
              continue;
            }
          if (*line == '\0' && !seen_field)
            continue;
          in_block = FALSE;
          if (*line == '\0')
            continue;
        }
      g_string_append (body, line);
      g_string_append_c (body, '\n');
    }
  if (!seen_field || body->len == 0)
    {
      g_string_free (head, TRUE);
      g_string_free (body, TRUE);
      return NULL;
    }

  GString *out = head;
  g_string_append (out, "MIME-Version: 1.0\n");
  GString *parts = g_string_new (NULL);
  static const char boundary[] = "=_bouncekit-forwarded-part";
  gboolean dsn = FALSE;
  add_machine_parts (g_mime_message_get_mime_part (outer), parts, boundary, &dsn);
  if (parts->len == 0)
    {
      g_string_append (out, "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");
      g_string_append_len (out, body->str, body->len);
    }
  else
    {
      g_string_append_printf (out, "Content-Type: multipart/%s; boundary=\"%s\"\n\n--%s\n"
                              "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
                              dsn ? "report; report-type=delivery-status" : "mixed", boundary, boundary);
      g_string_append_len (out, body->str, body->len);
      g_string_append_len (out, parts->str, parts->len);
      g_string_append_printf (out, "\n--%s--\n", boundary);
    }
  g_string_free (parts, TRUE);
  g_string_free (body, TRUE);
  gsize len = out->len;
  return g_byte_array_new_take ((guint8 *) g_string_free (out, FALSE), len);
}
