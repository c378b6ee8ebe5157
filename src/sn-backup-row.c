/* sn-backup-row.c: one backup, on this computer or in the bucket
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The row's parts are in sn-backup-row.ui; this file fills in what is
 * computed from the backup (its subtitle, its state, its buttons' targets)
 * and follows the backup's changes (a verification, a new size). Local
 * backups show their state and Verify, Upload and Restore…; the bucket's
 * show Download and Restore…; below operator level, no buttons at all. */

#define G_LOG_DOMAIN "sn-backup-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-backup-row.h"
#include "sn-gui-util.h"

struct _SnBackupRow
{
  AdwActionRow  parent_instance;

  SnBackup     *backup;
  gboolean      can_change;
  int           width;        /* the last allocated width, for measure () */
  guint         resize_id;

  /* Template children */
  GtkImage     *icon;
  GtkLabel     *tag_label;
  GtkLabel     *state_pill;
  GtkButton    *verify_button;
  GtkButton    *upload_button;
  GtkButton    *download_button;
  GtkButton    *restore_button;
};

enum {
  PROP_0,
  PROP_BACKUP,
  PROP_CAN_CHANGE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnBackupRow, sn_backup_row, ADW_TYPE_ACTION_ROW)

static GParamSpec *properties[N_PROPS];

static const char * const state_classes[] = { "success", "error", "dim-label" };

/* The backup's own creation time (from its name or manifest), the same in
 * the local and the bucket lists and however long the page stays open. */
static char *
format_created (GDateTime *created)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int days;

  if (created == NULL)
    return g_strdup (_("Unknown date"));

  local = g_date_time_to_local (created);
  days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (local);
  if (g_date_time_get_year (now) != g_date_time_get_year (local))
    days = -1;

  if (days == 0)
    /* Translators: when a backup was made today, strftime format */
    return g_date_time_format (local, _("Today %H:%M"));
  if (days == 1)
    /* Translators: when a backup was made yesterday, strftime format */
    return g_date_time_format (local, _("Yesterday %H:%M"));
  return sn_format_date_time (local);
}

static const char *
label_display (const char *label)
{
  if (g_strcmp0 (label, "manual") == 0)
    return C_("backup label", "manual");
  if (g_strcmp0 (label, "safety") == 0)
    return C_("backup label", "safety");
  if (g_strcmp0 (label, "restore-test") == 0)
    return C_("backup label", "restore test");
  if (g_strcmp0 (label, "downloaded") == 0)
    return C_("backup label", "downloaded");
  return label;
}

static void
set_button (GtkButton  *button,
            gboolean    shown,
            const char *action_name,
            const char *target,
            const char *tooltip,
            gboolean    icon_only)
{
  gtk_widget_set_visible (GTK_WIDGET (button), shown);
  /* A hidden button keeps no action: nothing in the row can reach it. The
   * target first: an action without its parameter warns. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
  if (shown)
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target != NULL ? target : "");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), tooltip);
  if (icon_only)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static char *
local_subtitle (SnBackup    *backup,
                const char  *made,
                const char  *size)
{
  const char *message = sn_backup_get_state_message (backup);

  if (sn_backup_get_state (backup) == SN_BACKUP_STATE_FAILED && message != NULL && *message != '\0')
    /* Translators: a backup row's subtitle: when it was made · size, then why it failed verification */
    return g_strdup_printf (_("%s · %s\n%s"), made, size, message);
  if (sn_backup_get_state (backup) == SN_BACKUP_STATE_UNVERIFIED && !sn_backup_get_has_manifest (backup))
    /* Translators: a backup row's subtitle: when it was made · size, no manifest */
    return g_strdup_printf (_("%s · %s · no manifest"), made, size);
  /* Translators: a backup row's subtitle: when it was made · size */
  return g_strdup_printf (_("%s · %s"), made, size);
}

static char *
remote_subtitle (SnBackup    *backup,
                 const char  *made,
                 const char  *size)
{
  if (sn_backup_get_has_manifest (backup))
    /* Translators: a bucket row's subtitle: when it was made · size */
    return g_strdup_printf (_("%s · %s · with manifest"), made, size);
  /* Translators: a bucket row's subtitle: when it was made · size */
  return g_strdup_printf (_("%s · %s"), made, size);
}

