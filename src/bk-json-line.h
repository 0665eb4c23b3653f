/* SPDX-License-Identifier: MIT */
/* bk-json-line - a recipient as a JSON line without a json-glib tree
 * (bk-json-line.c). */
#pragma once

#include <bouncekit/bouncekit.h>

G_BEGIN_DECLS

void bk_report_recipient_write_json (GString *out, const BkReport *report, const BkRecipient *rcpt,
                                     const char *source, gint64 index);

G_END_DECLS
