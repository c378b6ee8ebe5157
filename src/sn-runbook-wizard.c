/* sn-runbook-wizard.c: parameters, plan, gates, run and result of any runbook
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runbook-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-backup-service.h"
#include "sn-deployments.h"
#include "sn-gui-util.h"
#include "sn-plan-step.h"
#include "sn-runbook-wizard-private.h"
#include "sn-ssh-session.h"
#include "sn-step-results.h"
#include "sn-step-row.h"

/* The pages, in order: params (sn-runbook-wizard-params.c), plan (here),
 * gates (sn-runbook-wizard-gates.c), run and result (here, with the step
 * rows of sn-step-row.c); the actions are in sn-runbook-wizard-actions.c. */

G_DEFINE_FINAL_TYPE (SnRunbookWizard, sn_runbook_wizard, ADW_TYPE_WINDOW)

enum {
  FINISHED,
  FOLLOW_UP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Buttons and title ----------------------------------------------------- */

static void
set_next_look (SnRunbookWizard *self,
               const char      *label,
               const char      *css_class)
{
  GtkWidget *next = GTK_WIDGET (self->next_button);

  /* A child label, not gtk_button_set_label(): GTK 4.8 would name the button twice. */
  gtk_label_set_label (self->next_label, label);
  gtk_widget_remove_css_class (next, "suggested-action");
  gtk_widget_remove_css_class (next, "destructive-action");
  if (css_class != NULL)
    gtk_widget_add_css_class (next, css_class);
}

void
_sn_runbook_wizard_update_buttons (SnRunbookWizard *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean has_params = sn_runbook_get_n_params (self->runbook) > 0;
  gboolean destructive = sn_runbook_is_destructive (self->runbook);
  gboolean back = FALSE;
  gboolean next_visible = TRUE;
  gboolean next_enabled = FALSE;
  gboolean cancel_visible = TRUE;
  const char *subtitle = NULL;

  if (g_str_equal (page, "params"))
    {
      set_next_look (self, _("_Next"), "suggested-action");
      next_enabled = self->params.params_valid;
      subtitle = _("Parameters");
    }
  else if (g_str_equal (page, "plan"))
    {
      back = has_params;
      if (_sn_runbook_wizard_needs_gates_page (self))
        set_next_look (self, _("_Next"), "suggested-action");
      else
        set_next_look (self, _("_Run"), destructive ? "destructive-action" : "suggested-action");
      next_enabled = self->plan.planned;
      subtitle = _("Plan (dry run)");
    }
  else if (g_str_equal (page, "gates"))
    {
      back = TRUE;
      next_visible = !_sn_runbook_wizard_is_refused (self);
      set_next_look (self, _("_Run"), "destructive-action");
      next_enabled = _sn_runbook_wizard_gates_satisfied (self);
      subtitle = _sn_runbook_wizard_is_refused (self) ? _("Refused") : _("Confirm");
    }
  else if (g_str_equal (page, "run"))
    {
      next_visible = FALSE;
      subtitle = self->run.cancelling ? _("Cancelling") : _("Running");
    }
  else if (g_str_equal (page, "result"))
    {
      set_next_look (self, _("_Close"), "suggested-action");
      next_enabled = TRUE;
      cancel_visible = FALSE;
      subtitle = _("Result");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), next_visible);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), cancel_visible);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), !self->run.cancelling);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", next_visible && next_enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.copy-shell", self->plan.planned);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

