/* sn-maintenance-secrets-private.h: what the secret rotation and the env audit share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-maintenance-secrets.h"

G_BEGIN_DECLS

/* Runs @command through @host (audited as @action); its stdout, or NULL with
 * an error that starts with @what and ends with the command's stderr. */
char           *_sn_maintenance_run      (SnHost        *host,
                                          const char    *action,
                                          const char    *what,
                                          const char    *command,
                                          guint          timeout_ms,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* The value of the first `KEY=value` line of @text, or NULL. */
char           *_sn_maintenance_field    (const char    *text,
                                          const char    *key);
SnSecretStatus *_sn_secret_status_parse  (const char    *text);

G_END_DECLS
