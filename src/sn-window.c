/* sn-window.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-activity-window.h"
#include "sn-backups-page.h"
#include "sn-connection-indicator.h"
#include "sn-cache-view.h"
#include "sn-database-view.h"
#include "sn-deployments-view.h"
#include "sn-maintenance-view.h"
#include "sn-scaling-view.h"
#include "sn-first-run-page.h"
#include "sn-gui-util.h"
#include "sn-incidents-view.h"
#include "sn-profile-editor.h"
#include "sn-runbooks-window.h"
#include "sn-settings.h"
#include "sn-window.h"

struct _SnWindow
{
  AdwApplicationWindow  parent_instance;

  SnProfileStore       *profile_store;
  SnProfile            *profile;
  SnConnection         *connection;
  char                 *initial_profile;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkMenuButton        *primary_menu_button;
  GMenuModel           *primary_menu;
  GtkDropDown          *profile_dropdown;
  GtkRevealer          *production_revealer;
  GtkStack             *main_stack;
  AdwViewStack         *view_stack;
  AdwBin               *first_run_bin;

  /* Borrowed: the header bar's connection state */
  SnConnectionIndicator *connection_indicator;

  /* Work the views asked to start once the first frame is painted (#21):
   * Deferred items. */
  GPtrArray            *after_first_frame;
  guint                 first_frame_done : 1;
  guint                 syncing_selection : 1;
};

typedef struct
{
  GtkWidget    *widget;   /* weak */
  SnWindowFunc  func;
} Deferred;

enum {
  PROP_0,
  PROP_PROFILE_STORE,
  PROP_PROFILE,
  PROP_INITIAL_PROFILE,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnWindow, sn_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

/*
 * The views of the window, in order: the areas of the runbook, one switcher
 * (Cache, Scaling and Maintenance join as they land). Each is a
 * widget with a "profile" property (bound to the window's) and a
 * "view.refresh" action; sub-pages live inside a view only where needed.
 * Adding a view is one line here.
 */
static const struct {
  const char *name;
  const char *title;
  const char *icon_name;
  GType     (*get_type) (void);
} sn_views[] = {
  { "incidents", N_("Incidents"), "dialog-warning-symbolic", sn_incidents_view_get_type },
  { "database", N_("Database"), "drive-harddisk-symbolic", sn_database_view_get_type },
  { "cache", N_("Cache"), "view-list-symbolic", sn_cache_view_get_type },
  { "backups", N_("Backups"), "document-save-symbolic", sn_backups_page_get_type },
  { "deployments", N_("Deployments"), "system-software-install-symbolic", sn_deployments_view_get_type },
  { "scaling", N_("Scaling"), "zoom-fit-best-symbolic", sn_scaling_view_get_type },
  { "maintenance", N_("Maintenance"), "emblem-system-symbolic", sn_maintenance_view_get_type },
};

static guint
find_profile_position (SnWindow   *self,
                       const char *name)
{
  GListModel *model = G_LIST_MODEL (self->profile_store);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnProfile) profile = g_list_model_get_item (model, i);

      if (g_strcmp0 (sn_profile_get_name (profile), name) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static void
sn_window_update_title (SnWindow *self)
{
  g_autofree char *title = NULL;

  if (self->profile != NULL)
    /* Translators: the window title, %s is the profile name */
    title = g_strdup_printf (_("Narcisse Admin — %s"), sn_profile_get_name (self->profile));
  else
    title = g_strdup (_("Narcisse Admin"));

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        self->profile != NULL ? sn_profile_get_name (self->profile) : NULL);
}

static void
sn_window_update_empty (SnWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->profile_store)) == 0;

  if (empty && adw_bin_get_child (self->first_run_bin) == NULL)
    adw_bin_set_child (self->first_run_bin, sn_first_run_page_new ());
  gtk_stack_set_visible_child_name (self->main_stack, empty ? "first-run" : "views");
  gtk_widget_set_visible (GTK_WIDGET (self->profile_dropdown), !empty);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, !empty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", !empty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-profile", self->profile != NULL);
}

