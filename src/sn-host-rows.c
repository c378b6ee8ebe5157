/* sn-host-rows.c: the host panel's rows, a container and a file system
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Their parts are in sn-container-row.ui and sn-disk-row.ui; this file
 * fills in what is computed from the item (a look, texts, names). The
 * host panel fills its lists with them afresh at each refresh. */

#define G_LOG_DOMAIN "sn-host-rows"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"
#include "sn-host-rows.h"

/* SnContainerRow -------------------------------------------------------- */

struct _SnContainerRow
{
  AdwActionRow  parent_instance;

  GtkImage     *icon;
  GtkWidget    *state_box;
  GtkLabel     *health_label;
  GtkLabel     *state_label;
};

G_DEFINE_FINAL_TYPE (SnContainerRow, sn_container_row, ADW_TYPE_ACTION_ROW)

static const char *
state_text (const char *state)
{
  if (g_strcmp0 (state, "running") == 0)
    return C_("container state", "Running");
  if (g_strcmp0 (state, "exited") == 0)
    return C_("container state", "Exited");
  if (g_strcmp0 (state, "restarting") == 0)
    return C_("container state", "Restarting");
  if (g_strcmp0 (state, "paused") == 0)
    return C_("container state", "Paused");
  if (g_strcmp0 (state, "created") == 0)
    return C_("container state", "Created");
  if (g_strcmp0 (state, "dead") == 0)
    return C_("container state", "Dead");
  return state != NULL && *state != '\0' ? state : C_("container state", "Unknown");
}

static const char *
health_text (const char *health)
{
  if (g_strcmp0 (health, "healthy") == 0)
    return C_("container health", "Healthy");
  if (g_strcmp0 (health, "unhealthy") == 0)
    return C_("container health", "Unhealthy");
  if (g_strcmp0 (health, "starting") == 0)
    return C_("container health", "Starting");
  return health;
}

static void
sn_container_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_CONTAINER_ROW);

  G_OBJECT_CLASS (sn_container_row_parent_class)->dispose (object);
}

static void
sn_container_row_class_init (SnContainerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_container_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-container-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnContainerRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SnContainerRow, state_box);
  gtk_widget_class_bind_template_child (widget_class, SnContainerRow, health_label);
  gtk_widget_class_bind_template_child (widget_class, SnContainerRow, state_label);
}

static void
sn_container_row_init (SnContainerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
}

GtkWidget *
sn_container_row_new (SnContainer *container)
{
  SnContainerRow *self;
  const char *service = sn_container_get_service (container);
  const char *state = sn_container_get_state (container);
  const char *health = sn_container_get_health (container);
  const char *status = sn_container_get_status (container);
  g_autofree char *subtitle = NULL;
  g_autofree char *state_name = NULL;
  g_autofree char *health_name = NULL;
  g_autofree char *status_label = NULL;
  const char *look;
  const char *icon_name;

  g_return_val_if_fail (SN_IS_CONTAINER (container), NULL);

  self = g_object_new (SN_TYPE_CONTAINER_ROW, NULL);

  if (service == NULL || *service == '\0')
    service = sn_container_get_name (container);

  if (sn_container_is_running (container) && g_strcmp0 (health, "unhealthy") != 0)
    {
      look = "success";
      icon_name = "emblem-ok-symbolic";
    }
  else if (g_strcmp0 (state, "exited") == 0 && sn_container_get_exit_code (container) == 0)
    {
      /* A one-shot job (a bucket seed, a migration) that finished well. */
      look = "dim-label";
      icon_name = "object-select-symbolic";
    }
  else if (g_strcmp0 (state, "exited") == 0 || g_strcmp0 (state, "dead") == 0 ||
           g_strcmp0 (health, "unhealthy") == 0)
    {
      look = "error";
      icon_name = "dialog-error-symbolic";
    }
  else
    {
      look = "warning";
      icon_name = "dialog-warning-symbolic";
    }

  if (status != NULL && *status != '\0')
    subtitle = g_strdup_printf ("%s · %s", sn_container_get_name (container), status);
  else
    subtitle = g_strdup (sn_container_get_name (container));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), service);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_name (GTK_WIDGET (self), service);

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), look);

  /* The state is a status named after the service; the label keeps its text. */
  /* Translators: accessible name of a container's state, %s is a service (app, db...) */
  status_label = g_strdup_printf (_("%s state"), service);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_box), GTK_ACCESSIBLE_PROPERTY_LABEL, status_label, -1);

  if (health != NULL && *health != '\0')
    {
      health_name = g_strdup_printf ("container-%s-health", service);
      gtk_label_set_text (self->health_label, health_text (health));
      gtk_widget_set_name (GTK_WIDGET (self->health_label), health_name);
      gtk_widget_set_visible (GTK_WIDGET (self->health_label), TRUE);
    }

  state_name = g_strdup_printf ("container-%s-state", service);
  gtk_label_set_text (self->state_label, state_text (state));
  gtk_widget_set_name (GTK_WIDGET (self->state_label), state_name);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), look);

  return GTK_WIDGET (self);
}

