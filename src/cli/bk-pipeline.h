/* SPDX-License-Identifier: MIT */
/* bk-pipeline - an ordered batch pipeline over threads (bk-pipeline.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* BkPipelineNext - the next item to work on, or NULL at the end; called
 * on the thread that runs the pipeline only */
typedef gpointer (*BkPipelineNext) (gpointer user_data);
/* BkPipelineWork - work on @item in place; @worker (0 to threads - 1) is
 * the same for every call on one thread, for per-thread state */
typedef void (*BkPipelineWork) (gpointer item, guint worker, gpointer user_data);
/* BkPipelineDone - take a worked item, in the order next() gave them;
 * called on the thread that runs the pipeline only */
typedef void (*BkPipelineDone) (gpointer item, gpointer user_data);

void bk_pipeline_run (guint threads, BkPipelineNext next, BkPipelineWork work,
                      BkPipelineDone done, gpointer user_data);

G_END_DECLS