void
_sn_runbook_wizard_go_to_page (SnRunbookWizard *self,
            const char      *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  _sn_runbook_wizard_update_buttons (self);

  /* Keyboard users land on something useful. */
  if (g_str_equal (name, "gates") && gtk_widget_get_visible (GTK_WIDGET (self->gates.typed_name_group)))
    gtk_widget_grab_focus (GTK_WIDGET (self->gates.typed_name_row));
  else if (gtk_widget_get_visible (GTK_WIDGET (self->next_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
}

/* Parameters ------------------------------------------------------------ */

/* Run page: the step rows ------------------------------------------------ */

static GtkTextBuffer *
output_buffer_for (SnRunbookWizard *self,
                   SnStepRun       *step)
{
  GtkTextBuffer *buffer = g_hash_table_lookup (self->run.outputs, step);

  if (buffer == NULL)
    {
      g_autofree char *text = sn_step_run_dup_output (step);

      buffer = gtk_text_buffer_new (NULL);
      gtk_text_buffer_create_tag (buffer, "stderr", "foreground", "#e01b24", NULL);
      gtk_text_buffer_create_tag (buffer, "info", "style", PANGO_STYLE_ITALIC, NULL);
      gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
      g_hash_table_insert (self->run.outputs, g_object_ref (step), buffer);
    }

  return buffer;
}

static void
scroll_output_to_end (SnRunbookWizard *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->run.output_scroller);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

static void
show_step_output (SnRunbookWizard *self,
                  SnStepRun       *step)
{
  g_autofree char *title = NULL;

  if (step == NULL || step == self->run.shown_step)
    return;

  g_set_object (&self->run.shown_step, step);
  /* Translators: %s is the title of a step */
  title = g_strdup_printf (_("Output of “%s”"), sn_step_run_get_title (step));
  gtk_label_set_label (self->run.output_title, title);
  gtk_text_view_set_buffer (self->run.output_view, output_buffer_for (self, step));
  self->run.follow_output = TRUE;
  scroll_output_to_end (self);
}

static void
select_step_row (SnRunbookWizard *self,
                 SnStepRun       *step)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->run.run_list, sn_step_run_get_index (step));

  self->run.selecting_step = TRUE;
  if (row != NULL)
    gtk_list_box_select_row (self->run.run_list, row);
  self->run.selecting_step = FALSE;
  show_step_output (self, step);
}

static void update_run_status (SnRunbookWizard *self);

static void
step_state_changed_cb (GtkWidget  *row,
                       GParamSpec *pspec,
                       SnStepRun  *step)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (gtk_widget_get_root (row));

  /* The row has shown the new state already (sn-step-row.c). */
  if (self != NULL)
    update_run_status (self);

  /* Follow the step at work, unless the person picked one to read. */
  if (self != NULL && sn_step_state_is_busy (sn_step_run_get_state (step)) && !self->run.user_picked_step)
    select_step_row (self, step);
}

static GtkWidget *
create_step_row (gpointer item,
                 gpointer user_data)
{
  SnStepRun *step = item;
  GtkWidget *row = sn_step_row_new (step);

  g_signal_connect_object (step, "notify::state", G_CALLBACK (step_state_changed_cb),
                           row, G_CONNECT_SWAPPED);

  return row;
}

static void
run_list_row_selected_cb (SnRunbookWizard *self,
                          GtkListBoxRow   *row,
                          GtkListBox      *list)
{
  SnStepRun *step;

  if (row == NULL || self->run.selecting_step)
    return;

  step = sn_step_row_get_step (SN_STEP_ROW (row));
  self->run.user_picked_step = TRUE;
  show_step_output (self, step);
}

static void
runner_output_cb (SnRunbookWizard *self,
                  SnStepRun       *step,
                  int              kind,
                  const char      *line,
                  SnRunner        *runner)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;
  int n_lines;

  if (runner != self->runner)
    return;

  if (self->run.shown_step == NULL && !self->run.user_picked_step)
    select_step_row (self, step);

  buffer = output_buffer_for (self, step);
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (gtk_text_buffer_get_char_count (buffer) > 0)
    gtk_text_buffer_insert (buffer, &end, "\n", 1);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, line, -1,
                                            kind == SN_OUTPUT_STDERR ? "stderr"
                                            : kind == SN_OUTPUT_INFO ? "info" : NULL,
                                            NULL);

  /* Bounded: the last lines only. */
  n_lines = gtk_text_buffer_get_line_count (buffer);
  if (n_lines > MAX_OUTPUT_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, n_lines - MAX_OUTPUT_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
}

static void
output_adjustment_changed_cb (SnRunbookWizard *self,
                              GParamSpec      *pspec,
                              GtkAdjustment   *adj)
{
  /* The content grew: stay at the bottom if the person was there. */
  if (self->run.follow_output)
    scroll_output_to_end (self);
}

static void
output_value_changed_cb (SnRunbookWizard *self,
                         GtkAdjustment   *adj)
{
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  self->run.follow_output = gtk_adjustment_get_value (adj) >= bottom - 8;
}

