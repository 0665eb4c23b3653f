/* SPDX-License-Identifier: MIT */
/*
 * bk-imap - one folder of an IMAP server as an input: imaps://user@host/Folder
 * (implicit TLS) or imap://… (STARTTLS, required: a server that does not
 * offer it is refused, never read in clear). Two well-kept libraries share
 * the work; nothing here speaks IMAP itself:
 *
 * - libcurl connects, verifies the server's certificate (the system's
 *   CAs, or --cacert FILE), does STARTTLS and logs in (CURLOPT_CONNECT_ONLY),
 *   each stage failing with its own message naming the URL. A password is
 *   never accepted in the URL (it would be on the command line) and never
 *   shown: libcurl takes it from BOUNCEKIT_IMAP_PASSWORD or ~/.netrc.
 * - libetpan speaks IMAP over that connection, through a mailstream whose
 *   reads and writes are curl_easy_recv/send and which opens with a
 *   PREAUTH greeting (to libetpan the connection is, rightly, logged in
 *   already): SELECT, UID SEARCH, UID FETCH, UID STORE, UID MOVE, and the
 *   parsing of their answers.
 *
 * libcurl alone fetches one message per command (a FETCH of many gives
 * their literals to no callback it offers whole), which kept an ingest
 * below a third of a Maildir's speed however many connections fetched at
 * once (bench/README.md). libetpan fetches a set of UIDs in one command.
 * After the search, a thread of its own holds the conversation: it
 * fetches the messages in chunks (BODY.PEEK[]: fetching changes nothing),
 * at most BK_IMAP_AHEAD chunks ahead of the caller, who takes them in
 * order, so the analysis and the server work at once; and it marks the
 * messages the caller says are committed, before any further fetch and
 * every batch waiting in one STORE. A chunk's size follows the bytes per
 * message of the last one (BK_IMAP_CHUNK_BYTES), which bounds the memory.
 * The lines' CRLF ends (RFC 3501) are read as the LF ends of a local copy,
 * so a message has the same identity whether it was fetched or read from
 * a file.
 *
 * A message is marked (\Seen and $BouncekitDone, or then moved to the
 * folder the user names) only after its events are committed, so a run
 * interrupted anywhere leaves it unread and unmarked, and the next run
 * (--unseen too) reads it again.
 */
#include "bk-imap.h"
#include "bk-cli.h"

#include <curl/curl.h>
#include <errno.h>
#include <libetpan/libetpan.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

/* How long connecting may take, and how long the server may stall. */
#define BK_IMAP_CONNECT_TIMEOUT_S 30
#define BK_IMAP_STALL_TIMEOUT_S 120
/* Messages per FETCH: the first chunk's (small, so the analysis starts
 * soon), at most, and their bytes at most as the last chunk predicts */
#define BK_IMAP_FIRST_CHUNK 16
#define BK_IMAP_CHUNK_MESSAGES 256
#define BK_IMAP_CHUNK_BYTES (1024 * 1024)
/* Chunks fetched and not yet taken by the caller */
#define BK_IMAP_AHEAD 3
/* UIDs per STORE/MOVE command: keeps command lines short */
#define BK_IMAP_UIDS_PER_COMMAND 1000

static GQuark bk_imap_error_quark (void);
G_DEFINE_QUARK (bk-imap-error-quark, bk_imap_error)
#define BK_IMAP_ERROR (bk_imap_error_quark ())

/* Messages fetched: items[i] is message from + i (NULL: it vanished
 * from the server meanwhile) */
typedef struct {
  guint from, to;
  BkRawItem **items;
} Chunk;

/* Messages to mark done: their UIDs, ascending */
typedef struct {
  GArray *uids;
  char *move_to;
} Mark;

