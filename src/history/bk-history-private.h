/* SPDX-License-Identifier: MIT */
/*
 * bk-history-private.h - the history's logic (bk-history.c) as the rest
 * of the history stage uses it (bk-history-report.c), over the engines'
 * interface (bk-history-driver.h).
 */
#pragma once

#include "history/bk-history-driver.h"

G_BEGIN_DECLS

/* bk-history.c */
gboolean bk_history_target_is_pg (const char *target);
G_GNUC_INTERNAL gboolean bk_history_is_address (const char *s);
const char *bk_history_suppress_why (const BkSuppressOptions *o, guint hard, guint soft, guint policy,
                                     guint complaints, gint64 first, gint64 last);

G_END_DECLS
