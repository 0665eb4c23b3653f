/* SPDX-License-Identifier: MIT */
/* The rules stage (src/rules): a ruleset, its cache, the prefilter, the
 * scanner that runs rules over text, and reply/status codes. Uses core. */
#pragma once

#include "core/bk-core-private.h"
#include <pcre2.h>

G_BEGIN_DECLS

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
  gboolean literals; /* the prefilter knows literals this rule needs (or
                        that it needs a non-ASCII byte) */
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

/* bk-format.c: a format with no rules yet */
G_GNUC_INTERNAL BkFormat *bk_format_new (const char *name, const char *file, guint line);

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

/* ---- reasons (bk-ruleset.c) ---- */

G_GNUC_INTERNAL const char *bk_reason_intern (const char *reason);

G_END_DECLS