static void
sn_window_sync_dropdown (SnWindow *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->profile != NULL)
    position = find_profile_position (self, sn_profile_get_name (self->profile));

  self->syncing_selection = TRUE;
  gtk_drop_down_set_selected (self->profile_dropdown, position);
  self->syncing_selection = FALSE;
}

static void
sn_window_dropdown_selected_cb (SnWindow    *self,
                                GParamSpec  *pspec,
                                GtkDropDown *dropdown)
{
  gpointer item;

  if (self->syncing_selection)
    return;

  item = gtk_drop_down_get_selected_item (dropdown);
  if (item != NULL && item != self->profile)
    sn_window_set_profile (self, item);
}

static void
sn_window_store_changed_cb (SnWindow   *self,
                            guint       position,
                            guint       removed,
                            guint       added,
                            GListModel *model)
{
  g_assert (SN_IS_WINDOW (self));

  /* A save may replace the object; follow the profile by name. */
  if (self->profile != NULL)
    {
      SnProfile *current = sn_profile_store_lookup (self->profile_store,
                                                    sn_profile_get_name (self->profile));

      if (current == NULL && g_list_model_get_n_items (model) > 0)
        {
          g_autoptr(SnProfile) first = g_list_model_get_item (model, 0);
          sn_window_set_profile (self, first);
        }
      else
        sn_window_set_profile (self, current);
    }
  else if (g_list_model_get_n_items (model) == 1)
    {
      g_autoptr(SnProfile) only = g_list_model_get_item (model, 0);
      sn_window_set_profile (self, only);
    }

  sn_window_sync_dropdown (self);
  sn_window_update_empty (self);
}

static void
profile_item_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *badge = gtk_label_new (_("Production"));

  gtk_accessible_update_state (GTK_ACCESSIBLE (dot), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_widget_add_css_class (dot, "profile-dot");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (badge, "production-badge");
  gtk_widget_add_css_class (badge, "caption");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_list_item_set_child (item, box);
}

static void
profile_item_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  SnProfile *profile = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *dot = gtk_widget_get_first_child (box);
  GtkWidget *name = gtk_widget_get_next_sibling (dot);
  GtkWidget *badge = gtk_widget_get_next_sibling (name);
  const char *color = sn_profile_get_color (profile);
  g_autofree char *markup = NULL;
  GdkRGBA rgba;

  if (color == NULL || !gdk_rgba_parse (&rgba, color))
    color = "#3584e4";
  markup = g_markup_printf_escaped ("<span foreground=\"%s\">●</span>", color);
  gtk_label_set_markup (GTK_LABEL (dot), markup);
  gtk_label_set_label (GTK_LABEL (name), sn_profile_get_name (profile));
  gtk_widget_set_visible (badge, sn_profile_get_production (profile));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnWindow *self = SN_WINDOW (widget);
  GtkWidget *bin = adw_view_stack_get_visible_child (self->view_stack);
  GtkWidget *view = bin != NULL ? adw_bin_get_child (ADW_BIN (bin)) : NULL;

  if (view != NULL && self->profile != NULL)
    gtk_widget_activate_action (view, "view.refresh", NULL);
}

static void
add_production_profile_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  SnWindow *self = SN_WINDOW (widget);
  g_autoptr(SnProfile) profile = sn_profile_new_production ();
  g_autoptr(GError) error = NULL;
  SnProfile *existing;

  /* Writing the file contacts nothing; the person adds keys in the editor. */
  existing = sn_profile_store_lookup (self->profile_store, sn_profile_get_name (profile));
  if (existing == NULL)
    {
      if (!sn_profile_store_save (self->profile_store, profile, &error))
        {
          sn_window_show_error (self, error->message);
          return;
        }
      existing = sn_profile_store_lookup (self->profile_store, sn_profile_get_name (profile));
    }

  if (existing != NULL)
    {
      sn_window_select_profile (self, sn_profile_get_name (existing));
      sn_window_edit_profile (self, existing, FALSE);
    }
}

