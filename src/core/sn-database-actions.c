/* sn-database-actions.c: the runbook actions db.*
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-actions"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>

#include "sn-actions-builtin.h"
#include "sn-await.h"
#include "sn-database-connector.h"
#include "sn-host.h"
#include "sn-host-command.h"

/* db.query ----------------------------------------------------------------
 *
 * args: { "sql": "SELECT 1" }
 * Runs psql inside the db container as the profile's database user (the
 * runbook's "-U postgres" does not exist there, target-system §5), read-only.
 */

static gboolean
query_check (JsonObject  *args,
             GError     **error)
{
  return sn_action_args_get_string (args, "sql", TRUE, error) != NULL;
}

static char *
query_command_line (SnActionContext *context,
                    JsonObject      *args)
{
  const char *commands[] = {
    "SET default_transaction_read_only = on",
    json_object_get_string_member (args, "sql"),
    NULL
  };

  return sn_host_command_psql (sn_action_context_get_profile (context), NULL, NULL, NULL, commands);
}

static char *
query_describe (SnActionContext *context,
                JsonObject      *args)
{
  g_autofree char *command = query_command_line (context, args);

  return sn_host_action_describe (context, command);
}

static gboolean
query_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autofree char *command = query_command_line (context, args);

  return sn_host_action_run (context, command, NULL, error);
}

/* db.query runs in a read-only transaction; SQL that could leave it, or that
 * writes, is a destroy. */
static SnRisk
query_risk (JsonObject *args)
{
  const char *sql = json_object_get_string_member_with_default (args, "sql", NULL);

  /* A ${variable} in the SQL is unknown text until the run: not a read. */
  if (sql != NULL && strstr (sql, "${") == NULL &&
      !sn_sql_is_write (sql) && !sn_sql_escapes_read_only (sql, NULL))
    return SN_RISK_READ;
  return SN_RISK_DESTROY;
}

static const SnActionInfo query_action = {
  .name = "db.query",
  .risk = query_risk,
  .check = query_check,
  .describe = query_describe,
  .run = query_run,
};

/*
 * A read-only profile is only as strong as its credentials (issue 13). These
 * actions give the direction credentials that cannot change the server (the
 * SSH key's actions are in sn-host-actions.c, the profile's export in
 * sn-profile-actions.c):
 *
 * - db.readonly-role.ensure: a PostgreSQL role with LOGIN and SELECT on the
 *   app's tables (today's and, by default privileges, tomorrow's), read-only
 *   transactions by default; created if missing, else its password and grants
 *   refreshed. The password never leaves this computer: the SCRAM-SHA-256
 *   verifier is computed here and only it is sent.
 * - host.ssh.add-tunnel-key: an SSH public key in authorized_keys limited to a
 *   tunnel to the database (restrict, port-forwarding, permitopen, and a
 *   command that refuses to run anything).
 * - profile.export-readonly: the ready read-only profile, written 0600 and
 *   atomically, with no secret in it.
 *
 * Each has a revert for what it added. Remote commands go through SnHost.
 */

#define ROLE_PATTERN "^[a-z_][a-z0-9_]{0,62}$"
#define SCRAM_ITERATIONS 4096

/* Running psql on the host ---------------------------------------------- */

/* psql in the db container as the profile's database user; @sql as one -c
 * (one implicit transaction). Returns its stdout, or NULL with the error. */
static char *
run_psql (SnActionContext  *context,
          const char       *sql,
          GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autoptr(SnHost) host = sn_host_new_for_action (context, error);
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(SnSshExecResult) result = NULL;
  const char *argv[] = { "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                         "-U", sn_profile_get_db_user (profile),
                         "-d", sn_profile_get_db_name (profile),
                         "-c", sql, NULL };

  if (host == NULL)
    return NULL;

  sn_await_push_private (&await);
  sn_host_compose_exec_async (host, "db", argv, sn_action_context_get_cancellable (context),
                              sn_await_callback, &await);
  result = sn_host_compose_exec_finish (host, sn_await_result (&await), error);
  sn_await_clear (&await);
  if (result == NULL)
    return NULL;

  sn_action_context_set_exit_status (context, sn_ssh_exec_result_get_exit_status (result));
  if (!sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
      g_autofree char *redacted = NULL;

      if (err != NULL)
        g_strstrip (err);
      redacted = sn_action_context_redact (context, err != NULL ? err : "");

      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("psql in the db container failed: %s"), redacted);
      return NULL;
    }

  return sn_ssh_exec_result_dup_stdout_text (result);
}

/* SQL quoting ------------------------------------------------------------- */

