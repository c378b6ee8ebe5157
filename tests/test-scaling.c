/* test-scaling.c: docker stats, thresholds from Prometheus, the compose resources editor
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sn-test-stack.h"
#include "sn-core.h"
#include "sn-await.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-scaling.h"
#include "sn-actions-builtin.h"

static SnSshSession *session;
static SnHost *host;
static SnAuditLog *audit;
static SnRunbookCatalog *catalog;
static char *compose_path;
static char *original;

static void
restore_original (void)
{
  g_assert_true (g_file_set_contents (compose_path, original, -1, NULL));
}

static char *
read_compose (void)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (compose_path, &text, NULL, NULL));
  return text;
}

/* "Now" ------------------------------------------------------------------- */

static void
test_stats (void)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen_app = FALSE;

  sn_await_push_private (&await);
  sn_scaling_stats_async (host, NULL, sn_await_callback, &await);
  model = sn_scaling_stats_finish (host, sn_await_result (&await), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 2);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnContainerStats) stats = g_list_model_get_item (model, i);

      if (g_str_equal (sn_container_stats_get_name (stats), "sweetnarcisse-app-1"))
        {
          seen_app = TRUE;
          /* mem_limit: 1g of the compose file, and the fake app's real RSS */
          g_assert_cmpuint (sn_container_stats_get_mem_limit (stats), ==, 1073741824);
          g_assert_cmpuint (sn_container_stats_get_mem_usage (stats), >, 1000000);
          g_assert_cmpfloat (sn_container_stats_get_mem_percent (stats), >, 0);
        }
    }
  g_assert_true (seen_app);
}

static void
test_parse_stats (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(SnContainerStats) stats = NULL;
  guint64 bytes = 0;

  model = sn_scaling_parse_docker_stats ("{\"CPUPerc\":\"12.50%\",\"MemPerc\":\"50.00%\",\"MemUsage\":"
                                         "\"512MiB / 1GiB\",\"Name\":\"x-1\",\"PIDs\":\"7\"}\n", &error);
  g_assert_no_error (error);
  stats = g_list_model_get_item (model, 0);
  g_assert_cmpfloat_with_epsilon (sn_container_stats_get_cpu_percent (stats), 12.5, 1e-9);
  g_assert_cmpuint (sn_container_stats_get_mem_usage (stats), ==, 536870912);
  g_assert_cmpuint (sn_container_stats_get_pids (stats), ==, 7);
  g_assert_true (sn_scaling_parse_docker_size ("1.5kB", &bytes));
  g_assert_cmpuint (bytes, ==, 1500);

  g_clear_object (&model);
  model = sn_scaling_parse_docker_stats ("CONTAINER ID   NAME\n", &error);
  g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE);
  g_assert_null (model);
}

/* Thresholds ------------------------------------------------------------- */

static void
set_series (const char *json)
{
  g_assert_true (g_file_set_contents (sn_test_stack_get ("PROMETHEUS_SERIES"), json, -1, NULL));
}

static GListModel *
thresholds (SnScalingSettings *settings,
            GError           **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnScalingSettings defaults;

  if (settings == NULL)
    {
      sn_scaling_settings_init (&defaults);
      settings = &defaults;
    }
  sn_await_push_private (&await);
  sn_scaling_thresholds_async (sn_test_stack_profile (), session, settings, NULL, sn_await_callback, &await);
  return sn_scaling_thresholds_finish (sn_await_result (&await), error);
}

static SnThreshold *
get (GListModel      *model,
     SnThresholdKind  kind)
{
  SnThreshold *t = g_list_model_get_item (model, kind);

  g_object_unref (t);
  g_assert_cmpint (sn_threshold_get_kind (t), ==, kind);
  return t;
}

