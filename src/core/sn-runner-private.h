/* sn-runner-private.h: what the runner's files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SnRunner is split on its seams:
 *   sn-runner.c            the object, notifications to its context, planning,
 *                          the async and sync forms
 *   sn-step-run.c          SnStepRun, one step of a run
 *   sn-runner-variables.c  ${…} variables and the actions' context
 *   sn-runner-gates.c      the level check, input gates, the backup gate
 *   sn-runner-execute.c    running the steps and reverting them
 *   sn-runner-report.c     the report file and the audit line
 */

#pragma once

#include "sn-action.h"
#include "sn-runner.h"

G_BEGIN_DECLS

#define REDACTED "[REDACTED]"

struct _SnStepRun
{
  GObject              parent_instance;

  /* Written by the runner's worker thread under @mutex; strings that are
   * replaced are kept in @retired until finalize so getters stay valid. */
  GMutex               mutex;
  char                *command;
  char                *impact;
  char                *revert_command;
  char                *verify_command;
  char                *message;
  GQueue               output;
  GPtrArray           *retired;

  const SnRunbookStep *step;       /* borrowed from the runbook, which the runner holds */
  guint                index;
  SnStepState          state;
  gint64               elapsed_ms;
  int                  exit_status;
  GHashTable          *outputs;    /* what the step published for later steps */
};


enum {
  STEP_PROP_0,
  STEP_PROP_STATE,
  STEP_PROP_MESSAGE,
  STEP_PROP_ELAPSED_MS,
  STEP_PROP_COMMAND,
  STEP_N_PROPS
};

struct _SnRunner
{
  GObject       parent_instance;

  SnRunbook    *runbook;
  SnProfile    *profile;
  GHashTable   *params;           /* id → value, resolved */
  GListStore   *steps;            /* SnStepRun */
  GHashTable   *services;         /* name → GObject */
  GPtrArray    *secrets;          /* strings to redact, longest first */
  GMutex        secrets_mutex;
  GMutex        retired_mutex;  /* strings the worker replaced, kept for readers */
  GPtrArray    *retired;
  GMainContext *context;          /* where notifications go */
  char         *typed_name;
  char         *reason;
  char         *summary;
  char         *report_path;
  char         *report_error;    /* why the report could not be written */
  char         *report_dir;
  char         *gate_evidence;
  char         *run_id;
  GDateTime    *started_at;
  GDateTime    *finished_at;
  SnGateFunc    backup_gate;

  SnRunOutcome  outcome;
  guint         busy : 1;
  guint         planned : 1;
  guint         executed : 1;
};


/* sn-step-run.c */
SnStepRun  *_sn_step_run_new       (const SnRunbookStep  *step,
                                    guint              index);
void        _sn_step_run_set_string (SnStepRun         *self,
                                     char             **field,
                                     const char        *value);
GParamSpec *_sn_step_run_get_pspec (guint              prop);

/* sn-runner.c */
/* What the worker thread sets on the runner (summary, report path, gate
 * evidence): the old value stays alive until finalize, so a getter called on
 * the main thread meanwhile never reads freed memory (L13). */
void      _sn_runner_set_string    (SnRunner          *self,
                                    char             **field,
                                    const char        *value);
void      _sn_runner_notify_later  (SnRunner          *self,
                                    gpointer           object,
                                    GParamSpec        *pspec);
void      _sn_runner_step_set_state (SnRunner          *self,
                                     SnStepRun         *step,
                                     SnStepState        state,
                                     const char        *message);
void      _sn_runner_on_action_line (SnActionContext   *context,
                                     SnOutputKind       kind,
                                     const char        *line,
                                     gpointer           user_data);
gboolean  _sn_runner_plan_in_thread (SnRunner          *self,
                                     GCancellable      *cancellable,
                                     GError           **error);

/* sn-runner-variables.c */
JsonObject      *_sn_runner_resolve_args  (SnRunner          *self,
                                           const SnRunbookCall  *call,
                                           gboolean           planning,
                                           GError           **error);
SnActionContext *_sn_runner_new_context   (SnRunner          *self,
                                           GCancellable      *cancellable);
char            *_sn_runner_describe_call (SnRunner          *self,
                                           SnActionContext   *context,
                                           const SnRunbookCall  *call,
                                           JsonObject        *args);

/* sn-runner-gates.c */
const char *_sn_runner_level_name       (SnSafetyLevel      level);
gboolean    _sn_runner_check_input_gates (SnRunner          *self,
                                          GError           **error);
gboolean    _sn_runner_check_backup_gate (SnRunner          *self,
                                          GCancellable      *cancellable,
                                          GError           **error);

/* sn-runner-execute.c */
SnRunOutcome  _sn_runner_execute_in_thread (SnRunner          *self,
                                            GCancellable      *cancellable,
                                            GError           **error);

/* sn-runner-report.c */
void  _sn_runner_write_report (SnRunner          *self);
void  _sn_runner_audit_run   (SnRunner          *self,
                              SnRunOutcome       outcome,
                              gint64             duration_us);

G_END_DECLS
