/* sn-deployments.h: releases, deploys and rollbacks of the app (target-system.md §9)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-host.h"
#include "sn-profile.h"
#include "sn-runner.h"

G_BEGIN_DECLS

/*
 * How the app really reaches production (target-system.md §9.2, §9.5): a pushed
 * vX.Y.Z tag starts the "Deploy to Production" workflow, which on the server
 * runs, in the deploy path: git fetch --all --tags; git checkout tags/TAG
 * (detached); rebuilds and restarts the app with Compose (`up -d --build
 * app`); prisma migrate deploy inside the app container; then checks health.
 * The runbook's manual procedure is wrong there: `git pull origin master`
 * fails on the detached checkout, and `docker compose pull` never updates
 * `app` (built on the server) but upgrades every `:latest` image.
 *
 * SnDeployService reads the host's checkout (every command through SnHost),
 * the site's health and the GitHub REST API of the profile's repository
 * (github-api-url, token from the secret store), and makes the changes the
 * deploy runbooks are made of. Every changing entry point checks the
 * profile's level first.
 */

#define SN_DEPLOY_ERROR (sn_deploy_error_quark ())

typedef enum
{
  SN_DEPLOY_ERROR_FAILED,
  SN_DEPLOY_ERROR_INVALID_TAG,   /* not vMAJOR.MINOR.PATCH */
  SN_DEPLOY_ERROR_TAG_EXISTS,
  SN_DEPLOY_ERROR_NO_TAG,        /* the tag or ref is not in the checkout */
  SN_DEPLOY_ERROR_GITHUB,        /* the GitHub API refused or failed */
  SN_DEPLOY_ERROR_NO_TOKEN,
  SN_DEPLOY_ERROR_RUN_FAILED,    /* the workflow run ended without success */
  SN_DEPLOY_ERROR_TIMEOUT,
  SN_DEPLOY_ERROR_MIGRATION,     /* not a migration that may be rolled back, or bad inverse SQL */
} SnDeployError;

typedef enum
{
  SN_DEPLOY_BUMP_PATCH,
  SN_DEPLOY_BUMP_MINOR,
  SN_DEPLOY_BUMP_MAJOR,
} SnDeployBump;

/* The name of the deploy workflow's file and of the image Compose builds. */
#define SN_DEPLOY_WORKFLOW  "deploy.yml"
#define SN_DEPLOY_APP_IMAGE "sweetnarcisse-app"
/* The workflow's migrations fallback (target-system.md §9.2). */
#define SN_DEPLOY_MIGRATE_IMAGE  "node:22-bookworm"
#define SN_DEPLOY_PRISMA_VERSION "5.17.0"
#define SN_DEPLOY_DB_NETWORK     "sweetnarcisse-net"
#define SN_DEPLOY_DB_HOST        "sweetnarcisse-db:5432"

GQuark    sn_deploy_error_quark       (void);

/* Tags: what the workflow accepts, ^v[0-9]+\.[0-9]+\.[0-9]+$. */
gboolean  sn_deploy_tag_is_valid      (const char          *tag,
                                       GError             **error);
/* -1, 0, 1 like strcmp for two valid tags; invalid ones sort after valid. */
int       sn_deploy_tag_compare       (const char          *a,
                                       const char          *b);
/* The next tag after the highest valid one of @tags ("v1.0.0" when none). */
char     *sn_deploy_next_tag          (const char * const  *tags,
                                       SnDeployBump         bump);
/* @tag is valid and not one of @existing; the error says which and why. */
gboolean  sn_deploy_check_new_tag     (const char          *tag,
                                       const char * const  *existing,
                                       GError             **error);

/* A commit of the checkout, with the tag(s) pointing at it when listed as a tag. */
#define SN_TYPE_DEPLOY_COMMIT (sn_deploy_commit_get_type ())
G_DECLARE_FINAL_TYPE (SnDeployCommit, sn_deploy_commit, SN, DEPLOY_COMMIT, GObject)

const char *sn_deploy_commit_get_tag        (SnDeployCommit *self);   /* NULL for a plain commit */
const char *sn_deploy_commit_get_hash       (SnDeployCommit *self);
const char *sn_deploy_commit_get_short_hash (SnDeployCommit *self);
GDateTime  *sn_deploy_commit_get_date       (SnDeployCommit *self);
char       *sn_deploy_commit_dup_date_text  (SnDeployCommit *self);   /* "2026-01-02 16:40" UTC */
const char *sn_deploy_commit_get_subject    (SnDeployCommit *self);

/* What runs now (properties of the same names). */
#define SN_TYPE_DEPLOY_STATUS (sn_deploy_status_get_type ())
G_DECLARE_FINAL_TYPE (SnDeployStatus, sn_deploy_status, SN, DEPLOY_STATUS, GObject)

