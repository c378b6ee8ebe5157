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
/* Each area's actions (sn-http-actions.c, sn-database-actions.c). */
void     sn_http_actions_register     (void);
void     sn_database_actions_register (void);
/* TRUE when @command is one plain command from the short list of commands
 * that only look (df, ls, git log, docker ps...), with no shell operator. */
gboolean sn_host_command_is_read_only (const char *command);

G_END_DECLS
