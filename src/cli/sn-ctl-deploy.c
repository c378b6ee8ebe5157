/* sn-ctl-deploy.c: narcisse-ctl deploy status|tags|changelog|runs|migrations|release|manual|rollback,
 *                  release create TAG
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <glib-unix.h>

#include "sn-await.h"
#include "sn-ctl.h"
#include "sn-deployments.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

typedef struct
{
  SnProfile       *profile;
  SnSshSession    *session;
  SnHost          *host;
  SnDeployService *service;
  GCancellable    *cancellable;
  guint            sigint;
} Ctx;

static void
ctx_clear (Ctx *ctx)
{
  if (ctx->sigint != 0)
    g_source_remove (ctx->sigint);
  g_clear_object (&ctx->service);
  g_clear_object (&ctx->host);
  g_clear_object (&ctx->session);
  g_clear_object (&ctx->profile);
  g_clear_object (&ctx->cancellable);
}

static gboolean
ctx_init (Ctx   *ctx,
          SnCtl *ctl)
{
  ctx->cancellable = g_cancellable_new ();
  if (!(ctx->profile = sn_ctl_open_profile (ctl)))
    return FALSE;

  ctx->session = sn_ssh_session_new (ctx->profile, sn_secret_store_get_default ());
  ctx->host = sn_host_new (ctx->session, NULL);
  ctx->service = sn_deploy_service_new (ctx->profile, ctx->host);
  ctx->sigint = sn_ctl_cancel_on_interrupt (ctx->cancellable);
  return TRUE;
}

/* The sync calls run in a worker thread while this one serves Ctrl-C
 * (SnAwait iterates this thread's context). */

static int
fail (GError *error)
{
  sn_ctl_print_error (error);
  return SN_CTL_EXIT_FAILURE;
}

static GListModel *
load_tags (Ctx      *ctx,
           GError  **error)
{
  /* Fetching changes the checkout's refs: only when the profile may. */
  gboolean fetch = sn_profile_get_safety_level (ctx->profile) >= SN_SAFETY_LEVEL_OPERATOR;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  GListModel *tags;

  sn_deploy_service_list_tags_async (ctx->service, fetch, ctx->cancellable, sn_await_callback, &await);
  tags = sn_deploy_service_list_tags_finish (ctx->service, sn_await_result (&await), error);
  return tags;
}

static SnDeployStatus *
load_status (Ctx     *ctx,
             GError **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnDeployStatus *status;

  sn_deploy_service_status_async (ctx->service, ctx->cancellable, sn_await_callback, &await);
  status = sn_deploy_service_status_finish (ctx->service, sn_await_result (&await), error);
  return status;
}

/* deploy status ---------------------------------------------------------- */

static int
deploy_status (Ctx   *ctx,
               int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnDeployStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *age = NULL;
  const char * const *warnings;
  const GOptionEntry entries[] = { { NULL } };
  int exit_status;

  context = sn_ctl_option_context_new ("deploy status", NULL,
                                       _("The version deployed: the tag checked out on the server, the "
                                         "version the site reports, the age of the app’s image. Exit "
                                         "status 1 when something does not match."),
                                       entries);
  if (!sn_ctl_parse_options (context, "deploy status", &argc, &argv, &exit_status))
    return exit_status;
  if ((status = load_status (ctx, &error)) == NULL)
    return fail (error);

  age = sn_deploy_status_dup_image_age (status);
  g_print (_("Checkout:  %s (%.7s%s%s) — %s\n"),
           sn_deploy_status_get_tag (status) != NULL ? sn_deploy_status_get_tag (status) : _("no release tag"),
           sn_deploy_status_get_commit (status),
           sn_deploy_status_get_branch (status) != NULL ? _(", branch ") : _(", detached"),
           sn_deploy_status_get_branch (status) != NULL ? sn_deploy_status_get_branch (status) : "",
           sn_deploy_status_get_subject (status));
  g_print (_("Site:      %s, version %s\n"),
           sn_deploy_status_get_health_state (status) != NULL ? sn_deploy_status_get_health_state (status) : "?",
           sn_deploy_status_get_health_version (status) != NULL ? sn_deploy_status_get_health_version (status) : "?");
  g_print (_("App image: built %s ago\n"), age != NULL ? age : "?");

  warnings = sn_deploy_status_get_warnings (status);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_print (_("Warning:   %s\n"), warnings[i]);

  return warnings[0] != NULL || !sn_deploy_status_get_site_answers (status)
         ? SN_CTL_EXIT_DEGRADED : SN_CTL_EXIT_OK;
}