struct _BkImap {
  CURL *curl;        /* the connection, logged in */
  curl_socket_t fd;  /* its socket */
  mailimap *session; /* libetpan over it: the worker's once it runs */
  gboolean greeted;  /* the stream gave libetpan its greeting */
  char *name;        /* the URL as messages show it */
  GArray *uids;      /* guint, ascending */
  char errbuf[CURL_ERROR_SIZE];
  /* the worker thread, and what it shares under qlock */
  GThread *thread;
  GMutex qlock;
  GCond qcond;       /* any change below */
  GQueue chunks;     /* Chunk*, fetched, in order */
  GQueue marks;      /* Mark*, to do */
  GError *failed;    /* the first error: the worker has stopped */
  gboolean busy;     /* the worker talks to the server */
  gboolean stop, finished;
  Chunk *current;    /* the chunk bk_imap_fetch() takes from */
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

/* --- the stream libetpan reads and writes: libcurl's connection --- */

/* what libetpan reads first: the connection is logged in already */
static const char preauth[] = "* PREAUTH logged in by libcurl\r\n";

/* wait_socket - until the connection can be read (@events POLLIN) or
 * written (POLLOUT); FALSE when it stalled BK_IMAP_STALL_TIMEOUT_S */
static gboolean
wait_socket (BkImap *imap, short events)
{
  struct pollfd p = { .fd = imap->fd, .events = events };
  int n;
  do
    n = poll (&p, 1, BK_IMAP_STALL_TIMEOUT_S * 1000);
  while (n < 0 && errno == EINTR);
  return n > 0;
}

static ssize_t
stream_read (mailstream_low *s, void *buf, size_t count)
{
  BkImap *imap = s->data;
  if (!imap->greeted)
    {
      if (count < sizeof preauth - 1)
        return -1;
      imap->greeted = TRUE;
      memcpy (buf, preauth, sizeof preauth - 1);
      return sizeof preauth - 1;
    }
  for (;;)
    {
      size_t got = 0;
      CURLcode rc = curl_easy_recv (imap->curl, buf, count, &got);
      if (rc == CURLE_OK)
        return (ssize_t) got;   /* 0: the server closed the connection */
      if (rc != CURLE_AGAIN || !wait_socket (imap, POLLIN))
        return -1;
    }
}

static ssize_t
stream_write (mailstream_low *s, const void *buf, size_t count)
{
  BkImap *imap = s->data;
  size_t done = 0;
  while (done < count)
    {
      size_t sent = 0;
      CURLcode rc = curl_easy_send (imap->curl, (const char *) buf + done, count - done, &sent);
      if (rc == CURLE_OK)
        done += sent;
      else if (rc != CURLE_AGAIN || !wait_socket (imap, POLLOUT))
        return -1;
    }
  return (ssize_t) count;
}

static int
stream_close (mailstream_low *s)
{
  (void) s;   /* libcurl closes the connection (bk_imap_close) */
  return 0;
}

static int
stream_get_fd (mailstream_low *s)
{
  return ((BkImap *) s->data)->fd;
}

static void
stream_free (mailstream_low *s)
{
  free (s);   /* mailstream_low_new's */
}

static void
stream_cancel (mailstream_low *s)
{
  (void) s;
}

static struct mailstream_cancel *
stream_get_cancel (mailstream_low *s)
{
  (void) s;
  return NULL;
}

static carray *
stream_get_certificate_chain (mailstream_low *s)
{
  (void) s;   /* libcurl verified it */
  return NULL;
}

static mailstream_low_driver stream_driver = {
  .mailstream_read = stream_read,
  .mailstream_write = stream_write,
  .mailstream_close = stream_close,
  .mailstream_get_fd = stream_get_fd,
  .mailstream_free = stream_free,
  .mailstream_cancel = stream_cancel,
  .mailstream_get_cancel = stream_get_cancel,
  .mailstream_get_certificate_chain = stream_get_certificate_chain,
};

/* --- errors --- */

/* fail - @what and libcurl's own explanation, prefixed with the URL */
static gboolean
fail (BkImap *imap, CURLcode rc, const char *what, GError **error)
{
  const char *why = imap->errbuf[0] ? imap->errbuf : curl_easy_strerror (rc);
  g_set_error (error, BK_IMAP_ERROR, rc, "%s: %s (%s)", imap->name, what, why);
  return FALSE;
}

/* fail_imap - @what after libetpan's result @r: the server's words when
 * it answered, else what happened to the connection */
static gboolean
fail_imap (BkImap *imap, int r, const char *what, GError **error)
{
  const char *why = r == MAILIMAP_ERROR_STREAM ? "the connection failed or stalled"
                  : r == MAILIMAP_ERROR_PARSE ? "an answer libetpan cannot read"
                  : imap->session->imap_response && *imap->session->imap_response ? imap->session->imap_response
                  : "refused";
  g_set_error (error, BK_IMAP_ERROR, r, "%s: %s (%s)", imap->name, what, why);
  return FALSE;
}

/* key - a search key without arguments (UNSEEN) */
static struct mailimap_search_key *
key (int type)
{
  return mailimap_search_key_new (type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                  NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
}

/* search_key - what the options select: NOT KEYWORD $BouncekitDone,
 * UNSEEN (or $BouncekitPending, which an earlier bouncekit set before
 * fetching: its interrupted runs are read again too), SINCE */
static struct mailimap_search_key *
search_key (const BkImapOptions *o)
{
  struct mailimap_search_key *all = mailimap_search_key_new_multiple_empty ();
  mailimap_search_key_multiple_add (all, mailimap_search_key_new_all ());
  if (o->skip_done)
    mailimap_search_key_multiple_add (
      all, mailimap_search_key_new_not (mailimap_search_key_new_keyword (strdup (BK_IMAP_DONE_KEYWORD))));
  if (o->unseen && o->with_pending)
    mailimap_search_key_multiple_add (
      all, mailimap_search_key_new_or (key (MAILIMAP_SEARCH_KEY_UNSEEN),
                                       mailimap_search_key_new_keyword (strdup (BK_IMAP_PENDING_KEYWORD))));
  else if (o->unseen)
    mailimap_search_key_multiple_add (all, key (MAILIMAP_SEARCH_KEY_UNSEEN));
  if (o->since > 0)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (o->since);
      mailimap_search_key_multiple_add (
        all, mailimap_search_key_new_since (mailimap_date_new (g_date_time_get_day_of_month (dt),
                                                               g_date_time_get_month (dt),
                                                               g_date_time_get_year (dt))));
    }
  return all;
}

static gint
cmp_uid (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

static gpointer worker (gpointer data);

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
  imap->uids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_mutex_init (&imap->qlock);
  g_cond_init (&imap->qcond);
  g_queue_init (&imap->chunks);
  g_queue_init (&imap->marks);
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
  g_autofree char *base = g_strndup (url, path + 1 - url);
  g_autofree char *folder = g_uri_unescape_string (path + 1, NULL);
  if (folder == NULL)
    {
      g_set_error (error, BK_IMAP_ERROR, 0, "%s: name a folder: imaps://user@host/Folder", imap->name);
      return NULL;
    }
  while (g_str_has_suffix (folder, "/"))
    folder[strlen (folder) - 1] = '\0';

  imap->curl = curl_easy_init ();
  if (imap->curl == NULL)
    {
      g_set_error (error, BK_IMAP_ERROR, 0, "%s: cannot start libcurl", imap->name);
      return NULL;
    }
  CURL *c = imap->curl;
  curl_easy_setopt (c, CURLOPT_URL, base);
  curl_easy_setopt (c, CURLOPT_CONNECT_ONLY, 1L);   /* connect, TLS, login: then libetpan */
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, imap->errbuf);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt (c, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);   /* imap://: STARTTLS or nothing */
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, (long) BK_IMAP_CONNECT_TIMEOUT_S);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  /* the system's CAs from libcurl's bundle (one file), or those of
   * --cacert instead; not also the directory of them, which GnuTLS
   * would read whole at every connection (100-200 ms) */
  curl_easy_setopt (c, CURLOPT_CAPATH, NULL);
  if (o->cacert)
    curl_easy_setopt (c, CURLOPT_CAINFO, o->cacert);
  const char *password = g_getenv ("BOUNCEKIT_IMAP_PASSWORD");
  if (password && *password)
    curl_easy_setopt (c, CURLOPT_PASSWORD, password);
  else
    curl_easy_setopt (c, CURLOPT_NETRC, (long) CURL_NETRC_OPTIONAL);

  /* connect, TLS and login: each its own error */
  CURLcode rc = curl_easy_perform (c);
  if (rc != CURLE_OK)
    {
      fail (imap, rc, stage_error (rc), error);
      return NULL;
    }
  if (curl_easy_getinfo (c, CURLINFO_ACTIVESOCKET, &imap->fd) != CURLE_OK || imap->fd == CURL_SOCKET_BAD)
    {
      g_set_error (error, BK_IMAP_ERROR, 0, "%s: cannot read the server (no connection)", imap->name);
      return NULL;
    }
  imap->session = mailimap_new (0, NULL);
  mailstream_low *low = mailstream_low_new (imap, &stream_driver);
  mailstream *stream = low ? mailstream_new (low, 64 * 1024) : NULL;
  if (imap->session == NULL || stream == NULL)
    {
      if (low && stream == NULL)
        mailstream_low_free (low);
      g_set_error (error, BK_IMAP_ERROR, 0, "%s: cannot start libetpan", imap->name);
      return NULL;
    }
  int r = mailimap_connect (imap->session, stream);   /* reads the PREAUTH greeting */
  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED)
    {
      fail_imap (imap, r, "cannot read the server", error);
      return NULL;
    }
  r = mailimap_select (imap->session, folder);
  if (r != MAILIMAP_NO_ERROR)
    {
      fail_imap (imap, r, r == MAILIMAP_ERROR_SELECT ? "no such folder" : "cannot read the server", error);
      return NULL;
    }
  struct mailimap_search_key *k = search_key (o);
  clist *found = NULL;
  r = mailimap_uid_search (imap->session, NULL, k, &found);
  mailimap_search_key_free (k);
  if (r != MAILIMAP_NO_ERROR)
    {
      fail_imap (imap, r, "cannot search the folder", error);
      return NULL;
    }
  for (clistiter *it = clist_begin (found); it; it = clist_next (it))
    {
      guint uid = *(uint32_t *) clist_content (it);
      g_array_append_val (imap->uids, uid);
    }
  mailimap_search_result_free (found);
  g_array_sort (imap->uids, cmp_uid);
  imap->thread = g_thread_new ("bk-imap", worker, imap);
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