static void
show_state (SnBackupRow *self,
            gboolean     remote)
{
  const char *icon_name = "folder-remote-symbolic";
  const char *klass = "dim-label";
  const char *state = NULL;

  if (!remote)
    switch (sn_backup_get_state (self->backup))
      {
      case SN_BACKUP_STATE_VERIFIED:
        icon_name = "emblem-ok-symbolic";
        klass = "success";
        state = _("Verified");
        break;

      case SN_BACKUP_STATE_FAILED:
        icon_name = "dialog-error-symbolic";
        klass = "error";
        state = _("Failed");
        break;

      case SN_BACKUP_STATE_UNVERIFIED:
      default:
        icon_name = "dialog-question-symbolic";
        state = _("Not verified");
        break;
      }

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_label_set_text (self->state_pill, state);
  gtk_widget_set_visible (GTK_WIDGET (self->state_pill), !remote);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_pill),
                               remote ? NULL : sn_backup_get_state_message (self->backup));
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), state_classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_pill), state_classes[i]);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), klass);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_pill), klass);
}

static void
show_tag (SnBackupRow *self,
          gboolean     remote)
{
  const char *label = remote ? NULL : sn_backup_get_label (self->backup);
  gboolean shown = label != NULL && *label != '\0';

  gtk_label_set_text (self->tag_label, shown ? label_display (label) : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->tag_label), shown);
  if (shown && g_str_equal (label, "safety"))
    gtk_widget_add_css_class (GTK_WIDGET (self->tag_label), "safety");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->tag_label), "safety");
}

static void
show_buttons (SnBackupRow *self,
              gboolean     remote)
{
  const char *name = sn_backup_get_name (self->backup);
  const char *path = sn_backup_get_path (self->backup);
  g_autofree char *verify_tip = g_strdup_printf (_("Verify %s"), name);
  g_autofree char *upload_tip = g_strdup_printf (_("Upload %s to the bucket"), name);
  g_autofree char *download_tip = g_strdup_printf (_("Download %s to this computer"), name);
  g_autofree char *restore_tip = g_strdup_printf (_("Restore the database from %s"), name);

  set_button (self->verify_button, self->can_change && !remote, "backups.verify", path, verify_tip, TRUE);
  set_button (self->upload_button, self->can_change && !remote, "backups.upload", path, upload_tip, TRUE);
  set_button (self->download_button, self->can_change && remote, "backups.download", name, download_tip, TRUE);
  /* A local backup is restored from its file, a bucket's one by its name. */
  set_button (self->restore_button, self->can_change, "backups.restore", remote ? name : path, restore_tip, FALSE);
}

static void
show_backup (SnBackupRow *self)
{
  g_autofree char *row_name = NULL;
  g_autofree char *made = NULL;
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;
  gboolean remote;

  if (self->backup == NULL)
    return;

  remote = sn_backup_get_location (self->backup) == SN_BACKUP_LOCATION_REMOTE;
  row_name = g_strdup_printf (remote ? "backup-remote-%s" : "backup-local-%s", sn_backup_get_name (self->backup));
  made = format_created (sn_backup_get_created (self->backup));
  size = sn_format_size (sn_backup_get_size (self->backup));
  subtitle = remote ? remote_subtitle (self->backup, made, size) : local_subtitle (self->backup, made, size);

  gtk_widget_set_name (GTK_WIDGET (self), row_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), sn_backup_get_name (self->backup));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), remote ? 0 : 4);
  if (remote)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "numeric");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "numeric");
  show_state (self, remote);
  show_tag (self, remote);
  show_buttons (self, remote);
}

/* A list view's row holds this row, not a list box: the list view's row
 * takes the focus, and Tab goes on into the buttons, as for any widget
 * (GtkListBoxRow's own focus handling needs its list box). */
static gboolean
sn_backup_row_grab_focus (GtkWidget *widget)
{
  return FALSE;
}

static gboolean
sn_backup_row_focus (GtkWidget        *widget,
                     GtkDirectionType  direction)
{
  GtkWidgetClass *base = g_type_class_peek (GTK_TYPE_WIDGET);

  return base->focus (widget, direction);
}

/* GTK 4.8's list views measure their rows' height without a width, so a
 * subtitle that wraps (why a verification failed) would be cut. The row's
 * layout is a bin's that measures its height for the width it was last
 * given, and asks again when that width changes. */
