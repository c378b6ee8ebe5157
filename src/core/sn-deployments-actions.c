/* sn-deployments-actions.c: the runbook actions deploy.* (release, deploy, rollback)
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
 * Each action is one call of SnDeployService over the run's SnHost; its
 * describe() shows the command built by the same function that run() runs
 * (sn_deploy_command_*()), so the plan is what runs. The service checks the
 * profile's level again in core.
 *
 *   deploy.fetch    {}                     git fetch --all --tags          change
 *   deploy.checkout { "ref": "v1.0.7" }    git checkout tags/v1.0.7        change
 *                   publishes ${steps.ID.previous}: the ref HEAD was on, and
 *                   ${steps.ID.previous-tag}: the release tag on it, if any
 *   deploy.build    {}                     compose up -d --build app       destroy
 *   deploy.rebuild  { "ref": … }           checkout + up -d --build app,   destroy
 *                                          then waits for the site to answer
 *   deploy.migrate  {}                     prisma migrate deploy (app;     destroy
 *                                          else node:22 fallback)
 *   deploy.verify   { "tag": "v1.0.7" }    the site answers; version       read
 *                   (without a tag: only says what runs, even a site down)
 *                   publishes ${steps.ID.tag} (the tag checked out) and version
 *   deploy.release  { "tag", "commit" }    GitHub: tag, follow the run     destroy
 *   deploy.prune    { "enabled": "yes" }   docker image prune -f           change
 *   deploy.migrations  { "failed": NAME }  lists _prisma_migrations; with    read
 *                      "failed", fails unless NAME is recorded as failed
 *   deploy.inverse-sql { "name", "sql" }   psql --single-transaction       destroy (admin)
 *   deploy.resolve     { "name" }          prisma migrate resolve          destroy
 *                                          --rolled-back NAME
 */

static SnDeployService *
get_service (SnActionContext  *context,
             GError          **error)
{
  g_autoptr(SnHost) host = sn_host_for_action (context, error);

  if (host == NULL)
    return NULL;
  return sn_deploy_service_new (sn_action_context_get_profile (context), host);
}

static void
on_line (const char *line,
         gboolean    is_stderr,
         gpointer    user_data)
{
  sn_action_context_emit (user_data, is_stderr ? SN_OUTPUT_STDERR : SN_OUTPUT_STDOUT, "%s", line);
}

static char *
ssh_form (SnActionContext *context,
          char            *command)
{
  g_autofree char *owned = command;

  return sn_host_command_describe (sn_action_context_get_profile (context), owned);
}

static gboolean
ref_check (JsonObject  *args,
           GError     **error)
{
  return sn_action_args_get_string (args, "ref", TRUE, error) != NULL;
}

static gboolean
tag_check (JsonObject  *args,
           GError     **error)
{
  const char *tag = sn_action_args_get_string (args, "tag", TRUE, error);

  if (tag == NULL)
    return FALSE;
  /* a ${parameter} is checked when it is resolved */
  return strstr (tag, "${") != NULL || sn_deploy_tag_is_valid (tag, error);
}

/* deploy.fetch ------------------------------------------------------------- */

static char *
fetch_describe (SnActionContext *context,
                JsonObject      *args)
{
  return ssh_form (context, sn_deploy_command_fetch (sn_action_context_get_profile (context)));
}

static gboolean
fetch_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);

  return service != NULL &&
         sn_deploy_service_fetch_sync (service, on_line, context,
                                       sn_action_context_get_cancellable (context), error);
}

static const SnActionInfo fetch_action = {
  .name = "deploy.fetch",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = fetch_describe,
  .run = fetch_run,
};

/* deploy.checkout ------------------------------------------------------------ */

static char *
checkout_describe (SnActionContext *context,
                   JsonObject      *args)
{
  const char *ref = json_object_get_string_member_with_default (args, "ref", "");

  return ssh_form (context, sn_deploy_command_checkout (sn_action_context_get_profile (context), ref));
}

