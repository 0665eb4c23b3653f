/* SPDX-License-Identifier: MIT */
/*
 * bk-dsn - RFC 3464 / RFC 6533 delivery-status fields.
 *
 * Input: the decoded text of a message/delivery-status or
 * message/global-delivery-status part (GMime removed the transfer
 * encoding), UTF-8, any line ends, at most BK_MAX_DSN_BYTES. The first
 * field group holds the per-message fields, each later group one
 * recipient. Real DSNs bend this: a missing blank line between
 * per-message and recipient fields, a second Final-Recipient inside one
 * group, leading blank lines, no Final-Recipient but an Original-Recipient.
 * A group counts as a recipient when it names one. Values: Action and
 * Status lose their comments; addresses lose their type ("rfc822;",
 * "utf-8;") and angle brackets, xtext (RFC 3461 "+HH") and RFC 6533
 * "\x{HH}" are decoded. Fields not used downstream are not kept.
 */
#include "read/bk-read-private.h"

#include <string.h>

static void
dsn_recipient_free (BkDsnRecipient *r)
{
  g_free (r->final_recipient);
  g_free (r->original_recipient);
  g_free (r->action);
  g_free (r->status);
  g_free (r->remote_mta);
  g_free (r->diagnostic_type);
  g_free (r->diagnostic);
  g_free (r->last_attempt_date);
  g_free (r->will_retry_until);
  g_free (r->extensions);
  g_free (r);
}

void
bk_dsn_free (BkDsn *dsn)
{
  if (dsn == NULL)
    return;
  g_free (dsn->reporting_mta);
  g_free (dsn->arrival_date);
  g_free (dsn->original_envelope_id);
  g_string_free (dsn->extensions, TRUE);
  g_ptr_array_unref (dsn->recipients);
  g_free (dsn);
}

/* decode_xtext - RFC 3461 xtext and RFC 6533 "\x{2B}" escapes. Only "+2B"
 * and "+3D" ('+' and '=', the printable characters xtext must encode) are
 * decoded: an address like bob+42news@example.com is a plus-address, not
 * xtext, and must stay as it is. */