static void
add_local_profile_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  SnWindow *self = SN_WINDOW (widget);
  g_autoptr(SnProfile) profile = NULL;
  const char *name = "local";

  if (sn_profile_store_lookup (self->profile_store, name) != NULL)
    name = "local-2";

  profile = sn_profile_new (name);
  g_object_set (profile,
                "ssh-host", "127.0.0.1",
                "site-url", "http://127.0.0.1:3000",
                "safety-level", SN_SAFETY_LEVEL_ADMIN,
                "production", FALSE,
                NULL);
  sn_window_edit_profile (self, profile, TRUE);
}

static void
add_profile_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SnWindow *self = SN_WINDOW (widget);

  sn_window_edit_profile (self, NULL, TRUE);
}

static void
edit_profile_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SnWindow *self = SN_WINDOW (widget);

  if (self->profile != NULL)
    sn_window_edit_profile (self, self->profile, FALSE);
}

static void
runbooks_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnWindow *self = SN_WINDOW (widget);
  SnRunbooksWindow *runbooks = sn_runbooks_window_new (GTK_WINDOW (self), self->profile);

  /* The Run buttons follow the profile chosen here. */
  g_object_bind_property (self, "profile", runbooks, "profile", G_BINDING_DEFAULT);
  gtk_window_present (GTK_WINDOW (runbooks));
}

static void
activity_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  gtk_window_present (GTK_WINDOW (sn_activity_window_new (GTK_WINDOW (widget))));
}

static void
sn_window_editor_saved_cb (SnWindow        *self,
                           SnProfile       *profile,
                           SnProfileEditor *editor)
{
  sn_window_select_profile (self, sn_profile_get_name (profile));
}

static void
sn_window_editor_error_cb (SnWindow        *self,
                           const char      *message,
                           SnProfileEditor *editor)
{
  sn_window_show_error (self, message);
}

static gboolean
sn_window_close_request (GtkWindow *window)
{
  int width = 0;
  int height = 0;

  gtk_window_get_default_size (window, &width, &height);
  sn_settings_set_window_state (sn_settings_get_default (), width, height,
                                gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (sn_window_parent_class)->close_request (window);
}

static void
sn_window_constructed (GObject *object)
{
  SnWindow *self = (SnWindow *)object;
  SnSettings *settings = sn_settings_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;
  SnProfile *profile = NULL;

  G_OBJECT_CLASS (sn_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               sn_settings_get_window_width (settings),
                               sn_settings_get_window_height (settings));
  if (sn_settings_get_window_maximized (settings))
    gtk_window_maximize (GTK_WINDOW (self));

  if (self->profile_store == NULL)
    {
      g_autofree char *directory = sn_profile_store_default_directory ();
      self->profile_store = sn_profile_store_new (directory);
    }

  /* A malformed file is named in a toast; the good profiles still load. */
  if (!sn_profile_store_load (self->profile_store, &error))
    sn_window_show_error (self, error->message);

  gtk_drop_down_set_model (self->profile_dropdown, G_LIST_MODEL (self->profile_store));
  g_signal_connect_object (self->profile_store,
                           "items-changed",
                           G_CALLBACK (sn_window_store_changed_cb),
                           self,
                           G_CONNECT_SWAPPED);

  /* The --profile given, else the last used, else the only (or first) one. */
  if (self->initial_profile != NULL && *self->initial_profile != '\0')
    {
      profile = sn_profile_store_lookup (self->profile_store, self->initial_profile);
      if (profile == NULL)
        {
          g_autofree char *message = NULL;

          /* Translators: %s is a profile name given on the command line */
          message = g_strdup_printf (_("No profile is named “%s”"), self->initial_profile);
          sn_window_show_error (self, message);
        }
    }

  if (profile == NULL)
    {
      last = sn_settings_dup_last_profile (settings);
      if (last != NULL && *last != '\0')
        profile = sn_profile_store_lookup (self->profile_store, last);
    }

  if (profile == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->profile_store)) > 0)
    {
      g_autoptr(SnProfile) first = g_list_model_get_item (G_LIST_MODEL (self->profile_store), 0);
      profile = first;
      sn_window_set_profile (self, profile);
    }
  else
    sn_window_set_profile (self, profile);

  sn_window_sync_dropdown (self);
  sn_window_update_empty (self);

  g_signal_connect_object (self->profile_dropdown,
                           "notify::selected-item",
                           G_CALLBACK (sn_window_dropdown_selected_cb),
                           self,
                           G_CONNECT_SWAPPED);
}

