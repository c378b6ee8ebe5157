/* sn-host.c: the one door to the host
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-await.h"
#include "sn-host.h"
#include "sn-profile.h"

/*
 * SnHost is the only caller of SnSshSession's exec and file functions
 * outside the SSH layer. Every command it runs was built by
 * sn-host-command.c (the compose prefix, `exec -T db psql/pg_dump/
 * pg_restore`, logs), and every one writes one audit line when it ends
 * (command redacted, exit status, duration, bytes): typed calls that parse
 * the output into GObjects, and raw commands (sn_host_exec_async() and its
 * stream variants) for runbook actions, log streaming, psql over SSH and
 * backups. Output is never logged: printenv's values stay in the result.
 */

#define DEFAULT_TIMEOUT_MS (120 * 1000)
#define AUDIT_MAX_COMMAND  2000
#define AUDIT_HEAD         200

G_DEFINE_QUARK (sn-host-error-quark, sn_host_error)

/* ------------------------------------------------------------------------ */
/* SnHost                                                                   */

struct _SnHost
{
  GObject       parent_instance;

  SnSshSession *session;
  SnAuditLog   *audit_log;
  gboolean      monitoring;   /* made by sn_host_new_monitoring() */
};

G_DEFINE_FINAL_TYPE (SnHost, sn_host, G_TYPE_OBJECT)

static void
sn_host_dispose (GObject *object)
{
  SnHost *self = (SnHost *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->audit_log);

  G_OBJECT_CLASS (sn_host_parent_class)->dispose (object);
}

static void
sn_host_class_init (SnHostClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sn_host_dispose;
}

static void
sn_host_init (SnHost *self)
{
}

/**
 * sn_host_new:
 * @session: the connection to the profile's host
 * @audit_log: (nullable): where every action is recorded; %NULL for
 *   sn_audit_log_get_default()
 */
SnHost *
sn_host_new (SnSshSession *session,
             SnAuditLog   *audit_log)
{
  SnHost *self;

  g_return_val_if_fail (SN_IS_SSH_SESSION (session), NULL);
  g_return_val_if_fail (audit_log == NULL || SN_IS_AUDIT_LOG (audit_log), NULL);

  self = g_object_new (SN_TYPE_HOST, NULL);
  self->session = g_object_ref (session);
  self->audit_log = g_object_ref (audit_log != NULL ? audit_log : sn_audit_log_get_default ());

  return self;
}

/**
 * sn_host_new_monitoring:
 * @session: the connection to the profile's host
 * @audit_log: (nullable): the audit log; %NULL for the default one
 *
 * A host for what timers read on their own (a dashboard's refresh): its
 * routine reads (`docker compose ps`, `df`, `docker system df`, `uptime`)
 * are folded into the hour's "monitoring" line of the audit log
 * (sn_audit_log_append_monitoring()). Anything else it runs, a change above
 * all, is audited on its own line as with sn_host_new(): the list of routine
 * reads is here, not the caller's to choose.
 */
SnHost *
sn_host_new_monitoring (SnSshSession *session,
                        SnAuditLog   *audit_log)
{
  SnHost *self = sn_host_new (session, audit_log);

  if (self != NULL)
    self->monitoring = TRUE;
  return self;
}

gboolean
sn_host_get_monitoring (SnHost *self)
{
  g_return_val_if_fail (SN_IS_HOST (self), FALSE);
  return self->monitoring;
}

/* The reads a dashboard repeats; each changes nothing on the host. */
static gboolean
is_routine_read (const char *action)
{
  static const char * const routine[] = {
    "host.compose.ps", "host.df", "host.docker-df", "host.uptime", NULL,
  };

  return action != NULL && g_strv_contains (routine, action);
}

SnSshSession *
sn_host_get_session (SnHost *self)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);
  return self->session;
}

SnAuditLog *
sn_host_get_audit_log (SnHost *self)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);
  return self->audit_log;
}

static SnProfile *
host_profile (SnHost *self)
{
  return sn_ssh_session_get_profile (self->session);
}

