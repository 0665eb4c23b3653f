/* SPDX-License-Identifier: MIT */
/* The compiled patterns as the rules cache keeps them (bk-pattern-cache.c). */
#pragma once

#include "rules/bk-rules-private.h"

G_BEGIN_DECLS

GBytes *bk_cache_file_map (const char *path);
void bk_pattern_cache_write (GPtrArray *all, const char *path);
GBytes *bk_pattern_cache_map (const char *path, guint32 n);
guint32 bk_pattern_cache_count (GBytes *map);
const guint8 *bk_pattern_cache_entry (GBytes *map, guint32 i, gsize *len);
pcre2_code *bk_pattern_cache_decode (const guint8 *bytes, gsize len);

G_END_DECLS