/* Ticking clock ------------------------------------------------------------ */

static void
update_run_status (SnRunbookWizard *self)
{
  GListModel *steps = self->runner != NULL ? sn_runner_get_steps (self->runner) : NULL;
  guint n_steps = steps != NULL ? g_list_model_get_n_items (steps) : 0;
  guint done = 0;
  g_autofree char *status = NULL;
  g_autofree char *elapsed = NULL;
  gint64 end = self->run.running ? g_get_monotonic_time () : self->run.run_finished_us;

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      if (sn_step_run_get_state (step) == SN_STEP_STATE_SUCCEEDED)
        done++;
    }

  if (self->run.cancelling && self->run.running)
    status = g_strdup (_("Cancelling — reverting what was done…"));
  else if (self->run.running)
    /* Translators: progress of a run, e.g. "2 of 5 steps done" */
    status = g_strdup_printf (ngettext ("Running… %u of %u step done",
                                        "Running… %u of %u steps done", n_steps),
                              done, n_steps);
  else
    status = g_strdup (_("Finished"));

  gtk_label_set_label (self->run.run_status, status);
  elapsed = sn_gui_format_elapsed_ms ((end - self->run.run_started_us) / 1000);
  gtk_label_set_label (self->run.run_elapsed, elapsed);
}

static gboolean
tick_cb (gpointer user_data)
{
  SnRunbookWizard *self = user_data;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->run.run_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (SN_IS_STEP_ROW (row) &&
          sn_step_state_is_busy (sn_step_run_get_state (sn_step_row_get_step (SN_STEP_ROW (row)))))
        sn_step_row_update (SN_STEP_ROW (row));
    }

  update_run_status (self);

  return G_SOURCE_CONTINUE;
}

/* Plan page ------------------------------------------------------------ */

static char *
dup_risks (SnRunbookWizard *self)
{
  GListModel *steps = sn_runner_get_steps (self->runner);
  guint n_steps = g_list_model_get_n_items (steps);
  g_autoptr(GPtrArray) changing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) irreversible = g_ptr_array_new_with_free_func (g_free);
  GString *text = g_string_new (NULL);
  const char *name = sn_profile_get_name (self->profile);

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      if (!sn_step_run_get_destructive (step))
        continue;

      /* Translators: a step title, quoted, in a list of steps */
      g_ptr_array_add (changing, g_strdup_printf (_("“%s”"), sn_step_run_get_title (step)));
      if (sn_step_run_get_revert_command (step) == NULL)
        g_ptr_array_add (irreversible, g_strdup_printf (_("“%s”"), sn_step_run_get_title (step)));
    }

  if (changing->len == 0)
    {
      /* Translators: %s is a profile name */
      g_string_append_printf (text, _("Low risk: every step only reads, so nothing changes on “%s”."),
                              name);
      return g_string_free (text, FALSE);
    }

  g_ptr_array_add (changing, NULL);
  {
    g_autofree char *list = g_strjoinv (", ", (char **)changing->pdata);

    /* Translators: %u is a number of steps, the first %s a profile name, the second the list of their titles */
    g_string_append_printf (text, ngettext ("%u step changes the system on “%s”: %s.",
                                            "%u steps change the system on “%s”: %s.",
                                            changing->len - 1),
                            changing->len - 1, name, list);
  }

  g_string_append_c (text, ' ');
  g_string_append (text, _("Each change is checked right after; if one fails, or if you cancel, "
                           "what was done is undone, newest first."));

  if (irreversible->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (irreversible, NULL);
      list = g_strjoinv (", ", (char **)irreversible->pdata);
      g_string_append_c (text, ' ');
      /* Translators: %s is a list of step titles */
      g_string_append_printf (text, _("These cannot be undone: %s."), list);
    }

  if (sn_profile_get_production (self->profile))
    {
      g_string_append_c (text, ' ');
      g_string_append (text, _("This is production: customers see the effects while it runs."));
    }

  if (!sn_runbook_is_builtin (self->runbook))
    {
      g_string_append_c (text, ' ');
      /* Translators: %s is the file a user runbook was read from */
      g_string_append_printf (text, _("This is a user runbook, not one shipped with the app: %s."),
                              sn_runbook_get_origin (self->runbook));
    }

  return g_string_free (text, FALSE);
}

