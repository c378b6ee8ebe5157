/* sn-first-run-page.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-first-run-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-first-run-page.h"

/*
 * The page only offers choices; each row activates a window action
 * (win.add-production-profile, win.add-local-profile, win.add-profile),
 * so the window owns the store and the editor.
 */
struct _SnFirstRunPage
{
  GtkWidget      parent_instance;

  /* Template children */
  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (SnFirstRunPage, sn_first_run_page, GTK_TYPE_WIDGET)

static void
sn_first_run_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_FIRST_RUN_PAGE);

  G_OBJECT_CLASS (sn_first_run_page_parent_class)->dispose (object);
}

static void
sn_first_run_page_class_init (SnFirstRunPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_first_run_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-first-run-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnFirstRunPage, status_page);
}

static void
sn_first_run_page_init (SnFirstRunPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  adw_status_page_set_icon_name (self->status_page, APP_ID);
}

GtkWidget *
sn_first_run_page_new (void)
{
  return g_object_new (SN_TYPE_FIRST_RUN_PAGE, NULL);
}
