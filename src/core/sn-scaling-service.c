/* sn-scaling-service.c: reading the compose file and the host's capacity
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-host-command.h"
#include "sn-scaling.h"

#define CAPACITY_TIMEOUT_MS (30 * 1000)

typedef struct
{
  SnComposeFile  *file;
  SnHostCapacity  capacity;
} ReadData;

static void
read_data_free (gpointer data)
{
  ReadData *rd = data;

  g_clear_pointer (&rd->file, sn_compose_file_free);
  g_free (rd);
}

static void
capacity_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *rd = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (!(exec = sn_host_exec_finish (SN_HOST (object), result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  out = sn_ssh_exec_result_dup_stdout_text (exec);
  if (!sn_ssh_exec_result_get_success (exec) ||
      !sn_scaling_parse_capacity (out, &rd->capacity, &error))
    {
      if (error == NULL)
        g_set_error (&error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                     _("`nproc && free -b` failed on the host (exit status %d)."),
                     sn_ssh_exec_result_get_exit_status (exec));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
read_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *rd = g_task_get_task_data (task);
  SnHost *host = SN_HOST (object);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;

  if (!(bytes = sn_host_read_file_finish (host, result, &error)) ||
      !(rd->file = sn_compose_file_new_from_bytes (bytes, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  command = sn_host_command_capacity ();
  sn_host_exec_async (host, "scaling.capacity", command, NULL, CAPACITY_TIMEOUT_MS, NULL, NULL, NULL,
                      g_task_get_cancellable (task), capacity_cb, g_object_ref (task));
}

/**
 * sn_scaling_read_compose_async:
 *
 * Reads DEPLOY/docker-compose.yml and parses it, then the host's CPUs and
 * memory. Reads only.
 */
void
sn_scaling_read_compose_async (SnHost              *host,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_scaling_read_compose_async);
  g_task_set_task_data (task, g_new0 (ReadData, 1), read_data_free);
  path = sn_scaling_dup_compose_path (sn_ssh_session_get_profile (sn_host_get_session (host)));
  sn_host_read_file_async (host, path, cancellable, read_file_cb, g_steal_pointer (&task));
}

/**
 * sn_scaling_read_compose_finish:
 * @capacity: (out) (optional): the host's CPUs and memory
 *
 * Returns: (transfer full): the parsed file, or %NULL (a YAML error says
 *   the line and column)
 */
SnComposeFile *
sn_scaling_read_compose_finish (SnHost          *host,
                                GAsyncResult    *result,
                                SnHostCapacity  *capacity,
                                GError         **error)
{
  ReadData *rd;

  g_return_val_if_fail (g_task_is_valid (result, host), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  rd = g_task_get_task_data (G_TASK (result));
  if (capacity != NULL)
    *capacity = rd->capacity;
  return g_steal_pointer (&rd->file);
}

/**
 * sn_scaling_change_to_params:
 *
 * Returns: (transfer full): the parameters of the runbook "scaling-apply"
 *   for @change ("" for a value kept)
 */
GHashTable *
sn_scaling_change_to_params (const char              *service,
                             const SnResourcesChange *change)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (params, g_strdup ("service"), g_strdup (service));
  g_hash_table_insert (params, g_strdup ("cpus"), g_strdup (change->cpus_limit ? change->cpus_limit : ""));
  g_hash_table_insert (params, g_strdup ("memory"),
                       g_strdup (change->memory_limit ? change->memory_limit : ""));
  g_hash_table_insert (params, g_strdup ("cpus-reservation"),
                       g_strdup (change->cpus_reservation ? change->cpus_reservation : ""));
  g_hash_table_insert (params, g_strdup ("memory-reservation"),
                       g_strdup (change->memory_reservation ? change->memory_reservation : ""));
  g_hash_table_insert (params, g_strdup ("replicas"),
                       change->replicas > 0 ? g_strdup_printf ("%d", change->replicas) : g_strdup (""));
  return params;
}
