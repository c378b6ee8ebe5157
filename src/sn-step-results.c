/* sn-step-results.c: the steps of a finished run, each with its result and evidence
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-step-results"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-step-results.h"

#define EVIDENCE_LINES 12

const char *
sn_step_results_state_label (SnStepState state)
{
  switch (state)
    {
    case SN_STEP_STATE_SUCCEEDED: return _("Passed");
    case SN_STEP_STATE_FAILED: return _("Failed");
    case SN_STEP_STATE_CANCELLED: return _("Cancelled");
    case SN_STEP_STATE_SKIPPED: return _("Skipped");
    case SN_STEP_STATE_REVERTED: return _("Reverted");
    case SN_STEP_STATE_REVERT_FAILED: return _("Revert failed");
    case SN_STEP_STATE_PENDING: return _("Not run");
    case SN_STEP_STATE_RUNNING:
    case SN_STEP_STATE_VERIFYING:
    case SN_STEP_STATE_REVERTING:
    default: return _("Running");
    }
}

static const char *
state_icon (SnStepState state)
{
  switch (state)
    {
    case SN_STEP_STATE_SUCCEEDED: return "emblem-ok-symbolic";
    case SN_STEP_STATE_FAILED:
    case SN_STEP_STATE_REVERT_FAILED: return "dialog-error-symbolic";
    case SN_STEP_STATE_REVERTED: return "edit-undo-symbolic";
    default: return "content-loading-symbolic";
    }
}

char *
sn_step_results_dup_evidence (SnStepRun *step,
                              guint      max_lines)
{
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *message;
  guint n, first;

  g_return_val_if_fail (SN_IS_STEP_RUN (step), NULL);

  /* A failure's message says why; a success's ("Done") adds nothing to its output. */
  message = sn_step_run_get_message (step);
  if (message != NULL && *message != '\0' && sn_step_run_get_state (step) != SN_STEP_STATE_SUCCEEDED)
    g_string_append (text, message);

  output = sn_step_run_dup_output (step);
  if (output != NULL)
    {
      g_strchomp (output);
      lines = g_strsplit (output, "\n", -1);
      n = g_strv_length (lines);
      first = n > max_lines ? n - max_lines : 0;
      for (guint i = first; i < n; i++)
        {
          if (*lines[i] == '\0' && text->len == 0)
            continue;
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, lines[i]);
        }
    }
  if (text->len == 0 && message != NULL)
    g_string_append (text, message);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* One row (sn-step-result-row.ui): icon, title, result, evidence; its
 * accessible name says all three. */
struct _SnStepResultRow
{
  GtkListBoxRow  parent_instance;

  GtkImage      *icon;
  GtkLabel      *title_label;
  GtkLabel      *state_label;
  GtkLabel      *evidence_label;
};

G_DEFINE_FINAL_TYPE (SnStepResultRow, sn_step_result_row, GTK_TYPE_LIST_BOX_ROW)

static void
sn_step_result_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_STEP_RESULT_ROW);

  G_OBJECT_CLASS (sn_step_result_row_parent_class)->dispose (object);
}

static void
sn_step_result_row_class_init (SnStepResultRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_step_result_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-step-result-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnStepResultRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SnStepResultRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, SnStepResultRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, SnStepResultRow, evidence_label);
}

static void
sn_step_result_row_init (SnStepResultRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
show_step (SnStepResultRow *self,
           SnStepRun       *step)
{
  g_autofree char *text = sn_step_results_dup_evidence (step, EVIDENCE_LINES);
  g_autofree char *name = NULL;
  SnStepState step_state = sn_step_run_get_state (step);
  const char *label = sn_step_results_state_label (step_state);

  gtk_image_set_from_icon_name (self->icon, state_icon (step_state));
  gtk_label_set_label (self->title_label, sn_step_run_get_title (step));
  gtk_label_set_label (self->state_label, label);
  if (step_state == SN_STEP_STATE_SUCCEEDED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");
  else if (step_state == SN_STEP_STATE_FAILED || step_state == SN_STEP_STATE_REVERT_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  gtk_label_set_label (self->evidence_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->evidence_label), *text != '\0');

  /* Translators: the accessible name of a step on the result page: title, result, evidence */
  name = g_strdup_printf (_("%s: %s. %s"), sn_step_run_get_title (step), label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SnStepResultRow *row = g_object_new (SN_TYPE_STEP_RESULT_ROW, NULL);

  show_step (row, item);
  return GTK_WIDGET (row);
}

void
sn_step_results_bind (GtkListBox *list,
                      GListModel *steps)
{
  g_return_if_fail (GTK_IS_LIST_BOX (list));

  gtk_list_box_bind_model (list, steps, steps != NULL ? create_row : NULL, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (list), steps != NULL && g_list_model_get_n_items (steps) > 0);
}
