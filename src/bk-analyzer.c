/* SPDX-License-Identifier: MIT */
/*
 * bk-analyzer - one message in, one BkReport out: the thin orchestration
 * of the stages (mime -> dsn / feedback / freetext -> codes -> classify).
 *
 * Decision order: a feedback report is a complaint; a read receipt without
 * delivery status is nothing; a DSN with recipients is the primary source,
 * refined by the free text where its own diagnostic is missing or generic;
 * a free-text format with recipients comes next; then a recognised
 * auto-reply; then, for a message that is recognisably a bounce but names
 * nobody, the fallbacks (X-Failed-Recipients, VERP, the returned To:).
 * Anything else is not a bounce (kind NONE, no recipients). The analyzer
 * never fails on content: malformed mail gives a partial or empty report.
 */
#include "bk-private.h"

#include <string.h>

struct _BkAnalyzer {
  BkRuleset *rules;
  BkScanner *scanner;
};

/**
 * bk_init:
 *
 * Initialises GMime; call once before using the library (idempotent).
 */
void
bk_init (void)
{
  g_mime_init ();
}

/**
 * bk_analyzer_new:
 * @rules: the rules to apply
 *
 * Returns: (transfer full): a new analyzer, for use in one thread at a time
 */
BkAnalyzer *
bk_analyzer_new (BkRuleset *rules)
{
  g_return_val_if_fail (rules != NULL, NULL);
  BkAnalyzer *an = g_new0 (BkAnalyzer, 1);
  an->rules = bk_ruleset_ref (rules);
  an->scanner = bk_scanner_new (rules);
  return an;
}

/**
 * bk_analyzer_free:
 * @analyzer: (transfer full) (nullable): an analyzer
 */
void
bk_analyzer_free (BkAnalyzer *analyzer)
{
  if (analyzer == NULL)
    return;
  bk_scanner_free (analyzer->scanner);
  bk_ruleset_unref (analyzer->rules);
  g_free (analyzer);
}

/* ---- returned message ---- */

static GMimeObject *
returned_message (BkParts *parts, BkTextResult *text)
{
  if (parts->returned)
    return g_object_ref (parts->returned);
  const char *src = parts->returned_headers ? parts->returned_headers : text ? text->returned : NULL;
  if (src == NULL)
    return NULL;
  /* skip leading blank lines so the headers start the "message" */
  while (*src == '\n' || *src == ' ' || *src == '\t')
    src++;
  /* only the headers are read from it: parse the header block alone */
  const char *end = strstr (src, "\n\n");
  gsize len = end ? (gsize) (end - src) + 1 : strlen (src);
  GMimeMessage *msg = bk_message_parse_bytes (src, len, NULL);
  return msg ? GMIME_OBJECT (msg) : NULL;
}

static void
fill_original (BkReport *report, GMimeObject *orig)
{
  if (orig == NULL)
    return;
  g_autofree char *mid = bk_mime_header (orig, "Message-ID");
  if (mid)
    {
      g_autofree char *clean = bk_text_clean_address (mid);
      report->original_message_id = g_strdup (clean ? clean : mid);
    }
  report->original_from = bk_mime_header (orig, "From");
  report->original_to = bk_mime_header (orig, "To");
  report->original_subject = bk_mime_header (orig, "Subject");
  report->list_id = bk_mime_header (orig, "List-Id");
}

/* ---- recipients ---- */

static gboolean
weak_diagnostic (const BkRecipient *r)
{
  return r->diagnostic == NULL || strlen (r->diagnostic) < 8;
}

/* refine_from_text - a DSN recipient whose diagnostic is missing or only
 * generic takes the free text's words for it */
