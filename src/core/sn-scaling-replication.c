/* sn-scaling-replication.c: PostgreSQL replication status (runbook §5.3)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-host-command.h"
#include "sn-scaling.h"

#define REPLICATION_TIMEOUT_MS (60 * 1000)

/* Runbook §5.3 as steps to follow by hand: nothing here builds a replica. */
static const char * const checklist[] = {
  N_("Set up a second PostgreSQL server as a streaming replica of the primary (wal_level = replica, "
     "max_wal_senders above 0, a role with REPLICATION, pg_basebackup from the primary)."),
  N_("Check that the replica is listed here (pg_stat_replication), streaming, with a small replay lag."),
  N_("Give the app the replica's address for reads: Prisma needs a second datasource or its read-replicas "
     "extension; DATABASE_URL stays on the primary, directUrl is for migrations."),
  N_("Add that variable to the app's environment in docker-compose.yml: compose passes only the variables "
     "it lists (target-system §6.1)."),
  N_("Watch the database connections threshold: each app instance opens its own pool."),
  NULL
};

/**
 * sn_scaling_replica_checklist:
 *
 * Returns: (transfer none) (array zero-terminated=1): the steps of runbook
 *   §5.3, untranslated (pass each through gettext)
 */
const char * const *
sn_scaling_replica_checklist (void)
{
  return checklist;
}

/**
 * sn_scaling_command_replication:
 *
 * Returns: (transfer full): the read-only psql that prints the status as
 *   one JSON object
 */
char *
sn_scaling_command_replication (SnProfile *profile)
{
  static const char * const options[] = { "-A", "-t", "-q", NULL };
  static const char * const commands[] = {
    "SELECT json_build_object('in_recovery', pg_is_in_recovery(), "
    "'wal_level', current_setting('wal_level'), "
    "'max_wal_senders', current_setting('max_wal_senders')::int, "
    "'replicas', coalesce((SELECT json_agg(json_build_object('name', application_name, "
    "'client', client_addr::text, 'state', state, 'sync_state', sync_state, "
    "'replay_lag', replay_lag::text) ORDER BY application_name) FROM pg_stat_replication), '[]'::json))",
    NULL
  };

  return sn_host_command_psql (profile, NULL, NULL, options, commands);
}

static void
replication_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;

  if (!(exec = sn_host_exec_finish (SN_HOST (object), result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!sn_ssh_exec_result_get_success (exec))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);

      g_task_return_new_error (task, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                               _("Reading pg_stat_replication failed (exit status %d): %s"),
                               sn_ssh_exec_result_get_exit_status (exec), err != NULL ? g_strstrip (err) : "");
      return;
    }
  out = sn_ssh_exec_result_dup_stdout_text (exec);
  if (!json_parser_load_from_data (parser, g_strstrip (out), -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_task_return_new_error (task, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE,
                               _("The replication status is not what the app expects: %.80s"), out);
      return;
    }
  g_task_return_pointer (task, json_node_copy (json_parser_get_root (parser)), (GDestroyNotify)json_node_unref);
}

/**
 * sn_scaling_replication_async:
 *
 * The primary's replication status: { "in_recovery", "wal_level",
 * "max_wal_senders", "replicas": [{ "name", "client", "state",
 * "sync_state", "replay_lag" }] }. Reads only.
 */
void
sn_scaling_replication_async (SnHost              *host,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_scaling_replication_async);
  command = sn_scaling_command_replication (sn_ssh_session_get_profile (sn_host_get_session (host)));
  sn_host_exec_async (host, "scaling.replication", command, NULL, REPLICATION_TIMEOUT_MS, NULL, NULL, NULL,
                      cancellable, replication_cb, g_steal_pointer (&task));
}

/**
 * sn_scaling_replication_finish:
 *
 * Returns: (transfer full): the status as a JSON object
 */
JsonNode *
sn_scaling_replication_finish (SnHost        *host,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
