/* sn-database-view.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The "Database" view: the connection to the profile's database, shown in
 * a header (path, read-only pill, last verified restore), and two pages on
 * it: the reports (SnReportsPage) and the SQL editor (SnSqlConsolePage).
 * Both pages report failures here, in the error bar. */

#define G_LOG_DOMAIN "sn-database-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-backups-page.h"
#include "sn-database-view.h"
#include "sn-reports-page.h"
#include "sn-sql-console-page.h"

struct _SnDatabaseView
{
  GtkWidget            parent_instance;

  SnProfile           *profile;
  SnDatabaseConnector *connector;
  GCancellable        *cancellable;

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  GtkInfoBar          *error_bar;
  GtkLabel            *error_label;
  GtkImage            *path_icon;
  GtkLabel            *path_label;
  GtkSpinner          *connect_spinner;
  GtkLabel            *read_only_label;
  GtkLabel            *restore_badge;
  AdwViewStack        *pages;
  AdwViewStackPage    *sql_page;
  SnReportsPage       *reports_page;
  SnSqlConsolePage    *sql_console;

  guint                connecting : 1;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnDatabaseView, sn_database_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char css[] =
  ".database-header { padding: 6px 12px; }\n"
  ".database-pill { border-radius: 999px; padding: 2px 10px; font-size: 0.9em; font-weight: bold;"
  "  background-color: alpha(@success_color, 0.15); color: @success_color; }\n"
  ".database-pill.writes { background-color: alpha(@error_color, 0.15); color: @error_color; }\n"
  ".database-pill.restore-badge.warning { background-color: alpha(@warning_color, 0.18); color: @warning_color; }\n"
  ".database-pill.restore-badge.error { background-color: alpha(@error_color, 0.15); color: @error_color; }\n"
  ".database-statusbar { padding: 4px 12px; border-top: 1px solid alpha(currentColor, 0.15); }\n"
  ".database-total { padding: 12px 16px; }\n"
  ".database-total .value { font-size: 1.6em; font-weight: 800; }\n"
  ".database-null { opacity: 0.45; font-style: italic; }\n"
  ".database-total-row { font-weight: bold; }\n";

static void
show_error (SnDatabaseView *self,
            const GError   *error)
{
  g_autofree char *advice = NULL;

  if (error == NULL)
    {
      gtk_info_bar_set_revealed (self->error_bar, FALSE);
      return;
    }

  advice = sn_database_error_dup_advice (error);
  gtk_label_set_text (self->error_label, advice);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
}

static void
page_error_cb (SnDatabaseView *self,
               const GError   *error,
               GtkWidget      *page)
{
  show_error (self, error);
}

static void
error_bar_response_cb (SnDatabaseView *self,
                       int             response,
                       GtkInfoBar     *bar)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Header                                                                   */

/* The "last verified restore" badge: date and result of the last restore
 * test of the profile; amber when older than 35 days or never run, red when
 * it failed. Everyone sees it, read-only profiles included. */
static void
update_restore_badge (SnDatabaseView *self)
{
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  const char *klass = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->restore_badge), self->profile != NULL);
  if (self->profile == NULL)
    return;

  result = sn_backup_service_get_last_restore_test (sn_profile_get_name (self->profile));
  text = sn_restore_badge_dup_text (result, NULL, &klass);
  gtk_label_set_text (self->restore_badge, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->restore_badge), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->restore_badge), "error");
  if (!g_str_equal (klass, "success"))
    gtk_widget_add_css_class (GTK_WIDGET (self->restore_badge), klass);

  if (result == NULL)
    tooltip = g_strdup (_("No backup of this profile has been restored as a test yet. "
                          "Run the monthly restore test from the Backups page."));
  else if (g_str_equal (klass, "warning"))
    tooltip = g_strdup_printf (_("%s\nThe last test is over %d days old: run the monthly restore test."),
                               sn_restore_test_result_get_summary (result), SN_RESTORE_TEST_STALE_DAYS);
  else
    tooltip = g_strdup (sn_restore_test_result_get_summary (result));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->restore_badge), tooltip);
}

