/* SPDX-License-Identifier: MIT */
/*
 * bk-imap - one folder of an IMAP server as an input: imaps://user@host/Folder
 * (implicit TLS) or imap://… (STARTTLS, required: a server that does not
 * offer it is refused, never read in clear). Built on libcurl's IMAP;
 * nothing here speaks IMAP beyond the command words libcurl passes on.
 *
 * Open: connect, verify the server's certificate (the system's CAs, or
 * --cacert FILE), log in, select the folder and search it (UID SEARCH with
 * NOT KEYWORD $BouncekitDone, UNSEEN, SINCE as asked). Each stage fails
 * with its own message naming the URL; a password is never accepted in
 * the URL (it would be on the command line) and never shown: it comes
 * from BOUNCEKIT_IMAP_PASSWORD or ~/.netrc.
 *
 * Fetch: libcurl's FETCH reads one message per command (a FETCH of many
 * gives their literals to no callback it offers whole: bench/README.md),
 * so messages are fetched 64 ahead on four connections at once (a multi
 * handle), each message on the first free one; the caller still takes
 * them in order. A fetch sets \Seen, so the messages are flagged \Seen
 * ahead, 500 in one STORE, which spares the server an index write per
 * message. The lines' CRLF ends (RFC 3501) are read as the LF ends of a
 * local copy, so a message has the same identity whether it was fetched
 * or read from a file. The caller marks messages done (a keyword, or a
 * move to another folder) only after their events are committed.
 */
#include "bk-imap.h"
#include "bk-cli.h"

#include <curl/curl.h>
#include <string.h>

/* How long connecting may take, and how long a transfer may stall. */
#define BK_IMAP_CONNECT_TIMEOUT_S 30
#define BK_IMAP_STALL_TIMEOUT_S 120
/* UIDs per SEARCH: an answer of 1000 UIDs of 10 digits fits libcurl's
 * 16 KiB line */
#define BK_IMAP_UIDS_PER_SEARCH 1000
/* Messages fetched at once, on as many connections: a FETCH costs a
 * round trip, and the server works on one connection's FETCH while the
 * next connection's answer travels; the window is how far ahead */
#define BK_IMAP_CONNECTIONS 4
#define BK_IMAP_WINDOW 64
/* Messages flagged \Seen ahead of their fetches, in one command */
#define BK_IMAP_PREPARE 500
/* UIDs per STORE/MOVE command: keeps command lines short */
#define BK_IMAP_UIDS_PER_COMMAND 500

static GQuark bk_imap_error_quark (void);
G_DEFINE_QUARK (bk-imap-error-quark, bk_imap_error)
#define BK_IMAP_ERROR (bk_imap_error_quark ())

struct _BkImap {
  CURL *curl;
  char *base;        /* scheme://[user@]host[:port]/ as given, no password */
  char *folder;      /* the folder's path part, URL-encoded as given */
  char *name;        /* the URL as messages show it */
  GArray *uids;      /* guint, ascending */
  GByteArray *body;  /* the current transfer's output */
  gboolean mark_pending;
  guint prepared;    /* messages [0, prepared) are flagged \Seen already */
  CURLM *multi;      /* the fetching connections */
  GHashTable *window;          /* index -> GByteArray: fetched ahead */
  guint window_from, window_to;
  char errbuf[CURL_ERROR_SIZE];
};

/**
 * bk_imap_is_url:
 * @path: an input as given
 *
 * Returns: whether @path names an IMAP folder (imap:// or imaps://)
 */
gboolean
bk_imap_is_url (const char *path)
{
  return g_ascii_strncasecmp (path, "imaps://", 8) == 0 || g_ascii_strncasecmp (path, "imap://", 7) == 0;
}

/* find_at - the '@' ending the user part of @url, or NULL; the user part
 * starts at *out_start */
