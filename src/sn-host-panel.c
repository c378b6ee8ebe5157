/* sn-host-panel.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-host-panel.h"
#include "sn-window.h"
#include "sn-host-rows.h"

struct _SnHostPanel
{
  GtkWidget      parent_instance;

  SnConnection  *connection;
  GCancellable  *cancellable;
  GListModel    *containers;
  GListModel    *disks;
  GBinding      *root_binding;

  /* Template children */
  GtkStack      *stack;
  GtkSpinner    *loading_spinner;
  AdwStatusPage *error_page;
  GtkSpinner    *spinner;
  GtkLabel      *updated_label;
  GtkLabel      *containers_error;
  GtkListBox    *containers_list;
  GtkLabel      *disks_error;
  GtkListBox    *disks_list;

  guint          pending;
  guint          ssh_failures;
  guint          busy : 1;
  guint          loaded : 1;
  guint          routine : 1;   /* the refresh under way is a timer's */
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_BUSY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnHostPanel, sn_host_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
set_busy (SnHostPanel *self,
          gboolean     busy)
{
  if (self->busy == !!busy)
    return;

  self->busy = !!busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_spinner_set_spinning (self->loading_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.refresh", !busy && self->connection != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Rows ----------------------------------------------------------------- */

static void
fill_list (GtkListBox *list,
           GListModel *model,
           GtkWidget *(*create) (gpointer item),
           const char *empty_text)
{
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  clear_list (list);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      gtk_list_box_append (list, create (item));
    }

  if (n == 0 && model != NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), empty_text);
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (list, row);
    }
}

/* Refresh --------------------------------------------------------------- */

typedef struct
{
  SnHostPanel *self;
  gboolean     containers;
} CallData;

static void
show_error_page (SnHostPanel  *self,
                 const GError *error)
{
  const char *title = _("Cannot Reach the Server");
  const char *icon_name = "network-error-symbolic";

  if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN))
    {
      title = _("Host Key Not Trusted Yet");
      icon_name = "channel-insecure-symbolic";
    }
  else if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED))
    {
      title = _("Host Key Changed");
      icon_name = "channel-insecure-symbolic";
    }
  else if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE))
    {
      title = _("Host Known with Another Key Type");
      icon_name = "channel-insecure-symbolic";
    }
  else if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH) ||
           g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE))
    {
      title = _("Login Refused");
      icon_name = "dialog-password-symbolic";
    }
  else if (g_error_matches (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK))
    title = _("Address Not Allowed");

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_icon_name (self->error_page, icon_name);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
call_done (SnHostPanel *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *updated = NULL;

  g_assert (self->pending > 0);
  if (--self->pending > 0)
    return;

  now = g_date_time_new_now_local ();
  time_text = g_date_time_format (now, "%H:%M:%S");
  /* Translators: %s is a time of day */
  updated = g_strdup_printf (_("Updated at %s"), time_text);
  gtk_label_set_label (self->updated_label, updated);

  if (self->ssh_failures < 2 || self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "content");
  self->loaded = self->loaded || self->ssh_failures < 2;
  set_busy (self, FALSE);
}

static void
call_failed (SnHostPanel *self,
             GtkLabel    *label,
             GtkListBox  *list,
             GError      *error)
{
  clear_list (list);
  gtk_label_set_label (label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
  if (error->domain == SN_SSH_ERROR)
    {
      self->ssh_failures++;
      sn_connection_report_error (self->connection, error);
      if (self->ssh_failures == 2 && !self->loaded)
        show_error_page (self, error);
    }
}

static void
ps_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(SnHostPanel) self = user_data;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = sn_host_compose_ps_finish (SN_HOST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (model == NULL)
    call_failed (self, self->containers_error, self->containers_list, error);
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->containers_error), FALSE);
      g_set_object (&self->containers, model);
      fill_list (self->containers_list, model, (gpointer)sn_container_row_new,
                 _("No containers: docker compose lists none"));
    }
  call_done (self);
}

static void
df_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(SnHostPanel) self = user_data;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = sn_host_disk_usage_finish (SN_HOST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (model == NULL)
    call_failed (self, self->disks_error, self->disks_list, error);
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->disks_error), FALSE);
      g_set_object (&self->disks, model);
      fill_list (self->disks_list, model, (gpointer)sn_disk_row_new, _("No file systems"));
    }
  call_done (self);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnHostPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  SnConnection *connection = SN_CONNECTION (object);
  SnHost *host;

  if (!sn_connection_connect_finish (connection, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->loaded = FALSE;
      show_error_page (self, error);
      set_busy (self, FALSE);
      return;
    }

  if (connection != self->connection)
    return;

  /* The timer's refreshes are routine reads, folded in the audit log. */
  host = self->routine ? sn_connection_get_monitoring_host (connection) : sn_connection_get_host (connection);
  self->pending = 2;
  self->ssh_failures = 0;
  sn_host_compose_ps_async (host, self->cancellable, ps_cb, g_object_ref (self));
  sn_host_disk_usage_async (host, self->cancellable, df_cb, g_object_ref (self));
}

static void sn_host_panel_refresh_internal (SnHostPanel *self);

/**
 * sn_host_panel_refresh:
 * @self: a #SnHostPanel
 *
 * Asks the server for its containers (`docker compose ps`) and disks
 * (`df`), both audited. Does nothing while a refresh is under way.
 */
void
sn_host_panel_refresh (SnHostPanel *self)
{
  g_return_if_fail (SN_IS_HOST_PANEL (self));

  if (!self->busy)
    self->routine = FALSE;
  sn_host_panel_refresh_internal (self);
}

