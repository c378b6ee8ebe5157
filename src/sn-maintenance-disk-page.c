/* sn-maintenance-disk-page.c: the Maintenance view's disk page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-format.h"
#include "sn-maintenance-disk-page.h"

/*
 * The dry run of the disk cleanup (runbook §6.2, read-only): free space, and
 * what each action would free item by item, the volumes apart. The buttons
 * open the disk-cleanup and docker-volume-remove runbooks in the one wizard;
 * a read-only profile sees no button (the runbooks and the service refuse in
 * core anyway).
 */

struct _SnMaintenanceDiskPage
{
  SnAreaPage          parent_instance;

  SnDiskSurvey       *survey;

  /* Template children */
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkLabel           *level_label;
  GtkLabel           *space_label;
  GtkLabel           *freed_label;
  GtkWidget          *actions_box;
  GtkWidget          *volume_actions;
  GtkSortListModel   *items_sort;
  GtkSortListModel   *volumes_sort;
  GtkSingleSelection *volumes_selection;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceDiskPage, sn_maintenance_disk_page, SN_TYPE_AREA_PAGE)

static void
disk_page_update_actions (SnAreaPage *page)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (page);
  gboolean may_change = sn_area_page_may_change (page);
  gboolean change = may_change && !sn_area_page_get_busy (page);
  gboolean has_profile = sn_area_page_get_profile (page) != NULL;
  SnDiskItem *volume;

  if (self->volumes_selection == NULL)
    return;
  volume = gtk_single_selection_get_selected_item (self->volumes_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "disk.clean", change && self->survey != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "disk.remove-volume",
                                 change && volume != NULL && sn_disk_item_get_links (volume) == 0);
  gtk_widget_set_visible (self->actions_box, has_profile);
  gtk_widget_set_visible (gtk_widget_get_first_child (self->actions_box), may_change);
  gtk_widget_set_visible (self->volume_actions, may_change);
  gtk_widget_set_visible (GTK_WIDGET (self->level_label), has_profile && !may_change);
}

static void
show_survey (SnMaintenanceDiskPage *self)
{
  SnDiskSurvey *survey = self->survey;
  g_autofree char *avail = sn_format_size (sn_disk_survey_get_avail (survey, "/"));
  g_autofree char *freed = sn_format_size (sn_disk_survey_get_total_freed (survey));
  g_autofree char *docker = sn_format_size (sn_disk_survey_get_docker_freed (survey));
  g_autofree char *journal = sn_format_size (sn_disk_survey_get_journal_freed (survey));
  g_autofree char *npm = sn_format_size (sn_disk_survey_get_npm_freed (survey));
  g_autofree char *space = g_strdup_printf (_("Free space on /: %s"), avail);
  g_autofree char *detail = g_strdup_printf (_("A cleanup would free about %s: Docker %s, the system journal %s "
                                               "(kept to %s), the npm cache %s. No volume is removed."),
                                             freed, docker, journal, SN_MAINTENANCE_JOURNAL_DEFAULT_SIZE, npm);

  gtk_label_set_label (self->space_label, space);
  gtk_label_set_label (self->freed_label, detail);
  gtk_sort_list_model_set_model (self->items_sort, sn_disk_survey_get_items (survey));
  gtk_sort_list_model_set_model (self->volumes_sort, sn_disk_survey_get_volumes (survey));
}

static void
disk_page_load (SnAreaPage          *page,
                SnConnection        *connection,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  sn_maintenance_disk_survey_async (sn_connection_get_host (connection), NULL, cancellable, callback, user_data);
}

static gboolean
disk_page_load_finish (SnAreaPage    *page,
                       GObject       *source,
                       GAsyncResult  *result,
                       GError       **error)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (page);
  g_autoptr(SnDiskSurvey) survey = sn_maintenance_disk_survey_finish (SN_HOST (source), result, error);

  if (survey == NULL)
    return FALSE;
  g_set_object (&self->survey, survey);
  show_survey (self);
  return TRUE;
}

