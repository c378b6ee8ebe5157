/* sn-http-actions.c: the runbook action http.health
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-actions"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-actions-builtin.h"
#include "sn-await.h"
#include "sn-health-service.h"
#include "sn-secret-store.h"

/* http.health ----------------------------------------------------------
 *
 * args: { "expect": "healthy" | "reachable" }   (default "reachable")
 *   healthy    every probe healthy (or only the storage probe degraded with
 *              "MinIO not configured", the normal state in production)
 *   reachable  the database answers: healthy, degraded or the public
 *              "operational" answer
 */

static gboolean
health_check_args (JsonObject  *args,
                   GError     **error)
{
  const char *expect = json_object_get_string_member_with_default (args, "expect", "reachable");

  if (g_strcmp0 (expect, "healthy") != 0 && g_strcmp0 (expect, "reachable") != 0 &&
      strstr (expect, "${") == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“expect” must be “healthy” or “reachable”, not “%s”"), expect);
      return FALSE;
    }

  return TRUE;
}

static char *
health_describe (SnActionContext *context,
                 JsonObject      *args)
{
  g_autofree char *url = sn_profile_dup_health_url (sn_action_context_get_profile (context), TRUE);
  g_autofree char *quoted = g_shell_quote (url);

  return g_strdup_printf ("curl -s -H \"X-API-Key: $MONITORING_API_KEY\" %s", quoted);
}

static gboolean
minio_only (SnHealthReport *report)
{
  GListModel *services = sn_health_report_get_services (report);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(SnServiceHealth) service = g_list_model_get_item (services, i);

      if (sn_service_health_get_status (service) == SN_HEALTH_STATE_HEALTHY)
        continue;
      if (g_strcmp0 (sn_service_health_get_name (service), "storage") == 0 &&
          g_strcmp0 (sn_service_health_get_message (service), "MinIO not configured") == 0)
        continue;
      return FALSE;
    }

  return TRUE;
}

static gboolean
health_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *expect = json_object_get_string_member_with_default (args, "expect", "reachable");
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(SnHealthService) service = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autofree char *key = NULL;
  GListModel *services;
  SnHealthState state;
  gboolean ok;

  key = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile,
                                     SN_SECRET_KIND_MONITORING_KEY, NULL, &key_error);
  if (key_error != NULL)
    sn_action_context_emit (context, SN_OUTPUT_STDERR,
                            _("No monitoring key (%s): only the public answer is available."),
                            key_error->message);

  /* libsoup works in the thread-default context it was created in. */
  sn_await_push_private (&await);
  service = sn_health_service_new ();
  sn_health_service_check_async (service, sn_profile_get_site_url (profile), key,
                                 sn_action_context_get_timeout (context) > 0
                                 ? sn_action_context_get_timeout (context) : 10,
                                 sn_action_context_get_cancellable (context),
                                 sn_await_callback, &await);
  report = sn_health_service_check_finish (service, sn_await_result (&await), error);
  g_clear_object (&service);
  sn_await_clear (&await);

  if (report == NULL)
    return FALSE;

  state = sn_health_report_get_state (report);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s — %s",
                          sn_health_state_to_label (state), sn_health_report_get_summary (report));

  services = sn_health_report_get_services (report);
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(SnServiceHealth) probe = g_list_model_get_item (services, i);

      sn_action_context_emit (context, SN_OUTPUT_STDOUT, "  %s: %s, %" G_GINT64_FORMAT " ms, %s",
                              sn_service_health_get_name (probe),
                              sn_health_state_to_label (sn_service_health_get_status (probe)),
                              sn_service_health_get_latency_ms (probe),
                              sn_service_health_get_message (probe) != NULL
                              ? sn_service_health_get_message (probe) : "");
    }

  sn_action_context_set_output (context, "state", sn_health_state_to_label (state));
  sn_action_context_set_exit_status (context, sn_health_report_get_exit_code (report));

  if (g_strcmp0 (expect, "healthy") == 0)
    ok = state == SN_HEALTH_STATE_HEALTHY ||
         (state == SN_HEALTH_STATE_DEGRADED && minio_only (report));
  else
    ok = state == SN_HEALTH_STATE_HEALTHY || state == SN_HEALTH_STATE_DEGRADED ||
         state == SN_HEALTH_STATE_OPERATIONAL;

  if (!ok)
    g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                 _("The site is not %s: %s"),
                 g_strcmp0 (expect, "healthy") == 0 ? _("healthy") : _("reachable"),
                 sn_health_report_get_summary (report));

  return ok;
}

static const SnActionInfo health_action = {
  .name = "http.health",
  .risk = sn_action_risk_read,
  .check = health_check_args,
  .describe = health_describe,
  .run = health_run,
};

/**
 * sn_http_actions_register:
 *
 * Registers `http.health` { "expect": "healthy" | "reachable" }.
 */
void
sn_http_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&health_action);
      g_once_init_leave (&initialized, 1);
    }
}
