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
 * allocate from their own heaps. So a threaded scan asks GLib to pass
 * slices to malloc (G_SLICE=always-malloc). GLib reads that setting once,
 * while the program loads, so the process starts itself again with it
 * set; that costs a few milliseconds once per scan.
 */
#include "bk-cli.h"

#include <string.h>
#include <unistd.h>

#ifdef BK_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

/* bk_cli_prepare_threads - make slices plain malloc calls before a scan
 * on several threads: restart the process with G_SLICE=always-malloc when
 * that pays (mimalloc, GLib < 2.76) and is not set. Returns only when no
 * restart happened. */
void
bk_cli_prepare_threads (void)
{
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
