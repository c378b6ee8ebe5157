/* test-host.c: SnHost on the local stack (docker stand-in over the real sshd)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-test-stack.h"
#include "sn-audit-log.h"
#include "sn-database-connector.h"
#include "sn-host.h"
#include "sn-ssh-session.h"

/* How long one async call may take here. */
#define WAIT_MS (60 * 1000)

static SnSshSession *session;
static SnAuditLog   *audit;
static SnHost       *host;

static GPtrArray *
audit_lines (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (sn_audit_log_get_path (audit), &contents, NULL, NULL))
    return array;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (array, g_strdup (lines[i]));
  return array;
}

/* Asserts exactly one new audit line since @before lines, for @action; returns its exit status. */
static gint64
assert_one_audit_line (guint       before,
                       const char *action)
{
  g_autoptr(GPtrArray) lines = audit_lines ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *entry;

  g_assert_cmpuint (lines->len, ==, before + 1);
  g_assert_true (json_parser_load_from_data (parser, g_ptr_array_index (lines, before), -1, NULL));
  entry = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, action);
  g_assert_cmpstr (json_object_get_string_member (entry, "profile"), ==, sn_test_stack_get ("PROFILE_NAME"));
  g_assert_nonnull (strstr (json_object_get_string_member (entry, "command"), ""));
  g_assert_true (json_object_has_member (entry, "duration_ms"));
  g_assert_true (json_object_has_member (entry, "bytes"));
  return json_object_get_int_member (entry, "exit_status");
}

static guint
audit_count (void)
{
  g_autoptr(GPtrArray) lines = audit_lines ();
  return lines->len;
}

static GListModel *
ps_sync (void)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  sn_host_compose_ps_async (host, NULL, sn_test_store_result_cb, &res);
  model = sn_host_compose_ps_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static SnContainer *
find_container (GListModel *model,
                const char *service)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnContainer) c = g_list_model_get_item (model, i);

      if (g_strcmp0 (sn_container_get_service (c), service) == 0)
        return g_steal_pointer (&c);
    }
  return NULL;
}

static void
test_ps (void)
{
  guint before = audit_count ();
  g_autoptr(GListModel) model = ps_sync ();
  g_autoptr(SnContainer) db = find_container (model, "db");
  g_autoptr(SnContainer) app = find_container (model, "app");
  g_autofree char *name = NULL;

  g_assert_cmpint (assert_one_audit_line (before, "host.compose.ps"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 5);
  g_assert_true (g_list_model_get_item_type (model) == SN_TYPE_CONTAINER);
  g_assert_nonnull (db);
  g_assert_nonnull (app);
  g_assert_cmpstr (sn_container_get_state (db), ==, "running");
  g_assert_true (sn_container_is_running (db));
  g_assert_cmpstr (sn_container_get_health (db), ==, "healthy");
  g_assert_cmpstr (sn_container_get_name (db), ==, "sweetnarcisse-db");
  g_assert_cmpstr (sn_container_get_image (db), ==, "postgres:16-alpine");
  g_assert_true (g_str_has_prefix (sn_container_get_status (db), "Up "));
  g_assert_cmpstr (sn_container_get_state (app), ==, "running");
  g_assert_cmpstr (sn_container_get_name (app), ==, "sweetnarcisse-app-1");
  /* properties, for the GUI's expressions */
  g_object_get (app, "name", &name, NULL);
  g_assert_cmpstr (name, ==, "sweetnarcisse-app-1");

  /* the audited command runs in the deploy path with the env file */
  {
    g_autoptr(GPtrArray) lines = audit_lines ();
    const char *line = g_ptr_array_index (lines, before);

    g_assert_nonnull (strstr (line, "--env-file .env.production.local ps -a --format json"));
    g_assert_nonnull (strstr (line, sn_test_stack_get ("DEPLOY_PATH")));
  }
}

static void
test_ps_stopped (void)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(SnContainer) db = NULL;

  sn_test_stack_stop ("postgres");
  model = ps_sync ();
  db = find_container (model, "db");
  sn_test_stack_start ("postgres");

  g_assert_nonnull (db);   /* listed by ps -a although stopped */
  g_assert_cmpstr (sn_container_get_state (db), ==, "exited");
  g_assert_false (sn_container_is_running (db));
  g_assert_true (g_str_has_prefix (sn_container_get_status (db), "Exited"));
}

