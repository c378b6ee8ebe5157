/* sn-runbook-wizard-gates.c: the wizard's gates page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the run needs before it may change anything, as core's gate registry
 * (sn-gate.h) says: the production profile's name typed, a reason, a
 * verified backup. The page only asks; the runner checks again. A runbook
 * above the profile's level shows why it is refused instead. */

#define G_LOG_DOMAIN "sn-runbook-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-runbook-wizard-private.h"

/* Refused in core when the runbook needs more than the profile's level. */
gboolean
_sn_runbook_wizard_is_refused (SnRunbookWizard *self)
{
  return !sn_runbook_check_profile (self->runbook, self->profile, NULL);
}

gboolean
_sn_runbook_wizard_needs_gates_page (SnRunbookWizard *self)
{
  return _sn_runbook_wizard_is_refused (self) ||
         (self->runner != NULL && sn_runner_get_required_gates (self->runner) != SN_GATE_NONE);
}

char *
_sn_runbook_wizard_dup_reason (SnRunbookWizard *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->gates.reason_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

gboolean
_sn_runbook_wizard_gates_satisfied (SnRunbookWizard *self)
{
  SnGateFlags gates;

  if (self->runner == NULL || _sn_runbook_wizard_is_refused (self))
    return FALSE;

  gates = sn_runner_get_required_gates (self->runner);

  if ((gates & SN_GATE_TYPED_NAME) != 0 &&
      !sn_gate_check_answer (SN_GATE_TYPED_NAME, self->profile,
                             gtk_editable_get_text (GTK_EDITABLE (self->gates.typed_name_row)), NULL))
    return FALSE;

  if ((gates & SN_GATE_REASON) != 0)
    {
      g_autofree char *reason = _sn_runbook_wizard_dup_reason (self);

      if (!sn_gate_check_answer (SN_GATE_REASON, self->profile, reason, NULL))
        return FALSE;
    }

  if ((gates & SN_GATE_BACKUP_VERIFIED) != 0 && !self->gates.backup_ok)
    return FALSE;

  return TRUE;
}

static void
backup_check_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  SnRunbookWizard *self = source_object;
  SnRunner *runner = task_data;
  g_autofree char *evidence = NULL;
  GError *error = NULL;

  if (self->gates.backup_check (runner, sn_runner_get_profile (runner),
                          sn_runbook_get_backup_max_age_minutes (sn_runner_get_runbook (runner)),
                          &evidence, cancellable, &error))
    g_task_return_pointer (task, g_steal_pointer (&evidence), g_free);
  else
    g_task_return_error (task, error);
}

static void
backup_check_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SnRunbookWizard *self = SN_RUNBOOK_WIZARD (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *evidence = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_task_data (G_TASK (result)) != self->runner)
    return;

  gtk_spinner_stop (self->gates.backup_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->gates.backup_spinner), FALSE);

  if (error != NULL)
    {
      self->gates.backup_ok = FALSE;
      gtk_label_set_label (self->gates.backup_status, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->gates.backup_status), "error");
    }
  else
    {
      self->gates.backup_ok = TRUE;
      g_free (self->gates.backup_evidence);
      self->gates.backup_evidence = g_steal_pointer (&evidence);
      gtk_label_set_label (self->gates.backup_status,
                           self->gates.backup_evidence != NULL ? self->gates.backup_evidence : _("Verified"));
      gtk_widget_add_css_class (GTK_WIDGET (self->gates.backup_status), "success");
    }

  _sn_runbook_wizard_update_buttons (self);
}

