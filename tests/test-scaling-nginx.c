/* test-scaling-nginx.c: instances and nginx's upstream (runbook §5.2) on the
 * local stack, where the nginx "container" is the real nginx 1.22
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sn-test-stack.h"
#include "sn-core.h"
#include "sn-await.h"
#include "sn-action.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-scaling.h"
#include "sn-actions-builtin.h"

static SnSshSession *session;
static SnHost *host;
static SnAuditLog *audit;
static SnRunbookCatalog *catalog;
static char *compose_path;
static char *nginx_path;
static char *compose_original;
static char *nginx_original;

/* The stack's nginx.conf is the real one: `proxy_pass http://app:3000`, no
 * upstream. This one balances through an upstream block, as the runbook
 * wants; the text around the block is what must stay byte for byte. */
#define UPSTREAM_BEFORE \
  "events { worker_connections 1024; }\n" \
  "\n" \
  "http {\n" \
  "    # the app's instances { not a block }\n" \
  "    upstream minio_pool { server minio:9000; }\n" \
  "\n" \
  "    upstream app {\n" \
  "        least_conn;   # balancing\n" \
  "        server sweetnarcisse-app-1:3000 max_fails=3 fail_timeout=30s;\n" \
  "        keepalive 16;\n" \
  "    }\n"
#define UPSTREAM_AFTER \
  "\n" \
  "    server {\n" \
  "        listen 443 ssl;\n" \
  "        http2 on;\n" \
  "        server_name sweet-narcisse.fr;\n" \
  "        ssl_certificate /etc/letsencrypt/live/sweet-narcisse.fr/fullchain.pem;\n" \
  "        ssl_certificate_key /etc/letsencrypt/live/sweet-narcisse.fr/privkey.pem;\n" \
  "        location / {\n" \
  "            proxy_pass http://app;\n" \
  "            proxy_set_header Host $host;\n" \
  "        }\n" \
  "    }\n" \
  "}\n"

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
write_file (const char *path,
            const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static gboolean
compose_run (const char * const *args,
             char              **err)
{
  g_autofree char *cmd = sn_host_command_compose (sn_test_stack_profile (), args);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnSshExecResult) exec = sn_host_exec_sync (host, "test", cmd, NULL, 60000, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  if (err != NULL)
    *err = sn_ssh_exec_result_dup_stderr_text (exec);
  return sn_ssh_exec_result_get_success (exec);
}

static void
nginx_reload (void)
{
  static const char * const reload[] = { "exec", "-T", "nginx", "nginx", "-s", "reload", NULL };
  g_autofree char *err = NULL;

  if (!compose_run (reload, &err))
    g_error ("nginx -s reload failed: %s", err);
}

/* The running nginx's worker PIDs: a reload that nginx accepted replaces them. */
static char *
nginx_workers (void)
{
  g_autofree char *pidfile = g_build_filename (sn_test_stack_dir (), "nginx", "nginx.pid", NULL);
  g_autofree char *master = read_file (pidfile);
  g_autofree char *children = NULL;
  g_autofree char *path = NULL;

  g_strstrip (master);
  path = g_strdup_printf ("/proc/%s/task/%s/children", master, master);
  /* the old workers finish their requests first; wait until only the current ones remain */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *now = read_file (path);
      g_auto(GStrv) pids = g_strsplit (g_strstrip (now), " ", -1);

      if (g_strv_length (pids) == 1)
        return g_steal_pointer (&now);
      g_usleep (20000);
    }
  children = read_file (path);
  return g_steal_pointer (&children);
}

/* GET /api/health through nginx's 443 stand-in port: the HTTP status. */
static int
through_nginx (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%s/api/health", sn_test_stack_get ("NGINX_PORT"));
  const char *argv[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", url, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                NULL, NULL, &error);
  g_assert_no_error (error);
  return atoi (out);
}

static void
restore_stack (void)
{
  static const char * const up[] = { "up", "-d", NULL };
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "state", "app-extra-instances.exit", NULL);

  g_remove (knob);
  write_file (compose_path, compose_original);
  write_file (nginx_path, nginx_original);
  g_assert_true (compose_run (up, NULL));
  nginx_reload ();
}