static const char *
profile_name (SnHost *self)
{
  return sn_profile_get_name (host_profile (self));
}

/**
 * sn_host_dup_compose_prefix:
 *
 * Returns: the compose prefix, sn_host_command_compose() with no arguments
 */
char *
sn_host_dup_compose_prefix (SnHost *self)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);

  return sn_host_command_compose (sn_ssh_session_get_profile (self->session), NULL);
}

/* ------------------------------------------------------------------------ */
/* Running a command: the one door to the host                             */

typedef gpointer (*HostParseFunc) (SnHost           *self,
                                   SnSshExecResult  *result,
                                   GError          **error);

typedef enum
{
  EXEC_PLAIN,
  EXEC_LINES,
  EXEC_TO_STREAM,
  EXEC_WITH_INPUT,
} ExecKind;

typedef struct
{
  char           *action;
  char           *command;
  char           *audit_text;     /* what the audit log gets instead of command, or NULL */
  char           *what;           /* typed calls, for messages: "docker compose ps" */
  HostParseFunc   parse;          /* NULL: a raw call, returns the SnSshExecResult */
  GDestroyNotify  value_free;
  gint64          started;
  gboolean        require_success;
} HostCall;

static void
host_call_free (HostCall *call)
{
  g_free (call->action);
  g_free (call->command);
  g_free (call->audit_text);
  g_free (call->what);
  g_free (call);
}

static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strdup (text != NULL ? text : "");
  g_auto(GStrv) lines = g_strsplit (g_strstrip (copy), "\n", -1);
  guint n = g_strv_length (lines);

  return n > 0 ? g_strdup (g_strstrip (lines[n - 1])) : g_strdup ("");
}

/* The audit log's text for @call: redacted first, then long commands (a
 * chunk of an upload) summed up rather than copied. */
static char *
audit_text (HostCall *call,
            gboolean  cancelled)
{
  g_autofree char *redacted = sn_audit_redact (call->audit_text != NULL ? call->audit_text
                                                                        : call->command);
  gsize length = strlen (redacted);

  if (length > AUDIT_MAX_COMMAND)
    {
      g_autofree char *head = g_utf8_validate (redacted, -1, NULL)
                              ? g_utf8_substring (redacted, 0, AUDIT_HEAD)
                              : g_strndup (redacted, AUDIT_HEAD);

      g_free (redacted);
      redacted = g_strdup_printf ("%s… (%" G_GSIZE_FORMAT " bytes)", head, length);
    }

  /* A command stopped by the app (a closed window, a newer refresh) says so. */
  if (cancelled)
    {
      char *text = g_strdup_printf ("%s (cancelled)", redacted);

      g_free (redacted);
      redacted = text;
    }

  return g_steal_pointer (&redacted);
}

static void
return_typed (GTask           *task,
              HostCall        *call,
              SnSshExecResult *exec,
              GError          *audit_error)
{
  SnHost *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gpointer value;

  if (call->require_success && !sn_ssh_exec_result_get_success (exec))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);
      g_autofree char *why = last_line (err);

      if (sn_ssh_exec_result_get_exit_signal (exec) != NULL)
        g_task_return_new_error (task, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                                 _("“%s” on %s was killed by signal %s."),
                                 call->what, profile_name (self),
                                 sn_ssh_exec_result_get_exit_signal (exec));
      else
        g_task_return_new_error (task, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                                 _("“%s” failed on %s (exit status %d): %s"),
                                 call->what, profile_name (self),
                                 sn_ssh_exec_result_get_exit_status (exec),
                                 *why != '\0' ? why : _("no message"));
      return;
    }

  /* A typed call that could not be audited must not pass unnoticed. */
  if (audit_error != NULL)
    {
      g_task_return_error (task, g_error_copy (audit_error));
      return;
    }

  value = call->parse (self, exec, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, call->value_free);
}

