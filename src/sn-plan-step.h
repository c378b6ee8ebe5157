/* sn-plan-step.h: one step of a runbook's plan, in the wizard's plan page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-runner.h"

G_BEGIN_DECLS

#define SN_TYPE_PLAN_STEP (sn_plan_step_get_type ())

G_DECLARE_FINAL_TYPE (SnPlanStep, sn_plan_step, SN, PLAN_STEP, GtkWidget)

GtkWidget *sn_plan_step_new (SnStepRun *step);

G_END_DECLS
