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
#include "analyze/bk-analyze-private.h"

#include <string.h>

/**
 * BkAnalyzer:
 *
 * Turns one message into a [struct@Bouncekit.Report]. Holds the PCRE2
 * match data it reuses from message to message, so an analyzer belongs to
 * one thread at a time; create one per worker, all sharing one
 * [struct@Bouncekit.Ruleset].
 *
 * Since: 0.1
 */
struct _BkAnalyzer {
  GObject parent_instance;
  BkRuleset *rules;
  BkScanner *scanner;
  gboolean evidence;   /* fill BkReport.evidence */
};

G_DEFINE_TYPE (BkAnalyzer, bk_analyzer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RULESET,
  PROP_EVIDENCE,
  N_PROPS
};

static GParamSpec *analyzer_props[N_PROPS];

static void
bk_analyzer_init (BkAnalyzer *an)
{
  an->evidence = TRUE;
}

static void
bk_analyzer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BkAnalyzer *an = BK_ANALYZER (object);
  switch (prop_id)
    {
    case PROP_RULESET:
      an->rules = g_value_dup_boxed (value);
      break;
    case PROP_EVIDENCE:
      an->evidence = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_analyzer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BkAnalyzer *an = BK_ANALYZER (object);
  switch (prop_id)
    {
    case PROP_RULESET:
      g_value_set_boxed (value, an->rules);
      break;
    case PROP_EVIDENCE:
      g_value_set_boolean (value, an->evidence);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_analyzer_constructed (GObject *object)
{
  BkAnalyzer *an = BK_ANALYZER (object);
  G_OBJECT_CLASS (bk_analyzer_parent_class)->constructed (object);
  /* an analyzer made without rules (g_object_new without "ruleset")
   * analyzes nothing: bk_analyzer_analyze() returns an empty report */
  if (an->rules != NULL)
    an->scanner = bk_scanner_new (an->rules);
}

static void
bk_analyzer_finalize (GObject *object)
{
  BkAnalyzer *an = BK_ANALYZER (object);
  bk_scanner_free (an->scanner);
  bk_ruleset_unref (an->rules);
  G_OBJECT_CLASS (bk_analyzer_parent_class)->finalize (object);
}

static void
bk_analyzer_class_init (BkAnalyzerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->set_property = bk_analyzer_set_property;
  object_class->get_property = bk_analyzer_get_property;
  object_class->constructed = bk_analyzer_constructed;
  object_class->finalize = bk_analyzer_finalize;

  /**
   * BkAnalyzer:ruleset:
   *
   * The rules the analyzer applies; set at construction.
   *
   * Since: 0.1
   */
  analyzer_props[PROP_RULESET] =
    g_param_spec_boxed ("ruleset", NULL, NULL, BK_TYPE_RULESET,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * BkAnalyzer:evidence:
   *
   * Whether reports get their evidence lines (see
   * [method@Bouncekit.Analyzer.set_evidence]).
   *
   * Since: 0.1
   */
  analyzer_props[PROP_EVIDENCE] =
    g_param_spec_boolean ("evidence", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, analyzer_props);
}

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
 * bk_parse_attached_messages:
 * @parse: %TRUE to have GMime parse a message/rfc822 or message/global
 *   part into a message of its own (GMime's default), %FALSE to keep it
 *   as one part holding the message's bytes
 *
 * A bounce's returned message is read for its headers, and parsed only
 * when a bounce may be nested inside it; GMime building, then freeing,
 * the returned message's tree is a sixth of the cost of parsing the
 * corpus's bounces. Either way the analysis gives the same results. This
 * changes GMime's type registry for the whole process: call it after
 * bk_init(), before any message is parsed, and only where no other code
 * expects GMimeMessagePart objects from GMime's parser. GMime drops the
 * registry entry a call replaces (16 bytes, once per change; leak
 * checkers report it: tests/lsan.supp, tests/valgrind/suppressions.supp).
 */
void
bk_parse_attached_messages (gboolean parse)
{
  /* GMime's own registration parses them; registering again replaces
   * the entry and drops the old one, so only a change registers */
  static gint parsing = TRUE;
  if (g_atomic_int_get (&parsing) == (parse != FALSE))
    return;
  g_atomic_int_set (&parsing, parse != FALSE);
  GType type = parse ? GMIME_TYPE_MESSAGE_PART : GMIME_TYPE_PART;
  g_mime_object_register_type ("message", "rfc822", type);
  g_mime_object_register_type ("message", "global", type);
}

/**
 * bk_analyzer_new:
 * @rules: the rules to apply
 *
 * Creates an analyzer applying @rules.
 *
 * Returns: (transfer full): a new analyzer, for use in one thread at a time
 *
 * Since: 0.1
 */
BkAnalyzer *
bk_analyzer_new (BkRuleset *rules)
{
  g_return_val_if_fail (rules != NULL, NULL);
  return g_object_new (BK_TYPE_ANALYZER, "ruleset", rules, NULL);
}

/**
 * bk_analyzer_set_evidence:
 * @analyzer: an analyzer
 * @keep: whether reports get their evidence lines
 *
 * The evidence lines of a report (BkReport.evidence, BkRecipient.evidence)
 * say how each value was found, for a person reading an explanation;
 * formatting them is a few percent of an analysis. An analyzer whose
 * reports nobody explains can leave them out: the arrays are then empty.
 * Every other field is the same either way. The default is to keep them.
 *
 * Since: 0.1
 */
void
bk_analyzer_set_evidence (BkAnalyzer *analyzer, gboolean keep)
{
  g_return_if_fail (BK_IS_ANALYZER (analyzer));
  if (analyzer->evidence == (keep != FALSE))
    return;
  analyzer->evidence = keep != FALSE;
  g_object_notify_by_pspec (G_OBJECT (analyzer), analyzer_props[PROP_EVIDENCE]);
}

/**
 * bk_analyzer_get_evidence:
 * @analyzer: an analyzer
 *
 * Whether the reports of @analyzer carry their evidence lines.
 *
 * Returns: whether reports get their evidence lines
 *
 * Since: 0.1
 */
gboolean
bk_analyzer_get_evidence (BkAnalyzer *analyzer)
{
  g_return_val_if_fail (BK_IS_ANALYZER (analyzer), FALSE);
  return analyzer->evidence;
}

/**
 * bk_analyzer_get_ruleset:
 * @analyzer: an analyzer
 *
 * The rules @analyzer was made with.
 *
 * Returns: (transfer none) (nullable): the rules @analyzer applies
 *
 * Since: 0.1
 */
BkRuleset *
bk_analyzer_get_ruleset (BkAnalyzer *analyzer)
{
  g_return_val_if_fail (BK_IS_ANALYZER (analyzer), NULL);
  return analyzer->rules;
}

/**
 * bk_analyzer_free: (skip)
 * @analyzer: (transfer full) (nullable): an analyzer
 *
 * Drops a reference, as g_object_unref() does (kept for programs written
 * before #BkAnalyzer was a GObject).
 *
 * Since: 0.1
 */
void
bk_analyzer_free (BkAnalyzer *analyzer)
{
  if (analyzer != NULL)
    g_object_unref (analyzer);
}

/* ---- recipients ---- */

static gboolean
weak_diagnostic (const BkRecipient *r)
{
  return r->diagnostic == NULL || strlen (r->diagnostic) < 8;
}

/* refine_from_text - a DSN recipient whose diagnostic is missing or only
 * generic takes the free text's words for it */
/* Returns TRUE when the words added are the report's preamble, not the
 * recipient's own block: then the recipient's own reply is what the
 * diagnostic was before. */
static gboolean
refine_from_text (BkRecipient *r, BkTextResult *text)
{
  if (text == NULL)
    return FALSE;
  BkTextRecipient *tr = bk_text_result_find (text, r->recipient);
  if (tr == NULL && r->original_recipient)
    tr = bk_text_result_find (text, r->original_recipient);
  const char *words = tr && tr->diag->len ? tr->diag->str : NULL;
  gboolean preamble = FALSE;
  if (words == NULL && text->recipients->len <= 1 && text->preamble && text->format)
    words = text->preamble, preamble = TRUE;
  if (words == NULL)
    return FALSE;
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
              return FALSE;
            }
          g_autofree char *joined = g_strconcat (r->diagnostic, " ", words, NULL);
          g_free (r->diagnostic);
          r->diagnostic = bk_text_one_line (joined, BK_MAX_DIAG_BYTES);
        }
      bk_evidence (r->evidence, "diagnostic refined from the %s text",
                   text->format ? text->format->name : "report");
      return preamble;
    }
  return FALSE;
}

/* codes - fill reply code and status from the diagnostic; a generic DSN
 * status (X.0.0) gives way to a specific one of the same class */
static void
codes (BkScanner *scanner, const BkRuleset *rules, BkRecipient *r)
{
  g_autofree char *reply = NULL;
  g_autofree char *status = NULL;
  const BkRule *rule = NULL;
  const BkRule *status_rule = NULL;
  if (r->diagnostic == NULL)
    return;
  if (!bk_codes_find (scanner, rules, r->diagnostic, &reply, &status, &rule, &status_rule))
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
from_dsn (BkReport *report, BkDsn *dsn, BkTextResult *text, GHashTable *own)
{
  if (dsn->reporting_mta)
    {
      g_free (report->reporting_mta);
      report->reporting_mta = g_strdup (dsn->reporting_mta);
    }
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
      if (refine_from_text (r, text))
        g_hash_table_insert (own, r, g_strdup (d->diagnostic));
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

/* generated_by - the address a pipe or file delivery was made for, as
 * the text words it after naming @target: Exim's
 *   pipe to |/usr/bin/filter
 *     generated by user@example.com
 * or NULL */
static char *
generated_by (const char *body, const char *target)
{
  const char *at = target && *target ? strstr (body, target) : NULL;
  if (at == NULL)
    return NULL;
  const char *g = g_strstr_len (at, MIN (strlen (at), 400), "generated by ");
  if (g == NULL)
    return NULL;
  g += strlen ("generated by ");
  gsize n = strcspn (g, " \t\r\n,;()");
  g_autofree char *token = g_strndup (g, n);
  char *addr = bk_text_clean_address (token);
  if (addr && !is_address (addr))
    g_clear_pointer (&addr, g_free);
  return addr;
}

/* target_paragraph - the text about a delivery target, as one line: from
 * the line of its last mention (the one that heads the delivery attempt's
 * output) to the end of that paragraph; a "------ target ------" heading
 * is followed by its output after a blank line */
static char *
target_paragraph (const char *body, const char *target)
{
  const char *last = NULL;
  for (const char *p = strstr (body, target); p; p = strstr (p + 1, target))
    last = p;
  if (last == NULL)
    return NULL;
  while (last > body && last[-1] != '\n')
    last--;
  const char *end = last;
  gboolean heading = g_str_has_prefix (last, "---");
  for (;;)
    {
      const char *nl = strchr (end, '\n');
      if (nl == NULL)
        {
          end += strlen (end);
          break;
        }
      const char *next = nl + 1;
      gboolean blank = next[strspn (next, " \t\r")] == '\n' || next[strspn (next, " \t\r")] == '\0';
      if (blank && !heading)
        {
          end = nl;
          break;
        }
      if (blank)
        {
          /* the heading's own end: skip the blank lines to its output */
          heading = FALSE;
          while (*next && next[strspn (next, " \t\r")] == '\n')
            next = strchr (next, '\n') + 1;
        }
      end = next;
      if (*end == '\0')
        break;
    }
  g_autofree char *block = g_strndup (last, end - last);
  return bk_text_one_line (block, BK_MAX_DIAG_BYTES);
}

/* header_addresses - the addresses of header @name of @obj (NULL: none),
 * cleaned, from its first 32 comma-separated pieces */
static GPtrArray *
header_addresses (GMimeObject *obj, const char *name)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *v = obj ? bk_mime_header (obj, name) : NULL;
  g_auto (GStrv) list = v ? g_strsplit (v, ",", 32) : NULL;
  for (guint i = 0; list && list[i]; i++)
    {
      char *a = bk_text_clean_address (list[i]);
      if (a)
        g_ptr_array_add (out, a);
    }
  return out;
}

/* local_part_owner - the address of the returned message's To or Cc
 * whose local part is @local ("jsmith" -> "jsmith@example.com"), or NULL */
static char *
local_part_owner (GMimeObject *orig, const char *local)
{
  static const char *const fields[] = { "To", "Cc" };
  gsize n = strlen (local);
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      g_autoptr (GPtrArray) list = header_addresses (orig, fields[f]);
      for (guint i = 0; i < list->len; i++)
        {
          const char *a = g_ptr_array_index (list, i);
          if (strchr (a, '@') == a + n && g_ascii_strncasecmp (a, local, n) == 0)
            return g_strdup (a);
        }
    }
  return NULL;
}

/* complete_local - a Final-Recipient that is a local part only ("jsmith",
 * as some MTAs report a local delivery) becomes the Original-Recipient
 * when that is an address, else the returned message's recipient of that
 * local part */
static void
complete_local (BkRecipient *r, GMimeObject *orig)
{
  const char *local = r->recipient;
  if (local == NULL || *local == '\0' || strpbrk (local, "@|/ \t<>\"") != NULL)
    return;
  g_autofree char *full = is_address (r->original_recipient) ? g_strdup (r->original_recipient)
                                                             : local_part_owner (orig, local);
  if (full == NULL)
    return;
  bk_evidence (r->evidence, "Final-Recipient '%s' is a local part: %s %s", local, full,
               is_address (r->original_recipient) && g_strcmp0 (full, r->original_recipient) == 0
                 ? "is the Original-Recipient" : "is the returned message's recipient");
  g_free (r->recipient);
  r->recipient = g_steal_pointer (&full);
}

/* repair_dsn_recipients - a Final-Recipient that is a local part is
 * completed (complete_local); one that is no address (a pipe
 * "|/usr/bin/procmail", a file, "@host") takes the address the text says
 * it was generated by, else the first address the text names that no
 * other recipient has */
static void
repair_dsn_recipients (BkReport *report, BkTextResult *text, const char *body, GMimeObject *orig)
{
  guint next = 0;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (!is_address (r->recipient))
        complete_local (r, orig);
      if (is_address (r->recipient))
        continue;
      g_autofree char *target = g_strdup (r->recipient);
      g_autofree char *owner = generated_by (body, r->recipient);
      if (owner && !report_has (report, owner))
        {
          bk_evidence (r->evidence, "Final-Recipient '%s' is no address: the text says it was generated by %s",
                       r->recipient, owner);
          g_free (r->recipient);
          r->recipient = g_steal_pointer (&owner);
          /* no words, or only the target's own line */
          if (weak_diagnostic (r) || strstr (r->diagnostic, target))
            {
              g_free (r->diagnostic);
              r->diagnostic = target_paragraph (body, target);
            }
          continue;
        }
      while (text && next < text->recipients->len)
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

/* Addresses that cannot be the failed recipient: the bounce's own
 * sender and recipient, the returned message's sender, and the mail
 * system's and lists' own addresses. */
static const char *const own_headers[] = { "From", "To", "Return-Path", "Reply-To", "Sender" };
/* all among returned_fields (bk-returned.c), which a returned header block is parsed for */
static const char *const returned_own_headers[] = { "From", "Sender", "Return-Path" };

static gboolean
header_names (GMimeObject *obj, const char *name, const char *address)
{
  g_autoptr (GPtrArray) list = header_addresses (obj, name);
  for (guint i = 0; i < list->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (list, i), address) == 0)
      return TRUE;
  return FALSE;
}

/* not_a_recipient - why @address cannot be the failed recipient, or NULL;
 * *by_header tells that it is only one of the senders' or the bounce's
 * own header addresses, which may still be the failed one when no other
 * candidate remains (someone who mailed themselves) */
static const char *
not_a_recipient (GMimeMessage *msg, GMimeObject *orig, const char *address, gboolean *by_header)
{
  *by_header = FALSE;
  const char *at = strrchr (address, '@');
  g_autofree char *local = g_ascii_strdown (address, at ? at - address : -1);
  if (strcmp (local, "mailer-daemon") == 0 || strcmp (local, "mailer_daemon") == 0)
    return "the mail system's own address";
  if (g_str_has_suffix (local, "-bounces") || g_str_has_suffix (local, "-bounce")
      || g_str_has_suffix (local, "-admin") || g_str_has_suffix (local, "-owner")
      || g_str_has_suffix (local, "-request") || g_str_has_prefix (local, "owner-")
      || strstr (local, "-bounces+") != NULL)
    return "a list's own address";
  *by_header = TRUE;
  /* a report's "contact postmaster@..." line; mail to a postmaster can
   * fail too, so only while another candidate remains */
  if (strcmp (local, "postmaster") == 0)
    return "the mail system's postmaster";
  for (guint i = 0; i < G_N_ELEMENTS (own_headers); i++)
    if (header_names (GMIME_OBJECT (msg), own_headers[i], address))
      return "an address of the bounce's own header";
  for (guint i = 0; i < G_N_ELEMENTS (returned_own_headers); i++)
    if (header_names (orig, returned_own_headers[i], address))
      return "the returned message's sender";
  *by_header = FALSE;
  return NULL;
}

static void
from_text (BkReport *report, GMimeMessage *msg, GMimeObject *orig, BkTextResult *text)
{
  /* a generic reading is filtered; a format's recipient lines are the
   * MTA's own statement, of which only the returned message's sender is
   * dropped, and only beside another candidate (a transcript's reply to
   * MAIL FROM names the sender in a recipient's shape) */
  gboolean generic = text->format->signs->len > 0;
  guint n = text->recipients->len;
  g_autofree const char **why = g_new0 (const char *, n + 1);
  g_autofree gboolean *by_header = g_new0 (gboolean, n + 1);
  gboolean any_kept = FALSE;
  for (guint i = 0; i < n; i++)
    {
      BkTextRecipient *tr = g_ptr_array_index (text->recipients, i);
      why[i] = not_a_recipient (msg, orig, tr->address, &by_header[i]);
      if (!generic && why[i] && strcmp (why[i], "the returned message's sender") != 0)
        why[i] = NULL;
      any_kept |= why[i] == NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      BkTextRecipient *tr = g_ptr_array_index (text->recipients, i);
      const char *source = tr->rule ? tr->rule->id : text->format->name;
      /* a header address is dropped in favour of another candidate
       * only: someone who mailed themselves still bounces */
      if (why[i] && (any_kept || !by_header[i]))
        {
          bk_evidence (report->evidence, "candidate %s (%s): dropped, %s", tr->address, source, why[i]);
          continue;
        }
      bk_evidence (report->evidence, "candidate %s (%s): kept", tr->address, source);
      const char *diag = tr->diag->len ? tr->diag->str : text->preamble;
      /* the reason given before the list of addresses ("could not be
       * delivered because of 550 5.1.1 ...: a@b"): the preamble holds
       * the code the recipient's own lines lack */
      g_autofree char *joined = NULL;
      if (tr->diag->len && text->preamble && !bk_text_has_code (tr->diag->str)
          && bk_text_has_code (text->preamble))
        diag = joined = g_strconcat (text->preamble, " ", tr->diag->str, NULL);
      BkRecipient *r = add_text_recipient (report, tr->address, diag, text->delayed);
      bk_evidence (r->evidence, "recipient from a '%s' recipient line (%s)", text->format->name, source);
    }
}

/* from_mentions - the addresses the report's prose names: those the
 * returned message was sent to, else the only one named; each with its
 * paragraph as diagnostic when it holds a code, else @diag. TRUE if any
 * was added. */
static gboolean
from_mentions (BkReport *report, GMimeMessage *msg, GMimeObject *orig, BkTextResult *text,
               const char *alltext, const char *diag, gboolean delayed)
{
  gsize len = strlen (alltext);
  if (text && text->returned && g_str_has_suffix (alltext, text->returned))
    len -= strlen (text->returned);
  g_autoptr (GPtrArray) mentions = bk_text_mentions (alltext, len);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  for (guint i = 0; i < mentions->len; i++)
    {
      BkMention *m = g_ptr_array_index (mentions, i);
      gboolean by_header;
      const char *why = not_a_recipient (msg, orig, m->address, &by_header);
      bk_evidence (report->evidence, "candidate %s (named in the text): %s%s", m->address,
                   why ? "dropped, " : "considered", why ? why : "");
      if (why == NULL)
        g_ptr_array_add (kept, m);
    }
  g_autoptr (GPtrArray) chosen = g_ptr_array_new ();
  for (guint i = 0; orig && i < kept->len; i++)
    {
      BkMention *m = g_ptr_array_index (kept, i);
      if (header_names (orig, "To", m->address) || header_names (orig, "Cc", m->address))
        g_ptr_array_add (chosen, m);
    }
  const char *basis = "a recipient of the returned message";
  if (chosen->len == 0 && kept->len == 1)
    {
      g_ptr_array_add (chosen, g_ptr_array_index (kept, 0));
      basis = "the only address it names";
    }
  for (guint i = 0; i < chosen->len; i++)
    {
      BkMention *m = g_ptr_array_index (chosen, i);
      BkRecipient *r = add_text_recipient (report, m->address,
                                           bk_text_has_code (m->paragraph) ? m->paragraph : diag, delayed);
      bk_evidence (r->evidence, "recipient named in the text, %s", basis);
    }
  return chosen->len > 0;
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
  if (from_mentions (report, msg, orig, text, alltext, diag, delayed))
    return;
  /* the last resort: the returned message went to one address only */
  g_autofree char *orig_to = orig ? bk_returned_header (orig, "To") : NULL;
  g_autofree char *orig_cc = bk_returned_header (orig, "Cc");
  g_autofree char *orig_addr = bk_text_clean_address (orig_to);
  if (orig_addr && strchr (orig_addr, '@') && !strchr (orig_to, ',') && orig_cc == NULL)
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

/* ---- the handlers, in the order they run ---- */

static BkReport *analyze_with (BkScanner *scanner, const BkRuleset *rules, GMimeMessage *message, guint depth);

/* formats - run the free-text formats; find the returned message */
static BkStep
handle_formats (BkAnalysis *a)
{
  a->text = bk_freetext_scan (a->scanner, a->rules, &a->in);
  if (a->text->detected)
    bk_evidence (a->report->evidence, "format '%s' recognised (%s:%u)", a->text->detected->name,
                 a->text->detected->file, a->text->detected->line);
  a->orig = bk_returned_message (a->parts, a->text);
  bk_fill_original (a->report, a->orig);
  return BK_STEP_NEXT;
}

/* dsn - the RFC 3464 fields, from their MIME part or written into the
 * text; a Reporting-MTA alone names nobody but is kept */
static BkStep
handle_dsn (BkAnalysis *a)
{
  const char *inline_dsn = a->parts->has_dsn ? NULL : embedded_dsn (a->parts->text->str);
  if (!a->parts->has_dsn && !inline_dsn)
    return BK_STEP_NEXT;
  g_autoptr (BkDsn) dsn = bk_dsn_parse (inline_dsn ? inline_dsn : a->parts->dsn->str);
  BkTextResult *text = a->text->format ? a->text : NULL;
  if (inline_dsn)
    bk_evidence (a->report->evidence, "delivery-status fields inside the text part");
  if (dsn->recipients->len)
    {
      a->report->kind = BK_REPORT_KIND_DSN;
      from_dsn (a->report, dsn, text, a->own);
      a->extensions = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < dsn->recipients->len; i++)
        g_ptr_array_add (a->extensions,
                         g_strdup (((BkDsnRecipient *) g_ptr_array_index (dsn->recipients, i))->extensions));
      repair_dsn_recipients (a->report, text, a->parts->text->str, a->orig);
      bk_evidence (a->report->evidence, "delivery-status part with %u recipient(s)", dsn->recipients->len);
    }
  else if (dsn->reporting_mta)
    {
      g_free (a->report->reporting_mta);
      a->report->reporting_mta = g_strdup (dsn->reporting_mta);
      bk_evidence (a->report->evidence, "delivery-status part without recipient fields");
    }
  return BK_STEP_NEXT;
}

/* format recipients - the recipients a format (or the generic reader)
 * found in the text, when the DSN named none */
static BkStep
handle_text (BkAnalysis *a)
{
  if (a->report->recipients->len || a->text->format == NULL)
    return BK_STEP_NEXT;
  a->report->kind = BK_REPORT_KIND_TEXT;
  from_text (a->report, a->message, a->orig, a->text);
  return BK_STEP_NEXT;
}

/* nested - a bounce forwarded or wrapped inside another message (a
 * gateway that quarantines, a user who forwards): read the inner one
 * before the wrapper's fallbacks guess from its headers */
static BkStep
handle_nested (BkAnalysis *a)
{
  if (a->report->recipients->len || a->depth >= 2)
    return BK_STEP_NEXT;
  g_autoptr (GMimeMessage) attached = bk_parts_returned_message (a->parts);
  if (attached == NULL)
    return BK_STEP_NEXT;
  BkReport *inner = analyze_with (a->scanner, a->rules, attached, a->depth + 1);
  if (inner->recipients->len == 0)
    {
      bk_report_unref (inner);
      return BK_STEP_NEXT;
    }
  bk_evidence (inner->evidence, "bounce found inside the attached message");
  bk_report_unref (a->report);
  a->report = inner;
  return BK_STEP_DONE;
}

/* forwarded - a bounce a person forwarded inline, or quoted behind "> ":
 * read the message it forwards (bk-forwarded.c) before the wrapper, whose
 * text quotes the bounce's words but whose own recipients are nobody's;
 * the forwarded message must be a bounce by its own headers and text */
static BkStep
handle_forwarded (BkAnalysis *a)
{
  if (a->depth >= 2)
    return BK_STEP_NEXT;
  g_autoptr (GByteArray) raw = bk_forwarded_unwrap (a->message, a->parts->text->str);
  if (raw == NULL)
    return BK_STEP_NEXT;
  g_autoptr (GMimeMessage) forwarded = bk_message_parse_bytes ((const char *) raw->data, raw->len, NULL);
  if (forwarded == NULL)
    return BK_STEP_NEXT;
  BkReport *inner = analyze_with (a->scanner, a->rules, forwarded, a->depth + 1);
  if (inner->recipients->len == 0 || inner->kind == BK_REPORT_KIND_NONE)
    {
      bk_report_unref (inner);
      return BK_STEP_NEXT;
    }
  bk_evidence (inner->evidence, "bounce found in the text a person forwarded");
  bk_report_unref (a->report);
  a->report = inner;
  return BK_STEP_DONE;
}

/* fallback - a message recognisably a bounce that names nobody:
 * X-Failed-Recipients, a VERP return address, the returned To: */
static BkStep
handle_fallback (BkAnalysis *a)
{
  if (a->report->recipients->len)
    return BK_STEP_NEXT;
  g_autofree char *xfailed = bk_mime_header (GMIME_OBJECT (a->message), "X-Failed-Recipients");
  if (!a->text->detected && !a->parts->has_dsn && !xfailed)
    return BK_STEP_NEXT;
  fallback_recipients (a->report, a->message, a->orig, a->text, a->parts->text->str);
  if (a->report->recipients->len)
    a->report->kind = a->parts->has_dsn ? BK_REPORT_KIND_DSN : BK_REPORT_KIND_TEXT;
  return BK_STEP_NEXT;
}

static const struct {
  const char *name;
  BkStep (*run) (BkAnalysis *a);
} handlers[] = {
  { "feedback report", bk_notice_feedback },
  { "read receipt", bk_notice_read_receipt },
  { "complaint", bk_notice_complaint },
  { "auto-reply", bk_notice_autoreply },
  { "forwarded inline", handle_forwarded },
  { "formats", handle_formats },
  { "JSON event notice", bk_notice_json },
  { "delivery status", handle_dsn },
  { "format recipients", handle_text },
  { "auto-submitted", bk_notice_auto_submitted },
  { "nested bounce", handle_nested },
  { "fallback", handle_fallback },
};

/* not_a_bounce - say which signs of a bounce the generic reader looked
 * for and which it found, for `explain` */
static void
not_a_bounce (BkAnalysis *a)
{
  a->report->kind = BK_REPORT_KIND_NONE;
  for (guint i = 0; i < a->rules->formats->len; i++)
    {
      const BkFormat *fmt = g_ptr_array_index (a->rules->formats, i);
      if (fmt->signs->len == 0)
        continue;
      g_autoptr (GPtrArray) seen = g_ptr_array_new ();
      int score = bk_format_score (a->scanner, fmt, &a->in, seen);
      g_autoptr (GString) found = g_string_new (NULL);
      for (guint j = 0; j < seen->len; j++)
        {
          const BkRule *s = g_ptr_array_index (seen, j);
          g_string_append_printf (found, "%s%s (%+d)", found->len ? ", " : "", s->reason, s->weight);
        }
      g_autoptr (GString) looked = g_string_new (NULL);
      for (guint j = 0; j < fmt->signs->len; j++)
        {
          const BkRule *s = g_ptr_array_index (fmt->signs, j);
          gboolean listed = FALSE;
          for (guint k = 0; k < j && !listed; k++)
            listed = strcmp (((const BkRule *) g_ptr_array_index (fmt->signs, k))->reason, s->reason) == 0;
          if (!listed)
            g_string_append_printf (looked, "%s%s", looked->len ? " " : "", s->reason);
        }
      bk_evidence (a->report->evidence, "format '%s' looked for: %s; found: %s; score %d of %d%s",
                   fmt->name, looked->str, found->len ? found->str : "nothing", score,
                   MAX (fmt->threshold, 1), bk_format_needs_met (fmt, seen) ? "" : ", a needed sign missing");
    }
  bk_evidence (a->report->evidence, "not a bounce: no handler found a failed recipient");
}

/* expanded_from - the address @address was expanded from, as the text
 * says it ("<u1@store.example> (expanded from <a@example.org>)", Postfix
 * and others): the address the sender mailed, or NULL. @lower is the text
 * in ASCII lower case (same offsets as @text). */
static char *
expanded_from (const char *text, const char *lower, const char *address)
{
  g_autofree char *needle = g_ascii_strdown (address, -1);
  gsize nlen = strlen (needle);
  for (const char *p = strstr (lower, needle); p; p = strstr (p + nlen, needle))
    {
      const char *q = p + nlen;
      q += strspn (q, "> \t\n");
      if (strncmp (q, "(expanded from", 14) != 0)
        continue;
      q += 14;
      q += strspn (q, ": \t\n<");
      gsize len = strcspn (q, "<>() \t\n,;");
      g_autofree char *candidate = g_strndup (text + (q - lower), len);
      if (is_address (candidate))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/* internal_to - is @final an address inside @mailed's own domain (the
 * domain or a host under it: a mail store, an alias of the same site)? A
 * forward to another domain is where the mail went, and stays reported. */
static gboolean
internal_to (const char *final, const char *mailed)
{
  const char *fd = strrchr (final, '@'), *md = strrchr (mailed, '@');
  if (fd == NULL || md == NULL)
    return FALSE;
  fd++, md++;
  gsize fl = strlen (fd), ml = strlen (md);
  if (fl == ml)
    return g_ascii_strcasecmp (fd, md) == 0;
  return fl > ml && fd[fl - ml - 1] == '.' && g_ascii_strcasecmp (fd + fl - ml, md) == 0;
}

/* mailed_address - report the address the sender mailed, not one the
 * receiving side expanded it to inside its own domain: the "expanded
 * from" address, or the Original-Recipient where the Final-Recipient is no Internet address (an
 * X.400 O/R name, a local mail store's id) */
static void
mailed_address (BkAnalysis *a, BkRecipient *r)
{
  /* (a text that never says "expanded from" is not lowered at all) */
  if (r->recipient && a->parts->text->len && strstr (a->parts->text->str, "xpanded from"))
    {
      g_autofree char *lower = g_ascii_strdown (a->parts->text->str, a->parts->text->len);
      g_autofree char *x = expanded_from (a->parts->text->str, lower, r->recipient);
      if (x && g_ascii_strcasecmp (x, r->recipient) != 0 && internal_to (r->recipient, x))
        {
          bk_evidence (r->evidence, "%s was expanded from %s, the address mailed", r->recipient, x);
          if (r->original_recipient == NULL)
            r->original_recipient = g_strdup (x);
          g_free (r->recipient);
          r->recipient = g_steal_pointer (&x);
          return;
        }
    }
  if (r->original_recipient && is_address (r->original_recipient) && r->recipient && is_address (r->recipient)
      && g_ascii_strcasecmp (r->original_recipient, r->recipient) != 0
      && internal_to (r->recipient, r->original_recipient)
      && strrchr (r->recipient, '@')[1] != '\0'
      && g_ascii_strcasecmp (strrchr (r->recipient, '@'), strrchr (r->original_recipient, '@')) != 0)
    {
      /* delivered inside the mailed domain to a host of its own (a mail
       * store): the list mailed the Original-Recipient */
      bk_evidence (r->evidence, "the final recipient %s is a host inside %s's domain: the original recipient "
                   "was mailed", r->recipient, r->original_recipient);
      g_free (r->recipient);
      r->recipient = g_strdup (r->original_recipient);
      return;
    }
  if (r->original_recipient && is_address (r->original_recipient) && !is_address (r->recipient))
    {
      bk_evidence (r->evidence, "the final recipient %s is no Internet address: the original recipient %s "
                   "was mailed", r->recipient ? r->recipient : "(none)", r->original_recipient);
      g_free (r->recipient);
      r->recipient = g_strdup (r->original_recipient);
    }
}

/* finish - mta, codes, reason and class of every recipient */
static void
finish (BkAnalysis *a)
{
  BkReport *report = a->report;
  if (a->text->format)
    {
      g_free (report->mta);
      report->mta = g_strdup (a->text->format->name);
    }
  else if (report->mta)
    ;   /* a notice reader named it */
  else if (a->text->detected)
    report->mta = g_strdup (a->text->detected->name);
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
      mailed_address (a, r);
      codes (a->scanner, a->rules, r);
      gpointer own = NULL;
      gboolean own_set = a->own && g_hash_table_lookup_extended (a->own, r, NULL, &own);
      g_autofree char *own_joined = own ? bk_text_join_reply_lines (own) : NULL;
      BkClassifyContext ctx = {
        .own_set = own_set,
        .own = own_joined,
        .extensions = a->extensions && i < a->extensions->len ? g_ptr_array_index (a->extensions, i) : NULL,
      };
      bk_classify (a->scanner, a->rules, a->text->format, r, &ctx);
      bk_evidence (r->evidence, "reason %s, class %s, decided by %s", r->reason,
                   bk_bounce_class_to_string (r->klass), r->rule);
    }
}

/* analyze_with - the analysis of @message: the handlers in order, until
 * one settles the report; @depth counts nested bounces */
static BkReport *
analyze_with (BkScanner *scanner, const BkRuleset *rules, GMimeMessage *message, guint depth)
{
  g_autoptr (BkParts) parts = bk_mime_collect (message);
  g_autoptr (BkHeaderSlots) headers = bk_header_slots_new (rules);
  BkAnalysis a = {
    .scanner = scanner, .rules = rules, .message = message, .parts = parts,
    .in = { .message = message, .text = parts->text->str, .text_len = parts->text->len,
            .headers = headers, .prefilter = rules->prefilter, .parts = parts },
    .report = bk_report_new (), .depth = depth,
    .own = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free),
  };
  if (rules->prefilter && scanner->body_bits)
    {
      /* one pass over the text marks the rules worth matching against it */
      bk_prefilter_scan (rules->prefilter, parts->text->str, parts->text->len, scanner->body_bits);
      a.in.body_bits = scanner->body_bits;
    }
  a.report->date = bk_mime_header (GMIME_OBJECT (message), "Date");

  gboolean done = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (handlers) && !done; i++)
    done = handlers[i].run (&a) == BK_STEP_DONE;
  if (!done)
    {
      if (a.report->recipients->len == 0)
        not_a_bounce (&a);
      else
        finish (&a);
    }
  if (a.text)
    bk_text_result_free (a.text);
  g_clear_pointer (&a.extensions, g_ptr_array_unref);
  g_clear_pointer (&a.own, g_hash_table_unref);
  g_clear_object (&a.orig);
  return a.report;
}

