/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <glib-object.h>
#include <gmime/gmime.h>
#include <bouncekit/bk-export.h>

G_BEGIN_DECLS

typedef struct _BkReader BkReader;

typedef struct {
  char *source;
  gint64 index;
  GMimeMessage *message;
  GError *error;
} BkReaderItem;

#define BK_TYPE_READER (bk_reader_get_type ())
#define BK_TYPE_READER_ITEM (bk_reader_item_get_type ())

BK_API GType bk_reader_get_type (void) G_GNUC_CONST;
BK_API GType bk_reader_item_get_type (void) G_GNUC_CONST;
BK_API BkReader *bk_reader_new (const char *path);
BK_API BkReader *bk_reader_ref (BkReader *reader);
BK_API void bk_reader_unref (BkReader *reader);
BK_API void bk_reader_set_one_message (BkReader *reader, gboolean one);
BK_API BkReaderItem *bk_reader_next (BkReader *reader);
BK_API void bk_reader_free (BkReader *reader);
BK_API BkReaderItem *bk_reader_item_copy (const BkReaderItem *item);
BK_API void bk_reader_item_free (BkReaderItem *item);
BK_API GMimeMessage *bk_message_parse_bytes (const char *data,
                                             gsize len,
                                             GError **error);

/**
 * BkRawKind:
 * @BK_RAW_MESSAGE: one message file or standard input
 * @BK_RAW_MBOX: a piece of an mbox, its "From " line first
 *
 * What the bytes of a #BkRawItem hold.
 *
 * Since: 0.1
 */
typedef enum {
  BK_RAW_MESSAGE,
  BK_RAW_MBOX,
} BkRawKind;

/**
 * BkRawItem:
 * @source: the file the message came from
 * @index: inside an mbox, the message's number from 1; 0 otherwise
 * @kind: a whole message, or a piece of an mbox
 * @last: for %BK_RAW_MBOX, the mbox's last piece
 * @data: (nullable): the message's bytes, owned and NUL-terminated;
 *   %NULL when @error is set
 * @len: bytes in @data
 * @error: (nullable): why this input could not be read
 *
 * One message's bytes before parsing. bk_reader_next_raw() only cuts the
 * input into messages, so that whoever analyses a message can parse it:
 * several threads can share the parsing work of one input, in order.
 */
typedef struct {
  char *source;
  gint64 index;
  BkRawKind kind;
  gboolean last;
  char *data;
  gsize len;
  GError *error;
} BkRawItem;

BK_API BkRawItem *bk_reader_next_raw (BkReader *reader);
BK_API BkReaderItem *bk_raw_item_parse (BkRawItem *raw);
BK_API void bk_raw_item_free (BkRawItem *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkReader, bk_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkRawItem, bk_raw_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkReaderItem, bk_reader_item_free)

G_END_DECLS
