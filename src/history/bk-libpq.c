/* SPDX-License-Identifier: MIT */
/*
 * bk-libpq - libpq's functions, looked up in the shared library the first
 * time they are needed (see bk-libpq.h). The library is the one the build
 * compiled against (its soname, libpq.so.5), never unloaded.
 */
#include "history/bk-libpq.h"

#include "core/bk-core-private.h"

#include <gmodule.h>

#define BK_LIBPQ_SONAME "libpq.so.5"

static BkLibpq table;
static char *load_error;

static gpointer
load (gpointer data)
{
  (void) data;
  GModule *module = g_module_open (BK_LIBPQ_SONAME, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      load_error = g_strdup_printf ("PostgreSQL support needs %s: %s", BK_LIBPQ_SONAME, g_module_error ());
      return NULL;
    }
#define BK_PQ_LOOKUP(ret, name, args)                                                        \
  if (!g_module_symbol (module, #name, (gpointer *) &table.name))                         \
    {                                                                                      \
      load_error = g_strdup_printf ("%s lacks %s: %s", BK_LIBPQ_SONAME, #name, g_module_error ()); \
      return NULL;                                                                         \
    }
  BK_PQ_FUNCTIONS (BK_PQ_LOOKUP)
#undef BK_PQ_LOOKUP
  g_module_make_resident (module);
  return &table;
}

const BkLibpq *
bk_libpq (GError **error)
{
  static GOnce once = G_ONCE_INIT;
  const BkLibpq *pq = g_once (&once, load, NULL);
  if (pq == NULL)
    g_set_error_literal (error, BK_HISTORY_ERROR, BK_HISTORY_ERROR_UNSUPPORTED, load_error);
  return pq;
}
