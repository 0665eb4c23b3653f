/* SPDX-License-Identifier: MIT */
/*
 * bk-format - a format, made empty: bk-ruleset.c fills it from the rule
 * files, bk-ruleset-blob.c from the rules cache. Apart from both, so that
 * neither calls the other back.
 */
#include "rules/bk-rules-private.h"

BkFormat *
bk_format_new (const char *name, const char *file, guint line)
{
  BkFormat *fmt = g_new0 (BkFormat, 1);
  fmt->name = g_strdup (name);
  fmt->file = g_strdup (file);
  fmt->line = line;
  fmt->match = g_ptr_array_new ();
  fmt->require = g_ptr_array_new ();
  fmt->begin = g_ptr_array_new ();
  fmt->end = g_ptr_array_new ();
  fmt->recipient = g_ptr_array_new ();
  fmt->diag = g_ptr_array_new ();
  fmt->skip = g_ptr_array_new ();
  fmt->delayed = g_ptr_array_new ();
  fmt->reasons = g_ptr_array_new ();
  fmt->signs = g_ptr_array_new ();
  fmt->needs = g_ptr_array_new_with_free_func (g_free);
  return fmt;
}
