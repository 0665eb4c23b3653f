/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by the library's modules and its tests. */
#pragma once

#include "config.h"

#ifndef BK_COMPILATION
#define BK_COMPILATION
#endif
#include <bouncekit/bouncekit.h>
#include <pcre2.h>

G_BEGIN_DECLS

/* Limits. Each bounds time or memory on hostile input. */
#define BK_MAX_MIME_DEPTH 32          /* nesting walked; bounce of a bounce of ... */
#define BK_MAX_MIME_PARTS 2000        /* leaf parts visited per message */
#define BK_MAX_TEXT_BYTES (256 * 1024) /* human-readable text scanned by rules */
#define BK_MAX_DSN_BYTES (1024 * 1024) /* delivery-status part parsed */
#define BK_MAX_RECIPIENTS 10000       /* recipients reported per message */
#define BK_MAX_DIAG_BYTES 4096        /* one recipient's diagnostic */
#define BK_MAX_RULES 20000            /* rules in a directory */
#define BK_MAX_MESSAGE_BYTES ((gsize) 128 * 1024 * 1024) /* one input message */
#define BK_MAX_BOUNDARY_LINES 8000    /* lines starting "--" handed to GMime per message */
#define BK_MAX_HEADER_FIELD_BYTES (128 * 1024) /* one field of the message's header */
#define BK_MAX_HEADER_BYTES (512 * 1024)       /* the message's whole header */

/* GMime ships no autoptr definitions (see meson.build check). */
#ifndef BK_HAVE_GMIME_AUTOPTR
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
#endif

/* ---- rules (bk-ruleset.c) ---- */

/* Where a rule's pattern is applied. */
typedef enum {
  BK_FIELD_FROM,
  BK_FIELD_SUBJECT,
  BK_FIELD_BODY,
  BK_FIELD_HEADER,
  BK_FIELD_RETURNED, /* the header block of the returned message */
} BkField;

/* A rule. bk-ruleset-blob.c sets every field of a rule it decodes (the
 * block is not zeroed): a new field must be set there too. */
typedef struct {
  char *id;          /* unique id, e.g. "userunknown.no-such-user" */
  char *file;        /* basename of the defining file */
  guint line;
  char *pattern;
  pcre2_code *code;  /* compiled; for a rule read from the cache, NULL
                        until bk-scan.c decodes code_bytes on first use */
  const guint8 *code_bytes; /* the serialized pattern, in the mapped cache */
  gsize code_len;
  gsize code_once;
  BkField field;     /* autoreply and format match/require/delayed */
  char *header;      /* header name when field == BK_FIELD_HEADER */
  char *reason;      /* reason rules; the SMTP command of command rules;
                        the name of a format's `sign` */
  int group_addr;    /* capture numbers of named groups, -1 when absent */
  int group_diag;
  int group_reply;
  int group_status;
  int weight;        /* format `sign` rules: what a match adds to the score */
  guint index;       /* position in the ruleset's `all` array */
  guint slot;        /* the header it reads, for the fields that read one:
                        an index into the ruleset's header_names */
  pcre2_code *jit_code; /* a JIT-compiled copy of code, published once
                           (bk-scan.c); NULL until then */
  gint jit_state;    /* 0, then 1 once a thread took on compiling it */
  gsize interpreted; /* bytes matched by the interpreter (bk-scan.c) */
  gsize line_once;   /* line_start below is set (bk-scan.c, g_once_init_*) */
  guint8 line_start[32]; /* for a pattern anchored at a line's start: the
                            bytes a match can begin with, a bitmap; all
                            set when not known */
  gboolean literals; /* the prefilter knows literals this rule needs */
} BkRule;

typedef struct {
  char *name;
  char *file;
  guint line;
  GPtrArray *match;     /* BkRule*, alternatives */
  GPtrArray *require;   /* BkRule*, all must match */
  GPtrArray *begin;
  GPtrArray *end;
  GPtrArray *recipient;
  GPtrArray *diag;
  GPtrArray *skip;
  GPtrArray *delayed;
  GPtrArray *reasons;   /* BkRule*, reason rules for this format's recipients */
  GPtrArray *signs;     /* BkRule*, weighted signs; their sum must reach threshold */
  int threshold;
  GPtrArray *needs;     /* char*, sign names that must be among the matches */
  gboolean paragraphs;  /* a blank line ends a recipient's diagnostic */
} BkFormat;