static char *
checkout_impact (SnActionContext  *context,
                 JsonObject       *args,
                 GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);
  g_autofree char *current = NULL;

  if (service == NULL ||
      (current = sn_deploy_service_dup_current_ref (service, sn_action_context_get_cancellable (context),
                                                    error)) == NULL)
    return NULL;
  return g_strdup_printf (_("Moves the server’s checkout from %s to %s. The site keeps running the "
                            "old code until the app is rebuilt."),
                          current, json_object_get_string_member_with_default (args, "ref", ""));
}

static gboolean
checkout_run (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);
  const char *ref = json_object_get_string_member_with_default (args, "ref", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  g_autofree char *previous = NULL;
  g_autofree char *previous_tag = NULL;
  g_autoptr(GError) tag_error = NULL;

  if (service == NULL ||
      (previous = sn_deploy_service_dup_current_ref (service, cancellable, error)) == NULL)
    return FALSE;
  /* The version to offer going back to if what follows fails. */
  previous_tag = sn_deploy_service_dup_head_tag (service, cancellable, &tag_error);

  if (!sn_deploy_service_checkout_sync (service, ref, on_line, context, cancellable, error))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_INFO, _("The checkout was on %s, it is now on %s."), previous, ref);
  sn_action_context_set_output (context, "previous", previous);
  if (previous_tag != NULL)
    sn_action_context_set_output (context, "previous-tag", previous_tag);
  return TRUE;
}

static const SnActionInfo checkout_action = {
  .name = "deploy.checkout",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = ref_check,
  .describe = checkout_describe,
  .impact = checkout_impact,
  .run = checkout_run,
};

/* deploy.build and deploy.rebuild ------------------------------------------ */

static char *
build_describe (SnActionContext *context,
                JsonObject      *args)
{
  return ssh_form (context, sn_deploy_command_build (sn_action_context_get_profile (context)));
}

static char *
build_impact (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  return g_strdup (_("Builds the app image from the checked-out code on the server (CPU and disk "
                     "heavy for a few minutes), then recreates the app container: a few seconds "
                     "without service."));
}

static gboolean
build_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);

  return service != NULL &&
         sn_deploy_service_build_sync (service, on_line, context,
                                       sn_action_context_get_cancellable (context), error);
}

static const SnActionInfo build_action = {
  .name = "deploy.build",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = build_describe,
  .impact = build_impact,
  .run = build_run,
};

static char *
rebuild_describe (SnActionContext *context,
                  JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *ref = json_object_get_string_member_with_default (args, "ref", "");
  g_autofree char *checkout = ssh_form (context, sn_deploy_command_checkout (profile, ref));
  g_autofree char *build = ssh_form (context, sn_deploy_command_build (profile));

  return g_strdup_printf ("%s && %s", checkout, build);
}

static gboolean
wait_site_answers (SnActionContext  *context,
                   SnDeployService  *service,
                   const char       *ref,
                   GError          **error)
{
  g_autoptr(SnDeployStatus) status = NULL;
  GError *local_error = NULL;

  if (sn_deploy_service_wait_site_sync (service, sn_action_context_get_cancellable (context), &status,
                                        &local_error))
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("The site answers again, version %s."),
                              sn_deploy_status_get_health_version (status) != NULL
                              ? sn_deploy_status_get_health_version (status) : "?");
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
               _("The app was rebuilt at %s but the site does not answer."), ref);
  return FALSE;
}

