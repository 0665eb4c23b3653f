/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the rule loader: any bytes as one rule file must
 * load or fail with a GError, never crash or leak. When it loads, the rules
 * are also run once over a fixed bounce, so a loadable-but-odd rule cannot
 * break the engine either.
 */
#include "analyze/bk-analyze-private.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char bounce[] =
  "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
  "Subject: Mail delivery failed: returning message to sender\n"
  "X-Failed-Recipients: gone@example.com\n"
  "\n"
  "The following address(es) failed:\n\n  gone@example.com\n"
  "    SMTP error from remote mail server after RCPT TO:<gone@example.com>:\n"
  "    550 5.1.1 user unknown\n";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialised;
  if (!initialised)
    {
      bk_init ();
      initialised = TRUE;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (BkRuleset) rules = bk_ruleset_load_buffer ("fuzz.rules", (const char *) data, size, &err);
  if (rules == NULL)
    {
      if (err == NULL || err->message == NULL)
        abort ();
      return 0;
    }
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  g_autoptr (BkReport) report = bk_analyzer_analyze_bytes (an, bounce, sizeof bounce - 1, NULL);
  return 0;
}