static GtkSizeRequestMode
layout_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
layout_measure (GtkWidget      *widget,
                GtkOrientation  orientation,
                int             for_size,
                int            *minimum,
                int            *natural,
                int            *minimum_baseline,
                int            *natural_baseline)
{
  SnBackupRow *self = SN_BACKUP_ROW (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL && for_size < 0 && self->width > 0)
    for_size = self->width;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min = 0;
      int child_nat = 0;
      int child_min_baseline = -1;
      int child_nat_baseline = -1;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, for_size, &child_min, &child_nat,
                          &child_min_baseline, &child_nat_baseline);
      *minimum = MAX (*minimum, child_min);
      *natural = MAX (*natural, child_nat);
      if (child_min_baseline > -1)
        *minimum_baseline = MAX (*minimum_baseline, child_min_baseline);
      if (child_nat_baseline > -1)
        *natural_baseline = MAX (*natural_baseline, child_nat_baseline);
    }
}

static gboolean
resize_cb (gpointer data)
{
  SnBackupRow *self = data;

  self->resize_id = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
layout_allocate (GtkWidget *widget,
                 int        width,
                 int        height,
                 int        baseline)
{
  SnBackupRow *self = SN_BACKUP_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      gtk_widget_allocate (child, width, height, baseline, NULL);

  if (width != self->width)
    {
      self->width = width;
      if (self->resize_id == 0)
        self->resize_id = g_idle_add (resize_cb, self);
    }
}

static void
sn_backup_row_dispose (GObject *object)
{
  SnBackupRow *self = (SnBackupRow *)object;

  g_clear_handle_id (&self->resize_id, g_source_remove);

  if (self->backup != NULL)
    g_signal_handlers_disconnect_by_data (self->backup, self);
  g_clear_object (&self->backup);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_BACKUP_ROW);

  G_OBJECT_CLASS (sn_backup_row_parent_class)->dispose (object);
}

static void
sn_backup_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnBackupRow *self = SN_BACKUP_ROW (object);

  switch (prop_id)
    {
    case PROP_BACKUP:
      g_value_set_object (value, self->backup);
      break;

    case PROP_CAN_CHANGE:
      g_value_set_boolean (value, self->can_change);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_backup_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SnBackupRow *self = SN_BACKUP_ROW (object);

  switch (prop_id)
    {
    case PROP_BACKUP:
      sn_backup_row_set_backup (self, g_value_get_object (value));
      break;

    case PROP_CAN_CHANGE:
      sn_backup_row_set_can_change (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_backup_row_class_init (SnBackupRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_backup_row_dispose;
  object_class->get_property = sn_backup_row_get_property;
  object_class->set_property = sn_backup_row_set_property;
  widget_class->grab_focus = sn_backup_row_grab_focus;
  widget_class->focus = sn_backup_row_focus;

  properties[PROP_BACKUP] =
    g_param_spec_object ("backup", NULL, NULL, SN_TYPE_BACKUP,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Whether the profile may act on backups: the row offers its buttons. */
  properties[PROP_CAN_CHANGE] =
    g_param_spec_boolean ("can-change", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-backup-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, tag_label);
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, state_pill);
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, verify_button);
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, upload_button);
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, download_button);
  gtk_widget_class_bind_template_child (widget_class, SnBackupRow, restore_button);
}

static void
sn_backup_row_init (SnBackupRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_layout_manager (GTK_WIDGET (self),
                                 gtk_custom_layout_new (layout_request_mode, layout_measure, layout_allocate));
}

/**
 * sn_backup_row_get_backup:
 *
 * Returns: (transfer none) (nullable): the backup shown
 */
SnBackup *
sn_backup_row_get_backup (SnBackupRow *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_ROW (self), NULL);

  return self->backup;
}

void
sn_backup_row_set_backup (SnBackupRow *self,
                          SnBackup    *backup)
{
  g_return_if_fail (SN_IS_BACKUP_ROW (self));
  g_return_if_fail (backup == NULL || SN_IS_BACKUP (backup));

  if (self->backup == backup)
    return;

  if (self->backup != NULL)
    g_signal_handlers_disconnect_by_data (self->backup, self);
  g_set_object (&self->backup, backup);
  if (backup != NULL)
    g_signal_connect_swapped (backup, "notify", G_CALLBACK (show_backup), self);

  show_backup (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKUP]);
}

gboolean
sn_backup_row_get_can_change (SnBackupRow *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_ROW (self), FALSE);

  return self->can_change;
}

void
sn_backup_row_set_can_change (SnBackupRow *self,
                              gboolean     can_change)
{
  g_return_if_fail (SN_IS_BACKUP_ROW (self));

  can_change = !!can_change;
  if (self->can_change == can_change)
    return;

  self->can_change = can_change;
  show_backup (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CHANGE]);
}
