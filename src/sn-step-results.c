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

/* One row: icon, title, result, evidence; its accessible name says all three. */
static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SnStepRun *step = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (NULL);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = gtk_label_new (sn_step_run_get_title (step));
  GtkWidget *state = gtk_label_new (NULL);
  GtkWidget *evidence = gtk_label_new (NULL);
  g_autofree char *text = sn_step_results_dup_evidence (step, EVIDENCE_LINES);
  g_autofree char *name = NULL;
  SnStepState step_state = sn_step_run_get_state (step);
  const char *label = sn_step_results_state_label (step_state);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), state_icon (step_state));
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_name (title, "step-result-title");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_name (state, "step-result-state");
  gtk_label_set_label (GTK_LABEL (state), label);
  gtk_widget_add_css_class (state, "caption-heading");
  if (step_state == SN_STEP_STATE_SUCCEEDED)
    gtk_widget_add_css_class (state, "success");
  else if (step_state == SN_STEP_STATE_FAILED || step_state == SN_STEP_STATE_REVERT_FAILED)
    gtk_widget_add_css_class (state, "error");
  gtk_widget_set_name (evidence, "step-result-evidence");
  gtk_label_set_label (GTK_LABEL (evidence), text);
  gtk_label_set_xalign (GTK_LABEL (evidence), 0);
  gtk_label_set_wrap (GTK_LABEL (evidence), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (evidence), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (evidence), TRUE);
  gtk_widget_add_css_class (evidence, "monospace");
  gtk_widget_add_css_class (evidence, "caption");
  gtk_widget_add_css_class (evidence, "dim-label");
  gtk_widget_set_visible (evidence, *text != '\0');

  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), state);
  gtk_box_append (GTK_BOX (texts), header);
  gtk_box_append (GTK_BOX (texts), evidence);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  /* Translators: the accessible name of a step on the result page: title, result, evidence */
  name = g_strdup_printf (_("%s: %s. %s"), sn_step_run_get_title (step), label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

void
sn_step_results_bind (GtkListBox *list,
                      GListModel *steps)
{
  g_return_if_fail (GTK_IS_LIST_BOX (list));

  gtk_list_box_bind_model (list, steps, steps != NULL ? create_row : NULL, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (list), steps != NULL && g_list_model_get_n_items (steps) > 0);
}
