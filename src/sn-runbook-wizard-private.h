/* sn-runbook-wizard-private.h: what the wizard's files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-gate.h"
#include "sn-runbook-wizard.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

#define MAX_OUTPUT_LINES  2000
#define TICK_INTERVAL_MS  250
#define MIN_REASON_CHARS  SN_GATE_REASON_MIN_CHARS

/* Each page's widgets and state, so that a page's code reads and writes
 * one group (self->plan.…, self->gates.…). The template's ids are the
 * fields' names: BIND_IN binds them into their group. */

/* Page "params": one row per runbook parameter. */
typedef struct
{
  GtkBox               *params_box;
  GtkLabel             *params_description;
  GPtrArray            *param_rows;       /* one widget per runbook parameter */
  GPtrArray            *param_hints;      /* the label under each of them */
  guint                 params_valid : 1;
} SnWizardParams;

/* Page "plan": the dry run's steps and risk. */
typedef struct
{
  GCancellable         *plan_cancellable; /* this attempt's dry run */
  GtkStack             *plan_stack;
  GtkSpinner           *plan_spinner;
  AdwStatusPage        *plan_error_page;
  GtkBox               *risk_box;
  GtkImage             *risk_icon;
  GtkLabel             *risk_label;
  GtkBox               *plan_steps_box;
  guint                 planned : 1;
  guint                 planning : 1;
} SnWizardPlan;

/* Page "gates": typed name, reason, a fresh backup. */
typedef struct
{
  GCancellable         *gate_cancellable; /* this visit of the gates page */
  SnGateFunc            backup_check;
  char                 *backup_evidence;
  GtkStack             *gates_stack;
  GtkLabel             *refused_label;
  AdwPreferencesGroup  *typed_name_group;
  AdwEntryRow          *typed_name_row;
  GtkImage             *typed_name_icon;
  AdwPreferencesGroup  *reason_group;
  GtkTextView          *reason_view;
  GtkLabel             *reason_hint;
  AdwPreferencesGroup  *backup_group;
  AdwActionRow         *backup_row;
  GtkSpinner           *backup_spinner;
  GtkLabel             *backup_status;
  guint                 backup_ok : 1;
  guint                 backup_in_run : 1;
} SnWizardGates;

/* Page "run": the steps as they run and their output. */
typedef struct
{
  GCancellable         *run_cancellable;  /* this attempt's run: Cancel reverts */
  GHashTable           *outputs;          /* SnStepRun → GtkTextBuffer */
  SnStepRun            *shown_step;
  char                 *run_error;
  SnRunOutcome          outcome;
  gint64                run_started_us;
  gint64                run_finished_us;
  guint                 tick_id;
  GtkLabel             *run_status;
  GtkLabel             *run_elapsed;
  GtkListBox           *run_list;
  GtkLabel             *output_title;
  GtkScrolledWindow    *output_scroller;
  GtkTextView          *output_view;
  guint                 running : 1;
  guint                 cancelling : 1;
  guint                 close_after_run : 1;
  guint                 user_picked_step : 1;
  guint                 selecting_step : 1;
  guint                 follow_output : 1;
} SnWizardRun;

/* Page "result": what happened, what next, the rollback core offers. */
typedef struct
{
  GtkBox               *result_box;
  GtkImage             *result_icon;
  GtkLabel             *result_title;
  GtkLabel             *result_summary;
  GtkLabel             *result_next;
  GtkListBox           *result_steps;
  GtkButton            *open_report_button;
  GtkButton            *run_again_button;
  GtkButton            *rollback_button;
  GtkLabel             *rollback_label;
  char                 *rollback_tag;     /* the rollback core offers after this run */
  GtkLabel             *report_path_label;
} SnWizardResult;

struct _SnRunbookWizard
{
  AdwWindow             parent_instance;

  SnRunbook            *runbook;
  SnProfile            *profile;
  SnRunner             *runner;
  SnSshSession         *session;
  GCancellable         *cancellable;      /* the window's: cancelled in dispose */

  /* Template children: the window's frame */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkButton            *cancel_button;
  GtkButton            *next_button;
  GtkLabel             *next_label;
  GtkButton            *back_button;
  GtkRevealer          *production_revealer;
  GtkLabel             *production_label;
  GtkStack             *stack;

  /* The pages, in the order the wizard shows them */
  SnWizardParams        params;
  SnWizardPlan          plan;
  SnWizardGates         gates;
  SnWizardRun           run;
  SnWizardResult        result;
};

#define BIND_IN(group, name) \
  gtk_widget_class_bind_template_child_full (widget_class, #name, FALSE, \
                                             G_STRUCT_OFFSET (SnRunbookWizard, group.name))

/* sn-runbook-wizard.c */
void        _sn_runbook_wizard_update_buttons    (SnRunbookWizard *self);
void        _sn_runbook_wizard_go_to_page        (SnRunbookWizard *self,
                                                  const char      *name);
gboolean    _sn_runbook_wizard_start_attempt     (SnRunbookWizard *self);
void        _sn_runbook_wizard_clear_attempt     (SnRunbookWizard *self);
void        _sn_runbook_wizard_start_run         (SnRunbookWizard *self);
void        _sn_runbook_wizard_cancel_run        (SnRunbookWizard *self);
void        _sn_runbook_wizard_emit_follow_up    (SnRunbookWizard *self,
                                                  SnRunbookWizard *follow_up);

/* sn-runbook-wizard-params.c */
void        _sn_runbook_wizard_build_params      (SnRunbookWizard *self);
void        _sn_runbook_wizard_validate_params   (SnRunbookWizard *self);
GHashTable *_sn_runbook_wizard_collect_params    (SnRunbookWizard *self);
void        _sn_runbook_wizard_entry_activated   (SnRunbookWizard *self);

/* sn-runbook-wizard-gates.c */
void        _sn_runbook_wizard_init_gates        (SnRunbookWizard *self);
gboolean    _sn_runbook_wizard_is_refused        (SnRunbookWizard *self);
gboolean    _sn_runbook_wizard_needs_gates_page  (SnRunbookWizard *self);
char       *_sn_runbook_wizard_dup_reason        (SnRunbookWizard *self);
gboolean    _sn_runbook_wizard_gates_satisfied   (SnRunbookWizard *self);
void        _sn_runbook_wizard_prepare_gates     (SnRunbookWizard *self);
void        _sn_runbook_wizard_gates_changed     (SnRunbookWizard *self);

/* sn-runbook-wizard-actions.c */
void        _sn_runbook_wizard_class_actions_init (GtkWidgetClass  *widget_class);
void        _sn_runbook_wizard_actions_init       (SnRunbookWizard *self);

G_END_DECLS
