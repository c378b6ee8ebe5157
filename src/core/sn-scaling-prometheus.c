/* sn-scaling-prometheus.c: the runbook's thresholds from Prometheus' HTTP API
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <math.h>

#include "sn-await.h"
#include "sn-host-command.h"
#include "sn-net.h"
#include "sn-scaling-private.h"
#include "sn-ssh-tunnel.h"

/*
 * Prometheus listens on the host's loopback (127.0.0.1:9090, target-system
 * §1.3): the profile's prometheus-url is that address as seen from the
 * host, reached through an SSH tunnel (direct-tcpip) over the profile's
 * session. Everything here runs in one worker thread: a SoupSession made
 * and used in it, sync calls with the caller's cancellable.
 */

#define PROMETHEUS_TIMEOUT_SECONDS 15
#define MAX_BODY_BYTES (8 * 1024 * 1024)

typedef struct
{
  SoupSession *session;
  char        *base;       /* http://127.0.0.1:LOCAL, or the URL itself for curl */
  char        *where;      /* the profile's URL, for messages */
  SnHost      *host;       /* set when the host refuses forwarding: curl there */
} Client;

static void
client_clear (Client *client)
{
  g_clear_object (&client->host);
  g_clear_object (&client->session);
  g_clear_pointer (&client->base, g_free);
  g_clear_pointer (&client->where, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Client, client_clear)

/* The body through `curl` run on the host (forwarding refused there). */
static GBytes *
curl_on_host (Client        *client,
              const char    *url,
              guint         *http_status,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *command = sn_host_command_curl (url);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) local_error = NULL;

  exec = sn_host_exec_sync (client->host, "scaling.prometheus", command, NULL,
                            (PROMETHEUS_TIMEOUT_SECONDS + 5) * 1000, NULL, NULL, cancellable, &local_error);
  if (exec == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* curl exits 22 on an HTTP error, its body kept: Prometheus' JSON error */
  *http_status = sn_ssh_exec_result_get_success (exec) ? 200 : 400;
  if (!sn_ssh_exec_result_get_success (exec) && sn_ssh_exec_result_get_exit_status (exec) != 22)
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);

      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                   _("Prometheus at %s does not answer (curl on the host, which refuses SSH "
                     "forwarding): %s. Check that the prometheus container runs (docker compose ps "
                     "prometheus) and the profile’s Prometheus URL."), client->where,
                   err != NULL && *g_strstrip (err) != '\0' ? err : _("no message"));
      return NULL;
    }
  return g_bytes_ref (sn_ssh_exec_result_get_stdout (exec));
}

/* GET PATH?QUERY; the "data" object of a "success" answer. */
static JsonNode *
client_get (Client        *client,
            const char    *path,
            const char    *query,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *url = g_strconcat (client->base, path, "?", query, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  const char *status;
  guint http_status = 0;

  if (client->host != NULL)
    {
      if (!(body = curl_on_host (client, url, &http_status, cancellable, error)))
        return NULL;
      goto parse;
    }
  message = soup_message_new ("GET", url);
  if (message == NULL)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                   _("“%s” is not a valid Prometheus address. Fix the profile’s Prometheus URL."),
                   client->where);
      return NULL;
    }
  body = soup_session_send_and_read (client->session, message, cancellable, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                     _("Prometheus at %s does not answer: %s. Check that the prometheus "
                       "container runs (docker compose ps prometheus) and the profile’s "
                       "Prometheus URL."), client->where, local_error->message);
      return NULL;
    }
  http_status = soup_message_get_status (message);

parse:
  if (g_bytes_get_size (body) > MAX_BODY_BYTES ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                   _("%s answered HTTP %u with something that is not Prometheus’ API. Check the "
                     "profile’s Prometheus URL."), client->where, http_status);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  status = json_object_get_string_member_with_default (root, "status", "");
  if (!g_str_equal (status, "success") || !json_object_has_member (root, "data"))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                   _("Prometheus refused the query (HTTP %u): %s"), http_status,
                   json_object_get_string_member_with_default (root, "error", _("no message")));
      return NULL;
    }
  return json_node_copy (json_object_get_member (root, "data"));
}

