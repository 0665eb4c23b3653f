/* SPDX-License-Identifier: MIT */
/* A loaded ruleset as the rules cache keeps it (bk-ruleset-blob.c). */
#pragma once

#include "rules/bk-rules-private.h"

G_BEGIN_DECLS

GBytes *bk_ruleset_blob_encode (const BkRuleset *rules);
gboolean bk_ruleset_blob_decode (BkRuleset *rules,
                                 GBytes *bytes,
                                 GBytes *patterns);

G_END_DECLS