static void
test_parse_ps_array (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = sn_host_parse_compose_ps (
    "[{\"Name\":\"a-db\",\"Service\":\"db\",\"State\":\"running\",\"Health\":\"healthy\","
    "\"Status\":\"Up 2 hours (healthy)\",\"Image\":\"postgres:16-alpine\",\"ExitCode\":0},"
    "{\"Name\":\"a-app-1\",\"Service\":\"app\",\"State\":\"exited\",\"Health\":\"\","
    "\"Status\":\"Exited (137) 5 minutes ago\",\"Image\":\"a-app\",\"ExitCode\":137}]", &error);
  g_autoptr(SnContainer) app = NULL;
  g_autoptr(GListModel) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  app = g_list_model_get_item (model, 1);
  g_assert_cmpint (sn_container_get_exit_code (app), ==, 137);
  g_assert_cmpstr (sn_container_get_state (app), ==, "exited");

  bad = sn_host_parse_compose_ps ("NAME   IMAGE\nx  y\n", &error);
  g_assert_null (bad);
  g_assert_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE);
}

typedef struct
{
  GPtrArray *lines;
  guint      seen_marker;
} Lines;

static void
on_line (const char *line,
         gboolean    is_stderr,
         gpointer    user_data)
{
  Lines *l = user_data;

  if (!is_stderr)
    g_ptr_array_add (l->lines, g_strdup (line));
  if (strstr (line, "sn-follow-marker") != NULL)
    l->seen_marker++;
}

