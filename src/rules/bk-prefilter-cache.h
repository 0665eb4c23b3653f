/* SPDX-License-Identifier: MIT */
/* The prefilter as the rules cache keeps it: derived literal sets, the
 * built block, and the block read back (bk-prefilter.c). */
#pragma once

#include "rules/bk-rules-private.h"

G_BEGIN_DECLS

GPtrArray *bk_prefilter_derive (GPtrArray *all);
BkPrefilter *bk_prefilter_new_from_sets (GPtrArray *all, GPtrArray *sets);
GBytes *bk_prefilter_encode (const BkPrefilter *pf);
BkPrefilter *bk_prefilter_decode (char *data, gsize len, GPtrArray *all);
BkPrefilter *bk_prefilter_decode_bytes (GBytes *bytes, GPtrArray *all);

G_END_DECLS