static const char *
path_icon_name (SnDatabasePath path)
{
  switch (path)
    {
    case SN_DATABASE_PATH_DIRECT:
      return "network-wired-symbolic";
    case SN_DATABASE_PATH_TUNNEL:
      return "channel-secure-symbolic";
    case SN_DATABASE_PATH_PSQL_EXEC:
      return "utilities-terminal-symbolic";
    case SN_DATABASE_PATH_NONE:
    default:
      return "network-offline-symbolic";
    }
}

static void
update_header (SnDatabaseView *self)
{
  SnDatabasePath path = self->connector != NULL ? sn_database_connector_get_path (self->connector)
                                                : SN_DATABASE_PATH_NONE;
  gboolean read_only = self->connector == NULL || sn_database_connector_get_read_only (self->connector);

  if (self->connecting)
    gtk_label_set_text (self->path_label, _("Connecting to the database…"));
  else
    gtk_label_set_text (self->path_label, self->connector != NULL
                                            ? sn_database_connector_get_path_label (self->connector)
                                            : sn_database_path_get_label (path));

  gtk_image_set_from_icon_name (self->path_icon, path_icon_name (path));
  gtk_widget_set_visible (GTK_WIDGET (self->connect_spinner), self->connecting);
  gtk_spinner_set_spinning (self->connect_spinner, self->connecting);

  gtk_label_set_text (self->read_only_label, read_only ? _("Read-only") : _("Writes allowed"));
  if (read_only)
    gtk_widget_remove_css_class (GTK_WIDGET (self->read_only_label), "writes");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->read_only_label), "writes");

  adw_view_stack_page_set_visible (self->sql_page,
                                   self->profile != NULL &&
                                   sn_profile_get_safety_level (self->profile) != SN_SAFETY_LEVEL_READ_ONLY);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "database.reconnect",
                                 self->profile != NULL && !self->connecting);
}

/* ------------------------------------------------------------------------ */
/* Connection                                                               */

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnDatabaseView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_database_connector_connect_finish (SN_DATABASE_CONNECTOR (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (SN_DATABASE_CONNECTOR (object) != self->connector)
        return;

      self->connecting = FALSE;
      update_header (self);
      show_error (self, error);
      sn_reports_page_show_unreachable (self->reports_page, gtk_label_get_text (self->error_label));
      return;
    }

  if (SN_DATABASE_CONNECTOR (object) != self->connector)
    return;

  self->connecting = FALSE;
  show_error (self, NULL);
  update_header (self);
  sn_reports_page_run (self->reports_page);
}

static void
sn_database_view_connect (SnDatabaseView *self)
{
  if (self->connector != NULL)
    sn_database_connector_disconnect (self->connector);
  g_clear_object (&self->connector);

  if (self->profile != NULL)
    {
      self->connector = sn_database_connector_new (self->profile, NULL);
      g_signal_connect_object (self->connector, "notify::read-only",
                               G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
    }
  sn_reports_page_set_connector (self->reports_page, self->connector);
  sn_sql_console_page_set_connector (self->sql_console, self->connector);

  if (self->connector == NULL)
    {
      update_header (self);
      return;
    }

  self->connecting = TRUE;
  update_header (self);

  sn_reports_page_set_busy (self->reports_page, TRUE);
  sn_database_connector_connect_async (self->connector, self->cancellable, connect_cb,
                                       g_object_ref (self));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  gtk_info_bar_set_revealed (self->error_bar, FALSE);
  sn_database_view_connect (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  update_restore_badge (self);

  if (self->connector == NULL || sn_database_connector_get_path (self->connector) == SN_DATABASE_PATH_NONE)
    sn_database_view_connect (self);
  else
    sn_reports_page_run (self->reports_page);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
sn_database_view_dispose (GObject *object)
{
  SnDatabaseView *self = (SnDatabaseView *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_DATABASE_VIEW);

  if (self->connector != NULL)
    sn_database_connector_disconnect (self->connector);

  g_clear_object (&self->connector);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sn_database_view_parent_class)->dispose (object);
}

static void
sn_database_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_database_view_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_view_class_init (SnDatabaseViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_database_view_dispose;
  object_class->get_property = sn_database_view_get_property;
  object_class->set_property = sn_database_view_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-database-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, error_bar);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, path_icon);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, path_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, connect_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, restore_badge);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, pages);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, sql_page);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, reports_page);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, sql_console);
  gtk_widget_class_bind_template_callback (widget_class, error_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_error_cb);

  /* Every view has a "view.refresh" action: the window's refresh forwards to it. */
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "database.reconnect", NULL, reconnect_action);

  g_type_ensure (SN_TYPE_REPORTS_PAGE);
  g_type_ensure (SN_TYPE_SQL_CONSOLE_PAGE);
  g_type_ensure (SN_TYPE_BACKUPS_PAGE);
}