static gboolean
sample_value (JsonArray *pair,
              gint64    *time,
              double    *value)
{
  const char *text;

  if (pair == NULL || json_array_get_length (pair) != 2)
    return FALSE;
  *time = (gint64)json_node_get_double (json_array_get_element (pair, 0));
  text = json_node_get_string (json_array_get_element (pair, 1));
  if (text == NULL)
    return FALSE;
  /* "NaN", "+Inf": kept as they are, the evaluation skips them */
  *value = g_ascii_strtod (text, NULL);
  return TRUE;
}

/* The first series of a result: Prometheus returns one per label set, the
 * thresholds' queries aggregate to one. NULL when there is none. */
static JsonObject *
first_result (JsonNode   *data,
              const char *type)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  JsonArray *result;

  if (object == NULL ||
      !g_str_equal (json_object_get_string_member_with_default (object, "resultType", ""), type) ||
      !json_object_has_member (object, "result") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "result")))
    return NULL;
  result = json_object_get_array_member (object, "result");
  if (json_array_get_length (result) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (result, 0)))
    return NULL;
  return json_array_get_object_element (result, 0);
}

static gboolean
evaluate_one (Client                  *client,
              SnThreshold             *threshold,
              const SnScalingSettings *settings,
              GCancellable            *cancellable,
              GError                 **error)
{
  const char *promql = sn_threshold_get_promql (threshold);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint step = MAX (settings->step_seconds, 1);
  g_autofree char *instant_query = NULL;
  g_autofree char *range_query = NULL;
  g_autofree char *escaped = g_uri_escape_string (promql, NULL, FALSE);
  g_autoptr(JsonNode) instant = NULL;
  g_autoptr(JsonNode) range = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  JsonObject *series;
  double value = NAN;
  gint64 time;

  instant_query = g_strdup_printf ("query=%s&time=%" G_GINT64_FORMAT, escaped, now);
  if (!(instant = client_get (client, "/api/v1/query", instant_query, cancellable, error)))
    return FALSE;
  range_query = g_strdup_printf ("query=%s&start=%" G_GINT64_FORMAT "&end=%" G_GINT64_FORMAT
                                 "&step=%u", escaped, now - (gint64)settings->range_hours * 3600,
                                 now, step);
  if (!(range = client_get (client, "/api/v1/query_range", range_query, cancellable, error)))
    return FALSE;

  if ((series = first_result (instant, "vector")) != NULL &&
      json_object_has_member (series, "value") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (series, "value")))
    sample_value (json_object_get_array_member (series, "value"), &time, &value);

  if ((series = first_result (range, "matrix")) != NULL &&
      json_object_has_member (series, "values") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (series, "values")))
    {
      JsonArray *points = json_object_get_array_member (series, "values");

      for (guint i = 0; i < json_array_get_length (points); i++)
        {
          double v;

          if (!JSON_NODE_HOLDS_ARRAY (json_array_get_element (points, i)) ||
              !sample_value (json_array_get_array_element (points, i), &time, &v))
            continue;
          g_array_append_val (times, time);
          g_array_append_val (values, v);
        }
    }

  if (!isfinite (value) && times->len == 0)
    {
      /* No series at all: the metric does not exist there (never 0). */
      _sn_threshold_set_unavailable (threshold, NULL);
      return TRUE;
    }
  _sn_threshold_set_result (threshold, value, times, values, now, step, settings->warning_ratio);
  if (sn_threshold_get_state (threshold) == SN_THRESHOLD_STATE_UNAVAILABLE)
    _sn_threshold_set_unavailable (threshold,
                                   isnan (value)
                                   ? _("The query gives no number now (NaN: no requests in the window).")
                                   : _("Prometheus has no recent sample of this metric: the scrape may be failing."));
  return TRUE;
}