static void
on_host_exec_ready (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnHost *self = g_task_get_source_object (task);
  HostCall *call = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *text = NULL;
  int status = -1;
  gint64 duration = g_get_monotonic_time () - call->started;
  guint64 bytes = 0;

  exec = sn_ssh_session_exec_finish (SN_SSH_SESSION (object), result, &error);
  if (exec != NULL)
    {
      status = sn_ssh_exec_result_get_exit_status (exec);
      duration = sn_ssh_exec_result_get_duration_us (exec);
      bytes = sn_ssh_exec_result_get_stdout_bytes (exec) + sn_ssh_exec_result_get_stderr_bytes (exec) +
              sn_ssh_exec_result_get_stdin_bytes (exec);
    }

  text = audit_text (call, exec == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  if (self->monitoring && is_routine_read (call->action))
    {
      if (!sn_audit_log_append_monitoring (self->audit_log, profile_name (self), call->action,
                                           status, duration, bytes, &audit_error))
        g_warning ("%s", audit_error->message);
    }
  else if (!sn_audit_log_append (self->audit_log, profile_name (self), call->action, text,
                                 status, duration, bytes, &audit_error))
    g_warning ("%s", audit_error->message);

  if (exec == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (call->parse != NULL)
    return_typed (task, call, exec, audit_error);
  else
    /* The command ran: its effect is real even if its audit line failed
     * (the warning above says so); callers judge the exit status. */
    g_task_return_pointer (task, g_steal_pointer (&exec), g_object_unref);
}

/* Starts @call on the session: the only place that runs a command. */
static void
host_start (SnHost         *self,
            GTask          *task,          /* owned */
            HostCall       *call,          /* owned */
            ExecKind        kind,
            gpointer        stream,
            SnSshLineFunc   line_func,
            gpointer        line_data,
            GDestroyNotify  line_data_destroy,
            guint           timeout_ms)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  call->started = g_get_monotonic_time ();
  g_task_set_task_data (task, call, (GDestroyNotify)host_call_free);

  switch (kind)
    {
    case EXEC_LINES:
      sn_ssh_session_exec_lines_async (self->session, call->command, timeout_ms,
                                       line_func, line_data, line_data_destroy, cancellable,
                                       on_host_exec_ready, task);
      break;
    case EXEC_TO_STREAM:
      sn_ssh_session_exec_to_stream_async (self->session, call->command, stream, timeout_ms,
                                           cancellable, on_host_exec_ready, task);
      break;
    case EXEC_WITH_INPUT:
      sn_ssh_session_exec_with_input_async (self->session, call->command, stream, timeout_ms,
                                            cancellable, on_host_exec_ready, task);
      break;
    case EXEC_PLAIN:
    default:
      sn_ssh_session_exec_async (self->session, call->command, timeout_ms, cancellable,
                                 on_host_exec_ready, task);
      break;
    }
}

static void
host_call (SnHost              *self,
           gpointer             source_tag,
           const char          *action,
           const char          *what,
           char                *command,          /* owned */
           HostParseFunc        parse,
           GDestroyNotify       value_free,
           gboolean             require_success,
           SnSshLineFunc        line_func,
           gpointer             line_data,
           GDestroyNotify       line_data_destroy,
           guint                timeout_ms,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task;
  HostCall *call = g_new0 (HostCall, 1);

  call->action = g_strdup (action);
  call->command = command;
  call->what = g_strdup (what);
  call->parse = parse;
  call->value_free = value_free;
  call->require_success = require_success;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  host_start (self, task, call, line_func != NULL ? EXEC_LINES : EXEC_PLAIN, NULL,
              line_func, line_data, line_data_destroy, timeout_ms);
}

static gpointer
host_call_finish (SnHost        *self,
                  GAsyncResult  *result,
                  gpointer       source_tag,
                  GError       **error)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Raw commands ------------------------------------------------------------ */

static void
raw_call (SnHost              *self,
          const char          *action,
          const char          *command,
          const char          *audit_text,
          ExecKind             kind,
          gpointer             stream,
          SnSshLineFunc        line_func,
          gpointer             line_data,
          GDestroyNotify       line_data_destroy,
          guint                timeout_ms,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task;
  HostCall *call = g_new0 (HostCall, 1);

  call->action = g_strdup (action);
  call->command = g_strdup (command);
  call->audit_text = g_strdup (audit_text);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_host_exec_async);
  host_start (self, task, call, kind, stream, line_func, line_data, line_data_destroy, timeout_ms);
}

