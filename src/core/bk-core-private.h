/* SPDX-License-Identifier: MIT */
/* The library's base (src/core): what every stage includes - the build's
 * configuration, the public API, the limits on hostile input - and the
 * text helpers. The stages above add their own private headers:
 * rules/bk-rules-private.h, read/bk-read-private.h,
 * analyze/bk-analyze-private.h, history/bk-history-private.h. */
#pragma once

#include "config.h"

#ifndef BK_COMPILATION
#define BK_COMPILATION
#endif
#include <bouncekit/bouncekit.h>

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

G_END_DECLS