static char *
quote_ident (const char *name)
{
  g_autoptr(GString) out = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
quote_literal (const char *text)
{
  g_autoptr(GString) out = g_string_new ("'");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * sn_database_check_role_name:
 *
 * Returns: whether @role is a PostgreSQL role name the read-only actions
 *   use (lower-case letters, digits and _, starting with a letter)
 */
gboolean
sn_database_check_role_name (const char  *role,
                             GError     **error)
{
  if (role == NULL || !g_regex_match_simple (ROLE_PATTERN, role, 0, 0))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“%s” is not a role name to use: lower-case letters, digits and _, "
                     "starting with a letter."), role != NULL ? role : "");
      return FALSE;
    }
  return TRUE;
}

/* SCRAM-SHA-256 verifier (RFC 5802, RFC 7677) --------------------------------
 * What PostgreSQL stores for a password; sending it instead of the password
 * keeps the password off every command line, log and server process. */

static void
hmac_sha256 (const guint8 *key,
             gsize         key_len,
             const guint8 *data,
             gsize         data_len,
             guint8        out[32])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize len = 32;

  g_hmac_update (hmac, data, (gssize)data_len);
  g_hmac_get_digest (hmac, out, &len);
}

char *
sn_scram_sha256_verifier (const char  *password,
                          GError     **error)
{
  guint8 salt[16];
  guint8 block[20];
  guint8 u[32];
  guint8 salted[32];
  guint8 client_key[32];
  guint8 stored_key[32];
  guint8 server_key[32];
  gsize len = 32;
  g_autoptr(GChecksum) sha = NULL;
  g_autofree char *salt64 = NULL;
  g_autofree char *stored64 = NULL;
  g_autofree char *server64 = NULL;
  gsize pw_len;

  g_return_val_if_fail (password != NULL, NULL);

  pw_len = strlen (password);
  for (gsize i = 0; i < pw_len; i++)
    if (password[i] < 0x20 || password[i] > 0x7e)
      {
        g_set_error_literal (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                             _("Use ASCII letters, digits and punctuation in the password."));
        return NULL;
      }
  if (pw_len < 12)
    {
      g_set_error_literal (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                           _("The password needs at least 12 characters."));
      return NULL;
    }

  if (getrandom (salt, sizeof salt, 0) != (ssize_t)sizeof salt)
    {
      g_set_error_literal (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                           _("No random bytes for the password’s salt."));
      return NULL;
    }

  /* Hi(password, salt, i): PBKDF2-HMAC-SHA-256, one block */
  memcpy (block, salt, sizeof salt);
  block[16] = 0;
  block[17] = 0;
  block[18] = 0;
  block[19] = 1;
  hmac_sha256 ((const guint8 *)password, pw_len, block, sizeof block, u);
  memcpy (salted, u, sizeof u);
  for (guint i = 1; i < SCRAM_ITERATIONS; i++)
    {
      hmac_sha256 ((const guint8 *)password, pw_len, u, sizeof u, u);
      for (guint j = 0; j < sizeof salted; j++)
        salted[j] ^= u[j];
    }

  hmac_sha256 (salted, sizeof salted, (const guint8 *)"Client Key", 10, client_key);
  hmac_sha256 (salted, sizeof salted, (const guint8 *)"Server Key", 10, server_key);
  sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sha, client_key, sizeof client_key);
  g_checksum_get_digest (sha, stored_key, &len);

  salt64 = g_base64_encode (salt, sizeof salt);
  stored64 = g_base64_encode (stored_key, sizeof stored_key);
  server64 = g_base64_encode (server_key, sizeof server_key);
  memset (salted, 0, sizeof salted);
  memset (u, 0, sizeof u);

  return g_strdup_printf ("SCRAM-SHA-256$%d:%s$%s:%s", SCRAM_ITERATIONS, salt64, stored64, server64);
}

/* db.readonly-role.ensure --------------------------------------------------
 *
 * args: { "role": "direction_ro", "password": "${password}" }
 * outputs: created = "yes" | "no"
 */

static gboolean
role_check (JsonObject  *args,
            GError     **error)
{
  return sn_action_args_get_string (args, "role", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "password", TRUE, error) != NULL;
}

static char *
role_describe (SnActionContext *context,
               JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);

  return g_strdup_printf (_("In the db container, as %s: create or update the role %s (LOGIN, "
                            "password set from its SCRAM verifier, SELECT on every table of "
                            "schema public, now and later, default_transaction_read_only = on)"),
                          sn_profile_get_db_user (profile),
                          json_object_get_string_member_with_default (args, "role", "?"));
}

/* CREATE ROLE if missing, then everything that makes it read-only, in one
 * transaction. No SUPERUSER/REPLICATION options: a CREATEROLE owner cannot
 * give them, and the role must not have them. */
