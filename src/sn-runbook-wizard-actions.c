/* sn-runbook-wizard-actions.c: the wizard's "wizard.*" actions
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runbook-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard-private.h"

static void
copy_text (SnRunbookWizard *self,
           const char      *text,
           const char      *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  sn_gui_toast (GTK_WIDGET (self->toast_overlay), toast);
}

static void
copy_output_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->run.output_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  copy_text (self, text, _("Copied"));
}

static gboolean
output_copy_shortcut_cb (GtkWidget *widget,
                         GVariant  *args,
                         gpointer   user_data)
{
  gtk_widget_activate_action (widget, "wizard.copy-output", NULL);
  return TRUE;
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "params"))
    {
      if (self->params.params_valid && _sn_runbook_wizard_start_attempt (self))
        _sn_runbook_wizard_go_to_page (self, "plan");
    }
  else if (g_str_equal (page, "plan"))
    {
      if (!self->plan.planned)
        return;
      if (_sn_runbook_wizard_needs_gates_page (self))
        {
          _sn_runbook_wizard_prepare_gates (self);
          _sn_runbook_wizard_go_to_page (self, "gates");
          _sn_runbook_wizard_gates_changed (self);
        }
      else
        _sn_runbook_wizard_start_run (self);
    }
  else if (g_str_equal (page, "gates"))
    {
      if (_sn_runbook_wizard_gates_satisfied (self))
        _sn_runbook_wizard_start_run (self);
    }
  else if (g_str_equal (page, "result"))
    gtk_window_close (GTK_WINDOW (self));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "plan"))
    {
      _sn_runbook_wizard_clear_attempt (self);
      _sn_runbook_wizard_go_to_page (self, "params");
      _sn_runbook_wizard_validate_params (self);
    }
  else if (g_str_equal (page, "gates"))
    {
      g_cancellable_cancel (self->gates.gate_cancellable);
      _sn_runbook_wizard_go_to_page (self, "plan");
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);

  if (self->run.running)
    _sn_runbook_wizard_cancel_run (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
copy_shell_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);
  g_autofree char *script = NULL;

  if (self->runner == NULL || !self->plan.planned)
    return;

  script = sn_runner_dup_shell_script (self->runner);
  copy_text (self, script, _("Copied"));
}

static void
open_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);
  const char *path = self->runner != NULL ? sn_runner_get_report_path (self->runner) : NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (path == NULL)
    return;

  file = g_file_new_for_path (path);
  uri = g_file_get_uri (file);
  if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is an error message */
      message = g_strdup_printf (_("Could not open the report: %s"), error->message);
      sn_gui_toast (GTK_WIDGET (self->toast_overlay), message);
    }
}

static void
run_again_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);

  if (self->run.running)
    return;

  _sn_runbook_wizard_clear_attempt (self);
  if (sn_runbook_get_n_params (self->runbook) > 0)
    {
      _sn_runbook_wizard_go_to_page (self, "params");
      _sn_runbook_wizard_validate_params (self);
    }
  else if (_sn_runbook_wizard_start_attempt (self))
    _sn_runbook_wizard_go_to_page (self, "plan");
}

/* The rollback the result offers: its own wizard, the tag filled in, so its
 * plan and gates are seen before anything runs. */
static void
rollback_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (widget);
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  SnRunbookWizard *wizard;
  SnRunbook *runbook;

  if (self->run.running || self->result.rollback_tag == NULL)
    return;

  if (!sn_runbook_catalog_load (catalog, &error) ||
      (runbook = sn_runbook_catalog_lookup (catalog, "rollback")) == NULL)
    {
      sn_gui_toast (GTK_WIDGET (self->toast_overlay),
                    error != NULL ? error->message : _("The runbook is missing from this build."));
      return;
    }

  wizard = sn_runbook_wizard_new (gtk_window_get_transient_for (GTK_WINDOW (self)), runbook, self->profile);
  if (self->gates.backup_check != NULL)
    sn_runbook_wizard_set_backup_check (wizard, self->gates.backup_check);
  sn_runbook_wizard_set_param (wizard, "tag", self->result.rollback_tag);
  _sn_runbook_wizard_emit_follow_up (self, wizard);
  gtk_window_present (GTK_WINDOW (wizard));
}

void
_sn_runbook_wizard_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy-shell", NULL, copy_shell_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy-output", NULL, copy_output_action);
  gtk_widget_class_install_action (widget_class, "wizard.open-report", NULL, open_report_action);
  gtk_widget_class_install_action (widget_class, "wizard.run-again", NULL, run_again_action);
  gtk_widget_class_install_action (widget_class, "wizard.rollback", NULL, rollback_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "wizard.next", NULL);
}

void
_sn_runbook_wizard_actions_init (SnRunbookWizard *self)
{
  GtkEventController *shortcuts;

  /* Ctrl+C in the output copies the selection, or all of it when nothing is selected. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_c, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (output_copy_shortcut_cb,
                                                                                   NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->run.output_view), shortcuts);
}