static SnRunner *
replicas_runner (SnProfile  *profile,
                 const char *replicas,
                 GError    **error)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  SnRunner *runner;

  g_hash_table_insert (params, (char *)"service", (char *)"app");
  g_hash_table_insert (params, (char *)"replicas", (char *)replicas);
  runner = sn_runner_new (sn_runbook_catalog_lookup (catalog, "scaling-apply"), profile, params, error);
  if (runner != NULL)
    {
      sn_runner_set_service (runner, "host", G_OBJECT (host));
      sn_runner_set_service (runner, "ssh", G_OBJECT (session));
    }
  return runner;
}

/* Generation ---------------------------------------------------------------- */

static void
test_upstream_block (void)
{
  g_autofree char *one = sn_scaling_nginx_upstream ("sweetnarcisse", "app", 3000, 1, NULL, NULL, "", "    ");
  g_autofree char *three = sn_scaling_nginx_upstream ("sweetnarcisse", "app", 3000, 3, NULL, NULL, "", "    ");
  g_autofree char *many = sn_scaling_nginx_upstream ("shop", "web", 8080, 12, "max_fails=3", NULL, "  ", "\t");
  g_autofree char *project = sn_scaling_dup_project_name (sn_test_stack_profile ());
  g_autofree char *note = sn_scaling_nginx_names_note ("sweetnarcisse", "app", 3);

  g_assert_cmpstr (one, ==, "upstream app {\n    least_conn;\n    server sweetnarcisse-app-1:3000;\n}");
  g_assert_cmpstr (three, ==,
                   "upstream app {\n    least_conn;\n"
                   "    server sweetnarcisse-app-1:3000;\n"
                   "    server sweetnarcisse-app-2:3000;\n"
                   "    server sweetnarcisse-app-3:3000;\n}");
  g_assert_nonnull (strstr (many, "\tserver shop-web-12:8080 max_fails=3;\n  }"));
  g_assert_null (strstr (many, "shop-web-13"));
  /* Compose's project is the deploy directory's name, as on the server */
  g_assert_cmpstr (project, ==, "sweetnarcisse");
  /* the real names win over the runbook's app1..appN, and the note says so */
  g_assert_nonnull (strstr (note, "app1"));
  g_assert_nonnull (strstr (note, "sweetnarcisse-app-3"));
}

static void
test_edit_keeps_the_rest (void)
{
  static const char text[] = UPSTREAM_BEFORE UPSTREAM_AFTER;
  g_autoptr(GError) error = NULL;
  g_autofree char *three = sn_scaling_nginx_apply (text, "sweetnarcisse", "app", 3, &error);
  g_autofree char *back = NULL;
  gsize head = strstr (UPSTREAM_BEFORE, "    upstream app {") - UPSTREAM_BEFORE + 4;
  const char *tail;

  g_assert_no_error (error);
  /* every byte before the block and after it is the same */
  g_assert_cmpint (strncmp (three, text, head), ==, 0);
  tail = strstr (three + head, "\n    }\n") + strlen ("\n    }\n");
  g_assert_cmpstr (tail, ==, UPSTREAM_AFTER);
  g_assert_cmpstr (strstr (three + head - 4, "    upstream app {"), !=, NULL);
  g_assert_nonnull (strstr (three,
                            "    upstream app {\n"
                            "        least_conn;\n"
                            "        server sweetnarcisse-app-1:3000 max_fails=3 fail_timeout=30s;\n"
                            "        server sweetnarcisse-app-2:3000 max_fails=3 fail_timeout=30s;\n"
                            "        server sweetnarcisse-app-3:3000 max_fails=3 fail_timeout=30s;\n"
                            "        keepalive 16;\n"
                            "    }\n"));
  /* the other upstream and the comment with a brace are untouched */
  g_assert_nonnull (strstr (three, "    upstream minio_pool { server minio:9000; }\n"));

  /* back to one instance: the same block as a one-instance file */
  back = sn_scaling_nginx_apply (three, "sweetnarcisse", "app", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strncmp (back, text, head), ==, 0);
  g_assert_null (strstr (back, "sweetnarcisse-app-2"));
  g_assert_nonnull (strstr (back, UPSTREAM_AFTER));
}

static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  static const char unbalanced[] = "http {\n    upstream app {\n        server a:1;\n    }\n}\n}\n";

  /* the real nginx.conf (the stack's copy of it) proxies straight to app:3000 */
  text = sn_scaling_nginx_apply (nginx_original, "sweetnarcisse", "app", 3, &error);
  g_assert_null (text);
  g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "http://app:3000"));
  g_assert_nonnull (strstr (error->message, "refused"));
  g_clear_error (&error);

  text = sn_scaling_nginx_apply (unbalanced, "sweetnarcisse", "app", 2, &error);
  g_assert_null (text);
  g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "line 6"));
  g_clear_error (&error);

  text = sn_scaling_nginx_apply (UPSTREAM_BEFORE UPSTREAM_AFTER, "sweetnarcisse", "app", 0, &error);
  g_assert_null (text);
  g_assert_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID);
}