void
_sn_runbook_wizard_prepare_gates (SnRunbookWizard *self)
{
  SnGateFlags gates = sn_runner_get_required_gates (self->runner);
  const char *name = sn_profile_get_name (self->profile);

  g_autoptr(GError) refusal = NULL;

  if (!sn_runbook_check_profile (self->runbook, self->profile, &refusal))
    {
      gtk_label_set_label (self->gates.refused_label, refusal->message);
      gtk_stack_set_visible_child_name (self->gates.gates_stack, "refused");
      return;
    }

  gtk_stack_set_visible_child_name (self->gates.gates_stack, "gates");

  gtk_widget_set_visible (GTK_WIDGET (self->gates.typed_name_group), (gates & SN_GATE_TYPED_NAME) != 0);
  if (gates & SN_GATE_TYPED_NAME)
    {
      g_autofree char *description = NULL;

      /* Translators: %s is the production profile's name */
      description = g_strdup_printf (_("This changes production. Type the profile name “%s” to "
                                       "confirm that you mean it."), name);
      adw_preferences_group_set_description (self->gates.typed_name_group, description);
      gtk_editable_set_text (GTK_EDITABLE (self->gates.typed_name_row), "");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->gates.reason_group), (gates & SN_GATE_REASON) != 0);
  if (gates & SN_GATE_REASON)
    {
      if (sn_runbook_get_required_level (self->runbook) == SN_SAFETY_LEVEL_ADMIN)
        {
          g_autofree char *description = NULL;

          /* Translators: break-glass; %d is a number of characters */
          description = g_strdup_printf (_("Break-glass: this admin runbook changes the server. "
                                           "Say why you run it, in at least %d characters. It "
                                           "goes into the audit log and the report."),
                                         SN_GATE_REASON_MIN_CHARS);
          adw_preferences_group_set_description (self->gates.reason_group, description);
        }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->gates.backup_group), (gates & SN_GATE_BACKUP_VERIFIED) != 0);
  if (gates & SN_GATE_BACKUP_VERIFIED)
    {
      g_autofree char *title = NULL;

      /* Translators: %u is a number of minutes */
      title = g_strdup_printf (_("A verified backup from the last %u minutes"),
                               sn_runbook_get_backup_max_age_minutes (self->runbook));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->gates.backup_row), title);
      gtk_widget_remove_css_class (GTK_WIDGET (self->gates.backup_status), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->gates.backup_status), "success");
      self->gates.backup_ok = FALSE;

      if (self->gates.backup_check == NULL && self->gates.backup_in_run)
        {
          /* Not a pass: the runner refuses to change anything if the check fails. */
          adw_action_row_set_subtitle (self->gates.backup_row,
                                       _("Checked during the run, right before the first change: "
                                         "it must exist, have a plausible size, restore its table "
                                         "of contents and match its checksum, or nothing changes."));
          gtk_label_set_label (self->gates.backup_status, _("Checked before the first change"));
          gtk_widget_set_visible (GTK_WIDGET (self->gates.backup_spinner), FALSE);
          self->gates.backup_ok = TRUE;
        }
      else if (self->gates.backup_check == NULL)
        {
          /* Never a fake pass: without a check, the gate stays shut. */
          adw_action_row_set_subtitle (self->gates.backup_row,
                                       _("Make and verify a backup first; then run this again."));
          gtk_label_set_label (self->gates.backup_status, _("No backup check is available yet"));
          gtk_widget_add_css_class (GTK_WIDGET (self->gates.backup_status), "error");
          gtk_widget_set_visible (GTK_WIDGET (self->gates.backup_spinner), FALSE);
        }
      else
        {
          g_autoptr(GTask) task = NULL;

          adw_action_row_set_subtitle (self->gates.backup_row,
                                       _("Exists, has a plausible size, restores its table of "
                                         "contents and matches its checksum."));
          gtk_label_set_label (self->gates.backup_status, _("Checking…"));
          gtk_widget_set_visible (GTK_WIDGET (self->gates.backup_spinner), TRUE);
          gtk_spinner_start (self->gates.backup_spinner);

          g_cancellable_cancel (self->gates.gate_cancellable);
          g_clear_object (&self->gates.gate_cancellable);
          self->gates.gate_cancellable = g_cancellable_new ();
          task = g_task_new (self, self->gates.gate_cancellable, backup_check_cb, NULL);
          g_task_set_source_tag (task, _sn_runbook_wizard_prepare_gates);
          g_task_set_task_data (task, g_object_ref (self->runner), g_object_unref);
          g_task_run_in_thread (task, backup_check_worker);
        }
    }
}

void
_sn_runbook_wizard_gates_changed (SnRunbookWizard *self)
{
  g_autofree char *reason = _sn_runbook_wizard_dup_reason (self);
  glong n_chars = g_utf8_strlen (reason, -1);
  gboolean name_ok = g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->gates.typed_name_row)),
                                sn_profile_get_name (self->profile)) == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->gates.typed_name_icon), name_ok);

  if (n_chars < MIN_REASON_CHARS)
    {
      g_autofree char *hint = NULL;

      /* Translators: how many more characters the reason needs */
      hint = g_strdup_printf (ngettext ("%ld more character needed",
                                        "%ld more characters needed",
                                        MIN_REASON_CHARS - n_chars),
                              (long)(MIN_REASON_CHARS - n_chars));
      gtk_label_set_label (self->gates.reason_hint, hint);
    }
  else
    gtk_label_set_label (self->gates.reason_hint, _("Enough to go on"));

  _sn_runbook_wizard_update_buttons (self);
}

void
_sn_runbook_wizard_init_gates (SnRunbookWizard *self)
{
  g_signal_connect_object (self->gates.typed_name_row, "changed", G_CALLBACK (_sn_runbook_wizard_gates_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->gates.typed_name_row, "entry-activated",
                           G_CALLBACK (_sn_runbook_wizard_entry_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->gates.reason_view), "changed",
                           G_CALLBACK (_sn_runbook_wizard_gates_changed), self, G_CONNECT_SWAPPED);
}