/**
 * sn_host_exec_async:
 * @action: the audit log's action ("runbook.host", "backup.pg_restore", ...)
 * @command: a command built by the sn_host_command_*() builders (or by a
 *   service from them)
 * @audit_text: (nullable): what the audit log records instead of @command:
 *   @command with the run's secrets already replaced (it is redacted by
 *   pattern again); %NULL to record @command itself
 * @timeout_ms: stop it after this long; 0 for no limit
 * @line_func: (nullable): called with each line of output as it arrives
 *   (then stdout and stderr are not kept in the result)
 *
 * Runs @command on the host and appends one line to the audit log (redacted
 * text, exit status, duration, bytes) when it ends, cancelled or not. Every
 * command the app runs on a host goes through here or through the typed
 * calls below, which do the same.
 */
void
sn_host_exec_async (SnHost              *self,
                    const char          *action,
                    const char          *command,
                    const char          *audit_text,
                    guint                timeout_ms,
                    SnSshLineFunc        line_func,
                    gpointer             line_data,
                    GDestroyNotify       line_data_destroy,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (action != NULL);
  g_return_if_fail (command != NULL);

  raw_call (self, action, command, audit_text, line_func != NULL ? EXEC_LINES : EXEC_PLAIN, NULL,
            line_func, line_data, line_data_destroy, timeout_ms, cancellable, callback, user_data);
}

/**
 * sn_host_exec_to_stream_async:
 * @stdout_stream: receives the command's standard output
 *
 * sn_host_exec_async() with stdout written to @stdout_stream (a dump).
 */
void
sn_host_exec_to_stream_async (SnHost              *self,
                              const char          *action,
                              const char          *command,
                              const char          *audit_text,
                              GOutputStream       *stdout_stream,
                              guint                timeout_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (action != NULL && command != NULL);
  g_return_if_fail (G_IS_OUTPUT_STREAM (stdout_stream));

  raw_call (self, action, command, audit_text, EXEC_TO_STREAM, stdout_stream, NULL, NULL, NULL,
            timeout_ms, cancellable, callback, user_data);
}

/**
 * sn_host_exec_with_input_async:
 * @stdin_stream: sent as the command's standard input, then closed
 *
 * sn_host_exec_async() with @stdin_stream streamed to the command (an upload).
 */
void
sn_host_exec_with_input_async (SnHost              *self,
                               const char          *action,
                               const char          *command,
                               const char          *audit_text,
                               GInputStream        *stdin_stream,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (action != NULL && command != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (stdin_stream));

  raw_call (self, action, command, audit_text, EXEC_WITH_INPUT, stdin_stream, NULL, NULL, NULL,
            timeout_ms, cancellable, callback, user_data);
}

/**
 * sn_host_exec_finish:
 *
 * Finishes sn_host_exec_async() and its stream variants.
 *
 * Returns: (transfer full): the result whatever the exit status, or %NULL
 *   when the command could not run to its end (connection, timeout, cancel)
 */
SnSshExecResult *
sn_host_exec_finish (SnHost        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return host_call_finish (self, result, sn_host_exec_async, error);
}

/**
 * sn_host_exec_sync:
 *
 * sn_host_exec_async() for worker threads (runbook actions, services): runs
 * a private main context until the command ends; @line_func is called in
 * this thread, and every line arrives before this returns.
 *
 * Returns: (transfer full): as sn_host_exec_finish()
 */
SnSshExecResult *
sn_host_exec_sync (SnHost         *self,
                   const char     *action,
                   const char     *command,
                   const char     *audit_text,
                   guint           timeout_ms,
                   SnSshLineFunc   line_func,
                   gpointer        line_data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  GAsyncResult *result;

  g_return_val_if_fail (SN_IS_HOST (self), NULL);

  sn_await_push_private (&await);
  sn_host_exec_async (self, action, command, audit_text, timeout_ms, line_func, line_data, NULL,
                      cancellable, sn_await_callback, &await);
  result = sn_await_result (&await);
  /* Lines queued before the result still belong to this command. */
  sn_await_drain (&await);

  return sn_host_exec_finish (self, result, error);
}

