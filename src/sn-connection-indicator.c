/* sn-connection-indicator.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-connection-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-connection-indicator.h"
#include "sn-gui-util.h"
#include "sn-host-key-dialog.h"

struct _SnConnectionIndicator
{
  GtkWidget        parent_instance;

  SnConnection    *connection;
  SnHostKeyDialog *dialog;        /* borrowed, weak */
  char            *status_text;

  GtkWidget       *menu_button;
  GtkStack        *icon_stack;
  GtkImage        *image;
  GtkSpinner      *spinner;
  GtkImage        *popover_image;
  GtkLabel        *heading_label;
  GtkLabel        *body_label;
  GtkButton       *retry_button;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnConnectionIndicator, sn_connection_indicator, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char * const state_classes[] = {
  "connection-idle", "connection-connecting", "connection-connected", "connection-failed",
};

static void
set_accessible_label (SnConnectionIndicator *self,
                      const char            *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
dialog_response_cb (SnConnectionIndicator *self,
                    const char            *response,
                    SnHostKeyDialog       *dialog)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, SN_HOST_KEY_RESPONSE_TRUST) != 0 || self->connection == NULL)
    return;

  if (!sn_connection_trust_host_key (self->connection,
                                     sn_host_key_dialog_get_fingerprint (dialog), &error))
    sn_gui_toast (GTK_WIDGET (self), error->message);
}

static void
show_host_key_dialog (SnConnectionIndicator *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->dialog != NULL)
    return;

  self->dialog = sn_host_key_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         sn_connection_get_session (self->connection),
                                         sn_connection_get_error (self->connection));
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *)&self->dialog);
  g_signal_connect_object (self->dialog, "response",
                           G_CALLBACK (dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

static void
sn_connection_indicator_update (SnConnectionIndicator *self)
{
  SnConnectionState state = SN_CONNECTION_STATE_IDLE;
  g_autofree char *where = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *tooltip = NULL;
  const char *body = NULL;
  const char *icon_name = "network-wired-disconnected-symbolic";
  const char *status = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), self->connection != NULL);
  if (self->connection == NULL)
    return;

  state = sn_connection_get_state (self->connection);
  where = sn_connection_dup_display_name (self->connection);

  switch (state)
    {
    case SN_CONNECTION_STATE_CONNECTED:
      icon_name = "network-wired-symbolic";
      /* Translators: accessible name of the header bar's connection button */
      status = _("Connection: connected");
      heading = g_strdup (_("Connected"));
      /* Translators: %s is user@host:port */
      tooltip = g_strdup_printf (_("Connected to %s over SSH"), where);
      body = tooltip;
      break;

    case SN_CONNECTION_STATE_CONNECTING:
      status = _("Connection: connecting");
      heading = g_strdup (_("Connecting…"));
      /* Translators: %s is user@host:port */
      tooltip = g_strdup_printf (_("Connecting to %s…"), where);
      body = tooltip;
      break;

    case SN_CONNECTION_STATE_FAILED:
      icon_name = "network-error-symbolic";
      status = _("Connection: failed");
      heading = g_strdup (_("Connection Failed"));
      body = sn_connection_get_error_message (self->connection);
      /* The reason, in short: the first sentence. */
      if (body != NULL)
        {
          const char *end = strstr (body, ". ");

          tooltip = end != NULL ? g_strndup (body, end - body + 1) : g_strdup (body);
        }
      break;

    case SN_CONNECTION_STATE_IDLE:
    default:
      status = _("Connection: not connected");
      heading = g_strdup (_("Not Connected"));
      /* Translators: %s is user@host:port */
      tooltip = g_strdup_printf (_("Not connected to %s yet: it connects when a view needs the server"),
                                 where);
      body = tooltip;
      break;
    }

  gtk_stack_set_visible_child_name (self->icon_stack,
                                    state == SN_CONNECTION_STATE_CONNECTING ? "spinner" : "icon");
  gtk_spinner_set_spinning (self->spinner, state == SN_CONNECTION_STATE_CONNECTING);
  gtk_image_set_from_icon_name (self->image, icon_name);
  gtk_image_set_from_icon_name (self->popover_image,
                                state == SN_CONNECTION_STATE_CONNECTING
                                  ? "network-transmit-receive-symbolic" : icon_name);
  gtk_label_set_label (self->heading_label, heading);
  gtk_label_set_label (self->body_label, body != NULL ? body : "");
  gtk_widget_set_tooltip_text (self->menu_button, tooltip);
  gtk_button_set_label (self->retry_button,
                        state == SN_CONNECTION_STATE_FAILED ? _("_Retry") : _("_Connect"));
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          state == SN_CONNECTION_STATE_FAILED || state == SN_CONNECTION_STATE_IDLE);

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (self->menu_button, state_classes[i]);
  gtk_widget_add_css_class (self->menu_button, state_classes[state]);

  if (g_strcmp0 (self->status_text, status) != 0)
    {
      g_free (self->status_text);
      self->status_text = g_strdup (status);
      set_accessible_label (self, status);
    }
}