static void
refine_from_text (BkRecipient *r, BkTextResult *text)
{
  if (text == NULL)
    return;
  BkTextRecipient *tr = bk_text_result_find (text, r->recipient);
  if (tr == NULL && r->original_recipient)
    tr = bk_text_result_find (text, r->original_recipient);
  const char *words = tr && tr->diag->len ? tr->diag->str : NULL;
  if (words == NULL && text->recipients->len <= 1 && text->preamble && text->format)
    words = text->preamble;
  if (words == NULL)
    return;
  gboolean generic = r->status == NULL || g_str_has_suffix (r->status, ".0.0");
  if (weak_diagnostic (r) || generic)
    {
      if (weak_diagnostic (r))
        {
          g_free (r->diagnostic);
          r->diagnostic = bk_text_one_line (words, BK_MAX_DIAG_BYTES);
        }
      else
        {
          g_autofree char *one = bk_text_one_line (words, BK_MAX_DIAG_BYTES);
          if (one == NULL || strstr (r->diagnostic, one) || strstr (one, r->diagnostic))
            {
              /* the text repeats the field, or holds it: keep the longer */
              if (one && strlen (one) > strlen (r->diagnostic))
                {
                  g_free (r->diagnostic);
                  r->diagnostic = g_steal_pointer (&one);
                }
              return;
            }
          g_autofree char *joined = g_strconcat (r->diagnostic, " ", words, NULL);
          g_free (r->diagnostic);
          r->diagnostic = bk_text_one_line (joined, BK_MAX_DIAG_BYTES);
        }
      bk_evidence (r->evidence, "diagnostic refined from the %s text",
                   text->format ? text->format->name : "report");
    }
}

/* codes - fill reply code and status from the diagnostic; a generic DSN
 * status (X.0.0) gives way to a specific one of the same class */
static void
codes (BkAnalyzer *an, BkRecipient *r)
{
  g_autofree char *reply = NULL;
  g_autofree char *status = NULL;
  const BkRule *rule = NULL;
  const BkRule *status_rule = NULL;
  if (r->diagnostic == NULL)
    return;
  if (!bk_codes_find (an->scanner, an->rules, r->diagnostic, &reply, &status, &rule, &status_rule))
    return;
  if (r->reply_code == NULL && reply)
    {
      r->reply_code = g_steal_pointer (&reply);
      bk_evidence (r->evidence, "reply code %s from the diagnostic (code:%s)", r->reply_code, rule->id);
    }
  if (status && (r->status == NULL
                 || (g_str_has_suffix (r->status, ".0.0") && !g_str_has_suffix (status, ".0.0")
                     && status[0] == r->status[0])))
    {
      bk_evidence (r->evidence, "status %s from the diagnostic (code:%s)%s%s", status, status_rule->id,
                   r->status ? ", over generic " : "", r->status ? r->status : "");
      g_free (r->status);
      r->status = g_steal_pointer (&status);
    }
}

static BkRecipient *
add_text_recipient (BkReport *report, const char *address, const char *diag, gboolean delayed)
{
  BkRecipient *r = bk_report_add_recipient (report);
  r->recipient = g_strdup (address);
  r->action = g_strdup (delayed ? "delayed" : "failed");
  r->diagnostic = bk_text_one_line (diag, BK_MAX_DIAG_BYTES);
  return r;
}

static void
from_dsn (BkReport *report, BkDsn *dsn, BkTextResult *text)
{
  report->reporting_mta = g_strdup (dsn->reporting_mta);
  for (guint i = 0; i < dsn->recipients->len; i++)
    {
      BkDsnRecipient *d = g_ptr_array_index (dsn->recipients, i);
      BkRecipient *r = bk_report_add_recipient (report);
      r->recipient = g_strdup (d->final_recipient);
      r->original_recipient = g_strdup (d->original_recipient);
      r->action = g_strdup (d->action);
      r->status = g_strdup (d->status);
      r->remote_mta = g_strdup (d->remote_mta);
      r->diagnostic_type = g_strdup (d->diagnostic_type);
      r->diagnostic = g_strdup (d->diagnostic);
      r->date = g_strdup (d->last_attempt_date ? d->last_attempt_date : dsn->arrival_date);
      bk_evidence (r->evidence, "recipient from the delivery-status fields");
      if (r->action == NULL)
        r->action = g_strdup (r->status && r->status[0] == '4' ? "delayed"
                              : r->status && r->status[0] == '2' ? "delivered" : "failed");
      refine_from_text (r, text);
    }
}

