/* SPDX-License-Identifier: MIT */
/*
 * The JSON line writer (bk-json-line.c) against json-glib: for every
 * recipient of every sample (and of the corpus when ../shared is present)
 * the line must be what json-glib's generator makes of
 * bk_report_recipient_to_json(), and json-glib's parser must read it back
 * to the same members. Hostile strings (every control character, quotes,
 * backslashes, DEL, random bytes, invalid UTF-8) in every field take the
 * same escapes, except 0x1f, which json-glib 1.6 leaves raw (not JSON) and
 * the writer escapes.
 */
#include "analyze/bk-analyze-private.h"


#include <string.h>

static BkRuleset *rules;

/* glib_line - the line json-glib generates for the recipient */
static char *
glib_line (const BkReport *report, const BkRecipient *rcpt, const char *source, gint64 index)
{
  g_autoptr (JsonNode) node = bk_report_recipient_to_json (report, rcpt, source, index);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* check_recipient - the writer's line equals json-glib's (@expected, or
 * json-glib's own when NULL) and parses back to 21 members */
static void
check_recipient (const BkReport *report, const BkRecipient *rcpt, const char *source, gint64 index,
                 const char *expected)
{
  g_autoptr (GString) line = g_string_new (NULL);
  bk_report_recipient_write_json (line, report, rcpt, source, index);
  g_autofree char *want = expected ? g_strdup (expected) : glib_line (report, rcpt, source, index);
  g_assert_cmpstr (line->str, ==, want);
  if (!g_utf8_validate (line->str, line->len, NULL))
    return;   /* raw invalid bytes, as json-glib writes them: not for its parser */
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) err = NULL;
  g_assert_true (json_parser_load_from_data (parser, line->str, line->len, &err));
  g_assert_no_error (err);
  JsonObject *obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (obj), ==, 21);
  g_assert_cmpstr (json_object_get_string_member (obj, "source"), ==, source);
  if (rcpt->recipient)
    g_assert_cmpstr (json_object_get_string_member (obj, "recipient"), ==, rcpt->recipient);
  if (rcpt->diagnostic)
    g_assert_cmpstr (json_object_get_string_member (obj, "diagnostic"), ==, rcpt->diagnostic);
}

/* check_tree - every recipient of every message under @path */
static guint
check_tree (const char *path)
{
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  g_autoptr (BkReader) rd = bk_reader_new (path);
  BkReaderItem *item;
  guint n = 0;
  while ((item = bk_reader_next (rd)))
    {
      if (item->message)
        {
          g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
          for (guint i = 0; i < report->recipients->len; i++, n++)
            check_recipient (report, g_ptr_array_index (report->recipients, i), item->source,
                             item->index, NULL);
        }
      bk_reader_item_free (item);
    }
  return n;
}

static void
test_samples (void)
{
  g_autofree char *samples = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "samples", NULL);
  g_assert_cmpuint (check_tree (samples), >, 100);
}

static void
test_corpus (void)
{
  g_autofree char *corpus = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "..", "shared", "corpus",
                                              "emails", NULL);
  if (!g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no ../shared/corpus");
      return;
    }
  g_assert_cmpuint (check_tree (corpus), >, 400);
}

/* hostile - @text in every string field of one recipient */
static void
check_hostile (const char *text, const char *expected_text)
{
  g_autoptr (BkReport) report = bk_report_new ();
  BkRecipient r = { 0 };
  r.recipient = r.original_recipient = r.action = r.status = r.reply_code = (char *) text;
  r.reason = r.diagnostic = r.diagnostic_type = r.remote_mta = (char *) text;
  r.feedback_type = r.date = r.rule = (char *) text;
  report->mta = report->reporting_mta = report->original_message_id = (char *) text;
  report->original_from = report->original_subject = report->list_id = (char *) text;
  g_autofree char *want = NULL;
  if (expected_text)
    {
      /* json-glib's line with its raw 0x1f replaced by the escape */
      g_autofree char *glib = glib_line (report, &r, text, 7);
      g_auto (GStrv) parts = g_strsplit (glib, "\x1f", -1);
      want = g_strjoinv ("\\u001f", parts);
    }
  check_recipient (report, &r, text, 7, want);
  report->mta = report->reporting_mta = report->original_message_id = NULL;
  report->original_from = report->original_subject = report->list_id = NULL;
}

static void
test_escapes (void)
{
  char one[2] = { 0, 0 };
  for (int c = 1; c < 0x100; c++)
    {
      one[0] = (char) c;
      check_hostile (one, c == 0x1f ? one : NULL);
    }
  check_hostile ("", NULL);
  check_hostile ("caf\xc3\xa9 \"quoted\" back\\slash\r\n\ttab \x7f del", NULL);
  check_hostile ("\xff\xfe invalid \xc3 utf-8 \xed\xa0\x80", NULL);
  check_hostile ("=HYPERLINK(\"x\") \x1b[31mred\x07", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (10);
  for (int n = 0; n < 2000; n++)
    {
      char buf[40];
      gsize len = g_rand_int_range (rand, 0, sizeof buf);
      for (gsize i = 0; i < len; i++)
        buf[i] = (char) g_rand_int_range (rand, 1, 0x100);
      buf[len] = '\0';
      check_hostile (buf, memchr (buf, 0x1f, len) ? buf : NULL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bk_init ();
  g_autoptr (GError) err = NULL;
  rules = bk_ruleset_load_dir (g_getenv ("BK_RULES_DIR"), &err);
  g_assert_no_error (err);
  g_test_add_func ("/json-line/samples", test_samples);
  g_test_add_func ("/json-line/corpus", test_corpus);
  g_test_add_func ("/json-line/escapes", test_escapes);
  int rc = g_test_run ();
  bk_ruleset_unref (rules);
  return rc;
}