static gboolean
rebuild_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);
  const char *ref = json_object_get_string_member_with_default (args, "ref", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);

  if (service == NULL || !sn_deploy_service_checkout_sync (service, ref, on_line, context, cancellable, error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Rebuilding the app at %s."), ref);
  if (!sn_deploy_service_build_sync (service, on_line, context, cancellable, error))
    return FALSE;
  /* Put back is not enough: the version put back must answer. */
  return wait_site_answers (context, service, ref, error);
}

static const SnActionInfo rebuild_action = {
  .name = "deploy.rebuild",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = ref_check,
  .describe = rebuild_describe,
  .impact = build_impact,
  .run = rebuild_run,
};

/* deploy.migrate ----------------------------------------------------------- */

static char *
migrate_describe (SnActionContext *context,
                  JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autofree char *command = ssh_form (context, sn_deploy_command_migrate (profile));
  g_autofree char *fallback = ssh_form (context, sn_deploy_command_migrate_fallback (profile));

  /* Translators: the first %s runs in the app container; the second, the workflow's fallback */
  return g_strdup_printf (_("%s\n(if prisma cannot run in the app container: %s)"), command, fallback);
}

static char *
migrate_impact (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  return g_strdup (_("Applies the checked-out code’s pending database migrations. Prisma migrations "
                     "only go forward: going back to an older version later leaves the schema at "
                     "the newer migration."));
}

static gboolean
migrate_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);

  return service != NULL &&
         sn_deploy_service_migrate_sync (service, on_line, context,
                                         sn_action_context_get_cancellable (context), error);
}

static const SnActionInfo migrate_action = {
  .name = "deploy.migrate",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = migrate_describe,
  .impact = migrate_impact,
  .run = migrate_run,
};

/* deploy.verify -------------------------------------------------------------- */

static char *
verify_describe (SnActionContext *context,
                 JsonObject      *args)
{
  g_autofree char *url = sn_profile_dup_health_url (sn_action_context_get_profile (context), FALSE);

  return g_strdup_printf (_("git tag --points-at HEAD; curl -s -H \"X-API-Key: $MONITORING_API_KEY\" %s "
                            "(the version must be %s)"),
                          url, json_object_get_string_member_with_default (args, "tag", ""));
}

static gboolean
verify_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);
  g_autoptr(SnDeployStatus) status = NULL;
  const char *tag = json_object_get_string_member_with_default (args, "tag", NULL);
  const char *version;
  const char * const *warnings;

  if (service == NULL ||
      (status = sn_deploy_service_status_sync (service, sn_action_context_get_cancellable (context),
                                               error)) == NULL)
    return FALSE;

  version = sn_deploy_status_get_health_version (status);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Checkout: %s (%.7s); site: %s, version %s"),
                          sn_deploy_status_get_tag (status) != NULL ? sn_deploy_status_get_tag (status) : "—",
                          sn_deploy_status_get_commit (status),
                          sn_deploy_status_get_health_state (status) != NULL
                          ? sn_deploy_status_get_health_state (status) : "?",
                          version != NULL ? version : "?");
  warnings = sn_deploy_status_get_warnings (status);
  for (guint i = 0; warnings[i] != NULL; i++)
    sn_action_context_emit (context, SN_OUTPUT_INFO, "%s", warnings[i]);
  if (version != NULL)
    sn_action_context_set_output (context, "version", version);
  if (sn_deploy_status_get_tag (status) != NULL)
    sn_action_context_set_output (context, "tag", sn_deploy_status_get_tag (status));

  /* Without a tag it only says what runs now: a release that fixes a site
   * that is down must still be possible. */
  if (!sn_deploy_status_get_site_answers (status) && tag == NULL)
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("The site does not answer right now."));
      return TRUE;
    }
  if (!sn_deploy_status_get_site_answers (status))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("The site does not answer after the deploy of %s."), tag);
      return FALSE;
    }
  if (tag != NULL && g_strcmp0 (sn_deploy_status_get_tag (status), tag) != 0)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("The server’s checkout is not on %s."), tag);
      return FALSE;
    }
  return TRUE;
}

static const SnActionInfo verify_action = {
  .name = "deploy.verify",
  .risk = sn_action_risk_read,
  .describe = verify_describe,
  .run = verify_run,
};

/* deploy.release ------------------------------------------------------------- */

static char *
release_describe (SnActionContext *context,
                  JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *commit = json_object_get_string_member_with_default (args, "commit", "");

  return g_strdup_printf ("curl -X POST -H \"Authorization: Bearer $GITHUB_TOKEN\" %s/repos/%s/git/refs "
                          "-d '{\"ref\": \"refs/tags/%s\", \"sha\": \"%s\"}'",
                          sn_profile_get_github_api_url (profile), sn_profile_get_github_repo (profile),
                          json_object_get_string_member_with_default (args, "tag", ""),
                          commit != NULL && *commit != '\0' ? commit : _("<head of the default branch>"));
}