static gboolean
is_address (const char *a)
{
  const char *at = a ? strrchr (a, '@') : NULL;
  return at && at != a && at[1] != '\0';
}

static gboolean
report_has (BkReport *report, const char *address)
{
  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->recipient && g_ascii_strcasecmp (r->recipient, address) == 0)
        return TRUE;
    }
  return FALSE;
}

/* repair_dsn_recipients - a Final-Recipient that is no address (a pipe
 * "|/usr/bin/procmail", a file, "@host") takes the first address the text
 * names that no other recipient has */
static void
repair_dsn_recipients (BkReport *report, BkTextResult *text)
{
  guint next = 0;
  for (guint i = 0; text && i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (is_address (r->recipient))
        continue;
      while (next < text->recipients->len)
        {
          BkTextRecipient *tr = g_ptr_array_index (text->recipients, next++);
          if (report_has (report, tr->address))
            continue;
          bk_evidence (r->evidence, "Final-Recipient '%s' is no address: the text names %s",
                       r->recipient ? r->recipient : "", tr->address);
          g_free (r->recipient);
          r->recipient = g_strdup (tr->address);
          if (weak_diagnostic (r) && tr->diag->len)
            {
              g_free (r->diagnostic);
              r->diagnostic = bk_text_one_line (tr->diag->str, BK_MAX_DIAG_BYTES);
            }
          break;
        }
    }
}

static void
from_text (BkReport *report, BkTextResult *text)
{
  for (guint i = 0; i < text->recipients->len; i++)
    {
      BkTextRecipient *tr = g_ptr_array_index (text->recipients, i);
      const char *diag = tr->diag->len ? tr->diag->str : text->preamble;
      /* the reason given before the list of addresses ("could not be
       * delivered because of 550 5.1.1 ...: a@b"): the preamble holds
       * the code the recipient's own lines lack */
      g_autofree char *joined = NULL;
      if (tr->diag->len && text->preamble && !bk_text_has_code (tr->diag->str)
          && bk_text_has_code (text->preamble))
        diag = joined = g_strconcat (text->preamble, " ", tr->diag->str, NULL);
      BkRecipient *r = add_text_recipient (report, tr->address, diag, text->delayed);
      bk_evidence (r->evidence, "recipient from a '%s' recipient line", text->format->name);
    }
}

/* fallback_recipients - addresses for a bounce whose report names nobody */
static void
fallback_recipients (BkReport *report, GMimeMessage *msg, GMimeObject *orig,
                     BkTextResult *text, const char *alltext)
{
  const char *diag = text && text->preamble ? text->preamble : alltext;
  gboolean delayed = text && text->delayed;
  g_autofree char *failed = bk_mime_header (GMIME_OBJECT (msg), "X-Failed-Recipients");
  if (failed)
    {
      g_auto (GStrv) list = g_strsplit_set (failed, ", ", -1);
      for (guint i = 0; list[i] && report->recipients->len < BK_MAX_RECIPIENTS; i++)
        {
          g_autofree char *addr = bk_text_clean_address (list[i]);
          if (addr && strchr (addr, '@'))
            {
              BkRecipient *r = add_text_recipient (report, addr, diag, delayed);
              bk_evidence (r->evidence, "recipient from X-Failed-Recipients");
            }
        }
      if (report->recipients->len)
        return;
    }
  g_autofree char *to = bk_mime_header (GMIME_OBJECT (msg), "To");
  g_autofree char *to_addr = bk_text_clean_address (to);
  g_autofree char *verp = bk_text_verp_decode (to_addr);
  if (verp)
    {
      BkRecipient *r = add_text_recipient (report, verp, diag, delayed);
      bk_evidence (r->evidence, "recipient from the VERP address %s", to_addr);
      return;
    }
  g_autofree char *orig_to = orig ? bk_mime_header (orig, "To") : NULL;
  g_autofree char *orig_addr = bk_text_clean_address (orig_to);
  if (orig_addr && strchr (orig_addr, '@'))
    {
      BkRecipient *r = add_text_recipient (report, orig_addr, diag, delayed);
      bk_evidence (r->evidence, "recipient from the returned message's To:");
    }
}