static void
sn_window_dispose (GObject *object)
{
  SnWindow *self = (SnWindow *)object;

  g_clear_pointer (&self->after_first_frame, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_WINDOW);

  /* The session ends here, on the main thread. */
  if (self->connection != NULL)
    sn_connection_close (self->connection);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->profile_store);

  G_OBJECT_CLASS (sn_window_parent_class)->dispose (object);
}

static void
sn_window_finalize (GObject *object)
{
  SnWindow *self = (SnWindow *)object;

  g_clear_pointer (&self->initial_profile, g_free);

  G_OBJECT_CLASS (sn_window_parent_class)->finalize (object);
}

static void
sn_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SnWindow *self = SN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE_STORE:
      g_value_set_object (value, self->profile_store);
      break;

    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_INITIAL_PROFILE:
      g_value_set_string (value, self->initial_profile);
      break;

    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SnWindow *self = SN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE_STORE:
      self->profile_store = g_value_dup_object (value);
      break;

    case PROP_PROFILE:
      sn_window_set_profile (self, g_value_get_object (value));
      break;

    case PROP_INITIAL_PROFILE:
      self->initial_profile = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deferred_free (gpointer data)
{
  Deferred *item = data;

  if (item->widget != NULL)
    g_object_remove_weak_pointer (G_OBJECT (item->widget), (gpointer *)&item->widget);
  g_free (item);
}

static void
run_deferred (SnWindow *self)
{
  g_autoptr(GPtrArray) deferred = g_steal_pointer (&self->after_first_frame);

  self->first_frame_done = TRUE;
  for (guint i = 0; deferred != NULL && i < deferred->len; i++)
    {
      Deferred *item = g_ptr_array_index (deferred, i);

      if (item->widget != NULL)
        item->func (item->widget);
    }
}

static gboolean
run_deferred_idle_cb (gpointer user_data)
{
  run_deferred (SN_WINDOW (user_data));

  return G_SOURCE_REMOVE;
}

static void
first_frame_painted_cb (GdkFrameClock *clock,
                        SnWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted_cb, self);
  /* Not inside the paint: the frame is on screen before the work starts. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, run_deferred_idle_cb, g_object_ref (self), g_object_unref);
}

static void
sn_window_realize (GtkWidget *widget)
{
  SnWindow *self = SN_WINDOW (widget);

  GTK_WIDGET_CLASS (sn_window_parent_class)->realize (widget);

  if (!self->first_frame_done)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (first_frame_painted_cb), self, 0);
}

/**
 * sn_window_after_first_frame:
 * @widget: a widget of a view
 * @func: what to run with @widget
 *
 * Runs @func now, or, while @widget's window has not painted its first frame,
 * once it has: a view's first read of the disk or the network waits for the
 * window to be on screen (#21). Nothing runs if @widget is finalized first.
 * Outside an #SnWindow (a widget tested on its own) @func runs now.
 */