static void
build_plan (SnRunbookWizard *self)
{
  GListModel *steps = sn_runner_get_steps (self->runner);
  guint n_steps = g_list_model_get_n_items (steps);
  g_autofree char *risks = dup_risks (self);
  gboolean destructive = sn_runbook_is_destructive (self->runbook);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plan.plan_steps_box))) != NULL)
    gtk_box_remove (self->plan.plan_steps_box, child);

  gtk_label_set_label (self->plan.risk_label, risks);
  gtk_image_set_from_icon_name (self->plan.risk_icon,
                                destructive ? "dialog-warning-symbolic" : "emblem-ok-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->plan.risk_box), "risk-low");
  gtk_widget_remove_css_class (GTK_WIDGET (self->plan.risk_box), "risk-high");
  gtk_widget_add_css_class (GTK_WIDGET (self->plan.risk_box), destructive ? "risk-high" : "risk-low");

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      gtk_box_append (self->plan.plan_steps_box, sn_plan_step_new (step));
    }
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SnRunbookWizard) self = user_data;
  SnRunner *runner = SN_RUNNER (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = sn_runner_plan_finish (runner, result, &error);

  if (runner != self->runner)
    return;

  self->plan.planning = FALSE;
  gtk_spinner_stop (self->plan.plan_spinner);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!ok)
    {
      adw_status_page_set_description (self->plan.plan_error_page, error->message);
      gtk_stack_set_visible_child_name (self->plan.plan_stack, "error");
      _sn_runbook_wizard_update_buttons (self);
      return;
    }

  self->plan.planned = TRUE;
  build_plan (self);
  gtk_stack_set_visible_child_name (self->plan.plan_stack, "plan");
  _sn_runbook_wizard_update_buttons (self);
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "plan"))
    gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
}

void
_sn_runbook_wizard_clear_attempt (SnRunbookWizard *self)
{
  g_cancellable_cancel (self->plan.plan_cancellable);
  g_clear_object (&self->plan.plan_cancellable);
  g_cancellable_cancel (self->gates.gate_cancellable);
  g_clear_object (&self->gates.gate_cancellable);
  g_clear_object (&self->run.run_cancellable);

  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  gtk_list_box_bind_model (self->run.run_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->runner);
  g_clear_object (&self->run.shown_step);
  g_hash_table_remove_all (self->run.outputs);
  gtk_text_view_set_buffer (self->run.output_view, NULL);
  gtk_label_set_label (self->run.output_title, _("Output"));
  g_clear_pointer (&self->gates.backup_evidence, g_free);
  g_clear_pointer (&self->run.run_error, g_free);

  self->plan.planned = FALSE;
  self->plan.planning = FALSE;
  self->gates.backup_ok = FALSE;
  self->run.cancelling = FALSE;
  self->run.user_picked_step = FALSE;
  self->run.follow_output = TRUE;
  self->run.outcome = SN_RUN_OUTCOME_NONE;
}

/* Creates the runner from the parameters and starts the dry run. */
gboolean
_sn_runbook_wizard_start_attempt (SnRunbookWizard *self)
{
  g_autoptr(GHashTable) params = _sn_runbook_wizard_collect_params (self);
  g_autoptr(GError) error = NULL;

  _sn_runbook_wizard_clear_attempt (self);

  self->runner = sn_runner_new (self->runbook, self->profile, params, &error);
  if (self->runner == NULL)
    {
      sn_gui_toast_error (GTK_WIDGET (self->toast_overlay), error->message);
      return FALSE;
    }

  sn_runner_set_service (self->runner, "ssh", G_OBJECT (self->session));
  self->gates.backup_in_run = FALSE;
  if (self->gates.backup_check != NULL)
    sn_runner_set_gate_func (self->runner, SN_GATE_BACKUP_VERIFIED, self->gates.backup_check);
  else if (sn_runbook_get_gates (self->runbook) & SN_GATE_BACKUP_VERIFIED)
    {
      /* As narcisse-ctl does: the backup service checks the backup right
       * before the first change, after the steps that may make it. */
      g_autoptr(SnBackupService) backups = sn_backup_service_new (self->profile, self->session);

      sn_backup_service_setup_runner (backups, self->runner, NULL);
      self->gates.backup_in_run = TRUE;
    }
  g_signal_connect_object (self->runner, "output", G_CALLBACK (runner_output_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->run.run_list, sn_runner_get_steps (self->runner),
                           create_step_row, self, NULL);

  self->plan.planning = TRUE;
  self->plan.plan_cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->plan.plan_stack, "planning");
  gtk_spinner_start (self->plan.plan_spinner);
  sn_runner_plan_async (self->runner, self->plan.plan_cancellable, plan_cb, g_object_ref (self));

  return TRUE;
}

