/* sn-host-actions.c: the runbook actions host.*
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-action.h"
#include "sn-actions-builtin.h"
#include "sn-database-connector.h"
#include "sn-await.h"
#include "sn-host.h"
#include "sn-host-command.h"

#define DEFAULT_TIMEOUT_MS (120 * 1000)

/* ------------------------------------------------------------------------ */
/* Runbook actions: host.file.replace, host.file.restore                   */

/**
 * sn_host_for_action:
 *
 * The run's SnHost: the context's service "host" if there is one, else a
 * new one over its SSH session ("ssh"), writing to the default audit log.
 *
 * Returns: (transfer full): the host, or %NULL with an error when the run
 *   has no connection
 */
SnHost *
sn_host_for_action (SnActionContext  *context,
                    GError          **error)
{
  gpointer host = sn_action_context_get_service (context, "host");
  SnSshSession *session;

  if (host != NULL && SN_IS_HOST (host))
    return g_object_ref (host);

  if ((session = sn_action_context_get_service (context, "ssh")) == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_UNAVAILABLE,
                   _("Not connected to the host of “%s”: connect first."),
                   sn_profile_get_name (sn_action_context_get_profile (context)));
      return NULL;
    }
  return sn_host_new (session, NULL);
}

/**
 * sn_host_new_for_action:
 *
 * A new SnHost over the run's SSH session (its service "ssh"), writing to
 * the default audit log: for the read-only credentials' actions.
 *
 * Returns: (transfer full): the host, or %NULL with an error when the run
 *   has no connection
 */
SnHost *
sn_host_new_for_action (SnActionContext  *context,
                        GError          **error)
{
  SnSshSession *session = sn_action_context_get_service (context, "ssh");

  if (session == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_UNAVAILABLE,
                   _("Not connected to the host of “%s”: connect first."),
                   sn_profile_get_name (sn_action_context_get_profile (context)));
      return NULL;
    }
  return sn_host_new (session, NULL);
}

/* "mode": "0640" (octal text) or 416 (a number); absent: keep the old one. */
static gboolean
action_mode (JsonObject  *args,
             int         *mode,
             GError     **error)
{
  JsonNode *node = json_object_get_member (args, "mode");
  const char *text;
  char *end = NULL;
  guint64 value;

  *mode = -1;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *mode = (int)(json_node_get_int (node) & 07777);
      return TRUE;
    }
  text = json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  if (text != NULL)
    {
      value = g_ascii_strtoull (text, &end, 8);
      if (end != text && *end == '\0' && value <= 07777)
        {
          *mode = (int)value;
          return TRUE;
        }
    }
  g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
               _("“mode” must be octal permission bits such as \"0640\"."));
  return FALSE;
}

static gboolean
file_replace_check (JsonObject  *args,
                    GError     **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  int mode;

  if (path == NULL)
    return FALSE;
  if (json_object_has_member (args, "content") == json_object_has_member (args, "from-output"))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("host.file.replace needs either “content” (the new text) or “from-output” "
                     "(a command whose output is the new text), not both."));
      return FALSE;
    }
  return action_mode (args, &mode, error);
}

static char *
file_replace_describe (SnActionContext *context,
                       JsonObject      *args)
{
  const char *path = json_object_get_string_member (args, "path");
  const char *content = json_object_get_string_member_with_default (args, "content", NULL);
  const char *from = json_object_get_string_member_with_default (args, "from-output", NULL);
  g_autofree char *source = NULL;
  int mode = -1;

  action_mode (args, &mode, NULL);
  if (content != NULL)
    source = g_strdup_printf (_("%zu bytes"), strlen (content));
  else
    source = g_strdup_printf (_("the output of `%s`"), from != NULL ? from : "");

  if (mode >= 0)
    return g_strdup_printf (_("replace %s with %s (mode %04o), keeping %s.YYYYMMDD-HHMMSS.bak"),
                            path, source, mode, path);
  return g_strdup_printf (_("replace %s with %s, keeping %s.YYYYMMDD-HHMMSS.bak"), path, source, path);
}