void
sn_window_after_first_frame (GtkWidget    *widget,
                             SnWindowFunc  func)
{
  GtkRoot *root;
  SnWindow *self;
  Deferred *item;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  root = gtk_widget_get_root (widget);
  if (!SN_IS_WINDOW (root) || SN_WINDOW (root)->first_frame_done)
    {
      func (widget);
      return;
    }

  self = SN_WINDOW (root);
  if (self->after_first_frame == NULL)
    self->after_first_frame = g_ptr_array_new_with_free_func (deferred_free);
  /* The same work asked twice runs once. */
  for (guint i = 0; i < self->after_first_frame->len; i++)
    {
      Deferred *other = g_ptr_array_index (self->after_first_frame, i);

      if (other->widget == widget && other->func == func)
        return;
    }
  item = g_new0 (Deferred, 1);
  item->widget = widget;
  item->func = func;
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *)&item->widget);
  g_ptr_array_add (self->after_first_frame, item);
}

static void
sn_window_class_init (SnWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sn_window_constructed;
  object_class->dispose = sn_window_dispose;
  object_class->finalize = sn_window_finalize;
  object_class->get_property = sn_window_get_property;
  object_class->set_property = sn_window_set_property;
  widget_class->realize = sn_window_realize;

  window_class->close_request = sn_window_close_request;

  properties[PROP_PROFILE_STORE] =
    g_param_spec_object ("profile-store", NULL, NULL,
                         SN_TYPE_PROFILE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_INITIAL_PROFILE] =
    g_param_spec_string ("initial-profile", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The one SSH session of the window's profile, shared by the views. */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         SN_TYPE_CONNECTION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SnWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, profile_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, production_revealer);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SnWindow, first_run_bin);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.add-production-profile", NULL,
                                   add_production_profile_action);
  gtk_widget_class_install_action (widget_class, "win.add-local-profile", NULL,
                                   add_local_profile_action);
  gtk_widget_class_install_action (widget_class, "win.add-profile", NULL, add_profile_action);
  gtk_widget_class_install_action (widget_class, "win.edit-profile", NULL, edit_profile_action);
  gtk_widget_class_install_action (widget_class, "win.runbooks", NULL, runbooks_action);
  gtk_widget_class_install_action (widget_class, "win.activity", NULL, activity_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.runbooks", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.activity", NULL);

}

static GtkWidget *
ensure_view (SnWindow *self,
             guint     index)
{
  GtkWidget *bin = adw_view_stack_get_child_by_name (self->view_stack, sn_views[index].name);
  GtkWidget *view = adw_bin_get_child (ADW_BIN (bin));

  if (view != NULL)
    return view;

  view = g_object_new (sn_views[index].get_type (), NULL);
  adw_bin_set_child (ADW_BIN (bin), view);
  g_object_bind_property (self, "profile", view, "profile", G_BINDING_SYNC_CREATE);

  /* The open incident's response clock stays in sight from every view. */
  if (SN_IS_INCIDENTS_VIEW (view))
    adw_header_bar_pack_end (self->header_bar,
                             sn_incidents_view_create_header_clock (SN_INCIDENTS_VIEW (view)));

  return view;
}

static void
visible_view_changed_cb (SnWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (sn_views); i++)
    if (g_str_equal (name, sn_views[i].name))
      ensure_view (self, i);
}

/**
 * sn_window_get_view:
 * @name: a view's name ("incidents", "database", "cache", …)
 *
 * Builds the view if it was never shown.
 *
 * Returns: (transfer none) (nullable): the view, %NULL for an unknown name
 */
GtkWidget *
sn_window_get_view (SnWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (SN_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sn_views); i++)
    if (g_str_equal (name, sn_views[i].name))
      return ensure_view (self, i);

  return NULL;
}

/**
 * sn_window_show_view:
 * @name: a view's name
 *
 * Shows the view (built if needed).
 *
 * Returns: (transfer none) (nullable): the view, %NULL for an unknown name
 */