/* Gates page ----------------------------------------------------------- */

/* Run and result --------------------------------------------------------- */

static void
show_result (SnRunbookWizard *self)
{
  static const char * const classes[] = {
    "result-success", "result-reverted", "result-failed", "result-refused",
  };
  const char *report = self->runner != NULL ? sn_runner_get_report_path (self->runner) : NULL;
  const char *summary = self->runner != NULL ? sn_runner_get_summary (self->runner) : NULL;
  const char *icon = NULL;
  const char *title = NULL;
  const char *next = NULL;
  const char *css_class = NULL;
  gboolean again = TRUE;
  g_autofree char *report_text = NULL;

  switch (self->run.outcome)
    {
    case SN_RUN_OUTCOME_SUCCEEDED:
      icon = "emblem-ok-symbolic";
      title = _("Succeeded");
      css_class = "result-success";
      next = sn_runbook_is_destructive (self->runbook)
             ? _("Every step ran and was checked. Nothing else to do; the report keeps the evidence.")
             : _("Every check passed. The report keeps what each one showed.");
      break;

    case SN_RUN_OUTCOME_FAILED_REVERTED:
      icon = "edit-undo-symbolic";
      title = g_cancellable_is_cancelled (self->run.run_cancellable) ? _("Cancelled and Reverted")
                                                                 : _("Failed and Reverted");
      css_class = "result-reverted";
      next = _("The run stopped and everything it changed was undone: the system is as it was. "
               "Read the failed step’s output, fix the cause, then run it again.");
      break;

    case SN_RUN_OUTCOME_FAILED:
      icon = "dialog-error-symbolic";
      title = _("Failed: Needs Attention");
      css_class = "result-failed";
      next = _("Some steps failed and not everything could be undone. Look at the steps marked "
               "Failed or Revert Failed, check the system by hand, and open an incident if the "
               "site is affected.");
      break;

    case SN_RUN_OUTCOME_REFUSED:
    case SN_RUN_OUTCOME_NONE:
    case SN_RUN_OUTCOME_PLANNED:
    default:
      icon = "action-unavailable-symbolic";
      title = _("Refused");
      css_class = "result-refused";
      next = _("Nothing was run. Satisfy what the message asks, then run it again.");
      again = !_sn_runbook_wizard_is_refused (self);
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->result.result_box), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->result.result_box), css_class);

  gtk_image_set_from_icon_name (self->result.result_icon, icon);
  gtk_label_set_label (self->result.result_title, title);
  gtk_label_set_label (self->result.result_summary,
                       summary != NULL ? summary : self->run.run_error != NULL ? self->run.run_error : "");
  gtk_label_set_label (self->result.result_next, next);
  /* Each step with its result and evidence, not only in the report. */
  sn_step_results_bind (self->result.result_steps, self->runner != NULL ? sn_runner_get_steps (self->runner) : NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->result.open_report_button), report != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.open-report", report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->result.run_again_button), again);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.run-again", again);

  /* A release or deploy that failed once it had changed the server: core
   * names the version that ran before, one click from its rollback. */
  g_clear_pointer (&self->result.rollback_tag, g_free);
  if (self->runner != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_OPERATOR)
    self->result.rollback_tag = sn_deploy_dup_rollback_tag (self->runner);
  if (self->result.rollback_tag != NULL)
    {
      /* Translators: a button; %s is a release tag such as v1.0.6 */
      g_autofree char *label = g_strdup_printf (_("Roll _Back to %s"), self->result.rollback_tag);
      g_autofree char *advice = g_strdup_printf (_("%s\nThe server may be left on the failed version: "
                                                   "roll back to %s, the version that ran before."),
                                                 next, self->result.rollback_tag);

      gtk_label_set_label (self->result.rollback_label, label);
      gtk_label_set_label (self->result.result_next, advice);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->result.rollback_button), self->result.rollback_tag != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.rollback", self->result.rollback_tag != NULL);

  if (report != NULL)
    /* Translators: %s is the path of the report file */
    report_text = g_strdup_printf (_("Report: %s"), report);
  gtk_label_set_label (self->result.report_path_label, report_text != NULL ? report_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result.report_path_label), report != NULL);

  _sn_runbook_wizard_go_to_page (self, "result");
}