static const char *
find_at (const char *url, gsize *out_start)
{
  const char *p = strstr (url, "://");
  gsize start = p ? (gsize) (p - url) + 3 : 0;
  gsize end = start + strcspn (url + start, "/?#");
  *out_start = start;
  return g_strrstr_len (url + start, end - start, "@");
}

/**
 * bk_imap_display_url:
 * @url: an imap:// or imaps:// URL
 *
 * Returns: (transfer full): @url with a password in it replaced by "***"
 */
char *
bk_imap_display_url (const char *url)
{
  gsize start;
  const char *at = find_at (url, &start);
  const char *colon = at ? memchr (url + start, ':', at - (url + start)) : NULL;
  if (colon == NULL)
    return g_strdup (url);
  return g_strdup_printf ("%.*s:***%s", (int) (colon - url), url, at);
}

static size_t
collect (char *data, size_t size, size_t n, void *user)
{
  BkImap *imap = user;
  g_byte_array_append (imap->body, (const guint8 *) data, size * n);
  return size * n;
}

/* fail - @what and libcurl's own explanation, prefixed with the URL */
static gboolean
fail (BkImap *imap, CURLcode rc, const char *what, GError **error)
{
  const char *why = imap->errbuf[0] ? imap->errbuf : curl_easy_strerror (rc);
  g_set_error (error, BK_IMAP_ERROR, rc, "%s: %s (%s)", imap->name, what, why);
  return FALSE;
}

/* perform - one request: @path after the base URL, @command (nullable) a
 * custom IMAP command; the output lands in imap->body */
static CURLcode
perform (BkImap *imap, const char *path, const char *command)
{
  g_autofree char *url = g_strconcat (imap->base, path, NULL);
  g_byte_array_set_size (imap->body, 0);
  imap->errbuf[0] = '\0';
  curl_easy_setopt (imap->curl, CURLOPT_URL, url);
  curl_easy_setopt (imap->curl, CURLOPT_CUSTOMREQUEST, command);
  return curl_easy_perform (imap->curl);
}

/* stage_error - what a failed first request means for the user */
static const char *
stage_error (CURLcode rc)
{
  switch (rc)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "unknown host";
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
      return "cannot connect";
    case CURLE_LOGIN_DENIED:
      return "login refused";
    case CURLE_USE_SSL_FAILED:
      return "the server offers no TLS (STARTTLS)";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return "TLS failed (certificate not trusted? see --cacert)";
    default:
      return "cannot read the server";
    }
}

/* imap_date - "7-Dec-2026" (RFC 3501 date), in UTC */
static char *
imap_date (gint64 t)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return g_strdup_printf ("%d-%s-%d", g_date_time_get_day_of_month (dt),
                          months[g_date_time_get_month (dt) - 1], g_date_time_get_year (dt));
}

/* parse_search - the UIDs of "* SEARCH 3 4 7" lines */
static void
parse_search (BkImap *imap)
{
  g_autofree char *text = g_strndup ((const char *) imap->body->data, imap->body->len);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (!g_str_has_prefix (lines[i], "* SEARCH"))
        continue;
      g_auto (GStrv) words = g_strsplit_set (lines[i] + 8, " \r", -1);
      for (guint w = 0; words[w]; w++)
        {
          char *end = NULL;
          guint64 uid = g_ascii_strtoull (words[w], &end, 10);
          if (end != words[w] && *end == '\0' && uid > 0 && uid <= G_MAXUINT32)
            {
              guint u = (guint) uid;
              g_array_append_val (imap->uids, u);
            }
        }
    }
}

/* parse_max_uid - U of a "* N FETCH (UID U)" line; 0 for an empty folder */
static guint64
parse_max_uid (BkImap *imap)
{
  g_autofree char *text = g_strndup ((const char *) imap->body->data, imap->body->len);
  guint64 max = 0;
  for (const char *p = strstr (text, "(UID "); p; p = strstr (p + 1, "(UID "))
    max = MAX (max, g_ascii_strtoull (p + 5, NULL, 10));
  for (const char *p = strstr (text, " UID "); p; p = strstr (p + 1, " UID "))
    max = MAX (max, g_ascii_strtoull (p + 5, NULL, 10));
  return MIN (max, G_MAXUINT32);
}

