/* sn-health-panel.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-health-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-health-panel.h"
#include "sn-window.h"
#include "sn-secret-prompt.h"
#include "sn-settings.h"

#define CHECK_TIMEOUT_SECONDS 10

struct _SnHealthPanel
{
  GtkWidget        parent_instance;

  SnProfile       *profile;
  SnHealthService *service;
  SnHealthReport  *report;
  GCancellable    *cancellable;
  GError          *error;

  /* Template children */
  GtkStack        *stack;
  GtkWidget       *overview;
  GtkImage        *state_image;
  GtkLabel        *state_label;
  GtkLabel        *summary_label;
  GtkLabel        *advice_label;
  GtkSpinner      *spinner;
  AdwPreferencesGroup *services_group;
  AdwActionRow    *database_row;
  GtkLabel        *database_latency;
  GtkImage        *database_icon;
  GtkLabel        *database_status;
  AdwActionRow    *redis_row;
  GtkLabel        *redis_latency;
  GtkImage        *redis_icon;
  GtkLabel        *redis_status;
  AdwActionRow    *storage_row;
  GtkLabel        *storage_latency;
  GtkImage        *storage_icon;
  GtkLabel        *storage_status;
  GtkLabel        *version_label;
  GtkLabel        *uptime_label;
  GtkLabel        *checked_label;
  GtkLabel        *round_trip_label;
  AdwActionRow    *address_row;

  guint            timeout_id;
  guint            busy : 1;
  guint            by_timer : 1;   /* the refresh under way is the timer's */
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_REPORT,
  PROP_BUSY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnHealthPanel, sn_health_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

typedef struct
{
  SnHealthState  state;
  const char    *icon_name;
  const char    *css_class;
  const char    *label;
  const char    *advice;
} StateLook;

/* One distinct look per state, with what a person should do about it. */
static const StateLook state_looks[] = {
  { SN_HEALTH_STATE_UNKNOWN, "emblem-synchronizing-symbolic", "health-unknown",
    N_("Not Checked Yet"), NULL },
  { SN_HEALTH_STATE_HEALTHY, "emblem-ok-symbolic", "health-healthy",
    N_("Healthy"), N_("Every service answers quickly. Nothing to do.") },
  { SN_HEALTH_STATE_DEGRADED, "dialog-warning-symbolic", "health-degraded",
    N_("Degraded"),
    N_("The site works, but a service is slow or missing: look at the services below. "
       "A storage probe saying “MinIO not configured” is normal on the main deployment.") },
  { SN_HEALTH_STATE_UNHEALTHY, "dialog-error-symbolic", "health-unhealthy",
    N_("Unhealthy"),
    N_("The database does not answer, so bookings fail. Open the incident checklist "
       "and check the database container first.") },
  { SN_HEALTH_STATE_OPERATIONAL, "emblem-ok-symbolic", "health-operational",
    N_("Operational"),
    N_("Only the public answer: add the monitoring key in the profile to see each service.") },
  { SN_HEALTH_STATE_UNAUTHORIZED, "dialog-password-symbolic", "health-unauthorized",
    N_("Key Refused"),
    N_("The site refused the monitoring key. Check that it matches MONITORING_API_KEY on "
       "the server, then update it in the profile.") },
  { SN_HEALTH_STATE_TIMEOUT, "preferences-system-time-symbolic", "health-timeout",
    N_("No Answer in Time"),
    N_("The server did not answer within 10 seconds. It may be overloaded or stuck: "
       "check the containers and the host’s load.") },
  { SN_HEALTH_STATE_REFUSED, "network-offline-symbolic", "health-refused",
    N_("Connection Refused"),
    N_("Nothing listens at the site’s address: the web app or nginx is probably down. "
       "Check the containers.") },
  { SN_HEALTH_STATE_TLS_ERROR, "channel-insecure-symbolic", "health-tls",
    N_("Certificate Problem"),
    N_("The TLS handshake failed: check that the certificate has not expired and that "
       "the site address is right.") },
  { SN_HEALTH_STATE_MALFORMED, "dialog-question-symbolic", "health-malformed",
    N_("Unexpected Answer"),
    N_("The server answered, but not with the health document: a proxy error page or "
       "another app. Check nginx and the site address.") },
  { SN_HEALTH_STATE_HTTP_ERROR, "network-error-symbolic", "health-http-error",
    N_("HTTP Error"),
    N_("The server answered with an unexpected HTTP status. Look at the detail and at "
       "the web app’s logs.") },
  { SN_HEALTH_STATE_UNREACHABLE, "network-no-route-symbolic", "health-unreachable",
    N_("Unreachable"),
    N_("The name lookup or the network failed: check this computer’s connection and "
       "the site address.") },
};

