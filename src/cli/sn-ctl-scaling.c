/* sn-ctl-scaling.c: narcisse-ctl scaling status | resources | set
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <math.h>

#include "sn-await.h"
#include "sn-connection.h"
#include "sn-ctl.h"
#include "sn-scaling.h"

static GListModel *
read_stats (SnConnection *connection,
            GError      **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnHost *host = sn_connection_get_host (connection);

  sn_await_push_private (&await);
  sn_scaling_stats_async (host, NULL, sn_await_callback, &await);
  return sn_scaling_stats_finish (host, sn_await_result (&await), error);
}

static JsonNode *
stats_to_json (GListModel *stats)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; stats != NULL && i < g_list_model_get_n_items (stats); i++)
    {
      g_autoptr(SnContainerStats) s = g_list_model_get_item (stats, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, sn_container_stats_get_name (s));
      json_builder_set_member_name (builder, "cpu_percent");
      json_builder_add_double_value (builder, sn_container_stats_get_cpu_percent (s));
      json_builder_set_member_name (builder, "mem_usage");
      json_builder_add_int_value (builder, (gint64)sn_container_stats_get_mem_usage (s));
      json_builder_set_member_name (builder, "mem_limit");
      json_builder_add_int_value (builder, (gint64)sn_container_stats_get_mem_limit (s));
      json_builder_set_member_name (builder, "mem_percent");
      json_builder_add_double_value (builder, sn_container_stats_get_mem_percent (s));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static void
print_stats (GListModel *stats)
{
  /* Translators: column headers of "narcisse-ctl scaling status". */
  g_print ("%-32s %8s  %s\n", _("CONTAINER"), _("CPU"), _("MEMORY / LIMIT"));
  for (guint i = 0; i < g_list_model_get_n_items (stats); i++)
    {
      g_autoptr(SnContainerStats) s = g_list_model_get_item (stats, i);
      g_autofree char *usage = g_format_size_full (sn_container_stats_get_mem_usage (s), G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (sn_container_stats_get_mem_limit (s), G_FORMAT_SIZE_IEC_UNITS);

      g_print ("%-32s %7.1f%%  %s / %s (%.1f %%)\n", sn_container_stats_get_name (s),
               sn_container_stats_get_cpu_percent (s), usage, limit, sn_container_stats_get_mem_percent (s));
    }
}

static void
print_threshold (SnThreshold *t)
{
  g_autofree char *value = sn_threshold_dup_value_text (t);
  g_autofree char *since = NULL;

  if (sn_threshold_get_since (t) > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (sn_threshold_get_since (t));

      since = g_date_time_format (when, " %H:%M");
    }
  g_print ("%-22s %-12s%s  %-10s > %g", sn_threshold_get_title (t),
           sn_threshold_state_to_label (sn_threshold_get_state (t)),
           since != NULL ? since : "", value, sn_threshold_get_limit (t));
  if (sn_threshold_get_duration (t) > 0)
    g_print (_(" for %u s"), sn_threshold_get_duration (t));
  g_print ("\n    PromQL: %s\n", sn_threshold_get_promql (t));
  if (sn_threshold_get_reason (t) != NULL)
    g_print ("    %s\n", sn_threshold_get_reason (t));
  if (sn_threshold_get_state (t) == SN_THRESHOLD_STATE_FIRING ||
      sn_threshold_get_state (t) == SN_THRESHOLD_STATE_WARNING)
    g_print ("    → %s\n", sn_threshold_get_advice (t));
}

