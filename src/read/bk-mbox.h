/* SPDX-License-Identifier: MIT */
/* bk-mbox - cut an mbox into the raw bytes of its messages (bk-mbox.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BkMboxSplitter BkMboxSplitter;

BkMboxSplitter *bk_mbox_splitter_new_fd (int fd, gboolean cr);
BkMboxSplitter *bk_mbox_splitter_new_fd_head (int fd, gboolean cr, const char *head, gsize head_len);
void bk_mbox_splitter_set_max (BkMboxSplitter *sp, gsize max);
BkMboxSplitter *bk_mbox_splitter_new_bytes (GByteArray *bytes, gboolean cr);
gboolean bk_mbox_splitter_next (BkMboxSplitter *sp, char **out_data, gsize *out_len,
                                gboolean *out_last, GError **error);
void bk_mbox_splitter_free (BkMboxSplitter *sp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkMboxSplitter, bk_mbox_splitter_free)

G_END_DECLS