/* deploy tags ---------------------------------------------------------------- */

static char **
tag_names (GListModel *tags)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (tags); i++)
    {
      g_autoptr(SnDeployCommit) tag = g_list_model_get_item (tags, i);

      g_ptr_array_add (names, g_strdup (sn_deploy_commit_get_tag (tag)));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static int
deploy_tags (Ctx   *ctx,
             int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GListModel) tags = NULL;
  g_autoptr(SnDeployStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *patch = NULL;
  g_autofree char *minor = NULL;
  g_autofree char *major = NULL;
  const GOptionEntry entries[] = { { NULL } };
  int exit_status;

  context = sn_ctl_option_context_new ("deploy tags", NULL,
                                       _("The release tags of the server’s checkout (fetched first when the "
                                         "profile may), newest first, with date and commit subject; "
                                         "* marks the one checked out."),
                                       entries);
  if (!sn_ctl_parse_options (context, "deploy tags", &argc, &argv, &exit_status))
    return exit_status;
  if ((tags = load_tags (ctx, &error)) == NULL || (status = load_status (ctx, &error)) == NULL)
    return fail (error);

  for (guint i = 0; i < g_list_model_get_n_items (tags); i++)
    {
      g_autoptr(SnDeployCommit) tag = g_list_model_get_item (tags, i);
      g_autofree char *date = sn_deploy_commit_dup_date_text (tag);

      g_print ("%s %-10s  %s  %s  %s\n",
               g_strcmp0 (sn_deploy_commit_get_tag (tag), sn_deploy_status_get_tag (status)) == 0 ? "*" : " ",
               sn_deploy_commit_get_tag (tag), date, sn_deploy_commit_get_short_hash (tag),
               sn_deploy_commit_get_subject (tag));
    }
  if (g_list_model_get_n_items (tags) == 0)
    g_print ("%s\n", _("The server’s checkout has no tag."));

  names = tag_names (tags);
  patch = sn_deploy_next_tag ((const char * const *)names, SN_DEPLOY_BUMP_PATCH);
  minor = sn_deploy_next_tag ((const char * const *)names, SN_DEPLOY_BUMP_MINOR);
  major = sn_deploy_next_tag ((const char * const *)names, SN_DEPLOY_BUMP_MAJOR);
  g_print (_("Next release: %s (fix), %s (feature), %s (major change)\n"), patch, minor, major);
  return SN_CTL_EXIT_OK;
}

/* deploy changelog ---------------------------------------------------------- */

static int
deploy_changelog (Ctx   *ctx,
                  int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnDeployStatus) status = NULL;
  g_autoptr(GListModel) log = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = { { NULL } };
  const char *from;
  const char *to;
  gboolean backwards = FALSE;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  int exit_status;

  context = sn_ctl_option_context_new ("deploy changelog", _("[FROM] TO"),
                                       _("The commits between two tags; with one tag, between the deployed "
                                         "one and it (for an older tag: what a rollback takes away)."),
                                       entries);
  if (!sn_ctl_parse_options (context, "deploy changelog", &argc, &argv, &exit_status))
    return exit_status;
  if (argc != 2 && argc != 3)
    return sn_ctl_usage_error ("deploy changelog", _("Name one or two tags"));

  if (argc == 3)
    {
      from = argv[1];
      to = argv[2];
    }
  else
    {
      if ((status = load_status (ctx, &error)) == NULL)
        return fail (error);
      if (sn_deploy_status_get_tag (status) == NULL)
        return sn_ctl_usage_error ("deploy changelog",
                                   _("The server is on no release tag: name both tags"));
      from = sn_deploy_status_get_tag (status);
      to = argv[1];
      backwards = sn_deploy_tag_compare (to, from) < 0;
      if (backwards)
        {
          to = from;
          from = argv[1];
        }
    }

  sn_deploy_service_changelog_async (ctx->service, from, to, ctx->cancellable, sn_await_callback, &await);
  log = sn_deploy_service_changelog_finish (ctx->service, sn_await_result (&await), &error);
  if (log == NULL)
    return fail (error);

  g_print (backwards ? _("Going back from %2$s to %1$s removes:\n") : _("From %s to %s:\n"), from, to);
  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(SnDeployCommit) commit = g_list_model_get_item (log, i);
      g_autofree char *date = sn_deploy_commit_dup_date_text (commit);

      g_print ("  %s  %s  %s\n", sn_deploy_commit_get_short_hash (commit), date,
               sn_deploy_commit_get_subject (commit));
    }
  if (g_list_model_get_n_items (log) == 0)
    g_print ("  %s\n", _("(no commit)"));
  return SN_CTL_EXIT_OK;
}