GtkWidget *
sn_window_show_view (SnWindow   *self,
                     const char *name)
{
  GtkWidget *view = sn_window_get_view (self, name);

  if (view != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
  return view;
}

/* The main menu's popover (~50 widgets) is built when first opened. */
static void
create_primary_menu_cb (GtkMenuButton *button,
                        gpointer       user_data)
{
  SnWindow *self = SN_WINDOW (user_data);

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

/* The bottom switcher shows only in a narrow window: its seven buttons
 * (~110 widgets) are built the first time it is revealed, after the first
 * frame (the switcher title may say "narrow" for a moment during the first
 * layout of a wide window). */
static void
attach_switcher_bar (GtkWidget *widget)
{
  AdwViewSwitcherBar *bar = ADW_VIEW_SWITCHER_BAR (widget);
  SnWindow *self = SN_WINDOW (gtk_widget_get_root (widget));

  if (adw_view_switcher_bar_get_reveal (bar) && adw_view_switcher_bar_get_stack (bar) == NULL)
    adw_view_switcher_bar_set_stack (bar, self->view_stack);
}

static void
switcher_bar_reveal_cb (SnWindow *self)
{
  if (adw_view_switcher_bar_get_reveal (self->switcher_bar) &&
      adw_view_switcher_bar_get_stack (self->switcher_bar) == NULL)
    sn_window_after_first_frame (GTK_WIDGET (self->switcher_bar), attach_switcher_bar);
}

static void
sn_window_init (SnWindow *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (profile_item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (profile_item_bind_cb), NULL);
  gtk_drop_down_set_factory (self->profile_dropdown, factory);
  g_object_unref (factory);

  self->connection_indicator = SN_CONNECTION_INDICATOR (sn_connection_indicator_new ());
  adw_header_bar_pack_start (self->header_bar, GTK_WIDGET (self->connection_indicator));
  g_object_bind_property (self, "connection", self->connection_indicator, "connection",
                          G_BINDING_SYNC_CREATE);

  /* GtkDropDown's own button has no name for screen readers in GTK 4.8. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->profile_dropdown));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TOGGLE_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose a profile"),
                                        -1);
    }

  /* Each view is built the first time it is shown (#21: the first frame
   * waits only for the visible one); until then its page holds an empty
   * AdwBin, so the switcher shows every area at once. */
  for (guint i = 0; i < G_N_ELEMENTS (sn_views); i++)
    {
      GtkWidget *bin = adw_bin_new ();
      AdwViewStackPage *page;

      page = adw_view_stack_add_titled (self->view_stack, bin, sn_views[i].name,
                                        g_dgettext (GETTEXT_PACKAGE, sn_views[i].title));
      adw_view_stack_page_set_icon_name (page, sn_views[i].icon_name);
    }
  /* The switchers get the stack once it is full: libadwaita 1.2's switcher
   * rebuilds all its buttons on every page added (1 + 2 + … + 7 buttons
   * built, and as many thrown away, twice: ~35 ms of the first frame). */
  adw_view_switcher_title_set_stack (self->switcher_title, self->view_stack);
  g_signal_connect_object (self->switcher_bar, "notify::reveal",
                           G_CALLBACK (switcher_bar_reveal_cb), self, G_CONNECT_SWAPPED);
  switcher_bar_reveal_cb (self);
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_menu_cb, self, NULL);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (visible_view_changed_cb), self, G_CONNECT_SWAPPED);
  visible_view_changed_cb (self);
}

/**
 * sn_window_new:
 * @application: (nullable): the application
 * @profile_store: (nullable): the profiles; %NULL for the default directory
 * @initial_profile: (nullable): the profile to open on (`--profile`)
 */
SnWindow *
sn_window_new (GtkApplication *application,
               SnProfileStore *profile_store,
               const char     *initial_profile)
{
  return g_object_new (SN_TYPE_WINDOW,
                       "application", application,
                       "profile-store", profile_store,
                       "initial-profile", initial_profile,
                       NULL);
}

SnProfileStore *
sn_window_get_profile_store (SnWindow *self)
{
  g_return_val_if_fail (SN_IS_WINDOW (self), NULL);

  return self->profile_store;
}

/**
 * sn_window_get_connection:
 * @self: a #SnWindow
 *
 * Returns: (transfer none) (nullable): the SSH connection of the profile
 */
