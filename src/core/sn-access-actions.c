/* sn-access-actions.c: the actions of "Set up read-only access for the direction"
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-access-actions"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>

#include "sn-access-actions.h"
#include "sn-action.h"
#include "sn-database-connector.h"
#include "sn-await.h"
#include "sn-host.h"

/*
 * A read-only profile is only as strong as its credentials (issue 13). These
 * actions give the direction credentials that cannot change the server:
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
#define KEY_PATTERN  "^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|" \
                     "sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}( [A-Za-z0-9@._+-]*)?$"
#define SCRAM_ITERATIONS 4096

/* Running on the host ----------------------------------------------------- */

static SnHost *
get_host (SnActionContext  *context,
          GError          **error)
{
  SnSshSession *session = sn_action_context_get_service (context, "ssh");

  if (session == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_UNAVAILABLE,
                   _("Not connected to the host of “%s”: connect first."),
                   sn_profile_get_name (sn_action_context_get_profile (context)));
      return NULL;
    }
  return sn_host_new (session, NULL);
}

/* psql in the db container as the profile's database user; @sql as one -c
 * (one implicit transaction). Returns its stdout, or NULL with the error. */
static char *
run_psql (SnActionContext  *context,
          const char       *sql,
          GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autoptr(SnHost) host = get_host (context, error);
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

static gboolean
check_role_name (const char  *role,
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

  if (password == NULL || !check_role_name (role, error))
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

  if (!check_role_name (role, error))
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

/* host.ssh.add-tunnel-key / host.ssh.remove-tunnel-key --------------------
 *
 * args: { "key": "ssh-ed25519 AAAA… name", "authorized-keys": "/root/.ssh/authorized_keys" }
 * An empty key skips the step. outputs: added = "yes" | "no"
 * remove: { "key": …, "authorized-keys": …, "if-added": "${steps.key.added}" }
 */

/**
 * sn_access_dup_tunnel_key_line:
 *
 * Returns: (transfer full): the authorized_keys line that lets @key open a
 *   tunnel to @host:@port and nothing else (any command prints
 *   %SN_TUNNEL_ONLY_MESSAGE and fails)
 */
char *
sn_access_dup_tunnel_key_line (const char *key,
                               const char *host,
                               guint       port)
{
  return g_strdup_printf ("restrict,port-forwarding,permitopen=\"%s:%u\","
                          "command=\"echo '" SN_TUNNEL_ONLY_MESSAGE "' >&2; exit 1\" %s",
                          host, port, key);
}

static char *
keys_path (SnActionContext *context,
           JsonObject      *args)
{
  const char *path = json_object_get_string_member_with_default (args, "authorized-keys", "");
  const char *user = sn_profile_get_ssh_user (sn_action_context_get_profile (context));

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  if (g_strcmp0 (user, "root") == 0)
    return g_strdup ("/root/.ssh/authorized_keys");
  return g_strdup_printf ("/home/%s/.ssh/authorized_keys", user);
}

static const char *
key_arg (JsonObject  *args,
         GError     **error)
{
  const char *key = json_object_get_string_member_with_default (args, "key", "");

  if (key == NULL || *key == '\0')
    return "";
  if (!g_regex_match_simple (KEY_PATTERN, key, 0, 0))
    {
      g_set_error_literal (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                           _("This is not one SSH public key line (“ssh-ed25519 AAAA… name”): "
                             "paste the content of the .pub file."));
      return NULL;
    }
  return key;
}

static gboolean
key_check (JsonObject  *args,
           GError     **error)
{
  const char *key = json_object_get_string_member_with_default (args, "key", "");

  /* unresolved ${key} is checked when the step runs */
  if (key != NULL && strstr (key, "${") != NULL)
    return TRUE;
  return key_arg (args, error) != NULL;
}

static char *
key_describe (SnActionContext *context,
              JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autofree char *path = keys_path (context, args);
  const char *key = json_object_get_string_member_with_default (args, "key", "");

  if (key == NULL || *key == '\0')
    return g_strdup (_("No SSH key given: authorized_keys is left as it is"));
  return g_strdup_printf (_("Add to %s a line limiting the key to a tunnel to %s:%u "
                            "(restrict, port-forwarding, permitopen, no command)"),
                          path, sn_profile_get_db_host (profile), sn_profile_get_db_port (profile));
}

/* Reads @path on the host; a missing file reads as empty. */
static GBytes *
read_keys (SnHost        *host,
           SnActionContext *context,
           const char    *path,
           GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  sn_await_push_private (&await);
  sn_host_read_file_async (host, path, sn_action_context_get_cancellable (context),
                           sn_await_callback, &await);
  bytes = sn_host_read_file_finish (host, sn_await_result (&await), &local_error);
  sn_await_clear (&await);

  if (bytes == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_bytes_new (NULL, 0);
  if (bytes == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return bytes;
}

static gboolean
write_keys (SnHost          *host,
            SnActionContext *context,
            const char      *path,
            const char      *text,
            GError         **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  sn_await_push_private (&await);
  sn_host_replace_file_async (host, path, bytes, 0600, sn_action_context_get_cancellable (context),
                              sn_await_callback, &await);
  return sn_host_replace_file_finish (host, sn_await_result (&await), NULL, error);
}

/* The lines of @bytes, without @drop (when given). */
static GString *
keys_without (GBytes     *bytes,
              const char *drop,
              gboolean   *found)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  *found = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (drop != NULL && g_str_equal (lines[i], drop))
        {
          *found = TRUE;
          continue;
        }
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      g_string_append_printf (out, "%s\n", lines[i]);
    }
  return out;
}

static gboolean
key_add_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *key = key_arg (args, error);
  g_autofree char *path = keys_path (context, args);
  g_autofree char *line = NULL;
  g_autoptr(SnHost) host = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) text = NULL;
  gboolean found;

  if (key == NULL)
    return FALSE;
  if (*key == '\0')
    {
      sn_action_context_set_output (context, "added", "no");
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("No SSH key given: skipped."));
      return TRUE;
    }
  if (!(host = get_host (context, error)) || !(bytes = read_keys (host, context, path, error)))
    return FALSE;

  line = sn_access_dup_tunnel_key_line (key, sn_profile_get_db_host (profile),
                                        sn_profile_get_db_port (profile));
  text = keys_without (bytes, line, &found);
  if (found)
    {
      sn_action_context_set_output (context, "added", "no");
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("The key is already there, limited to the tunnel."));
      return TRUE;
    }
  g_string_append_printf (text, "%s\n", line);
  if (!write_keys (host, context, path, text->str, error))
    return FALSE;

  sn_action_context_set_output (context, "added", "yes");
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Key added to %s, limited to the database tunnel."), path);
  return TRUE;
}

