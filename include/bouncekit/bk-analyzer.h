/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <glib-object.h>
#include <gmime/gmime.h>
#include <bouncekit/bk-export.h>
#include <bouncekit/bk-ruleset.h>
#include <bouncekit/bk-report.h>

G_BEGIN_DECLS

#define BK_TYPE_ANALYZER (bk_analyzer_get_type ())
BK_API G_DECLARE_FINAL_TYPE (BkAnalyzer, bk_analyzer, BK, ANALYZER, GObject)

BK_API void bk_init (void);
BK_API void bk_parse_attached_messages (gboolean parse);
BK_API BkAnalyzer *bk_analyzer_new (BkRuleset *rules);
BK_API void bk_analyzer_free (BkAnalyzer *analyzer);
BK_API BkRuleset *bk_analyzer_get_ruleset (BkAnalyzer *analyzer);
BK_API gboolean bk_analyzer_get_evidence (BkAnalyzer *analyzer);
BK_API void bk_analyzer_set_evidence (BkAnalyzer *analyzer,
                                      gboolean keep);
BK_API BkReport *bk_analyzer_analyze (BkAnalyzer *analyzer,
                                      GMimeMessage *message);
BK_API BkReport *bk_analyzer_analyze_bytes (BkAnalyzer *analyzer,
                                            const char *data,
                                            gsize len,
                                            GError **error);

G_END_DECLS
