/* sn-runner.h: plan, gate, execute, verify and revert a runbook
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-action.h"
#include "sn-profile.h"
#include "sn-runbook.h"

G_BEGIN_DECLS

#define SN_RUNNER_ERROR (sn_runner_error_quark ())

typedef enum
{
  SN_RUNNER_ERROR_REFUSED,        /* the profile may not run this runbook */
  SN_RUNNER_ERROR_GATE,           /* a gate is not satisfied */
  SN_RUNNER_ERROR_BUSY,           /* already planning or running */
  SN_RUNNER_ERROR_FAILED,
} SnRunnerError;

typedef enum
{
  SN_STEP_STATE_PENDING,
  SN_STEP_STATE_RUNNING,
  SN_STEP_STATE_VERIFYING,
  SN_STEP_STATE_SUCCEEDED,
  SN_STEP_STATE_FAILED,
  SN_STEP_STATE_CANCELLED,
  SN_STEP_STATE_SKIPPED,
  SN_STEP_STATE_REVERTING,
  SN_STEP_STATE_REVERTED,
  SN_STEP_STATE_REVERT_FAILED,
} SnStepState;

typedef enum
{
  SN_RUN_OUTCOME_NONE,
  SN_RUN_OUTCOME_PLANNED,           /* dry run only */
  SN_RUN_OUTCOME_SUCCEEDED,
  SN_RUN_OUTCOME_FAILED_REVERTED,   /* failed or cancelled; every revert worked */
  SN_RUN_OUTCOME_FAILED,            /* failed, and something is left to look at */
  SN_RUN_OUTCOME_REFUSED,           /* stopped before anything ran (gates, safety) */
} SnRunOutcome;

/* Translated when called: "Succeeded", "Refused before any step ran". */
const char   *sn_run_outcome_get_label      (SnRunOutcome  outcome);
/* Back from a label, English or translated (a report's "Result" line). */
gboolean      sn_run_outcome_from_label     (const char   *label,
                                             SnRunOutcome *outcome);

#define SN_TYPE_STEP_RUN (sn_step_run_get_type ())
G_DECLARE_FINAL_TYPE (SnStepRun, sn_step_run, SN, STEP_RUN, GObject)

/* One step of a run, as the wizard and the report show it. Properties: index,
 * id, title, state, command, impact, revert-command, elapsed-ms, exit-status,
 * message, destructive. Notifies from the main context. */
guint        sn_step_run_get_index          (SnStepRun *self);
const char  *sn_step_run_get_id             (SnStepRun *self);
const char  *sn_step_run_get_title          (SnStepRun *self);
const char  *sn_step_run_get_untranslated_title (SnStepRun *self);
SnStepState  sn_step_run_get_state          (SnStepRun *self);
const char  *sn_step_run_get_command        (SnStepRun *self);
const char  *sn_step_run_get_impact         (SnStepRun *self);
const char  *sn_step_run_get_revert_command (SnStepRun *self);
const char  *sn_step_run_get_verify_command (SnStepRun *self);
gint64       sn_step_run_get_elapsed_ms     (SnStepRun *self);
int          sn_step_run_get_exit_status    (SnStepRun *self);
const char  *sn_step_run_get_message        (SnStepRun *self);
gboolean     sn_step_run_get_destructive    (SnStepRun *self);
/* The last lines of output (bounded), newline separated, secrets redacted. */
char        *sn_step_run_dup_output         (SnStepRun *self);

#define SN_TYPE_RUNNER (sn_runner_get_type ())
G_DECLARE_FINAL_TYPE (SnRunner, sn_runner, SN, RUNNER, GObject)

/* Checks a gate the runner cannot check alone (backup-verified needs the
 * backup service). Runs in a worker thread. */
typedef gboolean (*SnGateFunc) (SnRunner      *runner,
                                SnProfile     *profile,
                                guint          max_age_minutes,
                                char         **evidence,
                                GCancellable  *cancellable,
                                GError       **error);

GQuark        sn_runner_error_quark         (void);
SnRunner     *sn_runner_new                 (SnRunbook            *runbook,
                                             SnProfile            *profile,
                                             GHashTable           *params,
                                             GError              **error);
SnRunbook    *sn_runner_get_runbook         (SnRunner             *self);
SnProfile    *sn_runner_get_profile         (SnRunner             *self);
GListModel   *sn_runner_get_steps           (SnRunner             *self);
SnRunOutcome  sn_runner_get_outcome         (SnRunner             *self);
const char   *sn_runner_get_summary         (SnRunner             *self);
const char   *sn_runner_get_report_path     (SnRunner             *self);
/* The value of ${@name} as the run sees it now: a parameter ("tag"), what a
 * step published ("steps.checkout.previous"), "profile.…"; NULL if none. */
char         *sn_runner_dup_value           (SnRunner             *self,
                                             const char           *name);
void          sn_runner_set_service         (SnRunner             *self,
                                             const char           *name,
                                             GObject              *service);
/* Strings that must never appear in output, reports or logs. */
void          sn_runner_add_secret          (SnRunner             *self,
                                             const char           *secret);
char         *sn_runner_redact              (SnRunner             *self,
                                             const char           *text);
void          sn_runner_set_report_dir      (SnRunner             *self,
                                             const char           *directory);

/* The gates this run needs before its first destructive step. */
SnGateFlags   sn_runner_get_required_gates  (SnRunner             *self);
gboolean      sn_runner_check_level         (SnRunner             *self,
                                             GError              **error);
gboolean      sn_runbook_check_profile      (SnRunbook            *runbook,
                                             SnProfile            *profile,
                                             GError              **error);
void          sn_runner_set_typed_name      (SnRunner             *self,
                                             const char           *typed_name);
void          sn_runner_set_reason          (SnRunner             *self,
                                             const char           *reason);
void          sn_runner_set_gate_func       (SnRunner             *self,
                                             SnGateFlags           gate,
                                             SnGateFunc            func);
gboolean      sn_runner_check_gates         (SnRunner             *self,
                                             GCancellable         *cancellable,
                                             GError              **error);

/* Dry run: resolves every variable and asks each action what it will touch,
 * by read-only means. Changes nothing. */
void          sn_runner_plan_async          (SnRunner             *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean      sn_runner_plan_finish         (SnRunner             *self,
                                             GAsyncResult         *result,
                                             GError              **error);
char         *sn_runner_dup_shell_script    (SnRunner             *self);

/* Checks the gates, then runs step by step; on failure or cancel runs the
 * reverts of the steps done, newest first. Finishes with the outcome; the
 * error says why when it is not SUCCEEDED. Always writes the report. */
void          sn_runner_execute_async       (SnRunner             *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
SnRunOutcome  sn_runner_execute_finish      (SnRunner             *self,
                                             GAsyncResult         *result,
                                             GError              **error);
/* Synchronous forms for the CLI; they spin a private main context. */
gboolean      sn_runner_plan_sync           (SnRunner             *self,
                                             GCancellable         *cancellable,
                                             GError              **error);
SnRunOutcome  sn_runner_execute_sync        (SnRunner             *self,
                                             GCancellable         *cancellable,
                                             GError              **error);

G_END_DECLS