static gboolean
file_replace_run (SnActionContext  *context,
                  JsonObject       *args,
                  GError          **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *content = json_object_get_string_member_with_default (args, "content", NULL);
  const char *from = json_object_get_string_member_with_default (args, "from-output", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  g_autoptr(SnHost) host = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *size = NULL;
  gboolean ok;
  int mode;

  if (path == NULL || !action_mode (args, &mode, error))
    return FALSE;
  if (!(host = sn_host_for_action (context, error)))
    return FALSE;

  sn_await_push_private (&await);

  if (content != NULL)
    bytes = g_bytes_new (content, strlen (content));
  else if (from != NULL)
    {
      g_autoptr(SnSshExecResult) exec = NULL;
      g_autofree char *audited = sn_action_context_redact (context, from);

      exec = sn_host_exec_sync (host, "runbook.host", from, audited, DEFAULT_TIMEOUT_MS,
                                NULL, NULL, cancellable, error);
      if (exec == NULL)
        {
          return FALSE;
        }
      if (!sn_ssh_exec_result_get_success (exec))
        {
          g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);
          g_autofree char *why = g_strstrip (g_strdup (err != NULL ? err : ""));
          const char *last = strrchr (why, '\n');

          g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                       _("The command making the new “%s” failed (exit status %d): %s. "
                         "The file was not changed."),
                       path, sn_ssh_exec_result_get_exit_status (exec),
                       last != NULL ? last + 1 : *why != '\0' ? why : _("no message"));
          return FALSE;
        }
      bytes = g_bytes_ref (sn_ssh_exec_result_get_stdout (exec));
    }
  else
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("host.file.replace needs “content” or “from-output”."));
      return FALSE;
    }

  sn_host_replace_file_async (host, path, bytes, mode, cancellable, sn_await_callback, &await);
  ok = sn_host_replace_file_finish (host, sn_await_result (&await), &backup, error);
  sn_await_clear (&await);

  if (!ok)
    return FALSE;

  size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (bytes));
  sn_action_context_set_output (context, "path", path);
  sn_action_context_set_output (context, "backup", backup != NULL ? backup : "");
  sn_action_context_set_output (context, "bytes", size);
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Replaced %s (%s bytes); backup: %s"),
                          path, size, backup != NULL ? backup : _("none, the file is new"));
  return TRUE;
}

static const char * const file_replace_shell_args[] = { "from-output", NULL };

static const SnActionInfo file_replace_action = {
  .risk = sn_action_risk_destroy,
  .shell_args = file_replace_shell_args,
  .name = "host.file.replace",
  .check = file_replace_check,
  .describe = file_replace_describe,
  .run = file_replace_run,
};

static gboolean
file_restore_check (JsonObject  *args,
                    GError     **error)
{
  return sn_action_args_get_string (args, "path", TRUE, error) != NULL;
}

static char *
file_restore_describe (SnActionContext *context,
                       JsonObject      *args)
{
  const char *path = json_object_get_string_member (args, "path");
  const char *backup = json_object_get_string_member_with_default (args, "backup", NULL);

  if (backup == NULL || *backup == '\0')
    return g_strdup_printf (_("remove %s (it did not exist before)"), path);
  return g_strdup_printf (_("put %s back over %s"), backup, path);
}

static gboolean
file_restore_run (SnActionContext  *context,
                  JsonObject       *args,
                  GError          **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *backup = json_object_get_string_member_with_default (args, "backup", NULL);
  g_autoptr(SnHost) host = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  if (path == NULL || !(host = sn_host_for_action (context, error)))
    return FALSE;

  sn_await_push_private (&await);
  sn_host_restore_file_async (host, path, backup, sn_action_context_get_cancellable (context),
                              sn_await_callback, &await);

  return sn_host_restore_file_finish (host, sn_await_result (&await), error);
}

static const SnActionInfo file_restore_action = {
  .risk = sn_action_risk_destroy,
  .name = "host.file.restore",
  .check = file_restore_check,
  .describe = file_restore_describe,
  .run = file_restore_run,
};

/* ------------------------------------------------------------------------ */
/* Runbook action: host.containers                                          */

/*
 * args: { "expect-running": ["db", "app", ...] }
 * Lists every container (`docker compose ps -a`), one line each, and fails
 * naming each expected service that is not running (`ps -a` itself exits 0
 * whatever the states, so the states are what is checked). Reads only.
 */

static gboolean
containers_check (JsonObject  *args,
                  GError     **error)
{
  g_auto(GStrv) expected = sn_action_args_get_strv (args, "expect-running", TRUE, error);

  if (expected == NULL)
    return FALSE;
  if (expected[0] == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“expect-running” must name at least one service."));
      return FALSE;
    }
  return TRUE;
}

/* `docker compose ps -a --format json`, the listing sn_host_parse_compose_ps() reads. */
static char *
containers_command_line (SnActionContext *context)
{
  static const char * const argv[] = { "ps", "-a", "--format", "json", NULL };

  return sn_host_command_compose (sn_action_context_get_profile (context), argv);
}