static void
execute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnRunbookWizard) self = user_data;
  SnRunner *runner = SN_RUNNER (object);
  g_autoptr(GError) error = NULL;
  SnRunOutcome outcome = sn_runner_execute_finish (runner, result, &error);

  if (runner != self->runner)
    return;

  self->run.outcome = outcome;
  self->run.running = FALSE;
  self->run.run_finished_us = g_get_monotonic_time ();
  g_clear_handle_id (&self->run.tick_id, g_source_remove);
  tick_cb (self);
  if (error != NULL)
    self->run.run_error = g_strdup (error->message);

  g_signal_emit (self, signals[FINISHED], 0, (int) outcome);

  if (self->run.close_after_run)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  self->run.cancelling = FALSE;
  show_result (self);
}

void
_sn_runbook_wizard_emit_follow_up (SnRunbookWizard *self,
                                   SnRunbookWizard *follow_up)
{
  g_signal_emit (self, signals[FOLLOW_UP], 0, follow_up);
}

void
_sn_runbook_wizard_start_run (SnRunbookWizard *self)
{
  g_autofree char *reason = _sn_runbook_wizard_dup_reason (self);

  g_assert (self->runner != NULL);

  if (sn_runner_get_required_gates (self->runner) & SN_GATE_TYPED_NAME)
    sn_runner_set_typed_name (self->runner,
                              gtk_editable_get_text (GTK_EDITABLE (self->gates.typed_name_row)));
  if (sn_runner_get_required_gates (self->runner) & SN_GATE_REASON)
    sn_runner_set_reason (self->runner, reason);

  g_cancellable_cancel (self->gates.gate_cancellable);
  g_clear_object (&self->gates.gate_cancellable);

  self->run.running = TRUE;
  self->run.cancelling = FALSE;
  self->run.run_started_us = g_get_monotonic_time ();
  self->run.run_cancellable = g_cancellable_new ();
  self->run.tick_id = g_timeout_add (TICK_INTERVAL_MS, tick_cb, self);
  update_run_status (self);
  _sn_runbook_wizard_go_to_page (self, "run");
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));

  sn_runner_execute_async (self->runner, self->run.run_cancellable, execute_cb, g_object_ref (self));
}

void
_sn_runbook_wizard_cancel_run (SnRunbookWizard *self)
{
  if (!self->run.running || self->run.cancelling)
    return;

  self->run.cancelling = TRUE;
  g_cancellable_cancel (self->run.run_cancellable);
  update_run_status (self);
  _sn_runbook_wizard_update_buttons (self);
}

/* Actions -------------------------------------------------------------- */

/* Closing -------------------------------------------------------------- */

static void
stop_dialog_response_cb (SnRunbookWizard  *self,
                         const char       *response,
                         AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "stop") != 0 || !self->run.running)
    return;

  self->run.close_after_run = TRUE;
  _sn_runbook_wizard_cancel_run (self);
}

