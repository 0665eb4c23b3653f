/* SPDX-License-Identifier: MIT */
/*
 * bk-json-notice - event notices that sending services mail as JSON
 * instead of a DSN: Amazon SES through SNS, and the webhook-style events
 * of other services when forwarded by mail. One reader for all: the event
 * type says failure, delay, delivery or complaint; the recipients are the
 * objects or strings under the usual keys; each recipient's status, reply
 * and words come from the keys services use for them. The reason is then
 * read from those words like any diagnostic (bk-classify.c).
 *
 *   {"notificationType":"Bounce","bounce":{"bounceType":"Permanent",
 *     "bouncedRecipients":[{"emailAddress":"a@b","status":"5.1.1",
 *     "diagnosticCode":"smtp; 550 5.1.1 user unknown"}], ...}, "mail":{...}}
 *   {"event":"bounce","email":"a@b","status":"5.1.1","reason":"550 ..."}
 */
#include "analyze/bk-analyze-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef enum { EV_NONE, EV_FAILED, EV_DELAYED, EV_DELIVERED, EV_COMPLAINT } EventKind;

/* event type values, compared without case and without '_', '-', ' ' */
static const struct {
  const char *value;
  EventKind kind;
} events[] = {
  { "bounce", EV_FAILED }, { "bounced", EV_FAILED }, { "hardbounce", EV_FAILED },
  { "failed", EV_FAILED }, { "failure", EV_FAILED }, { "dropped", EV_FAILED },
  { "rejected", EV_FAILED }, { "reject", EV_FAILED },
  { "softbounce", EV_DELAYED }, { "deferred", EV_DELAYED }, { "delayed", EV_DELAYED },
  { "deliverydelay", EV_DELAYED }, { "transientbounce", EV_DELAYED },
  { "delivery", EV_DELIVERED }, { "delivered", EV_DELIVERED },
  { "complaint", EV_COMPLAINT }, { "spamreport", EV_COMPLAINT }, { "spamcomplaint", EV_COMPLAINT },
  { "spam", EV_COMPLAINT }, { "abuse", EV_COMPLAINT },
};
static const char *const type_keys[] = { "notificationType", "eventType", "event", "RecordType", "Type", "type" };
/* where the recipients are: lists of objects or strings */
static const char *const list_keys[] = {
  "bouncedRecipients", "complainedRecipients", "delayedRecipients", "recipients", "destination",
};
/* the objects that hold an event's details */
static const char *const detail_keys[] = { "bounce", "complaint", "delivery", "deliveryDelay", "msg", "event-data" };
static const char *const address_keys[] = { "emailAddress", "email", "Email", "recipient", "rcpt_to", "address" };
static const char *const status_keys[] = { "status", "enhancedStatusCode", "enhanced_status" };
static const char *const words_keys[] = {
  "diagnosticCode", "smtpResponse", "diag", "raw_reason", "reason", "Details", "Description",
  "bounce_description", "response", "message", "description",
};

/* keys that only a mail event carries: a parcel or build notice with an
 * "event" and an "email" has none of them */
static const char *const mail_keys[] = {
  "mail", "bounce", "complaint", "delivery", "bounceType", "smtp-id", "sg_message_id", "MessageID",
  "message-id", "messageId", "delivery-status", "diagnosticCode", "smtpResponse", "bounce_class",
  "raw_reason", "msg",
};

static EventKind
event_kind (const char *value)
{
  g_autoptr (GString) norm = g_string_new (NULL);
  for (const char *p = value; *p; p++)
    if (*p != '_' && *p != '-' && *p != ' ')
      g_string_append_c (norm, g_ascii_tolower (*p));
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    if (strcmp (norm->str, events[i].value) == 0)
      return events[i].kind;
  return EV_NONE;
}

static const char *
string_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  const char *s = json_node_get_string (n);
  return s && *s ? s : NULL;
}

static const char *
first_string (JsonObject *o, const char *const *keys, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      const char *s = string_member (o, keys[i]);
      if (s)
        return s;
    }
  return NULL;
}

/* reply_member - an SMTP reply code given as a number ("code": 550), as
 * a string, or NULL */