static const char * const state_classes[] = {
  "health-unknown", "health-healthy", "health-degraded", "health-unhealthy",
  "health-operational", "health-unauthorized", "health-timeout", "health-refused",
  "health-tls", "health-malformed", "health-http-error", "health-unreachable",
  "health-not-checked",
};

static void sn_health_panel_schedule (SnHealthPanel *self);

static const StateLook *
find_look (SnHealthState state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_looks); i++)
    {
      if (state_looks[i].state == state)
        return &state_looks[i];
    }

  return &state_looks[0];
}

static const char *
service_state_label (SnHealthState state)
{
  switch (state)
    {
    case SN_HEALTH_STATE_HEALTHY:
      return _("Healthy");
    case SN_HEALTH_STATE_DEGRADED:
      return _("Degraded");
    case SN_HEALTH_STATE_UNHEALTHY:
      return _("Unhealthy");
    case SN_HEALTH_STATE_UNKNOWN:
    case SN_HEALTH_STATE_OPERATIONAL:
    case SN_HEALTH_STATE_UNAUTHORIZED:
    case SN_HEALTH_STATE_TIMEOUT:
    case SN_HEALTH_STATE_REFUSED:
    case SN_HEALTH_STATE_TLS_ERROR:
    case SN_HEALTH_STATE_MALFORMED:
    case SN_HEALTH_STATE_HTTP_ERROR:
    case SN_HEALTH_STATE_UNREACHABLE:
    default:
      return _("Unknown");
    }
}

static char *
format_uptime (gint64 seconds)
{
  gint64 days = seconds / 86400;
  gint64 hours = (seconds % 86400) / 3600;
  gint64 minutes = (seconds % 3600) / 60;

  if (seconds < 60)
    /* Translators: an uptime in seconds, "s" is the unit */
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (days > 0)
    /* Translators: an uptime, "d" for days and "h" for hours */
    return g_strdup_printf (_("%lld d %d h"), (long long) days, (int) hours);
  if (hours > 0)
    /* Translators: an uptime, "h" for hours and "min" for minutes */
    return g_strdup_printf (_("%d h %d min"), (int) hours, (int) minutes);
  /* Translators: an uptime in minutes */
  return g_strdup_printf (_("%d min"), (int) minutes);
}

static char *
format_ms (gint64 ms)
{
  if (ms < 0)
    return g_strdup ("");
  /* Translators: a latency in milliseconds */
  return g_strdup_printf (_("%lld ms"), (long long) ms);
}

static void
set_state_class (SnHealthPanel *self,
                 const char    *css_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (self->overview, state_classes[i]);
  gtk_widget_add_css_class (self->overview, css_class);
}

static void
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
update_service_row (SnHealthPanel *self,
                    const char    *name,
                    AdwActionRow  *row,
                    GtkLabel      *latency,
                    GtkImage      *icon,
                    GtkLabel      *status)
{
  SnServiceHealth *service = NULL;
  g_autofree char *latency_text = NULL;
  SnHealthState state = SN_HEALTH_STATE_UNKNOWN;
  const char *message = NULL;

  if (self->report != NULL)
    service = sn_health_report_find_service (self->report, name);

  gtk_widget_set_visible (GTK_WIDGET (row), service != NULL);
  if (service == NULL)
    return;

  state = sn_service_health_get_status (service);
  message = sn_service_health_get_message (service);
  latency_text = format_ms (sn_service_health_get_latency_ms (service));

  gtk_label_set_label (latency, latency_text);
  gtk_label_set_label (status, service_state_label (state));
  adw_action_row_set_subtitle (row, message != NULL ? message : "");
  gtk_image_set_from_icon_name (icon, find_look (state)->icon_name);

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (row), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (row), find_look (state)->css_class);
}