const char *sn_deploy_status_get_tag            (SnDeployStatus *self);  /* NULL: HEAD is on no tag */
const char *sn_deploy_status_get_branch         (SnDeployStatus *self);  /* NULL: detached */
const char *sn_deploy_status_get_commit         (SnDeployStatus *self);
const char *sn_deploy_status_get_subject        (SnDeployStatus *self);
const char *sn_deploy_status_get_health_version (SnDeployStatus *self);  /* NULL: not known */
const char *sn_deploy_status_get_health_state   (SnDeployStatus *self);
gboolean    sn_deploy_status_get_site_answers  (SnDeployStatus *self);  /* healthy, degraded or operational */
GDateTime  *sn_deploy_status_get_image_created  (SnDeployStatus *self);  /* NULL: not known */
char       *sn_deploy_status_dup_image_age      (SnDeployStatus *self);  /* "3 days", or NULL */
/* One line per problem worth saying (detached on no tag, version differs…). */
const char * const *sn_deploy_status_get_warnings (SnDeployStatus *self);

/* One GitHub Actions run of the deploy workflow. */
#define SN_TYPE_DEPLOY_RUN (sn_deploy_run_get_type ())
G_DECLARE_FINAL_TYPE (SnDeployRun, sn_deploy_run, SN, DEPLOY_RUN, GObject)

gint64      sn_deploy_run_get_id          (SnDeployRun *self);
const char *sn_deploy_run_get_tag         (SnDeployRun *self);   /* head_branch */
const char *sn_deploy_run_get_status      (SnDeployRun *self);   /* queued, in_progress, completed */
const char *sn_deploy_run_get_conclusion  (SnDeployRun *self);   /* success, failure, … or NULL */
const char *sn_deploy_run_get_url         (SnDeployRun *self);
GDateTime  *sn_deploy_run_get_started     (SnDeployRun *self);
gint64      sn_deploy_run_get_duration    (SnDeployRun *self);   /* seconds */
char       *sn_deploy_run_dup_state_text  (SnDeployRun *self);   /* translated, e.g. "Succeeded" */
char       *sn_deploy_run_dup_started_text (SnDeployRun *self);
char       *sn_deploy_run_dup_duration_text (SnDeployRun *self);
gboolean    sn_deploy_run_is_completed    (SnDeployRun *self);
gboolean    sn_deploy_run_succeeded       (SnDeployRun *self);
/* The jobs and steps last fetched, one line each ("deploy › Health check: success"). */
const char * const *sn_deploy_run_get_steps (SnDeployRun *self);

/* Parsers, public for the tests. */
GListModel  *sn_deploy_parse_tags         (const char  *text,
                                           GError     **error);
GListModel  *sn_deploy_parse_log          (const char  *text,
                                           GError     **error);
GListModel  *sn_deploy_parse_runs         (const char  *json,
                                           GError     **error);
SnDeployRun *sn_deploy_parse_run          (JsonNode    *node,
                                           GError     **error);

#define SN_TYPE_DEPLOY_SERVICE (sn_deploy_service_get_type ())
G_DECLARE_FINAL_TYPE (SnDeployService, sn_deploy_service, SN, DEPLOY_SERVICE, GObject)

/* Reports a live run's progress: called in the main context that was
 * thread-default when the call was made. */
typedef void (*SnDeployRunFunc) (SnDeployRun *run,
                                 gpointer     user_data);

SnDeployService *sn_deploy_service_new            (SnProfile        *profile,
                                                   SnHost           *host);
SnProfile       *sn_deploy_service_get_profile    (SnDeployService  *self);
SnHost          *sn_deploy_service_get_host       (SnDeployService  *self);
/* The first delay between two polls of a live run, in ms (default 1000;
 * then ×1.5 up to 15 s). */
void             sn_deploy_service_set_poll_interval (SnDeployService *self,
                                                   guint             first_ms);

void             sn_deploy_service_status_async   (SnDeployService  *self,
                                                   GCancellable     *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer          user_data);
SnDeployStatus  *sn_deploy_service_status_finish  (SnDeployService  *self,
                                                   GAsyncResult     *result,
                                                   GError          **error);

/* Tags of the checkout, newest version first; @fetch first runs `git fetch
 * --all --tags` (it changes the checkout's refs: operator level). */
void             sn_deploy_service_list_tags_async  (SnDeployService *self,
                                                     gboolean         fetch,
                                                     GCancellable    *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer         user_data);
GListModel      *sn_deploy_service_list_tags_finish (SnDeployService *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);

