/* SPDX-License-Identifier: MIT */
/*
 * bk-imap-none - the IMAP input when bouncekit is built without it
 * (-Dimap=disabled, or libcurl or libetpan missing): an IMAP URL is
 * recognised and refused with a message that says so. See bk-imap.c.
 */
#include "bk-imap.h"

#include <string.h>

gboolean
bk_imap_is_url (const char *path)
{
  return g_ascii_strncasecmp (path, "imaps://", 8) == 0 || g_ascii_strncasecmp (path, "imap://", 7) == 0;
}

char *
bk_imap_display_url (const char *url)
{
  const char *p = strstr (url, "://");
  gsize start = p ? (gsize) (p - url) + 3 : 0;
  gsize end = start + strcspn (url + start, "/?#");
  const char *at = g_strrstr_len (url + start, end - start, "@");
  const char *colon = at ? memchr (url + start, ':', at - (url + start)) : NULL;
  if (colon == NULL)
    return g_strdup (url);
  return g_strdup_printf ("%.*s:***%s", (int) (colon - url), url, at);
}

BkImap *
bk_imap_open (const char *url, const BkImapOptions *options, GError **error)
{
  (void) options;
  g_autofree char *name = bk_imap_display_url (url);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "%s: this bouncekit is built without IMAP (rebuild with libcurl: -Dimap=enabled)", name);
  return NULL;
}

const char *
bk_imap_get_name (BkImap *imap)
{
  (void) imap;
  return "";
}

guint
bk_imap_get_count (BkImap *imap)
{
  (void) imap;
  return 0;
}

guint
bk_imap_get_uid (BkImap *imap, guint index)
{
  (void) imap;
  (void) index;
  return 0;
}

gboolean
bk_imap_fetch (BkImap *imap, guint index, BkRawItem **out_item, GError **error)
{
  (void) imap;
  (void) index;
  *out_item = NULL;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "IMAP is not built in");
  return FALSE;
}

gboolean
bk_imap_mark_done (BkImap *imap, const GArray *indexes, const char *move_to, GError **error)
{
  (void) imap;
  (void) indexes;
  (void) move_to;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "IMAP is not built in");
  return FALSE;
}

gboolean
bk_imap_finish (BkImap *imap, GError **error)
{
  (void) imap;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "IMAP is not built in");
  return FALSE;
}

void
bk_imap_close (BkImap *imap)
{
  (void) imap;
}