static char *
containers_describe (SnActionContext *context,
                     JsonObject      *args)
{
  g_autofree char *command = containers_command_line (context);

  return sn_host_command_describe (sn_action_context_get_profile (context), command);
}

/* Appends each container of @service that is not running (every container
 * of a scaled service counts) to @down; FALSE when the service has none. */
static gboolean
note_service (GListModel *containers,
              const char *service,
              GString    *down)
{
  guint n = g_list_model_get_n_items (containers);
  gboolean found = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnContainer) container = g_list_model_get_item (containers, i);

      if (g_strcmp0 (sn_container_get_service (container), service) != 0)
        continue;
      found = TRUE;
      if (!sn_container_is_running (container))
        g_string_append_printf (down, "%s%s (%s)", down->len > 0 ? ", " : "",
                                sn_container_get_name (container), sn_container_get_status (container));
    }
  return found;
}

static gboolean
containers_run (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  g_auto(GStrv) expected = sn_action_args_get_strv (args, "expect-running", TRUE, error);
  g_autoptr(SnHost) host = NULL;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GListModel) containers = NULL;
  g_autoptr(GString) down = g_string_new (NULL);
  g_autofree char *command = NULL;
  g_autofree char *audited = NULL;
  guint timeout = sn_action_context_get_timeout (context);
  guint n;

  if (expected == NULL || !(host = sn_host_for_action (context, error)))
    return FALSE;

  /* Audited as the runbook's own host command, like host.compose. */
  command = containers_command_line (context);
  audited = sn_action_context_redact (context, command);
  exec = sn_host_exec_sync (host, "runbook.host", command, audited,
                            (timeout > 0 ? timeout * 1000 : DEFAULT_TIMEOUT_MS), NULL, NULL,
                            sn_action_context_get_cancellable (context), error);
  if (exec == NULL)
    return FALSE;
  sn_action_context_set_exit_status (context, sn_ssh_exec_result_get_exit_status (exec));
  if (!sn_ssh_exec_result_get_success (exec))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);

      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("docker compose ps failed (exit status %d): %s"),
                   sn_ssh_exec_result_get_exit_status (exec),
                   err != NULL && *g_strstrip (err) != '\0' ? err : _("no message"));
      return FALSE;
    }
  {
    GBytes *out = sn_ssh_exec_result_get_stdout (exec);
    g_autofree char *text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));

    if (!(containers = sn_host_parse_compose_ps (text, error)))
      return FALSE;
  }

  n = g_list_model_get_n_items (containers);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnContainer) container = g_list_model_get_item (containers, i);

      sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%-18s %-10s %s", sn_container_get_service (container),
                              sn_container_get_state (container), sn_container_get_status (container));
    }

  for (guint i = 0; expected[i] != NULL; i++)
    if (!note_service (containers, expected[i], down))
      /* Translators: a service missing from docker compose ps, in a list */
      g_string_append_printf (down, "%s%s (%s)", down->len > 0 ? ", " : "", expected[i], _("no container"));

  if (down->len > 0)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("Not running: %s. Look at its log, then start it again (the “Restart the app” "
                     "runbook for the app)."), down->str);
      return FALSE;
    }
  {
    g_autofree char *list = g_strjoinv (", ", expected);

    sn_action_context_emit (context, SN_OUTPUT_INFO, _("Running: %s."), list);
  }
  return TRUE;
}

static SnRisk
containers_risk (JsonObject *args)
{
  return SN_RISK_READ;
}

static const SnActionInfo containers_action = {
  .risk = containers_risk,
  .min_level = SN_SAFETY_LEVEL_READ_ONLY,
  .name = "host.containers",
  .check = containers_check,
  .describe = containers_describe,
  .run = containers_run,
};

/* ------------------------------------------------------------------------ */
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

/**
 * sn_host_action_describe:
 *
 * What the plan shows for @command: "ssh -p PORT USER@HOST 'COMMAND'".
 */
char *
sn_host_action_describe (SnActionContext *context,
                         const char      *command)
{
  return sn_host_command_describe (sn_action_context_get_profile (context), command);
}

/**
 * sn_host_action_run:
 * @stdout_text: (nullable): receives the standard output
 *
 * Runs @command on the host for a runbook action; fails on a non-zero
 * exit. The audit log gets the command with the run's secrets replaced.
 */
gboolean
sn_host_action_run (SnActionContext  *context,
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

  return sn_host_action_describe (context, command);
}

