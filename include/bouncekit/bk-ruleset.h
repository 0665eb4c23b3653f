/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <glib-object.h>
#include <bouncekit/bk-export.h>

G_BEGIN_DECLS

typedef struct _BkRuleset BkRuleset;

#define BK_TYPE_RULESET (bk_ruleset_get_type ())
BK_API GType bk_ruleset_get_type (void) G_GNUC_CONST;

/**
 * BkRulesetFlags:
 * @BK_RULESET_FLAGS_NONE: JIT-compile every pattern (batch runs)
 * @BK_RULESET_FLAGS_NO_JIT: interpret patterns (one message per process)
 * @BK_RULESET_FLAGS_NO_PREFILTER: build the literal prefilter only when the
 *   patterns are compiled too, else use the cache's or none (one message
 *   per process: deriving it costs more than trying every rule once)
 *
 * How bk_ruleset_load_dir_full() prepares the patterns.
 *
 * Since: 0.1
 */
typedef enum {
  BK_RULESET_FLAGS_NONE = 0,
  BK_RULESET_FLAGS_NO_JIT = 1 << 0,
  BK_RULESET_FLAGS_NO_PREFILTER = 1 << 1,
} BkRulesetFlags;

BK_API BkRuleset *bk_ruleset_new_default (GError **error);
BK_API const char *bk_ruleset_get_default_dir (void);
BK_API BkRuleset *bk_ruleset_load_dir (const char *dir, GError **error);
BK_API BkRuleset *bk_ruleset_load_dir_full (const char *dir,
                                            BkRulesetFlags flags,
                                            const char *cache_dir,
                                            GError **error);
BK_API BkRuleset *bk_ruleset_ref (BkRuleset *rules);
BK_API void bk_ruleset_unref (BkRuleset *rules);
BK_API guint bk_ruleset_count (const BkRuleset *rules);
BK_API guint bk_ruleset_count_formats (const BkRuleset *rules);
BK_API const char *bk_ruleset_get_dir (const BkRuleset *rules);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkRuleset, bk_ruleset_unref)

G_END_DECLS