/* SnDiskRow ------------------------------------------------------------- */

struct _SnDiskRow
{
  AdwActionRow  parent_instance;

  GtkLevelBar  *level_bar;
  GtkLabel     *percent_label;
};

G_DEFINE_FINAL_TYPE (SnDiskRow, sn_disk_row, ADW_TYPE_ACTION_ROW)

static void
sn_disk_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_DISK_ROW);

  G_OBJECT_CLASS (sn_disk_row_parent_class)->dispose (object);
}

static void
sn_disk_row_class_init (SnDiskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_disk_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-disk-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnDiskRow, level_bar);
  gtk_widget_class_bind_template_child (widget_class, SnDiskRow, percent_label);
}

static void
sn_disk_row_init (SnDiskRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Only the .ui's offsets (80 %, 90 %, full), not GTK's own. */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}

GtkWidget *
sn_disk_row_new (SnFilesystem *fs)
{
  SnDiskRow *self;
  guint64 size = sn_filesystem_get_size (fs);
  guint64 used = sn_filesystem_get_used (fs);
  guint percent = sn_filesystem_get_percent (fs);
  const char *mount = sn_filesystem_get_mount (fs);
  g_autofree char *size_text = sn_format_size (size);
  g_autofree char *used_text = sn_format_size (used);
  g_autofree char *avail_text = sn_format_size (sn_filesystem_get_avail (fs));
  g_autofree char *subtitle = NULL;
  g_autofree char *percent_text = NULL;
  g_autofree char *percent_name = NULL;
  g_autofree char *bar_label = NULL;

  g_return_val_if_fail (SN_IS_FILESYSTEM (fs), NULL);

  self = g_object_new (SN_TYPE_DISK_ROW, NULL);

  /* Translators: disk usage: source · "3.1 GB used of 40 GB" · "36 GB free" */
  subtitle = g_strdup_printf (_("%s · %s used of %s · %s free"),
                              sn_filesystem_get_source (fs), used_text, size_text, avail_text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), mount);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  gtk_level_bar_set_value (self->level_bar, MIN (percent, 100) / 100.);
  /* Translators: accessible name of a level bar, %s is a mount point such as / */
  bar_label = g_strdup_printf (_("Disk usage of %s"), mount);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_bar), GTK_ACCESSIBLE_PROPERTY_LABEL, bar_label, -1);

  /* Translators: a disk's use in percent */
  percent_text = g_strdup_printf (_("%u %%"), percent);
  percent_name = g_strdup_printf ("disk-%s-percent", mount);
  gtk_label_set_text (self->percent_label, percent_text);
  gtk_widget_set_name (GTK_WIDGET (self->percent_label), percent_name);
  if (percent >= 90)
    gtk_widget_add_css_class (GTK_WIDGET (self->percent_label), "error");
  else if (percent >= 80)
    gtk_widget_add_css_class (GTK_WIDGET (self->percent_label), "warning");

  return GTK_WIDGET (self);
}