static void
test_actions_declare (void)
{
  static const char * const names[] = { "scaling.nginx.write", "scaling.nginx.restore" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const SnActionInfo *info = sn_action_lookup (names[i]);

      g_assert_nonnull (info);
      g_assert_true (info->risk == sn_action_risk_change);
      g_assert_cmpint (info->min_level, ==, SN_SAFETY_LEVEL_OPERATOR);
    }
}

/* The gate is in the actions themselves, not only in the runner: called
 * directly with a read-only profile, both refuse and nothing is written. */
static void
test_actions_refuse_read_only (void)
{
  static const char * const names[] = { "scaling.nginx.write", "scaling.nginx.restore" };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  write_file (nginx_path, UPSTREAM_BEFORE UPSTREAM_AFTER);
  before = read_file (nginx_path);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const SnActionInfo *info = sn_action_lookup (names[i]);
      g_autoptr(SnActionContext) context = sn_action_context_new (sn_test_stack_ro_profile (), NULL);
      g_autoptr(JsonObject) args = json_object_new ();
      g_autoptr(GError) error = NULL;

      sn_action_context_set_service (context, "host", G_OBJECT (host));
      sn_action_context_set_service (context, "ssh", G_OBJECT (session));
      json_object_set_string_member (args, "service", "app");
      json_object_set_string_member (args, "replicas", "3");
      json_object_set_string_member (args, "path", nginx_path);
      json_object_set_string_member (args, "backup", compose_path);
      g_assert_false (info->run (context, args, &error));
      g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
    }
  after = read_file (nginx_path);
  g_assert_cmpstr (after, ==, before);
  write_file (nginx_path, nginx_original);
}

/* On the stack: the real nginx ------------------------------------------------ */

static void
test_real_config_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunner) runner = replicas_runner (sn_test_stack_profile (), "2", &error);
  g_autofree char *after = NULL;
  g_autofree char *compose = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  /* the compose part is done, nginx.conf is not touched (and nginx reloaded) */
  compose = read_file (compose_path);
  g_assert_nonnull (strstr (compose, "replicas: 2"));
  after = read_file (nginx_path);
  g_assert_cmpstr (after, ==, nginx_original);
  g_assert_cmpint (through_nginx (), ==, 200);
  restore_stack ();
}