static gboolean
client_open (Client        *client,
             SnProfile     *profile,
             SnSshSession  *session,
             SnSshTunnel  **tunnel,
             GCancellable  *cancellable,
             GError       **error)
{
  const char *url = sn_profile_get_prometheus_url (profile);
  g_autoptr(GUri) uri = NULL;
  const char *host;
  int port;

  client->where = g_strdup (url != NULL ? url : "");
  if (url == NULL || *url == '\0')
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                   _("The profile “%s” has no Prometheus URL. Set it in the profile (on the "
                     "real server: http://127.0.0.1:9090, reached through SSH)."),
                   sn_profile_get_name (profile));
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 ||
      (host = g_uri_get_host (uri)) == NULL)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                   _("“%s” is not an http:// address. Fix the profile’s Prometheus URL "
                     "(e.g. http://127.0.0.1:9090)."), url);
      return FALSE;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;

  client->session = soup_session_new_with_options ("timeout", PROMETHEUS_TIMEOUT_SECONDS, NULL);
  if (sn_net_loopback_only ())
    {
      g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

      soup_session_set_proxy_resolver (client->session, direct);
    }

  if (session != NULL)
    {
      g_auto(SnAwait) await = SN_AWAIT_INIT;
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      sn_await_push_private (&await);
      *tunnel = sn_ssh_tunnel_new (session, host, (guint)port);
      sn_ssh_tunnel_open_async (*tunnel, cancellable, sn_await_callback, &await);
      ok = sn_ssh_tunnel_open_finish (*tunnel, sn_await_result (&await), &local_error);
      if (!ok && g_error_matches (local_error, SN_SSH_ERROR, SN_SSH_ERROR_FORWARDING_DISABLED))
        {
          /* harden-vps.sh's AllowTcpForwarding no: ask the host to fetch it */
          g_clear_object (tunnel);
          client->host = sn_host_new (session, NULL);
          client->base = g_strdup_printf ("http://%s:%d", host, port);
          return TRUE;
        }
      if (!ok)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS,
                         _("Prometheus at %s does not answer through SSH: %s Check that the "
                           "prometheus container runs (docker compose ps prometheus) and the "
                           "profile’s Prometheus URL."), url, local_error->message);
          return FALSE;
        }
      client->base = g_strdup_printf ("http://127.0.0.1:%u", sn_ssh_tunnel_get_local_port (*tunnel));
      return TRUE;
    }

  /* Without a session: only a direct address the guard allows. */
  if (!sn_net_check_host (host, error))
    return FALSE;
  client->base = g_strdup_printf ("http://%s:%d", host, port);
  return TRUE;
}

/**
 * sn_scaling_thresholds_sync:
 *
 * Returns: (transfer full): a #GListModel of #SnThreshold, one per kind, or
 *   %NULL when Prometheus cannot be reached
 */
GListModel *
sn_scaling_thresholds_sync (SnProfile                *profile,
                            SnSshSession             *session,
                            const SnScalingSettings  *settings,
                            GCancellable             *cancellable,
                            GError                  **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_THRESHOLD);
  g_auto(Client) client = { NULL, NULL, NULL };
  g_autoptr(SnSshTunnel) tunnel = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (settings != NULL, NULL);

  if (!client_open (&client, profile, session, &tunnel, cancellable, error))
    ok = FALSE;

  for (guint kind = 0; ok && kind < SN_THRESHOLD_N; kind++)
    {
      g_autoptr(SnThreshold) threshold = _sn_threshold_new (kind, settings);

      if (!evaluate_one (&client, threshold, settings, cancellable, error))
        ok = FALSE;
      else
        g_list_store_append (store, threshold);
    }

  client_clear (&client);
  if (tunnel != NULL)
    sn_ssh_tunnel_close (tunnel);
  return ok ? G_LIST_MODEL (g_steal_pointer (&store)) : NULL;
}

typedef struct
{
  SnProfile         *profile;
  SnSshSession      *session;
  SnScalingSettings  settings;
} ThresholdsData;

static void
thresholds_data_free (gpointer data)
{
  ThresholdsData *td = data;

  g_clear_object (&td->profile);
  g_clear_object (&td->session);
  g_free (td);
}

static void
thresholds_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ThresholdsData *td = task_data;
  GError *error = NULL;
  GListModel *model;

  model = sn_scaling_thresholds_sync (td->profile, td->session, &td->settings, cancellable, &error);
  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, g_object_unref);
}

/**
 * sn_scaling_thresholds_async:
 *
 * sn_scaling_thresholds_sync() in a worker thread. Reads only.
 */
void
sn_scaling_thresholds_async (SnProfile                *profile,
                             SnSshSession             *session,
                             const SnScalingSettings  *settings,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ThresholdsData *td = g_new0 (ThresholdsData, 1);

  g_task_set_source_tag (task, sn_scaling_thresholds_async);
  td->profile = g_object_ref (profile);
  td->session = session != NULL ? g_object_ref (session) : NULL;
  td->settings = *settings;
  g_task_set_task_data (task, td, thresholds_data_free);
  g_task_run_in_thread (task, thresholds_thread);
}

/**
 * sn_scaling_thresholds_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnThreshold
 */
GListModel *
sn_scaling_thresholds_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
