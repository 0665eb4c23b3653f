/* SPDX-License-Identifier: MIT */
/*
 * The threaded scan must not change a byte: `scan --format json --all`
 * with --jobs 1, 2, 3 and 4 prints the same lines, the same summary and
 * the same exit status, over the samples tree (message files, a Maildir,
 * an mbox, unreadable entries), over the corpus when ../shared sits
 * beside the source tree, and over one large mbox of every corpus or
 * sample file (many batches, CRLF and LF messages, pieces longer than a
 * read block).
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *bin;
static char *tmpdir;

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

/* scan - bouncekit scan --format json --all --summary json --jobs @jobs
 * @path; stdout and stderr in full */
static Run
scan (const char *jobs, const char *path)
{
  const char *argv[] = { bin, "scan", "--format", "json", "--all", "--summary", "json",
                         "--jobs", jobs, path, NULL };
  g_autoptr (GError) err = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDIN_INHERIT, &err);
  g_assert_no_error (err);
  Run r = { 0 };
  g_subprocess_communicate_utf8 (p, NULL, NULL, &r.out, &r.err, &err);
  g_assert_no_error (err);
  r.status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  return r;
}

/* same_for_every_jobs - the output over @path does not depend on --jobs;
 * @min_lines: at least that many lines are printed */
static void
same_for_every_jobs (const char *path, guint min_lines)
{
  Run one = scan ("1", path);
  g_assert_cmpint (one.status, >=, 0);
  guint lines = 0;
  for (const char *c = one.out; *c; c++)
    lines += *c == '\n';
  g_assert_cmpuint (lines, >=, min_lines);
  static const char *const jobs[] = { "2", "3", "4" };
  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      Run r = scan (jobs[j], path);
      g_assert_cmpint (r.status, ==, one.status);
      g_assert_true (strcmp (r.out, one.out) == 0);
      g_assert_cmpstr (r.err, ==, one.err);
      g_free (r.out);
      g_free (r.err);
    }
  g_free (one.out);
  g_free (one.err);
}

static void
test_samples (void)
{
  g_autofree char *samples = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "samples", NULL);
  same_for_every_jobs (samples, 100);
}

/* corpus_dir - ../shared/corpus/emails beside the source tree, or NULL */
static char *
corpus_dir (void)
{
  char *dir = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "..", "shared", "corpus", "emails", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&dir, g_free);
  return dir;
}

static void
test_corpus (void)
{
  g_autofree char *corpus = corpus_dir ();
  if (corpus == NULL)
    {
      g_test_skip ("no ../shared/corpus");
      return;
    }
  same_for_every_jobs (corpus, 400);
}

/* add_files - every regular file below @dir, in byte order, as mbox
 * entries (body lines starting "From " quoted) */
static void
add_files (const char *dir, GString *mbox)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *full = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          add_files (full, mbox);
          continue;
        }
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!g_str_has_suffix (full, ".eml") || !g_file_get_contents (full, &data, &len, NULL)
          || g_str_has_prefix (data, "From "))
        continue;
      g_string_append (mbox, "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n");
      const char *p = data;
      while (*p)
        {
          const char *nl = strchr (p, '\n');
          gsize n = nl ? (gsize) (nl - p + 1) : strlen (p);
          if (g_str_has_prefix (p, "From "))
            g_string_append_c (mbox, '>');
          g_string_append_len (mbox, p, n);
          p += n;
        }
      g_string_append (mbox, "\n\n");
    }
}

static void
test_large_mbox (void)
{
  g_autofree char *corpus = corpus_dir ();
  g_autofree char *samples = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "samples", NULL);
  g_autoptr (GString) mbox = g_string_new (NULL);
  add_files (corpus ? corpus : samples, mbox);
  /* corpus files are named *.eml; without the corpus, twice the samples */
  if (corpus == NULL)
    add_files (samples, mbox);
  g_autofree char *path = g_build_filename (tmpdir, "all.mbox", NULL);
  g_autoptr (GError) err = NULL;
  g_file_set_contents (path, mbox->str, mbox->len, &err);
  g_assert_no_error (err);
  same_for_every_jobs (path, 100);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bin = g_getenv ("BOUNCEKIT_BIN");
  g_assert_nonnull (bin);
  g_autoptr (GError) err = NULL;
  tmpdir = g_dir_make_tmp ("bk-jobs-XXXXXX", &err);
  g_assert_no_error (err);
  g_setenv ("BOUNCEKIT_RULES", g_getenv ("BK_RULES_DIR"), TRUE);

  g_test_add_func ("/jobs/samples", test_samples);
  g_test_add_func ("/jobs/corpus", test_corpus);
  g_test_add_func ("/jobs/large-mbox", test_large_mbox);
  int rc = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return rc;
}
