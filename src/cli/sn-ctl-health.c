/* sn-ctl-health.c: narcisse-ctl health
 *
 * Copyright 2026 Sweet Narcisse
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include "sn-ctl.h"

#define DEFAULT_TIMEOUT_SECONDS 10
#define MAX_TIMEOUT_SECONDS     600

static char *
format_uptime (gint64 seconds)
{
  int days, hours, minutes;

  if (seconds < 0)
    return g_strdup (_("unknown"));

  days = (int) (seconds / 86400);
  hours = (int) ((seconds % 86400) / 3600);
  minutes = (int) ((seconds % 3600) / 60);

  if (days > 0)
    /* Translators: an uptime, days and hours. */
    return g_strdup_printf (_("%d d %d h"), days, hours);
  if (hours > 0)
    /* Translators: an uptime, hours and minutes. */
    return g_strdup_printf (_("%d h %02d min"), hours, minutes);
  if (minutes > 0)
    /* Translators: an uptime, minutes and seconds. */
    return g_strdup_printf (_("%d min %02d s"), minutes, (int) (seconds % 60));
  /* Translators: an uptime in seconds. */
  return g_strdup_printf (_("%d s"), (int) seconds);
}

static char *
format_latency (gint64 ms)
{
  g_autofree char *number = NULL;

  if (ms < 0)
    return g_strdup ("—");

  number = g_strdup_printf ("%" G_GINT64_FORMAT, ms);
  /* Translators: a latency; %s is a number of milliseconds. */
  return g_strdup_printf (_("%s ms"), number);
}

static void
print_field (const char *label,
             const char *value,
             guint       width)
{
  sn_ctl_print_padded (label, width + 1);
  g_print ("%s\n", value != NULL && *value != '\0' ? value : "—");
}

static void
print_report (SnProfile      *profile,
              SnHealthReport *report)
{
  GListModel *services = sn_health_report_get_services (report);
  g_autofree char *uptime = format_uptime (sn_health_report_get_uptime (report));
  g_autofree char *round_trip = format_latency (sn_health_report_get_round_trip_ms (report));
  g_autofree char *http_status = NULL;
  g_autofree char *profile_line = NULL;
  const char *labels[6];
  const char *headers[4];
  guint widths[4];
  guint label_width = 0;
  guint n_services;

  labels[0] = _("Profile:");
  labels[1] = _("State:");
  labels[2] = _("HTTP status:");
  labels[3] = _("Version:");
  labels[4] = _("Uptime:");
  labels[5] = _("Round trip:");
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    label_width = MAX (label_width, sn_ctl_text_width (labels[i]));

  if (sn_health_report_get_http_status (report) != 0)
    http_status = g_strdup_printf ("%u", sn_health_report_get_http_status (report));
  profile_line = g_strdup_printf ("%s (%s)", sn_profile_get_name (profile),
                                  sn_profile_get_site_url (profile));

  print_field (labels[0], profile_line, label_width);
  print_field (labels[1], sn_health_state_to_label (sn_health_report_get_state (report)),
               label_width);
  print_field (labels[2], http_status, label_width);
  print_field (labels[3], sn_health_report_get_version (report), label_width);
  print_field (labels[4], uptime, label_width);
  print_field (labels[5], round_trip, label_width);

  n_services = services != NULL ? g_list_model_get_n_items (services) : 0;
  if (n_services > 0)
    {
      /* Translators: column headers of the services in "narcisse-ctl health". */
      headers[0] = _("SERVICE");
      headers[1] = _("STATUS");
      headers[2] = _("LATENCY");
      headers[3] = _("MESSAGE");
      for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
        widths[c] = sn_ctl_text_width (headers[c]);

      for (guint i = 0; i < n_services; i++)
        {
          g_autoptr(SnServiceHealth) service = g_list_model_get_item (services, i);
          g_autofree char *latency = format_latency (sn_service_health_get_latency_ms (service));

          widths[0] = MAX (widths[0], sn_ctl_text_width (sn_service_health_get_name (service)));
          widths[1] = MAX (widths[1], sn_ctl_text_width (
                             sn_health_state_to_label (sn_service_health_get_status (service))));
          widths[2] = MAX (widths[2], sn_ctl_text_width (latency));
        }

      g_print ("\n");
      for (guint c = 0; c < 3; c++)
        sn_ctl_print_padded (headers[c], widths[c] + 2);
      g_print ("%s\n", headers[3]);

      for (guint i = 0; i < n_services; i++)
        {
          g_autoptr(SnServiceHealth) service = g_list_model_get_item (services, i);
          g_autofree char *latency = format_latency (sn_service_health_get_latency_ms (service));
          const char *message = sn_service_health_get_message (service);

          sn_ctl_print_padded (sn_service_health_get_name (service), widths[0] + 2);
          sn_ctl_print_padded (sn_health_state_to_label (sn_service_health_get_status (service)),
                               widths[1] + 2);
          sn_ctl_print_padded (latency, widths[2] + 2);
          g_print ("%s\n", message != NULL ? message : "");
        }
    }

  if (sn_health_report_get_summary (report) != NULL)
    g_print ("\n%s\n", sn_health_report_get_summary (report));
}