static void
sn_health_panel_update (SnHealthPanel *self)
{
  g_autofree char *url = NULL;
  const char *site_url = NULL;

  g_assert (SN_IS_HEALTH_PANEL (self));

  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "panel.refresh", self->profile != NULL);

  if (self->profile == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "report");

  site_url = sn_profile_get_site_url (self->profile);
  if (site_url != NULL && *site_url != '\0')
    url = sn_profile_dup_health_url (self->profile, FALSE);
  adw_action_row_set_subtitle (self->address_row, url != NULL ? url : _("No site address"));

  if (self->error != NULL)
    {
      /* No report: the check could not even start (bad URL, loopback guard). */
      gtk_image_set_from_icon_name (self->state_image, "action-unavailable-symbolic");
      set_state_class (self, "health-not-checked");
      gtk_label_set_label (self->state_label, _("Not Checked"));
      set_text (self->summary_label, self->error->message);
      if (g_error_matches (self->error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK))
        set_text (self->advice_label,
                  _("Refused: loopback only. This session may only contact local addresses "
                    "(SN_LOOPBACK_ONLY is set), so the site was not contacted."));
      else
        set_text (self->advice_label, _("Check the site address in the profile."));
      gtk_widget_set_visible (GTK_WIDGET (self->services_group), FALSE);
      gtk_label_set_label (self->version_label, "—");
      gtk_label_set_label (self->uptime_label, "—");
      gtk_label_set_label (self->round_trip_label, "—");
      gtk_label_set_label (self->checked_label, "—");
      return;
    }

  if (self->report == NULL)
    {
      const StateLook *look = find_look (SN_HEALTH_STATE_UNKNOWN);

      gtk_image_set_from_icon_name (self->state_image, look->icon_name);
      set_state_class (self, look->css_class);
      gtk_label_set_label (self->state_label,
                           self->busy ? _("Checking…") : g_dgettext (GETTEXT_PACKAGE, look->label));
      set_text (self->summary_label, NULL);
      if (site_url == NULL || *site_url == '\0')
        set_text (self->advice_label, _("Add the site address in the profile to check its health."));
      else
        set_text (self->advice_label, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->services_group), FALSE);
      gtk_label_set_label (self->version_label, "—");
      gtk_label_set_label (self->uptime_label, "—");
      gtk_label_set_label (self->round_trip_label, "—");
      gtk_label_set_label (self->checked_label, "—");
      return;
    }
  else
    {
      SnHealthState state = sn_health_report_get_state (self->report);
      const StateLook *look = find_look (state);
      const char *version = sn_health_report_get_version (self->report);
      gint64 uptime = sn_health_report_get_uptime (self->report);
      gint64 round_trip = sn_health_report_get_round_trip_ms (self->report);
      GDateTime *checked_at = sn_health_report_get_checked_at (self->report);
      const char *detail = sn_health_report_get_detail (self->report);
      g_autofree char *uptime_text = NULL;
      g_autofree char *round_trip_text = NULL;
      g_autofree char *checked_text = NULL;
      g_autofree char *summary = NULL;
      gboolean has_services;

      gtk_image_set_from_icon_name (self->state_image, look->icon_name);
      set_state_class (self, look->css_class);
      gtk_label_set_label (self->state_label, g_dgettext (GETTEXT_PACKAGE, look->label));

      if (detail != NULL && *detail != '\0' && state != SN_HEALTH_STATE_HEALTHY)
        summary = g_strdup_printf ("%s\n%s", sn_health_report_get_summary (self->report), detail);
      else
        summary = g_strdup (sn_health_report_get_summary (self->report));
      set_text (self->summary_label, summary);
      set_text (self->advice_label,
                look->advice != NULL ? g_dgettext (GETTEXT_PACKAGE, look->advice) : NULL);

      update_service_row (self, "database", self->database_row,
                          self->database_latency, self->database_icon, self->database_status);
      update_service_row (self, "redis", self->redis_row,
                          self->redis_latency, self->redis_icon, self->redis_status);
      update_service_row (self, "storage", self->storage_row,
                          self->storage_latency, self->storage_icon, self->storage_status);
      has_services = g_list_model_get_n_items (sn_health_report_get_services (self->report)) > 0;
      gtk_widget_set_visible (GTK_WIDGET (self->services_group), has_services);

      gtk_label_set_label (self->version_label,
                           version != NULL && *version != '\0' ? version : "—");
      if (uptime >= 0)
        uptime_text = format_uptime (uptime);
      gtk_label_set_label (self->uptime_label, uptime_text != NULL ? uptime_text : "—");
      if (round_trip >= 0)
        round_trip_text = format_ms (round_trip);
      gtk_label_set_label (self->round_trip_label,
                           round_trip_text != NULL ? round_trip_text : "—");
      if (checked_at != NULL)
        checked_text = g_date_time_format (checked_at, "%X");
      gtk_label_set_label (self->checked_label, checked_text != NULL ? checked_text : "—");
    }
}