/* Typed calls ------------------------------------------------------------- */

static char *
stdout_text (SnSshExecResult *exec)
{
  return sn_ssh_exec_result_dup_stdout_text (exec);
}

static gpointer
keep_result (SnHost           *self,
             SnSshExecResult  *exec,
             GError          **error)
{
  return g_object_ref (exec);
}

/* compose ps ---------------------------------------------------------- */

static gpointer
parse_ps (SnHost           *self,
          SnSshExecResult  *exec,
          GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_compose_ps (text, error);
}

/**
 * sn_host_compose_ps_async:
 *
 * Lists every container of the project, stopped ones included
 * (`docker compose ps -a --format json`).
 */
void
sn_host_compose_ps_async (SnHost              *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  static const char * const argv[] = { "ps", "-a", "--format", "json", NULL };

  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_compose_ps_async, "host.compose.ps", "docker compose ps",
             sn_host_command_compose (host_profile (self), argv),
             parse_ps, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_compose_ps_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnContainer
 */
GListModel *
sn_host_compose_ps_finish (SnHost        *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return host_call_finish (self, result, sn_host_compose_ps_async, error);
}

/* compose logs -------------------------------------------------------- */

/**
 * sn_host_compose_logs_async:
 * @service: (nullable): one service, or %NULL for all (then lines keep
 *   Compose's "service-1  | " prefix)
 * @tail: the last @tail lines, or -1 for all
 * @follow: keep streaming new lines until @cancellable is cancelled
 * @since: (nullable): `--since` (a date, "2026-01-02T09:00:00" or "10m")
 * @line_func: called for each line as it arrives
 *
 * With @follow, the call only ends on cancellation (%G_IO_ERROR_CANCELLED)
 * or when the connection drops.
 */
void
sn_host_compose_logs_async (SnHost              *self,
                            const char          *service,
                            int                  tail,
                            gboolean             follow,
                            const char          *since,
                            SnSshLineFunc        line_func,
                            gpointer             line_data,
                            GDestroyNotify       line_data_destroy,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (line_func != NULL);

  host_call (self, sn_host_compose_logs_async, "host.compose.logs", "docker compose logs",
             sn_host_command_compose_logs (host_profile (self), service, tail, follow, since,
                                           service == NULL),
             keep_result, g_object_unref, TRUE, line_func, line_data, line_data_destroy,
             follow ? 0 : DEFAULT_TIMEOUT_MS, cancellable, callback, user_data);
}

gboolean
sn_host_compose_logs_finish (SnHost        *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(SnSshExecResult) exec = host_call_finish (self, result, sn_host_compose_logs_async,
                                                      error);
  return exec != NULL;
}

/* compose stop/start/up/pull/build/restart ---------------------------- */

/**
 * sn_host_compose_action_async:
 * @service: (nullable): one service, or %NULL for the whole project
 * @line_func: (nullable): Compose's progress lines (on stderr) as they come
 */
void
sn_host_compose_action_async (SnHost              *self,
                              SnComposeAction      action,
                              const char          *service,
                              SnSshLineFunc        line_func,
                              gpointer             line_data,
                              GDestroyNotify       line_data_destroy,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *what = NULL;
  g_autofree char *action_name = NULL;
  const char *verb = sn_compose_action_to_string (action);
  const char *argv[4] = { NULL };
  guint n = 0;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (verb != NULL);

  argv[n++] = verb;
  if (action == SN_COMPOSE_UP)
    argv[n++] = "-d";
  if (service != NULL)
    argv[n++] = service;

  what = g_strdup_printf ("docker compose %s%s%s", verb, service != NULL ? " " : "",
                          service != NULL ? service : "");
  action_name = g_strdup_printf ("host.compose.%s", verb);
  host_call (self, sn_host_compose_action_async, action_name, what,
             sn_host_command_compose (host_profile (self), argv),
             keep_result, g_object_unref, TRUE, line_func, line_data, line_data_destroy,
             action == SN_COMPOSE_BUILD || action == SN_COMPOSE_PULL || action == SN_COMPOSE_UP
             ? 30 * 60 * 1000 : 10 * 60 * 1000,
             cancellable, callback, user_data);
}

gboolean
sn_host_compose_action_finish (SnHost        *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(SnSshExecResult) exec = host_call_finish (self, result, sn_host_compose_action_async,
                                                      error);
  return exec != NULL;
}

/* compose exec -------------------------------------------------------- */

/**
 * sn_host_compose_exec_async:
 * @service: the service ("db", "app")
 * @argv: the program and its arguments, run with `exec -T` (no terminal)
 */
void
sn_host_compose_exec_async (SnHost              *self,
                            const char          *service,
                            const char * const  *argv,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *what = NULL;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (service != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  all = g_ptr_array_new ();
  g_ptr_array_add (all, (gpointer)"exec");
  g_ptr_array_add (all, (gpointer)"-T");
  g_ptr_array_add (all, (gpointer)service);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (all, (gpointer)argv[i]);
  g_ptr_array_add (all, NULL);
  what = g_strdup_printf ("docker compose exec %s %s", service, argv[0]);
  host_call (self, sn_host_compose_exec_async, "host.compose.exec", what,
             sn_host_command_compose (host_profile (self), (const char * const *)all->pdata),
             keep_result, g_object_unref, FALSE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_compose_exec_finish:
 *
 * Returns: (transfer full): the result, whatever the exit status
 */
SnSshExecResult *
sn_host_compose_exec_finish (SnHost        *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return host_call_finish (self, result, sn_host_compose_exec_async, error);
}

/* df -------------------------------------------------------------------- */

static gpointer
parse_df (SnHost           *self,
          SnSshExecResult  *exec,
          GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_df (text, error);
}

/**
 * sn_host_disk_usage_async:
 *
 * The host's filesystems (`df -P -B1`, pseudo filesystems left out, and the
 * desktop's FUSE mounts, which root cannot stat and which make df fail).
 */
void
sn_host_disk_usage_async (SnHost              *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_disk_usage_async, "host.df", "df",
             g_strdup ("LC_ALL=C df -P -B1 -x tmpfs -x devtmpfs -x squashfs -x overlay "
                       "-x fuse.portal -x fuse.gvfsd-fuse"),
             parse_df, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_disk_usage_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnFilesystem
 */
GListModel *
sn_host_disk_usage_finish (SnHost        *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return host_call_finish (self, result, sn_host_disk_usage_async, error);
}

static gpointer
parse_docker_df (SnHost           *self,
                 SnSshExecResult  *exec,
                 GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_docker_df (text, error);
}

/**
 * sn_host_docker_disk_usage_async:
 *
 * What Docker itself uses (`docker system df`): images, containers, volumes,
 * build cache, and what a prune would reclaim.
 */
void
sn_host_docker_disk_usage_async (SnHost              *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_docker_disk_usage_async, "host.docker-df", "docker system df",
             g_strdup ("docker system df"),
             parse_docker_df, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_docker_disk_usage_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnDockerUsage
 */
GListModel *
sn_host_docker_disk_usage_finish (SnHost        *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return host_call_finish (self, result, sn_host_docker_disk_usage_async, error);
}

/* uptime ---------------------------------------------------------------- */

static gpointer
parse_uptime (SnHost           *self,
              SnSshExecResult  *exec,
              GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_uptime (text, error);
}

/**
 * sn_host_uptime_async:
 *
 * How long the host has run and its load averages (1, 5, 15 minutes).
 */
void
sn_host_uptime_async (SnHost              *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_uptime_async, "host.uptime", "uptime",
             g_strdup ("cat /proc/uptime /proc/loadavg"),
             parse_uptime, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_uptime_finish:
 *
 * Returns: (transfer full): the host's uptime and load
 */
SnUptime *
sn_host_uptime_finish (SnHost        *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return host_call_finish (self, result, sn_host_uptime_async, error);
}

/* printenv -------------------------------------------------------------- */

static gpointer
parse_printenv (SnHost           *self,
                SnSshExecResult  *exec,
                GError          **error)
{
  g_autofree char *text = stdout_text (exec);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');

      /* continuation lines of multi-line values have no NAME= in front */
      if (eq == NULL || eq == lines[i] ||
          !g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*=", lines[i], 0, 0))
        continue;
      g_hash_table_replace (env, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }

  return env;
}

/**
 * sn_host_printenv_async:
 * @service: the service ("app")
 *
 * The environment the service's container runs with
 * (`docker compose exec -T SERVICE printenv`). The values are returned, never
 * logged; show those whose name sn_host_env_name_is_secret() only on request.
 */
void
sn_host_printenv_async (SnHost              *self,
                        const char          *service,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  const char *argv[] = { "exec", "-T", service, "printenv", NULL };
  g_autofree char *what = NULL;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (service != NULL);

  what = g_strdup_printf ("docker compose exec %s printenv", service);
  host_call (self, sn_host_printenv_async, "host.printenv", what,
             sn_host_command_compose (host_profile (self), argv),
             parse_printenv, (GDestroyNotify)g_hash_table_unref, TRUE, NULL, NULL, NULL,
             DEFAULT_TIMEOUT_MS, cancellable, callback, user_data);
}

/**
 * sn_host_printenv_finish:
 *
 * Returns: (transfer full) (element-type utf8 utf8): name → value
 */
GHashTable *
sn_host_printenv_finish (SnHost        *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return host_call_finish (self, result, sn_host_printenv_async, error);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

typedef struct
{
  char           *path;
  char           *backup;
  gint64          started;
  gsize           size;
  int             mode;
} FileCall;

static void
file_call_free (FileCall *call)
{
  g_free (call->path);
  g_free (call->backup);
  g_free (call);
}

/* One audit line per file call: path, size, transport, never the bytes. */
static gboolean
audit_file (SnHost      *self,
            const char  *action,
            const char  *summary,
            gboolean     ok,
            gint64       started,
            guint64      bytes,
            GError     **error)
{
  return sn_audit_log_append (self->audit_log, profile_name (self), action, summary,
                              ok ? 0 : 1, g_get_monotonic_time () - started, bytes, error);
}

static void
on_host_read_file_ready (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnHost *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *summary = NULL;
  SnSshTransport transport = SN_SSH_TRANSPORT_SFTP;

  bytes = sn_ssh_session_read_file_finish (SN_SSH_SESSION (object), result, &transport, &error);
  summary = g_strdup_printf ("read %s (via %s)", call->path, sn_ssh_transport_to_string (transport));
  if (!audit_file (self, "host.file.read", summary, bytes != NULL, call->started,
                   bytes != NULL ? g_bytes_get_size (bytes) : 0, &audit_error))
    g_warning ("%s", audit_error->message);

  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify)g_bytes_unref);
}

/**
 * sn_host_read_file_async:
 * @path: an absolute path on the host
 *
 * Reads a remote file (SFTP, or `cat` without SFTP); audited as
 * `host.file.read` with its size, never its contents.
 */
void
sn_host_read_file_async (SnHost              *self,
                         const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileCall *call;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_host_read_file_async);
  call = g_new0 (FileCall, 1);
  call->path = g_strdup (path);
  call->started = g_get_monotonic_time ();
  g_task_set_task_data (task, call, (GDestroyNotify)file_call_free);

  sn_ssh_session_read_file_async (self->session, path, cancellable,
                                  on_host_read_file_ready, g_steal_pointer (&task));
}

GBytes *
sn_host_read_file_finish (SnHost        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return host_call_finish (self, result, sn_host_read_file_async, error);
}

static void
on_host_replace_file_ready (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnHost *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *mode = NULL;
  SnSshTransport transport = SN_SSH_TRANSPORT_SFTP;
  gboolean ok;

  ok = sn_ssh_session_replace_file_finish (SN_SSH_SESSION (object), result, &call->backup,
                                           &transport, &error);
  mode = call->mode >= 0 ? g_strdup_printf ("%04o", call->mode) : g_strdup ("kept");
  summary = g_strdup_printf ("replace %s (%" G_GSIZE_FORMAT " bytes, mode %s, via %s, backup %s)%s%s",
                             call->path, call->size, mode, sn_ssh_transport_to_string (transport),
                             call->backup != NULL ? call->backup : "none",
                             ok ? "" : ": ", ok ? "" : error->message);
  if (!audit_file (self, "host.file.replace", summary, ok, call->started, call->size, &audit_error))
    g_warning ("%s", audit_error->message);

  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (audit_error != NULL)
    g_task_return_error (task, g_steal_pointer (&audit_error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sn_host_replace_file_async:
 * @contents: the new bytes
 * @mode: permission bits, or -1 to keep the old file's
 *
 * sn_ssh_session_replace_file_async(), audited as `host.file.replace` (path,
 * size, mode, transport, backup; never the bytes).
 */
void
sn_host_replace_file_async (SnHost              *self,
                            const char          *path,
                            GBytes              *contents,
                            int                  mode,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileCall *call;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (contents != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_host_replace_file_async);
  call = g_new0 (FileCall, 1);
  call->path = g_strdup (path);
  call->size = g_bytes_get_size (contents);
  call->mode = mode;
  call->started = g_get_monotonic_time ();
  g_task_set_task_data (task, call, (GDestroyNotify)file_call_free);

  sn_ssh_session_replace_file_async (self->session, path, contents, mode, cancellable,
                                     on_host_replace_file_ready, g_steal_pointer (&task));
}

/**
 * sn_host_replace_file_finish:
 * @backup_path: (out) (optional) (transfer full): the backup of the old file,
 *   %NULL when @path did not exist
 */
gboolean
sn_host_replace_file_finish (SnHost        *self,
                             GAsyncResult  *result,
                             char         **backup_path,
                             GError       **error)
{
  FileCall *call;

  g_return_val_if_fail (SN_IS_HOST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  call = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (backup_path != NULL)
    *backup_path = g_strdup (call->backup);
  return TRUE;
}

static gpointer
parse_nothing (SnHost           *self,
               SnSshExecResult  *result,
               GError          **error)
{
  return g_strdup ("");
}

/**
 * sn_host_restore_file_async:
 * @backup: (nullable): what sn_host_replace_file_finish() returned; %NULL or
 *   "" when @path did not exist before, which then removes it
 *
 * Undoes a replace: copies @backup back over @path atomically (temp copy,
 * then rename). The backup is kept.
 */
void
sn_host_restore_file_async (SnHost              *self,
                            const char          *path,
                            const char          *backup,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *target = NULL;
  g_autofree char *what = NULL;
  char *command;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (path != NULL);

  target = g_shell_quote (path);
  if (backup == NULL || *backup == '\0')
    {
      what = g_strdup_printf ("rm %s", path);
      command = g_strdup_printf ("rm -f -- %s", target);
    }
  else
    {
      g_autofree char *quoted = g_shell_quote (backup);

      what = g_strdup_printf ("restore %s from %s", path, backup);
      command = g_strdup_printf ("T=%s; P=\"$T.sn-restore.$$.tmp\"; "
                                 "cp -p -- %s \"$P\" || { rm -f -- \"$P\"; exit 1; }; "
                                 "sync -- \"$P\" && mv -f -- \"$P\" \"$T\" || { rm -f -- \"$P\"; exit 1; }",
                                 target, quoted);
    }

  host_call (self, sn_host_restore_file_async, "host.file.restore", what, command,
             parse_nothing, g_free, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

gboolean
sn_host_restore_file_finish (SnHost        *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autofree char *done = host_call_finish (self, result, sn_host_restore_file_async, error);

  return done != NULL;
}