/* deploy runs ----------------------------------------------------------------- */

static int
deploy_runs (Ctx   *ctx,
             int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GListModel) runs = NULL;
  g_autoptr(GError) error = NULL;
  int limit = 10;
  const GOptionEntry entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("How many runs (default 10)"), N_("N") },
    { NULL }
  };
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  int exit_status;

  context = sn_ctl_option_context_new ("deploy runs", NULL,
                                       _("The recent runs of the “Deploy to Production” workflow on GitHub."),
                                       entries);
  if (!sn_ctl_parse_options (context, "deploy runs", &argc, &argv, &exit_status))
    return exit_status;
  if (limit < 1 || limit > 100)
    return sn_ctl_usage_error ("deploy runs", _("--limit must be between 1 and 100"));

  sn_deploy_service_list_runs_async (ctx->service, (guint)limit, ctx->cancellable, sn_await_callback, &await);
  runs = sn_deploy_service_list_runs_finish (ctx->service, sn_await_result (&await), &error);
  if (runs == NULL)
    return fail (error);

  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr(SnDeployRun) run = g_list_model_get_item (runs, i);
      g_autofree char *state = sn_deploy_run_dup_state_text (run);
      g_autofree char *started = sn_deploy_run_dup_started_text (run);
      g_autofree char *duration = sn_deploy_run_dup_duration_text (run);

      g_print ("%-10s  ", sn_deploy_run_get_tag (run));
      sn_ctl_print_padded (state, 12);
      g_print ("  %s  %10s  %s\n", started, duration, sn_deploy_run_get_url (run));
    }
  if (g_list_model_get_n_items (runs) == 0)
    g_print ("%s\n", _("The deploy workflow has not run yet."));
  return SN_CTL_EXIT_OK;
}

/* deploy migrations -------------------------------------------------------- */

static int
deploy_migrations (Ctx   *ctx,
                   int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = { { NULL } };
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  guint n_failed = 0;
  int exit_status;

  context = sn_ctl_option_context_new ("deploy migrations", NULL,
                                       _("The database migrations Prisma recorded, oldest first, with the "
                                         "log of a failed one. Exit status 1 when one is failed: it blocks "
                                         "every deploy’s migrations until it is rolled back "
                                         "(runbook migration-rollback)."),
                                       entries);
  if (!sn_ctl_parse_options (context, "deploy migrations", &argc, &argv, &exit_status))
    return exit_status;

  sn_deploy_service_list_migrations_async (ctx->service, ctx->cancellable, sn_await_callback, &await);
  list = sn_deploy_service_list_migrations_finish (ctx->service, sn_await_result (&await), &error);
  if (list == NULL)
    return fail (error);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(SnDeployMigration) row = g_list_model_get_item (list, i);
      SnMigrationState state = sn_deploy_migration_get_state (row);

      g_print ("%-60s  ", sn_deploy_migration_get_name (row));
      sn_ctl_print_padded (sn_deploy_migration_state_to_label (state), 12);
      g_print ("  %s\n", sn_deploy_migration_get_started (row) != NULL ? sn_deploy_migration_get_started (row) : "");
      if (state == SN_MIGRATION_FAILED)
        {
          n_failed++;
          if (sn_deploy_migration_get_logs (row) != NULL)
            g_print ("    %s\n", sn_deploy_migration_get_logs (row));
        }
    }
  return n_failed > 0 ? SN_CTL_EXIT_DEGRADED : SN_CTL_EXIT_OK;
}

/* release, manual deploy, rollback: the runbook driver ------------------- */

static int
run_builtin (Ctx                   *ctx,
             const char            *id,
             GHashTable            *params,
             const SnCtlRunOptions *options,
             SnRunner             **out_runner)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_ctl_load_runbooks ();
  SnCtlRunOptions run_options = *options;
  SnRunbook *runbook;

  if (!(runbook = sn_ctl_lookup_builtin_runbook (catalog, id)))
    return SN_CTL_EXIT_FAILURE;

  /* The driver handles Ctrl-C itself. */
  g_clear_handle_id (&ctx->sigint, g_source_remove);
  run_options.session = ctx->session;
  return sn_ctl_run_runbook (runbook, ctx->profile, params, &run_options, out_runner);
}

/* --rollback-on-failure: the rollback core offers after the failed run, with
 * the same answers (--yes, --confirm). The exit status stays the failed
 * run's unless the rollback fails too. */