static char *
release_impact (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  return g_strdup_printf (_("Creates the tag %s on GitHub: the “Deploy to Production” workflow then "
                            "deploys it to the server (rebuild of the app, migrations). Then follows "
                            "that run until it ends."),
                          json_object_get_string_member_with_default (args, "tag", ""));
}

typedef struct
{
  SnActionContext *context;
  char            *last_status;
  guint            n_steps;
} Follow;

static void
on_run (SnDeployRun *run,
        gpointer     user_data)
{
  Follow *follow = user_data;
  const char * const *steps = sn_deploy_run_get_steps (run);
  guint n = g_strv_length ((char **)steps);

  if (g_strcmp0 (follow->last_status, sn_deploy_run_get_status (run)) != 0)
    {
      g_autofree char *state = sn_deploy_run_dup_state_text (run);

      sn_action_context_emit (follow->context, SN_OUTPUT_INFO, _("Workflow run: %s — %s"), state,
                              sn_deploy_run_get_url (run));
      g_free (follow->last_status);
      follow->last_status = g_strdup (sn_deploy_run_get_status (run));
    }
  /* the steps that ended since the last poll, in order */
  for (guint i = follow->n_steps; i < n; i++)
    {
      if (g_str_has_suffix (steps[i], ": queued") || g_str_has_suffix (steps[i], ": in_progress"))
        break;
      sn_action_context_emit (follow->context, SN_OUTPUT_STDOUT, "%s", steps[i]);
      follow->n_steps = i + 1;
    }
}

static gboolean
release_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);
  const char *tag = json_object_get_string_member_with_default (args, "tag", NULL);
  const char *commit = json_object_get_string_member_with_default (args, "commit", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  g_autofree char *sha = NULL;
  g_autoptr(SnDeployRun) run = NULL;
  guint timeout = sn_action_context_get_timeout (context);
  Follow follow = { context, NULL, 0 };

  if (service == NULL)
    return FALSE;
  if ((sha = sn_deploy_service_create_release_sync (service, tag, commit != NULL && *commit != '\0' ? commit : NULL,
                                                    cancellable, error)) == NULL)
    return FALSE;
  /* From here on, a failure leaves the server changed: GitHub deploys the tag. */
  sn_action_context_set_changed (context);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Tag %s created on commit %.7s."), tag, sha);
  sn_action_context_set_output (context, "commit", sha);

  run = sn_deploy_service_follow_run_sync (service, tag, timeout > 0 ? timeout : 3600, on_run, &follow,
                                           cancellable, error);
  g_free (follow.last_status);
  if (run == NULL)
    return FALSE;

  sn_action_context_set_output (context, "run-url", sn_deploy_run_get_url (run));
  if (!sn_deploy_run_succeeded (run))
    {
      g_autofree char *state = sn_deploy_run_dup_state_text (run);

      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   _("The deploy run of %s ended: %s (%s). Check the site; if it is broken, roll "
                     "back to the previous tag (runbook “Roll back to an earlier version”)."),
                   tag, state, sn_deploy_run_get_url (run));
      return FALSE;
    }
  return TRUE;
}

static const SnActionInfo release_action = {
  .name = "deploy.release",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = tag_check,
  .describe = release_describe,
  .impact = release_impact,
  .run = release_run,
};

/* deploy.prune ------------------------------------------------------------- */

static gboolean
prune_wanted (JsonObject *args)
{
  const char *enabled = json_object_get_string_member_with_default (args, "enabled", "no");

  return g_strcmp0 (enabled, "yes") == 0;
}

static char *
prune_describe (SnActionContext *context,
                JsonObject      *args)
{
  if (!prune_wanted (args))
    return g_strdup (_("(not asked: nothing runs)"));
  return ssh_form (context, sn_deploy_command_prune (sn_action_context_get_profile (context)));
}

