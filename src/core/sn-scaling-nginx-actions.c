/* sn-scaling-nginx-actions.c: the runbook actions scaling.nginx.write/restore
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

/*
 * scaling.nginx.write { "service", "replicas" } ("" keeps the number):
 * reads docker-compose.yml and nginx.conf again, rewrites only the
 * `upstream SERVICE` block for that many instances (sn_scaling_nginx_apply)
 * and replaces the file atomically keeping a backup. When the stack has no
 * nginx service, or nginx.conf no such block (the real one proxies straight
 * to http://app:3000), it says so and writes nothing: the nginx part is
 * refused, not faked. Outputs: path, backup ("" when nothing was written).
 * Its plan shows the unified diff, or that message.
 *
 * scaling.nginx.restore { "path", "backup" }: puts the backup back and
 * reloads nginx, so it serves with the old upstream again; nothing to do
 * when no backup was made.
 */

static const char *
replicas_arg (JsonObject *args)
{
  const char *value = json_object_get_string_member_with_default (args, "replicas", NULL);

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
write_check (JsonObject  *args,
             GError     **error)
{
  const char *replicas = replicas_arg (args);

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

/* The message, and the old and new text when nginx.conf changes. FALSE only
 * on a real error (the host cannot be read, nginx.conf's braces). */
static gboolean
compute (SnActionContext  *context,
         JsonObject       *args,
         SnHost          **host_out,
         char            **message,
         char            **old_text,
         char            **new_text,
         GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  const char *service = sn_action_args_get_string (args, "service", TRUE, error);
  const char *replicas_text = replicas_arg (args);
  g_autoptr(SnHost) host = NULL;
  g_autoptr(SnComposeFile) compose = NULL;
  g_autoptr(GError) read_error = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  guint64 replicas;

  *message = *old_text = *new_text = NULL;
  if (service == NULL)
    return FALSE;
  if (replicas_text == NULL)
    {
      *message = g_strdup (_("The number of instances does not change: nginx.conf is left as it is."));
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (replicas_text, 10, 1, 1000, &replicas, NULL))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“%s” is not a number of instances: give a whole number from 1."), replicas_text);
      return FALSE;
    }
  if (!(host = sn_host_for_action (context, error)))
    return FALSE;

  sn_await_push_private (&await);
  sn_scaling_read_compose_async (host, cancellable, sn_await_callback, &await);
  compose = sn_scaling_read_compose_finish (host, sn_await_result (&await), NULL, error);
  sn_await_clear (&await);
  if (compose == NULL)
    return FALSE;

  sn_await_push_private (&await);
  sn_scaling_read_nginx_async (host, cancellable, sn_await_callback, &await);
  *old_text = sn_scaling_read_nginx_finish (host, sn_await_result (&await), &read_error);
  if (*old_text == NULL && g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  if (*old_text != NULL)
    {
      g_autoptr(GError) parse_error = NULL;
      g_autofree char *project = sn_scaling_dup_project_name (profile);
      g_autofree char *probe = sn_scaling_nginx_apply (*old_text, project, service, (guint)replicas,
                                                       &parse_error);

      /* a file nginx itself would refuse is an error, not a refusal */
      if (probe == NULL && g_error_matches (parse_error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE))
        {
          g_propagate_error (error, g_steal_pointer (&parse_error));
          return FALSE;
        }
    }
  *message = sn_scaling_nginx_preview (profile, compose, *old_text, read_error, service, (guint)replicas,
                                       new_text);
  if (host_out != NULL)
    *host_out = g_steal_pointer (&host);
  return TRUE;
}

static char *
write_describe (SnActionContext *context,
                JsonObject      *args)
{
  g_autofree char *path = sn_scaling_dup_nginx_path (sn_action_context_get_profile (context));

  return g_strdup_printf (_("rewrite the “upstream %s” block of %s for the new number of instances, keeping "
                            "%s.YYYYMMDD-HHMMSS.bak"),
                          json_object_get_string_member_with_default (args, "service", ""), path, path);
}

static char *
write_impact (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  g_autofree char *message = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autofree char *path = sn_scaling_dup_nginx_path (sn_action_context_get_profile (context));
  g_autofree char *diff = NULL;

  if (!compute (context, args, NULL, &message, &old_text, &new_text, error))
    return NULL;
  if (new_text == NULL)
    return g_steal_pointer (&message);
  diff = sn_scaling_unified_diff (old_text, new_text, path, path);
  return g_strdup_printf ("%s\n%s", message, diff);
}

static gboolean
write_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autofree char *path = sn_scaling_dup_nginx_path (profile);
  g_autofree char *message = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autoptr(SnHost) host = NULL;

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR, _("Changing nginx’s upstream"), error))
    return FALSE;
  if (!compute (context, args, &host, &message, &old_text, &new_text, error))
    return FALSE;
  sn_action_context_set_output (context, "path", path);
  sn_action_context_set_output (context, "backup", "");
  sn_action_context_emit (context, SN_OUTPUT_INFO, "%s", message);
  if (new_text == NULL)
    return TRUE;

  return _sn_scaling_write_file (context, host, path, old_text, new_text, error);
}

static const SnActionInfo write_action = {
  .name = "scaling.nginx.write",
  .check = write_check,
  .describe = write_describe,
  .impact = write_impact,
  .run = write_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
};

/* scaling.nginx.restore ---------------------------------------------------- */

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
  return g_strdup_printf (_("put %s back over %s, then reload nginx"),
                          json_object_get_string_member_with_default (args, "backup", ""),
                          json_object_get_string_member_with_default (args, "path", ""));
}

static gboolean
restore_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  static const char * const reload[] = { "exec", "-T", "nginx", "nginx", "-s", "reload", NULL };
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *backup = json_object_get_string_member_with_default (args, "backup", NULL);
  g_autoptr(SnHost) host = NULL;

  if (path == NULL ||
      !sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR, _("Restoring nginx.conf"), error))
    return FALSE;
  if (backup == NULL || *backup == '\0')
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("%s was not changed: nothing to put back."), path);
      return TRUE;
    }
  if (!(host = sn_host_for_action (context, error)))
    return FALSE;

  return _sn_scaling_restore_file (context, host, path, backup, reload, error);
}

static const SnActionInfo restore_action = {
  .name = "scaling.nginx.restore",
  .check = restore_check,
  .describe = restore_describe,
  .run = restore_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
};

/* Called by sn_scaling_actions_register(). */
void
_sn_scaling_nginx_actions_register (void)
{
  sn_action_register (&write_action);
  sn_action_register (&restore_action);
}
