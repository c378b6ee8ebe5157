/* sn-step-results.h: the steps of a finished run, each with its result and evidence
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sn-types.h"
#include "sn-runner.h"

G_BEGIN_DECLS

#define SN_TYPE_STEP_RESULT_ROW (sn_step_result_row_get_type ())

G_DECLARE_FINAL_TYPE (SnStepResultRow, sn_step_result_row, SN, STEP_RESULT_ROW, GtkListBoxRow)

/* Fills @list with the steps (SnStepRun) of a run: each row shows the step's
 * title, its result and its evidence (why it failed, and its last output
 * lines), with an accessible name saying all three; hidden without steps. */
void                sn_step_results_bind        (GtkListBox *list,
                                                 GListModel *steps);
/* The result of a step in words ("Passed", "Failed", ...), translated. */
const char         *sn_step_results_state_label (SnStepState state);
/* Its evidence: why it failed (its message), then at most @max_lines last
 * lines of output; a success's message only when it has no output. */
char               *sn_step_results_dup_evidence (SnStepRun *step,
                                                  guint      max_lines);

G_END_DECLS
