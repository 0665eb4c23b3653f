/* SPDX-License-Identifier: MIT */
/* bk-report-html - the list-health report as one HTML page (bk-report-html.c). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *bk_report_html (JsonNode *report);

G_END_DECLS
