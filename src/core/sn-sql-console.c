/* sn-sql-console.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-sql-console"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-sql-console.h"

/*
 * The SQL editor of the window and `narcisse-ctl sql` send a person's text.
 * Both go through sn_sql_console_start(), so the rules are written once:
 *
 * - a session that may write asks for a yes before a destructive statement,
 *   and on production for the profile's name, typed by the person, before any
 *   statement (M6);
 * - every statement leaves an audit line BEFORE it is sent ("db.sql.started")
 *   and one with its result ("db.sql"); when the first cannot be written the
 *   statement is not sent (H2, M6);
 * - the text in those lines is redacted (passwords in ALTER ROLE and the like).
 *
 * The read-only net (sn_sql_escapes_read_only()) is in SnDatabase and the
 * connector's psql path, below this: it holds for every caller.
 */

#define AUDIT_SQL_MAX_CHARS 2000

/**
 * sn_sql_redact:
 *
 * Returns: (transfer full): @sql with the literals that follow PASSWORD
 *   (CREATE/ALTER ROLE … PASSWORD '…') and the secrets sn_audit_redact()
 *   knows replaced by [REDACTED], cut to 2,000 characters
 */
char *
sn_sql_redact (const char *sql)
{
  static gsize initialized;
  static GRegex *password;
  g_autofree char *step1 = NULL;
  g_autofree char *step2 = NULL;
  glong length;

  if (sql == NULL)
    return NULL;

  if (g_once_init_enter (&initialized))
    {
      password = g_regex_new ("(password\\s*(?:=\\s*)?)(?:[eE]?'(?:[^']|'')*'?|\\$([A-Za-z_]*)\\$.*?(?:\\$\\2\\$|$))",
                              G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }

  step1 = g_regex_replace (password, sql, -1, 0, "\\1'[REDACTED]'", 0, NULL);
  step2 = sn_audit_redact (step1 != NULL ? step1 : "");

  length = g_utf8_strlen (step2, -1);
  if (length > AUDIT_SQL_MAX_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (step2, 0, AUDIT_SQL_MAX_CHARS);

      return g_strdup_printf ("%s… (%ld characters)", cut, length);
    }

  return g_steal_pointer (&step2);
}

/**
 * sn_sql_check_text:
 * @read_only: the session is read-only
 * @psql: the text goes to `psql -c` over SSH
 *
 * The client-side net, checked before text is sent, by SnDatabase and by
 * the connector's psql path: in a read-only session nothing that
 * sn_sql_escapes_read_only() flags; on the psql path no meta-command.
 *
 * Returns: %FALSE with %SN_DATABASE_ERROR_REFUSED and the reason
 */
gboolean
sn_sql_check_text (const char  *sql,
                   gboolean     read_only,
                   gboolean     psql,
                   GError     **error)
{
  g_autofree char *what = NULL;
  const char *p = sql;

  g_return_val_if_fail (sql != NULL, FALSE);

  while (psql && g_ascii_isspace (*p))
    p++;
  if (psql && *p == '\\')
    {
      g_set_error_literal (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED,
                           _("psql meta-commands (text starting with a backslash) cannot run "
                             "through Narcisse Admin: send SQL only."));
      return FALSE;
    }

  if (read_only && sn_sql_escapes_read_only (sql, &what))
    {
      g_set_error_literal (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED, what);
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_sql_console_get_confirm:
 *
 * Returns: what the person must confirm before @sql runs on @connector's
 *   session as it is now
 */
SnSqlConfirm
sn_sql_console_get_confirm (SnDatabaseConnector *connector,
                            const char          *sql)
{
  SnProfile *profile;

  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (connector), SN_SQL_CONFIRM_YES);
  g_return_val_if_fail (sql != NULL, SN_SQL_CONFIRM_YES);

  if (sn_database_connector_get_read_only (connector))
    return SN_SQL_CONFIRM_NONE;

  profile = sn_database_connector_get_profile (connector);
  if (sn_profile_get_production (profile))
    return SN_SQL_CONFIRM_YES | SN_SQL_CONFIRM_TYPED_NAME;
  if (sn_sql_is_destructive (sql, NULL))
    return SN_SQL_CONFIRM_YES;

  return SN_SQL_CONFIRM_NONE;
}

/**
 * sn_sql_console_check:
 * @confirmed: the person said yes (`--yes`, a terminal answer, the dialog)
 * @typed_name: (nullable): the profile name as the person typed it, never
 *   filled in by the program
 *
 * Returns: %FALSE with %SN_DATABASE_ERROR_REFUSED when @sql must not run yet
 */
gboolean
sn_sql_console_check (SnDatabaseConnector  *connector,
                      const char           *sql,
                      gboolean              confirmed,
                      const char           *typed_name,
                      GError              **error)
{
  SnSqlConfirm needs;
  SnProfile *profile;

  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (connector), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  needs = sn_sql_console_get_confirm (connector, sql);
  profile = sn_database_connector_get_profile (connector);

  if ((needs & SN_SQL_CONFIRM_TYPED_NAME) &&
      g_strcmp0 (typed_name, sn_profile_get_name (profile)) != 0)
    {
      if (typed_name == NULL || *typed_name == '\0')
        g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED,
                     _("“%s” is a production profile and writes are allowed: type its name "
                       "to run this statement (--confirm %s). Nothing was run."),
                     sn_profile_get_name (profile), sn_profile_get_name (profile));
      else
        g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED,
                     _("“%s” is not the profile’s name “%s”. Nothing was run."),
                     typed_name, sn_profile_get_name (profile));
      return FALSE;
    }

  if ((needs & SN_SQL_CONFIRM_YES) && !confirmed)
    {
      g_autofree char *what = NULL;

      if (!sn_sql_is_destructive (sql, &what))
        what = g_strdup (_("Writes are allowed on a production profile."));
      g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED,
                   _("%s Confirm it first (--yes). Nothing was run."), what);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  SnAuditLog *audit;
  char       *profile;
  char       *sql;          /* redacted */
  gint64      started;
  gboolean    done;
} ResultAudit;