static int
scaling_status (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(GListModel) stats = NULL;
  g_autoptr(GListModel) thresholds = NULL;
  g_autoptr(GError) stats_error = NULL;
  g_autoptr(GError) error = NULL;
  SnScalingSettings settings;
  gboolean as_json = FALSE;
  gboolean firing = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the containers and thresholds as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("scaling status", NULL,
                                       _("Each container’s CPU and memory now, and the runbook’s "
                                         "thresholds evaluated from Prometheus. Exit status 1 when a "
                                         "threshold is firing."), entries);
  if (!sn_ctl_parse_options (context, "scaling status", &argc, &argv, &status) ||
      !sn_ctl_no_arguments ("scaling status", argc, argv, &status))
    return status;

  if (!(connection = sn_ctl_open_host (ctl, &profile)))
    return SN_CTL_EXIT_FAILURE;

  sn_scaling_settings_init (&settings);
  stats = read_stats (connection, &stats_error);
  thresholds = sn_scaling_thresholds_sync (profile, sn_connection_get_session (connection), &settings,
                                           NULL, &error);
  for (guint i = 0; thresholds != NULL && i < g_list_model_get_n_items (thresholds); i++)
    {
      g_autoptr(SnThreshold) t = g_list_model_get_item (thresholds, i);

      firing = firing || sn_threshold_get_state (t) == SN_THRESHOLD_STATE_FIRING;
    }

  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "containers");
      json_builder_add_value (builder, stats_to_json (stats));
      json_builder_set_member_name (builder, "thresholds");
      json_builder_begin_array (builder);
      for (guint i = 0; thresholds != NULL && i < g_list_model_get_n_items (thresholds); i++)
        {
          g_autoptr(SnThreshold) t = g_list_model_get_item (thresholds, i);

          json_builder_add_value (builder, sn_threshold_to_json (t));
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "firing");
      json_builder_add_boolean_value (builder, firing);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      sn_ctl_print_json (root);
    }
  else
    {
      if (stats != NULL)
        print_stats (stats);
      if (thresholds != NULL)
        {
          g_print ("\n");
          for (guint i = 0; i < g_list_model_get_n_items (thresholds); i++)
            {
              g_autoptr(SnThreshold) t = g_list_model_get_item (thresholds, i);

              print_threshold (t);
            }
        }
    }

  if (stats_error != NULL)
    sn_ctl_print_error (stats_error);
  if (error != NULL)
    sn_ctl_print_error (error);
  if (stats_error != NULL || error != NULL)
    return SN_CTL_EXIT_FAILURE;
  return firing ? SN_CTL_EXIT_DEGRADED : SN_CTL_EXIT_OK;
}

static SnComposeFile *
read_compose (SnConnection   *connection,
              SnHostCapacity *capacity,
              GError        **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnHost *host = sn_connection_get_host (connection);

  sn_await_push_private (&await);
  sn_scaling_read_compose_async (host, NULL, sn_await_callback, &await);
  return sn_scaling_read_compose_finish (host, sn_await_result (&await), capacity, error);
}

static char *
cpus_text (double cpus)
{
  return cpus < 0 ? g_strdup ("—") : g_strdup_printf ("%g", cpus);
}

static int
scaling_resources (SnCtl  *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(SnComposeFile) file = NULL;
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;
  SnHostCapacity capacity;
  gboolean as_json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the services’ resources as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("scaling resources", NULL,
                                       _("Each service’s CPU and memory limits and reservations and "
                                         "its instances, from docker-compose.yml on the host."), entries);
  if (!sn_ctl_parse_options (context, "scaling resources", &argc, &argv, &status) ||
      !sn_ctl_no_arguments ("scaling resources", argc, argv, &status))
    return status;
  if (!(connection = sn_ctl_open_host (ctl, NULL)))
    return SN_CTL_EXIT_FAILURE;
  if (!(file = read_compose (connection, &capacity, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  services = sn_compose_file_list_services (file);
  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "host_cpus");
      json_builder_add_int_value (builder, capacity.cpus);
      json_builder_set_member_name (builder, "host_memory");
      json_builder_add_int_value (builder, (gint64)capacity.memory);
      json_builder_set_member_name (builder, "services");
      json_builder_begin_array (builder);
      for (guint i = 0; i < services->len; i++)
        {
          SnServiceResources *r = services->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, r->name);
#define NUM(key, value, unset) G_STMT_START {                     \
    json_builder_set_member_name (builder, key);                  \
    if ((value) unset) json_builder_add_null_value (builder);     \
    else json_builder_add_double_value (builder, (double)(value)); \
  } G_STMT_END
          NUM ("cpus_limit", r->cpus_limit, < 0);
          NUM ("memory_limit", r->memory_limit, < 0);
          NUM ("cpus_reservation", r->cpus_reservation, < 0);
          NUM ("memory_reservation", r->memory_reservation, < 0);
          NUM ("replicas", r->replicas, < 0);
#undef NUM
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      sn_ctl_print_json (root);
      return SN_CTL_EXIT_OK;
    }

  /* Translators: column headers of "narcisse-ctl scaling resources". */
  g_print ("%-20s %-10s %-12s %-10s %-12s %s\n", _("SERVICE"), _("CPUS"), _("MEMORY"),
           _("CPUS RES."), _("MEMORY RES."), _("INSTANCES"));
  for (guint i = 0; i < services->len; i++)
    {
      SnServiceResources *r = services->pdata[i];
      g_autofree char *c1 = cpus_text (r->cpus_limit);
      g_autofree char *m1 = sn_scaling_format_memory (r->memory_limit);
      g_autofree char *c2 = cpus_text (r->cpus_reservation);
      g_autofree char *m2 = sn_scaling_format_memory (r->memory_reservation);

      g_print ("%-20s %-10s %-12s %-10s %-12s %d\n", r->name, c1, m1, c2, m2, MAX (r->replicas, 1));
    }
  return SN_CTL_EXIT_OK;
}