struct _BkRuleset {
  gatomicrefcount ref;
  char *dir;
  GPtrArray *all;        /* every BkRule, owning */
  GPtrArray *codes;      /* BkRule*, borrowed */
  GPtrArray *reasons;
  GPtrArray *autoreply;
  GPtrArray *commands;   /* BkRule*, reason field holds the command name */
  GPtrArray *complaints; /* BkRule*, reason field holds the feedback type */
  GPtrArray *formats;    /* BkFormat*, owning */
  guint max_captures;
  GPtrArray *header_names; /* char*, lower case: the headers rules read, by
                              slot; ":returned" stands for the returned
                              message's header block */
  BkRule *rule_block;    /* when read from the cache: every rule, in one
                            block; their strings point into blob, their
                            serialized patterns into patterns */
  GBytes *blob;
  GBytes *patterns;
  gboolean jit;                    /* JIT each pattern on its first match */
  struct _BkPrefilter *prefilter;  /* literals of every rule */
};

G_GNUC_INTERNAL BkRuleset *bk_ruleset_load_buffer (const char *name,
                                                   const char *data,
                                                   gsize len,
                                                   GError **error);
G_GNUC_INTERNAL BkRuleset *bk_ruleset_load_files (const char *dir,
                                                  char **files,
                                                  GError **error);

/* ---- prefilter (bk-prefilter.c) ---- */

typedef struct _BkPrefilter BkPrefilter;

G_GNUC_INTERNAL GPtrArray *bk_prefilter_literals (const char *pattern);
G_GNUC_INTERNAL gsize bk_pattern_skip_class (const char *p, gsize i);
/* bk-linear.c: why @pattern may take time quadratic in the text, or NULL */
G_GNUC_INTERNAL const char *bk_pattern_nonlinear (const char *pattern, gboolean multiline, gboolean per_line);
G_GNUC_INTERNAL BkPrefilter *bk_prefilter_new (GPtrArray *all);
G_GNUC_INTERNAL void bk_prefilter_free (BkPrefilter *pf);
G_GNUC_INTERNAL guint bk_prefilter_words (const BkPrefilter *pf);
G_GNUC_INTERNAL void bk_prefilter_scan (const BkPrefilter *pf,
                                        const char *text,
                                        gsize len,
                                        guint64 *bits);

/* bk_may_match - can @rule match the text @bits was scanned from? NULL
 * bits: no prefilter, every rule may */
static inline gboolean
bk_may_match (const BkRule *rule, const guint64 *bits)
{
  return bits == NULL || !rule->literals
         || (bits[rule->index / 64] >> (rule->index % 64)) & 1;
}

/* ---- scanner (bk-scan.c): runs rules over text ---- */

typedef struct {
  gboolean jit;         /* the ruleset JIT-compiles on first use */
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  guint64 *diag_bits;   /* prefilter scratch for one diagnostic */
  guint64 *body_bits;   /* prefilter result for the message text */
  gint64 deadline;      /* monotonic µs past which no rule matches (0: none) */
  gboolean over_budget; /* the deadline passed during this message */
} BkScanner;

G_GNUC_INTERNAL BkScanner *bk_scanner_new (const BkRuleset *rules);
G_GNUC_INTERNAL void bk_scanner_free (BkScanner *scanner);
G_GNUC_INTERNAL void bk_scanner_start_message (BkScanner *scanner);
G_GNUC_INTERNAL const pcre2_code *bk_rule_code (const BkRule *rule);
G_GNUC_INTERNAL pcre2_code *bk_rule_compile (const char *pattern,
                                             BkField field,
                                             int *errcode,
                                             PCRE2_SIZE *erroffset);
G_GNUC_INTERNAL gboolean bk_scanner_match_line (BkScanner *scanner,
                                                const BkRule *rule,
                                                const char *line,
                                                gsize len);
G_GNUC_INTERNAL gboolean bk_scanner_match (BkScanner *scanner,
                                           const BkRule *rule,
                                           const char *text,
                                           gsize len);
G_GNUC_INTERNAL char *bk_scanner_group (BkScanner *scanner,
                                        const char *text,
                                        int group);
G_GNUC_INTERNAL gsize bk_scanner_match_end (BkScanner *scanner);

/* ---- codes (bk-codes.c) ---- */

G_GNUC_INTERNAL gboolean bk_status_valid (const char *status);
G_GNUC_INTERNAL gboolean bk_reply_valid (const char *reply);
G_GNUC_INTERNAL char *bk_status_normalize (const char *text);
G_GNUC_INTERNAL gboolean bk_codes_find (BkScanner *scanner,
                                        const BkRuleset *rules,
                                        const char *text,
                                        char **out_reply,
                                        char **out_status,
                                        const BkRule **out_rule,
                                        const BkRule **out_status_rule);