/* The monitoring key, or NULL: a check without it gets the public answer. */
static gboolean
lookup_monitoring_key (SnProfile  *profile,
                       char      **key,
                       GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  SnSecretStore *secrets = sn_secret_store_get_default ();

  *key = sn_secret_store_lookup_sync (secrets, profile, SN_SECRET_KIND_MONITORING_KEY,
                                      NULL, &local_error);
  if (*key != NULL)
    return TRUE;

  if (local_error == NULL)
    {
      sn_ctl_printerr (_("No monitoring key is stored for profile “%s”; checking without it, "
                         "so the services are not detailed."),
                       sn_profile_get_name (profile));
      return TRUE;
    }

  if (g_error_matches (local_error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING))
    {
      sn_ctl_printerr (_("No keyring is available and profile “%s” has no credentials file; "
                         "checking without the monitoring key."),
                       sn_profile_get_name (profile));
      return TRUE;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

int
sn_ctl_health (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnHealthService) service = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  const char *site_url;
  gboolean as_json = FALSE;
  int timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json,
      N_("Print the report as JSON"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_seconds,
      N_("Give up after SECONDS (default: 10)"), N_("SECONDS") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("health", NULL,
                                       _("Check the site’s /api/health, with the details of the "
                                         "database, Redis and storage when the monitoring key "
                                         "is known.\n\n"
                                         "Exit status: 0 healthy or operational, 1 degraded, "
                                         "2 unhealthy, unreachable or any error."),
                                       entries);
  if (!sn_ctl_parse_options (context, "health", &argc, &argv, &status))
    return status;

  if (!sn_ctl_no_arguments ("health", argc, argv, &status))
    return status;

  if (timeout_seconds < 1 || timeout_seconds > MAX_TIMEOUT_SECONDS)
    {
      g_autofree char *message = g_strdup_printf (_("The timeout must be between 1 and %d seconds"),
                                                  MAX_TIMEOUT_SECONDS);
      return sn_ctl_usage_error ("health", message);
    }

  store = sn_ctl_load_profile_store (FALSE, &error);
  if (store == NULL)
    goto failed;

  profile = sn_ctl_resolve_profile (ctl, store, &error);
  if (profile == NULL)
    goto failed;

  site_url = sn_profile_get_site_url (profile);
  if (site_url == NULL || *site_url == '\0')
    {
      sn_ctl_printerr (_("Profile “%s” has no site URL. Set one in Narcisse Admin."),
                       sn_profile_get_name (profile));
      return SN_CTL_EXIT_FAILURE;
    }

  /* The loopback guard first: with SN_LOOPBACK_ONLY=1 nothing is contacted,
   * not even the keyring. */
  if (!sn_net_check_uri (site_url, &error))
    goto failed;

  if (!lookup_monitoring_key (profile, &key, &error))
    goto failed;

  service = sn_health_service_new ();
  sn_health_service_check_async (service, site_url, key, (guint) timeout_seconds,
                                 NULL, sn_await_callback, &await);
  report = sn_health_service_check_finish (service, sn_await_result (&await), &error);
  if (report == NULL)
    goto failed;

  if (as_json)
    {
      g_autoptr(JsonNode) node = sn_health_report_to_json (report);

      sn_ctl_print_json (node);
    }
  else
    {
      print_report (profile, report);
    }

  return sn_health_report_get_exit_code (report);

failed:
  sn_ctl_print_error (error);
  return SN_CTL_EXIT_FAILURE;
}
