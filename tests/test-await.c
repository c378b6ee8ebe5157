/* test-await.c: SnAwait, the one sync-over-async helper
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-await"

#include "config.h"

#include "sn-await.h"

/* An async call that completes with @value in the caller's thread-default
 * context (GTask returns it from a source there). */
static void
slow_async (int                  value,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, slow_async);
  g_task_return_int (task, value);
}

static int
slow_finish (GAsyncResult  *result,
             GError       **error)
{
  g_assert_true (g_task_is_valid (result, NULL));
  g_assert_true (g_task_get_source_tag (G_TASK (result)) == slow_async);
  return (int) g_task_propagate_int (G_TASK (result), error);
}

static gboolean
count_idle (gpointer data)
{
  (*(int *) data)++;
  return G_SOURCE_REMOVE;
}

static void
test_await_private (void)
{
  GMainContext *outer = g_main_context_ref_thread_default ();
  GMainContext *now;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;
  int outer_idles = 0;
  int inner_idles = 0;
  GSource *source;

  /* Something pending in the outer context must not run while we wait. */
  source = g_idle_source_new ();
  g_source_set_callback (source, count_idle, &outer_idles, NULL);
  g_source_attach (source, outer);
  g_source_unref (source);

  sn_await_push_private (&await);
  g_assert_true (g_main_context_get_thread_default () != outer);
  slow_async (42, sn_await_callback, &await);
  g_assert_cmpint (slow_finish (sn_await_result (&await), &error), ==, 42);
  g_assert_no_error (error);
  g_assert_cmpint (outer_idles, ==, 0);

  /* Drained: what the call queued in its context after the result runs. */
  source = g_idle_source_new ();
  g_source_set_callback (source, count_idle, &inner_idles, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
  sn_await_drain (&await);
  g_assert_cmpint (inner_idles, ==, 1);

  /* Cleared: the outer context is the thread's default again, and the
   * await can wait once more. */
  sn_await_clear (&await);
  now = g_main_context_ref_thread_default ();
  g_assert_true (now == outer);
  g_main_context_unref (now);

  slow_async (7, sn_await_callback, &await);
  g_assert_cmpint (slow_finish (sn_await_result (&await), &error), ==, 7);
  g_assert_no_error (error);

  /* The outer idle was left for the outer context. */
  while (g_main_context_iteration (outer, FALSE))
    ;
  g_assert_cmpint (outer_idles, ==, 1);
  g_main_context_unref (outer);
}

static void
test_await_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;

  /* A call started with @context as its thread default, waited for in it. */
  g_main_context_push_thread_default (context);
  slow_async (3, sn_await_callback, &await);
  g_main_context_pop_thread_default (context);

  sn_await_use_context (&await, context);
  g_assert_cmpint (slow_finish (sn_await_result (&await), &error), ==, 3);
  g_assert_no_error (error);
  g_assert_false (g_main_context_pending (context));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/await/private", test_await_private);
  g_test_add_func ("/await/context", test_await_context);

  return g_test_run ();
}
