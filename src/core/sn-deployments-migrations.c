/* sn-deployments-migrations.c: Prisma's migration records and the migration rollback
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-deploy"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-deployments-private.h"

/*
 * Runbook §2.4 by hand: back up, find the migration, run hand-written inverse
 * SQL, `prisma migrate resolve --rolled-back NAME`. What Prisma really
 * allows (target-system.md §5.5): resolve --rolled-back only for a migration
 * recorded as failed (finished_at NULL, rolled_back_at NULL); a migration
 * that was applied successfully cannot be marked so. The inverse SQL runs in
 * one transaction (psql -1): an error in it changes nothing.
 */

#define SQL_TIMEOUT_MS (15 * 60 * 1000)

struct _SnDeployMigration
{
  GObject           parent_instance;
  char             *name;
  char             *started;
  char             *finished;
  char             *rolled_back;
  char             *logs;
  SnMigrationState  state;
};

G_DEFINE_FINAL_TYPE (SnDeployMigration, sn_deploy_migration, G_TYPE_OBJECT)

static void
sn_deploy_migration_finalize (GObject *object)
{
  SnDeployMigration *self = SN_DEPLOY_MIGRATION (object);

  g_free (self->name);
  g_free (self->started);
  g_free (self->finished);
  g_free (self->rolled_back);
  g_free (self->logs);
  G_OBJECT_CLASS (sn_deploy_migration_parent_class)->finalize (object);
}

static void
sn_deploy_migration_class_init (SnDeployMigrationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_deploy_migration_finalize;
}

static void
sn_deploy_migration_init (SnDeployMigration *self)
{
}

const char *sn_deploy_migration_get_name (SnDeployMigration *self) { return self->name; }
SnMigrationState sn_deploy_migration_get_state (SnDeployMigration *self) { return self->state; }
const char *sn_deploy_migration_get_started (SnDeployMigration *self) { return self->started; }
const char *sn_deploy_migration_get_finished (SnDeployMigration *self) { return self->finished; }
const char *sn_deploy_migration_get_rolled_back (SnDeployMigration *self) { return self->rolled_back; }
const char *sn_deploy_migration_get_logs (SnDeployMigration *self) { return self->logs; }

const char *
sn_deploy_migration_state_to_label (SnMigrationState state)
{
  switch (state)
    {
    case SN_MIGRATION_APPLIED: return _("applied");
    case SN_MIGRATION_FAILED: return _("FAILED");
    case SN_MIGRATION_ROLLED_BACK: return _("rolled back");
    default: return "?";
    }
}

gboolean
sn_deploy_migration_name_is_valid (const char *name)
{
  return name != NULL && g_regex_match_simple ("^[0-9]{14}_[A-Za-z0-9_]*$", name, 0, 0);
}

gboolean
sn_deploy_check_inverse_sql (const char  *sql,
                             GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (sql != NULL ? sql : ""));

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                           _("The inverse SQL is empty: paste the statements that undo the migration."));
      return FALSE;
    }
  if (g_regex_match_simple ("(^|;)\\s*(BEGIN|COMMIT|ROLLBACK|END|ABORT|START\\s+TRANSACTION)\\b",
                            trimmed, G_REGEX_CASELESS, 0))
    {
      g_set_error_literal (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                           _("Leave BEGIN, COMMIT and ROLLBACK out of the inverse SQL: it already runs in "
                             "one transaction, which a COMMIT inside would break."));
      return FALSE;
    }
  if (g_regex_match_simple ("(^|\\n)\\s*\\\\", trimmed, 0, 0))
    {
      g_set_error_literal (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                           _("The inverse SQL holds a psql command (a line starting with “\\”): only SQL "
                             "statements are accepted."));
      return FALSE;
    }
  return TRUE;
}

GListModel *
sn_deploy_parse_migrations (const char  *json,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_DEPLOY_MIGRATION);
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json != NULL ? json : "", -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                           _("The list of migrations could not be read (not the JSON expected)."));
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      g_autoptr(SnDeployMigration) migration = NULL;

      if (row == NULL || !json_object_has_member (row, "name"))
        {
          g_set_error_literal (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                               _("A migration without a name in _prisma_migrations."));
          return NULL;
        }
      migration = g_object_new (SN_TYPE_DEPLOY_MIGRATION, NULL);
      migration->name = g_strdup (json_object_get_string_member (row, "name"));
      migration->started = g_strdup (json_object_get_string_member_with_default (row, "started", NULL));
      migration->finished = g_strdup (json_object_get_string_member_with_default (row, "finished", NULL));
      migration->rolled_back = g_strdup (json_object_get_string_member_with_default (row, "rolled_back", NULL));
      migration->logs = g_strdup (json_object_get_string_member_with_default (row, "logs", NULL));
      migration->state = migration->rolled_back != NULL ? SN_MIGRATION_ROLLED_BACK
                         : migration->finished != NULL ? SN_MIGRATION_APPLIED : SN_MIGRATION_FAILED;
      g_list_store_append (store, migration);
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* Commands ------------------------------------------------------------------- */

