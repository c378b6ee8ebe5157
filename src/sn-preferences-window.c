/* sn-preferences-window.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-contacts-page.h"
#include "sn-gui-util.h"
#include "sn-incident-store.h"
#include "sn-preferences-window.h"
#include "sn-profile-editor.h"
#include "sn-settings.h"
#include "sn-window.h"

struct _SnPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  SnWindow             *parent;            /* borrowed, weak */
  SnProfileStore       *profile_store;

  /* Template children */
  GtkSpinButton        *refresh_interval_spin;
  GtkSwitch            *allow_read_only_incidents_switch;
  AdwPreferencesGroup  *scaling_group;
  GtkListBox           *profiles_list;
};

enum {
  PROP_0,
  PROP_MAIN_WINDOW,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnPreferencesWindow, sn_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static GParamSpec *properties[N_PROPS];

static void
editor_saved_cb (SnPreferencesWindow *self,
                 SnProfile           *profile,
                 SnProfileEditor     *editor)
{
  if (self->parent != NULL)
    sn_window_select_profile (self->parent, sn_profile_get_name (profile));
}

static void
editor_error_cb (SnPreferencesWindow *self,
                 const char          *message,
                 SnProfileEditor     *editor)
{
  sn_gui_toast_error (GTK_WIDGET (self), message);
}

static void
sn_preferences_window_edit (SnPreferencesWindow *self,
                            SnProfile           *profile,
                            gboolean             is_new)
{
  SnProfileEditor *editor;

  editor = sn_profile_editor_new (GTK_WINDOW (self), self->profile_store, profile, is_new);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "error", G_CALLBACK (editor_error_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
edit_clicked_cb (GtkButton           *button,
                 SnPreferencesWindow *self)
{
  SnProfile *profile = g_object_get_data (G_OBJECT (button), "profile");

  sn_preferences_window_edit (self, profile, FALSE);
}

static void
row_activated_cb (AdwActionRow        *row,
                  SnPreferencesWindow *self)
{
  SnProfile *profile = g_object_get_data (G_OBJECT (row), "profile");

  sn_preferences_window_edit (self, profile, FALSE);
}

static void
delete_response_cb (AdwMessageDialog    *dialog,
                    const char          *response,
                    SnPreferencesWindow *self)
{
  SnProfile *profile = g_object_get_data (G_OBJECT (dialog), "profile");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;

  if (!sn_profile_store_remove (self->profile_store, sn_profile_get_name (profile), &error))
    sn_gui_toast_error (GTK_WIDGET (self), error->message);
}

static void
delete_clicked_cb (GtkButton           *button,
                   SnPreferencesWindow *self)
{
  SnProfile *profile = g_object_get_data (G_OBJECT (button), "profile");
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  /* Translators: %s is a profile name */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     sn_profile_get_name (profile));
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s",
                                  sn_profile_get_production (profile)
                                  ? _("This is the production profile. Its file is removed; the "
                                      "server is not touched and the keyring keeps its secrets.")
                                  : _("Its file is removed; the server is not touched and the "
                                      "keyring keeps its secrets."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "profile", g_object_ref (profile), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
icon_button (const char *icon_name,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");

  return button;
}

static GtkWidget *
create_profile_row (gpointer item,
                    gpointer user_data)
{
  SnPreferencesWindow *self = user_data;
  SnProfile *profile = item;
  const char *name = sn_profile_get_name (profile);
  const char *site = sn_profile_get_site_url (profile);
  g_autofree char *edit_label = NULL;
  g_autofree char *delete_label = NULL;
  GtkWidget *row;
  GtkWidget *edit;
  GtkWidget *delete;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), site != NULL ? site : "");

  if (sn_profile_get_production (profile))
    {
      GtkWidget *badge = gtk_label_new (_("Production"));

      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "production-badge");
      gtk_widget_add_css_class (badge, "caption");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }

  /* Translators: %s is a profile name */
  edit_label = g_strdup_printf (_("Edit %s"), name);
  /* Translators: %s is a profile name */
  delete_label = g_strdup_printf (_("Delete %s"), name);

  edit = icon_button ("document-edit-symbolic", edit_label);
  g_object_set_data_full (G_OBJECT (edit), "profile", g_object_ref (profile), g_object_unref);
  g_signal_connect_object (edit, "clicked", G_CALLBACK (edit_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "profile", g_object_ref (profile), g_object_unref);
  g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);

  delete = icon_button ("user-trash-symbolic", delete_label);
  g_object_set_data_full (G_OBJECT (delete), "profile", g_object_ref (profile), g_object_unref);
  g_signal_connect_object (delete, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);

  return row;
}

static void
add_profile_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  sn_preferences_window_edit (SN_PREFERENCES_WINDOW (widget), NULL, TRUE);
}