/* uid_set - @uids[0, n) (ascending) as runs of consecutive UIDs */
static struct mailimap_set *
uid_set (const guint *uids, guint n)
{
  struct mailimap_set *set = mailimap_set_new_empty ();
  for (guint i = 0; i < n;)
    {
      guint first = uids[i], last = first;
      for (i++; i < n && uids[i] == last + 1; i++)
        last = uids[i];
      mailimap_set_add_interval (set, first, last);
    }
  return set;
}

/* static_att - the attribute of type @type in a FETCH answer, or NULL */
static struct mailimap_msg_att_static *
static_att (struct mailimap_msg_att *msg, int type)
{
  for (clistiter *it = clist_begin (msg->att_list); it; it = clist_next (it))
    {
      struct mailimap_msg_att_item *item = clist_content (it);
      if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC && item->att_data.att_static->att_type == type)
        return item->att_data.att_static;
    }
  return NULL;
}

/* index_of - the place of @uid among the messages [from, to), or -1 */
static gint64
index_of (BkImap *imap, guint uid, guint from, guint to)
{
  while (from < to)
    {
      guint mid = from + (to - from) / 2, at = bk_imap_get_uid (imap, mid);
      if (at == uid)
        return mid;
      if (at < uid)
        from = mid + 1;
      else
        to = mid;
    }
  return -1;
}

