/* sn-scaling-actions.c: the runbook actions scaling.resources.write/restore
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sn-action.h"
#include "sn-await.h"
#include "sn-host-command.h"
#include "sn-scaling-private.h"

#define COMPOSE_UP_TIMEOUT_MS (10 * 60 * 1000)

/*
 * scaling.resources.write { "service", "cpus", "memory", "cpus-reservation",
 *   "memory-reservation", "replicas" } (each but service "" to keep it)
 * Reads docker-compose.yml and the host's capacity again, computes the new
 * file in core (the values are validated here, whatever the caller
 * checked), and replaces it atomically keeping a backup. Outputs: path,
 * backup. Its plan shows the unified diff.
 *
 * scaling.resources.restore { "path", "backup" }: puts the backup back and
 * runs `docker compose up -d`, so the old limits apply again.
 */

static const char *
arg_or_null (JsonObject *args,
             const char *name)
{
  const char *value = json_object_get_string_member_with_default (args, name, NULL);

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
change_from_args (JsonObject         *args,
                  SnResourcesChange  *change,
                  GError            **error)
{
  const char *replicas = arg_or_null (args, "replicas");

  change->cpus_limit = arg_or_null (args, "cpus");
  change->memory_limit = arg_or_null (args, "memory");
  change->cpus_reservation = arg_or_null (args, "cpus-reservation");
  change->memory_reservation = arg_or_null (args, "memory-reservation");
  change->replicas = 0;
  if (replicas != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (replicas, 10, 1, 1000, &value, NULL))
        {
          g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                       _("“%s” is not a number of instances: give a whole number from 1."), replicas);
          return FALSE;
        }
      change->replicas = (int)value;
    }
  if (change->cpus_limit == NULL && change->memory_limit == NULL && change->cpus_reservation == NULL &&
      change->memory_reservation == NULL && change->replicas == 0)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("Nothing to change: give CPUs, memory, reservations or a number of instances."));
      return FALSE;
    }
  return TRUE;
}

/* Statically: the service is named; a literal number of instances is one
 * (variables are checked at run time, when they have values). */
static gboolean
write_check (JsonObject  *args,
             GError     **error)
{
  const char *replicas = arg_or_null (args, "replicas");

  if (sn_action_args_get_string (args, "service", TRUE, error) == NULL)
    return FALSE;
  if (replicas != NULL && strstr (replicas, "${") == NULL &&
      !g_ascii_string_to_unsigned (replicas, 10, 1, 1000, NULL, NULL))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“%s” is not a number of instances: give a whole number from 1."), replicas);
      return FALSE;
    }
  return TRUE;
}

/* The file now, the host's capacity, and the new text. */
static gboolean
compute (SnActionContext  *context,
         JsonObject       *args,
         SnHost          **host_out,
         char            **old_text,
         char            **new_text,
         GError          **error)
{
  const char *service = sn_action_args_get_string (args, "service", TRUE, error);
  g_autoptr(SnHost) host = NULL;
  g_autoptr(SnComposeFile) file = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnResourcesChange change;
  SnHostCapacity capacity;

  if (service == NULL || !change_from_args (args, &change, error) ||
      !(host = sn_host_for_action (context, error)))
    return FALSE;

  sn_await_push_private (&await);
  sn_scaling_read_compose_async (host, sn_action_context_get_cancellable (context),
                                 sn_await_callback, &await);
  file = sn_scaling_read_compose_finish (host, sn_await_result (&await), &capacity, error);
  if (file == NULL)
    return FALSE;
  if (!(*new_text = sn_compose_file_apply (file, service, &change, &capacity, error)))
    return FALSE;
  *old_text = g_strdup (sn_compose_file_get_text (file));
  if (host_out != NULL)
    *host_out = g_steal_pointer (&host);
  return TRUE;
}

static char *
write_describe (SnActionContext *context,
                JsonObject      *args)
{
  g_autofree char *path = sn_scaling_dup_compose_path (sn_action_context_get_profile (context));

  return g_strdup_printf (_("edit the resources of “%s” in %s, keeping %s.YYYYMMDD-HHMMSS.bak"),
                          json_object_get_string_member_with_default (args, "service", ""), path, path);
}

static char *
write_impact (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autofree char *path = sn_scaling_dup_compose_path (sn_action_context_get_profile (context));

  if (!compute (context, args, NULL, &old_text, &new_text, error))
    return NULL;
  if (g_str_equal (old_text, new_text))
    return g_strdup (_("docker-compose.yml already has these values: nothing changes."));
  return sn_scaling_unified_diff (old_text, new_text, path, path);
}