/* embedded_dsn - where delivery-status fields start inside the text of a
 * message whose DSN part is not a MIME part of its own (a broken boundary,
 * or an old MTA writing the fields into the text): the first line that
 * opens with Reporting-MTA, Final-Recipient or Original-Recipient, if a
 * Final-Recipient or Original-Recipient line exists at all. NULL otherwise.
 * Returns a pointer into @text. */
static const char *
embedded_dsn (const char *text)
{
  static const char *const openers[] = { "Reporting-MTA:", "Final-Recipient:", "Original-Recipient:" };
  const char *first = NULL;
  gboolean names_recipient = FALSE;
  for (const char *line = text; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
      if (g_ascii_strncasecmp (line, openers[i], strlen (openers[i])) == 0)
        {
          if (first == NULL)
            first = line;
          if (i > 0)
            names_recipient = TRUE;
        }
  return names_recipient ? first : NULL;
}

/* ---- report kinds ---- */

static void
feedback (BkReport *report, BkParts *parts, GMimeObject *orig)
{
  g_autoptr (GPtrArray) groups = bk_fields_parse_groups (parts->feedback->str);
  GPtrArray *fields = groups->len ? g_ptr_array_index (groups, 0) : NULL;
  const char *type = bk_fields_get (fields, "Feedback-Type");
  const char *mta = bk_fields_get (fields, "Reporting-MTA");
  const char *arrival = bk_fields_get (fields, "Arrival-Date");
  if (!arrival)
    arrival = bk_fields_get (fields, "Received-Date");
  report->kind = BK_REPORT_KIND_FEEDBACK;
  report->mta = g_strdup ("arf");
  if (mta)
    {
      const char *semi = strchr (mta, ';');
      report->reporting_mta = g_strstrip (g_strdup (semi ? semi + 1 : mta));
    }
  for (guint i = 0; fields && i < fields->len && report->recipients->len < BK_MAX_RECIPIENTS; i++)
    {
      BkField822 *f = g_ptr_array_index (fields, i);
      if (g_ascii_strcasecmp (f->name, "Original-Rcpt-To") != 0
          && g_ascii_strcasecmp (f->name, "Removal-Recipient") != 0)
        continue;
      g_autofree char *addr = bk_text_clean_address (f->value);
      if (addr == NULL)
        continue;
      BkRecipient *r = bk_report_add_recipient (report);
      r->recipient = g_steal_pointer (&addr);
      bk_evidence (r->evidence, "recipient from %s", f->name);
    }
  if (report->recipients->len == 0)
    {
      BkRecipient *r = bk_report_add_recipient (report);
      g_autofree char *to = orig ? bk_mime_header (orig, "To") : NULL;
      r->recipient = bk_text_clean_address (to);
      bk_evidence (r->evidence, "recipient from the reported message's To:");
    }
  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      r->feedback_type = type ? g_ascii_strdown (type, -1) : NULL;
      r->reason = g_strdup ("feedback");
      r->rule = g_strdup ("kind:feedback-report");
      r->klass = BK_BOUNCE_CLASS_NONE;
      r->date = arrival ? g_strdup (arrival) : NULL;
    }
}

/* complaint - a non-ARF complaint or opt-out: the complaining address is
 * the reported message's To:, or else the sender of the complaint */
static void
complaint (BkReport *report, GMimeMessage *msg, GMimeObject *orig, const BkRule *rule)
{
  report->kind = BK_REPORT_KIND_FEEDBACK;
  report->mta = g_strdup ("feedback");
  BkRecipient *r = bk_report_add_recipient (report);
  g_autofree char *to = orig ? bk_mime_header (orig, "To") : NULL;
  g_autofree char *from = bk_mime_header (GMIME_OBJECT (msg), "From");
  r->recipient = bk_text_clean_address (to ? to : from);
  r->feedback_type = g_strdup (rule->reason);
  r->reason = g_strdup ("feedback");
  r->rule = g_strdup_printf ("complaint:%s", rule->id);
  r->klass = BK_BOUNCE_CLASS_NONE;
  bk_evidence (r->evidence, "complaint without a feedback report (%s:%u); recipient from %s",
               rule->file, rule->line, to ? "the reported message's To:" : "From:");
}