static gint
cmp_uid (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

/**
 * bk_imap_open:
 * @url: imaps://[user@]host[:port]/Folder or imap://…
 * @options: what to select
 * @error: return location for a #GError
 *
 * Connects, logs in and lists the messages to read.
 *
 * Returns: (transfer full) (nullable): the folder
 */
BkImap *
bk_imap_open (const char *url, const BkImapOptions *o, GError **error)
{
  static gsize initialised = 0;
  if (g_once_init_enter (&initialised))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialised, 1);
    }
  g_autoptr (BkImap) imap = g_new0 (BkImap, 1);
  imap->name = bk_imap_display_url (url);
  imap->mark_pending = o->unseen && o->mark_pending;
  imap->uids = g_array_new (FALSE, FALSE, sizeof (guint));
  imap->body = g_byte_array_new ();
  imap->window = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_byte_array_unref);
  imap->multi = curl_multi_init ();
  gsize start;
  const char *at = find_at (url, &start);
  if (at && memchr (url + start, ':', at - (url + start)))
    {
      g_set_error (error, BK_IMAP_ERROR, 0,
                   "%s: a password does not belong on the command line"
                   " (set BOUNCEKIT_IMAP_PASSWORD or use ~/.netrc)", imap->name);
      return NULL;
    }
  const char *path = url + start + strcspn (url + start, "/?#");
  if (*path != '/' || path[1] == '\0' || strpbrk (path, "?#;"))
    {
      g_set_error (error, BK_IMAP_ERROR, 0, "%s: name a folder: imaps://user@host/Folder", imap->name);
      return NULL;
    }
  imap->base = g_strndup (url, path + 1 - url);
  imap->folder = g_strdup (path + 1);
  while (g_str_has_suffix (imap->folder, "/"))
    imap->folder[strlen (imap->folder) - 1] = '\0';

  imap->curl = curl_easy_init ();
  if (imap->curl == NULL)
    {
      g_set_error (error, BK_IMAP_ERROR, 0, "%s: cannot start libcurl", imap->name);
      return NULL;
    }
  CURL *c = imap->curl;
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, imap->errbuf);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, imap);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt (c, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);   /* imap://: STARTTLS or nothing */
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, (long) BK_IMAP_CONNECT_TIMEOUT_S);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, (long) BK_IMAP_STALL_TIMEOUT_S);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  if (o->cacert)
    curl_easy_setopt (c, CURLOPT_CAINFO, o->cacert);
  const char *password = g_getenv ("BOUNCEKIT_IMAP_PASSWORD");
  if (password && *password)
    curl_easy_setopt (c, CURLOPT_PASSWORD, password);
  else
    curl_easy_setopt (c, CURLOPT_NETRC, (long) CURL_NETRC_OPTIONAL);

  /* connect, TLS and login first, without a folder: each its own error */
  CURLcode rc = perform (imap, "", "NOOP");
  if (rc != CURLE_OK)
    {
      fail (imap, rc, stage_error (rc), error);
      return NULL;
    }
  g_autoptr (GString) search = g_string_new ("UID SEARCH");
  if (o->skip_done)
    g_string_append (search, " NOT KEYWORD " BK_IMAP_DONE_KEYWORD);
  if (o->unseen && o->mark_pending)
    g_string_append (search, " OR UNSEEN KEYWORD " BK_IMAP_PENDING_KEYWORD);
  else if (o->unseen)
    g_string_append (search, " UNSEEN");
  if (o->since > 0)
    {
      g_autofree char *day = imap_date (o->since);
      g_string_append_printf (search, " SINCE %s", day);
    }
  /* the folder's highest UID (selecting it: the first refusal here is
   * the folder's, the login worked a moment ago) */
  rc = perform (imap, imap->folder, "UID FETCH * (UID)");
  if (rc != CURLE_OK)
    {
      fail (imap, rc, rc == CURLE_LOGIN_DENIED || rc == CURLE_REMOTE_FILE_NOT_FOUND
                        ? "no such folder" : stage_error (rc), error);
      return NULL;
    }
  guint64 max_uid = parse_max_uid (imap);
  /* then the search, a range of UIDs at a time: libcurl passes on a
   * response line of at most its buffer's size (16 KiB), and a SEARCH
   * answer is one line */
  for (guint64 lo = 1; lo <= max_uid; lo += BK_IMAP_UIDS_PER_SEARCH)
    {
      g_autofree char *command = g_strdup_printf ("%s UID %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                                  search->str, lo, MIN (max_uid, lo + BK_IMAP_UIDS_PER_SEARCH - 1));
      rc = perform (imap, imap->folder, command);
      if (rc != CURLE_OK)
        {
          fail (imap, rc, "cannot search the folder", error);
          return NULL;
        }
      parse_search (imap);
    }
  g_array_sort (imap->uids, cmp_uid);
  return g_steal_pointer (&imap);
}

