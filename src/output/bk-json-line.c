/* SPDX-License-Identifier: MIT */
/*
 * bk-json-line - one recipient as a compact JSON line, written straight
 * into a buffer.
 *
 * `scan --format json` prints a line per recipient; building it as a
 * json-glib tree and generating text from the tree cost as much as
 * classifying the message. This writer emits the same members, in the
 * same order, with json-glib's escaping: '"' and '\' escaped, \b \f \n \r
 * \t as such, other control characters and DEL as \u00xx (lower-case
 * hex), everything else (UTF-8, or whatever bytes the text holds) as it
 * is. One deliberate difference: json-glib 1.6 leaves 0x1f unescaped,
 * which is not JSON; it is written as \u001f here. tests/test-json-line.c
 * checks every line against json-glib's generator and parser, so the two
 * cannot drift apart.
 */
#include "core/bk-core-private.h"


#include <string.h>

static void
add_string (GString *out, const char *value)
{
  static const char hex[] = "0123456789abcdef";
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  const char *run = value;   /* bytes copied as they are, in one go */
  const char *p;
  for (p = value; *p; p++)
    {
      guchar c = (guchar) *p;
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
add_member (GString *out, const char *key, const char *value)
{
  g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, key);
  g_string_append (out, "\":");
  add_string (out, value);
}

/**
 * bk_report_recipient_write_json: (skip)
 * @out: where the line goes (appended, no newline)
 * @report: the report
 * @rcpt: one of its recipients
 * @source: the input path as given ("-" for stdin)
 * @index: position inside an mbox from 1, or 0 for a single message
 *
 * Appends what json_generator_to_data() makes of
 * bk_report_recipient_to_json (@report, @rcpt, @source, @index).
 */
void
bk_report_recipient_write_json (GString *out, const BkReport *report, const BkRecipient *rcpt,
                                const char *source, gint64 index)
{
  g_string_append (out, "{\"source\":");
  add_string (out, source);
  if (index > 0)
    g_string_append_printf (out, ",\"index\":%" G_GINT64_FORMAT, index);
  else
    g_string_append (out, ",\"index\":null");
  add_member (out, "recipient", rcpt->recipient);
  add_member (out, "original_recipient", rcpt->original_recipient);
  add_member (out, "action", rcpt->action);
  add_member (out, "status", rcpt->status);
  add_member (out, "reply_code", rcpt->reply_code);
  add_member (out, "class", bk_bounce_class_to_string (rcpt->klass));
  add_member (out, "reason", rcpt->reason);
  add_member (out, "diagnostic", rcpt->diagnostic);
  add_member (out, "diagnostic_type", rcpt->diagnostic_type);
  add_member (out, "remote_mta", rcpt->remote_mta);
  add_member (out, "reporting_mta", report->reporting_mta);
  add_member (out, "mta", report->mta);
  add_member (out, "feedback_type", rcpt->feedback_type);
  add_member (out, "date", rcpt->date ? rcpt->date : report->date);
  add_member (out, "original_message_id", report->original_message_id);
  add_member (out, "original_from", report->original_from);
  add_member (out, "original_subject", report->original_subject);
  add_member (out, "list_id", report->list_id);
  add_member (out, "rule", rcpt->rule);
  g_string_append_c (out, '}');
}
