/* test-deployments.c: SnDeployService on the local stack: tags, status, changelog,
 * GitHub runs and releases (GitHub stand-in), the level check in core
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sn-actions-builtin.h"
#include "sn-audit-log.h"
#include "sn-backup-service.h"
#include "sn-core.h"
#include "sn-deployments.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

static SnProfile *profile;
static SnSshSession *session;
static SnAuditLog *audit;
static char *audit_path;
static SnHost *host;
static SnDeployService *service;
static SnBackupService *backups;
static SnRunbookCatalog *catalog;

static char *
git_host (const char *args)
{
  g_autofree char *command = g_strdup_printf ("git -C %s %s", sn_test_stack_get ("DEPLOY_PATH"), args);
  char *out = sn_test_run (command);

  return g_strstrip (out);
}

/* A new commit on GitHub's master (the stack's bare origin), as a developer pushes it. */
static char *
push_commit (const char *subject,
             const char *version,
             gboolean    broken)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-dev-XXXXXX", NULL);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *sha = NULL;

  command = g_strdup_printf (
    "set -e; export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null; "
    "git clone -q %s %s/w; cd %s/w; "
    "sed -i 's/\"version\": \"[^\"]*\"/\"version\": \"%s\"/' package.json; "
    "%s"
    "git add -A; git -c user.name=Dev -c user.email=dev@sweet-narcisse.fr commit -q -m '%s'; "
    "git push -q origin master; git rev-parse HEAD",
    sn_test_stack_get ("GITHUB_REPO_DIR"), dir, dir, version,
    broken ? "mkdir -p src; touch src/crash-on-start; " : "", subject);
  out = sn_test_run (command);
  sha = g_strdup (g_strstrip (out));
  g_free (command);
  command = g_strdup_printf ("rm -rf %s", dir);
  g_free (sn_test_run (command));
  return g_steal_pointer (&sha);
}

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ((Wait *)user_data)->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Wait *)data)->result != NULL;
}

static void
test_tags_valid (void)
{
  const char * const tags[] = { "v1", "v1.0.9", "v1.0.10", "v0.9.0", "v2.0.0-rc1", NULL };
  const char * const none[] = { "v1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *patch = sn_deploy_next_tag (tags, SN_DEPLOY_BUMP_PATCH);
  g_autofree char *minor = sn_deploy_next_tag (tags, SN_DEPLOY_BUMP_MINOR);
  g_autofree char *major = sn_deploy_next_tag (tags, SN_DEPLOY_BUMP_MAJOR);
  g_autofree char *first = sn_deploy_next_tag (none, SN_DEPLOY_BUMP_PATCH);

  g_assert_true (sn_deploy_tag_is_valid ("v1.0.7", NULL));
  g_assert_true (sn_deploy_tag_is_valid ("v10.20.300", NULL));
  g_assert_false (sn_deploy_tag_is_valid ("1.0.7", NULL));
  g_assert_false (sn_deploy_tag_is_valid ("v1.0", NULL));
  g_assert_false (sn_deploy_tag_is_valid ("v1", NULL));
  g_assert_false (sn_deploy_tag_is_valid ("v1.2.3-rc1", NULL));
  g_assert_false (sn_deploy_tag_is_valid ("v1.2.3\n", NULL));
  g_assert_false (sn_deploy_tag_is_valid ("v1.2.3; rm -rf /", NULL));
  g_assert_false (sn_deploy_tag_is_valid (NULL, &error));
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_INVALID_TAG);
  g_clear_error (&error);

  /* numeric, not text order: v1.0.10 > v1.0.9 */
  g_assert_cmpstr (patch, ==, "v1.0.11");
  g_assert_cmpstr (minor, ==, "v1.1.0");
  g_assert_cmpstr (major, ==, "v2.0.0");
  g_assert_cmpstr (first, ==, "v1.0.0");
  g_assert_cmpint (sn_deploy_tag_compare ("v1.0.10", "v1.0.9"), >, 0);

  g_assert_false (sn_deploy_check_new_tag ("v1.0.9", tags, &error));
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_TAG_EXISTS);
  g_assert_nonnull (strstr (error->message, "v1.0.11"));
  g_clear_error (&error);
  g_assert_false (sn_deploy_check_new_tag ("v1.0.x", tags, &error));
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_INVALID_TAG);
  g_clear_error (&error);
  g_assert_true (sn_deploy_check_new_tag ("v1.0.11", tags, &error));
  g_assert_no_error (error);
}

