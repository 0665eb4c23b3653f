/* SPDX-License-Identifier: MIT */
/*
 * Data-driven test: every input under samples/ (a .eml or .mbox file, or a
 * Maildir directory) is analysed with the source tree's rules/ and its
 * recipients, serialised as the pretty-printed JSON array of scan --all
 * objects, must equal the golden file beside it (<name>.json). A missing
 * golden file fails. BK_UPDATE_GOLDEN=1 rewrites the golden files; review
 * the diff before committing it.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

static BkRuleset *rules;
static char *samples_root;

static char *
golden_path (const char *input)
{
  if (g_str_has_suffix (input, ".eml") || g_str_has_suffix (input, ".mbox"))
    {
      const char *dot = strrchr (input, '.');
      g_autofree char *stem = g_strndup (input, dot - input);
      return g_strconcat (stem, ".json", NULL);
    }
  return g_strconcat (input, ".json", NULL);
}

/* analyse - the JSON text of every recipient of every message of @input;
 * with @evidence the explain lines are there for every recipient, without
 * them there are none */
static char *
analyse (const char *input, gboolean evidence)
{
  g_autoptr (BkAnalyzer) an = bk_analyzer_new (rules);
  bk_analyzer_set_evidence (an, evidence);
  g_autoptr (BkReader) rd = bk_reader_new (input);
  g_autoptr (JsonArray) arr = json_array_new ();
  BkReaderItem *item;
  gsize root_len = strlen (samples_root) + 1;
  while ((item = bk_reader_next (rd)))
    {
      g_assert_no_error (item->error);
      g_autoptr (BkReport) report = bk_analyzer_analyze (an, item->message);
      /* sources relative to samples/, so golden files do not name a checkout */
      const char *rel = g_str_has_prefix (item->source, samples_root) ? item->source + root_len : item->source;
      if (!evidence)
        g_assert_cmpuint (report->evidence->len, ==, 0);
      for (guint i = 0; i < report->recipients->len; i++)
        {
          guint lines = ((BkRecipient *) g_ptr_array_index (report->recipients, i))->evidence->len;
          g_assert_true (evidence ? lines > 0 : lines == 0);
        }
      for (guint i = 0; i < report->recipients->len; i++)
        json_array_add_element (arr, bk_report_recipient_to_json (report, g_ptr_array_index (report->recipients, i),
                                                                 rel, item->index));
      bk_reader_item_free (item);
    }
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (root, arr);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  char *text = json_generator_to_data (gen, NULL);
  char *with_nl = g_strconcat (text, "\n", NULL);
  g_free (text);
  return with_nl;
}

static void
test_sample (gconstpointer data)
{
  const char *input = data;
  g_autofree char *golden = golden_path (input);
  g_autofree char *got = analyse (input, TRUE);
  /* leaving the explain lines out changes no field */
  g_autofree char *without = analyse (input, FALSE);
  g_assert_cmpstr (without, ==, got);
  /* nor does leaving returned messages unparsed (as the command does) */
  bk_parse_attached_messages (FALSE);
  g_autofree char *unparsed = analyse (input, FALSE);
  bk_parse_attached_messages (TRUE);
  g_assert_cmpstr (unparsed, ==, got);

  if (g_getenv ("BK_UPDATE_GOLDEN"))
    {
      g_autoptr (GError) err = NULL;
      g_file_set_contents (golden, got, -1, &err);
      g_assert_no_error (err);
      return;
    }
  g_autofree char *want = NULL;
  g_autoptr (GError) err = NULL;
  if (!g_file_get_contents (golden, &want, NULL, &err))
    {
      g_test_message ("missing golden file %s (BK_UPDATE_GOLDEN=1 writes it)", golden);
      g_test_fail ();
      return;
    }
  if (g_strcmp0 (got, want) != 0)
    g_test_message ("%s differs from its golden file; got:\n%s", input, got);
  g_assert_cmpstr (got, ==, want);
}

/* every corpus message reads the same whether GMime parses returned
 * messages or leaves them as parts */
static void
test_attached_unparsed_corpus (void)
{
  g_autofree char *corpus = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "..", "shared", "corpus",
                                              "emails", NULL);
  if (!g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no ../shared/corpus");
      return;
    }
  g_autofree char *parsed = analyse (corpus, FALSE);
  bk_parse_attached_messages (FALSE);
  g_autofree char *unparsed = analyse (corpus, FALSE);
  bk_parse_attached_messages (TRUE);
  g_assert_cmpuint (strlen (parsed), >, 100000);
  g_assert_cmpstr (unparsed, ==, parsed);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
is_maildir (const char *dir)
{
  g_autofree char *cur = g_build_filename (dir, "cur", NULL);
  g_autofree char *new = g_build_filename (dir, "new", NULL);
  return g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (new, G_FILE_TEST_IS_DIR);
}

/* collect - every sample input below @dir */
static void
collect (const char *dir, GPtrArray *out)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *full = g_build_filename (dir, name, NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          if (is_maildir (full))
            g_ptr_array_add (out, g_steal_pointer (&full));
          else
            collect (full, out);
        }
      else if (g_str_has_suffix (name, ".eml") || g_str_has_suffix (name, ".mbox"))
        g_ptr_array_add (out, g_steal_pointer (&full));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bk_init ();
  const char *root = g_getenv ("BK_SOURCE_ROOT");
  g_assert_nonnull (root);
  samples_root = g_build_filename (root, "samples", NULL);
  g_autoptr (GError) err = NULL;
  rules = bk_ruleset_load_dir (g_getenv ("BK_RULES_DIR"), &err);
  g_assert_no_error (err);

  g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  collect (samples_root, inputs);
  g_ptr_array_sort (inputs, compare_paths);
  g_assert_cmpuint (inputs->len, >=, 25);
  for (guint i = 0; i < inputs->len; i++)
    {
      const char *input = g_ptr_array_index (inputs, i);
      g_autofree char *path = g_strconcat ("/samples/", input + strlen (samples_root) + 1, NULL);
      g_test_add_data_func_full (path, g_strdup (input), test_sample, g_free);
    }
  g_test_add_func ("/samples/attached-unparsed/corpus", test_attached_unparsed_corpus);
  int rc = g_test_run ();
  bk_ruleset_unref (rules);
  g_free (samples_root);
  return rc;
}
