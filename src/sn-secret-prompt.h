/* sn-secret-prompt.h: look a secret up, and ask the person when no keyring runs
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sn-core.h"

G_BEGIN_DECLS

/*
 * Looks the secret up in the profile's credentials file or the keyring. When
 * no keyring is running (and nothing was typed before in this session), asks
 * with a dialog over @parent, says why, and keeps the answer in memory only
 * (sn_secret_store_remember) — never on disk. The result is the secret, or
 * NULL with no error when there is none or the person chose to go without.
 */
void   sn_secret_prompt_lookup_async  (GtkWidget           *parent,
                                       SnProfile           *profile,
                                       SnSecretKind         kind,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char  *sn_secret_prompt_lookup_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
