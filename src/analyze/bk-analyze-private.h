/* SPDX-License-Identifier: MIT */
/* The analyze stage (src/analyze): one message to one BkReport - the
 * formats' reading of the text, notices, classification, the report.
 * Uses read, rules and core. */
#pragma once

#include "read/bk-read-private.h"

G_BEGIN_DECLS

/* ---- free text (bk-freetext.c) ---- */

typedef struct {
  char *address;
  GString *diag;
  const BkRule *rule;         /* the recipient line that named it first */
  gboolean line_coded;        /* that line carried a reply code of its own */
} BkTextRecipient;

typedef struct {
  const BkFormat *format;     /* the format that decided, or NULL */
  const BkFormat *detected;   /* the first format that matched at all */
  gboolean delayed;
  GPtrArray *recipients;      /* BkTextRecipient* */
  char *preamble;             /* text before the first recipient */
  char *returned;             /* text after the end marker, or NULL */
} BkTextResult;

/* A header rules read, of one bounce, decoded and prefiltered on first
 * use */
typedef struct {
  char *value;                /* NULL until first use, "" when absent */
  gsize len;
  guint64 *bits;              /* rules that may match value; NULL without prefilter */
} BkHeaderValue;

/* The headers rules read, of one bounce, by the ruleset's slots
 * (bk-freetext.c): formats ask for the same few hundreds of times */
typedef struct {
  const BkRuleset *rules;
  guint n;
  BkHeaderValue *slot;
  guint64 *bits;              /* n blocks of prefilter words, or NULL */
} BkHeaderSlots;

G_GNUC_INTERNAL BkHeaderSlots *bk_header_slots_new (const BkRuleset *rules);
G_GNUC_INTERNAL void bk_header_slots_free (BkHeaderSlots *hs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkHeaderSlots, bk_header_slots_free)

typedef struct {
  GMimeMessage *message;      /* the bounce itself */
  const char *text;           /* its human-readable text */
  BkHeaderSlots *headers;     /* the headers rules read, filled on use */
  gsize text_len;
  const guint64 *body_bits;   /* prefilter result for @text, or NULL */
  const BkPrefilter *prefilter; /* to scan header values, or NULL */
  BkParts *parts;             /* for the returned message's header block, read
                                 on first use; or NULL */
} BkTextInput;

G_GNUC_INTERNAL gboolean bk_field_match (BkScanner *scanner,
                                         const BkRule *rule,
                                         const BkTextInput *in);
G_GNUC_INTERNAL int bk_format_score (BkScanner *scanner,
                                     const BkFormat *fmt,
                                     const BkTextInput *in,
                                     GPtrArray *seen);
G_GNUC_INTERNAL gboolean bk_text_has_code (const char *text);
G_GNUC_INTERNAL gboolean bk_format_needs_met (const BkFormat *fmt, GPtrArray *seen);
G_GNUC_INTERNAL BkTextResult *bk_freetext_scan (BkScanner *scanner,
                                                const BkRuleset *rules,
                                                const BkTextInput *in);
G_GNUC_INTERNAL void bk_text_result_free (BkTextResult *res);
G_GNUC_INTERNAL BkTextRecipient *bk_text_result_find (BkTextResult *res,
                                                      const char *address);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkTextResult, bk_text_result_free)

/* ---- a bounce forwarded inline (bk-forwarded.c) ---- */

G_GNUC_INTERNAL GByteArray *bk_forwarded_unwrap (GMimeMessage *outer, const char *text);

/* ---- addresses named in a report's prose (bk-mentions.c) ---- */

typedef struct {
  char *address;
  char *paragraph;   /* one line: the text between the blank lines around it */
} BkMention;

G_GNUC_INTERNAL GPtrArray *bk_text_mentions (const char *text, gsize len);

/* ---- one message's analysis (bk-analyzer.c, bk-notice.c) ---- */

/* What the stages of one analysis share. The analyzer runs an ordered
 * list of handlers over it; each either settles the report (DONE) or
 * leaves it to the next (NEXT). */
typedef struct {
  BkScanner *scanner;
  const BkRuleset *rules;
  GMimeMessage *message;
  BkParts *parts;
  BkTextInput in;
  BkTextResult *text;   /* the formats' reading; NULL before that stage */
  GMimeObject *orig;    /* the returned message, once looked for */
  BkReport *report;
  GPtrArray *extensions; /* char*, the DSN's X- fields of each report
                            recipient, by index; NULL without a DSN */
  GHashTable *own;      /* BkRecipient* -> its own reply (char*, may be
                           NULL), where the report's preamble was added to
                           its diagnostic */
  guint depth;          /* bounces nested inside this one */
} BkAnalysis;

typedef enum { BK_STEP_NEXT, BK_STEP_DONE } BkStep;

/* bk-returned.c */
G_GNUC_INTERNAL GMimeObject *bk_returned_message (BkParts *parts, BkTextResult *text);
G_GNUC_INTERNAL char *bk_returned_header (GMimeObject *orig, const char *name);
G_GNUC_INTERNAL void bk_fill_original (BkReport *report, GMimeObject *orig);
/* bk-notice.c, bk-json-notice.c */
G_GNUC_INTERNAL BkStep bk_notice_feedback (BkAnalysis *a);
G_GNUC_INTERNAL BkStep bk_notice_read_receipt (BkAnalysis *a);
G_GNUC_INTERNAL BkStep bk_notice_complaint (BkAnalysis *a);
G_GNUC_INTERNAL BkStep bk_notice_autoreply (BkAnalysis *a);
G_GNUC_INTERNAL BkStep bk_notice_auto_submitted (BkAnalysis *a);
G_GNUC_INTERNAL BkStep bk_notice_json (BkAnalysis *a);

/* ---- classification (bk-classify.c) ---- */

/* What the bounce says beyond one recipient's fields */
typedef struct {
  gboolean own_set;        /* the diagnostic holds more than the recipient's
                              own reply: that reply is own (NULL: none) */
  const char *own;
  const char *extensions;  /* the DSN's X- fields for this recipient
                              (X-PowerMTA-BounceCategory, ...), read by
                              the reason rules when the diagnostic
                              decides nothing */
} BkClassifyContext;

G_GNUC_INTERNAL void bk_classify (BkScanner *scanner,
                                  const BkRuleset *rules,
                                  const BkFormat *format,
                                  BkRecipient *rcpt,
                                  const BkClassifyContext *ctx);
G_GNUC_INTERNAL BkBounceClass bk_reason_class (const char *reason);
G_GNUC_INTERNAL const char *bk_status_reason (const char *status);
G_GNUC_INTERNAL char *bk_reason_pseudo_status (const char *reason, gboolean temporary);

/* ---- report (bk-report.c) ---- */

G_GNUC_INTERNAL BkReport *bk_report_new (void);
G_GNUC_INTERNAL BkRecipient *bk_report_add_recipient (BkReport *report);
G_GNUC_INTERNAL gboolean bk_evidence_set_enabled (gboolean enabled);
G_GNUC_INTERNAL gboolean bk_evidence_enabled (void);
G_GNUC_INTERNAL void bk_evidence (GPtrArray *evidence,
                                  const char *fmt,
                                  ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