static void
test_logs_tail (void)
{
  guint before = audit_count ();
  Lines l = { g_ptr_array_new_with_free_func (g_free), 0 };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = g_strdup_printf ("for i in $(seq 12); do echo \"sn-tail-line $i\"; done >> '%s'",
                                          sn_test_stack_get ("APP_LOG"));

  /* a fresh app has written fewer than 10 lines */
  g_free (sn_test_run (cmd));
  sn_host_compose_logs_async (host, "app", 10, FALSE, NULL, on_line, &l, NULL, NULL, sn_test_store_result_cb, &res);
  g_assert_true (sn_host_compose_logs_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (l.lines->len, ==, 10);
  g_assert_cmpstr (g_ptr_array_index (l.lines, 9), ==, "sn-tail-line 12");
  /* one service: no "app-1  | " prefix */
  g_assert_null (strstr (g_ptr_array_index (l.lines, 0), "app-1  |"));
  g_assert_cmpint (assert_one_audit_line (before, "host.compose.logs"), ==, 0);
  g_ptr_array_unref (l.lines);
}

static gboolean
marker_seen (gpointer data)
{
  return ((Lines *)data)->seen_marker >= 3;
}

static gboolean
lines_seen (gpointer data)
{
  return ((Lines *)data)->lines->len >= 2;
}

static void
test_logs_follow (void)
{
  guint before = audit_count ();
  Lines l = { g_ptr_array_new_with_free_func (g_free), 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = NULL;
  guint n;

  sn_host_compose_logs_async (host, "app", 2, TRUE, NULL, on_line, &l, NULL, cancellable, sn_test_store_result_cb, &res);
  g_assert_true (sn_test_wait_until (lines_seen, &l, 10000));
  cmd = g_strdup_printf ("for i in 1 2 3; do echo \"sn-follow-marker $i\" >> '%s'; sleep 0.1; done",
                         sn_test_stack_get ("APP_LOG"));
  g_free (sn_test_run (cmd));
  g_assert_true (sn_test_wait_until (marker_seen, &l, 10000));
  g_assert_null (res);   /* still following */

  g_cancellable_cancel (cancellable);
  g_assert_false (sn_host_compose_logs_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  n = l.lines->len;
  g_free (sn_test_run (cmd));
  g_usleep (300000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (l.lines->len, ==, n);   /* nothing after the cancel */
  g_assert_cmpint (assert_one_audit_line (before, "host.compose.logs"), ==, -1);
  g_ptr_array_unref (l.lines);
}

static void
test_df (void)
{
  guint before = audit_count ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GListModel) parsed = NULL;
  g_autoptr(SnFilesystem) spaced = NULL;

  sn_host_disk_usage_async (host, NULL, sn_test_store_result_cb, &res);
  model = sn_host_disk_usage_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnFilesystem) fs = g_list_model_get_item (model, i);

      g_test_message ("%s %s %" G_GUINT64_FORMAT " %u%%", sn_filesystem_get_source (fs),
                      sn_filesystem_get_mount (fs), sn_filesystem_get_size (fs),
                      sn_filesystem_get_percent (fs));
      g_assert_true (sn_filesystem_get_mount (fs)[0] == '/');
      g_assert_cmpuint (sn_filesystem_get_used (fs), <=, sn_filesystem_get_size (fs));
      g_assert_cmpuint (sn_filesystem_get_percent (fs), <=, 100);
    }
  g_assert_cmpint (assert_one_audit_line (before, "host.df"), ==, 0);

  parsed = sn_host_parse_df ("Filesystem 1-blocks Used Available Capacity Mounted on\n"
                             "/dev/sda1 52709421056 39532065792 10462343168 80% /\n"
                             "/dev/sdb1 1000 10 990 1% /mnt/my disk\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (parsed), ==, 2);
  spaced = g_list_model_get_item (parsed, 1);
  g_assert_cmpstr (sn_filesystem_get_mount (spaced), ==, "/mnt/my disk");
  g_assert_cmpuint (sn_filesystem_get_avail (spaced), ==, 990);
}

static void
test_docker_df_and_uptime (void)
{
  guint before = audit_count ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) res2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(SnDockerUsage) images = NULL;
  g_autoptr(SnUptime) uptime = NULL;

  sn_host_docker_disk_usage_async (host, NULL, sn_test_store_result_cb, &res);
  model = sn_host_docker_disk_usage_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  images = g_list_model_get_item (model, 0);
  g_assert_cmpstr (sn_docker_usage_get_kind (images), ==, "Images");
  g_assert_cmpuint (sn_docker_usage_get_total (images), ==, 14);
  g_assert_cmpuint (sn_docker_usage_get_size (images), ==, G_GUINT64_CONSTANT (4812000000));
  g_assert_cmpuint (sn_docker_usage_get_reclaimable (images), ==, G_GUINT64_CONSTANT (1934000000));
  g_assert_cmpint (assert_one_audit_line (before, "host.docker-df"), ==, 0);

  sn_host_uptime_async (host, NULL, sn_test_store_result_cb, &res2);
  uptime = sn_host_uptime_finish (host, sn_test_wait_for_result (&res2, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_uptime_get_seconds (uptime), >, 0);
  g_assert_cmpfloat (sn_uptime_get_load (uptime, 1), >=, 0);
  g_assert_cmpint (assert_one_audit_line (before + 1, "host.uptime"), ==, 0);
}

static void
test_printenv_and_exec (void)
{
  guint before = audit_count ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) res2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) env = NULL;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { "psql", "-U", "snarcisse", "-XAtc", "SELECT count(*) > 0 FROM \"Booking\"", NULL };

  sn_host_printenv_async (host, "app", NULL, sn_test_store_result_cb, &res);
  env = sn_host_printenv_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (env, "NEXTAUTH_SECRET"), ==, sn_test_stack_get ("NEXTAUTH_SECRET"));
  g_assert_true (sn_host_env_name_is_secret ("NEXTAUTH_SECRET"));
  g_assert_true (sn_host_env_name_is_secret ("DATABASE_URL"));
  g_assert_true (sn_host_env_name_is_secret ("SMTP_PASS"));
  g_assert_false (sn_host_env_name_is_secret ("NODE_ENV"));
  g_assert_cmpint (assert_one_audit_line (before, "host.printenv"), ==, 0);

  sn_host_compose_exec_async (host, "db", argv, NULL, sn_test_store_result_cb, &res2);
  exec = sn_host_compose_exec_finish (host, sn_test_wait_for_result (&res2, WAIT_MS), &error);
  g_assert_no_error (error);
  out = sn_ssh_exec_result_dup_stdout_text (exec);
  g_assert_cmpstr (out, ==, "t\n");
  g_assert_cmpint (assert_one_audit_line (before + 1, "host.compose.exec"), ==, 0);
}

static void
test_action (void)
{
  guint before = audit_count ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) res2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(SnContainer) app = NULL;

  sn_host_compose_action_async (host, SN_COMPOSE_STOP, "app", NULL, NULL, NULL, NULL, sn_test_store_result_cb, &res);
  g_assert_true (sn_host_compose_action_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpint (assert_one_audit_line (before, "host.compose.stop"), ==, 0);
  model = ps_sync ();
  app = find_container (model, "app");
  g_assert_cmpstr (sn_container_get_state (app), ==, "exited");

  sn_host_compose_action_async (host, SN_COMPOSE_UP, "app", NULL, NULL, NULL, NULL, sn_test_store_result_cb, &res2);
  g_assert_true (sn_host_compose_action_finish (host, sn_test_wait_for_result (&res2, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&model);
  g_clear_object (&app);
  model = ps_sync ();
  app = find_container (model, "app");
  g_assert_cmpstr (sn_container_get_state (app), ==, "running");
}

static void
test_failure_is_audited (void)
{
  guint before = audit_count ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  sn_host_compose_action_async (host, SN_COMPOSE_RESTART, "nosuchservice", NULL, NULL, NULL, NULL,
                                sn_test_store_result_cb, &res);
  g_assert_false (sn_host_compose_action_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error));
  g_assert_error (error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "nosuchservice"));
  g_test_message ("%s", error->message);
  g_assert_cmpint (assert_one_audit_line (before, "host.compose.restart"), ==, 1);
}