static gboolean
sn_runbook_wizard_close_request (GtkWindow *window)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (window);
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (!self->run.running)
    {
      g_cancellable_cancel (self->cancellable);
      g_cancellable_cancel (self->plan.plan_cancellable);
      g_cancellable_cancel (self->gates.gate_cancellable);
      return GTK_WINDOW_CLASS (sn_runbook_wizard_parent_class)->close_request (window);
    }

  /* Already cancelling: close as soon as the reverts are done. */
  if (self->run.cancelling)
    {
      self->run.close_after_run = TRUE;
      return TRUE;
    }

  /* Translators: %s is a runbook title */
  body = g_strdup_printf (_("“%s” is still running. Closing cancels it: what was done is "
                            "reverted first, then the window closes."),
                          sn_runbook_get_title (self->runbook));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Stop the Run?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Running"),
                                    "stop", _("_Cancel the Run"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stop_dialog_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

/* Object ------------------------------------------------------------------ */

static void
sn_runbook_wizard_dispose (GObject *object)
{
  SnRunbookWizard *self = (SnRunbookWizard *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->plan.plan_cancellable);
  g_cancellable_cancel (self->gates.gate_cancellable);
  g_cancellable_cancel (self->run.run_cancellable);
  g_clear_handle_id (&self->run.tick_id, g_source_remove);

  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  if (self->run.run_list != NULL)
    gtk_list_box_bind_model (self->run.run_list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_RUNBOOK_WIZARD);

  g_clear_pointer (&self->run.outputs, g_hash_table_unref);
  g_clear_object (&self->run.shown_step);
  g_clear_object (&self->runner);
  g_clear_object (&self->session);
  g_clear_object (&self->runbook);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->plan.plan_cancellable);
  g_clear_object (&self->gates.gate_cancellable);
  g_clear_object (&self->run.run_cancellable);

  G_OBJECT_CLASS (sn_runbook_wizard_parent_class)->dispose (object);
}

static void
sn_runbook_wizard_finalize (GObject *object)
{
  SnRunbookWizard *self = (SnRunbookWizard *)object;

  g_clear_pointer (&self->params.param_rows, g_ptr_array_unref);
  g_clear_pointer (&self->params.param_hints, g_ptr_array_unref);
  g_clear_pointer (&self->gates.backup_evidence, g_free);
  g_clear_pointer (&self->run.run_error, g_free);
  g_clear_pointer (&self->result.rollback_tag, g_free);

  G_OBJECT_CLASS (sn_runbook_wizard_parent_class)->finalize (object);
}

static void
sn_runbook_wizard_class_init (SnRunbookWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sn_runbook_wizard_dispose;
  object_class->finalize = sn_runbook_wizard_finalize;

  window_class->close_request = sn_runbook_wizard_close_request;

  /**
   * SnRunbookWizard::finished:
   * @self: the wizard
   * @outcome: the #SnRunOutcome of the run
   *
   * A run ended (not a dry run): the runner (sn_runbook_wizard_get_runner())
   * holds its summary and report. The open incident's timeline listens.
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
  /**
   * SnRunbookWizard::follow-up:
   * @self: the wizard
   * @wizard: the wizard it opened
   *
   * The result page opened the run it offers next (the rollback after a
   * failed release or deploy), in a new wizard.
   */
  signals[FOLLOW_UP] =
    g_signal_new ("follow-up",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SN_TYPE_RUNBOOK_WIZARD);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-runbook-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, next_label);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, production_revealer);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, production_label);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookWizard, stack);
  BIND_IN (params, params_box);
  BIND_IN (params, params_description);
  BIND_IN (plan, plan_stack);
  BIND_IN (plan, plan_spinner);
  BIND_IN (plan, plan_error_page);
  BIND_IN (plan, risk_box);
  BIND_IN (plan, risk_icon);
  BIND_IN (plan, risk_label);
  BIND_IN (plan, plan_steps_box);
  BIND_IN (gates, gates_stack);
  BIND_IN (gates, refused_label);
  BIND_IN (gates, typed_name_group);
  BIND_IN (gates, typed_name_row);
  BIND_IN (gates, typed_name_icon);
  BIND_IN (gates, reason_group);
  BIND_IN (gates, reason_view);
  BIND_IN (gates, reason_hint);
  BIND_IN (gates, backup_group);
  BIND_IN (gates, backup_row);
  BIND_IN (gates, backup_spinner);
  BIND_IN (gates, backup_status);
  BIND_IN (run, run_status);
  BIND_IN (run, run_elapsed);
  BIND_IN (run, run_list);
  BIND_IN (run, output_title);
  BIND_IN (run, output_scroller);
  BIND_IN (run, output_view);
  BIND_IN (result, result_box);
  BIND_IN (result, result_icon);
  BIND_IN (result, result_title);
  BIND_IN (result, result_summary);
  BIND_IN (result, result_next);
  BIND_IN (result, result_steps);
  BIND_IN (result, open_report_button);
  BIND_IN (result, run_again_button);
  BIND_IN (result, rollback_button);
  BIND_IN (result, rollback_label);
  BIND_IN (result, report_path_label);

  _sn_runbook_wizard_class_actions_init (widget_class);

  g_type_ensure (SN_TYPE_STEP_ROW);
}