static void
state_changed_cb (SnConnectionIndicator *self,
                  GParamSpec            *pspec,
                  SnConnection          *connection)
{
  sn_connection_indicator_update (self);

  if (sn_connection_get_state (connection) == SN_CONNECTION_STATE_FAILED &&
      sn_host_key_error_is_host_key (sn_connection_get_error (connection)))
    show_host_key_dialog (self);
}

static void
retry_clicked_cb (SnConnectionIndicator *self)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (self->retry_button), GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  if (self->connection != NULL)
    sn_connection_retry (self->connection);
}

static void
sn_connection_indicator_dispose (GObject *object)
{
  SnConnectionIndicator *self = (SnConnectionIndicator *)object;

  if (self->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *)&self->dialog);
  self->dialog = NULL;
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_CONNECTION_INDICATOR);
  self->menu_button = NULL;

  G_OBJECT_CLASS (sn_connection_indicator_parent_class)->dispose (object);
}

static void
sn_connection_indicator_finalize (GObject *object)
{
  SnConnectionIndicator *self = (SnConnectionIndicator *)object;

  g_clear_pointer (&self->status_text, g_free);

  G_OBJECT_CLASS (sn_connection_indicator_parent_class)->finalize (object);
}

static void
sn_connection_indicator_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SnConnectionIndicator *self = SN_CONNECTION_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_connection_indicator_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SnConnectionIndicator *self = SN_CONNECTION_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      sn_connection_indicator_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_connection_indicator_class_init (SnConnectionIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_connection_indicator_dispose;
  object_class->finalize = sn_connection_indicator_finalize;
  object_class->get_property = sn_connection_indicator_get_property;
  object_class->set_property = sn_connection_indicator_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         SN_TYPE_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-connection-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, menu_button);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, image);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, popover_image);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, heading_label);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, body_label);
  gtk_widget_class_bind_template_child (widget_class, SnConnectionIndicator, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "connectionindicator");
}

static void
sn_connection_indicator_init (SnConnectionIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->popover_image), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);

  sn_connection_indicator_update (self);
}

GtkWidget *
sn_connection_indicator_new (void)
{
  return g_object_new (SN_TYPE_CONNECTION_INDICATOR, NULL);
}

SnConnection *
sn_connection_indicator_get_connection (SnConnectionIndicator *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION_INDICATOR (self), NULL);
  return self->connection;
}

void
sn_connection_indicator_set_connection (SnConnectionIndicator *self,
                                        SnConnection          *connection)
{
  g_return_if_fail (SN_IS_CONNECTION_INDICATOR (self));
  g_return_if_fail (!connection || SN_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    g_signal_connect_object (connection, "notify::state",
                             G_CALLBACK (state_changed_cb), self,
                             G_CONNECT_SWAPPED);

  sn_connection_indicator_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * sn_connection_indicator_get_status_text:
 *
 * Returns: the accessible name, "Connection: connected" and so on
 */
const char *
sn_connection_indicator_get_status_text (SnConnectionIndicator *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION_INDICATOR (self), NULL);
  return self->status_text;
}
