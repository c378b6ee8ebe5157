/* sn-database-psql.c: the psql-over-SSH path's command and its errors
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-database-connector"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-database-connector.h"
#include "sn-database-private.h"
#include "sn-host-command.h"
#include "sn-ssh-session.h"

#define PSQL_STATEMENT_TIMEOUT "60s"

/**
 * sn_database_dup_psql_command:
 * @read_only: start the session read-only
 *
 * Returns: (transfer full): the shell command run on the server for @sql,
 *   built by sn_host_command_psql(): `cd <deploy> && docker compose … exec -T
 *   db psql -X --csv -q -v SHOW_ALL_RESULTS=off -v ON_ERROR_STOP=1 -U <user>
 *   -d <db> -c <setup> -c <sql>`, every argument quoted
 */
char *
sn_database_dup_psql_command (SnProfile  *profile,
                              const char *sql,
                              gboolean    read_only)
{
  /* psql 15 prints one CSV table per statement of a -c, which no reader can
   * split: show only the last result, as PQexec does on the libpq paths
   * (older psql does so anyway). */
  static const char * const options[] = { "--csv", "-q", "-v", "SHOW_ALL_RESULTS=off", NULL };
  g_autofree char *setup = NULL;
  const char *commands[3] = { NULL };

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  setup = g_strdup_printf ("SET default_transaction_read_only = %s; "
                           "SET statement_timeout = '" PSQL_STATEMENT_TIMEOUT "'",
                           read_only ? "on" : "off");
  commands[0] = setup;
  commands[1] = sql;
  return sn_host_command_psql (profile, NULL, NULL, options, commands);
}

/* Turns psql's stderr into an SnDatabaseError a person can act on. */
GError *
_sn_database_psql_error (SnSshExecResult *result)
{
  g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
  g_auto(GStrv) lines = NULL;
  const char *message = NULL;
  SnDatabaseError code = SN_DATABASE_ERROR_FAILED;

  lines = g_strsplit (err != NULL ? err : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "ERROR:") || g_str_has_prefix (line, "FATAL:") ||
          g_str_has_prefix (line, "psql: error:"))
        {
          message = line + (g_str_has_prefix (line, "psql: error:") ? 12 : 6);
          while (*message == ' ')
            message++;
          break;
        }
    }

  if (message == NULL)
    {
      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0')
          {
            message = lines[i];
            break;
          }
    }

  if (message != NULL && strstr (message, SN_TUNNEL_ONLY_MESSAGE) != NULL)
    return g_error_new_literal (SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED,
                                _("This profile’s SSH key only opens the database tunnel: it "
                                  "cannot run psql on the server. Use the tunnel path (the "
                                  "default), not psql over SSH."));

  if (message == NULL)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED,
                        _("psql on the server failed with exit status %d."),
                        sn_ssh_exec_result_get_exit_status (result));

  if (strstr (message, "read-only transaction") != NULL)
    code = SN_DATABASE_ERROR_READ_ONLY;
  else if (strstr (message, "statement timeout") != NULL)
    code = SN_DATABASE_ERROR_TIMEOUT;
  else if (strstr (message, "syntax error") != NULL || strstr (message, "does not exist") != NULL)
    code = SN_DATABASE_ERROR_SYNTAX;
  else if (strstr (message, "password authentication failed") != NULL)
    code = SN_DATABASE_ERROR_AUTH;
  else if (strstr (message, "connection to server") != NULL ||
           strstr (message, "is not running") != NULL ||
           strstr (message, "Cannot connect to the Docker daemon") != NULL)
    code = SN_DATABASE_ERROR_CONNECT;

  return g_error_new_literal (SN_DATABASE_ERROR, code, message);
}