static void
test_list_tags (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) tags = NULL;
  g_autoptr(SnDeployCommit) newest = NULL;
  g_autoptr(SnDeployCommit) oldest = NULL;
  g_autofree char *date = NULL;
  g_autofree char *v106 = git_host ("rev-parse v1.0.6^{commit}");
  Wait wait = { NULL };

  sn_deploy_service_list_tags_async (service, TRUE, NULL, on_ready, &wait);
  g_assert_true (sn_test_wait_until (has_result, &wait, 60000));
  tags = sn_deploy_service_list_tags_finish (service, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tags), >=, 7);

  newest = g_list_model_get_item (tags, 0);
  oldest = g_list_model_get_item (tags, g_list_model_get_n_items (tags) - 1);
  g_assert_cmpstr (sn_deploy_commit_get_tag (newest), ==, "v1.0.6");
  /* the annotated tag's commit, not the tag object */
  g_assert_cmpstr (sn_deploy_commit_get_hash (newest), ==, v106);
  g_assert_cmpstr (sn_deploy_commit_get_subject (newest), ==, "release: v1.0.6");
  date = sn_deploy_commit_dup_date_text (newest);
  g_assert_cmpstr (date, ==, "2026-01-02 16:40");
  g_assert_cmpstr (sn_deploy_commit_get_tag (oldest), ==, "v1.0.0");
}

static void
test_status (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDeployStatus) status = NULL;
  g_autofree char *age = NULL;
  g_autofree char *head = git_host ("rev-parse HEAD");
  const char * const *warnings;
  gboolean branch_warning = FALSE;

  status = sn_deploy_service_status_sync (service, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_deploy_status_get_tag (status), ==, "v1.0.6");
  g_assert_cmpstr (sn_deploy_status_get_commit (status), ==, head);
  g_assert_cmpstr (sn_deploy_status_get_health_version (status), ==, "1.0.6");
  g_assert_nonnull (sn_deploy_status_get_image_created (status));
  age = sn_deploy_status_dup_image_age (status);
  g_assert_nonnull (age);

  /* the stack's checkout sits on master, the way the runbook's git pull leaves it */
  g_assert_cmpstr (sn_deploy_status_get_branch (status), ==, "master");
  warnings = sn_deploy_status_get_warnings (status);
  for (guint i = 0; warnings[i] != NULL; i++)
    if (strstr (warnings[i], "git pull origin master") != NULL)
      branch_warning = TRUE;
  g_assert_true (branch_warning);
}

static void
test_changelog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) log = sn_deploy_service_changelog_sync (service, "v1.0.3", "v1.0.6", NULL, &error);
  g_autoptr(GListModel) back = NULL;
  g_autoptr(GListModel) bad = NULL;
  g_autoptr(SnDeployCommit) first = NULL;
  g_autoptr(SnDeployCommit) last = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (log), ==, 3);
  first = g_list_model_get_item (log, 0);
  last = g_list_model_get_item (log, 2);
  g_assert_cmpstr (sn_deploy_commit_get_subject (first), ==, "release: v1.0.6");
  g_assert_cmpstr (sn_deploy_commit_get_subject (last), ==, "release: v1.0.4");

  back = sn_deploy_service_changelog_sync (service, "v1.0.6", "v1.0.3", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (back), ==, 0);

  bad = sn_deploy_service_changelog_sync (service, "v1.0.3", "v9.9.9", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_NO_TAG);
  g_clear_error (&error);
  bad = sn_deploy_service_changelog_sync (service, "--output=/tmp/x", "v1.0.6", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_INVALID_TAG);
}

static void
test_runs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) runs = NULL;
  g_autoptr(SnDeployRun) newest = NULL;
  g_autofree char *duration = NULL;
  Wait wait = { NULL };

  sn_deploy_service_list_runs_async (service, 5, NULL, on_ready, &wait);
  g_assert_true (sn_test_wait_until (has_result, &wait, 30000));
  runs = sn_deploy_service_list_runs_finish (service, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 5);
  newest = g_list_model_get_item (runs, 0);
  g_assert_cmpstr (sn_deploy_run_get_tag (newest), ==, "v1.0.6");
  g_assert_true (sn_deploy_run_succeeded (newest));
  duration = sn_deploy_run_dup_duration_text (newest);
  g_assert_cmpstr (duration, ==, "2 min 34 s");
  g_assert_true (g_str_has_prefix (sn_deploy_run_get_url (newest), "https://github.com/"));
}

static void
on_progress (SnDeployRun *run,
             gpointer     user_data)
{
  GPtrArray *states = user_data;

  if (states->len == 0 || g_strcmp0 (g_ptr_array_index (states, states->len - 1), sn_deploy_run_get_status (run)) != 0)
    g_ptr_array_add (states, g_strdup (sn_deploy_run_get_status (run)));
}

