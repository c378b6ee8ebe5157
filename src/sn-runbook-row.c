/* sn-runbook-row.c: one runbook in the Runbooks window
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The runbook's title, badges (level, "changes the system", user runbook),
 * last run and description, and its Run… button (Preview… when the profile
 * may not run it: the refusal itself is in core). "run" is emitted when the
 * button is clicked. Widgets are named after the runbook's id for tests:
 * the row "<id>", the button "run-<id>", the last run "last-run-<id>". */

#define G_LOG_DOMAIN "sn-runbook-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-runbook-row.h"

struct _SnRunbookRow
{
  GtkListBoxRow  parent_instance;

  SnRunbook     *runbook;

  /* Template children */
  GtkImage      *icon;
  GtkLabel      *title_label;
  GtkLabel      *safety_badge;
  GtkLabel      *changes_badge;
  GtkLabel      *user_badge;
  GtkLabel      *last_run_label;
  GtkLabel      *description_label;
  GtkButton     *run_button;
  GtkLabel      *run_text;
};

enum {
  RUN,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SnRunbookRow, sn_runbook_row, GTK_TYPE_LIST_BOX_ROW)

static guint signals[N_SIGNALS];

static const char *
safety_label (SnSafetyLevel level)
{
  switch (level)
    {
    case SN_SAFETY_LEVEL_READ_ONLY:
      return _("Read-only");
    case SN_SAFETY_LEVEL_OPERATOR:
      return _("Operator");
    case SN_SAFETY_LEVEL_ADMIN:
      return _("Admin");
    default:
      return "?";
    }
}

static void
run_clicked_cb (SnRunbookRow *self,
                GtkButton    *button)
{
  g_signal_emit (self, signals[RUN], 0);
}

static void
sn_runbook_row_dispose (GObject *object)
{
  SnRunbookRow *self = (SnRunbookRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_RUNBOOK_ROW);
  g_clear_object (&self->runbook);

  G_OBJECT_CLASS (sn_runbook_row_parent_class)->dispose (object);
}

static void
sn_runbook_row_class_init (SnRunbookRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_runbook_row_dispose;

  /**
   * SnRunbookRow::run:
   *
   * The person clicked Run… (or Preview…).
   */
  signals[RUN] = g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                               0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-runbook-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, safety_badge);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, changes_badge);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, user_badge);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, last_run_label);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, description_label);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, run_button);
  gtk_widget_class_bind_template_child (widget_class, SnRunbookRow, run_text);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);
}

static void
sn_runbook_row_init (SnRunbookRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sn_runbook_row_new:
 * @refusal: (nullable): why the profile may not run it, or %NULL if it may
 * @last_run: what the row says about its last run
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
sn_runbook_row_new (SnRunbook    *runbook,
                    const GError *refusal,
                    const char   *last_run)
{
  SnRunbookRow *self;
  const char *id;
  gboolean destructive;
  SnSafetyLevel level;
  g_autofree char *last_name = NULL;
  g_autofree char *run_name = NULL;
  g_autofree char *run_label = NULL;

  g_return_val_if_fail (SN_IS_RUNBOOK (runbook), NULL);

  self = g_object_new (SN_TYPE_RUNBOOK_ROW, NULL);
  self->runbook = g_object_ref (runbook);
  id = sn_runbook_get_id (runbook);
  destructive = sn_runbook_is_destructive (runbook);
  level = sn_runbook_get_required_level (runbook);
  last_name = g_strdup_printf ("last-run-%s", id);
  run_name = g_strdup_printf ("run-%s", id);

  gtk_widget_set_name (GTK_WIDGET (self), id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sn_runbook_get_title (runbook),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sn_runbook_get_description (runbook),
                                  -1);

  gtk_image_set_from_icon_name (self->icon, destructive ? "system-run-symbolic" : "emblem-documents-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), destructive ? "runbook-icon-changes" : "runbook-icon-reads");
  gtk_label_set_label (self->title_label, sn_runbook_get_title (runbook));
  gtk_label_set_label (self->description_label, sn_runbook_get_description (runbook));

  gtk_label_set_label (self->safety_badge, safety_label (level));
  gtk_widget_add_css_class (GTK_WIDGET (self->safety_badge),
                            level == SN_SAFETY_LEVEL_READ_ONLY ? "badge-read-only"
                            : level == SN_SAFETY_LEVEL_OPERATOR ? "badge-operator" : "badge-admin");
  gtk_widget_set_visible (GTK_WIDGET (self->changes_badge), destructive);
  gtk_widget_set_visible (GTK_WIDGET (self->user_badge), !sn_runbook_is_builtin (runbook));

  gtk_widget_set_name (GTK_WIDGET (self->last_run_label), last_name);
  gtk_label_set_label (self->last_run_label, last_run);

  /* A level that cannot run it may still read its plan: the dry run changes
   * nothing. The refusal itself is in core; this only says it up front. */
  if (refusal == NULL)
    {
      gtk_label_set_label (self->run_text, _("_Run…"));
      /* Translators: the accessible name of a runbook's Run button; %s is its title */
      run_label = g_strdup_printf (_("Run “%s”"), sn_runbook_get_title (runbook));
      gtk_widget_add_css_class (GTK_WIDGET (self->run_button),
                                destructive ? "destructive-action" : "suggested-action");
    }
  else
    {
      gtk_label_set_label (self->run_text, _("_Preview…"));
      /* Translators: the tooltip of a runbook the profile may not run; %s is why */
      run_label = g_strdup_printf (_("%s You can still see its plan."), refusal->message);
    }
  /* GTK 4.8 names a button by its label property and its label's text
   * together ("_Run… Run…"): a plain child label names it once. The row,
   * named after the runbook, gives the context. */
  gtk_widget_set_name (GTK_WIDGET (self->run_button), run_name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button), run_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, run_label, -1);

  return GTK_WIDGET (self);
}

/**
 * sn_runbook_row_get_runbook:
 *
 * Returns: (transfer none): the runbook shown
 */
SnRunbook *
sn_runbook_row_get_runbook (SnRunbookRow *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_ROW (self), NULL);

  return self->runbook;
}
