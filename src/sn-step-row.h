/* sn-step-row.h: one step of a run, in the wizard's run page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-runner.h"

G_BEGIN_DECLS

#define SN_TYPE_STEP_ROW (sn_step_row_get_type ())

G_DECLARE_FINAL_TYPE (SnStepRow, sn_step_row, SN, STEP_ROW, AdwActionRow)

GtkWidget *sn_step_row_new        (SnStepRun   *step);
SnStepRun *sn_step_row_get_step   (SnStepRow   *self);
void       sn_step_row_update     (SnStepRow   *self);
gboolean   sn_step_state_is_busy  (SnStepState  state);

G_END_DECLS
