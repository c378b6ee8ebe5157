/* sn-actions-builtin.h: the actions libsncore provides to runbooks
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-action.h"

G_BEGIN_DECLS

/* Registers every built-in action (idempotent). Call before loading runbooks. */
void     sn_actions_register_builtin  (void);
/* Each area's actions (sn-http-actions.c, sn-database-actions.c,
 * sn-profile-actions.c; host.* in sn-host.h, backup.* in sn-backup-service.h). */
void     sn_http_actions_register     (void);
void     sn_database_actions_register (void);
void     sn_profile_actions_register  (void);

/* For the read-only credentials' actions (sn-database-actions.c). */
gboolean sn_database_check_role_name  (const char  *role,
                                       GError     **error);
char    *sn_scram_sha256_verifier     (const char  *password,
                                       GError     **error);
/* TRUE when @command is one plain command from the short list of commands
 * that only look (df, ls, git log, docker ps...), with no shell operator. */
gboolean sn_host_command_is_read_only (const char *command);

G_END_DECLS