static void
test_evaluate (void)
{
  gint64 times[5] = { 0, 60, 120, 180, 240 };
  double values[5] = { 10, 90, 95, 96, 97 };
  gint64 since = -1;

  /* above since t=60: 180 s at t=240 */
  g_assert_cmpint (sn_scaling_evaluate (times, values, 5, 240, 60, 80, 300, 0.9, &since), ==,
                   SN_THRESHOLD_STATE_WARNING);
  g_assert_cmpint (since, ==, 60);
  g_assert_cmpint (sn_scaling_evaluate (times, values, 5, 240, 60, 80, 180, 0.9, &since), ==,
                   SN_THRESHOLD_STATE_FIRING);
  values[4] = 75;   /* back under, but within 90 % of the limit */
  g_assert_cmpint (sn_scaling_evaluate (times, values, 5, 240, 60, 80, 60, 0.9, &since), ==,
                   SN_THRESHOLD_STATE_WARNING);
  g_assert_cmpint (since, ==, 0);
  values[4] = 10;
  g_assert_cmpint (sn_scaling_evaluate (times, values, 5, 240, 60, 80, 60, 0.9, &since), ==,
                   SN_THRESHOLD_STATE_OK);
  /* a stale series says nothing about now */
  g_assert_cmpint (sn_scaling_evaluate (times, values, 5, 2400, 60, 80, 60, 0.9, &since), ==,
                   SN_THRESHOLD_STATE_UNAVAILABLE);
}

static void
test_thresholds_states (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  SnThreshold *cpu;
  SnThreshold *errors;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(JsonNode) json = NULL;

  /* ok everywhere the metric exists */
  set_series ("{\"process_cpu_seconds_total\": {\"labels\": {\"job\": \"sweetnarcisse-app\"},"
              "  \"points\": [[-30000, 20]]},"
              " \"process_resident_memory_bytes\": {\"points\": [[-30000, 40]]},"
              " \"http_requests_total\": {\"points\": [[-30000, 0.5]]}}");
  model = thresholds (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, SN_THRESHOLD_N);
  cpu = get (model, SN_THRESHOLD_CPU);
  g_assert_cmpint (sn_threshold_get_state (cpu), ==, SN_THRESHOLD_STATE_OK);
  g_assert_cmpfloat_with_epsilon (sn_threshold_get_value (cpu), 20, 1e-9);
  g_assert_nonnull (strstr (sn_threshold_get_promql (cpu), "process_cpu_seconds_total"));
  {
    guint n = 0;

    sn_threshold_get_series (cpu, &n);
    g_assert_cmpuint (n, >=, 359);   /* 6 h at one point a minute */
  }
  /* the metrics the real system lacks: unavailable with the reason, never 0 */
  g_assert_cmpint (sn_threshold_get_state (get (model, SN_THRESHOLD_P95)), ==, SN_THRESHOLD_STATE_UNAVAILABLE);
  g_assert_true (isnan (sn_threshold_get_value (get (model, SN_THRESHOLD_P95))));
  g_assert_nonnull (strstr (sn_threshold_get_reason (get (model, SN_THRESHOLD_P95)), "never observed"));
  g_assert_cmpint (sn_threshold_get_state (get (model, SN_THRESHOLD_DB_CONNECTIONS)), ==,
                   SN_THRESHOLD_STATE_UNAVAILABLE);
  g_assert_nonnull (strstr (sn_threshold_get_reason (get (model, SN_THRESHOLD_DB_CONNECTIONS)),
                            "postgres-exporter"));
  json = sn_threshold_to_json (get (model, SN_THRESHOLD_P95));
  g_assert_true (json_node_is_null (json_object_get_member (json_node_get_object (json), "value")));
  g_clear_object (&model);

  /* above for 4 minutes: not yet 5 -> warning, since about 4 minutes ago */
  set_series ("{\"process_cpu_seconds_total\": {\"points\": [[-30000, 20], [-240, 95]]},"
              " \"http_requests_total\": {\"points\": [[-30000, 0.5], [-90, 9]]}}");
  model = thresholds (NULL, &error);
  g_assert_no_error (error);
  cpu = get (model, SN_THRESHOLD_CPU);
  g_assert_cmpint (sn_threshold_get_state (cpu), ==, SN_THRESHOLD_STATE_WARNING);
  g_assert_cmpint (sn_threshold_get_since (cpu), >=, now - 245);
  g_assert_cmpint (sn_threshold_get_since (cpu), <=, now - 170);
  /* errors > 5 % for 90 s: the SEV1 rule is 1 minute -> firing */
  errors = get (model, SN_THRESHOLD_ERRORS);
  g_assert_cmpint (sn_threshold_get_state (errors), ==, SN_THRESHOLD_STATE_FIRING);
  g_assert_nonnull (strstr (sn_threshold_get_advice (errors), "SEV1"));
  /* memory went away from Prometheus: unavailable, not 0 */
  g_assert_cmpint (sn_threshold_get_state (get (model, SN_THRESHOLD_RAM)), ==, SN_THRESHOLD_STATE_UNAVAILABLE);
  g_clear_object (&model);

  /* above for 7 minutes -> firing since then */
  set_series ("{\"process_cpu_seconds_total\": {\"points\": [[-30000, 20], [-420, 95]]}}");
  model = thresholds (NULL, &error);
  g_assert_no_error (error);
  cpu = get (model, SN_THRESHOLD_CPU);
  g_assert_cmpint (sn_threshold_get_state (cpu), ==, SN_THRESHOLD_STATE_FIRING);
  g_assert_cmpint (sn_threshold_get_since (cpu), <=, now - 300);
  g_clear_object (&model);

  /* just under the limit: warning (90 % of it) */
  set_series ("{\"process_cpu_seconds_total\": {\"points\": [[-30000, 75]]}}");
  model = thresholds (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_threshold_get_state (get (model, SN_THRESHOLD_CPU)), ==, SN_THRESHOLD_STATE_WARNING);
  g_assert_cmpint (sn_threshold_get_since (get (model, SN_THRESHOLD_CPU)), ==, 0);
  set_series ("{}");
}