static void
result_audit_free (gpointer data,
                   GClosure *closure)
{
  ResultAudit *audit = data;

  g_clear_object (&audit->audit);
  g_free (audit->profile);
  g_free (audit->sql);
  g_free (audit);
}

static void
write_result_line (SnQueryResult *result,
                   ResultAudit   *audit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const GError *query_error;
  const char *tag;

  if (audit->done || sn_query_result_get_loading (result))
    return;
  audit->done = TRUE;

  query_error = sn_query_result_get_error (result);
  tag = sn_query_result_get_command_tag (result);
  if (query_error != NULL)
    {
      g_autofree char *message = sn_sql_redact (query_error->message);

      line = g_strdup_printf ("%s -- failed: %s", audit->sql, message);
    }
  else
    line = g_strdup_printf ("%s -- %s", audit->sql, tag != NULL && *tag != '\0' ? tag : "done");

  if (!sn_audit_log_append (audit->audit, audit->profile, "db.sql", line,
                            query_error != NULL ? 1 : 0,
                            g_get_monotonic_time () - audit->started, 0, &error))
    g_warning ("The statement ran but its result is not in the audit log: %s", error->message);
}

static void
loading_cb (SnQueryResult *result,
            GParamSpec    *pspec,
            ResultAudit   *audit)
{
  write_result_line (result, audit);
}

/**
 * sn_sql_console_start:
 * @audit: (nullable): the audit log, %NULL for the default one
 * @confirmed: the person said yes (see sn_sql_console_check())
 * @typed_name: (nullable): the profile name as the person typed it
 *
 * Checks the confirmations, writes the "started" audit line, then starts
 * @sql like sn_database_connector_start_query(); the result line is written
 * when the result completes. The read-only net of the session applies below.
 *
 * Returns: (transfer full) (nullable): the result being filled, or %NULL with
 *   @error when nothing was sent (not confirmed, or the audit log cannot be
 *   written)
 */
SnQueryResult *
sn_sql_console_start (SnDatabaseConnector  *connector,
                      SnAuditLog           *audit,
                      const char           *sql,
                      gboolean              confirmed,
                      const char           *typed_name,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *redacted = NULL;
  g_autofree char *line = NULL;
  g_autofree char *reason = NULL;
  SnQueryResult *result;
  ResultAudit *data;
  SnProfile *profile;

  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (connector), NULL);
  g_return_val_if_fail (!audit || SN_IS_AUDIT_LOG (audit), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (!sn_sql_console_check (connector, sql, confirmed, typed_name, error))
    return NULL;

  profile = sn_database_connector_get_profile (connector);
  if (audit == NULL)
    audit = sn_audit_log_get_default ();

  redacted = sn_sql_redact (sql);
  if (sn_database_connector_get_read_only (connector))
    line = g_strdup_printf ("%s -- read-only session", redacted);
  else
    {
      reason = sn_sql_redact (sn_database_connector_get_write_reason (connector));
      line = g_strdup_printf ("%s -- writes allowed, reason: %s%s", redacted,
                              reason != NULL ? reason : "",
                              typed_name != NULL ? ", profile name typed" : "");
    }

  if (!sn_audit_log_append (audit, sn_profile_get_name (profile), "db.sql.started", line,
                            0, 0, 0, &audit_error))
    {
      g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED,
                   _("%s The statement was not sent: nothing runs without its audit line."),
                   audit_error->message);
      return NULL;
    }

  data = g_new0 (ResultAudit, 1);
  data->audit = g_object_ref (audit);
  data->profile = g_strdup (sn_profile_get_name (profile));
  data->sql = g_steal_pointer (&redacted);
  data->started = g_get_monotonic_time ();

  result = sn_database_connector_start_query (connector, sql, cancellable);
  g_signal_connect_data (result, "notify::loading", G_CALLBACK (loading_cb), data,
                         result_audit_free, 0);
  write_result_line (result, data);

  return result;
}