static void
test_release (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = push_commit ("feat: private bookings", "1.0.7", FALSE);
  g_autofree char *created = NULL;
  g_autoptr(SnDeployRun) run = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GListModel) tags = NULL;
  g_autoptr(SnDeployCommit) newest = NULL;
  g_autofree char *log = NULL;
  g_autofree char *again = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *origin_tag = NULL;
  const char * const *steps;
  Wait wait = { NULL };

  sn_deploy_service_create_release_async (service, "v1.0.7", NULL, NULL, on_ready, &wait);
  g_assert_true (sn_test_wait_until (has_result, &wait, 60000));
  created = sn_deploy_service_create_release_finish (service, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  /* the tag went on the head of master, on GitHub */
  g_assert_cmpstr (created, ==, sha);
  {
    g_autofree char *command = g_strdup_printf ("git -C %s rev-parse refs/tags/v1.0.7",
                                                sn_test_stack_get ("GITHUB_REPO_DIR"));

    origin_tag = sn_test_run (command);
    g_assert_cmpstr (g_strstrip (origin_tag), ==, sha);
  }

  /* followed live: queued -> in_progress -> completed, with the steps */
  sn_deploy_service_follow_run_async (service, "v1.0.7", 60, on_progress, states, NULL, on_ready, &wait);
  g_assert_true (sn_test_wait_until (has_result, &wait, 60000));
  run = sn_deploy_service_follow_run_finish (service, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (sn_deploy_run_succeeded (run));
  g_assert_cmpuint (states->len, >=, 2);
  g_assert_cmpstr (g_ptr_array_index (states, states->len - 1), ==, "completed");
  g_assert_cmpstr (g_ptr_array_index (states, 0), !=, "completed");
  steps = sn_deploy_run_get_steps (run);
  g_assert_cmpuint (g_strv_length ((char **)steps), ==, 5);
  g_assert_cmpstr (steps[3], ==, "deploy › Health check: success");

  /* the workflow deployed it on the server */
  {
    g_autoptr(SnDeployStatus) status = sn_deploy_service_status_sync (service, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sn_deploy_status_get_tag (status), ==, "v1.0.7");
    g_assert_null (sn_deploy_status_get_branch (status));
    g_assert_cmpstr (sn_deploy_status_get_health_version (status), ==, "1.0.7");
  }

  /* the server's fetch now sees it */
  tags = sn_deploy_service_list_tags_sync (service, TRUE, NULL, &error);
  g_assert_no_error (error);
  newest = g_list_model_get_item (tags, 0);
  g_assert_cmpstr (sn_deploy_commit_get_tag (newest), ==, "v1.0.7");
  g_assert_cmpstr (sn_deploy_commit_get_subject (newest), ==, "feat: private bookings");

  /* never twice, never malformed */
  again = sn_deploy_service_create_release_sync (service, "v1.0.7", NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_TAG_EXISTS);
  g_clear_error (&error);
  bad = sn_deploy_service_create_release_sync (service, "v1.0.8-rc1", NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_INVALID_TAG);
  g_clear_error (&error);

  /* the API call is in the audit log */
  g_assert_true (g_file_get_contents (audit_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "deploy.release"));
  g_assert_nonnull (strstr (log, "refs/tags/v1.0.7"));
}

static void
test_release_run_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = push_commit ("fix: payment rounding", "1.0.8", FALSE);
  g_autofree char *flag = g_build_filename (sn_test_stack_dir (), "state", "github.fail-next", NULL);
  g_autofree char *created = NULL;
  g_autoptr(SnDeployRun) run = NULL;
  g_autofree char *state = NULL;

  g_assert_true (g_file_set_contents (flag, "", 0, NULL));
  created = sn_deploy_service_create_release_sync (service, "v1.0.8", sha, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created, ==, sha);

  run = sn_deploy_service_follow_run_sync (service, "v1.0.8", 60, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_deploy_run_is_completed (run));
  g_assert_false (sn_deploy_run_succeeded (run));
  g_assert_cmpstr (sn_deploy_run_get_conclusion (run), ==, "failure");
  state = sn_deploy_run_dup_state_text (run);
  g_assert_cmpstr (state, ==, "Failed");
  g_assert_cmpstr (sn_deploy_run_get_steps (run)[2], ==, "deploy › Deploy to VPS: failure");
}

