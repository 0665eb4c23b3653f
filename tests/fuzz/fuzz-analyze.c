/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the whole analysis of one message: bytes -> GMime
 * parse -> MIME walk -> DSN / ARF / free text -> codes -> classify -> the
 * JSON of every recipient. Uses the source tree's rules (BK_SOURCE_RULES_DIR,
 * or $BOUNCEKIT_RULES), loaded once. Every JSON line scan would print
 * (bk-json-line.c) must be json-glib's text for the recipient, with 0x1f
 * escaped, and json-glib's parser must read it when it is UTF-8.
 */
#include "analyze/bk-analyze-private.h"


#include <string.h>

#include <stdint.h>
#include <stdlib.h>

static BkAnalyzer *analyzer;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  bk_init ();
  const char *dir = g_getenv ("BOUNCEKIT_RULES");
  g_autoptr (GError) err = NULL;
  g_autoptr (BkRuleset) rules = bk_ruleset_load_dir (dir ? dir : BK_SOURCE_RULES_DIR, &err);
  if (rules == NULL)
    {
      g_printerr ("fuzz-analyze: %s\n", err->message);
      abort ();
    }
  analyzer = bk_analyzer_new (rules);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (BkReport) report = bk_analyzer_analyze_bytes (analyzer, (const char *) data, size, &err);
  if (report == NULL)
    return 0;
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const BkRecipient *r = g_ptr_array_index (report->recipients, i);
      g_autoptr (JsonNode) node = bk_report_recipient_to_json (report, r, "fuzz", 0);
      g_autofree char *text = json_to_string (node, FALSE);
      if (text == NULL)
        abort ();
      g_auto (GStrv) parts = g_strsplit (text, "\x1f", -1);
      g_autofree char *want = g_strjoinv ("\\u001f", parts);
      g_autoptr (GString) line = g_string_new (NULL);
      bk_report_recipient_write_json (line, report, r, "fuzz", 0);
      if (strcmp (line->str, want) != 0)
        abort ();
      if (g_utf8_validate (line->str, line->len, NULL))
        {
          g_autoptr (JsonParser) parser = json_parser_new ();
          if (!json_parser_load_from_data (parser, line->str, line->len, NULL))
            abort ();
        }
    }
  return 0;
}
