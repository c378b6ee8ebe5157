/* sn-runbook-row.h: one runbook in the Runbooks window
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-runbook.h"

G_BEGIN_DECLS

#define SN_TYPE_RUNBOOK_ROW (sn_runbook_row_get_type ())

G_DECLARE_FINAL_TYPE (SnRunbookRow, sn_runbook_row, SN, RUNBOOK_ROW, GtkListBoxRow)

GtkWidget *sn_runbook_row_new         (SnRunbook    *runbook,
                                       const GError *refusal,
                                       const char   *last_run);
SnRunbook *sn_runbook_row_get_runbook (SnRunbookRow *self);

G_END_DECLS
