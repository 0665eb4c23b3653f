/* SPDX-License-Identifier: MIT */
/* bk-raw - a reader's messages before parsing (bk-reader.c): the reading
 * thread only cuts the input into messages, and whoever analyses a
 * message parses it. */
#pragma once

#include <bouncekit/bouncekit.h>

G_BEGIN_DECLS

typedef enum {
  BK_RAW_MESSAGE,   /* one message file or standard input */
  BK_RAW_MBOX,      /* a piece of an mbox, its "From " line first */
} BkRawKind;

/* BkRawItem - one message's bytes, or why an input could not be read */
typedef struct {
  char *source;
  gint64 index;     /* inside an mbox, from 1; 0 otherwise */
  BkRawKind kind;
  gboolean last;    /* BK_RAW_MBOX: the mbox's last piece */
  char *data;       /* owned, NUL-terminated; NULL with @error */
  gsize len;
  GError *error;
} BkRawItem;

BkRawItem *bk_reader_next_raw (BkReader *reader);
BkReaderItem *bk_raw_item_parse (BkRawItem *raw);
void bk_raw_item_free (BkRawItem *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkRawItem, bk_raw_item_free)

G_END_DECLS
