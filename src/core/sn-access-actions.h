/* sn-access-actions.h: actions that set up read-only access (role, tunnel key, profile)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* db.readonly-role.ensure/.drop, host.ssh.add-tunnel-key/remove-tunnel-key,
 * profile.export-readonly; called by sn_actions_register_builtin(). */
void  sn_access_actions_register     (void);
char *sn_access_dup_tunnel_key_line  (const char  *key,
                                      const char  *host,
                                      guint        port);
char *sn_scram_sha256_verifier       (const char  *password,
                                      GError     **error);

G_END_DECLS
