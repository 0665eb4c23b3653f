/* SPDX-License-Identifier: MIT */
/* A fixture owning a fresh temporary directory, removed (and checked
 * gone) after each test; shared by the tests that write files. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

typedef struct {
  char *dir;
} TmpFixture;

/* rm_rf - remove @path and everything below it; symlinks are not followed */
static inline void
rm_rf (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  if (d)
    {
      const char *name;
      while ((name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_assert_no_errno (g_unlink (child));
        }
      g_dir_close (d);
      g_assert_no_errno (g_rmdir (path));
    }
}

static inline void
tmp_set_up (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  fx->dir = g_dir_make_tmp ("bk-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static inline void
tmp_tear_down (TmpFixture *fx, gconstpointer data)
{
  (void) data;
  rm_rf (fx->dir);
  g_assert_false (g_file_test (fx->dir, G_FILE_TEST_EXISTS));
  g_free (fx->dir);
}