/* The look of the wizard and the Runbooks window, next to the app's style.css. */
void
_sn_runbooks_load_css (GtkWidget *widget)
{
  static GtkCssProvider *provider;
  GdkDisplay *display = gtk_widget_get_display (widget);

  if (provider != NULL || display == NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/sn-runbooks.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
sn_runbook_wizard_init (SnRunbookWizard *self)
{
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));
  _sn_runbooks_load_css (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->params.param_rows = g_ptr_array_new ();
  self->params.param_hints = g_ptr_array_new ();
  self->run.outputs = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->run.follow_output = TRUE;

  g_signal_connect_object (self->run.run_list, "row-selected", G_CALLBACK (run_list_row_selected_cb),
                           self, G_CONNECT_SWAPPED);
  _sn_runbook_wizard_init_gates (self);

  adj = gtk_scrolled_window_get_vadjustment (self->run.output_scroller);
  g_signal_connect_object (adj, "notify::upper", G_CALLBACK (output_adjustment_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (output_value_changed_cb),
                           self, G_CONNECT_SWAPPED);

  _sn_runbook_wizard_actions_init (self);
}

/**
 * sn_runbook_wizard_new:
 * @parent: (nullable): the window it is modal for
 * @runbook: the runbook to run
 * @profile: the profile to run it on
 *
 * Opens on the parameters (or the plan when the runbook has none).
 *
 * Returns: (transfer none): the wizard; present it with gtk_window_present()
 */
SnRunbookWizard *
sn_runbook_wizard_new (GtkWindow *parent,
                       SnRunbook *runbook,
                       SnProfile *profile)
{
  SnRunbookWizard *self;
  g_autofree char *banner = NULL;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SN_IS_RUNBOOK (runbook), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  self = g_object_new (SN_TYPE_RUNBOOK_WIZARD,
                       "transient-for", parent,
                       NULL);

  self->runbook = g_object_ref (runbook);
  self->profile = g_object_ref (profile);
  self->session = sn_ssh_session_new (profile, sn_secret_store_get_default ());

  gtk_window_set_title (GTK_WINDOW (self), sn_runbook_get_title (runbook));
  adw_window_title_set_title (self->window_title, sn_runbook_get_title (runbook));

  /* Translators: the banner of a wizard run on production; %s is the profile name */
  banner = g_strdup_printf (_("Production “%s”: changes here affect the live site and its customers"),
                            sn_profile_get_name (profile));
  gtk_label_set_label (self->production_label, banner);
  gtk_revealer_set_reveal_child (self->production_revealer, sn_profile_get_production (profile));

  _sn_runbook_wizard_build_params (self);

  if (sn_runbook_get_n_params (runbook) > 0)
    {
      _sn_runbook_wizard_go_to_page (self, "params");
      _sn_runbook_wizard_validate_params (self);
    }
  else
    {
      gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
      _sn_runbook_wizard_go_to_page (self, "plan");
      gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
      _sn_runbook_wizard_start_attempt (self);
    }

  return self;
}

SnRunbook *
sn_runbook_wizard_get_runbook (SnRunbookWizard *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), NULL);

  return self->runbook;
}

SnProfile *
sn_runbook_wizard_get_profile (SnRunbookWizard *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), NULL);

  return self->profile;
}

SnRunner *
sn_runbook_wizard_get_runner (SnRunbookWizard *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), NULL);

  return self->runner;
}

const char *
sn_runbook_wizard_get_page (SnRunbookWizard *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

SnRunOutcome
sn_runbook_wizard_get_outcome (SnRunbookWizard *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), SN_RUN_OUTCOME_NONE);

  return self->run.outcome;
}

void
sn_runbook_wizard_set_backup_check (SnRunbookWizard *self,
                                    SnGateFunc       func)
{
  g_return_if_fail (SN_IS_RUNBOOK_WIZARD (self));

  self->gates.backup_check = func;
  if (self->runner != NULL && func != NULL)
    sn_runner_set_gate_func (self->runner, SN_GATE_BACKUP_VERIFIED, func);
}