static char *
decode_xtext (const char *s)
{
  GString *out = g_string_new (NULL);
  for (const char *p = s; *p; p++)
    {
      if (*p == '+' && p[1] && p[2] && (g_ascii_strncasecmp (p + 1, "2B", 2) == 0
                                        || g_ascii_strncasecmp (p + 1, "3D", 2) == 0))
        {
          g_string_append_c (out, g_ascii_toupper (p[2]) == 'B' ? '+' : '=');
          p += 2;
          continue;
        }
      if (p[0] == '\\' && p[1] == 'x' && p[2] == '{')
        {
          const char *close = strchr (p + 3, '}');
          if (close && close - p - 3 >= 1 && close - p - 3 <= 6)
            {
              g_autofree char *hex = g_strndup (p + 3, close - p - 3);
              char *endp;
              gulong cp = strtoul (hex, &endp, 16);
              if (*endp == '\0' && g_unichar_validate ((gunichar) cp) && cp >= 0x20)
                {
                  g_string_append_unichar (out, (gunichar) cp);
                  p = close;
                  continue;
                }
            }
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/**
 * bk_dsn_address:
 * @value: a Final-Recipient / Original-Recipient value, "rfc822; a@b"
 *
 * Returns: (transfer full) (nullable): the bare address
 */
char *
bk_dsn_address (const char *value)
{
  if (value == NULL)
    return NULL;
  g_autofree char *nocomment = bk_text_strip_comments (value);
  const char *semi = strchr (nocomment, ';');
  const char *addr = semi ? semi + 1 : nocomment;
  g_autofree char *decoded = decode_xtext (addr);
  return bk_text_clean_address (decoded);
}

/* mta_name - "dns; mx.example.com" -> "mx.example.com" (comments kept out) */
static char *
mta_name (const char *value)
{
  if (value == NULL)
    return NULL;
  g_autofree char *nocomment = bk_text_strip_comments (value);
  const char *semi = strchr (nocomment, ';');
  const char *name = semi ? semi + 1 : nocomment;
  char *out = g_strstrip (g_strdup (name));
  if (*out == '\0')
    g_clear_pointer (&out, g_free);
  return out;
}

/* bare - lower-cased value without comments, or NULL if empty */
static char *
bare (const char *value)
{
  if (value == NULL)
    return NULL;
  g_autofree char *s = bk_text_strip_comments (value);
  if (*s == '\0')
    return NULL;
  /* first word only: "failed; reason" happens */
  gsize n = strcspn (s, " \t;");
  return g_ascii_strdown (s, n);
}

/* normalize_action - RFC 3464 values, plus non-standard spellings seen in
 * the wild mapped to them (Sisimai's list) */
static char *
normalize_action (const char *value)
{
  static const struct { const char *in, *out; } map[] = {
    { "failed", "failed" }, { "delayed", "delayed" }, { "delivered", "delivered" },
    { "relayed", "relayed" }, { "expanded", "expanded" }, { "failure", "failed" },
    { "fail", "failed" }, { "error", "failed" }, { "expired", "delayed" },
    { "deliverable", "delivered" }, { "delay", "delayed" },
  };
  g_autofree char *a = bare (value);
  if (a == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (a, map[i].in) == 0)
      return g_strdup (map[i].out);
  return NULL;
}

static void
split_diagnostic (const char *value, BkDsnRecipient *r)
{
  if (value == NULL || *value == '\0')
    return;
  const char *semi = strchr (value, ';');
  /* "smtp; 550 ..." has a type; "550 5.1.1 ..." (SendGrid) has none */
  gboolean typed = FALSE;
  if (semi && semi - value <= 32)
    {
      /* the type is an atom (RFC 3464 2.3.6): a letter, then letters,
       * digits and dashes; blanks only around it */
      const char *p = value, *e = semi;
      while (p < e && (*p == ' ' || *p == '\t'))
        p++;
      while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
      typed = p < e && g_ascii_isalpha (*p);
      for (; typed && p < e; p++)
        if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '_'))
          typed = FALSE;
    }
  if (typed)
    {
      g_autofree char *type = g_strstrip (g_strndup (value, semi - value));
      if (*type)
        r->diagnostic_type = g_ascii_strdown (type, -1);
      r->diagnostic = bk_text_one_line (semi + 1, BK_MAX_DIAG_BYTES);
    }
  else
    r->diagnostic = bk_text_one_line (value, BK_MAX_DIAG_BYTES);
}

static gboolean
names_recipient (GPtrArray *group)
{
  return bk_fields_get (group, "Final-Recipient") || bk_fields_get (group, "Original-Recipient")
         || bk_fields_get (group, "X-Actual-Recipient");
}

/* add_extension - append an X- field to @dest as a "Name: value" line */
static void
add_extension (GString *dest, const BkField822 *f)
{
  if (g_ascii_strncasecmp (f->name, "X-", 2) != 0 || dest->len > BK_MAX_DIAG_BYTES)
    return;
  g_autofree char *value = bk_text_one_line (f->value, 256);
  g_string_append_printf (dest, "%s%s: %s", dest->len ? "\n" : "", f->name, value ? value : "");
}

static void
take_message_fields (BkDsn *dsn, GPtrArray *group)
{
  const char *v;
  if (!names_recipient (group))
    for (guint i = 0; i < group->len; i++)
      add_extension (dsn->extensions, g_ptr_array_index (group, i));
  if (!dsn->reporting_mta && (v = bk_fields_get (group, "Reporting-MTA")))
    dsn->reporting_mta = mta_name (v);
  if (!dsn->arrival_date && (v = bk_fields_get (group, "Arrival-Date")))
    dsn->arrival_date = bk_text_one_line (v, 128);
  if (!dsn->original_envelope_id && (v = bk_fields_get (group, "Original-Envelope-Id")))
    dsn->original_envelope_id = bk_text_one_line (v, 256);
}

/* add_recipient - one recipient from the fields of @group in [from, to) */
static void
add_recipient (BkDsn *dsn, GPtrArray *group, guint from, guint to)
{
  BkDsnRecipient *r = g_new0 (BkDsnRecipient, 1);
  g_autofree char *status_comment = NULL;
  /* the message's X- fields, then the recipient's: built only when a
   * field is there (most DSNs have none) */
  g_autoptr (GString) extensions = NULL;
  if (dsn->extensions->len)
    extensions = g_string_new (dsn->extensions->str);
  for (guint i = from; i < to; i++)
    {
      BkField822 *f = g_ptr_array_index (group, i);
      const char *n = f->name;
      if (g_ascii_strncasecmp (n, "X-", 2) == 0)
        {
          if (extensions == NULL)
            extensions = g_string_new (NULL);
          add_extension (extensions, f);
        }
#define IS(x) (g_ascii_strcasecmp (n, x) == 0)
      if (IS ("Final-Recipient") && !r->final_recipient)
        r->final_recipient = bk_dsn_address (f->value);
      else if (IS ("Original-Recipient") && !r->original_recipient)
        r->original_recipient = bk_dsn_address (f->value);
      else if (IS ("X-Actual-Recipient") && !r->final_recipient)
        r->final_recipient = bk_dsn_address (f->value);
      else if (IS ("Action") && !r->action)
        r->action = normalize_action (f->value);
      else if (IS ("Status") && !r->status)
        {
          g_autofree char *nocomment = bk_text_strip_comments (f->value);
          r->status = bk_status_normalize (nocomment);
          /* "4.0.0 (host name lookup failure)": the comment explains */
          const char *open = strchr (f->value, '(');
          const char *close = open ? strrchr (open, ')') : NULL;
          if (close && close > open + 1)
            {
              g_free (status_comment);
              status_comment = g_strndup (open + 1, close - open - 1);
            }
        }
      else if (IS ("Remote-MTA") && !r->remote_mta)
        r->remote_mta = mta_name (f->value);
      else if (IS ("Diagnostic-Code") && !r->diagnostic)
        split_diagnostic (f->value, r);
      else if (IS ("Last-Attempt-Date") && !r->last_attempt_date)
        r->last_attempt_date = bk_text_one_line (f->value, 128);
      else if (IS ("Will-Retry-Until") && !r->will_retry_until)
        r->will_retry_until = bk_text_one_line (f->value, 128);
#undef IS
    }
  if (r->final_recipient == NULL && r->original_recipient)
    r->final_recipient = g_strdup (r->original_recipient);
  if (extensions && extensions->len)
    r->extensions = g_string_free (g_steal_pointer (&extensions), FALSE);
  /* without a Diagnostic-Code, a Status comment is the only explanation */
  if (r->diagnostic == NULL && status_comment)
    r->diagnostic = bk_text_one_line (status_comment, BK_MAX_DIAG_BYTES);
  if (r->final_recipient == NULL && r->action == NULL && r->status == NULL)
    {
      dsn_recipient_free (r);
      return;
    }
  if (dsn->recipients->len < BK_MAX_RECIPIENTS)
    g_ptr_array_add (dsn->recipients, r);
  else
    dsn_recipient_free (r);
}

/**
 * bk_dsn_parse:
 * @text: decoded delivery-status text
 *
 * Returns: (transfer full): the fields; never %NULL (an empty DSN has no
 *   recipients)
 */
BkDsn *
bk_dsn_parse (const char *text)
{
  BkDsn *dsn = g_new0 (BkDsn, 1);
  dsn->extensions = g_string_new (NULL);
  dsn->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) dsn_recipient_free);
  if (text == NULL)
    return dsn;
  g_autoptr (GPtrArray) groups = bk_fields_parse_groups (text);
  for (guint g = 0; g < groups->len; g++)
    {
      GPtrArray *group = g_ptr_array_index (groups, g);
      take_message_fields (dsn, group);
      if (!names_recipient (group) && !bk_fields_get (group, "Action"))
        continue;
      /* a group may hold several recipients when blank lines are missing:
       * every Final-Recipient after the first opens a new one */
      guint start = 0;
      gboolean seen_final = FALSE;
      for (guint i = 0; i < group->len; i++)
        {
          BkField822 *f = g_ptr_array_index (group, i);
          if (g_ascii_strcasecmp (f->name, "Final-Recipient") == 0)
            {
              if (seen_final)
                {
                  /* an Original-Recipient just before belongs to the next */
                  guint cut = i;
                  BkField822 *prev = g_ptr_array_index (group, i - 1);
                  if (g_ascii_strcasecmp (prev->name, "Original-Recipient") == 0 && i - 1 > start)
                    cut = i - 1;
                  add_recipient (dsn, group, start, cut);
                  start = cut;
                }
              seen_final = TRUE;
            }
        }
      add_recipient (dsn, group, start, group->len);
    }
  return dsn;
}