static void
test_cancel_follow (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SnDeployRun) run = NULL;
  Wait wait = { NULL };
  gint64 start = g_get_monotonic_time ();

  /* no run for this tag: it would poll until the timeout */
  sn_deploy_service_follow_run_async (service, "v9.9.9", 600, NULL, NULL, cancellable, on_ready, &wait);
  g_usleep (300 * 1000);
  g_cancellable_cancel (cancellable);
  g_assert_true (sn_test_wait_until (has_result, &wait, 10000));
  run = sn_deploy_service_follow_run_finish (service, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_null (run);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_read_only_refused (void)
{
  SnProfile *ro = sn_test_stack_ro_profile ();
  g_autoptr(SnSshSession) ro_session = sn_ssh_session_new (ro, sn_secret_store_get_default ());
  g_autoptr(SnHost) ro_host = sn_host_new (ro_session, audit);
  g_autoptr(SnDeployService) ro_service = sn_deploy_service_new (ro, ro_host);
  g_autoptr(GError) error = NULL;
  g_autofree char *head_before = git_host ("rev-parse HEAD");
  g_autofree char *head_after = NULL;
  g_autofree char *created = NULL;
  g_autoptr(GListModel) tags = NULL;

  g_assert_false (sn_deploy_service_checkout_sync (ro_service, "v1.0.5", NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_deploy_service_build_sync (ro_service, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_deploy_service_migrate_sync (ro_service, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_deploy_service_fetch_sync (ro_service, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  tags = sn_deploy_service_list_tags_sync (ro_service, TRUE, NULL, &error);
  g_assert_null (tags);
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  created = sn_deploy_service_create_release_sync (ro_service, "v1.0.99", NULL, NULL, &error);
  g_assert_null (created);
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  head_after = git_host ("rev-parse HEAD");
  g_assert_cmpstr (head_after, ==, head_before);
  g_assert_false (sn_ssh_session_is_connected (ro_session));
}

/* Runbooks ------------------------------------------------------------------ */

static char *
health_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDeployStatus) status = sn_deploy_service_status_sync (service, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (sn_deploy_status_get_health_version (status));
}

static SnRunner *
make_runner (const char *id,
             SnProfile  *who,
             const char *tag)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, id);
  SnRunner *runner;

  g_assert_nonnull (runbook);
  g_hash_table_insert (params, (char *)"tag", (char *)tag);
  runner = sn_runner_new (runbook, who, params, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "host", G_OBJECT (host));
  sn_backup_service_setup_runner (backups, runner, NULL);
  return runner;
}

static SnStepRun *
find_step (SnRunner   *runner,
           const char *id)
{
  GListModel *steps = sn_runner_get_steps (runner);

  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      if (g_strcmp0 (sn_step_run_get_id (step), id) == 0)
        return g_steal_pointer (&step);
    }
  g_assert_not_reached ();
}

static void
assert_step_command (SnRunner   *runner,
                     const char *id,
                     char       *command)
{
  g_autoptr(SnStepRun) step = find_step (runner, id);
  g_autofree char *owned = command;
  g_autofree char *expected = sn_host_command_describe (profile, owned);

  g_assert_cmpstr (sn_step_run_get_command (step), ==, expected);
}

/* The dry run shows exactly the commands that run, and changes nothing. */
static void
test_runbook_plan (void)
{
  g_autoptr(SnRunner) runner = make_runner ("deploy", profile, "v1.0.5");
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) checkout = NULL;
  g_autoptr(SnStepRun) build = NULL;
  g_autofree char *head_before = git_host ("rev-parse HEAD");
  g_autofree char *head_after = NULL;
  g_autofree char *version_before = health_version ();
  g_autofree char *version = NULL;

  g_assert_true (sn_runner_plan_sync (runner, NULL, &error));
  g_assert_no_error (error);
  assert_step_command (runner, "fetch", sn_deploy_command_fetch (profile));
  assert_step_command (runner, "checkout", sn_deploy_command_checkout (profile, "v1.0.5"));
  assert_step_command (runner, "build", sn_deploy_command_build (profile));
  {
    g_autoptr(SnStepRun) step = find_step (runner, "migrate");
    g_autofree char *in_app = sn_host_command_describe (profile, sn_deploy_command_migrate (profile));
    g_autofree char *fallback = sn_host_command_describe (profile, sn_deploy_command_migrate_fallback (profile));

    /* the app container first; the workflow's node:22 fallback said too */
    g_assert_true (g_str_has_prefix (sn_step_run_get_command (step), in_app));
    g_assert_nonnull (strstr (fallback, "docker run --rm --network sweetnarcisse-net"));
    g_assert_nonnull (strstr (sn_step_run_get_command (step),
                              "docker run --rm --network sweetnarcisse-net -e DATABASE_URL "));
    g_assert_nonnull (strstr (sn_step_run_get_command (step),
                              "node:22-bookworm npx --yes prisma@5.17.0 migrate deploy"));
  }

  /* the corrected sequence, not the runbook's git pull / compose pull */
  checkout = find_step (runner, "checkout");
  g_assert_nonnull (strstr (sn_step_run_get_command (checkout), "checkout --quiet tags/v1.0.5"));
  g_assert_nonnull (strstr (sn_step_run_get_impact (checkout), "v1.0.5"));
  build = find_step (runner, "build");
  g_assert_nonnull (strstr (sn_step_run_get_command (build), "up -d --build app"));
  g_assert_true (sn_step_run_get_destructive (build));
  g_assert_null (strstr (sn_step_run_get_command (build), "pull"));

  head_after = git_host ("rev-parse HEAD");
  g_assert_cmpstr (head_after, ==, head_before);
  version = health_version ();
  g_assert_cmpstr (version, ==, version_before);
}

static gboolean
refuse_backup (SnRunner      *runner,
               SnProfile     *who,
               guint          max_age_minutes,
               char         **evidence,
               GCancellable  *cancellable,
               GError       **error)
{
  g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE, "no verified backup (test)");
  return FALSE;
}

/* No rebuild or migration runs before the backup gate; the checkout done
 * before it is put back. */