/* A dashboard's timer reads through a monitoring host: its routine reads are
 * counted in the hour's "monitoring" line, not one line each; a change made
 * through it, and any read through the ordinary host, stays its own line. */
static void
test_monitoring_folded (void)
{
  g_autoptr(SnHost) monitoring = sn_host_new_monitoring (sn_host_get_session (host), audit);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint before;
  JsonObject *line;

  /* Whatever an earlier test left pending is written first. */
  g_assert_true (sn_audit_log_flush_monitoring (audit, TRUE, &error));
  g_assert_no_error (error);
  before = audit_count ();

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(GListModel) model = NULL;

      sn_host_compose_ps_async (monitoring, NULL, sn_test_store_result_cb, &res);
      model = sn_host_compose_ps_finish (monitoring, sn_test_wait_for_result (&res, WAIT_MS), &error);
      g_assert_no_error (error);
    }
  {
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GListModel) disks = NULL;

    sn_host_disk_usage_async (monitoring, NULL, sn_test_store_result_cb, &res);
    disks = sn_host_disk_usage_finish (monitoring, sn_test_wait_for_result (&res, WAIT_MS), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (audit_count (), ==, before);

  /* A change through the monitoring host is never folded. */
  {
    g_autoptr(GAsyncResult) res = NULL;

    sn_host_compose_action_async (monitoring, SN_COMPOSE_RESTART, "nosuchservice", NULL, NULL, NULL, NULL,
                                  sn_test_store_result_cb, &res);
    g_assert_false (sn_host_compose_action_finish (monitoring, sn_test_wait_for_result (&res, WAIT_MS), &error));
    g_clear_error (&error);
  }
  g_assert_cmpint (assert_one_audit_line (before, "host.compose.restart"), ==, 1);

  /* A person's read: its own line, after the folded ones of past hours. */
  g_clear_object (&node);
  {
    g_autoptr(GListModel) model = ps_sync ();
  }
  g_assert_cmpint (assert_one_audit_line (before + 1, "host.compose.ps"), ==, 0);

  /* The hour's line: four reads, which, first and last. */
  g_assert_true (sn_audit_log_flush_monitoring (audit, TRUE, &error));
  g_assert_no_error (error);
  lines = audit_lines ();
  g_assert_cmpuint (lines->len, ==, before + 3);
  node = json_from_string (g_ptr_array_index (lines, before + 2), &error);
  g_assert_no_error (error);
  line = json_node_get_object (node);
  g_test_message ("%s", (char *) g_ptr_array_index (lines, before + 2));
  g_assert_cmpstr (json_object_get_string_member (line, "action"), ==, "monitoring");
  g_assert_cmpstr (json_object_get_string_member (line, "origin"), ==, "monitoring");
  g_assert_cmpstr (json_object_get_string_member (line, "profile"), ==, sn_profile_get_name (
    sn_ssh_session_get_profile (sn_host_get_session (host))));
  g_assert_cmpint (json_object_get_int_member (line, "count"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (line, "failures"), ==, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (line, "command"), "host.compose.ps ×3"));
  g_assert_nonnull (strstr (json_object_get_string_member (line, "command"), "host.df ×1"));
  g_assert_cmpstr (json_object_get_string_member (line, "first"), <=,
                   json_object_get_string_member (line, "last"));
}

/* Runs last: nothing the stack's env file holds as a secret reached the audit log. */
static void
test_no_secret_in_audit (void)
{
  g_autofree char *env_path = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), ".env.production.local", NULL);
  g_autofree char *env = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint checked = 0;

  g_assert_true (g_file_get_contents (env_path, &env, NULL, NULL));
  g_assert_true (g_file_get_contents (sn_audit_log_get_path (audit), &log, NULL, NULL));
  g_assert_cmpuint (audit_count (), >=, 10);
  lines = g_strsplit (env, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');
      g_autofree char *name = NULL;

      if (lines[i][0] == '#' || eq == NULL || strlen (eq + 1) < 8)
        continue;
      name = g_strndup (lines[i], eq - lines[i]);
      if (!sn_host_env_name_is_secret (name))
        continue;
      checked++;
      if (strstr (log, eq + 1) != NULL)
        g_error ("the value of %s is in the audit log", name);
    }
  g_assert_cmpuint (checked, >=, 10);
}