static BkReport *
analyze (BkAnalyzer *an, GMimeMessage *message, guint depth)
{
  /* the analysis runs on this thread, start to end: the choice holds for
   * every bk_evidence() call it makes */
  if (an->rules == NULL)
    return bk_report_new ();
  gboolean was = bk_evidence_set_enabled (an->evidence);
  BkReport *report = analyze_with (an->scanner, an->rules, message, depth);
  bk_evidence_set_enabled (was);
  return report;
}

/**
 * bk_analyzer_analyze:
 * @analyzer: an analyzer
 * @message: the message
 *
 * Analyses one parsed message. The analysis never fails on content: malformed mail gives a partial or empty report.
 *
 * Returns: (transfer full): the report; kind %BK_REPORT_KIND_NONE and no
 *   recipients when the message is not a bounce
 *
 * Since: 0.1
 */
BkReport *
bk_analyzer_analyze (BkAnalyzer *analyzer, GMimeMessage *message)
{
  g_return_val_if_fail (BK_IS_ANALYZER (analyzer) && GMIME_IS_MESSAGE (message), NULL);
  bk_scanner_start_message (analyzer->scanner);
  return analyze (analyzer, message, 0);
}

/**
 * bk_analyzer_analyze_bytes:
 * @analyzer: an analyzer
 * @data: (array length=len) (element-type guint8): one message, raw bytes
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Parses @data as one message (CRLF, CR or LF line ends) and analyses it.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL when @data is
 *   not a message at all
 *
 * Since: 0.1
 */
BkReport *
bk_analyzer_analyze_bytes (BkAnalyzer *analyzer, const char *data, gsize len, GError **error)
{
  g_autoptr (GMimeMessage) msg = bk_message_parse_bytes (data, len, error);
  if (msg == NULL)
    return NULL;
  return bk_analyzer_analyze (analyzer, msg);
}