static gboolean
write_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autofree char *path = sn_scaling_dup_compose_path (profile);
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autoptr(SnHost) host = NULL;

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR, _("Changing a service's resources"),
                               error))
    return FALSE;
  if (!compute (context, args, &host, &old_text, &new_text, error))
    return FALSE;

  return _sn_scaling_write_file (context, host, path, old_text, new_text, error);
}

static const SnActionInfo write_action = {
  .name = "scaling.resources.write",
  .check = write_check,
  .describe = write_describe,
  .impact = write_impact,
  .run = write_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
};

/* scaling.resources.restore ------------------------------------------------ */

static gboolean
restore_check (JsonObject  *args,
               GError     **error)
{
  return sn_action_args_get_string (args, "path", TRUE, error) != NULL;
}

static char *
restore_describe (SnActionContext *context,
                  JsonObject      *args)
{
  return g_strdup_printf (_("put %s back over %s, then docker compose up -d"),
                          json_object_get_string_member_with_default (args, "backup", ""),
                          json_object_get_string_member_with_default (args, "path", ""));
}

static gboolean
restore_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  static const char * const up[] = { "up", "-d", NULL };
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *backup = json_object_get_string_member_with_default (args, "backup", NULL);
  g_autoptr(SnHost) host = NULL;

  if (path == NULL ||
      !sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR, _("Restoring docker-compose.yml"),
                               error) ||
      !(host = sn_host_for_action (context, error)))
    return FALSE;
  if (backup == NULL || *backup == '\0')
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("No backup of %s was made: nothing to put back."), path);
      return FALSE;
    }

  return _sn_scaling_restore_file (context, host, path, backup, up, error);
}

static const SnActionInfo restore_action = {
  .name = "scaling.resources.restore",
  .check = restore_check,
  .describe = restore_describe,
  .run = restore_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
};

/* Shared by the compose and nginx actions ---------------------------------- */

/* Prints the diff, writes @new_text over @path keeping a backup, and gives
 * the path and the backup as the step's outputs for its revert. */
gboolean
_sn_scaling_write_file (SnActionContext  *context,
                        SnHost           *host,
                        const char       *path,
                        const char       *old_text,
                        const char       *new_text,
                        GError          **error)
{
  g_autofree char *diff = sn_scaling_unified_diff (old_text, new_text, path, path);
  g_autofree char *backup = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (new_text, strlen (new_text));
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  if (*diff != '\0')
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", diff);
  sn_await_push_private (&await);
  sn_host_replace_file_async (host, path, bytes, -1, sn_action_context_get_cancellable (context),
                              sn_await_callback, &await);
  if (!sn_host_replace_file_finish (host, sn_await_result (&await), &backup, error))
    return FALSE;

  sn_action_context_set_output (context, "path", path);
  sn_action_context_set_output (context, "backup", backup != NULL ? backup : "");
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Wrote %s; backup: %s"), path,
                          backup != NULL ? backup : _("none, the file is new"));
  return TRUE;
}

/* Puts @backup back over @path, then runs `docker compose @compose_args`
 * (up -d, or nginx's reload). */
gboolean
_sn_scaling_restore_file (SnActionContext     *context,
                          SnHost              *host,
                          const char          *path,
                          const char          *backup,
                          const char * const  *compose_args,
                          GError             **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autofree char *command = NULL;
  gboolean ok;

  sn_await_push_private (&await);
  sn_host_restore_file_async (host, path, backup, sn_action_context_get_cancellable (context),
                              sn_await_callback, &await);
  ok = sn_host_restore_file_finish (host, sn_await_result (&await), error);
  sn_await_clear (&await);
  if (!ok)
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Put back %s"), path);

  command = sn_host_command_compose (sn_action_context_get_profile (context), compose_args);
  return sn_host_action_run (context, command, NULL, error);
}

/**
 * sn_scaling_actions_register:
 *
 * Registers `scaling.resources.write` and `scaling.resources.restore`, and
 * `scaling.nginx.write` and `scaling.nginx.restore`.
 */
void
sn_scaling_actions_register (void)
{
  sn_action_register (&write_action);
  sn_action_register (&restore_action);
  _sn_scaling_nginx_actions_register ();
}
