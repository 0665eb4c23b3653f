/* SPDX-License-Identifier: MIT */
/*
 * bk-alloc - memory allocation for a threaded scan.
 *
 * Each scan thread parses, analyses and frees whole message trees: a few
 * thousand small allocations per message, most of them GLib slices
 * (GObject instances, lists, hash tables). Before GLib 2.76 the slice
 * allocator hands memory between threads through magazines under one
 * global lock; with two threads that costs about a quarter more CPU than
 * the same work in one thread. malloc itself does not: with mimalloc
 * (linked in when the build finds it, see meson_options.txt) threads
 * allocate from their own heaps, and even on one thread mimalloc is
 * quicker than the slice allocator (2-4% of a 10k-message scan). So a
 * threaded scan, or one over enough input to pay for it, asks GLib to pass
 * slices to malloc (G_SLICE=always-malloc). GLib reads that setting once,
 * while the program loads, so the process starts itself again with it
 * set; that costs about 3 ms once per scan.
 */
#include "bk-cli.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the input a one-thread scan must have for the restart to pay: 3 ms
 * against ~1 ms saved per MiB of mail */
#define RESTART_MIN_BYTES (8u << 20)

/* bk_cli_input_bytes - the size of the regular files among @paths (a
 * directory or stdin counts nothing: its size is not known up front) */
guint64
bk_cli_input_bytes (char **paths)
{
  guint64 total = 0;
  for (guint i = 0; paths && paths[i]; i++)
    {
      struct stat st;
      if (strcmp (paths[i], "-") != 0 && stat (paths[i], &st) == 0 && S_ISREG (st.st_mode))
        total += (guint64) st.st_size;
    }
  return total;
}

#ifdef BK_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

/* bk_cli_prepare_allocator - make slices plain malloc calls before a scan
 * on @jobs threads of @input_bytes: restart the process with
 * G_SLICE=always-malloc when that pays (mimalloc, GLib < 2.76, several
 * threads or enough input) and is not set. Returns only when no restart
 * happened. */
void
bk_cli_prepare_allocator (int jobs, guint64 input_bytes)
{
  if (jobs < 2 && input_bytes < RESTART_MIN_BYTES)
    return;
#ifdef BK_HAVE_MIMALLOC
  /* mi_version() also keeps the library linked: it replaces malloc by
   * being loaded, and --as-needed drops a library nothing calls */
  if (mi_version () <= 0 || glib_check_version (2, 76, 0) == NULL || g_getenv ("G_SLICE") != NULL)
    return;
  g_autofree char *cmdline = NULL;
  gsize len = 0;
  if (!g_file_get_contents ("/proc/self/cmdline", &cmdline, &len, NULL) || len == 0
      || cmdline[len - 1] != '\0')
    return;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  for (gsize i = 0; i < len; i += strlen (cmdline + i) + 1)
    g_ptr_array_add (args, cmdline + i);
  g_ptr_array_add (args, NULL);
  if (!g_setenv ("G_SLICE", "always-malloc", TRUE))
    return;
  fflush (NULL);
  execv ("/proc/self/exe", (char **) args->pdata);
  /* cannot restart: go on as we are */
  g_unsetenv ("G_SLICE");
#endif
}