static void
test_runbook_gate_first (void)
{
  g_autoptr(SnRunner) runner = make_runner ("deploy", profile, "v1.0.5");
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) build = NULL;
  g_autoptr(SnStepRun) migrate = NULL;
  g_autofree char *head_before = git_host ("rev-parse HEAD");
  g_autofree char *head_after = NULL;
  g_autofree char *version_before = health_version ();
  g_autofree char *version = NULL;

  sn_runner_set_gate_func (runner, SN_GATE_BACKUP_VERIFIED, refuse_backup);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_clear_error (&error);

  build = find_step (runner, "build");
  migrate = find_step (runner, "migrate");
  g_assert_cmpint (sn_step_run_get_state (build), ==, SN_STEP_STATE_SKIPPED);
  g_assert_cmpint (sn_step_run_get_state (migrate), ==, SN_STEP_STATE_SKIPPED);
  head_after = git_host ("rev-parse HEAD");
  g_assert_cmpstr (head_after, ==, head_before);
  version = health_version ();
  g_assert_cmpstr (version, ==, version_before);
}

/* The read-only profile is refused in core, before anything runs. */
static void
test_runbook_read_only (void)
{
  SnProfile *ro = sn_test_stack_ro_profile ();
  g_autoptr(GError) error = NULL;
  const char * const ids[] = { "deploy", "rollback", "release", NULL };

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_assert_false (sn_runbook_check_profile (sn_runbook_catalog_lookup (catalog, ids[i]), ro, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

/* A manual deploy of a tag changes what the site runs, the way the workflow
 * does: detached on the tag, app rebuilt, migrations applied. */
static void
test_runbook_deploy (void)
{
  g_autoptr(SnRunner) runner = make_runner ("deploy", profile, "v1.0.5");
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) migrate = NULL;
  g_autoptr(SnDeployStatus) status = NULL;
  g_autofree char *output = NULL;
  g_autofree char *version = NULL;
  g_autofree char *tag_commit = git_host ("rev-parse v1.0.5^{commit}");
  g_autofree char *head = NULL;
  SnRunOutcome outcome;

  outcome = sn_runner_execute_sync (runner, NULL, &error);
  if (outcome != SN_RUN_OUTCOME_SUCCEEDED)
    g_printerr ("%s\n", sn_runner_get_summary (runner));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_SUCCEEDED);

  version = health_version ();
  g_assert_cmpstr (version, ==, "1.0.5");
  head = git_host ("rev-parse HEAD");
  g_assert_cmpstr (head, ==, tag_commit);
  status = sn_deploy_service_status_sync (service, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_deploy_status_get_tag (status), ==, "v1.0.5");
  g_assert_null (sn_deploy_status_get_branch (status));

  migrate = find_step (runner, "migrate");
  output = sn_step_run_dup_output (migrate);
  g_assert_nonnull (strstr (output, "No pending migrations to apply."));
}

/* A release that cannot start: the previous version is rebuilt and runs again. */
static void
test_runbook_broken_rolls_back (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = push_commit ("feat: new booking page", "1.0.9", TRUE);
  g_autofree char *command = g_strdup_printf ("git -C %s tag v1.0.9 %s", sn_test_stack_get ("GITHUB_REPO_DIR"), sha);
  g_autofree char *out = sn_test_run (command);
  g_autoptr(SnRunner) runner = NULL;
  g_autofree char *version = NULL;
  g_autofree char *head = NULL;
  g_autofree char *previous = git_host ("rev-parse v1.0.5^{commit}");
  SnRunOutcome outcome;

  /* pushed straight to the repository, not through the API: no workflow run */

  runner = make_runner ("deploy", profile, "v1.0.9");
  outcome = sn_runner_execute_sync (runner, NULL, &error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_nonnull (error);
  g_clear_error (&error);

  version = health_version ();
  g_assert_cmpstr (version, ==, "1.0.5");
  head = git_host ("rev-parse HEAD");
  g_assert_cmpstr (head, ==, previous);
}

/* Rollback to an earlier tag, from the one deployed. */
static void
test_runbook_rollback (void)
{
  g_autoptr(SnRunner) runner = make_runner ("rollback", profile, "v1.0.4");
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  SnRunOutcome outcome;

  outcome = sn_runner_execute_sync (runner, NULL, &error);
  if (outcome != SN_RUN_OUTCOME_SUCCEEDED)
    g_printerr ("%s\n", sn_runner_get_summary (runner));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_SUCCEEDED);
  version = health_version ();
  g_assert_cmpstr (version, ==, "1.0.4");
}

static gboolean
site_answers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDeployStatus) status = sn_deploy_service_status_sync (service, NULL, &error);

  g_assert_no_error (error);
  return sn_deploy_status_get_site_answers (status);
}

/* A release whose workflow run fails leaves the server on the broken tag;
 * core offers the tag that ran before, and that rollback, performed, brings
 * the previous version back. */