const char *
bk_imap_get_name (BkImap *imap)
{
  return imap->name;
}

guint
bk_imap_get_count (BkImap *imap)
{
  return imap->uids->len;
}

guint
bk_imap_get_uid (BkImap *imap, guint index)
{
  return g_array_index (imap->uids, guint, index);
}

static gboolean command_each (BkImap *imap, const GArray *indexes, const char *verb, const char *arg,
                              const char *what, GError **error);

/* prepare - flag the next BK_IMAP_PREPARE messages from @index \Seen (and
 * BK_IMAP_PENDING_KEYWORD with --unseen) in one command: a fetch sets
 * \Seen anyway, and the server then writes its index once per batch, not
 * once per message (three times faster on Dovecot) */
static gboolean
prepare (BkImap *imap, guint index, GError **error)
{
  guint to = MIN (imap->uids->len, index + BK_IMAP_PREPARE);
  g_autoptr (GArray) range = g_array_sized_new (FALSE, FALSE, sizeof (guint), to - index);
  for (guint i = index; i < to; i++)
    g_array_append_val (range, i);
  imap->prepared = to;
  return command_each (imap, range, "UID STORE",
                       imap->mark_pending ? "+FLAGS.SILENT (\\Seen " BK_IMAP_PENDING_KEYWORD ")" : "+FLAGS.SILENT (\\Seen)",
                       "cannot flag messages", error);
}

/* crlf_to_lf - "\r\n" becomes "\n" in place; returns the new length */
static gsize
crlf_to_lf (guint8 *data, gsize len)
{
  gsize out = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
        continue;
      data[out++] = data[i];
    }
  return out;
}

typedef struct {
  CURL *handle;
  guint index;
  GByteArray *body;
  char errbuf[CURL_ERROR_SIZE];
} Slot;

static size_t
collect_slot (char *data, size_t size, size_t n, void *user)
{
  Slot *slot = user;
  g_byte_array_append (slot->body, (const guint8 *) data, size * n);
  return size * n;
}

/* start - fetch message @index on @slot (libcurl's own FETCH, a URL with
 * ;UID=n, on a connection of the multi handle) */
static gboolean
start (BkImap *imap, Slot *slot, guint index)
{
  g_autofree char *url = g_strdup_printf ("%s%s;UID=%u", imap->base, imap->folder, bk_imap_get_uid (imap, index));
  slot->handle = curl_easy_duphandle (imap->curl);
  if (slot->handle == NULL)
    return FALSE;
  slot->index = index;
  slot->body = g_byte_array_new ();
  slot->errbuf[0] = '\0';
  curl_easy_setopt (slot->handle, CURLOPT_URL, url);
  curl_easy_setopt (slot->handle, CURLOPT_CUSTOMREQUEST, NULL);
  curl_easy_setopt (slot->handle, CURLOPT_WRITEFUNCTION, collect_slot);
  curl_easy_setopt (slot->handle, CURLOPT_WRITEDATA, slot);
  curl_easy_setopt (slot->handle, CURLOPT_ERRORBUFFER, slot->errbuf);
  curl_easy_setopt (slot->handle, CURLOPT_PRIVATE, slot);
  return curl_multi_add_handle (imap->multi, slot->handle) == CURLM_OK;
}

