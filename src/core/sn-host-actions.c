/* sn-host-actions.c: the runbook actions host.file.replace, host.file.restore, host.containers
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-action.h"
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

/**
 * sn_host_register_actions:
 *
 * Registers `host.file.replace` { "path", "content" | "from-output", "mode" }
 * (outputs: path, backup, bytes) and its revert `host.file.restore`
 * { "path", "backup": "${steps.ID.backup}" }, and the read-only check
 * `host.containers` { "expect-running": ["db", ...] }.
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
      g_once_init_leave (&initialized, 1);
    }
}