static void
test_release_fails_offers_rollback (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = push_commit ("feat: online gift cards", "1.0.10", TRUE);
  g_autofree char *before = health_version ();
  g_autofree char *before_tag = g_strconcat ("v", before, NULL);
  g_autoptr(SnRunner) release = make_runner ("release", profile, "v1.0.10");
  g_autoptr(SnRunner) rollback = NULL;
  g_autoptr(SnStepRun) release_step = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *none = NULL;
  g_autofree char *version = NULL;
  SnRunOutcome outcome;

  outcome = sn_runner_execute_sync (release, NULL, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* the tag was created and GitHub deployed it: not "as it was before" */
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_FAILED);
  release_step = find_step (release, "release");
  g_assert_cmpint (sn_step_run_get_state (release_step), ==, SN_STEP_STATE_FAILED);
  g_assert_nonnull (strstr (sn_step_run_get_message (release_step), "Failed"));
  g_assert_false (site_answers ());

  offer = sn_deploy_dup_rollback_tag (release);
  g_assert_cmpstr (offer, ==, before_tag);

  /* with the site down, a release (of a fix) may still start: its first
   * step only says what runs; a check of a tag fails */
  {
    const SnActionInfo *verify = sn_action_lookup ("deploy.verify");
    g_autoptr(SnActionContext) context = sn_action_context_new (profile, NULL);
    g_autoptr(JsonObject) no_tag = json_object_new ();
    g_autoptr(JsonObject) with_tag = json_object_new ();

    sn_action_context_set_service (context, "host", G_OBJECT (host));
    json_object_set_string_member (with_tag, "tag", "v1.0.10");
    g_assert_true (verify->run (context, no_tag, &error));
    g_assert_no_error (error);
    g_assert_false (verify->run (context, with_tag, &error));
    g_assert_nonnull (strstr (error->message, "does not answer"));
    g_clear_error (&error);
  }

  rollback = make_runner ("rollback", profile, offer);
  outcome = sn_runner_execute_sync (rollback, NULL, &error);
  if (outcome != SN_RUN_OUTCOME_SUCCEEDED)
    g_printerr ("%s\n", sn_runner_get_summary (rollback));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_SUCCEEDED);
  version = health_version ();
  g_assert_cmpstr (version, ==, before);
  /* nothing to offer after a run that worked */
  none = sn_deploy_dup_rollback_tag (rollback);
  g_assert_null (none);
}

/* A release refused before its tag exists changed nothing: no rollback offered. */
static void
test_release_refused_offers_nothing (void)
{
  g_autoptr(SnRunner) release = make_runner ("release", profile, "v1.0.6");
  g_autoptr(GError) error = NULL;
  g_autofree char *offer = NULL;
  SnRunOutcome outcome;

  outcome = sn_runner_execute_sync (release, NULL, &error);
  g_assert_nonnull (error);
  g_assert_cmpint (outcome, !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_cmpint (outcome, !=, SN_RUN_OUTCOME_FAILED);
  offer = sn_deploy_dup_rollback_tag (release);
  g_assert_null (offer);
}

static void
collect_line (const char *line,
              gboolean    is_stderr,
              gpointer    user_data)
{
  g_string_append_printf (user_data, "%s\n", line);
}

/* The app's image cannot run prisma (a standalone build): the migrations
 * run in a throw-away node:22 container on the database's network, as the
 * workflow does; a migration that fails in the app container does not. */
static void
test_migrate_fallback (void)
{
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "state", "app-no-prisma", NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  gboolean ok;

  g_assert_true (g_file_set_contents (knob, "", 0, NULL));
  ok = sn_deploy_service_migrate_sync (service, collect_line, lines, NULL, &error);
  g_remove (knob);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_nonnull (strstr (lines->str, "prisma cannot run in the app container"));
  g_assert_nonnull (strstr (lines->str, "No pending migrations to apply."));

  /* the fallback's command is audited, the password is not in it */
  g_assert_true (g_file_get_contents (audit_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "node:22-bookworm npx --yes prisma@5.17.0 migrate deploy"));
  g_assert_null (strstr (log, sn_test_stack_get ("PGPASSWORD")));
}

/* Migration rollback --------------------------------------------------------- */

#define FAILED_MIGRATION "20260110090000_add_booking_notes"
#define GOOD_INVERSE "ALTER TABLE \"Booking\" DROP COLUMN \"notes\";"

/* A deploy whose migration failed halfway: its first statement added a
 * column, the second failed, Prisma recorded the attempt as failed. */
static void
seed_failed_migration (void)
{
  g_free (sn_test_psql ("ALTER TABLE \"Booking\" ADD COLUMN IF NOT EXISTS \"notes\" TEXT;"
                "DELETE FROM \"_prisma_migrations\" WHERE migration_name = '" FAILED_MIGRATION "';"
                "INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name, logs, started_at, "
                "applied_steps_count) VALUES ('f0000000-0000-4000-8000-000000000001', repeat('a', 64), NULL, '"
                FAILED_MIGRATION "', 'Database error code: 42P07: relation \"Booking_notes_idx\" already exists', "
                "now(), 0)"));
}

static gboolean
has_notes_column (void)
{
  g_autofree char *n = sn_test_psql ("SELECT count(*) FROM information_schema.columns "
                             "WHERE table_name = 'Booking' AND column_name = 'notes'");

  return g_str_equal (n, "1");
}

static char *
migration_state (const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT CASE WHEN rolled_back_at IS NOT NULL THEN 'rolled-back' "
                                          "WHEN finished_at IS NULL THEN 'failed' ELSE 'applied' END "
                                          "FROM \"_prisma_migrations\" WHERE migration_name = '%s' "
                                          "ORDER BY started_at DESC LIMIT 1", name);

  return sn_test_psql (sql);
}