static void
test_thresholds_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  SnScalingSettings settings;

  /* a longer duration from the settings: 7 minutes above is not yet firing */
  sn_scaling_settings_init (&settings);
  settings.duration[SN_THRESHOLD_CPU] = 600;
  settings.app_memory_mib = 2048;
  set_series ("{\"process_cpu_seconds_total\": {\"points\": [[-30000, 20], [-420, 95]]}}");
  model = thresholds (&settings, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_threshold_get_state (get (model, SN_THRESHOLD_CPU)), ==, SN_THRESHOLD_STATE_WARNING);
  g_assert_nonnull (strstr (sn_threshold_get_promql (get (model, SN_THRESHOLD_RAM)), "2147483648"));
  set_series ("{}");
}

static void
test_prometheus_down (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;

  sn_test_stack_stop ("prometheus");
  model = thresholds (NULL, &error);
  sn_test_stack_start ("prometheus");
  g_assert_null (model);
  g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PROMETHEUS);
  g_assert_nonnull (strstr (error->message, "does not answer"));
  g_assert_nonnull (strstr (error->message, "prometheus"));
}

/* A private sshd like the stack's but with AllowTcpForwarding no
 * (harden-vps.sh): Prometheus is asked through curl on the host. */
static void
test_forwarding_disabled (void)
{
  g_autofree char *dir = g_build_filename (sn_test_stack_dir (), "sshd-noforward-prom", NULL);
  g_autofree char *kh = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "known_hosts", NULL);
  g_autofree char *cmd = NULL;
  g_autofree char *port = NULL;
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnSshSession) noforward = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnThreshold) cpu = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnScalingSettings settings;

  cmd = g_strdup_printf (
    "set -e; d='%s'; mkdir -p \"$d\"; "
    "p=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'); "
    "sed -e \"s|^Port .*|Port $p|\" -e \"s|^PidFile .*|PidFile $d/sshd.pid|\" "
    "-e 's|^AllowTcpForwarding .*|AllowTcpForwarding no|' '%s/ssh/sshd_config' > \"$d/sshd_config\"; "
    "grep -qx 'AllowTcpForwarding no' \"$d/sshd_config\"; "
    "setsid /usr/sbin/sshd -f \"$d/sshd_config\" -E \"$d/sshd.log\" </dev/null >/dev/null 2>&1; "
    "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done; "
    "printf '[127.0.0.1]:%%s %%s\\n' $p \"$(cut -d' ' -f1,2 '%s/ssh/hostkey_ed25519.pub')\" >> '%s'; echo $p",
    dir, sn_test_stack_dir (), sn_test_stack_dir (), kh);
  port = g_strstrip (sn_test_run (cmd));
  g_object_set (profile, "ssh-port", (guint)atoi (port), NULL);
  noforward = sn_ssh_session_new (profile, sn_secret_store_get_default ());

  set_series ("{\"process_cpu_seconds_total\": {\"points\": [[-30000, 20], [-420, 95]]}}");
  sn_scaling_settings_init (&settings);
  sn_await_push_private (&await);
  sn_scaling_thresholds_async (profile, noforward, &settings, NULL, sn_await_callback, &await);
  model = sn_scaling_thresholds_finish (sn_await_result (&await), &error);
  sn_await_clear (&await);

  sn_ssh_session_disconnect (noforward);
  g_free (cmd);
  cmd = g_strdup_printf ("kill $(cat '%s/sshd.pid') 2>/dev/null; true", dir);
  g_free (sn_test_run (cmd));
  set_series ("{}");

  g_assert_no_error (error);
  cpu = g_list_model_get_item (model, SN_THRESHOLD_CPU);
  g_assert_cmpint (sn_threshold_get_state (cpu), ==, SN_THRESHOLD_STATE_FIRING);
  g_assert_cmpfloat_with_epsilon (sn_threshold_get_value (cpu), 95, 1e-9);
  g_assert_cmpint (sn_threshold_get_state (get (model, SN_THRESHOLD_P95)), ==, SN_THRESHOLD_STATE_UNAVAILABLE);
}