static char *
role_sql (const char *role,
          const char *dbname,
          const char *verifier,
          gboolean    create)
{
  g_autofree char *id = quote_ident (role);
  g_autofree char *db = quote_ident (dbname);
  g_autofree char *pw = quote_literal (verifier);

  return g_strdup_printf ("%s%s%s"
                          "ALTER ROLE %s WITH LOGIN NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD %s; "
                          "ALTER ROLE %s SET default_transaction_read_only = on; "
                          "GRANT CONNECT ON DATABASE %s TO %s; "
                          "GRANT USAGE ON SCHEMA public TO %s; "
                          "GRANT SELECT ON ALL TABLES IN SCHEMA public TO %s; "
                          "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO %s;",
                          create ? "CREATE ROLE " : "", create ? id : "",
                          create ? " NOLOGIN; " : "",
                          id, pw, id, db, id, id, id, id);
}

static gboolean
role_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *role = sn_action_args_get_string (args, "role", TRUE, error);
  const char *password = role != NULL ? sn_action_args_get_string (args, "password", TRUE, error) : NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *literal = NULL;
  g_autofree char *probe = NULL;
  g_autofree char *found = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *done = NULL;
  gboolean create;

  if (password == NULL || !sn_database_check_role_name (role, error))
    return FALSE;
  if (g_strcmp0 (role, sn_profile_get_db_user (profile)) == 0)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“%s” is the profile’s own database user: choose another name for the "
                     "read-only role."), role);
      return FALSE;
    }
  if (!(verifier = sn_scram_sha256_verifier (password, error)))
    return FALSE;

  literal = quote_literal (role);
  probe = g_strdup_printf ("SELECT CASE WHEN rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication "
                           "OR rolbypassrls THEN 'powerful' ELSE 'plain' END FROM pg_roles WHERE rolname = %s",
                           literal);
  if (!(found = run_psql (context, probe, error)))
    return FALSE;
  g_strstrip (found);
  if (g_str_equal (found, "powerful"))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("The role “%s” exists and can change the server (superuser, CREATEROLE, "
                     "CREATEDB, replication or BYPASSRLS): choose another name."), role);
      return FALSE;
    }

  create = *found == '\0';
  sql = role_sql (role, sn_profile_get_db_name (profile), verifier, create);
  memset (verifier, 0, strlen (verifier));
  if (!(done = run_psql (context, sql, error)))
    return FALSE;

  sn_action_context_set_output (context, "created", create ? "yes" : "no");
  if (create)
    sn_action_context_emit (context, SN_OUTPUT_INFO,
                            _("Role %s created: it can only read the app’s tables."), role);
  else
    sn_action_context_emit (context, SN_OUTPUT_INFO,
                            _("Role %s updated: new password, read-only grants refreshed."), role);
  return TRUE;
}

static const SnActionInfo role_action = {
  .name = "db.readonly-role.ensure",
  .check = role_check,
  .describe = role_describe,
  .run = role_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

/* db.readonly-role.drop (the revert) ----------------------------------------
 *
 * args: { "role": "direction_ro", "if-created": "${steps.role.created}" }
 * Drops the role only when this run created it ("yes").
 */

static gboolean
drop_check (JsonObject  *args,
            GError     **error)
{
  return sn_action_args_get_string (args, "role", TRUE, error) != NULL;
}

static char *
drop_describe (SnActionContext *context,
               JsonObject      *args)
{
  return g_strdup_printf (_("In the db container: revoke the grants of %s and drop it, if this run created it"),
                          json_object_get_string_member_with_default (args, "role", "?"));
}

static gboolean
drop_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *role = sn_action_args_get_string (args, "role", TRUE, error);
  const char *created = json_object_get_string_member_with_default (args, "if-created", "yes");
  g_autofree char *id = NULL;
  g_autofree char *db = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *done = NULL;

  if (!sn_database_check_role_name (role, error))
    return FALSE;
  if (g_strcmp0 (created, "yes") != 0)
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO,
                              _("Role %s was there before this run: kept."), role);
      return TRUE;
    }

  id = quote_ident (role);
  db = quote_ident (sn_profile_get_db_name (profile));
  sql = g_strdup_printf ("ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM %s; "
                         "REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM %s; "
                         "REVOKE USAGE ON SCHEMA public FROM %s; "
                         "REVOKE CONNECT ON DATABASE %s FROM %s; "
                         "DROP ROLE %s;", id, id, id, db, id, id);
  if (!(done = run_psql (context, sql, error)))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Role %s dropped."), role);
  return TRUE;
}

static const SnActionInfo drop_action = {
  .name = "db.readonly-role.drop",
  .check = drop_check,
  .describe = drop_describe,
  .run = drop_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

/**
 * sn_database_actions_register:
 *
 * Registers `db.query` { "sql": "SELECT 1" }, and `db.readonly-role.ensure`
 * and its revert `db.readonly-role.drop`.
 */
void
sn_database_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&query_action);
      sn_action_register (&role_action);
      sn_action_register (&drop_action);
      g_once_init_leave (&initialized, 1);
    }
}
