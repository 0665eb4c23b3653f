/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <gmime/gmime.h>
#include <bouncekit/bk-export.h>

G_BEGIN_DECLS

/**
 * BkReader:
 *
 * Yields the messages of one input path, one at a time: a message file, an
 * mbox file, a Maildir (cur/ and new/), a directory tree of message files,
 * or "-" for standard input. Memory holds one message at a time.
 */
typedef struct _BkReader BkReader;

/**
 * BkReaderItem:
 * @source: the file the message came from (the path as given for files)
 * @index: the message's number inside an mbox (from 1), 0 otherwise
 * @message: (nullable): the parsed message, or %NULL when @error is set
 * @error: (nullable): why this input could not be read
 */
typedef struct {
  char *source;
  gint64 index;
  GMimeMessage *message;
  GError *error;
} BkReaderItem;

BK_API BkReader *bk_reader_new (const char *path);
BK_API BkReaderItem *bk_reader_next (BkReader *reader);
BK_API void bk_reader_free (BkReader *reader);
BK_API void bk_reader_item_free (BkReaderItem *item);
BK_API GMimeMessage *bk_message_parse_bytes (const char *data,
                                             gsize len,
                                             GError **error);

/**
 * BkRawKind:
 * @BK_RAW_MESSAGE: one message file or standard input
 * @BK_RAW_MBOX: a piece of an mbox, its "From " line first
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