static void
sn_health_panel_set_busy (SnHealthPanel *self,
                          gboolean       busy)
{
  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
sn_health_panel_check_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(SnHealthPanel) self = user_data;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = sn_health_service_check_finish (SN_HEALTH_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_error (&self->error);
  g_set_object (&self->report, report);
  if (error != NULL)
    self->error = g_steal_pointer (&error);

  sn_health_panel_set_busy (self, FALSE);
  sn_health_panel_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
  sn_health_panel_schedule (self);
}

static void
sn_health_panel_check (SnHealthPanel *self,
                       const char    *monitoring_key)
{
  const char *site_url;

  g_assert (SN_IS_HEALTH_PANEL (self));
  g_assert (SN_IS_PROFILE (self->profile));

  site_url = sn_profile_get_site_url (self->profile);
  if (site_url == NULL || *site_url == '\0')
    {
      sn_health_panel_set_busy (self, FALSE);
      sn_health_panel_update (self);
      return;
    }

  sn_health_service_check_async (self->service,
                                 site_url,
                                 monitoring_key,
                                 CHECK_TIMEOUT_SECONDS,
                                 self->cancellable,
                                 sn_health_panel_check_cb,
                                 g_object_ref (self));
}

static void
sn_health_panel_lookup_key_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(SnHealthPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = sn_secret_prompt_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Without a key we still get the public answer, which says so. */
  if (error != NULL)
    g_debug ("No monitoring key for this check: %s", error->message);

  if (self->profile != NULL)
    sn_health_panel_check (self, key);
}

/**
 * sn_health_panel_refresh:
 * @self: a #SnHealthPanel
 *
 * Checks the selected profile's health now, cancelling the check under way.
 * Never blocks: the result arrives later and updates the panel.
 */
void
sn_health_panel_refresh (SnHealthPanel *self)
{
  g_return_if_fail (SN_IS_HEALTH_PANEL (self));

  /* A person's refresh; the timer's own says so once this returns. */
  self->by_timer = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->profile == NULL)
    {
      sn_health_panel_set_busy (self, FALSE);
      sn_health_panel_update (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  sn_health_panel_set_busy (self, TRUE);
  sn_health_panel_update (self);

  sn_secret_prompt_lookup_async (GTK_WIDGET (self),
                                self->profile,
                                SN_SECRET_KIND_MONITORING_KEY,
                                self->cancellable,
                                sn_health_panel_lookup_key_cb,
                                g_object_ref (self));
}

static gboolean
sn_health_panel_timeout_cb (gpointer user_data)
{
  SnHealthPanel *self = user_data;

  self->timeout_id = 0;
  sn_health_panel_refresh (self);
  self->by_timer = self->busy;

  return G_SOURCE_REMOVE;
}

static void
sn_health_panel_schedule (SnHealthPanel *self)
{
  guint interval;

  g_assert (SN_IS_HEALTH_PANEL (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->profile == NULL || self->busy)
    return;

  interval = sn_settings_get_refresh_interval (sn_settings_get_default ());
  self->timeout_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                 MAX (interval, 5),
                                                 sn_health_panel_timeout_cb,
                                                 self, NULL);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  sn_health_panel_refresh (SN_HEALTH_PANEL (widget));
}

/**
 * sn_health_panel_get_by_timer:
 *
 * Returns: whether the last report came from the panel's own periodic
 *   refresh, not from a person asking (Refresh, F5, a new profile)
 */
gboolean
sn_health_panel_get_by_timer (SnHealthPanel *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_PANEL (self), FALSE);
  return self->by_timer;
}

static void
sn_health_panel_dispose (GObject *object)
{
  SnHealthPanel *self = (SnHealthPanel *)object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_HEALTH_PANEL);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->profile);
  g_clear_object (&self->report);
  g_clear_object (&self->service);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sn_health_panel_parent_class)->dispose (object);
}