static gboolean
prune_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autoptr(SnSshExecResult) result = NULL;
  g_autofree char *command = NULL;
  g_autoptr(SnHost) host = NULL;

  if (!prune_wanted (args))
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("Old images kept (not asked)."));
      return TRUE;
    }
  if (!sn_profile_check_level (sn_action_context_get_profile (context), SN_SAFETY_LEVEL_OPERATOR,
                               _("delete unused Docker images"), error) ||
      (host = sn_host_for_action (context, error)) == NULL)
    return FALSE;

  command = sn_deploy_command_prune (sn_action_context_get_profile (context));
  result = sn_host_exec_sync (host, "deploy.prune", command, command, 600 * 1000, NULL, NULL,
                              sn_action_context_get_cancellable (context), error);
  if (result == NULL)
    return FALSE;
  if (!sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);

      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED, _("docker image prune failed: %s"),
                   g_strstrip (err));
      return FALSE;
    }
  {
    g_autofree char *out = sn_ssh_exec_result_dup_stdout_text (result);

    sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", g_strstrip (out));
  }
  return TRUE;
}

static const SnActionInfo prune_action = {
  .name = "deploy.prune",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = prune_describe,
  .run = prune_run,
};

/* deploy.migrations ---------------------------------------------------------- */

static char *
migrations_describe (SnActionContext *context,
                     JsonObject      *args)
{
  return ssh_form (context, sn_deploy_command_migrations (sn_action_context_get_profile (context)));
}

static gboolean
migrations_run (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);
  const char *failed = json_object_get_string_member_with_default (args, "failed", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  g_autoptr(GListModel) list = NULL;

  if (service == NULL || (list = sn_deploy_service_list_migrations_sync (service, cancellable, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(SnDeployMigration) row = g_list_model_get_item (list, i);

      sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%-60s %-12s %s",
                              sn_deploy_migration_get_name (row),
                              sn_deploy_migration_state_to_label (sn_deploy_migration_get_state (row)),
                              sn_deploy_migration_get_started (row) != NULL ? sn_deploy_migration_get_started (row) : "");
      if (sn_deploy_migration_get_state (row) == SN_MIGRATION_FAILED && sn_deploy_migration_get_logs (row) != NULL)
        sn_action_context_emit (context, SN_OUTPUT_INFO, _("  its log: %s"), sn_deploy_migration_get_logs (row));
    }

  if (failed != NULL && *failed != '\0')
    return sn_deploy_service_check_failed_migration_sync (service, failed, cancellable, error);
  return TRUE;
}

static const SnActionInfo migrations_action = {
  .name = "deploy.migrations",
  .risk = sn_action_risk_read,
  .describe = migrations_describe,
  .run = migrations_run,
};

/* deploy.inverse-sql ---------------------------------------------------------- */

static gboolean
inverse_check (JsonObject  *args,
               GError     **error)
{
  return sn_action_args_get_string (args, "name", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "sql", TRUE, error) != NULL;
}

static char *
inverse_describe (SnActionContext *context,
                  JsonObject      *args)
{
  return ssh_form (context, sn_deploy_command_inverse_sql (sn_action_context_get_profile (context),
                                                           json_object_get_string_member_with_default (args, "sql", "")));
}

static char *
inverse_impact (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  return g_strdup_printf (_("Runs the SQL above on the live database, in one transaction, to undo what the "
                            "failed migration %s left: all of it or, on any error, none of it."),
                          json_object_get_string_member_with_default (args, "name", ""));
}

static gboolean
inverse_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);

  return service != NULL &&
         sn_deploy_service_run_inverse_sql_sync (service, json_object_get_string_member (args, "name"),
                                                 json_object_get_string_member (args, "sql"), on_line, context,
                                                 sn_action_context_get_cancellable (context), error);
}

static const SnActionInfo inverse_action = {
  .name = "deploy.inverse-sql",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
  .check = inverse_check,
  .describe = inverse_describe,
  .impact = inverse_impact,
  .run = inverse_run,
};