char *
sn_deploy_command_migrations (SnProfile *profile)
{
  static const char * const options[] = { "-A", "-t", "-q", NULL };
  static const char * const commands[] = {
    "SELECT coalesce(json_agg(json_build_object('name', migration_name, 'started', started_at, "
    "'finished', finished_at, 'rolled_back', rolled_back_at, 'logs', logs) "
    "ORDER BY started_at, migration_name), '[]') FROM \"_prisma_migrations\"",
    NULL
  };

  return sn_host_command_psql (profile, NULL, NULL, options, commands);
}

char *
sn_deploy_command_inverse_sql (SnProfile  *profile,
                               const char *sql)
{
  static const char * const options[] = { "--single-transaction", NULL };
  const char * const commands[] = { sql, NULL };

  return sn_host_command_psql (profile, NULL, NULL, options, commands);
}

char *
sn_deploy_command_resolve (SnProfile  *profile,
                           const char *name)
{
  const char * const argv[] = { "exec", "-T", "app", "node_modules/.bin/prisma", "migrate", "resolve",
                                "--rolled-back", name, NULL };

  return sn_host_command_compose (profile, argv);
}

/* Service ------------------------------------------------------------------- */

GListModel *
sn_deploy_service_list_migrations_sync (SnDeployService  *self,
                                        GCancellable     *cancellable,
                                        GError          **error)
{
  g_autofree char *command = sn_deploy_command_migrations (sn_deploy_service_get_profile (self));
  g_autofree char *out = _sn_deploy_host_run (self, "deploy.migrations", command, SQL_TIMEOUT_MS, NULL, NULL,
                                              cancellable, error);

  if (out == NULL)
    return NULL;
  return sn_deploy_parse_migrations (g_strstrip (out), error);
}

static void
migrations_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GListModel *list = sn_deploy_service_list_migrations_sync (source_object, cancellable, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

void
sn_deploy_service_list_migrations_async (SnDeployService     *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sn_deploy_service_list_migrations_async);
  g_task_run_in_thread (task, migrations_thread);
}

GListModel *
sn_deploy_service_list_migrations_finish (SnDeployService  *self,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sn_deploy_service_check_failed_migration_sync (SnDeployService  *self,
                                               const char       *name,
                                               GCancellable     *cancellable,
                                               GError          **error)
{
  g_autoptr(GListModel) list = NULL;
  g_autoptr(SnDeployMigration) last = NULL;

  if (!sn_deploy_migration_name_is_valid (name))
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                   _("“%s” is not a migration name (YYYYMMDDHHMMSS_name, as in prisma/migrations)."),
                   name != NULL ? name : "");
      return FALSE;
    }
  if ((list = sn_deploy_service_list_migrations_sync (self, cancellable, error)) == NULL)
    return FALSE;

  /* the last attempt of @name says its state */
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(SnDeployMigration) row = g_list_model_get_item (list, i);

      if (g_strcmp0 (row->name, name) == 0)
        g_set_object (&last, row);
    }

  if (last == NULL)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                   _("The migration %s was never run on this database: there is nothing to roll back."),
                   name);
      return FALSE;
    }
  if (last->state == SN_MIGRATION_APPLIED)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                   _("The migration %s did not fail: it was applied on %s. Prisma marks only a failed "
                     "migration as rolled back; undoing an applied one is a new forward migration, "
                     "written and released like any other change."),
                   name, last->finished);
      return FALSE;
    }
  if (last->state == SN_MIGRATION_ROLLED_BACK)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION,
                   _("The migration %s was already rolled back (on %s)."), name, last->rolled_back);
      return FALSE;
    }
  return TRUE;
}

gboolean
sn_deploy_service_run_inverse_sql_sync (SnDeployService  *self,
                                        const char       *name,
                                        const char       *sql,
                                        SnDeployLineFunc  func,
                                        gpointer          func_data,
                                        GCancellable     *cancellable,
                                        GError          **error)
{
  SnProfile *profile = sn_deploy_service_get_profile (self);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_ADMIN,
                               _("run hand-written SQL on the database (migration rollback)"), error) ||
      !sn_deploy_check_inverse_sql (sql, error) ||
      !sn_deploy_service_check_failed_migration_sync (self, name, cancellable, error))
    return FALSE;

  command = sn_deploy_command_inverse_sql (profile, sql);
  out = _sn_deploy_host_run (self, "deploy.inverse-sql", command, SQL_TIMEOUT_MS, func, func_data,
                             cancellable, error);
  if (out == NULL)
    g_prefix_error (error, _("The inverse SQL failed and was rolled back, the schema is unchanged: "));
  return out != NULL;
}

gboolean
sn_deploy_service_resolve_rolled_back_sync (SnDeployService  *self,
                                            const char       *name,
                                            SnDeployLineFunc  func,
                                            gpointer          func_data,
                                            GCancellable     *cancellable,
                                            GError          **error)
{
  SnProfile *profile = sn_deploy_service_get_profile (self);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR,
                               _("mark a migration as rolled back"), error) ||
      !sn_deploy_service_check_failed_migration_sync (self, name, cancellable, error))
    return FALSE;

  command = sn_deploy_command_resolve (profile, name);
  out = _sn_deploy_host_run (self, "deploy.resolve", command, SQL_TIMEOUT_MS, func, func_data,
                             cancellable, error);
  return out != NULL;
}