static void
chunk_free (Chunk *c)
{
  if (c == NULL)
    return;
  for (guint i = 0; c->items && i < c->to - c->from; i++)
    bk_raw_item_free (c->items[i]);
  g_free (c->items);
  g_free (c);
}

/* crlf_to_lf - @data with its "\r\n" read as "\n", into @out; returns the
 * length */
static gsize
crlf_to_lf (char *out, const char *data, gsize len)
{
  gsize n = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
        continue;
      out[n++] = data[i];
    }
  return n;
}

/* fetch_chunk - UID FETCH (BODY.PEEK[]) of the messages [c->from, c->to)
 * into c->items; returns the bytes fetched, or -1 with libetpan's result
 * in @out_r */
static gint64
fetch_chunk (BkImap *imap, Chunk *c, int *out_r)
{
  struct mailimap_set *set = uid_set (&g_array_index (imap->uids, guint, c->from), c->to - c->from);
  struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_body_peek_section (mailimap_section_new (NULL)));
  clist *answers = NULL;
  *out_r = mailimap_uid_fetch (imap->session, set, type, &answers);
  mailimap_fetch_type_free (type);
  mailimap_set_free (set);
  if (*out_r != MAILIMAP_NO_ERROR)
    return -1;
  gint64 bytes = 0;
  for (clistiter *it = clist_begin (answers); it; it = clist_next (it))
    {
      struct mailimap_msg_att *msg = clist_content (it);
      struct mailimap_msg_att_static *uid = static_att (msg, MAILIMAP_MSG_ATT_UID);
      struct mailimap_msg_att_static *body = static_att (msg, MAILIMAP_MSG_ATT_BODY_SECTION);
      gint64 index = uid ? index_of (imap, uid->att_data.att_uid, c->from, c->to) : -1;
      if (index < 0 || body == NULL || body->att_data.att_body_section == NULL || c->items[index - c->from])
        continue;   /* a FETCH the server sent on its own (a flag change), or a repeat */
      const struct mailimap_msg_att_body_section *sec = body->att_data.att_body_section;
      BkRawItem *item = g_new0 (BkRawItem, 1);
      item->source = g_strdup_printf ("%s;UID=%u", imap->name, uid->att_data.att_uid);
      item->kind = BK_RAW_MESSAGE;
      item->data = g_malloc (sec->sec_length + 1);
      item->len = sec->sec_body_part ? crlf_to_lf (item->data, sec->sec_body_part, sec->sec_length) : 0;
      item->data[item->len] = '\0';
      c->items[index - c->from] = item;
      bytes += sec->sec_length;
    }
  mailimap_fetch_list_free (answers);
  return bytes;
}