static void
test_apply_succeeds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autofree char *workers_before = NULL;
  g_autofree char *workers_after = NULL;
  g_autofree char *after = NULL;
  g_autofree char *compose = NULL;
  g_autofree char *live_path = g_build_filename (sn_test_stack_dir (), "nginx", "nginx.conf", NULL);
  g_autofree char *live = NULL;
  g_autoptr(SnRunner) refused = NULL;

  write_file (nginx_path, UPSTREAM_BEFORE UPSTREAM_AFTER);
  nginx_reload ();
  g_assert_cmpint (through_nginx (), ==, 200);
  workers_before = nginx_workers ();

  /* a read-only profile is refused in core, before anything */
  refused = replicas_runner (sn_test_stack_ro_profile (), "3", &error);
  if (refused != NULL)
    g_assert_cmpint (sn_runner_execute_sync (refused, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_assert_error (error, SN_RUNNER_ERROR, 0);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  after = read_file (nginx_path);
  g_assert_cmpstr (after, ==, UPSTREAM_BEFORE UPSTREAM_AFTER);
  g_clear_pointer (&after, g_free);

  runner = replicas_runner (sn_test_stack_profile (), "3", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);

  compose = read_file (compose_path);
  g_assert_nonnull (strstr (compose, "replicas: 3"));
  after = read_file (nginx_path);
  g_assert_nonnull (strstr (after, "server sweetnarcisse-app-3:3000 max_fails=3 fail_timeout=30s;\n"));
  g_assert_nonnull (strstr (after, UPSTREAM_AFTER));
  /* nginx accepted it: new workers, the container's view has the three instances, and it serves */
  workers_after = nginx_workers ();
  g_assert_cmpstr (workers_after, !=, workers_before);
  live = read_file (live_path);
  g_assert_nonnull (strstr (live, "server sweetnarcisse-app-3:"));
  g_assert_cmpint (through_nginx (), ==, 200);

  /* and back to one: the block is the one-instance block again, the rest unchanged */
  g_clear_object (&runner);
  runner = replicas_runner (sn_test_stack_profile (), "1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = read_file (nginx_path);
  g_assert_null (strstr (after, "sweetnarcisse-app-2"));
  g_assert_nonnull (strstr (after, UPSTREAM_AFTER));
  g_assert_cmpint (strncmp (after, UPSTREAM_BEFORE, strstr (UPSTREAM_BEFORE, "    upstream app {") - UPSTREAM_BEFORE), ==, 0);
  g_assert_cmpint (through_nginx (), ==, 200);
  restore_stack ();
}

static void
test_broken_upstream_reverts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autofree char *workers_before = NULL;
  g_autofree char *workers_after = NULL;
  g_autofree char *after = NULL;
  g_autofree char *compose = NULL;
  g_autofree char *exec_log = g_build_filename (sn_test_stack_dir (), "nginx", "logs", "exec.log", NULL);
  g_autofree char *log = NULL;
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "state", "app-extra-instances.exit", NULL);
  SnRunOutcome outcome;

  write_file (nginx_path, UPSTREAM_BEFORE UPSTREAM_AFTER);
  nginx_reload ();
  workers_before = nginx_workers ();

  /* the new instances exit as soon as they start: Docker's DNS has no name
   * for them, and the real `nginx -t` refuses the new upstream */
  write_file (knob, "");
  runner = replicas_runner (sn_test_stack_profile (), "2", &error);
  g_assert_no_error (error);
  outcome = sn_runner_execute_sync (runner, NULL, &error);
  g_assert_nonnull (error);
  if (outcome != SN_RUN_OUTCOME_FAILED_REVERTED)
    g_error ("outcome %d: %s", outcome, error->message);
  g_clear_error (&error);

  /* both files are back, byte for byte */
  after = read_file (nginx_path);
  g_assert_cmpstr (after, ==, UPSTREAM_BEFORE UPSTREAM_AFTER);
  compose = read_file (compose_path);
  g_assert_cmpstr (compose, ==, compose_original);
  /* the real nginx -t said why */
  g_assert_true (g_file_get_contents (exec_log, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "host not found in upstream \"sweetnarcisse-app-2:3000\""));
  g_assert_nonnull (strstr (log, "test failed"));
  /* the revert reloaded nginx with the old file: new workers, serving */
  workers_after = nginx_workers ();
  g_assert_cmpstr (workers_after, !=, workers_before);
  g_assert_cmpint (through_nginx (), ==, 200);
  restore_stack ();
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
  audit_path = g_build_filename (sn_test_stack_dir (), "test-scaling-nginx-audit.jsonl", NULL);
  audit = sn_audit_log_new (audit_path);
  host = sn_host_new (session, audit);
  catalog = sn_runbook_catalog_new (NULL);
  sn_runbook_catalog_load (catalog, NULL);
  g_assert_nonnull (sn_runbook_catalog_lookup (catalog, "scaling-apply"));
  compose_path = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "docker-compose.yml", NULL);
  nginx_path = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "nginx", "nginx.conf", NULL);
  compose_original = read_file (compose_path);
  nginx_original = read_file (nginx_path);

  g_test_add_func ("/scaling/nginx/upstream", test_upstream_block);
  g_test_add_func ("/scaling/nginx/edit-keeps-the-rest", test_edit_keeps_the_rest);
  g_test_add_func ("/scaling/nginx/refused", test_refused);
  g_test_add_func ("/scaling/nginx/actions-declare", test_actions_declare);
  g_test_add_func ("/scaling/nginx/actions-refuse-read-only", test_actions_refuse_read_only);
  g_test_add_func ("/scaling/nginx/real-config-refused", test_real_config_refused);
  g_test_add_func ("/scaling/nginx/apply-succeeds", test_apply_succeeds);
  g_test_add_func ("/scaling/nginx/broken-upstream-reverts", test_broken_upstream_reverts);

  ret = g_test_run ();

  g_clear_object (&host);
  g_clear_object (&audit);
  g_clear_object (&session);
  g_clear_object (&catalog);
  g_free (compose_path);
  g_free (nginx_path);
  g_free (compose_original);
  g_free (nginx_original);
  return ret;
}