/* Compose resources ------------------------------------------------------- */

static SnComposeFile *
read_from_host (SnHostCapacity *capacity,
                GError        **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  sn_await_push_private (&await);
  sn_scaling_read_compose_async (host, NULL, sn_await_callback, &await);
  return sn_scaling_read_compose_finish (host, sn_await_result (&await), capacity, error);
}

/* Remove the lines starting with '+' and turn the '-' ones back: the old text. */
static void
assert_only_lines (const char         *diff,
                   const char * const *removed,
                   const char * const *added)
{
  g_auto(GStrv) lines = g_strsplit (diff, "\n", -1);
  guint r = 0;
  guint a = 0;

  for (guint i = 2; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '-')
        {
          g_assert_nonnull (removed[r]);
          g_assert_cmpstr (lines[i] + 1, ==, removed[r++]);
        }
      else if (lines[i][0] == '+')
        {
          g_assert_nonnull (added[a]);
          g_assert_cmpstr (lines[i] + 1, ==, added[a++]);
        }
    }
  g_assert_null (removed[r]);
  g_assert_null (added[a]);
}

static void
test_compose_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnComposeFile) file = NULL;
  g_autoptr(SnServiceResources) app = NULL;
  g_autofree char *text = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *again = NULL;
  g_autoptr(SnComposeFile) reparsed = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SnHostCapacity capacity;
  SnResourcesChange change = { "1.5", "768M", "0.5", "256M", 0 };
  static const char * const removed[] = { "    mem_limit: 1g", NULL };
  static const char * const added[] = {
    "    mem_limit: 768M", "    deploy:", "      resources:", "        limits:", "          cpus: '1.5'",
    "          memory: 768M", "        reservations:", "          cpus: '0.5'", "          memory: 256M", NULL
  };
  SnResourcesChange second = { "2", NULL, NULL, "512M", 3 };
  static const char * const removed2[] = { "          cpus: '1.5'", "          memory: 256M", NULL };
  static const char * const added2[] = { "          cpus: '2'", "          memory: 512M", "      replicas: 3", NULL };

  file = read_from_host (&capacity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (capacity.cpus, >=, 1);
  g_assert_cmpuint (capacity.memory, >, 1073741824);
  g_assert_cmpstr (sn_compose_file_get_text (file), ==, original);
  app = sn_compose_file_get_service (file, "app", &error);
  g_assert_no_error (error);
  g_assert_cmpint (app->memory_limit, ==, 1073741824);   /* mem_limit: 1g */
  g_assert_cmpfloat (app->cpus_limit, <, 0);             /* no CPU limit (target-system §10.5) */
  g_assert_cmpint (app->replicas, ==, -1);
  g_assert_false (app->has_container_name);

  capacity.cpus = MAX (capacity.cpus, 2);
  text = sn_compose_file_apply (file, "app", &change, &capacity, &error);
  g_assert_no_error (error);
  diff = sn_scaling_unified_diff (original, text, "a", "b");
  /* exactly these lines change; every other byte stays */
  assert_only_lines (diff, removed, added);
  g_assert_nonnull (strstr (diff, "@@ "));

  /* a second edit on the block it made: the scalars in place, their quotes kept */
  bytes = g_bytes_new (text, strlen (text));
  reparsed = sn_compose_file_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  again = sn_compose_file_apply (reparsed, "app", &second, &capacity, &error);
  g_assert_no_error (error);
  g_free (diff);
  diff = sn_scaling_unified_diff (text, again, "a", "b");
  assert_only_lines (diff, removed2, added2);
}