/* store - add \Seen and $BouncekitDone to @set, silently */
static int
store_done (BkImap *imap, struct mailimap_set *set)
{
  struct mailimap_flag_list *flags = mailimap_flag_list_new_empty ();
  mailimap_flag_list_add (flags, mailimap_flag_new_seen ());
  mailimap_flag_list_add (flags, mailimap_flag_new_flag_keyword (strdup (BK_IMAP_DONE_KEYWORD)));
  struct mailimap_store_att_flags *att = mailimap_store_att_flags_new_add_flags_silent (flags);
  int r = mailimap_uid_store (imap->session, set, att);
  mailimap_store_att_flags_free (att);
  return r;
}

/* mark - flag the UIDs @uids done (\Seen $BouncekitDone), then move them
 * to @move_to (nullable), BK_IMAP_UIDS_PER_COMMAND at a time */
static gboolean
mark (BkImap *imap, const GArray *uids, const char *move_to, GError **error)
{
  for (guint i = 0; i < uids->len; i += BK_IMAP_UIDS_PER_COMMAND)
    {
      guint n = MIN (uids->len - i, BK_IMAP_UIDS_PER_COMMAND);
      struct mailimap_set *set = uid_set (&g_array_index (uids, guint, i), n);
      int r = store_done (imap, set);
      if (r != MAILIMAP_NO_ERROR)
        fail_imap (imap, r, "cannot flag messages", error);
      else if (move_to && (r = mailimap_uid_move (imap->session, set, move_to)) != MAILIMAP_NO_ERROR)
        fail_imap (imap, r, "cannot move messages", error);
      mailimap_set_free (set);
      if (r != MAILIMAP_NO_ERROR)
        return FALSE;
    }
  return TRUE;
}

/* --- the thread that talks to the server --- */

static void
mark_free (Mark *m)
{
  g_array_unref (m->uids);
  g_free (m->move_to);
  g_free (m);
}


/* set_failed - the first error ends the conversation (qlock held) */
static void
set_failed (BkImap *imap, GError *error)
{
  if (imap->failed == NULL)
    imap->failed = error;
  else
    g_error_free (error);
}

