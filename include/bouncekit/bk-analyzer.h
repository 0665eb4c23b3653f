/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <gmime/gmime.h>
#include <bouncekit/bk-export.h>
#include <bouncekit/bk-ruleset.h>
#include <bouncekit/bk-report.h>

G_BEGIN_DECLS

/**
 * BkAnalyzer:
 *
 * Turns one message into a #BkReport. Holds the PCRE2 match data it reuses
 * from message to message, so an analyzer belongs to one thread at a time;
 * create one per worker, all sharing one #BkRuleset.
 */
typedef struct _BkAnalyzer BkAnalyzer;

BK_API void bk_init (void);
BK_API void bk_parse_attached_messages (gboolean parse);
BK_API BkAnalyzer *bk_analyzer_new (BkRuleset *rules);
BK_API void bk_analyzer_free (BkAnalyzer *analyzer);
BK_API void bk_analyzer_set_evidence (BkAnalyzer *analyzer,
                                      gboolean keep);
BK_API BkReport *bk_analyzer_analyze (BkAnalyzer *analyzer,
                                      GMimeMessage *message);
BK_API BkReport *bk_analyzer_analyze_bytes (BkAnalyzer *analyzer,
                                            const char *data,
                                            gsize len,
                                            GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkAnalyzer, bk_analyzer_free)

G_END_DECLS