static SnRunner *
make_migration_runner (const char *name,
                       const char *sql)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  SnRunner *runner;

  g_hash_table_insert (params, (char *)"name", (char *)name);
  g_hash_table_insert (params, (char *)"sql", (char *)sql);
  runner = sn_runner_new (sn_runbook_catalog_lookup (catalog, "migration-rollback"), profile, params, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "host", G_OBJECT (host));
  sn_backup_service_setup_runner (backups, runner, NULL);
  /* an admin runbook: the break-glass reason goes into the audit log */
  sn_runner_set_reason (runner, "The deploy of v1.0.10 failed halfway through its migration");
  return runner;
}

static void
test_migration_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(SnDeployMigration) last = NULL;

  seed_failed_migration ();
  list = sn_deploy_service_list_migrations_sync (service, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), >=, 26);
  last = g_list_model_get_item (list, g_list_model_get_n_items (list) - 1);
  g_assert_cmpstr (sn_deploy_migration_get_name (last), ==, FAILED_MIGRATION);
  g_assert_cmpint (sn_deploy_migration_get_state (last), ==, SN_MIGRATION_FAILED);
  g_assert_nonnull (strstr (sn_deploy_migration_get_logs (last), "42P07"));

  /* a failed migration blocks every later deploy's migrate deploy */
  g_assert_false (sn_deploy_service_migrate_sync (service, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "P3009"));
  g_clear_error (&error);

  g_assert_true (sn_deploy_check_inverse_sql (GOOD_INVERSE, NULL));
  g_assert_false (sn_deploy_check_inverse_sql ("  ", NULL));
  g_assert_false (sn_deploy_check_inverse_sql ("DROP TABLE x; COMMIT; DROP TABLE y", NULL));
  g_assert_false (sn_deploy_check_inverse_sql ("begin; drop table x", NULL));
  g_assert_false (sn_deploy_check_inverse_sql ("\\! rm -rf /", &error));
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION);
}

/* Only a migration recorded as failed: the runbook stops before anything changes. */
static void
test_migration_refuses_applied (void)
{
  g_autoptr(SnRunner) runner = make_migration_runner ("20260102142804_booking_private_fields", GOOD_INVERSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) inverse = NULL;
  g_autofree char *state = NULL;
  SnRunOutcome outcome;

  seed_failed_migration ();
  outcome = sn_runner_execute_sync (runner, NULL, &error);
  g_assert_cmpint (outcome, !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_nonnull (error);
  g_clear_error (&error);
  {
    g_autoptr(SnStepRun) check = find_step (runner, "migrations");

    g_assert_cmpint (sn_step_run_get_state (check), ==, SN_STEP_STATE_FAILED);
    g_assert_nonnull (strstr (sn_step_run_get_message (check), "did not fail"));
  }
  inverse = find_step (runner, "inverse");
  g_assert_cmpint (sn_step_run_get_state (inverse), ==, SN_STEP_STATE_SKIPPED);
  g_assert_true (has_notes_column ());
  state = migration_state ("20260102142804_booking_private_fields");
  g_assert_cmpstr (state, ==, "applied");

  /* the service refuses by itself too */
  g_assert_false (sn_deploy_service_resolve_rolled_back_sync (service, "20260102142804_booking_private_fields",
                                                              NULL, NULL, NULL, &error));
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION);
  g_clear_error (&error);
  g_assert_false (sn_deploy_service_run_inverse_sql_sync (service, "20991231000000_never_ran", "SELECT 1",
                                                          NULL, NULL, NULL, &error));
  g_assert_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_MIGRATION);
}

/* An error in the inverse SQL leaves the schema as it was, the migration failed. */
static void
test_migration_bad_sql (void)
{
  g_autoptr(SnRunner) runner = make_migration_runner (FAILED_MIGRATION,
                                                      GOOD_INVERSE " SELECT no_such_function ();");
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) resolve = NULL;
  g_autofree char *state = NULL;

  seed_failed_migration ();
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (has_notes_column ());
  state = migration_state (FAILED_MIGRATION);
  g_assert_cmpstr (state, ==, "failed");
  resolve = find_step (runner, "resolve");
  g_assert_cmpint (sn_step_run_get_state (resolve), ==, SN_STEP_STATE_SKIPPED);
}

