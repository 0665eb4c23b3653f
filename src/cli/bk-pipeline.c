/* SPDX-License-Identifier: MIT */
/*
 * bk-pipeline - run work() over a stream of items on @threads threads in
 * all and hand the results to done() in input order.
 *
 * The calling thread takes the items from next() (cheap: a batch scan's
 * reader only cuts the input into messages), groups them into batches and
 * queues them; threads - 1 workers take whole batches, so a hand-over
 * costs one lock per batch, not per message. When the window of batches
 * in flight is full, the calling thread prints the finished batches at
 * the head and then works on a queued batch itself instead of waiting:
 * with N threads all N do the expensive work. With one thread no thread
 * is started and every item goes through next, work and done in turn.
 *
 * The window bounds memory whatever the input's size: at most
 * WINDOW_PER_THREAD * threads batches of BATCH_ITEMS items are queued.
 */
#include "bk-pipeline.h"

/* BATCH_ITEMS - items per hand-over: enough that locking is rare, few
 * enough that a small input (the corpus: 425 messages) still spreads over
 * every thread */
#define BATCH_ITEMS 16
/* WINDOW_PER_THREAD - batches in flight per thread: a batch that is slow
 * to analyse does not leave the other threads idle */
#define WINDOW_PER_THREAD 4

typedef struct {
  gpointer items[BATCH_ITEMS];
  guint n;
  gboolean done;
} Batch;

typedef struct {
  BkPipelineWork work;
  gpointer user_data;
  GMutex lock;
  GCond wake_worker;     /* a batch was queued, or stop */
  GCond batch_done;      /* a batch was finished */
  GQueue todo;           /* Batch* not yet taken by a thread */
  gboolean stop;
} Shared;

typedef struct {
  Shared *sh;
  guint id;
} Worker;

/* work_batch - run work() over @b's items, then mark it done */
static void
work_batch (Shared *sh, Batch *b, guint id)
{
  for (guint i = 0; i < b->n; i++)
    sh->work (b->items[i], id, sh->user_data);
  g_mutex_lock (&sh->lock);
  b->done = TRUE;
  g_cond_signal (&sh->batch_done);
  g_mutex_unlock (&sh->lock);
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  Shared *sh = w->sh;
  for (;;)
    {
      g_mutex_lock (&sh->lock);
      while (g_queue_is_empty (&sh->todo) && !sh->stop)
        g_cond_wait (&sh->wake_worker, &sh->lock);
      Batch *b = g_queue_pop_head (&sh->todo);
      g_mutex_unlock (&sh->lock);
      if (b == NULL)
        return NULL;
      work_batch (sh, b, w->id);
    }
}

/* read_batch - up to BATCH_ITEMS items of next(); NULL at the end */
static Batch *
read_batch (BkPipelineNext next, gpointer user_data)
{
  Batch *b = g_new0 (Batch, 1);
  while (b->n < BATCH_ITEMS && (b->items[b->n] = next (user_data)) != NULL)
    b->n++;
  if (b->n == 0)
    g_clear_pointer (&b, g_free);
  return b;
}

/**
 * bk_pipeline_run:
 * @threads: threads in all, the calling one included (at least 1)
 * @next: the items, in order
 * @work: what each item needs, on any thread
 * @done: the worked items, in order, on the calling thread
 * @user_data: passed to all three
 */
void
bk_pipeline_run (guint threads, BkPipelineNext next, BkPipelineWork work, BkPipelineDone done,
                 gpointer user_data)
{
  Shared sh = { .work = work, .user_data = user_data };
  g_mutex_init (&sh.lock);
  g_cond_init (&sh.wake_worker);
  g_cond_init (&sh.batch_done);
  g_queue_init (&sh.todo);
  threads = MAX (threads, 1);
  Worker *workers = g_new0 (Worker, threads);
  GThread **handles = g_new0 (GThread *, threads);
  for (guint i = 1; i < threads; i++)
    {
      workers[i] = (Worker) { &sh, i };
      handles[i] = g_thread_new ("bk-worker", worker_main, &workers[i]);
    }

  guint window = threads == 1 ? 1 : threads * WINDOW_PER_THREAD;
  GQueue order = G_QUEUE_INIT;   /* Batch* in input order, until done() */
  gboolean eof = FALSE;
  for (;;)
    {
      while (!eof && order.length < window)
        {
          Batch *b = read_batch (next, user_data);
          if (b == NULL)
            {
              eof = TRUE;
              break;
            }
          g_queue_push_tail (&order, b);
          g_mutex_lock (&sh.lock);
          g_queue_push_tail (&sh.todo, b);
          g_cond_signal (&sh.wake_worker);
          g_mutex_unlock (&sh.lock);
        }
      /* print what is finished at the head */
      for (;;)
        {
          Batch *head = g_queue_peek_head (&order);
          g_mutex_lock (&sh.lock);
          gboolean ready = head && head->done;
          g_mutex_unlock (&sh.lock);
          if (!ready)
            break;
          g_queue_pop_head (&order);
          for (guint i = 0; i < head->n; i++)
            done (head->items[i], user_data);
          g_free (head);
        }
      if (eof && g_queue_is_empty (&order))
        break;
      if (!eof && order.length < window)
        continue;
      /* the window is full or the input is read: work, or wait for the
       * head */
      g_mutex_lock (&sh.lock);
      Batch *mine = g_queue_pop_head (&sh.todo);
      if (mine == NULL)
        {
          Batch *head = g_queue_peek_head (&order);
          while (!head->done)
            g_cond_wait (&sh.batch_done, &sh.lock);
        }
      g_mutex_unlock (&sh.lock);
      if (mine)
        work_batch (&sh, mine, 0);
    }

  g_mutex_lock (&sh.lock);
  sh.stop = TRUE;
  g_cond_broadcast (&sh.wake_worker);
  g_mutex_unlock (&sh.lock);
  for (guint i = 1; i < threads; i++)
    g_thread_join (handles[i]);
  g_free (handles);
  g_free (workers);
  g_mutex_clear (&sh.lock);
  g_cond_clear (&sh.wake_worker);
  g_cond_clear (&sh.batch_done);
}
