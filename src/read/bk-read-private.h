/* SPDX-License-Identifier: MIT */
/* The read stage (src/read): a message's parts, its DSN fields, mbox
 * files. Uses rules (status codes) and core. */
#pragma once

#include "rules/bk-rules-private.h"

G_BEGIN_DECLS

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

/* ---- reader (bk-reader.c) ---- */

G_GNUC_INTERNAL GMimeObject *bk_header_block_parse (const char *data, gsize len);

G_END_DECLS
