/* sn-await.h: waiting for one async call, for the sync forms
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * SnAwait:
 *
 * Sync over async in one place: start an `_async()` call with
 * sn_await_callback() and the await as its data, then pass
 * sn_await_result() to its `_finish()`. The await iterates its main context
 * until the callback has run.
 *
 * |[<!-- language="C" -->
 * g_auto(SnAwait) await = SN_AWAIT_INIT;
 *
 * sn_await_push_private (&await);   // worker threads; else the thread-default context
 * sn_host_exec_async (host, ..., sn_await_callback, &await);
 * result = sn_host_exec_finish (host, sn_await_result (&await), error);
 * ]|
 *
 * Its fields are private.
 */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
  gboolean      pushed;
} SnAwait;

#define SN_AWAIT_INIT { NULL, NULL, FALSE }

void          sn_await_push_private (SnAwait      *await);
void          sn_await_use_context  (SnAwait      *await,
                                     GMainContext *context);
void          sn_await_callback     (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data);
GAsyncResult *sn_await_result       (SnAwait      *await);
void          sn_await_drain        (SnAwait      *await);
void          sn_await_clear        (SnAwait      *await);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SnAwait, sn_await_clear)

G_END_DECLS