static gboolean
key_remove_run (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *key = key_arg (args, error);
  const char *added = json_object_get_string_member_with_default (args, "if-added", "yes");
  g_autofree char *path = keys_path (context, args);
  g_autofree char *line = NULL;
  g_autoptr(SnHost) host = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) text = NULL;
  gboolean found;

  if (key == NULL)
    return FALSE;
  if (*key == '\0' || g_strcmp0 (added, "yes") != 0)
    return TRUE;
  if (!(host = get_host (context, error)) || !(bytes = read_keys (host, context, path, error)))
    return FALSE;

  line = sn_access_dup_tunnel_key_line (key, sn_profile_get_db_host (profile),
                                        sn_profile_get_db_port (profile));
  text = keys_without (bytes, line, &found);
  if (!found)
    return TRUE;
  if (!write_keys (host, context, path, text->str, error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Key removed from %s."), path);
  return TRUE;
}

static char *
key_remove_describe (SnActionContext *context,
                     JsonObject      *args)
{
  g_autofree char *path = keys_path (context, args);

  return g_strdup_printf (_("Remove from %s the line this run added"), path);
}

static const SnActionInfo key_add_action = {
  .name = "host.ssh.add-tunnel-key",
  .check = key_check,
  .describe = key_describe,
  .run = key_add_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

static const SnActionInfo key_remove_action = {
  .name = "host.ssh.remove-tunnel-key",
  .check = key_check,
  .describe = key_remove_describe,
  .run = key_remove_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

/* profile.export-readonly ----------------------------------------------------
 *
 * args: { "path": "/home/me/direction.json", "name": "direction", "role": "direction_ro",
 *         "ssh-key-file": "" }
 * The profile of the run with the read-only level, the role as db-user, the
 * tunnel key; no secret and no credentials file in it.
 */

static gboolean
export_check (JsonObject  *args,
              GError     **error)
{
  return sn_action_args_get_string (args, "path", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "name", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "role", TRUE, error) != NULL;
}

static char *
export_describe (SnActionContext *context,
                 JsonObject      *args)
{
  return g_strdup_printf (_("Write the read-only profile “%s” to %s (mode 0600, no secret in it)"),
                          json_object_get_string_member_with_default (args, "name", "?"),
                          json_object_get_string_member_with_default (args, "path", "?"));
}

static gboolean
export_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *name = path != NULL ? sn_action_args_get_string (args, "name", TRUE, error) : NULL;
  const char *role = name != NULL ? sn_action_args_get_string (args, "role", TRUE, error) : NULL;
  const char *key_file = json_object_get_string_member_with_default (args, "ssh-key-file", "");
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *json = NULL;

  if (role == NULL || !check_role_name (role, error))
    return FALSE;
  if (!g_path_is_absolute (path))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“%s” is not an absolute path: give the full path of the file to write."), path);
      return FALSE;
    }

  profile = sn_profile_copy (sn_action_context_get_profile (context));
  g_object_set (profile,
                "name", name,
                "safety-level", SN_SAFETY_LEVEL_READ_ONLY,
                "db-user", role,
                "ssh-key-file", key_file != NULL ? key_file : "",
                "credentials-file", "",
                NULL);
  node = sn_profile_to_json (profile);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);

  /* A cancel asked for while this step ran means no file (the run reverts). */
  if (g_cancellable_set_error_if_cancelled (sn_action_context_get_cancellable (context), error))
    return FALSE;
  if (!g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  sn_action_context_set_output (context, "path", path);
  sn_action_context_emit (context, SN_OUTPUT_INFO,
                          _("Read-only profile written to %s. Give it with the role’s password, "
                            "separately, and the private SSH key."), path);
  return TRUE;
}

static const SnActionInfo export_action = {
  .name = "profile.export-readonly",
  .check = export_check,
  .describe = export_describe,
  .run = export_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

void
sn_access_actions_register (void)
{
  sn_action_register (&role_action);
  sn_action_register (&drop_action);
  sn_action_register (&key_add_action);
  sn_action_register (&key_remove_action);
  sn_action_register (&export_action);
}