/* Nothing runs on the database before the backup gate. */
static void
test_migration_gate_first (void)
{
  g_autoptr(SnRunner) runner = make_migration_runner (FAILED_MIGRATION, GOOD_INVERSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  seed_failed_migration ();
  sn_runner_set_gate_func (runner, SN_GATE_BACKUP_VERIFIED, refuse_backup);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_clear_error (&error);
  g_assert_true (has_notes_column ());
  state = migration_state (FAILED_MIGRATION);
  g_assert_cmpstr (state, ==, "failed");
}

/* The operator level may not run hand-written SQL: refused in core. */
static void
test_migration_needs_admin (void)
{
  g_autoptr(SnProfile) operator = sn_profile_copy (profile);
  g_autoptr(SnDeployService) operator_service = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (operator, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  operator_service = sn_deploy_service_new (operator, host);
  seed_failed_migration ();
  g_assert_false (sn_deploy_service_run_inverse_sql_sync (operator_service, FAILED_MIGRATION, GOOD_INVERSE,
                                                          NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_runbook_check_profile (sn_runbook_catalog_lookup (catalog, "migration-rollback"),
                                            operator, &error));
  g_assert_true (has_notes_column ());
}

static void
test_migration_rolls_back (void)
{
  g_autoptr(SnRunner) runner = make_migration_runner (FAILED_MIGRATION, GOOD_INVERSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  SnRunOutcome outcome;

  seed_failed_migration ();
  outcome = sn_runner_execute_sync (runner, NULL, &error);
  if (outcome != SN_RUN_OUTCOME_SUCCEEDED)
    g_printerr ("%s\n", sn_runner_get_summary (runner));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_SUCCEEDED);

  g_assert_false (has_notes_column ());
  state = migration_state (FAILED_MIGRATION);
  g_assert_cmpstr (state, ==, "rolled-back");

  /* the next deploy's migrations run again */
  g_assert_true (sn_deploy_service_migrate_sync (service, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  sn_actions_register_builtin ();

  dir = g_dir_make_tmp ("sn-deploy-audit-XXXXXX", NULL);
  audit_path = g_build_filename (dir, "audit.jsonl", NULL);
  audit = sn_audit_log_new (audit_path);
  profile = g_object_ref (sn_test_stack_profile ());
  session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  host = sn_host_new (session, audit);
  service = sn_deploy_service_new (profile, host);
  sn_deploy_service_set_poll_interval (service, 200);
  backups = sn_backup_service_new (profile, session);
  catalog = sn_runbook_catalog_new (NULL);
  sn_runbook_catalog_load (catalog, NULL);

  g_test_add_func ("/deploy/tag-validation", test_tags_valid);
  g_test_add_func ("/deploy/list-tags", test_list_tags);
  g_test_add_func ("/deploy/status", test_status);
  g_test_add_func ("/deploy/changelog", test_changelog);
  g_test_add_func ("/deploy/runs", test_runs);
  g_test_add_func ("/deploy/release", test_release);
  g_test_add_func ("/deploy/release-run-fails", test_release_run_fails);
  g_test_add_func ("/deploy/follow-cancel", test_cancel_follow);
  g_test_add_func ("/deploy/read-only-refused", test_read_only_refused);
  g_test_add_func ("/deploy/runbook/plan", test_runbook_plan);
  g_test_add_func ("/deploy/runbook/gate-first", test_runbook_gate_first);
  g_test_add_func ("/deploy/runbook/read-only", test_runbook_read_only);
  g_test_add_func ("/deploy/runbook/deploy-tag", test_runbook_deploy);
  g_test_add_func ("/deploy/runbook/broken-rolls-back", test_runbook_broken_rolls_back);
  g_test_add_func ("/deploy/runbook/rollback", test_runbook_rollback);
  g_test_add_func ("/deploy/migrate-fallback", test_migrate_fallback);
  g_test_add_func ("/deploy/runbook/release-refused-offers-nothing", test_release_refused_offers_nothing);
  g_test_add_func ("/deploy/runbook/release-fails-offers-rollback", test_release_fails_offers_rollback);
  g_test_add_func ("/deploy/migration/list", test_migration_list);
  g_test_add_func ("/deploy/migration/refuses-applied", test_migration_refuses_applied);
  g_test_add_func ("/deploy/migration/bad-sql-changes-nothing", test_migration_bad_sql);
  g_test_add_func ("/deploy/migration/gate-first", test_migration_gate_first);
  g_test_add_func ("/deploy/migration/needs-admin", test_migration_needs_admin);
  g_test_add_func ("/deploy/migration/rolls-back", test_migration_rolls_back);

  status = g_test_run ();

  g_clear_object (&catalog);
  g_clear_object (&backups);
  g_clear_object (&service);
  g_clear_object (&host);
  g_clear_object (&session);
  g_clear_object (&audit);
  g_clear_object (&profile);
  g_free (audit_path);
  return status;
}
