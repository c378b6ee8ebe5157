/* sn-action-private.h: what the runner sees of an action context
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-action.h"

G_BEGIN_DECLS

struct _SnActionContext
{
  SnProfile        *profile;
  GCancellable     *cancellable;
  GHashTable       *services;       /* name → GObject, owned */
  GHashTable       *outputs;        /* key → value, owned */
  SnActionLineFunc  line_func;
  gpointer          line_data;
  SnRedactFunc      redact_func;
  gpointer          redact_data;
  GMutex            mutex;
  guint             timeout_seconds;
  int               exit_status;
  gboolean          changed;        /* the call changed the system, even if it failed */
};

void        _sn_action_context_set_timeout  (SnActionContext *self,
                                             guint            timeout_seconds);
int         _sn_action_context_exit_status  (SnActionContext *self);
GHashTable *_sn_action_context_outputs      (SnActionContext *self);
gboolean    _sn_action_context_changed      (SnActionContext *self);
void        _sn_action_context_reset        (SnActionContext *self,
                                             GCancellable    *cancellable);

G_END_DECLS