static void
sn_database_view_init (SnDatabaseView *self)
{
  static gsize css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_once_init_enter (&css_loaded))
    {
      GtkCssProvider *provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (provider);
      g_once_init_leave (&css_loaded, 1);
    }

  self->cancellable = g_cancellable_new ();

  /* A restore test run elsewhere (the Backups view, the Runbooks window,
   * narcisse-ctl) shows on return. */
  g_signal_connect (self, "map", G_CALLBACK (update_restore_badge), NULL);
  update_header (self);
  update_restore_badge (self);
}

GtkWidget *
sn_database_view_new (void)
{
  return g_object_new (SN_TYPE_DATABASE_VIEW, NULL);
}

SnProfile *
sn_database_view_get_profile (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->profile;
}

void
sn_database_view_set_profile (SnDatabaseView *self,
                              SnProfile      *profile)
{
  g_return_if_fail (SN_IS_DATABASE_VIEW (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  sn_reports_page_clear (self->reports_page);
  if (profile != NULL && sn_profile_get_safety_level (profile) == SN_SAFETY_LEVEL_READ_ONLY)
    adw_view_stack_set_visible_child_name (self->pages, "reports");
  update_restore_badge (self);
  sn_database_view_connect (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * sn_database_view_get_connector:
 *
 * Returns: (transfer none) (nullable): the connector of the current profile
 */
SnDatabaseConnector *
sn_database_view_get_connector (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->connector;
}

/**
 * sn_database_view_get_reports_page:
 *
 * Returns: (transfer none): the Reports page
 */
SnReportsPage *
sn_database_view_get_reports_page (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->reports_page;
}

/**
 * sn_database_view_get_sql_console:
 *
 * Returns: (transfer none): the SQL page, whose "sql.*" actions run statements
 */
SnSqlConsolePage *
sn_database_view_get_sql_console (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->sql_console;
}

/**
 * sn_database_view_get_report:
 *
 * Returns: (transfer none) (nullable): the report shown
 */
SnReportResult *
sn_database_view_get_report (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return sn_reports_page_get_report (self->reports_page);
}

void
sn_database_view_select_report (SnDatabaseView *self,
                                const char     *id)
{
  g_return_if_fail (SN_IS_DATABASE_VIEW (self));

  sn_reports_page_select_report (self->reports_page, id);
}

void
sn_database_view_set_sql (SnDatabaseView *self,
                          const char     *sql)
{
  g_return_if_fail (SN_IS_DATABASE_VIEW (self));

  sn_sql_console_page_set_sql (self->sql_console, sql);
}

/**
 * sn_database_view_get_result:
 *
 * Returns: (transfer none) (nullable): the rows of the last statement run
 */
SnQueryResult *
sn_database_view_get_result (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return sn_sql_console_page_get_result (self->sql_console);
}

/**
 * sn_database_view_get_results_view:
 *
 * Returns: (transfer none): the column view showing the rows
 */
GtkColumnView *
sn_database_view_get_results_view (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return sn_sql_console_page_get_results_view (self->sql_console);
}

const char *
sn_database_view_get_status (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return sn_sql_console_page_get_status (self->sql_console);
}

/**
 * sn_database_view_get_dialog:
 *
 * Returns: (transfer none) (nullable): the confirmation dialog open now
 */
GtkWindow *
sn_database_view_get_dialog (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return sn_sql_console_page_get_dialog (self->sql_console);
}

const char *
sn_database_view_get_restore_badge (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return gtk_label_get_text (self->restore_badge);
}