static char *
reply_member (JsonObject *o)
{
  JsonNode *n = o ? json_object_get_member (o, "code") : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return NULL;
  gint64 v = json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n) : 0;
  if (v == 0 && json_node_get_value_type (n) == G_TYPE_STRING)
    v = g_ascii_strtoll (json_node_get_string (n), NULL, 10);
  return v >= 200 && v <= 599 ? g_strdup_printf ("%d", (int) v) : NULL;
}

static JsonObject *
object_member (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* Event notices nest a few levels; json-glib's parser recurses once per
 * level, so a text nested deeper is refused before it is parsed */
#define MAX_JSON_DEPTH 64

/* shallow - is the JSON in [start, end) nested at most MAX_JSON_DEPTH
 * deep (brackets inside strings not counted)? */
static gboolean
shallow (const char *start, const char *end)
{
  int depth = 0;
  gboolean in_string = FALSE;
  for (const char *p = start; p < end; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p + 1 < end)
            p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '{' || *p == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if (*p == '}' || *p == ']')
        depth--;
    }
  return TRUE;
}

/* parse_object - the JSON object in @text: from its first line that opens
 * one to the last closing brace; an SNS envelope's "Message" string is
 * unwrapped (@depth envelopes at most). Returns a new reference or NULL. */
static JsonNode *
parse_object (const char *text, guint depth)
{
  const char *start = text;
  while (*start && *start != '{')
    {
      const char *nl = strchr (start, '\n');
      if (nl == NULL)
        return NULL;
      start = nl + 1;
    }
  const char *end = strrchr (start, '}');
  if (*start != '{' || end == NULL || !shallow (start, end + 1))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, start, end - start + 1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  const char *inner = string_member (json_node_get_object (root), "Message");
  if (inner && inner[0] == '{' && depth > 0)
    return parse_object (inner, depth - 1);
  return json_node_ref (root);
}

static EventKind
find_event (JsonObject *o)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_keys); i++)
    {
      const char *v = string_member (o, type_keys[i]);
      EventKind k = v ? event_kind (v) : EV_NONE;
      if (k != EV_NONE)
        return k;
    }
  return EV_NONE;
}

static void
add_recipient (BkReport *report, EventKind kind, const char *address, JsonObject *item,
               JsonObject *detail, JsonObject *event)
{
  g_autofree char *addr = bk_text_clean_address (address);
  if (addr == NULL || strchr (addr, '@') == NULL || report->recipients->len >= BK_MAX_RECIPIENTS)
    return;
  BkRecipient *r = bk_report_add_recipient (report);
  r->recipient = g_steal_pointer (&addr);
  r->action = g_strdup (kind == EV_DELIVERED ? "delivered" : kind == EV_DELAYED ? "delayed" : "failed");
  /* the recipient's own fields first, then the event's */
  JsonObject *scopes[] = { item, object_member (item, "delivery-status"), detail,
                           object_member (event, "delivery-status"), event };
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      if (r->status == NULL)
        {
          const char *s = first_string (scopes[i], status_keys, G_N_ELEMENTS (status_keys));
          if (s && bk_status_valid (s))
            r->status = g_strdup (s);
        }
      if (r->reply_code == NULL)
        r->reply_code = reply_member (scopes[i]);
      if (r->diagnostic == NULL)
        {
          const char *w = first_string (scopes[i], words_keys, G_N_ELEMENTS (words_keys));
          if (w)
            r->diagnostic = bk_text_one_line (w, BK_MAX_DIAG_BYTES);
        }
    }
  if (r->diagnostic == NULL)
    {
      /* no words: the event's own classification of the failure */
      const char *type = string_member (detail, "bounceType");
      const char *sub = string_member (detail, "bounceSubType");
      if (type || sub)
        r->diagnostic = g_strdup_printf ("bounceType %s, bounceSubType %s", type ? type : "-", sub ? sub : "-");
    }
  const char *remote = string_member (detail, "remoteMtaIp");
  if (remote)
    r->remote_mta = g_strdup (remote);
  bk_evidence (r->evidence, "recipient from a JSON event notice");
}

/* recipients - every recipient the event names, in the detail object or
 * at the top level */