SnConnection *
sn_window_get_connection (SnWindow *self)
{
  g_return_val_if_fail (SN_IS_WINDOW (self), NULL);

  return self->connection;
}

/**
 * sn_window_dup_ssh_session:
 * @widget: a widget of the window, or not yet in one
 * @profile: the profile the widget works on
 * @shared: (out): whether the session is the window's (then never
 *   disconnect it yourself) or a new one of the caller's
 *
 * The one SSH session of the window when @widget is in a window on the same
 * profile, so the app keeps one connection per host; else a new session.
 *
 * Returns: (transfer full): the session
 */
SnSshSession *
sn_window_dup_ssh_session (GtkWidget *widget,
                           SnProfile *profile,
                           gboolean  *shared)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  if (SN_IS_WINDOW (root))
    {
      SnConnection *connection = sn_window_get_connection (SN_WINDOW (root));

      if (connection != NULL &&
          g_strcmp0 (sn_profile_get_name (sn_connection_get_profile (connection)),
                     sn_profile_get_name (profile)) == 0)
        {
          *shared = TRUE;
          return g_object_ref (sn_connection_get_session (connection));
        }
    }

  *shared = FALSE;
  return sn_ssh_session_new (profile, sn_secret_store_get_default ());
}

SnProfile *
sn_window_get_profile (SnWindow *self)
{
  g_return_val_if_fail (SN_IS_WINDOW (self), NULL);

  return self->profile;
}

void
sn_window_set_profile (SnWindow  *self,
                       SnProfile *profile)
{
  g_return_if_fail (SN_IS_WINDOW (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  gtk_revealer_set_reveal_child (self->production_revealer,
                                 profile != NULL && sn_profile_get_production (profile));
  if (profile != NULL)
    sn_settings_set_last_profile (sn_settings_get_default (), sn_profile_get_name (profile));

  /* A new profile, a new session: the old one closes on the main thread. */
  if (self->connection != NULL)
    sn_connection_close (self->connection);
  g_clear_object (&self->connection);
  if (profile != NULL)
    self->connection = sn_connection_new (profile);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);

  sn_window_update_title (self);
  sn_window_sync_dropdown (self);
  sn_window_update_empty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * sn_window_select_profile:
 * @self: a #SnWindow
 * @name: a profile name
 *
 * Returns: %TRUE if the store has a profile named @name, now selected
 */
gboolean
sn_window_select_profile (SnWindow   *self,
                          const char *name)
{
  SnProfile *profile;

  g_return_val_if_fail (SN_IS_WINDOW (self), FALSE);

  profile = sn_profile_store_lookup (self->profile_store, name);
  if (profile == NULL)
    return FALSE;

  sn_window_set_profile (self, profile);

  return TRUE;
}

/**
 * sn_window_edit_profile:
 * @self: a #SnWindow
 * @profile: (nullable): the profile to edit, or the start of a new one
 * @is_new: whether saving creates a new profile
 *
 * Opens the modal profile editor over the window.
 */
void
sn_window_edit_profile (SnWindow  *self,
                        SnProfile *profile,
                        gboolean   is_new)
{
  SnProfileEditor *editor;

  g_return_if_fail (SN_IS_WINDOW (self));

  editor = sn_profile_editor_new (GTK_WINDOW (self), self->profile_store, profile, is_new);
  g_signal_connect_object (editor, "saved",
                           G_CALLBACK (sn_window_editor_saved_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "error",
                           G_CALLBACK (sn_window_editor_error_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

/**
 * sn_window_show_error:
 * @self: a #SnWindow
 * @message: a sentence a person can act on
 *
 * Shows @message in a toast that stays until dismissed.
 */
void
sn_window_show_error (SnWindow   *self,
                      const char *message)
{
  g_return_if_fail (SN_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  g_message ("%s", message);
  sn_gui_toast_error (GTK_WIDGET (self->toast_overlay), message);
}