/* Commits in @to and not in @from (`git log FROM..TO`), newest first. When
 * @to is older than @from, that is empty: ask the other way round to see what
 * a rollback takes away. */
void             sn_deploy_service_changelog_async  (SnDeployService *self,
                                                     const char      *from,
                                                     const char      *to,
                                                     GCancellable    *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer         user_data);
GListModel      *sn_deploy_service_changelog_finish (SnDeployService *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);

/* The deploy workflow's recent runs on GitHub, newest first. */
void             sn_deploy_service_list_runs_async  (SnDeployService *self,
                                                     guint            limit,
                                                     GCancellable    *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer         user_data);
GListModel      *sn_deploy_service_list_runs_finish (SnDeployService *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);

/* Creates @tag on GitHub on @commit (NULL: the head of the default branch),
 * which starts the deploy workflow; refuses a malformed tag or one that
 * exists on the host or on GitHub. Operator level. Returns the commit. */
void             sn_deploy_service_create_release_async  (SnDeployService *self,
                                                          const char      *tag,
                                                          const char      *commit,
                                                          GCancellable    *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer         user_data);
char            *sn_deploy_service_create_release_finish (SnDeployService *self,
                                                          GAsyncResult    *result,
                                                          GError         **error);

/* Waits for the deploy run of @tag to appear and to complete, polling with
 * backoff; @func sees every state. Returns the completed run (also when it
 * failed: see sn_deploy_run_succeeded()). */
void             sn_deploy_service_follow_run_async  (SnDeployService *self,
                                                      const char      *tag,
                                                      guint            timeout_seconds,
                                                      SnDeployRunFunc  func,
                                                      gpointer         func_data,
                                                      GCancellable    *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer         user_data);
SnDeployRun     *sn_deploy_service_follow_run_finish (SnDeployService *self,
                                                      GAsyncResult    *result,
                                                      GError         **error);

/* Synchronous forms for the runbook actions (worker threads). */
typedef void (*SnDeployLineFunc) (const char *line,
                                  gboolean    is_stderr,
                                  gpointer    user_data);

