/* sn-await.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-await"

#include "config.h"

#include "sn-await.h"

/**
 * sn_await_push_private:
 *
 * Waits in a new main context, made this thread's default until
 * sn_await_clear(): the async call started next completes there, and nothing
 * else of the thread's runs meanwhile (for worker threads and actions).
 */
void
sn_await_push_private (SnAwait *await)
{
  g_return_if_fail (await != NULL);
  g_return_if_fail (await->context == NULL);

  await->context = g_main_context_new ();
  g_main_context_push_thread_default (await->context);
  await->pushed = TRUE;
}

/**
 * sn_await_use_context:
 * @context: (nullable): where the call completes; %NULL for the thread's
 *   default main context
 *
 * Waits in @context, which is not pushed: the call must have been started
 * with @context as its thread-default (a runner's, or the CLI's main one).
 */
void
sn_await_use_context (SnAwait      *await,
                      GMainContext *context)
{
  g_return_if_fail (await != NULL);
  g_return_if_fail (await->context == NULL);

  await->context = context != NULL ? g_main_context_ref (context)
                                   : g_main_context_ref_thread_default ();
}

/**
 * sn_await_callback:
 * @user_data: the #SnAwait
 *
 * The #GAsyncReadyCallback to give the async call.
 */
void
sn_await_callback (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SnAwait *await = user_data;

  g_return_if_fail (await->result == NULL);
  await->result = g_object_ref (result);
}

/**
 * sn_await_result:
 *
 * Iterates the await's context until the call has completed: the one
 * given to sn_await_use_context() or pushed by sn_await_push_private(), else
 * the thread-default main context.
 *
 * Returns: (transfer none): the result, for the call's `_finish()`; it
 *   lives until sn_await_clear()
 */
GAsyncResult *
sn_await_result (SnAwait *await)
{
  g_return_val_if_fail (await != NULL, NULL);

  if (await->context == NULL)
    await->context = g_main_context_ref_thread_default ();

  while (await->result == NULL)
    g_main_context_iteration (await->context, TRUE);

  return await->result;
}

/**
 * sn_await_drain:
 *
 * Dispatches what is pending in the await's context without blocking, such
 * as the lines a command queued before its result.
 */
void
sn_await_drain (SnAwait *await)
{
  g_return_if_fail (await != NULL);

  if (await->context == NULL)
    await->context = g_main_context_ref_thread_default ();
  while (g_main_context_iteration (await->context, FALSE))
    ;
}

/**
 * sn_await_clear:
 *
 * Drops the result and pops the private context. The await can be used
 * again, as from %SN_AWAIT_INIT.
 */
void
sn_await_clear (SnAwait *await)
{
  g_clear_object (&await->result);
  if (await->pushed)
    g_main_context_pop_thread_default (await->context);
  await->pushed = FALSE;
  g_clear_pointer (&await->context, g_main_context_unref);
}