static gboolean
exec_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  g_autofree char *command = exec_command_line (context, args);

  return sn_host_action_run (context, command, NULL, error);
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

  return sn_host_action_describe (context, command);
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

  return sn_host_action_run (context, command, NULL, error);
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
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!sn_host_action_run (context, command, output, error))
    return FALSE;

  lines = g_strsplit (output->str, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_regex_split_simple ("\\s+", lines[i], 0, 0);
      gint64 percent;

      if (g_strv_length (fields) < 6)
        continue;
      percent = g_ascii_strtoll (fields[4], NULL, 10);
      /* df prints "96%"; several checked paths on one file system repeat it */
      if (g_hash_table_contains (seen, fields[5]))
        continue;
      g_hash_table_add (seen, g_strdup (fields[5]));
      if (percent >= fail)
        g_string_append_printf (full, "%s %lld%% ", fields[5], (long long) percent);
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

  return sn_host_action_describe (context, command);
}

static const SnActionInfo disk_action = {
  .name = "host.disk",
  .risk = sn_action_risk_read,
  .describe = disk_describe,
  .run = disk_run,
};

/* ------------------------------------------------------------------------ */
/* host.ssh.add-tunnel-key / host.ssh.remove-tunnel-key --------------------
 *
 * args: { "key": "ssh-ed25519 AAAA… name", "authorized-keys": "/root/.ssh/authorized_keys" }
 * An empty key skips the step. outputs: added = "yes" | "no"
 * remove: { "key": …, "authorized-keys": …, "if-added": "${steps.key.added}" }
 */

#define KEY_PATTERN  "^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|" \
                     "sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}( [A-Za-z0-9@._+-]*)?$"

/**
 * sn_host_dup_tunnel_key_line:
 *
 * Returns: (transfer full): the authorized_keys line that lets @key open a
 *   tunnel to @host:@port and nothing else (any command prints
 *   %SN_TUNNEL_ONLY_MESSAGE and fails)
 */
char *
sn_host_dup_tunnel_key_line (const char *key,
                               const char *host,
                               guint       port)
{
  return g_strdup_printf ("restrict,port-forwarding,permitopen=\"%s:%u\","
                          "command=\"echo '" SN_TUNNEL_ONLY_MESSAGE "' >&2; exit 1\" %s",
                          host, port, key);
}

static char *
keys_path (SnActionContext *context,
           JsonObject      *args)
{
  const char *path = json_object_get_string_member_with_default (args, "authorized-keys", "");
  const char *user = sn_profile_get_ssh_user (sn_action_context_get_profile (context));

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  if (g_strcmp0 (user, "root") == 0)
    return g_strdup ("/root/.ssh/authorized_keys");
  return g_strdup_printf ("/home/%s/.ssh/authorized_keys", user);
}

static const char *
key_arg (JsonObject  *args,
         GError     **error)
{
  const char *key = json_object_get_string_member_with_default (args, "key", "");

  if (key == NULL || *key == '\0')
    return "";
  if (!g_regex_match_simple (KEY_PATTERN, key, 0, 0))
    {
      g_set_error_literal (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                           _("This is not one SSH public key line (“ssh-ed25519 AAAA… name”): "
                             "paste the content of the .pub file."));
      return NULL;
    }
  return key;
}

static gboolean
key_check (JsonObject  *args,
           GError     **error)
{
  const char *key = json_object_get_string_member_with_default (args, "key", "");

  /* unresolved ${key} is checked when the step runs */
  if (key != NULL && strstr (key, "${") != NULL)
    return TRUE;
  return key_arg (args, error) != NULL;
}

static char *
key_describe (SnActionContext *context,
              JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autofree char *path = keys_path (context, args);
  const char *key = json_object_get_string_member_with_default (args, "key", "");

  if (key == NULL || *key == '\0')
    return g_strdup (_("No SSH key given: authorized_keys is left as it is"));
  return g_strdup_printf (_("Add to %s a line limiting the key to a tunnel to %s:%u "
                            "(restrict, port-forwarding, permitopen, no command)"),
                          path, sn_profile_get_db_host (profile), sn_profile_get_db_port (profile));
}