/* worker - the thread: marks first (all that are queued, in one STORE),
 * else the next chunk of messages while fewer than BK_IMAP_AHEAD wait;
 * the first error stops it. A chunk's size follows the bytes of the last
 * one (at most BK_IMAP_CHUNK_BYTES, BK_IMAP_CHUNK_MESSAGES messages). */
static gpointer
worker (gpointer data)
{
  BkImap *imap = data;
  guint n = imap->uids->len, next = 0, size = BK_IMAP_FIRST_CHUNK;
  g_mutex_lock (&imap->qlock);
  for (;;)
    {
      while (!imap->stop && imap->failed == NULL && imap->marks.length == 0
             && (next >= n || imap->chunks.length >= BK_IMAP_AHEAD))
        g_cond_wait (&imap->qcond, &imap->qlock);
      if (imap->stop || imap->failed)
        break;
      imap->busy = TRUE;
      if (imap->marks.length)
        {
          /* every batch committed meanwhile, in one command */
          g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint));
          g_autofree char *move_to = NULL;
          Mark *first = g_queue_peek_head (&imap->marks);
          move_to = g_strdup (first->move_to);
          Mark *m;
          while ((m = g_queue_peek_head (&imap->marks)) && g_strcmp0 (m->move_to, move_to) == 0)
            {
              g_array_append_vals (uids, m->uids->data, m->uids->len);
              mark_free (g_queue_pop_head (&imap->marks));
            }
          g_mutex_unlock (&imap->qlock);
          GError *error = NULL;
          mark (imap, uids, move_to, &error);
          g_mutex_lock (&imap->qlock);
          if (error)
            set_failed (imap, error);
        }
      else
        {
          Chunk *c = g_new0 (Chunk, 1);
          c->from = next;
          c->to = next = MIN (n, next + size);
          c->items = g_new0 (BkRawItem *, c->to - c->from);
          g_mutex_unlock (&imap->qlock);
          int r;
          gint64 bytes = fetch_chunk (imap, c, &r);
          g_mutex_lock (&imap->qlock);
          if (bytes < 0)
            {
              GError *error = NULL;
              fail_imap (imap, r, "cannot fetch messages", &error);
              set_failed (imap, error);
              chunk_free (c);
            }
          else
            {
              g_queue_push_tail (&imap->chunks, c);
              guint per = (guint) MAX (1, bytes / MAX (1, c->to - c->from));
              size = CLAMP (BK_IMAP_CHUNK_BYTES / per, 1, MIN (2 * size, BK_IMAP_CHUNK_MESSAGES));
            }
        }
      imap->busy = FALSE;
      g_cond_broadcast (&imap->qcond);
    }
  imap->busy = FALSE;
  imap->finished = TRUE;
  g_cond_broadcast (&imap->qcond);
  g_mutex_unlock (&imap->qlock);
  return NULL;
}

/**
 * bk_imap_fetch:
 * @index: the message's place in the search result, from 0; each call's
 *   greater than the last's
 * @out_item: (out): its bytes, as bk_reader_next_raw() gives a file's (with
 *   an error when the message is no longer on the server)
 *
 * Returns: FALSE when the server failed
 */
gboolean
bk_imap_fetch (BkImap *imap, guint index, BkRawItem **out_item, GError **error)
{
  g_return_val_if_fail (index < imap->uids->len, FALSE);
  while (imap->current == NULL || index >= imap->current->to)
    {
      g_clear_pointer (&imap->current, chunk_free);
      g_mutex_lock (&imap->qlock);
      while (g_queue_is_empty (&imap->chunks) && imap->failed == NULL && !imap->finished)
        g_cond_wait (&imap->qcond, &imap->qlock);
      imap->current = g_queue_pop_head (&imap->chunks);
      if (imap->current == NULL)
        {
          if (imap->failed)
            g_propagate_error (error, g_error_copy (imap->failed));
          else
            g_set_error (error, BK_IMAP_ERROR, 0, "%s: cannot fetch messages", imap->name);
        }
      g_cond_broadcast (&imap->qcond);
      g_mutex_unlock (&imap->qlock);
      if (imap->current == NULL)
        return FALSE;
    }
  g_return_val_if_fail (index >= imap->current->from, FALSE);
  BkRawItem *item = g_steal_pointer (&imap->current->items[index - imap->current->from]);
  if (item == NULL)
    {
      /* expunged since the search: left to what removed it */
      item = g_new0 (BkRawItem, 1);
      item->source = g_strdup_printf ("%s;UID=%u", imap->name, bk_imap_get_uid (imap, index));
      item->kind = BK_RAW_MESSAGE;
      item->error = g_error_new (BK_IMAP_ERROR, 0, "%s: the message is no longer on the server", item->source);
    }
  *out_item = item;
  return TRUE;
}

