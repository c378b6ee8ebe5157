/* sn-actions-builtin.c: http.health and the other built-in actions
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-actions"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-access-actions.h"
#include "sn-actions-builtin.h"
#include "sn-audit-log.h"
#include "sn-backup-service.h"
#include "sn-database-connector.h"
#include "sn-deployments.h"
#include "sn-health-service.h"
#include "sn-host.h"
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

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
on_health_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
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
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(SnHealthService) service = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autofree char *key = NULL;
  GListModel *services;
  SnHealthState state;
  Wait wait = { NULL };
  gboolean ok;

  key = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile,
                                     SN_SECRET_KIND_MONITORING_KEY, NULL, &key_error);
  if (key_error != NULL)
    sn_action_context_emit (context, SN_OUTPUT_STDERR,
                            _("No monitoring key (%s): only the public answer is available."),
                            key_error->message);

  /* libsoup works in the thread-default context it was created in. */
  g_main_context_push_thread_default (main_context);
  service = sn_health_service_new ();
  sn_health_service_check_async (service, sn_profile_get_site_url (profile), key,
                                 sn_action_context_get_timeout (context) > 0
                                 ? sn_action_context_get_timeout (context) : 10,
                                 sn_action_context_get_cancellable (context),
                                 on_health_ready, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (main_context, TRUE);
  report = sn_health_service_check_finish (service, wait.result, error);
  g_clear_object (&wait.result);
  g_clear_object (&service);
  g_main_context_pop_thread_default (main_context);

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


/* Running a command on the host ------------------------------------------
 *
 * Every host action goes through the run's SnHost (sn_host_for_action()):
 * the one way the app reaches the server, and the one that audits. Each
 * action has one function that builds its command; run() runs it and
 * describe() shows it in its ssh form, so a plan shows what will run.
 */

#define DEFAULT_EXEC_TIMEOUT_SECONDS 120

typedef struct
{
  SnActionContext *context;
  GString         *stdout_text;   /* kept for callers that parse it */
  GString         *last_stderr;
} Exec;

static void
on_exec_line (const char *line,
              gboolean    is_stderr,
              gpointer    user_data)
{
  Exec *exec = user_data;

  sn_action_context_emit (exec->context, is_stderr ? SN_OUTPUT_STDERR : SN_OUTPUT_STDOUT,
                          "%s", line);

  if (is_stderr)
    g_string_assign (exec->last_stderr, line);
  else if (exec->stdout_text != NULL && exec->stdout_text->len < 4 * 1024 * 1024)
    g_string_append_printf (exec->stdout_text, "%s\n", line);
}

/* What the plan shows for @command: "ssh -p PORT USER@HOST 'COMMAND'". */
static char *
host_describe (SnActionContext *context,
               const char      *command)
{
  return sn_host_command_describe (sn_action_context_get_profile (context), command);
}

/* Runs @command on the host; fails on a non-zero exit. @stdout_text, if
 * given, receives the standard output. The audit log gets the command with
 * the run's secrets replaced. */
static gboolean
host_run (SnActionContext  *context,
          const char       *command,
          GString          *stdout_text,
          GError          **error)
{
  g_autoptr(SnHost) host = NULL;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GString) last_stderr = g_string_new (NULL);
  g_autofree char *audited = NULL;
  guint timeout = sn_action_context_get_timeout (context);
  Exec exec = { context, stdout_text, last_stderr };
  int status;

  if (!(host = sn_host_for_action (context, error)))
    return FALSE;

  audited = sn_action_context_redact (context, command);
  result = sn_host_exec_sync (host, "runbook.host", command, audited,
                              (timeout > 0 ? timeout : DEFAULT_EXEC_TIMEOUT_SECONDS) * 1000,
                              on_exec_line, &exec, sn_action_context_get_cancellable (context), error);
  if (result == NULL)
    return FALSE;

  status = sn_ssh_exec_result_get_exit_status (result);
  sn_action_context_set_exit_status (context, status);

  if (!sn_ssh_exec_result_get_success (result))
    {
      if (sn_ssh_exec_result_get_exit_signal (result) != NULL)
        g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                     _("The command was killed by signal %s"),
                     sn_ssh_exec_result_get_exit_signal (result));
      else if (last_stderr->len > 0)
        g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                     _("Exit status %d: %s"), status, last_stderr->str);
      else
        g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                     _("Exit status %d"), status);
      return FALSE;
    }

  return TRUE;
}

/* host.exec -------------------------------------------------------------
 *
 * args: { "command": "df -h", "in-deploy-path": false }
 */

static char *
exec_command_line (SnActionContext *context,
                   JsonObject      *args)
{
  const char *command = json_object_get_string_member (args, "command");

  if (json_object_get_boolean_member_with_default (args, "in-deploy-path", FALSE))
    return sn_host_command_in_deploy_path (sn_action_context_get_profile (context), command);

  return g_strdup (command);
}