/* Reads @path on the host; a missing file reads as empty. */
static GBytes *
read_keys (SnHost        *host,
           SnActionContext *context,
           const char    *path,
           GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  sn_await_push_private (&await);
  sn_host_read_file_async (host, path, sn_action_context_get_cancellable (context),
                           sn_await_callback, &await);
  bytes = sn_host_read_file_finish (host, sn_await_result (&await), &local_error);
  sn_await_clear (&await);

  if (bytes == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_bytes_new (NULL, 0);
  if (bytes == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return bytes;
}

static gboolean
write_keys (SnHost          *host,
            SnActionContext *context,
            const char      *path,
            const char      *text,
            GError         **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  sn_await_push_private (&await);
  sn_host_replace_file_async (host, path, bytes, 0600, sn_action_context_get_cancellable (context),
                              sn_await_callback, &await);
  return sn_host_replace_file_finish (host, sn_await_result (&await), NULL, error);
}

/* The lines of @bytes, without @drop (when given). */
static GString *
keys_without (GBytes     *bytes,
              const char *drop,
              gboolean   *found)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  *found = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (drop != NULL && g_str_equal (lines[i], drop))
        {
          *found = TRUE;
          continue;
        }
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      g_string_append_printf (out, "%s\n", lines[i]);
    }
  return out;
}

static gboolean
key_add_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *key = key_arg (args, error);
  g_autofree char *path = keys_path (context, args);
  g_autofree char *line = NULL;
  g_autoptr(SnHost) host = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) text = NULL;
  gboolean found;

  if (key == NULL)
    return FALSE;
  if (*key == '\0')
    {
      sn_action_context_set_output (context, "added", "no");
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("No SSH key given: skipped."));
      return TRUE;
    }
  if (!(host = sn_host_new_for_action (context, error)) || !(bytes = read_keys (host, context, path, error)))
    return FALSE;

  line = sn_host_dup_tunnel_key_line (key, sn_profile_get_db_host (profile),
                                        sn_profile_get_db_port (profile));
  text = keys_without (bytes, line, &found);
  if (found)
    {
      sn_action_context_set_output (context, "added", "no");
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("The key is already there, limited to the tunnel."));
      return TRUE;
    }
  g_string_append_printf (text, "%s\n", line);
  if (!write_keys (host, context, path, text->str, error))
    return FALSE;

  sn_action_context_set_output (context, "added", "yes");
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Key added to %s, limited to the database tunnel."), path);
  return TRUE;
}

static gboolean
key_remove_run (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *key = key_arg (args, error);
  const char *added = json_object_get_string_member_with_default (args, "if-added", "yes");
  g_autofree char *path = keys_path (context, args);
  g_autofree char *line = NULL;
  g_autoptr(SnHost) host = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) text = NULL;
  gboolean found;

  if (key == NULL)
    return FALSE;
  if (*key == '\0' || g_strcmp0 (added, "yes") != 0)
    return TRUE;
  if (!(host = sn_host_new_for_action (context, error)) || !(bytes = read_keys (host, context, path, error)))
    return FALSE;

  line = sn_host_dup_tunnel_key_line (key, sn_profile_get_db_host (profile),
                                        sn_profile_get_db_port (profile));
  text = keys_without (bytes, line, &found);
  if (!found)
    return TRUE;
  if (!write_keys (host, context, path, text->str, error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Key removed from %s."), path);
  return TRUE;
}

static char *
key_remove_describe (SnActionContext *context,
                     JsonObject      *args)
{
  g_autofree char *path = keys_path (context, args);

  return g_strdup_printf (_("Remove from %s the line this run added"), path);
}

static const SnActionInfo key_add_action = {
  .name = "host.ssh.add-tunnel-key",
  .check = key_check,
  .describe = key_describe,
  .run = key_add_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

static const SnActionInfo key_remove_action = {
  .name = "host.ssh.remove-tunnel-key",
  .check = key_check,
  .describe = key_remove_describe,
  .run = key_remove_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

/**
 * sn_host_register_actions:
 *
 * Registers `host.file.replace` { "path", "content" | "from-output", "mode" }
 * (outputs: path, backup, bytes) and its revert `host.file.restore`
 * { "path", "backup": "${steps.ID.backup}" }, and the read-only check
 * `host.containers` { "expect-running": ["db", ...] }, and `host.exec`,
 * `host.compose` and `host.disk`, and `host.ssh.add-tunnel-key` with its
 * revert `host.ssh.remove-tunnel-key`.
 */
void
sn_host_register_actions (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&file_replace_action);
      sn_action_register (&file_restore_action);
      sn_action_register (&containers_action);
      sn_action_register (&exec_action);
      sn_action_register (&compose_action);
      sn_action_register (&disk_action);
      sn_action_register (&key_add_action);
      sn_action_register (&key_remove_action);
      g_once_init_leave (&initialized, 1);
    }
}