static int
rollback_after_failure (Ctx                   *ctx,
                        SnRunner              *runner,
                        int                    status,
                        const SnCtlRunOptions *options)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *tag = runner != NULL ? sn_deploy_dup_rollback_tag (runner) : NULL;
  int rollback_status;

  if (tag == NULL)
    return status;
  g_print (_("\nRolling back to %s (--rollback-on-failure)…\n"), tag);
  g_hash_table_insert (params, (char *)"tag", tag);
  rollback_status = run_builtin (ctx, "rollback", params, options, NULL);
  if (rollback_status == SN_CTL_EXIT_OK)
    g_print (_("Rolled back: %s runs again. The failed run still needs a look.\n"), tag);
  return rollback_status == SN_CTL_EXIT_OK ? status : rollback_status;
}

/* The tag before the deployed one: the default target of a rollback. */
static char *
previous_tag (Ctx     *ctx,
              GError **error)
{
  g_autoptr(GListModel) tags = NULL;
  g_autoptr(SnDeployStatus) status = NULL;
  const char *current;

  if ((tags = load_tags (ctx, error)) == NULL || (status = load_status (ctx, error)) == NULL)
    return NULL;
  current = sn_deploy_status_get_tag (status);
  for (guint i = 0; i < g_list_model_get_n_items (tags); i++)
    {
      g_autoptr(SnDeployCommit) tag = g_list_model_get_item (tags, i);
      const char *name = sn_deploy_commit_get_tag (tag);

      if (sn_deploy_tag_is_valid (name, NULL) && current != NULL && sn_deploy_tag_compare (name, current) < 0)
        return g_strdup (name);
    }

  g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_NO_TAG,
               current != NULL ? _("No release older than %s: name the tag to go back to.")
                               : _("The server is on no release tag%s: name the tag to go back to."),
               current != NULL ? current : "");
  return NULL;
}

typedef enum
{
  PROCEDURE_RELEASE,
  PROCEDURE_MANUAL,
  PROCEDURE_ROLLBACK,
} Procedure;

static int
deploy_procedure (Ctx        *ctx,
                  const char *command,
                  Procedure   procedure,
                  int         argc,
                  char      **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *commit = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *next = NULL;
  g_autofree char *tag = NULL;
  gboolean prune = FALSE;
  gboolean rollback_on_failure = FALSE;
  g_autoptr(SnRunner) runner = NULL;
  SnCtlRunOptions options = { NULL };
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Show what would run, change nothing"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"), N_("NAME") },
    { "commit", 0, 0, G_OPTION_ARG_STRING, &commit, N_("release: the commit to tag (default: head of the main branch)"), N_("SHA") },
    { "next", 0, 0, G_OPTION_ARG_STRING, &next, N_("release: the next patch, minor or major version"), N_("BUMP") },
    { "prune", 0, 0, G_OPTION_ARG_NONE, &prune, N_("manual: delete unused images afterwards"), NULL },
    { "rollback-on-failure", 0, 0, G_OPTION_ARG_NONE, &rollback_on_failure,
      N_("If the run fails once the server was changed, roll back to the version that ran before"), NULL },
    { NULL }
  };
  static const char * const summaries[] = {
    N_("Create the tag on GitHub, which starts the deploy workflow, and follow the run. "
       "Exit status: 0 deployed, 1 or 2 failed, 3 refused."),
    N_("Deploy a tag by hand the way the workflow does (fetch, checkout of the tag, safety backup, "
       "up -d --build app, prisma migrate deploy, health): for when GitHub Actions is down. Not the "
       "runbook’s git pull / compose pull, which do not work on this server."),
    N_("Go back to an earlier tag (default: the one before the deployed one): the same path as a "
       "deploy; the database schema stays at the newer migration."),
  };
  int exit_status;

  context = sn_ctl_option_context_new (command, procedure == PROCEDURE_ROLLBACK ? _("[TAG]") : _("TAG"),
                                       _(summaries[procedure]), entries);
  if (!sn_ctl_parse_options (context, command, &argc, &argv, &exit_status))
    return exit_status;
  if (argc > 2)
    return sn_ctl_usage_error (command, _("Name one tag"));

  if (argc == 2)
    tag = g_strdup (argv[1]);
  else if (procedure == PROCEDURE_RELEASE && next != NULL)
    {
      g_autoptr(GListModel) tags = NULL;
      g_auto(GStrv) names = NULL;
      SnDeployBump bump;

      if (g_str_equal (next, "patch"))
        bump = SN_DEPLOY_BUMP_PATCH;
      else if (g_str_equal (next, "minor"))
        bump = SN_DEPLOY_BUMP_MINOR;
      else if (g_str_equal (next, "major"))
        bump = SN_DEPLOY_BUMP_MAJOR;
      else
        return sn_ctl_usage_error (command, _("--next takes patch, minor or major"));
      if ((tags = load_tags (ctx, &error)) == NULL)
        return fail (error);
      names = tag_names (tags);
      tag = sn_deploy_next_tag ((const char * const *)names, bump);
    }
  else if (procedure == PROCEDURE_ROLLBACK)
    {
      if ((tag = previous_tag (ctx, &error)) == NULL)
        return fail (error);
    }
  else
    return sn_ctl_usage_error (command, _("Name the tag, such as v1.0.7"));

  /* The runbook checks it too; say it before connecting anywhere. */
  if (!sn_deploy_tag_is_valid (tag, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_REFUSED;
    }

  g_hash_table_insert (params, (char *)"tag", tag);
  if (procedure == PROCEDURE_RELEASE && commit != NULL)
    g_hash_table_insert (params, (char *)"commit", commit);
  if (procedure == PROCEDURE_MANUAL)
    g_hash_table_insert (params, (char *)"prune", (char *)(prune ? "yes" : "no"));
  options.confirm = confirm;
  /* said on every run, also with --yes */
  if (procedure == PROCEDURE_ROLLBACK)
    g_print ("%s\n", _("Note: the database schema stays at the newer migration (Prisma migrations only "
                        "go forward); the older code must work with it."));
  else if (procedure == PROCEDURE_MANUAL)
    g_print ("%s\n", _("Note: the runbook’s manual procedure (§2.2) does not work on this server: "
                        "“git pull origin master” fails on the checkout the workflow leaves on a tag, and "
                        "“docker compose pull” never updates the app, which is built on the server. "
                        "This runs what the deploy workflow runs."));

  exit_status = run_builtin (ctx, procedure == PROCEDURE_RELEASE ? "release"
                                : procedure == PROCEDURE_MANUAL ? "deploy" : "rollback",
                             params, &options, &runner);
  if (rollback_on_failure && exit_status != SN_CTL_EXIT_OK && !options.dry_run)
    exit_status = rollback_after_failure (ctx, runner, exit_status, &options);
  return exit_status;
}