/* first_field_match - the first of @rules matching its field */
static gboolean
first_field_match (BkAnalyzer *an, GPtrArray *rules, const BkTextInput *in, const BkRule **out_rule)
{
  for (guint i = 0; i < rules->len; i++)
    if (bk_field_match (an->scanner, g_ptr_array_index (rules, i), in))
      {
        *out_rule = g_ptr_array_index (rules, i);
        return TRUE;
      }
  return FALSE;
}

static void
autoreply (BkReport *report, GMimeMessage *msg, const char *rule)
{
  report->kind = BK_REPORT_KIND_AUTOREPLY;
  report->mta = g_strdup ("rfc3834");
  BkRecipient *r = bk_report_add_recipient (report);
  g_autofree char *from = bk_mime_header (GMIME_OBJECT (msg), "From");
  r->recipient = bk_text_clean_address (from);
  r->reason = g_strdup ("vacation");
  r->rule = g_strdup (rule);
  r->klass = BK_BOUNCE_CLASS_NONE;
  bk_evidence (r->evidence, "auto-reply; recipient from From:");
}

static gboolean
auto_submitted_reply (GMimeMessage *msg)
{
  g_autofree char *v = bk_mime_header (GMIME_OBJECT (msg), "Auto-Submitted");
  return v && g_ascii_strncasecmp (v, "auto-replied", 12) == 0;
}