static void
sn_health_panel_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnHealthPanel *self = SN_HEALTH_PANEL (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_health_panel_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SnHealthPanel *self = SN_HEALTH_PANEL (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_health_panel_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_health_panel_class_init (SnHealthPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_health_panel_dispose;
  object_class->get_property = sn_health_panel_get_property;
  object_class->set_property = sn_health_panel_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL,
                         SN_TYPE_HEALTH_REPORT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-health-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "snhealthpanel");
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, overview);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, state_image);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, advice_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, services_group);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, database_row);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, database_latency);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, database_icon);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, database_status);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, redis_row);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, redis_latency);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, redis_icon);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, redis_status);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, storage_row);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, storage_latency);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, storage_icon);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, storage_status);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, version_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, checked_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, round_trip_label);
  gtk_widget_class_bind_template_child (widget_class, SnHealthPanel, address_row);

  gtk_widget_class_install_action (widget_class, "panel.refresh", NULL, refresh_action);
}

static void
sn_health_panel_init (SnHealthPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->service = sn_health_service_new ();

  g_signal_connect_object (sn_settings_get_default (),
                           "notify::" SN_SETTINGS_KEY_REFRESH_INTERVAL,
                           G_CALLBACK (sn_health_panel_schedule),
                           self,
                           G_CONNECT_SWAPPED);

  sn_health_panel_update (self);
}

GtkWidget *
sn_health_panel_new (void)
{
  return g_object_new (SN_TYPE_HEALTH_PANEL, NULL);
}

SnProfile *
sn_health_panel_get_profile (SnHealthPanel *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_PANEL (self), NULL);

  return self->profile;
}

static void
refresh_widget (GtkWidget *widget)
{
  sn_health_panel_refresh (SN_HEALTH_PANEL (widget));
}

/**
 * sn_health_panel_set_profile:
 * @self: a #SnHealthPanel
 * @profile: (nullable): the profile to watch
 *
 * Forgets the previous report and checks @profile: at once, or once the
 * window has painted its first frame (sn_window_after_first_frame()).
 */
void
sn_health_panel_set_profile (SnHealthPanel *self,
                             SnProfile     *profile)
{
  g_return_if_fail (SN_IS_HEALTH_PANEL (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  g_clear_object (&self->report);
  g_clear_error (&self->error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);

  /* The first frame shows the spinner; the checks start once it is painted. */
  if (profile != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      sn_health_panel_set_busy (self, TRUE);
      sn_health_panel_update (self);
    }
  sn_window_after_first_frame (GTK_WIDGET (self), refresh_widget);
}

/**
 * sn_health_panel_add_section:
 * @self: a #SnHealthPanel
 * @section: a widget shown after the services, scrolling with the dashboard
 */
void
sn_health_panel_add_section (SnHealthPanel *self,
                             GtkWidget     *section)
{
  GtkWidget *box;

  g_return_if_fail (SN_IS_HEALTH_PANEL (self));
  g_return_if_fail (GTK_IS_WIDGET (section));

  box = gtk_widget_get_parent (GTK_WIDGET (self->services_group));
  gtk_box_insert_child_after (GTK_BOX (box), section, GTK_WIDGET (self->services_group));
}

SnHealthReport *
sn_health_panel_get_report (SnHealthPanel *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_PANEL (self), NULL);

  return self->report;
}

gboolean
sn_health_panel_get_busy (SnHealthPanel *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_PANEL (self), FALSE);

  return self->busy;
}