SnDeployStatus  *sn_deploy_service_status_sync     (SnDeployService  *self,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
gboolean         sn_deploy_service_wait_site_sync  (SnDeployService  *self,
                                                    GCancellable     *cancellable,
                                                    SnDeployStatus  **out_status,
                                                    GError          **error);
GListModel      *sn_deploy_service_list_tags_sync  (SnDeployService  *self,
                                                    gboolean          fetch,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
GListModel      *sn_deploy_service_changelog_sync  (SnDeployService  *self,
                                                    const char       *from,
                                                    const char       *to,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
GListModel      *sn_deploy_service_list_runs_sync  (SnDeployService  *self,
                                                    guint             limit,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
char            *sn_deploy_service_create_release_sync (SnDeployService *self,
                                                    const char       *tag,
                                                    const char       *commit,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
SnDeployRun     *sn_deploy_service_follow_run_sync (SnDeployService  *self,
                                                    const char       *tag,
                                                    guint             timeout_seconds,
                                                    SnDeployRunFunc   func,
                                                    gpointer          func_data,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
/* The ref HEAD is on, to come back to: its branch, else its highest tag,
 * else its commit. */
char            *sn_deploy_service_dup_current_ref (SnDeployService  *self,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
/* The highest release tag on HEAD; NULL with no error when none names it. */
char            *sn_deploy_service_dup_head_tag    (SnDeployService  *self,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
/* `git fetch --all --tags` (operator). */
gboolean         sn_deploy_service_fetch_sync      (SnDeployService  *self,
                                                    SnDeployLineFunc  func,
                                                    gpointer          func_data,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
/* `git checkout tags/TAG` (detached) or of any ref of the checkout (operator). */
gboolean         sn_deploy_service_checkout_sync   (SnDeployService  *self,
                                                    const char       *ref,
                                                    SnDeployLineFunc  func,
                                                    gpointer          func_data,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
/* `docker compose … up -d --build app` (operator). */
gboolean         sn_deploy_service_build_sync      (SnDeployService  *self,
                                                    SnDeployLineFunc  func,
                                                    gpointer          func_data,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
/* `prisma migrate deploy` inside the app container; when it cannot run
 * there (container down, no prisma CLI in the image), in a throw-away
 * node:22-bookworm container on the database's network, as the workflow
 * does (operator). */
gboolean         sn_deploy_service_migrate_sync    (SnDeployService  *self,
                                                    SnDeployLineFunc  func,
                                                    gpointer          func_data,
                                                    GCancellable     *cancellable,
                                                    GError          **error);

/* The commands, as they run (for plans and "Copy as shell"). */
char *sn_deploy_command_fetch      (SnProfile  *profile);
char *sn_deploy_command_checkout   (SnProfile  *profile,
                                    const char *ref);
char *sn_deploy_command_build      (SnProfile  *profile);
char *sn_deploy_command_migrate    (SnProfile  *profile);
char *sn_deploy_command_migrate_fallback (SnProfile *profile);
char *sn_deploy_command_prune      (SnProfile  *profile);

/* Migrations (target-system.md §5.5) ------------------------------------------- */

/* One row of `_prisma_migrations` (one attempt of a migration). */
#define SN_TYPE_DEPLOY_MIGRATION (sn_deploy_migration_get_type ())
G_DECLARE_FINAL_TYPE (SnDeployMigration, sn_deploy_migration, SN, DEPLOY_MIGRATION, GObject)

typedef enum
{
  SN_MIGRATION_APPLIED,       /* finished, not rolled back */
  SN_MIGRATION_FAILED,        /* not finished, not rolled back: blocks `migrate deploy` */
  SN_MIGRATION_ROLLED_BACK,
} SnMigrationState;

const char       *sn_deploy_migration_get_name        (SnDeployMigration *self);
SnMigrationState  sn_deploy_migration_get_state       (SnDeployMigration *self);
const char       *sn_deploy_migration_get_started     (SnDeployMigration *self);   /* ISO 8601 */
const char       *sn_deploy_migration_get_finished    (SnDeployMigration *self);   /* or NULL */
const char       *sn_deploy_migration_get_rolled_back (SnDeployMigration *self);   /* or NULL */
const char       *sn_deploy_migration_get_logs        (SnDeployMigration *self);   /* or NULL */
const char       *sn_deploy_migration_state_to_label  (SnMigrationState   state);

/* The JSON array the migrations query prints. */
GListModel  *sn_deploy_parse_migrations   (const char  *json,
                                           GError     **error);
/* A Prisma migration directory name: 14 digits, "_", a name. */
gboolean     sn_deploy_migration_name_is_valid (const char *name);
/* Inverse SQL the migration rollback may run in one transaction: not empty,
 * no transaction control (BEGIN, COMMIT, ROLLBACK…), no psql meta-command. */
gboolean     sn_deploy_check_inverse_sql  (const char  *sql,
                                           GError     **error);

char        *sn_deploy_command_migrations  (SnProfile  *profile);
char        *sn_deploy_command_inverse_sql (SnProfile  *profile,
                                            const char *sql);
char        *sn_deploy_command_resolve     (SnProfile  *profile,
                                            const char *name);

/* Every attempt recorded in `_prisma_migrations`, oldest first. */
GListModel  *sn_deploy_service_list_migrations_sync (SnDeployService *self,
                                                     GCancellable    *cancellable,
                                                     GError         **error);
void         sn_deploy_service_list_migrations_async  (SnDeployService *self,
                                                       GCancellable    *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer         user_data);
GListModel  *sn_deploy_service_list_migrations_finish (SnDeployService *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);
/* Fails, saying why, unless @name's last attempt is recorded as failed: the
 * only case `prisma migrate resolve --rolled-back` accepts. */
gboolean     sn_deploy_service_check_failed_migration_sync (SnDeployService *self,
                                                            const char      *name,
                                                            GCancellable    *cancellable,
                                                            GError         **error);
/* Runs @sql in one transaction (psql -1) after the check above (admin level:
 * hand-written SQL). An error in it leaves the schema as it was. */
gboolean     sn_deploy_service_run_inverse_sql_sync (SnDeployService  *self,
                                                     const char       *name,
                                                     const char       *sql,
                                                     SnDeployLineFunc  func,
                                                     gpointer          func_data,
                                                     GCancellable     *cancellable,
                                                     GError          **error);
/* `prisma migrate resolve --rolled-back NAME` in the app container, after
 * the check above (operator). */
gboolean     sn_deploy_service_resolve_rolled_back_sync (SnDeployService  *self,
                                                         const char       *name,
                                                         SnDeployLineFunc  func,
                                                         gpointer          func_data,
                                                         GCancellable     *cancellable,
                                                         GError          **error);

/* After a run of the release, deploy or rollback runbook that failed once it
 * had changed the server, the release tag the server ran before the run: the
 * rollback to offer (runbook "rollback", parameter tag). NULL when there is
 * nothing to offer: the run succeeded, changed nothing, was undone and the
 * previous version checked, or no earlier tag is known. */
char  *sn_deploy_dup_rollback_tag  (SnRunner *runner);

/* Runbook actions deploy.*. */
void  sn_deploy_register_actions   (void);

G_END_DECLS