/* analyze - the analysis of @message; @depth counts nested bounces */
static BkReport *
analyze (BkAnalyzer *an, GMimeMessage *message, guint depth)
{
  BkReport *report = bk_report_new ();
  g_autoptr (BkParts) parts = bk_mime_collect (message);
  g_autoptr (GHashTable) headers = bk_header_cache_new ();
  g_autofree char *returned_headers = bk_parts_returned_headers (parts);
  BkTextInput in = { message, parts->text->str, headers, NULL, an->rules->prefilter, returned_headers };
  if (an->rules->prefilter && an->scanner->body_bits)
    {
      /* one pass over the text marks the rules worth matching against it */
      bk_prefilter_scan (an->rules->prefilter, parts->text->str, parts->text->len, an->scanner->body_bits);
      in.body_bits = an->scanner->body_bits;
    }
  report->date = bk_mime_header (GMIME_OBJECT (message), "Date");

  if (parts->has_feedback)
    {
      g_autoptr (GMimeObject) orig = returned_message (parts, NULL);
      fill_original (report, orig);
      feedback (report, parts, orig);
      bk_evidence (report->evidence, "message/feedback-report part: ARF complaint");
      return report;
    }
  if (parts->has_mdn && !parts->has_dsn)
    {
      report->kind = BK_REPORT_KIND_MDN;
      bk_evidence (report->evidence, "disposition-notification: a read receipt, not a bounce");
      return report;
    }

  const BkRule *complaint_rule = NULL;
  if (!parts->has_dsn && !parts->is_report
      && first_field_match (an, an->rules->complaints, &in, &complaint_rule))
    {
      g_autoptr (GMimeObject) orig = returned_message (parts, NULL);
      fill_original (report, orig);
      complaint (report, message, orig, complaint_rule);
      return report;
    }

  const BkRule *auto_rule = NULL;
  if (!parts->has_dsn && first_field_match (an, an->rules->autoreply, &in, &auto_rule))
    {
      g_autofree char *rule = g_strdup_printf ("autoreply:%s", auto_rule->id);
      autoreply (report, message, rule);
      return report;
    }

  g_autoptr (BkTextResult) text = bk_freetext_scan (an->scanner, an->rules, &in);
  if (text->detected)
    bk_evidence (report->evidence, "format '%s' recognised (%s:%u)", text->detected->name,
                 text->detected->file, text->detected->line);
  g_autoptr (GMimeObject) orig = returned_message (parts, text);
  fill_original (report, orig);

  const char *inline_dsn = parts->has_dsn ? NULL : embedded_dsn (parts->text->str);
  if (parts->has_dsn || inline_dsn)
    {
      g_autoptr (BkDsn) dsn = bk_dsn_parse (inline_dsn ? inline_dsn : parts->dsn->str);
      if (inline_dsn)
        bk_evidence (report->evidence, "delivery-status fields inside the text part");
      if (dsn->recipients->len)
        {
          report->kind = BK_REPORT_KIND_DSN;
          from_dsn (report, dsn, text->format ? text : NULL);
          repair_dsn_recipients (report, text->format ? text : NULL);
          bk_evidence (report->evidence, "delivery-status part with %u recipient(s)", dsn->recipients->len);
        }
      else if (dsn->reporting_mta)
        report->reporting_mta = g_strdup (dsn->reporting_mta);
    }
  if (report->recipients->len == 0 && text->format)
    {
      report->kind = BK_REPORT_KIND_TEXT;
      from_text (report, text);
    }
  /* X-Failed-Recipients is only ever set by a bounce */
  g_autofree char *xfailed = bk_mime_header (GMIME_OBJECT (message), "X-Failed-Recipients");
  if (report->recipients->len == 0 && !text->detected && !parts->has_dsn && !xfailed
      && !parts->is_report && auto_submitted_reply (message))
    {
      autoreply (report, message, "autoreply:auto-submitted");
      return report;
    }
  if (report->recipients->len == 0 && depth < 2 && GMIME_IS_MESSAGE (parts->returned))
    {
      /* a bounce forwarded or wrapped inside another message (a gateway
       * that quarantines, a user who forwards): read the inner one */
      BkReport *inner = analyze (an, GMIME_MESSAGE (parts->returned), depth + 1);
      if (inner->recipients->len)
        {
          bk_evidence (inner->evidence, "bounce found inside the attached message");
          bk_report_unref (report);
          return inner;
        }
      bk_report_unref (inner);
    }
  if (report->recipients->len == 0 && (text->detected || parts->has_dsn || xfailed))
    {
      fallback_recipients (report, message, orig, text, parts->text->str);
      if (report->recipients->len)
        report->kind = parts->has_dsn ? BK_REPORT_KIND_DSN : BK_REPORT_KIND_TEXT;
    }
  if (report->recipients->len == 0)
    {
      report->kind = BK_REPORT_KIND_NONE;
      return report;
    }

  if (text->format)
    report->mta = g_strdup (text->format->name);
  else if (text->detected)
    report->mta = g_strdup (text->detected->name);
  else
    report->mta = g_strdup ("rfc3464");

  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->diagnostic)
        {
          char *joined = bk_text_join_reply_lines (r->diagnostic);
          g_free (r->diagnostic);
          r->diagnostic = joined;
        }
      codes (an, r);
      bk_classify (an->scanner, an->rules, text->format, r);
      bk_evidence (r->evidence, "reason %s, class %s, decided by %s", r->reason,
                   bk_bounce_class_to_string (r->klass), r->rule);
    }
  return report;
}

/**
 * bk_analyzer_analyze:
 * @analyzer: an analyzer
 * @message: the message
 *
 * Returns: (transfer full): the report; kind %BK_REPORT_KIND_NONE and no
 *   recipients when the message is not a bounce
 */
BkReport *
bk_analyzer_analyze (BkAnalyzer *an, GMimeMessage *message)
{
  g_return_val_if_fail (an != NULL && GMIME_IS_MESSAGE (message), NULL);
  return analyze (an, message, 0);
}

/**
 * bk_analyzer_analyze_bytes:
 * @analyzer: an analyzer
 * @data: one message, raw bytes
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the report, or %NULL when @data is
 *   not a message at all
 */
BkReport *
bk_analyzer_analyze_bytes (BkAnalyzer *an, const char *data, gsize len, GError **error)
{
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (data, len, error);
  if (msg == NULL)
    return NULL;
  return bk_analyzer_analyze (an, msg);
}