static void
recipients (BkReport *report, EventKind kind, JsonObject *event, JsonObject *detail)
{
  JsonObject *where[] = { detail, event };
  for (guint w = 0; w < G_N_ELEMENTS (where) && report->recipients->len == 0; w++)
    {
      if (where[w] == NULL)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (list_keys) && report->recipients->len == 0; k++)
        {
          JsonNode *n = json_object_get_member (where[w], list_keys[k]);
          if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
            continue;
          JsonArray *list = json_node_get_array (n);
          for (guint i = 0; i < json_array_get_length (list); i++)
            {
              JsonNode *e = json_array_get_element (list, i);
              if (JSON_NODE_HOLDS_OBJECT (e))
                {
                  JsonObject *item = json_node_get_object (e);
                  const char *a = first_string (item, address_keys, G_N_ELEMENTS (address_keys));
                  if (a)
                    add_recipient (report, kind, a, item, detail, event);
                }
              else if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
                add_recipient (report, kind, json_node_get_string (e), NULL, detail, event);
            }
        }
      const char *a = first_string (where[w], address_keys, G_N_ELEMENTS (address_keys));
      if (report->recipients->len == 0 && a)
        add_recipient (report, kind, a, NULL, detail, event);
    }
}

/* is_mail_event - does the notice speak of mail: a key of mail events in
 * the event or its detail, or a recipient with a status or an SMTP reply */
static gboolean
is_mail_event (BkReport *report, JsonObject *event, JsonObject *detail)
{
  for (guint i = 0; i < G_N_ELEMENTS (mail_keys); i++)
    if (json_object_has_member (event, mail_keys[i]) || (detail && json_object_has_member (detail, mail_keys[i])))
      return TRUE;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (report->recipients, i);
      if (r->status || r->reply_code || (r->diagnostic && bk_text_has_code (r->diagnostic)))
        return TRUE;
    }
  return FALSE;
}

/* bk_notice_json - a JSON event notice. Complaints settle the report
 * (reason feedback); failures, delays and deliveries leave their
 * recipients to be classified like any other. */
BkStep
bk_notice_json (BkAnalysis *a)
{
  if (a->report->recipients->len || a->parts->has_dsn || a->parts->has_feedback
      || strchr (a->parts->text->str, '{') == NULL)
    return BK_STEP_NEXT;
  g_autoptr (JsonNode) root = parse_object (a->parts->text->str, 2);
  JsonObject *event = root ? json_node_get_object (root) : NULL;
  EventKind kind = event ? find_event (event) : EV_NONE;
  if (kind == EV_NONE)
    return BK_STEP_NEXT;
  /* a failure the service calls temporary is a delay: Mailgun's
   * "severity", Postmark's "Type" SoftBounce beside "RecordType" */
  const char *severity = string_member (event, "severity");
  const char *subtype = string_member (event, "Type");
  if (kind == EV_FAILED && ((severity && g_ascii_strcasecmp (severity, "temporary") == 0)
                            || (subtype && event_kind (subtype) == EV_DELAYED)))
    kind = EV_DELAYED;
  JsonObject *detail = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (detail_keys) && detail == NULL; i++)
    detail = object_member (event, detail_keys[i]);
  recipients (a->report, kind, event, detail);
  if (a->report->recipients->len && !is_mail_event (a->report, event, detail))
    g_ptr_array_set_size (a->report->recipients, 0);
  if (a->report->recipients->len == 0)
    return BK_STEP_NEXT;
  const char *reporting = string_member (detail, "reportingMTA");
  if (reporting)
    {
      const char *semi = strchr (reporting, ';');
      a->report->reporting_mta = g_strstrip (g_strdup (semi ? semi + 1 : reporting));
    }
  bk_evidence (a->report->evidence, "JSON event notice");
  if (kind != EV_COMPLAINT)
    {
      a->report->kind = BK_REPORT_KIND_TEXT;
      a->report->mta = g_strdup ("json");
      return BK_STEP_NEXT;
    }
  const char *type = first_string (detail, (const char *const[]){ "complaintFeedbackType", "feedbackType" }, 2);
  a->report->kind = BK_REPORT_KIND_FEEDBACK;
  a->report->mta = g_strdup (a->text->format ? a->text->format->name : "json");
  for (guint i = 0; i < a->report->recipients->len; i++)
    {
      BkRecipient *r = g_ptr_array_index (a->report->recipients, i);
      g_clear_pointer (&r->action, g_free);
      r->feedback_type = g_ascii_strdown (type ? type : "abuse", -1);
      r->reason = g_strdup ("feedback");
      r->rule = g_strdup ("kind:json-complaint");
      r->klass = BK_BOUNCE_CLASS_NONE;
    }
  return BK_STEP_DONE;
}