/* deploy.resolve ---------------------------------------------------------------- */

static gboolean
name_check (JsonObject  *args,
            GError     **error)
{
  return sn_action_args_get_string (args, "name", TRUE, error) != NULL;
}

static char *
resolve_describe (SnActionContext *context,
                  JsonObject      *args)
{
  return ssh_form (context, sn_deploy_command_resolve (sn_action_context_get_profile (context),
                                                       json_object_get_string_member_with_default (args, "name", "")));
}

static gboolean
resolve_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnDeployService) service = get_service (context, error);

  return service != NULL &&
         sn_deploy_service_resolve_rolled_back_sync (service, json_object_get_string_member (args, "name"),
                                                     on_line, context,
                                                     sn_action_context_get_cancellable (context), error);
}

static const SnActionInfo resolve_action = {
  .name = "deploy.resolve",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = name_check,
  .describe = resolve_describe,
  .run = resolve_run,
};

/* The rollback to offer ---------------------------------------------------------- */

static gboolean
step_ran (SnRunner   *runner,
          const char *id)
{
  GListModel *steps = sn_runner_get_steps (runner);

  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);
      SnStepState state = sn_step_run_get_state (step);

      if (g_strcmp0 (sn_step_run_get_id (step), id) == 0)
        return state != SN_STEP_STATE_PENDING && state != SN_STEP_STATE_SKIPPED;
    }
  return FALSE;
}

/**
 * sn_deploy_dup_rollback_tag:
 * @runner: a run of the runbook release, deploy or rollback that ended
 *
 * A release whose workflow run failed, or whose site does not answer after
 * it, may leave the new code half deployed: the tag deployed before the run
 * (step "before") is offered. A manual deploy or rollback undoes itself when
 * it fails (its build step's revert rebuilds the previous version and waits
 * for the site): the rollback is offered only when that undo failed too, to
 * the tag that was checked out before (step "checkout").
 *
 * Returns: (transfer full) (nullable): the tag to go back to
 */
char *
sn_deploy_dup_rollback_tag (SnRunner *runner)
{
  const char *id;
  SnRunOutcome outcome;
  g_autofree char *previous = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (SN_IS_RUNNER (runner), NULL);

  id = sn_runbook_get_id (sn_runner_get_runbook (runner));
  outcome = sn_runner_get_outcome (runner);
  if (outcome != SN_RUN_OUTCOME_FAILED && outcome != SN_RUN_OUTCOME_FAILED_REVERTED)
    return NULL;

  if (g_strcmp0 (id, "release") == 0)
    {
      g_autofree char *commit = sn_runner_dup_value (runner, "steps.release.commit");

      /* no tag created: GitHub deployed nothing */
      if (commit == NULL)
        return NULL;
      previous = sn_runner_dup_value (runner, "steps.before.tag");
    }
  else if (g_strcmp0 (id, "deploy") == 0 || g_strcmp0 (id, "rollback") == 0)
    {
      if (outcome != SN_RUN_OUTCOME_FAILED || !step_ran (runner, "build"))
        return NULL;
      previous = sn_runner_dup_value (runner, "steps.checkout.previous-tag");
    }
  else
    return NULL;

  target = sn_runner_dup_value (runner, "tag");
  if (previous == NULL || !sn_deploy_tag_is_valid (previous, NULL) || g_strcmp0 (previous, target) == 0)
    return NULL;
  return g_steal_pointer (&previous);
}

void
sn_deploy_register_actions (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&fetch_action);
      sn_action_register (&checkout_action);
      sn_action_register (&build_action);
      sn_action_register (&rebuild_action);
      sn_action_register (&migrate_action);
      sn_action_register (&verify_action);
      sn_action_register (&release_action);
      sn_action_register (&prune_action);
      sn_action_register (&migrations_action);
      sn_action_register (&inverse_action);
      sn_action_register (&resolve_action);
      g_once_init_leave (&initialized, 1);
    }
}
