/* sn-database-actions.c: the runbook action db.query
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-actions"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-actions-builtin.h"
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

/**
 * sn_database_actions_register:
 *
 * Registers `db.query` { "sql": "SELECT 1" }.
 */
void
sn_database_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&query_action);
      g_once_init_leave (&initialized, 1);
    }
}