/**
 * sn_host_panel_poll:
 * @self: a #SnHostPanel
 *
 * sn_host_panel_refresh() for a timer: the same reads, counted in the hour's
 * "monitoring" line of the audit log instead of a line each.
 */
void
sn_host_panel_poll (SnHostPanel *self)
{
  g_return_if_fail (SN_IS_HOST_PANEL (self));

  if (!self->busy)
    self->routine = TRUE;
  sn_host_panel_refresh_internal (self);
}

static void
sn_host_panel_refresh_internal (SnHostPanel *self)
{
  if (self->connection == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (self->busy)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  sn_connection_connect_async (self->connection, self->cancellable, connect_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  sn_host_panel_refresh (SN_HOST_PANEL (widget));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SnHostPanel *self = SN_HOST_PANEL (widget);

  if (self->connection == NULL)
    return;

  sn_connection_retry (self->connection);
  sn_host_panel_refresh (self);
}

/* The window owns the connection: follow its "connection" property. */
static void
sn_host_panel_root (GtkWidget *widget)
{
  SnHostPanel *self = SN_HOST_PANEL (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sn_host_panel_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (self->root_binding == NULL &&
      root != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (root), "connection") != NULL)
    self->root_binding = g_object_bind_property (root, "connection", self, "connection",
                                                 G_BINDING_SYNC_CREATE);
}

static void
sn_host_panel_unroot (GtkWidget *widget)
{
  SnHostPanel *self = SN_HOST_PANEL (widget);

  if (self->root_binding != NULL)
    {
      g_binding_unbind (self->root_binding);
      self->root_binding = NULL;
    }

  GTK_WIDGET_CLASS (sn_host_panel_parent_class)->unroot (widget);
}

static void
sn_host_panel_dispose (GObject *object)
{
  SnHostPanel *self = (SnHostPanel *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_HOST_PANEL);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->containers);
  g_clear_object (&self->disks);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (sn_host_panel_parent_class)->dispose (object);
}

static void
sn_host_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnHostPanel *self = SN_HOST_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_host_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SnHostPanel *self = SN_HOST_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      sn_host_panel_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_host_panel_class_init (SnHostPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_host_panel_dispose;
  object_class->get_property = sn_host_panel_get_property;
  object_class->set_property = sn_host_panel_set_property;

  widget_class->root = sn_host_panel_root;
  widget_class->unroot = sn_host_panel_unroot;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         SN_TYPE_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-host-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, updated_label);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, containers_error);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, containers_list);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, disks_error);
  gtk_widget_class_bind_template_child (widget_class, SnHostPanel, disks_list);

  gtk_widget_class_install_action (widget_class, "host.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "host.retry", NULL, retry_action);
}

/* Disk bars: calm until 80 %, then warning, then error. */
static void
load_css (GtkWidget *widget)
{
  static GtkCssProvider *provider;
  GdkDisplay *display = gtk_widget_get_display (widget);

  if (provider != NULL || display == NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
                                   "levelbar.disk-usage block.disk-ok { background-color: @accent_bg_color; }\n"
                                   "levelbar.disk-usage block.disk-warn { background-color: @warning_bg_color; }\n"
                                   "levelbar.disk-usage block.disk-full { background-color: @error_bg_color; }\n",
                                   -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
sn_host_panel_init (SnHostPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.refresh", FALSE);
}

GtkWidget *
sn_host_panel_new (void)
{
  return g_object_new (SN_TYPE_HOST_PANEL, NULL);
}

SnConnection *
sn_host_panel_get_connection (SnHostPanel *self)
{
  g_return_val_if_fail (SN_IS_HOST_PANEL (self), NULL);
  return self->connection;
}

static void
refresh_widget (GtkWidget *widget)
{
  sn_host_panel_refresh (SN_HOST_PANEL (widget));
}

/**
 * sn_host_panel_set_connection:
 * @self: a #SnHostPanel
 * @connection: (nullable): the window's connection
 *
 * Forgets what the previous server showed and asks the new one.
 */
void
sn_host_panel_set_connection (SnHostPanel  *self,
                              SnConnection *connection)
{
  g_return_if_fail (SN_IS_HOST_PANEL (self));
  g_return_if_fail (!connection || SN_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->containers);
  g_clear_object (&self->disks);
  clear_list (self->containers_list);
  clear_list (self->disks_list);
  gtk_label_set_label (self->updated_label, "");
  self->loaded = FALSE;
  self->pending = 0;
  set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.refresh", connection != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);

  /* No connection before the window's first frame (#21). */
  sn_window_after_first_frame (GTK_WIDGET (self), refresh_widget);
}

gboolean
sn_host_panel_get_busy (SnHostPanel *self)
{
  g_return_val_if_fail (SN_IS_HOST_PANEL (self), FALSE);
  return self->busy;
}

/**
 * sn_host_panel_get_containers:
 *
 * Returns: (transfer none) (nullable): the last `docker compose ps`
 */
GListModel *
sn_host_panel_get_containers (SnHostPanel *self)
{
  g_return_val_if_fail (SN_IS_HOST_PANEL (self), NULL);
  return self->containers;
}

/**
 * sn_host_panel_get_disks:
 *
 * Returns: (transfer none) (nullable): the last `df`
 */
GListModel *
sn_host_panel_get_disks (SnHostPanel *self)
{
  g_return_val_if_fail (SN_IS_HOST_PANEL (self), NULL);
  return self->disks;
}