static void
test_compose_invalid (void)
{
  g_autoptr(SnComposeFile) file = NULL;
  SnHostCapacity capacity = { 2, 4ULL * 1073741824 };
  struct { SnResourcesChange change; const char *service; const char *words; } cases[] = {
    { { "abc", NULL, NULL, NULL, 0 }, "app", "not a number of CPUs" },
    { { NULL, "12X", NULL, NULL, 0 }, "app", "not an amount of memory" },
    { { "1", "512M", "2", NULL, 0 }, "app", "CPU reservation" },
    { { NULL, "512M", NULL, "1G", 0 }, "app", "memory reservation" },
    { { "8", NULL, NULL, NULL, 0 }, "app", "host has only 2" },
    { { NULL, "64G", NULL, NULL, 0 }, "app", "more memory than the host" },
    { { NULL, "2M", NULL, NULL, 0 }, "app", "below 6 MB" },
    { { NULL, NULL, NULL, NULL, 3 }, "db", "container_name" },
    { { NULL, NULL, NULL, NULL, 99 }, "app", "between 1 and 32" },
    { { "1", NULL, NULL, NULL, 0 }, "nosuch", "no service “nosuch”" },
  };
  g_autoptr(GBytes) bytes = g_bytes_new (original, strlen (original));

  file = sn_compose_file_new_from_bytes (bytes, NULL);
  g_assert_nonnull (file);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = sn_compose_file_apply (file, cases[i].service, &cases[i].change, &capacity, &error);

      g_assert_null (text);
      g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].words);
    }
}

static void
test_compose_malformed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnComposeFile) file = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autofree char *after = NULL;
  static const char broken[] = "services:\n  app:\n    image: x\n   mem_limit: [1g\n";

  g_assert_true (g_file_set_contents (compose_path, broken, -1, NULL));
  file = read_from_host (NULL, &error);
  g_assert_null (file);
  g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_YAML);
  g_assert_nonnull (strstr (error->message, "line 4, column"));
  g_clear_error (&error);

  /* the runbook refuses at its first step and writes nothing */
  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *)"service", (char *)"app");
  g_hash_table_insert (params, (char *)"memory", (char *)"768M");
  runner = sn_runner_new (sn_runbook_catalog_lookup (catalog, "scaling-apply"), sn_test_stack_profile (),
                          params, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "host", G_OBJECT (host));
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_nonnull (error);
  after = read_compose ();
  g_assert_cmpstr (after, ==, broken);
  restore_original ();
}

static SnRunner *
apply_runner (const char *memory)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  SnRunner *runner;

  g_hash_table_insert (params, (char *)"service", (char *)"app");
  g_hash_table_insert (params, (char *)"memory", (char *)memory);
  runner = sn_runner_new (sn_runbook_catalog_lookup (catalog, "scaling-apply"), sn_test_stack_profile (),
                          params, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "host", G_OBJECT (host));
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));
  return runner;
}

static guint64
app_memory_limit (void)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GListModel) model = NULL;

  sn_await_push_private (&await);
  sn_scaling_stats_async (host, NULL, sn_await_callback, &await);
  model = sn_scaling_stats_finish (host, sn_await_result (&await), NULL);
  g_assert_nonnull (model);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnContainerStats) stats = g_list_model_get_item (model, i);

      if (g_str_equal (sn_container_stats_get_name (stats), "sweetnarcisse-app-1"))
        return sn_container_stats_get_mem_limit (stats);
    }
  g_assert_not_reached ();
}

