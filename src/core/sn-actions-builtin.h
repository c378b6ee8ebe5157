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
void sn_actions_register_builtin (void);

G_END_DECLS