static void
disk_page_reset (SnAreaPage *page)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (page);

  g_clear_object (&self->survey);
  gtk_sort_list_model_set_model (self->items_sort, NULL);
  gtk_sort_list_model_set_model (self->volumes_sort, NULL);
}

static gboolean
disk_page_has_content (SnAreaPage *page)
{
  return SN_MAINTENANCE_DISK_PAGE (page)->survey != NULL;
}

/* The runbooks ------------------------------------------------------------- */

static void
open_wizard (SnMaintenanceDiskPage *self,
             const char            *runbook_id,
             const char            *volume)
{
  SnRunbookWizard *wizard;

  if (!sn_area_page_may_change (SN_AREA_PAGE (self)) ||
      (wizard = sn_area_page_open_runbook (SN_AREA_PAGE (self), runbook_id)) == NULL)
    return;
  if (volume != NULL)
    sn_runbook_wizard_set_param (wizard, "volume", volume);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
clean_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  open_wizard (SN_MAINTENANCE_DISK_PAGE (widget), "disk-cleanup", NULL);
}

static void
remove_volume_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (widget);
  SnDiskItem *volume = gtk_single_selection_get_selected_item (self->volumes_selection);

  /* Only the name is filled in: the person types it again in the wizard. */
  if (volume != NULL)
    open_wizard (self, "docker-volume-remove", sn_disk_item_get_name (volume));
}

static void
sn_maintenance_disk_page_dispose (GObject *object)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_DISK_PAGE);
  g_clear_object (&self->survey);
  G_OBJECT_CLASS (sn_maintenance_disk_page_parent_class)->dispose (object);
}

static void
sn_maintenance_disk_page_class_init (SnMaintenanceDiskPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_maintenance_disk_page_dispose;
  page_class->load = disk_page_load;
  page_class->load_finish = disk_page_load_finish;
  page_class->reset = disk_page_reset;
  page_class->has_content = disk_page_has_content;
  page_class->update_actions = disk_page_update_actions;

  /* The list items' type, for the factories' bindings in the .ui. */
  g_type_ensure (SN_TYPE_DISK_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-disk-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, level_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, space_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, freed_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, actions_box);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, volume_actions);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, items_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, volumes_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDiskPage, volumes_selection);

  gtk_widget_class_install_action (widget_class, "disk.clean", NULL, clean_action);
  gtk_widget_class_install_action (widget_class, "disk.remove-volume", NULL, remove_volume_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_U, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "disk.clean", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "disk.remove-volume", NULL);
}

static void
sn_maintenance_disk_page_init (SnMaintenanceDiskPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), self->stack, self->spinner, self->error_page);
  g_signal_connect_swapped (self->volumes_selection, "notify::selected",
                            G_CALLBACK (sn_area_page_update_actions), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Disk"), -1);
}

GtkWidget *
sn_maintenance_disk_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_DISK_PAGE, NULL);
}

gboolean
sn_maintenance_disk_page_get_busy (SnMaintenanceDiskPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_DISK_PAGE (self), FALSE);
  return sn_area_page_get_busy (SN_AREA_PAGE (self));
}

SnDiskSurvey *
sn_maintenance_disk_page_get_survey (SnMaintenanceDiskPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_DISK_PAGE (self), NULL);
  return self->survey;
}

GtkWindow *
sn_maintenance_disk_page_get_wizard (SnMaintenanceDiskPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_DISK_PAGE (self), NULL);
  return sn_area_page_get_wizard (SN_AREA_PAGE (self));
}

gboolean
sn_maintenance_disk_page_select_volume (SnMaintenanceDiskPage *self,
                                        const char            *volume)
{
  GListModel *model;

  g_return_val_if_fail (SN_IS_MAINTENANCE_DISK_PAGE (self), FALSE);

  model = G_LIST_MODEL (self->volumes_selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (sn_disk_item_get_name (item), volume) == 0)
        {
          gtk_single_selection_set_selected (self->volumes_selection, i);
          return TRUE;
        }
    }
  return FALSE;
}
