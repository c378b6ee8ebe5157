/* sn-step-row.c: one step of a run, in the wizard's run page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* "1. Title", what the step last said, its state as an icon (a spinner
 * while busy) and a word, and how long it has taken; it follows the step. */

#define G_LOG_DOMAIN "sn-step-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"
#include "sn-step-row.h"

struct _SnStepRow
{
  AdwActionRow  parent_instance;

  SnStepRun    *step;

  /* Template children */
  GtkStack     *icon_stack;
  GtkImage     *icon;
  GtkLabel     *state_label;
  GtkLabel     *elapsed_label;

  gint64        busy_since;
};

G_DEFINE_FINAL_TYPE (SnStepRow, sn_step_row, ADW_TYPE_ACTION_ROW)

typedef struct
{
  SnStepState  state;
  const char  *icon_name;
  const char  *css_class;
  const char  *label;
} StateLook;

static const StateLook state_looks[] = {
  { SN_STEP_STATE_PENDING, "content-loading-symbolic", "step-pending", N_("Pending") },
  { SN_STEP_STATE_RUNNING, NULL, "step-running", N_("Running") },
  { SN_STEP_STATE_VERIFYING, NULL, "step-verifying", N_("Verifying") },
  { SN_STEP_STATE_SUCCEEDED, "emblem-ok-symbolic", "step-succeeded", N_("Succeeded") },
  { SN_STEP_STATE_FAILED, "dialog-error-symbolic", "step-failed", N_("Failed") },
  { SN_STEP_STATE_CANCELLED, "process-stop-symbolic", "step-cancelled", N_("Cancelled") },
  { SN_STEP_STATE_SKIPPED, "media-skip-forward-symbolic", "step-skipped", N_("Not Run") },
  { SN_STEP_STATE_REVERTING, NULL, "step-reverting", N_("Reverting") },
  { SN_STEP_STATE_REVERTED, "edit-undo-symbolic", "step-reverted", N_("Reverted") },
  { SN_STEP_STATE_REVERT_FAILED, "emblem-important-symbolic", "step-revert-failed",
    N_("Revert Failed") },
};

static const StateLook *
find_state_look (SnStepState state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_looks); i++)
    {
      if (state_looks[i].state == state)
        return &state_looks[i];
    }

  return &state_looks[0];
}

/* TRUE while a step works: running, verifying or reverting. */
gboolean
sn_step_state_is_busy (SnStepState state)
{
  return state == SN_STEP_STATE_RUNNING ||
         state == SN_STEP_STATE_VERIFYING ||
         state == SN_STEP_STATE_REVERTING;
}

/* Shows the step as it is now; the wizard's clock calls it while busy. */
void
sn_step_row_update (SnStepRow *self)
{
  GtkWidget *row = GTK_WIDGET (self);
  SnStepState state;
  const StateLook *look;
  const char *message;
  gint64 ms;
  g_autofree char *elapsed = NULL;

  g_return_if_fail (SN_IS_STEP_ROW (self));

  state = sn_step_run_get_state (self->step);
  look = find_state_look (state);
  message = sn_step_run_get_message (self->step);
  ms = sn_step_run_get_elapsed_ms (self->step);

  for (guint i = 0; i < G_N_ELEMENTS (state_looks); i++)
    gtk_widget_remove_css_class (row, state_looks[i].css_class);
  gtk_widget_add_css_class (row, look->css_class);

  if (look->icon_name != NULL)
    {
      gtk_image_set_from_icon_name (self->icon, look->icon_name);
      gtk_stack_set_visible_child_name (self->icon_stack, "icon");
    }
  else
    gtk_stack_set_visible_child_name (self->icon_stack, "spinner");

  gtk_label_set_label (self->state_label, g_dgettext (GETTEXT_PACKAGE, look->label));
  /* "Done" says nothing the state does not. */
  if (state == SN_STEP_STATE_SUCCEEDED && g_strcmp0 (message, _("Done")) == 0)
    message = NULL;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), message != NULL ? message : "");

  if (sn_step_state_is_busy (state))
    {
      if (self->busy_since == 0)
        self->busy_since = g_get_monotonic_time ();
      ms = MAX (ms, (g_get_monotonic_time () - self->busy_since) / 1000);
    }
  else
    self->busy_since = 0;

  if (state == SN_STEP_STATE_PENDING || state == SN_STEP_STATE_SKIPPED)
    elapsed = g_strdup ("");
  else
    elapsed = sn_gui_format_elapsed_ms (ms);
  gtk_label_set_label (self->elapsed_label, elapsed);
}

static void
sn_step_row_dispose (GObject *object)
{
  SnStepRow *self = (SnStepRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_STEP_ROW);
  g_clear_object (&self->step);

  G_OBJECT_CLASS (sn_step_row_parent_class)->dispose (object);
}

static void
sn_step_row_class_init (SnStepRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_step_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-step-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnStepRow, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, SnStepRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SnStepRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, SnStepRow, elapsed_label);
}

static void
sn_step_row_init (SnStepRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sn_step_row_new (SnStepRun *step)
{
  SnStepRow *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (SN_IS_STEP_RUN (step), NULL);

  self = g_object_new (SN_TYPE_STEP_ROW, NULL);
  self->step = g_object_ref (step);
  title = g_strdup_printf ("%u. %s", sn_step_run_get_index (step) + 1, sn_step_run_get_title (step));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);

  g_signal_connect_object (step, "notify::state", G_CALLBACK (sn_step_row_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (step, "notify::message", G_CALLBACK (sn_step_row_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (step, "notify::elapsed-ms", G_CALLBACK (sn_step_row_update), self,
                           G_CONNECT_SWAPPED);
  sn_step_row_update (self);

  return GTK_WIDGET (self);
}

/**
 * sn_step_row_get_step:
 *
 * Returns: (transfer none): the step shown
 */
SnStepRun *
sn_step_row_get_step (SnStepRow *self)
{
  g_return_val_if_fail (SN_IS_STEP_ROW (self), NULL);

  return self->step;
}