static void
finish_slot (BkImap *imap, Slot *slot)
{
  curl_multi_remove_handle (imap->multi, slot->handle);
  curl_easy_cleanup (slot->handle);
  slot->handle = NULL;
  if (slot->body)
    g_byte_array_unref (slot->body);
  slot->body = NULL;
}

/* prefetch - the messages [index, index + BK_IMAP_WINDOW), fetched on
 * BK_IMAP_CONNECTIONS connections at once, into imap->window */
static gboolean
prefetch (BkImap *imap, guint index, GError **error)
{
  guint to = MIN (imap->uids->len, index + BK_IMAP_WINDOW);
  g_hash_table_remove_all (imap->window);
  Slot slots[BK_IMAP_CONNECTIONS] = { 0 };
  guint next = index, active = 0;
  CURLcode failed = CURLE_OK;
  for (guint k = 0; k < BK_IMAP_CONNECTIONS && next < to; k++, active++)
    if (!start (imap, &slots[k], next++))
      failed = CURLE_OUT_OF_MEMORY;
  while (active > 0)
    {
      int running = 0;
      if (curl_multi_perform (imap->multi, &running) != CURLM_OK)
        failed = failed ? failed : CURLE_RECV_ERROR;
      CURLMsg *m;
      int left;
      while ((m = curl_multi_info_read (imap->multi, &left)))
        {
          if (m->msg != CURLMSG_DONE)
            continue;
          Slot *slot = NULL;
          curl_easy_getinfo (m->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
          CURLcode rc = m->data.result;
          if (rc == CURLE_OK)
            g_hash_table_insert (imap->window, GUINT_TO_POINTER (slot->index), g_byte_array_ref (slot->body));
          else if (failed == CURLE_OK)
            {
              failed = rc;
              g_strlcpy (imap->errbuf, slot->errbuf, sizeof imap->errbuf);
            }
          finish_slot (imap, slot);
          active--;
          if (failed == CURLE_OK && next < to)
            {
              if (start (imap, slot, next++))
                active++;
              else
                failed = CURLE_OUT_OF_MEMORY;
            }
        }
      if (active > 0 && curl_multi_poll (imap->multi, NULL, 0, 1000, NULL) != CURLM_OK)
        failed = failed ? failed : CURLE_RECV_ERROR;
      if (failed != CURLE_OK)
        {
          for (guint k = 0; k < BK_IMAP_CONNECTIONS; k++)
            if (slots[k].handle)
              finish_slot (imap, &slots[k]);
          active = 0;
        }
    }
  if (failed != CURLE_OK)
    {
      g_hash_table_remove_all (imap->window);
      imap->window_from = imap->window_to = 0;
      return fail (imap, failed, "cannot fetch a message", error);
    }
  imap->window_from = index;
  imap->window_to = to;
  return TRUE;
}

/**
 * bk_imap_fetch:
 * @index: the message's place in the search result, from 0
 * @out_item: (out): its bytes, as bk_reader_next_raw() gives a file's
 *
 * Returns: FALSE when the server failed
 */
gboolean
bk_imap_fetch (BkImap *imap, guint index, BkRawItem **out_item, GError **error)
{
  if (index >= imap->prepared && !prepare (imap, index, error))
    return FALSE;
  if ((index < imap->window_from || index >= imap->window_to) && !prefetch (imap, index, error))
    return FALSE;
  g_autoptr (GByteArray) body = NULL;
  if (!g_hash_table_steal_extended (imap->window, GUINT_TO_POINTER (index), NULL, (gpointer *) &body))
    return fail (imap, CURLE_RECV_ERROR, "cannot fetch a message", error);
  guint uid = bk_imap_get_uid (imap, index);
  BkRawItem *item = g_new0 (BkRawItem, 1);
  item->source = g_strdup_printf ("%s;UID=%u", imap->name, uid);
  item->kind = BK_RAW_MESSAGE;
  gsize len = crlf_to_lf (body->data, body->len);
  item->data = g_malloc (len + 1);
  memcpy (item->data, body->data, len);
  item->data[len] = '\0';
  item->len = len;
  *out_item = item;
  return TRUE;
}

/* uid_set - "3:5,9" for the UIDs at @indexes [from, to) */
static char *
uid_set (BkImap *imap, const GArray *indexes, guint from, guint to)
{
  GString *s = g_string_new (NULL);
  for (guint i = from; i < to;)
    {
      guint first = bk_imap_get_uid (imap, g_array_index (indexes, guint, i)), last = first;
      i++;
      while (i < to && bk_imap_get_uid (imap, g_array_index (indexes, guint, i)) == last + 1)
        last = bk_imap_get_uid (imap, g_array_index (indexes, guint, i++));
      if (s->len)
        g_string_append_c (s, ',');
      if (last > first)
        g_string_append_printf (s, "%u:%u", first, last);
      else
        g_string_append_printf (s, "%u", first);
    }
  return g_string_free (s, FALSE);
}

/* command_each - "@verb SET @arg" over the UIDs at @indexes, in chunks */
static gboolean
command_each (BkImap *imap, const GArray *indexes, const char *verb, const char *arg,
              const char *what, GError **error)
{
  for (guint i = 0; i < indexes->len; i += BK_IMAP_UIDS_PER_COMMAND)
    {
      g_autofree char *set = uid_set (imap, indexes, i, MIN (indexes->len, i + BK_IMAP_UIDS_PER_COMMAND));
      g_autofree char *command = g_strconcat (verb, " ", set, " ", arg, NULL);
      CURLcode rc = perform (imap, imap->folder, command);
      if (rc != CURLE_OK)
        return fail (imap, rc, what, error);
    }
  return TRUE;
}

/* quote - @name as an IMAP quoted string */
static char *
quote (const char *name)
{
  GString *s = g_string_new ("\"");
  for (const char *p = name; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/**
 * bk_imap_mark_done:
 * @indexes: (element-type guint): places in the search result
 * @move_to: (nullable): a folder to move the messages to, instead of the
 *   keyword
 *
 * Marks the messages processed: call it after their events are
 * committed.
 */
gboolean
bk_imap_mark_done (BkImap *imap, const GArray *indexes, const char *move_to, GError **error)
{
  if (indexes->len == 0)
    return TRUE;
  if (!command_each (imap, indexes,
                     "UID STORE", "+FLAGS.SILENT (" BK_IMAP_DONE_KEYWORD ")",
                     "cannot flag messages", error))
    return FALSE;
  /* done: the pending mark has served */
  if (imap->mark_pending
      && !command_each (imap, indexes, "UID STORE", "-FLAGS.SILENT (" BK_IMAP_PENDING_KEYWORD ")",
                        "cannot flag messages", error))
    return FALSE;
  if (move_to)
    {
      g_autofree char *folder = quote (move_to);
      return command_each (imap, indexes, "UID MOVE", folder, "cannot move messages", error);
    }
  return TRUE;
}

/**
 * bk_imap_close:
 * @imap: (transfer full) (nullable): a folder
 */
void
bk_imap_close (BkImap *imap)
{
  if (imap == NULL)
    return;
  if (imap->multi)
    curl_multi_cleanup (imap->multi);
  if (imap->curl)
    curl_easy_cleanup (imap->curl);
  g_hash_table_unref (imap->window);
  g_free (imap->base);
  g_free (imap->folder);
  g_free (imap->name);
  g_array_unref (imap->uids);
  g_byte_array_unref (imap->body);
  g_free (imap);
}