int
sn_ctl_deploy (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "status", NULL }, { "tags", NULL }, { "changelog", NULL }, { "runs", NULL }, { "migrations", NULL },
    { "release", NULL }, { "manual", NULL }, { "rollback", NULL },
  };
  const SnCtlSubcommand *sub;
  Ctx ctx = { NULL };
  int status;

  sub = sn_ctl_lookup_subcommand ("deploy",
                                  _("Usage: narcisse-ctl deploy status | tags | changelog [FROM] TO | runs | "
                                    "migrations | release TAG | manual TAG | rollback [TAG]"),
                                  subcommands, G_N_ELEMENTS (subcommands), argc, argv, &status);
  if (sub == NULL)
    return status;

  if (!ctx_init (&ctx, ctl))
    {
      ctx_clear (&ctx);
      return SN_CTL_EXIT_FAILURE;
    }

  if (g_str_equal (sub->name, "status"))
    status = deploy_status (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "tags"))
    status = deploy_tags (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "changelog"))
    status = deploy_changelog (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "runs"))
    status = deploy_runs (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "migrations"))
    status = deploy_migrations (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "release"))
    status = deploy_procedure (&ctx, "deploy release", PROCEDURE_RELEASE, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "manual"))
    status = deploy_procedure (&ctx, "deploy manual", PROCEDURE_MANUAL, argc - 1, argv + 1);
  else
    status = deploy_procedure (&ctx, "deploy rollback", PROCEDURE_ROLLBACK, argc - 1, argv + 1);

  ctx_clear (&ctx);
  return status;
}

/* `release create TAG`: the spelling of `deploy release TAG`. */
int
sn_ctl_release (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  static const SnCtlSubcommand subcommands[] = { { "create", NULL } };
  const SnCtlSubcommand *sub;
  Ctx ctx = { NULL };
  int status;

  sub = sn_ctl_lookup_subcommand ("release", _("Usage: narcisse-ctl release create TAG [--yes]"),
                                  subcommands, G_N_ELEMENTS (subcommands), argc, argv, &status);
  if (sub == NULL)
    return status;
  if (!ctx_init (&ctx, ctl))
    {
      ctx_clear (&ctx);
      return SN_CTL_EXIT_FAILURE;
    }
  status = deploy_procedure (&ctx, "release create", PROCEDURE_RELEASE, argc - 1, argv + 1);
  ctx_clear (&ctx);
  return status;
}
