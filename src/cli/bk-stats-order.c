/* SPDX-License-Identifier: MIT */
/* bk-stats-order - `stats --sort count --top N`: the sections of
 * bk_history_stats()'s object ({key: {class: n}}) reordered by their
 * events, most first (ties by key), and cut to the first N. */
#include "bk-cli.h"
#include "bk-imap.h"

#include <string.h>

typedef struct {
  const char *key;
  gint64 n;
} Entry;

static gint
most_first (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp (x->key, y->key);
}

static gint64
events_of (JsonObject *classes)
{
  gint64 n = 0;
  g_autoptr (GList) names = json_object_get_members (classes);
  for (GList *l = names; l; l = l->next)
    n += json_object_get_int_member (classes, l->data);
  return n;
}

/* bk_cli_stats_arrange - reorder (@by_count) and cut (@top > 0) the
 * by_domain and by_reason sections of @root in place */
void
bk_cli_stats_arrange (JsonNode *root, gboolean by_count, guint top)
{
  JsonObject *o = json_node_get_object (root);
  static const char *const sections[] = { "by_domain", "by_reason" };
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonObject *sec = json_object_get_object_member (o, sections[s]);
      g_autoptr (GList) keys = json_object_get_members (sec);
      g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
      for (GList *l = keys; l; l = l->next)
        {
          Entry e = { l->data, events_of (json_object_get_object_member (sec, l->data)) };
          g_array_append_val (entries, e);
        }
      if (by_count)
        g_array_sort (entries, most_first);
      JsonObject *out = json_object_new ();
      for (guint i = 0; i < entries->len && (top == 0 || i < top); i++)
        {
          const char *key = g_array_index (entries, Entry, i).key;
          json_object_set_member (out, key, json_node_copy (json_object_get_member (sec, key)));
        }
      json_object_set_object_member (o, sections[s], out);   /* frees the old section */
    }
}
