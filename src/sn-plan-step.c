/* sn-plan-step.c: one step of a runbook's plan, in the wizard's plan page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A card: "N. Title", a "Changes the system" badge for a step that
 * changes something, then the command the dry run built, its impact, what
 * checks it and what undoes it (the last three when the step has them). */

#define G_LOG_DOMAIN "sn-plan-step"

#include "config.h"

#include "sn-plan-step.h"

struct _SnPlanStep
{
  GtkWidget  parent_instance;

  /* Template children */
  GtkLabel  *title_label;
  GtkLabel  *changes_badge;
  GtkLabel  *command_label;
  GtkWidget *impact_box;
  GtkLabel  *impact_label;
  GtkWidget *verify_box;
  GtkLabel  *verify_label;
  GtkWidget *revert_box;
  GtkLabel  *revert_label;
};

G_DEFINE_FINAL_TYPE (SnPlanStep, sn_plan_step, GTK_TYPE_WIDGET)

static void
sn_plan_step_dispose (GObject *object)
{
  SnPlanStep *self = (SnPlanStep *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_PLAN_STEP);
  /* The header is not bound to a field: unparent what is left. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sn_plan_step_parent_class)->dispose (object);
}

static void
sn_plan_step_class_init (SnPlanStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_plan_step_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-plan-step.ui");
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, title_label);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, changes_badge);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, command_label);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, impact_box);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, impact_label);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, verify_box);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, verify_label);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, revert_box);
  gtk_widget_class_bind_template_child (widget_class, SnPlanStep, revert_label);
  /* A card is a group, as the GtkBox it was. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_plan_step_init (SnPlanStep *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
show_line (GtkWidget  *box,
           GtkLabel   *label,
           const char *text)
{
  gboolean shown = text != NULL && *text != '\0';

  gtk_widget_set_visible (box, shown);
  gtk_label_set_label (label, shown ? text : "");
}

GtkWidget *
sn_plan_step_new (SnStepRun *step)
{
  SnPlanStep *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (SN_IS_STEP_RUN (step), NULL);

  self = g_object_new (SN_TYPE_PLAN_STEP, NULL);
  title = g_strdup_printf ("%u. %s", sn_step_run_get_index (step) + 1, sn_step_run_get_title (step));
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  /* Named only when shown: the tests look the badge up by name. */
  if (sn_step_run_get_destructive (step))
    {
      gtk_widget_set_name (GTK_WIDGET (self->changes_badge), "changes-badge");
      gtk_widget_set_visible (GTK_WIDGET (self->changes_badge), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "plan-step-changes");
    }

  gtk_label_set_label (self->command_label, sn_step_run_get_command (step) ?: "");
  show_line (self->impact_box, self->impact_label, sn_step_run_get_impact (step));
  show_line (self->verify_box, self->verify_label, sn_step_run_get_verify_command (step));
  show_line (self->revert_box, self->revert_label, sn_step_run_get_revert_command (step));

  return GTK_WIDGET (self);
}
