/* sn-maintenance-npm-fix.c: npm audit fix in the host checkout, with its backup
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app image is built on the server from the checkout (target-system.md
 * §9.2, §9.5), so the fix changes the checkout's package.json and
 * package-lock.json and rebuilds the app. npm runs on the host itself (the
 * disk cleanup already cleans the host's npm cache): the app container's root
 * file system is read-only and its /app is the image, not the checkout. The
 * two files are backed up first so a failed rebuild can put them back.
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-action.h"
#include "sn-host-command.h"
#include "sn-maintenance-npm-fix.h"
#include "sn-ssh-session.h"

#define AUDIT_TIMEOUT_MS   (5 * 60 * 1000)
#define FIX_TIMEOUT_MS     (15 * 60 * 1000)
#define COPY_TIMEOUT_MS    (60 * 1000)

static SnProfile *
host_profile (SnHost *host)
{
  return sn_ssh_session_get_profile (sn_host_get_session (host));
}

static char *
run_command (SnHost        *host,
             const char    *action,
             const char    *command,
             guint          timeout_ms,
             int            allowed_status,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(SnSshExecResult) result = NULL;
  int status;

  if (command == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("The backup’s time stamp is not valid: use letters and digits only."));
      return NULL;
    }
  result = sn_host_exec_sync (host, action, command, NULL, timeout_ms, NULL, NULL, cancellable, error);
  if (result == NULL)
    return NULL;
  status = sn_ssh_exec_result_get_exit_status (result);
  if (!sn_ssh_exec_result_get_success (result) && status != allowed_status)
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);

      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("“%s” failed on the host (exit status %d): %s"), command, status,
                   err != NULL && *g_strstrip (err) != '\0' ? err : _("no message"));
      return NULL;
    }
  return sn_ssh_exec_result_dup_stdout_text (result);
}

/* The package files' backup or restore @command (NULL for a bad stamp), at
 * operator level: @what says what is refused below it. */
static gboolean
copy_files (SnHost        *host,
            const char    *what,
            const char    *action,
            const char    *command,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *out = NULL;

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR, what, error))
    return FALSE;
  out = run_command (host, action, command, COPY_TIMEOUT_MS, -1, cancellable, error);
  return out != NULL;
}

/* npm @argv in the checkout, each line of its output to @func; @allowed_status
 * as in run_command(). The caller checks the level first. */
static gboolean
npm_in_checkout (SnHost              *host,
                 const char          *action,
                 const char * const  *argv,
                 int                  allowed_status,
                 SnDeployLineFunc     func,
                 gpointer             func_data,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autofree char *command = sn_host_command_npm_in_checkout (host_profile (host), argv);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  if (!(out = run_command (host, action, command, FIX_TIMEOUT_MS, allowed_status, cancellable, error)))
    return FALSE;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; func != NULL && lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      func (lines[i], FALSE, func_data);
  return TRUE;
}

/**
 * sn_maintenance_npm_audit_checkout_sync:
 *
 * `npm audit --json` in the host checkout. Read-only, any profile.
 *
 * Returns: (transfer full): the report
 */
SnDependencyAudit *
sn_maintenance_npm_audit_checkout_sync (SnHost        *host,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  static const char * const argv[] = { "audit", "--json", NULL };
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  g_return_val_if_fail (SN_IS_HOST (host), NULL);

  command = sn_host_command_npm_in_checkout (host_profile (host), argv);
  if (!(out = run_command (host, "maintenance.npm-audit", command, AUDIT_TIMEOUT_MS, 1, cancellable, error)))
    return NULL;
  return sn_maintenance_parse_npm_audit (out, error);
}

/**
 * sn_maintenance_npm_backup_sync:
 * @stamp: the UTC time of the run, letters and digits
 *
 * package.json and package-lock.json of the checkout copied to
 * FILE.STAMP.bak. Refused in core below operator.
 */
gboolean
sn_maintenance_npm_backup_sync (SnHost        *host,
                                const char    *stamp,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autofree char *command = NULL;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  command = sn_host_command_npm_files_backup (host_profile (host), stamp);
  return copy_files (host, _("back up the app’s package files"), "maintenance.npm-backup", command,
                     cancellable, error);
}

/**
 * sn_maintenance_npm_fix_sync:
 *
 * `npm audit fix` in the checkout, never with --force (a forced fix installs
 * semver-major versions that break the app). npm's exit status 1, "some
 * vulnerabilities are left", is no error: the audit after says which.
 * Refused in core below operator.
 */
gboolean
sn_maintenance_npm_fix_sync (SnHost            *host,
                             SnDeployLineFunc   func,
                             gpointer           func_data,
                             GCancellable      *cancellable,
                             GError           **error)
{
  static const char * const argv[] = { "audit", "fix", NULL };

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR,
                               _("run npm audit fix"), error))
    return FALSE;
  return npm_in_checkout (host, "maintenance.npm-audit-fix", argv, 1, func, func_data, cancellable, error);
}

/**
 * sn_maintenance_npm_update_prisma_sync:
 *
 * The runbook's Prisma update (§6.1): `npm update @prisma/client prisma` in
 * the checkout, within the ranges package.json allows. The client is
 * generated by the image's build (`prisma generate && next build`), so the
 * runbook's `npx prisma generate` on the host would change nothing the app
 * runs. Refused in core below operator.
 */
gboolean
sn_maintenance_npm_update_prisma_sync (SnHost            *host,
                                       SnDeployLineFunc   func,
                                       gpointer           func_data,
                                       GCancellable      *cancellable,
                                       GError           **error)
{
  static const char * const argv[] = { "update", "@prisma/client", "prisma", NULL };

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR,
                               _("update Prisma"), error))
    return FALSE;
  return npm_in_checkout (host, "maintenance.npm-update-prisma", argv, -1, func, func_data, cancellable,
                          error);
}

/**
 * sn_maintenance_npm_restore_sync:
 * @stamp: the stamp given to sn_maintenance_npm_backup_sync()
 *
 * Both files put back from their backups, byte for byte. Refused in core
 * below operator.
 */
gboolean
sn_maintenance_npm_restore_sync (SnHost        *host,
                                 const char    *stamp,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *command = NULL;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  command = sn_host_command_npm_files_restore (host_profile (host), stamp);
  return copy_files (host, _("put the app’s package files back"), "maintenance.npm-restore", command,
                     cancellable, error);
}

/**
 * sn_maintenance_npm_rebuild_sync:
 *
 * Rebuilds the app from the checkout and recreates its container, then waits
 * (up to a minute) until the site answers. Refused in core below operator.
 */
gboolean
sn_maintenance_npm_rebuild_sync (SnHost            *host,
                                 SnDeployLineFunc   func,
                                 gpointer           func_data,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  g_autoptr(SnDeployService) service = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR, _("rebuild the app"), error))
    return FALSE;
  service = sn_deploy_service_new (host_profile (host), host);
  if (!sn_deploy_service_build_sync (service, func, func_data, cancellable, error))
    return FALSE;
  if (sn_deploy_service_wait_site_sync (service, cancellable, NULL, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
               _("The app was rebuilt but the site does not answer: check the app’s logs."));
  return FALSE;
}