/* One row per scaling-* key: the thresholds, their durations and how often "Now" reads them. */
static void
add_scaling_rows (SnPreferencesWindow *self)
{
  static const struct { const char *key; const char *title; double lower, upper, step; guint digits; } rows[] = {
    /* xgettext:no-c-format */
    { "scaling-cpu-percent", N_("App CPU above (% of one core)"), 1, 1000, 5, 0 },
    { "scaling-cpu-minutes", N_("… for (minutes)"), 0, 360, 1, 0 },
    /* xgettext:no-c-format */
    { "scaling-ram-percent", N_("App memory above (% of its limit)"), 1, 100, 1, 0 },
    { "scaling-ram-minutes", N_("… for (minutes)"), 0, 360, 1, 0 },
    { "scaling-app-memory-mib", N_("App memory limit (MiB)"), 64, 1048576, 64, 0 },
    { "scaling-p95-seconds", N_("P95 latency above (seconds)"), 0.01, 120, 0.1, 2 },
    { "scaling-p95-minutes", N_("… for (minutes)"), 0, 360, 1, 0 },
    { "scaling-error-percent", N_("Error rate above (%), SEV1"), 0.01, 100, 0.5, 2 },
    { "scaling-error-minutes", N_("… for (minutes)"), 0, 360, 1, 0 },
    /* xgettext:no-c-format */
    { "scaling-db-percent", N_("Database connections above (% of the pool)"), 1, 100, 1, 0 },
    { "scaling-now-refresh-seconds", N_("Read “Now” again every (seconds, 0 for never)"), 0, 3600, 5, 0 },
  };
  GSettings *settings = sn_settings_get_gsettings (sn_settings_get_default ());

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *spin = gtk_spin_button_new_with_range (rows[i].lower, rows[i].upper, rows[i].step);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(rows[i].title));
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), rows[i].digits);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_widget_set_name (spin, rows[i].key);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _(rows[i].title), -1);
      adw_action_row_add_suffix (row, spin);
      adw_action_row_set_activatable_widget (row, spin);
      g_settings_bind (settings, rows[i].key, spin, "value", G_SETTINGS_BIND_DEFAULT);
      adw_preferences_group_add (self->scaling_group, GTK_WIDGET (row));
    }
}

static void
sn_preferences_window_constructed (GObject *object)
{
  SnPreferencesWindow *self = (SnPreferencesWindow *)object;
  GtkWidget *placeholder;

  G_OBJECT_CLASS (sn_preferences_window_parent_class)->constructed (object);

  g_object_bind_property (sn_settings_get_default (), SN_SETTINGS_KEY_REFRESH_INTERVAL,
                          self->refresh_interval_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_settings_bind (sn_settings_get_gsettings (sn_settings_get_default ()),
                   SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY,
                   self->allow_read_only_incidents_switch, "active", G_SETTINGS_BIND_DEFAULT);
  add_scaling_rows (self);

  if (self->parent != NULL)
    {
      self->profile_store = g_object_ref (sn_window_get_profile_store (self->parent));
      gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (self->parent));
    }
  else
    {
      g_autofree char *directory = sn_profile_store_default_directory ();
      g_autoptr(GError) error = NULL;

      self->profile_store = sn_profile_store_new (directory);
      if (!sn_profile_store_load (self->profile_store, &error))
        sn_gui_toast_error (GTK_WIDGET (self), error->message);
    }

  placeholder = gtk_label_new (_("No profiles yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->profiles_list, placeholder);
  gtk_list_box_bind_model (self->profiles_list, G_LIST_MODEL (self->profile_store),
                           create_profile_row, self, NULL);
}

static void
sn_preferences_window_dispose (GObject *object)
{
  SnPreferencesWindow *self = (SnPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_PREFERENCES_WINDOW);

  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->profile_store);

  G_OBJECT_CLASS (sn_preferences_window_parent_class)->dispose (object);
}

static void
sn_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SnPreferencesWindow *self = SN_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MAIN_WINDOW:
      g_set_weak_pointer (&self->parent, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SnPreferencesWindow *self = SN_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MAIN_WINDOW:
      g_value_set_object (value, self->parent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_preferences_window_class_init (SnPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sn_preferences_window_constructed;
  object_class->dispose = sn_preferences_window_dispose;
  object_class->get_property = sn_preferences_window_get_property;
  object_class->set_property = sn_preferences_window_set_property;

  properties[PROP_MAIN_WINDOW] =
    g_param_spec_object ("main-window", NULL, NULL,
                         SN_TYPE_WINDOW,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SnPreferencesWindow, refresh_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, SnPreferencesWindow, allow_read_only_incidents_switch);
  gtk_widget_class_bind_template_child (widget_class, SnPreferencesWindow, scaling_group);
  gtk_widget_class_bind_template_child (widget_class, SnPreferencesWindow, profiles_list);

  gtk_widget_class_install_action (widget_class, "prefs.add-profile", NULL, add_profile_action);
}

static void
name_search_entries (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search preferences"),
                                    -1);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_search_entries (child);
}

static void
sn_preferences_window_init (SnPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (sn_contacts_page_new ()));

  /* AdwPreferencesWindow 1.2 leaves its search entry without a name. */
  name_search_entries (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * sn_preferences_window_new:
 * @parent: (nullable): the main window, whose profile store it edits
 */
SnPreferencesWindow *
sn_preferences_window_new (SnWindow *parent)
{
  return g_object_new (SN_TYPE_PREFERENCES_WINDOW,
                       "main-window", parent,
                       NULL);
}