static void
test_apply_config_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunner) runner = apply_runner ("768M");
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "state", "compose-config.fail", NULL);
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (knob, "", 0, NULL));
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_nonnull (error);
  after = read_compose ();
  g_assert_cmpstr (after, ==, original);
  g_assert_false (g_file_test (knob, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (app_memory_limit (), ==, 1073741824);
}

static void
test_apply_succeeds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunner) runner = apply_runner ("768M");
  g_autoptr(SnRunner) refused = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *after = NULL;

  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  after = read_compose ();
  g_assert_nonnull (strstr (after, "    mem_limit: 768M\n"));
  g_assert_nonnull (strstr (after, "          memory: 768M\n"));
  /* what `up -d` applied is what the containers now have */
  g_assert_cmpuint (app_memory_limit (), ==, 768 * 1048576);

  /* a read-only profile is refused in core */
  g_hash_table_insert (params, (char *)"service", (char *)"app");
  g_hash_table_insert (params, (char *)"memory", (char *)"512M");
  refused = sn_runner_new (sn_runbook_catalog_lookup (catalog, "scaling-apply"), sn_test_stack_ro_profile (),
                           params, &error);
  if (refused != NULL)
    g_assert_cmpint (sn_runner_execute_sync (refused, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_assert_error (error, SN_RUNNER_ERROR, 0);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);

  restore_original ();
  {
    static const char * const up[] = { "up", "-d", NULL };
    g_autofree char *cmd = sn_host_command_compose (sn_test_stack_profile (), up);
    g_autoptr(SnSshExecResult) exec = sn_host_exec_sync (host, "test", cmd, NULL, 60000, NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (sn_ssh_exec_result_get_success (exec));
  }
}

static void
test_diff (void)
{
  g_autofree char *same = sn_scaling_unified_diff ("a\nb\n", "a\nb\n", "x", "y");
  g_autofree char *diff = sn_scaling_unified_diff ("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
                                                   "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
                                                   "x", "y");

  g_assert_cmpstr (same, ==, "");
  g_assert_cmpstr (diff, ==,
                   "--- x\n+++ y\n"
                   "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n"
                   "@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SnProfile) profile = NULL;
  g_autofree char *audit_path = NULL;
  int ret;

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  g_test_init (&argc, &argv, NULL);
  sn_actions_register_builtin ();

  sn_test_stack_up ();
  profile = sn_profile_copy (sn_test_stack_profile ());
  session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  audit_path = g_build_filename (sn_test_stack_dir (), "test-scaling-audit.jsonl", NULL);
  audit = sn_audit_log_new (audit_path);
  host = sn_host_new (session, audit);
  catalog = sn_runbook_catalog_new (NULL);
  sn_runbook_catalog_load (catalog, NULL);
  {
    const char * const *errors = sn_runbook_catalog_get_errors (catalog);

    for (guint i = 0; errors != NULL && errors[i] != NULL; i++)
      g_printerr ("catalog: %s\n", errors[i]);
    g_assert_nonnull (sn_runbook_catalog_lookup (catalog, "scaling-apply"));
  }
  compose_path = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "docker-compose.yml", NULL);
  g_assert_true (g_file_get_contents (compose_path, &original, NULL, NULL));

  g_test_add_func ("/scaling/stats/parse", test_parse_stats);
  g_test_add_func ("/scaling/stats/over-ssh", test_stats);
  g_test_add_func ("/scaling/thresholds/evaluate", test_evaluate);
  g_test_add_func ("/scaling/thresholds/states", test_thresholds_states);
  g_test_add_func ("/scaling/thresholds/settings", test_thresholds_settings);
  g_test_add_func ("/scaling/thresholds/prometheus-down", test_prometheus_down);
  g_test_add_func ("/scaling/thresholds/forwarding-disabled", test_forwarding_disabled);
  g_test_add_func ("/scaling/compose/diff", test_diff);
  g_test_add_func ("/scaling/compose/round-trip", test_compose_round_trip);
  g_test_add_func ("/scaling/compose/invalid", test_compose_invalid);
  g_test_add_func ("/scaling/compose/malformed", test_compose_malformed);
  g_test_add_func ("/scaling/apply/config-fails", test_apply_config_fails);
  g_test_add_func ("/scaling/apply/succeeds", test_apply_succeeds);

  ret = g_test_run ();

  g_clear_object (&host);
  g_clear_object (&audit);
  g_clear_object (&session);
  g_clear_object (&catalog);
  g_free (compose_path);
  g_free (original);
  return ret;
}