static gboolean
exec_check (JsonObject  *args,
            GError     **error)
{
  return sn_action_args_get_string (args, "command", TRUE, error) != NULL;
}

static char *
exec_describe (SnActionContext *context,
               JsonObject      *args)
{
  g_autofree char *command = exec_command_line (context, args);

  return host_describe (context, command);
}

static gboolean
exec_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  g_autofree char *command = exec_command_line (context, args);

  return host_run (context, command, NULL, error);
}

/* A command is a read only when the runbook says so ("read-only": true) AND it
 * is one plain command from a short list of commands that only look, with no
 * shell operator that could chain another. Anything else may destroy. */
static const char * const read_only_commands[] = {
  "df", "du", "ls", "uptime", "free", "wc", "stat", "date",
  "hostname", "uname", "nproc", "id", "whoami", "test", "true",
  NULL
};

static const char * const read_only_subcommands[][2] = {
  { "git", "log" }, { "git", "status" }, { "git", "describe" }, { "git", "tag" },
  { "git", "rev-parse" }, { "git", "show" }, { "git", "branch" },
  { "docker", "ps" }, { "docker", "stats" }, { "docker", "images" },
  { "docker", "version" }, { "docker", "info" },
};

gboolean
sn_host_command_is_read_only (const char *command)
{
  g_auto(GStrv) argv = NULL;

  if (command == NULL || strpbrk (command, ";&|<>`$()\\\n\r*?{}!") != NULL)
    return FALSE;
  if (!g_shell_parse_argv (command, NULL, &argv, NULL) || argv[0] == NULL)
    return FALSE;

  if (g_strv_contains (read_only_commands, argv[0]))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (read_only_subcommands); i++)
    if (g_str_equal (argv[0], read_only_subcommands[i][0]) &&
        g_strcmp0 (argv[1], read_only_subcommands[i][1]) == 0)
      return TRUE;
  return FALSE;
}

static SnRisk
exec_risk (JsonObject *args)
{
  const char *command = json_object_get_string_member_with_default (args, "command", NULL);

  if (json_object_get_boolean_member_with_default (args, "read-only", FALSE) &&
      sn_host_command_is_read_only (command))
    return SN_RISK_READ;
  return SN_RISK_DESTROY;
}

static const char * const exec_shell_args[] = { "command", NULL };

static const SnActionInfo exec_action = {
  .name = "host.exec",
  .risk = exec_risk,
  .shell_args = exec_shell_args,
  .check = exec_check,
  .describe = exec_describe,
  .run = exec_run,
};

/* host.compose ------------------------------------------------------------
 *
 * args: { "args": ["up", "-d", "app"] }
 * Runs in the profile's deploy path with --env-file .env.production.local,
 * as the deploy workflow does (target-system §9.5).
 */

static gboolean
compose_check (JsonObject  *args,
               GError     **error)
{
  g_auto(GStrv) argv = sn_action_args_get_strv (args, "args", TRUE, error);

  if (argv == NULL)
    return FALSE;
  if (argv[0] == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("the argument “args” must name a compose command"));
      return FALSE;
    }
  return TRUE;
}

static char *
compose_command_line (SnActionContext *context,
                      JsonObject      *args)
{
  g_auto(GStrv) argv = sn_action_args_get_strv (args, "args", TRUE, NULL);

  return sn_host_command_compose (sn_action_context_get_profile (context),
                                  (const char * const *)argv);
}

static char *
compose_describe (SnActionContext *context,
                  JsonObject      *args)
{
  g_autofree char *command = compose_command_line (context, args);

  return host_describe (context, command);
}

static char *
compose_impact (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  g_auto(GStrv) argv = sn_action_args_get_strv (args, "args", TRUE, NULL);
  const char *verb = argv != NULL ? argv[0] : NULL;
  const char *service = argv != NULL && g_strv_length (argv) > 1 ? argv[g_strv_length (argv) - 1] : NULL;

  if (g_strcmp0 (verb, "stop") == 0)
    return g_strdup_printf (_("Stops the container of “%s”: the site is down until it starts again."),
                            service);
  if (g_strcmp0 (verb, "up") == 0 || g_strcmp0 (verb, "restart") == 0)
    return g_strdup_printf (_("Recreates or restarts “%s”: a few seconds without service."),
                            service != NULL && g_strcmp0 (service, "-d") != 0 ? service
                                                                              : _("every service"));
  if (g_strcmp0 (verb, "pull") == 0)
    return g_strdup (_("Downloads newer images of every “latest” service (nginx, prometheus, grafana…)."));
  if (g_strcmp0 (verb, "build") == 0)
    return g_strdup (_("Builds the app image on the server: CPU and disk heavy for a few minutes."));

  return NULL;
}

static gboolean
compose_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autofree char *command = compose_command_line (context, args);

  return host_run (context, command, NULL, error);
}

