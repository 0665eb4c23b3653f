/* SPDX-License-Identifier: MIT */
/* The prefilter's literal sets, derived once and kept with the compiled
 * patterns (bk-prefilter.c, bk-literal-cache.c). */
#pragma once

#include "bk-private.h"

G_BEGIN_DECLS

GPtrArray *bk_prefilter_derive (GPtrArray *all);
BkPrefilter *bk_prefilter_new_from_sets (GPtrArray *all, GPtrArray *sets);
GBytes *bk_literal_cache_encode (GPtrArray *sets);
GPtrArray *bk_literal_cache_decode (const char *data, gsize len, guint nrules);

G_END_DECLS