/* The nginx part of a change of instances: the diff of nginx.conf, or why
 * it is refused (on stderr, so that stdout stays a patch). */
static void
print_nginx_preview (SnConnection  *connection,
                     SnProfile     *profile,
                     SnComposeFile *file,
                     const char    *service,
                     guint          replicas)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autofree char *message = NULL;
  SnHost *host = sn_connection_get_host (connection);

  sn_await_push_private (&await);
  sn_scaling_read_nginx_async (host, NULL, sn_await_callback, &await);
  old_text = sn_scaling_read_nginx_finish (host, sn_await_result (&await), &read_error);
  message = sn_scaling_nginx_preview (profile, file, old_text, read_error, service, replicas, &new_text);
  g_printerr ("nginx: %s\n", message);
  if (new_text != NULL)
    {
      g_autofree char *path = sn_scaling_dup_nginx_path (profile);
      g_autofree char *diff = sn_scaling_unified_diff (old_text, new_text, path, path);

      g_print ("%s", diff);
    }
}

static int
scaling_set (SnCtl  *ctl,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cpus = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *cpus_res = NULL;
  g_autofree char *memory_res = NULL;
  SnResourcesChange change = { NULL };
  SnCtlRunOptions options = { NULL };
  int replicas = 0;
  int status;
  const GOptionEntry entries[] = {
    { "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus, N_("CPU limit, such as 2 or 0.5"), N_("N") },
    { "memory", 0, 0, G_OPTION_ARG_STRING, &memory, N_("Memory limit, such as 512M or 2G"), N_("SIZE") },
    { "cpus-reservation", 0, 0, G_OPTION_ARG_STRING, &cpus_res, N_("CPU reservation"), N_("N") },
    { "memory-reservation", 0, 0, G_OPTION_ARG_STRING, &memory_res, N_("Memory reservation"), N_("SIZE") },
    { "replicas", 0, 0, G_OPTION_ARG_INT, &replicas, N_("Number of instances"), N_("N") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Print the changes to docker-compose.yml and nginx.conf; change nothing"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("scaling set", _("SERVICE"),
                                       _("Change a service’s resources in docker-compose.yml through the "
                                         "runbook scaling-apply (backup, check, up -d, revert on failure). "
                                         "With --replicas, the service’s upstream block in nginx.conf is "
                                         "rewritten too, checked with nginx -t and reloaded; when nginx.conf "
                                         "has no such block (the real one proxies straight to app:3000), "
                                         "only nginx’s reload is done and the output says why."),
                                       entries);
  if (!sn_ctl_parse_options (context, "scaling set", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("scaling set", _("Name one service, such as app"));
  if (replicas < 0)
    return sn_ctl_usage_error ("scaling set", _("--replicas must be 1 or more"));
  change.cpus_limit = cpus;
  change.memory_limit = memory;
  change.cpus_reservation = cpus_res;
  change.memory_reservation = memory_res;
  change.replicas = replicas;
  if (cpus == NULL && memory == NULL && cpus_res == NULL && memory_res == NULL && replicas == 0)
    return sn_ctl_usage_error ("scaling set", _("Give at least one of --cpus, --memory, "
                                                "--cpus-reservation, --memory-reservation, --replicas"));

  if (options.dry_run)
    {
      g_autoptr(SnConnection) connection = NULL;
      g_autoptr(SnComposeFile) file = NULL;
      g_autofree char *text = NULL;
      g_autofree char *diff = NULL;
      g_autofree char *path = NULL;
      SnHostCapacity capacity;

      if (!(connection = sn_ctl_open_host (ctl, &profile)))
        return SN_CTL_EXIT_FAILURE;
      if (!(file = read_compose (connection, &capacity, &error)) ||
          !(text = sn_compose_file_apply (file, argv[1], &change, &capacity, &error)))
        {
          sn_ctl_print_error (error);
          return SN_CTL_EXIT_FAILURE;
        }
      path = sn_scaling_dup_compose_path (profile);
      diff = sn_scaling_unified_diff (sn_compose_file_get_text (file), text, path, path);
      if (*diff == '\0')
        g_printerr ("%s\n", _("docker-compose.yml already has these values: nothing would change."));
      g_print ("%s", diff);
      if (replicas > 0)
        print_nginx_preview (connection, profile, file, argv[1], (guint)replicas);
      return SN_CTL_EXIT_OK;
    }

  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;
  {
    g_autoptr(SnRunbookCatalog) catalog = sn_ctl_load_runbooks ();
    g_autoptr(GHashTable) params = sn_scaling_change_to_params (argv[1], &change);
    SnRunbook *runbook = sn_ctl_lookup_builtin_runbook (catalog, "scaling-apply");

    if (runbook == NULL)
      return SN_CTL_EXIT_FAILURE;
    return sn_ctl_run_runbook (runbook, profile, params, &options, NULL);
  }
}

static int
scaling_replication (SnCtl  *ctl,
                     int     argc,
                     char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(JsonNode) status_node = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  const char * const *steps = sn_scaling_replica_checklist ();
  JsonObject *object;
  JsonArray *replicas;
  gboolean as_json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the replication status as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("scaling replication", NULL,
                                       _("The database's read replicas (pg_stat_replication) and the "
                                         "runbook's steps to add one (§5.3). Reads only."), entries);
  if (!sn_ctl_parse_options (context, "scaling replication", &argc, &argv, &status) ||
      !sn_ctl_no_arguments ("scaling replication", argc, argv, &status))
    return status;
  if (!(connection = sn_ctl_open_host (ctl, NULL)))
    return SN_CTL_EXIT_FAILURE;

  sn_await_push_private (&await);
  sn_scaling_replication_async (sn_connection_get_host (connection), NULL, sn_await_callback, &await);
  status_node = sn_scaling_replication_finish (sn_connection_get_host (connection), sn_await_result (&await),
                                               &error);
  if (status_node == NULL)
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }
  if (as_json)
    {
      sn_ctl_print_json (status_node);
      return SN_CTL_EXIT_OK;
    }

  object = json_node_get_object (status_node);
  replicas = json_object_get_array_member (object, "replicas");
  g_print (_("This server: %s; wal_level %s, max_wal_senders %lld\n"),
           json_object_get_boolean_member (object, "in_recovery") ? _("a replica (in recovery)") : _("the primary"),
           json_object_get_string_member (object, "wal_level"),
           (long long)json_object_get_int_member (object, "max_wal_senders"));
  if (replicas == NULL || json_array_get_length (replicas) == 0)
    g_print ("%s\n", _("No read replica is connected."));
  for (guint i = 0; replicas != NULL && i < json_array_get_length (replicas); i++)
    {
      JsonObject *r = json_array_get_object_element (replicas, i);

      g_print ("  %s  %s  %s  %s  %s\n", json_object_get_string_member_with_default (r, "name", ""),
               json_object_get_string_member_with_default (r, "client", "—"),
               json_object_get_string_member_with_default (r, "state", ""),
               json_object_get_string_member_with_default (r, "sync_state", ""),
               json_object_get_string_member_with_default (r, "replay_lag", "—"));
    }
  g_print ("\n%s\n", _("To add a read replica (runbook §5.3):"));
  for (guint i = 0; steps[i] != NULL; i++)
    g_print ("  %u. %s\n", i + 1, _(steps[i]));
  return SN_CTL_EXIT_OK;
}

int
sn_ctl_scaling (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "status", scaling_status },
    { "resources", scaling_resources },
    { "set", scaling_set },
    { "replication", scaling_replication },
  };

  return sn_ctl_run_subcommand (ctl, "scaling",
                                _("status [--json] | resources [--json] | replication [--json] | set SERVICE [--cpus N] "
                                  "[--memory SIZE] [--cpus-reservation N] [--memory-reservation SIZE] "
                                  "[--replicas N] --dry-run|--yes"),
                                subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