/* ---- text helpers (bk-text.c) ---- */

G_GNUC_INTERNAL char *bk_text_one_line (const char *text, gsize max);
G_GNUC_INTERNAL char *bk_text_normalize_newlines (const char *text, gsize len);
G_GNUC_INTERNAL void bk_text_cut_domain_tail (char *addr);
G_GNUC_INTERNAL char *bk_text_clean_address (const char *text);
/* bk_text_newlines_to_lf - copy @in[0..@len) to @out (which may be @in)
 * with CRLF and lone CR made LF; *@after_cr carries a CR at the end of one
 * chunk over to the next. Returns the bytes written (at most @len). */
G_GNUC_INTERNAL gsize bk_text_newlines_to_lf (gboolean *after_cr, const char *in, gsize len, char *out);
G_GNUC_INTERNAL char *bk_text_strip_comments (const char *text);
G_GNUC_INTERNAL char *bk_text_from_html (const char *html);
G_GNUC_INTERNAL char *bk_text_verp_decode (const char *address);
G_GNUC_INTERNAL char *bk_text_join_reply_lines (const char *text);

/* ---- fields (bk-fields.c): RFC 822-style field groups ---- */

typedef struct {
  char *name;   /* as written */
  char *value;  /* unfolded, trimmed */
} BkField822;

G_GNUC_INTERNAL GPtrArray *bk_fields_parse_groups (const char *text);
G_GNUC_INTERNAL const char *bk_fields_get (GPtrArray *group, const char *name);

/* ---- DSN (bk-dsn.c) ---- */

typedef struct {
  char *final_recipient;
  char *original_recipient;
  char *action;
  char *status;
  char *remote_mta;
  char *diagnostic_type;
  char *diagnostic;
  char *last_attempt_date;
  char *will_retry_until;
  char *extensions;      /* the X- fields of the recipient and of the
                            message, "Name: value" lines; NULL when none */
} BkDsnRecipient;

typedef struct {
  char *reporting_mta;
  char *arrival_date;
  char *original_envelope_id;
  GString *extensions;     /* the per-message X- fields */
  GPtrArray *recipients;   /* BkDsnRecipient* */
} BkDsn;

G_GNUC_INTERNAL BkDsn *bk_dsn_parse (const char *text);
G_GNUC_INTERNAL void bk_dsn_free (BkDsn *dsn);
G_GNUC_INTERNAL char *bk_dsn_address (const char *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkDsn, bk_dsn_free)

/* ---- MIME walk (bk-mime.c) ---- */

typedef struct {
  gboolean is_report;        /* multipart/report anywhere */
  gboolean has_dsn;
  gboolean has_feedback;
  gboolean has_mdn;
  GString *dsn;              /* delivery-status text(s), UTF-8 */
  GString *feedback;         /* feedback-report fields */
  GString *text;             /* human-readable text, UTF-8, LF */
  GMimeObject *returned;     /* returned message or headers part, owned */
  char *returned_headers;    /* text/rfc822-headers content */
  GMimePart *returned_part;  /* a returned message GMime left unparsed
                                (bk_parse_attached_messages), owned */
  char *returned_part_headers; /* its header block */
} BkParts;

G_GNUC_INTERNAL BkParts *bk_mime_collect (GMimeMessage *message);
G_GNUC_INTERNAL void bk_parts_free (BkParts *parts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkParts, bk_parts_free)
G_GNUC_INTERNAL char *bk_mime_header (GMimeObject *object, const char *name);
G_GNUC_INTERNAL char *bk_parts_returned_headers (BkParts *parts);
G_GNUC_INTERNAL GMimeMessage *bk_parts_returned_message (BkParts *parts);

/* ---- free text (bk-freetext.c) ---- */

typedef struct {
  char *address;
  GString *diag;
  const BkRule *rule;         /* the recipient line that named it first */
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

G_GNUC_INTERNAL GMimeObject *bk_returned_message (BkParts *parts, BkTextResult *text);
G_GNUC_INTERNAL char *bk_returned_header (GMimeObject *orig, const char *name);
G_GNUC_INTERNAL GMimeObject *bk_header_block_parse (const char *data, gsize len);
G_GNUC_INTERNAL void bk_fill_original (BkReport *report, GMimeObject *orig);
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
G_GNUC_INTERNAL const char *bk_reason_intern (const char *reason);
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