/* Compose verbs that only look; every other one may stop or replace a container. */
static SnRisk
compose_risk (JsonObject *args)
{
  static const char * const reads[] = { "ps", "logs", "config", "top", "images", "version", NULL };
  g_auto(GStrv) argv = sn_action_args_get_strv (args, "args", FALSE, NULL);

  if (argv != NULL && argv[0] != NULL && g_strv_contains (reads, argv[0]))
    return SN_RISK_READ;
  return SN_RISK_DESTROY;
}

static const SnActionInfo compose_action = {
  .name = "host.compose",
  .risk = compose_risk,
  .check = compose_check,
  .describe = compose_describe,
  .impact = compose_impact,
  .run = compose_run,
};

/* host.disk ---------------------------------------------------------------
 *
 * args: { "paths": ["/"], "warn-percent": 85, "fail-percent": 95 }
 * Lists df -h, and fails when a filesystem holding one of @paths is fuller
 * than fail-percent (a warning line above warn-percent).
 */

static char *
disk_command_line (JsonObject *args)
{
  g_auto(GStrv) paths = sn_action_args_get_strv (args, "paths", FALSE, NULL);

  return sn_host_command_df ((const char * const *)paths);
}

static gboolean
disk_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  gint64 warn = json_object_get_int_member_with_default (args, "warn-percent", 85);
  gint64 fail = json_object_get_int_member_with_default (args, "fail-percent", 95);
  g_autofree char *command = disk_command_line (args);
  g_autoptr(GString) output = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) full = g_string_new (NULL);

  if (!host_run (context, command, output, error))
    return FALSE;

  lines = g_strsplit (output->str, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_regex_split_simple ("\\s+", lines[i], 0, 0);
      gint64 percent;

      if (g_strv_length (fields) < 6)
        continue;
      percent = g_ascii_strtoll (fields[4], NULL, 10);
      if (percent >= fail)
        g_string_append_printf (full, "%s %s%% ", fields[5], fields[4]);
      else if (percent >= warn)
        sn_action_context_emit (context, SN_OUTPUT_INFO,
                                _("Warning: %s is %lld%% full."), fields[5], (long long) percent);
    }

  if (full->len > 0)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("Disk almost full: %s— free space before anything else (see Maintenance)."),
                   full->str);
      return FALSE;
    }

  return TRUE;
}

static char *
disk_describe (SnActionContext *context,
               JsonObject      *args)
{
  g_autofree char *command = disk_command_line (args);

  return host_describe (context, command);
}

static const SnActionInfo disk_action = {
  .name = "host.disk",
  .risk = sn_action_risk_read,
  .describe = disk_describe,
  .run = disk_run,
};

/* db.query ----------------------------------------------------------------
 *
 * args: { "sql": "SELECT 1" }
 * Runs psql inside the db container as the profile's database user (the
 * runbook's "-U postgres" does not exist there, target-system §5), read-only.
 */

static gboolean
query_check (JsonObject  *args,
             GError     **error)
{
  return sn_action_args_get_string (args, "sql", TRUE, error) != NULL;
}

static char *
query_command_line (SnActionContext *context,
                    JsonObject      *args)
{
  const char *commands[] = {
    "SET default_transaction_read_only = on",
    json_object_get_string_member (args, "sql"),
    NULL
  };

  return sn_host_command_psql (sn_action_context_get_profile (context), NULL, NULL, NULL, commands);
}

static char *
query_describe (SnActionContext *context,
                JsonObject      *args)
{
  g_autofree char *command = query_command_line (context, args);

  return host_describe (context, command);
}

static gboolean
query_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autofree char *command = query_command_line (context, args);

  return host_run (context, command, NULL, error);
}

/* db.query runs in a read-only transaction; SQL that could leave it, or that
 * writes, is a destroy. */
static SnRisk
query_risk (JsonObject *args)
{
  const char *sql = json_object_get_string_member_with_default (args, "sql", NULL);

  /* A ${variable} in the SQL is unknown text until the run: not a read. */
  if (sql != NULL && strstr (sql, "${") == NULL &&
      !sn_sql_is_write (sql) && !sn_sql_escapes_read_only (sql, NULL))
    return SN_RISK_READ;
  return SN_RISK_DESTROY;
}

static const SnActionInfo query_action = {
  .name = "db.query",
  .risk = query_risk,
  .check = query_check,
  .describe = query_describe,
  .run = query_run,
};

void
sn_actions_register_builtin (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&health_action);
      sn_action_register (&exec_action);
      sn_action_register (&compose_action);
      sn_action_register (&disk_action);
      sn_action_register (&query_action);
      sn_backup_actions_register ();
      sn_access_actions_register ();
      sn_host_register_actions ();
      sn_deploy_register_actions ();
      g_once_init_leave (&initialized, 1);
    }
}