/**
 * bk_imap_mark_done:
 * @indexes: (element-type guint): places in the search result, ascending
 * @move_to: (nullable): a folder to move the messages to, after flagging
 *   them
 *
 * Marks the messages processed (\Seen and $BouncekitDone): call it after
 * their events are committed. The thread that talks to the server does it
 * (several batches in one command when they wait together):
 * bk_imap_finish() waits for it.
 *
 * Returns: FALSE when the server failed before
 */
gboolean
bk_imap_mark_done (BkImap *imap, const GArray *indexes, const char *move_to, GError **error)
{
  if (indexes->len == 0)
    return TRUE;
  Mark *m = g_new0 (Mark, 1);
  m->uids = g_array_sized_new (FALSE, FALSE, sizeof (guint), indexes->len);
  for (guint i = 0; i < indexes->len; i++)
    {
      guint uid = bk_imap_get_uid (imap, g_array_index (indexes, guint, i));
      g_array_append_val (m->uids, uid);
    }
  m->move_to = g_strdup (move_to);
  g_mutex_lock (&imap->qlock);
  gboolean ok = imap->failed == NULL;
  if (ok)
    g_queue_push_tail (&imap->marks, m);
  else
    g_propagate_error (error, g_error_copy (imap->failed));
  g_cond_broadcast (&imap->qcond);
  g_mutex_unlock (&imap->qlock);
  if (!ok)
    mark_free (m);
  return ok;
}

/**
 * bk_imap_finish:
 *
 * Waits until every message given to bk_imap_mark_done() is marked.
 *
 * Returns: FALSE when the server failed
 */
gboolean
bk_imap_finish (BkImap *imap, GError **error)
{
  g_mutex_lock (&imap->qlock);
  while (imap->failed == NULL && !imap->finished && (imap->marks.length || imap->busy))
    g_cond_wait (&imap->qcond, &imap->qlock);
  gboolean ok = imap->failed == NULL && imap->marks.length == 0;
  if (imap->failed)
    g_propagate_error (error, g_error_copy (imap->failed));
  else if (!ok)
    g_set_error (error, BK_IMAP_ERROR, 0, "%s: cannot flag messages", imap->name);
  g_mutex_unlock (&imap->qlock);
  return ok;
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
  if (imap->thread)
    {
      g_mutex_lock (&imap->qlock);
      imap->stop = TRUE;
      gboolean busy = imap->busy || imap->failed;
      g_cond_broadcast (&imap->qcond);
      g_mutex_unlock (&imap->qlock);
      /* a thread waiting for the server (an error elsewhere ended the
       * run) waits no longer, nor does the LOGOUT libcurl sends on
       * closing a connection that failed */
      if (busy)
        shutdown (imap->fd, SHUT_RDWR);
      g_thread_join (imap->thread);
    }
  chunk_free (imap->current);
  g_queue_clear_full (&imap->chunks, (GDestroyNotify) chunk_free);
  g_queue_clear_full (&imap->marks, (GDestroyNotify) mark_free);
  g_clear_error (&imap->failed);
  if (imap->session)
    mailimap_free (imap->session);   /* frees the stream, leaves the connection */
  if (imap->curl)
    curl_easy_cleanup (imap->curl);
  g_mutex_clear (&imap->qlock);
  g_cond_clear (&imap->qcond);
  g_free (imap->name);
  g_array_unref (imap->uids);
  g_free (imap);
}
