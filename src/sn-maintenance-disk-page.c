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
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"

/*
 * The dry run of the disk cleanup (runbook §6.2, read-only): free space, and
 * what each action would free item by item, the volumes apart. The buttons
 * open the disk-cleanup and docker-volume-remove runbooks in the one wizard;
 * a read-only profile sees no button (the runbooks and the service refuse in
 * core anyway).
 */

struct _SnMaintenanceDiskPage
{
  GtkWidget           parent_instance;

  SnProfile          *profile;
  SnConnection       *connection;
  GCancellable       *cancellable;
  SnDiskSurvey       *survey;
  GtkWidget          *wizard;          /* weak pointer */
  gboolean            busy;

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

G_DEFINE_FINAL_TYPE (SnMaintenanceDiskPage, sn_maintenance_disk_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_CONNECTION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
may_change (SnMaintenanceDiskPage *self)
{
  return self->profile != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_OPERATOR;
}

static void
update_actions (SnMaintenanceDiskPage *self)
{
  gboolean change = may_change (self) && !self->busy;
  SnDiskItem *volume = gtk_single_selection_get_selected_item (self->volumes_selection);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.refresh", self->profile != NULL && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "disk.cancel", self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "disk.clean", change && self->survey != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "disk.remove-volume",
                                 change && volume != NULL && sn_disk_item_get_links (volume) == 0);
  gtk_widget_set_visible (self->actions_box, self->profile != NULL);
  gtk_widget_set_visible (gtk_widget_get_first_child (self->actions_box), may_change (self));
  gtk_widget_set_visible (self->volume_actions, may_change (self));
  gtk_widget_set_visible (GTK_WIDGET (self->level_label), self->profile != NULL && !may_change (self));
}

static void
set_busy (SnMaintenanceDiskPage *self,
          gboolean               busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (SnMaintenanceDiskPage *self,
            const GError          *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  set_busy (self, FALSE);
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
survey_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnMaintenanceDiskPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDiskSurvey) survey = sn_maintenance_disk_survey_finish (SN_HOST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (survey == NULL)
    {
      show_error (self, error);
      return;
    }
  g_set_object (&self->survey, survey);
  show_survey (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
  set_busy (self, FALSE);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnMaintenanceDiskPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SnConnection *connection = SN_CONNECTION (object);

  if (!sn_connection_connect_finish (connection, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  if (connection != self->connection)
    return;
  sn_maintenance_disk_survey_async (sn_connection_get_host (connection), NULL, self->cancellable, survey_cb,
                                    g_object_ref (self));
}

/**
 * sn_maintenance_disk_page_refresh:
 *
 * Measures the disk again: df, Docker, the journal and the npm cache.
 */
void
sn_maintenance_disk_page_refresh (SnMaintenanceDiskPage *self)
{
  g_return_if_fail (SN_IS_MAINTENANCE_DISK_PAGE (self));

  if (self->profile == NULL || self->connection == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (self->busy)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sn_connection_connect_async (self->connection, self->cancellable, connect_cb, g_object_ref (self));
}

/* The runbooks ------------------------------------------------------------- */

static void
wizard_finished_cb (SnMaintenanceDiskPage *self)
{
  sn_maintenance_disk_page_refresh (self);
}

static void
open_wizard (SnMaintenanceDiskPage *self,
             const char            *runbook_id,
             const char            *volume)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SnRunbookWizard *wizard;
  SnRunbook *runbook;

  if (!may_change (self))
    return;
  if (!sn_runbook_catalog_load (catalog, &error) ||
      (runbook = sn_runbook_catalog_lookup (catalog, runbook_id)) == NULL)
    {
      adw_status_page_set_description (self->error_page,
                                       error != NULL ? error->message : _("The runbook is missing from this build."));
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  wizard = sn_runbook_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, runbook, self->profile);
  if (volume != NULL)
    sn_runbook_wizard_set_param (wizard, "volume", volume);
  g_signal_connect_object (wizard, "finished", G_CALLBACK (wizard_finished_cb), self, G_CONNECT_SWAPPED);
  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  self->wizard = GTK_WIDGET (wizard);
  g_object_add_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
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
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  sn_maintenance_disk_page_refresh (SN_MAINTENANCE_DISK_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, self->survey != NULL ? "content" : "empty");
}

/* Profile and connection ---------------------------------------------------- */

static void
reset (SnMaintenanceDiskPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->survey);
  gtk_sort_list_model_set_model (self->items_sort, NULL);
  gtk_sort_list_model_set_model (self->volumes_sort, NULL);
  set_busy (self, FALSE);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
set_profile (SnMaintenanceDiskPage *self,
             SnProfile             *profile)
{
  if (!g_set_object (&self->profile, profile))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_disk_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

static void
set_connection (SnMaintenanceDiskPage *self,
                SnConnection          *connection)
{
  if (!g_set_object (&self->connection, connection))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_disk_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void
sn_maintenance_disk_page_map (GtkWidget *widget)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (widget);

  GTK_WIDGET_CLASS (sn_maintenance_disk_page_parent_class)->map (widget);
  if (self->survey == NULL && !self->busy)
    sn_maintenance_disk_page_refresh (self);
}

static void
sn_maintenance_disk_page_dispose (GObject *object)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  self->wizard = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_DISK_PAGE);
  g_clear_object (&self->survey);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sn_maintenance_disk_page_parent_class)->dispose (object);
}

static void
sn_maintenance_disk_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_disk_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  SnMaintenanceDiskPage *self = SN_MAINTENANCE_DISK_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE: set_profile (self, g_value_get_object (value)); break;
    case PROP_CONNECTION: set_connection (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_disk_page_class_init (SnMaintenanceDiskPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_maintenance_disk_page_dispose;
  object_class->get_property = sn_maintenance_disk_page_get_property;
  object_class->set_property = sn_maintenance_disk_page_set_property;
  widget_class->map = sn_maintenance_disk_page_map;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

  gtk_widget_class_install_action (widget_class, "page.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "disk.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "disk.clean", NULL, clean_action);
  gtk_widget_class_install_action (widget_class, "disk.remove-volume", NULL, remove_volume_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_U, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "disk.clean", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "disk.remove-volume", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "disk.cancel", NULL);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_maintenance_disk_page_init (SnMaintenanceDiskPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->volumes_selection, "notify::selected", G_CALLBACK (update_actions), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Disk"), -1);
  update_actions (self);
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
  return self->busy;
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
  return self->wizard != NULL ? GTK_WINDOW (self->wizard) : NULL;
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