/* The lines of the default audit log whose action is @action, as
 * "EXIT-STATUS COMMAND". */
static GPtrArray *
default_audit_commands (const char *action)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *commands = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (sn_audit_log_get_path (sn_audit_log_get_default ()), &contents, NULL, NULL))
    return commands;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *entry;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      entry = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member (entry, "action"), action) != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (entry, "profile"), ==,
                       sn_test_stack_get ("PROFILE_NAME"));
      g_ptr_array_add (commands, g_strdup_printf ("%" G_GINT64_FORMAT " %s",
                                                  json_object_get_int_member (entry, "exit_status"),
                                                  json_object_get_string_member (entry, "command")));
    }
  return commands;
}

/* psql over SSH (the database's fallback path) runs on the host like any
 * other command: through SnHost, with an audit line per query (L6). */
static void
test_psql_audited (void)
{
  g_autoptr(SnDatabaseConnector) connector = sn_database_connector_new (sn_test_stack_profile (), NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(SnReportResult) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = default_audit_commands ("db.psql");
  g_autoptr(GPtrArray) after = NULL;
  GDate today;
  const char *line;

  sn_database_connector_set_forced_path (connector, SN_DATABASE_PATH_PSQL_EXEC);
  sn_database_connector_connect_async (connector, NULL, sn_test_store_result_cb, &res);
  g_assert_true (sn_database_connector_connect_finish (connector, sn_test_wait_for_result (&res, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sn_database_connector_get_path (connector), ==, SN_DATABASE_PATH_PSQL_EXEC);
  g_clear_object (&res);

  sn_reports_paris_today (&today);
  sn_database_connector_run_report_async (connector, SN_REPORT_REVENUE_TODAY, &today, &today, NULL,
                                          sn_test_store_result_cb, &res);
  report = sn_database_connector_run_report_finish (connector, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  sn_database_connector_disconnect (connector);

  after = default_audit_commands ("db.psql");
  g_assert_cmpuint (after->len, >, before->len);
  line = g_ptr_array_index (after, after->len - 1);
  g_test_message ("%s", line);
  g_assert_true (g_str_has_prefix (line, "0 cd "));
  g_assert_nonnull (strstr (line, "--env-file .env.production.local exec -T db psql -X --csv -q "
                                  "-v SHOW_ALL_RESULTS=off -v ON_ERROR_STOP=1 -U "));
  g_assert_nonnull (strstr (line, "SET default_transaction_read_only = on"));
  g_assert_nonnull (strstr (line, "revenue_cents"));
  g_assert_null (strstr (line, sn_test_stack_get ("PGPASSWORD")));
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

  sn_test_stack_up ();
  profile = sn_profile_copy (sn_test_stack_profile ());
  session = sn_ssh_session_new (profile, NULL);
  audit_path = g_build_filename (sn_test_stack_dir (), "test-host-audit.jsonl", NULL);
  audit = sn_audit_log_new (audit_path);
  host = sn_host_new (session, audit);

  g_test_add_func ("/host/compose/ps", test_ps);
  g_test_add_func ("/host/compose/ps-stopped", test_ps_stopped);
  g_test_add_func ("/host/compose/ps-array", test_parse_ps_array);
  g_test_add_func ("/host/compose/logs-tail", test_logs_tail);
  g_test_add_func ("/host/compose/logs-follow-cancel", test_logs_follow);
  g_test_add_func ("/host/compose/printenv-exec", test_printenv_and_exec);
  g_test_add_func ("/host/compose/stop-up", test_action);
  g_test_add_func ("/host/compose/failure-audited", test_failure_is_audited);
  g_test_add_func ("/host/psql-over-ssh-audited", test_psql_audited);
  g_test_add_func ("/host/df", test_df);
  g_test_add_func ("/host/docker-df-uptime", test_docker_df_and_uptime);
  g_test_add_func ("/host/audit/monitoring-folded", test_monitoring_folded);
  g_test_add_func ("/host/audit/no-secret", test_no_secret_in_audit);

  ret = g_test_run ();

  g_clear_object (&host);
  g_clear_object (&audit);
  g_clear_object (&session);
  return ret;
}
