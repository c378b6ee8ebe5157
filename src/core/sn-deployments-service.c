/* sn-deployments-service.c: SnDeployService, the host's checkout, health and GitHub
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-deploy"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-deployments-private.h"
#include "sn-await.h"
#include "sn-health-service.h"
#include "sn-secret-store.h"

/* After a rebuild, the site has a minute to answer. */
#define SITE_CHECKS            20
#define SITE_CHECK_INTERVAL_MS 3000

#define GIT_TIMEOUT_MS      (120 * 1000)
#define BUILD_TIMEOUT_MS    (45 * 60 * 1000)
#define MIGRATE_TIMEOUT_MS  (15 * 60 * 1000)

struct _SnDeployService
{
  GObject    parent_instance;
  SnProfile *profile;
  SnHost    *host;
  guint      poll_ms;
};

G_DEFINE_FINAL_TYPE (SnDeployService, sn_deploy_service, G_TYPE_OBJECT)

static void
sn_deploy_service_finalize (GObject *object)
{
  SnDeployService *self = SN_DEPLOY_SERVICE (object);

  g_clear_object (&self->profile);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (sn_deploy_service_parent_class)->finalize (object);
}

static void
sn_deploy_service_class_init (SnDeployServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_deploy_service_finalize;
}

static void
sn_deploy_service_init (SnDeployService *self)
{
  self->poll_ms = 1000;
}

/**
 * sn_deploy_service_new:
 * @host: the one door to the profile's host
 *
 * Returns: (transfer full): a service over @profile's checkout and GitHub repository
 */
SnDeployService *
sn_deploy_service_new (SnProfile *profile,
                       SnHost    *host)
{
  SnDeployService *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (SN_IS_HOST (host), NULL);

  self = g_object_new (SN_TYPE_DEPLOY_SERVICE, NULL);
  self->profile = g_object_ref (profile);
  self->host = g_object_ref (host);
  return self;
}

SnProfile *sn_deploy_service_get_profile (SnDeployService *self) { return self->profile; }
SnHost *sn_deploy_service_get_host (SnDeployService *self) { return self->host; }

guint
_sn_deploy_service_get_poll_ms (SnDeployService *self)
{
  return self->poll_ms;
}

void
sn_deploy_service_set_poll_interval (SnDeployService *self,
                                     guint            first_ms)
{
  self->poll_ms = MAX (first_ms, 10);
}

/* Commands ------------------------------------------------------------------ */

char *
sn_deploy_command_fetch (SnProfile *profile)
{
  static const char * const argv[] = { "fetch", "--all", "--tags", NULL };

  return sn_host_command_git (profile, argv);
}

/* A tag as the workflow checks it out (tags/TAG, detached), any other ref as is. */
char *
sn_deploy_command_checkout (SnProfile  *profile,
                            const char *ref)
{
  g_autofree char *target = sn_deploy_tag_is_valid (ref, NULL) ? g_strconcat ("tags/", ref, NULL)
                                                               : g_strdup (ref);
  const char *argv[] = { "-c", "advice.detachedHead=false", "checkout", "--quiet", target, NULL };

  return sn_host_command_git (profile, argv);
}

char *
sn_deploy_command_build (SnProfile *profile)
{
  static const char * const argv[] = { "up", "-d", "--build", "app", NULL };

  return sn_host_command_compose (profile, argv);
}

char *
sn_deploy_command_migrate (SnProfile *profile)
{
  static const char * const argv[] = { "exec", "-T", "app", "node_modules/.bin/prisma", "migrate", "deploy", NULL };

  return sn_host_command_compose (profile, argv);
}

/* The workflow's fallback when prisma cannot run in the app container
 * (target-system.md §9.2): a throw-away node:22-bookworm container on the
 * database's network, the checkout's prisma/ mounted, the URL built from
 * the env file's POSTGRES_* (the password percent-encoded, and passed
 * through the environment, not on docker's command line). */
#define MIGRATE_FALLBACK_SCRIPT \
  "{ env_value () { sed -n \"s/^$1=//p\" " SN_HOST_ENV_FILE " | tail -n 1; }; " \
  "u=$(env_value POSTGRES_USER); d=$(env_value POSTGRES_DB); " \
  "p=$(env_value POSTGRES_PASSWORD | tr -d '\\n' | od -An -tx1 -v | tr -d ' \\n' | sed 's/../%&/g'); " \
  "[ -n \"$u\" ] && [ -n \"$d\" ] || { echo \"POSTGRES_USER or POSTGRES_DB is missing from " \
  SN_HOST_ENV_FILE "\" >&2; exit 1; }; " \
  "DATABASE_URL=\"postgresql://$u:$p@" SN_DEPLOY_DB_HOST "/$d?schema=public\" " \
  "docker run --rm --network " SN_DEPLOY_DB_NETWORK " -e DATABASE_URL -v \"$PWD/prisma:/app/prisma\" " \
  "-w /app " SN_DEPLOY_MIGRATE_IMAGE " npx --yes prisma@" SN_DEPLOY_PRISMA_VERSION " migrate deploy; }"

char *
sn_deploy_command_migrate_fallback (SnProfile *profile)
{
  return sn_host_command_in_deploy_path (profile, MIGRATE_FALLBACK_SCRIPT);
}

char *
sn_deploy_command_prune (SnProfile *profile)
{
  return sn_host_command_in_deploy_path (profile, "docker image prune -f");
}

/* Running them -------------------------------------------------------------- */

typedef struct
{
  SnDeployLineFunc func;
  gpointer         data;
  GString         *last_stderr;
} Lines;

static void
on_line (const char *line,
         gboolean    is_stderr,
         gpointer    user_data)
{
  Lines *lines = user_data;

  if (is_stderr && *line != '\0')
    g_string_assign (lines->last_stderr, line);
  if (lines->func != NULL)
    lines->func (line, is_stderr, lines->data);
}

/* Runs @command through the host (audited as @action); the result even when
 * the exit status is not 0, %NULL only when it could not run. */
static SnSshExecResult *
host_exec (SnDeployService  *self,
           const char       *action,
           const char       *command,
           guint             timeout_ms,
           SnDeployLineFunc  func,
           gpointer          data,
           GString          *last_stderr,
           GCancellable     *cancellable,
           GError          **error)
{
  Lines lines = { func, data, last_stderr };

  return sn_host_exec_sync (self->host, action, command, command, timeout_ms,
                            func != NULL ? on_line : NULL, &lines, cancellable, error);
}

/* @command must succeed; its stdout (when not streamed), else an error. */
static char *
host_run (SnDeployService  *self,
          const char       *action,
          const char       *command,
          guint             timeout_ms,
          SnDeployLineFunc  func,
          gpointer          data,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autoptr(GString) last = g_string_new (NULL);
  g_autoptr(SnSshExecResult) result = host_exec (self, action, command, timeout_ms, func, data, last,
                                                 cancellable, error);
  g_autofree char *err = NULL;

  if (result == NULL)
    return NULL;
  if (sn_ssh_exec_result_get_success (result))
    return sn_ssh_exec_result_dup_stdout_text (result);

  err = func != NULL ? g_strdup (last->str) : g_strstrip (sn_ssh_exec_result_dup_stderr_text (result));
  g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_FAILED,
               _("“%s” failed on the server (exit status %d): %s"),
               command, sn_ssh_exec_result_get_exit_status (result),
               err != NULL && *err != '\0' ? err : _("no message"));
  return NULL;
}

char *
_sn_deploy_host_run (SnDeployService  *self,
                     const char       *action,
                     const char       *command,
                     guint             timeout_ms,
                     SnDeployLineFunc  func,
                     gpointer          data,
                     GCancellable     *cancellable,
                     GError          **error)
{
  return host_run (self, action, command, timeout_ms, func, data, cancellable, error);
}

static char *
git_run (SnDeployService     *self,
         const char * const  *argv,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autofree char *command = sn_host_command_git (self->profile, argv);

  return host_run (self, "deploy.git", command, GIT_TIMEOUT_MS, NULL, NULL, cancellable, error);
}

static gboolean
check_operator (SnDeployService  *self,
                const char       *what,
                GError          **error)
{
  return sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, what, error);
}

/* A ref the checkout may be moved to: a tag, a branch or a commit, never an option. */
static gboolean
check_ref (const char  *ref,
           GError     **error)
{
  if (ref != NULL && g_regex_match_simple ("^[A-Za-z0-9][A-Za-z0-9._/-]*$", ref, 0, 0) &&
      strstr (ref, "..") == NULL)
    return TRUE;

  g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_INVALID_TAG,
               _("“%s” is not a tag, branch or commit name."), ref != NULL ? ref : "");
  return FALSE;
}

/* The full commit @ref names in the checkout, or an error that says what to do. */
char *
_sn_deploy_resolve_commit (SnDeployService  *self,
                const char       *ref,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autofree char *spec = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) local = NULL;

  if (!check_ref (ref, error))
    return NULL;

  spec = g_strdup_printf ("%s%s^{commit}", sn_deploy_tag_is_valid (ref, NULL) ? "refs/tags/" : "", ref);
  {
    const char *argv[] = { "rev-parse", "--verify", "--quiet", spec, NULL };

    out = git_run (self, argv, cancellable, &local);
  }
  if (out == NULL)
    {
      if (g_error_matches (local, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_FAILED))
        g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_NO_TAG,
                     _("“%s” is not in the server’s checkout: fetch the tags first, or create "
                       "the release."),
                     ref);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  return g_strdup (g_strstrip (out));
}

/* Reads ------------------------------------------------------------------- */

GListModel *
sn_deploy_service_list_tags_sync (SnDeployService  *self,
                                  gboolean          fetch,
                                  GCancellable     *cancellable,
                                  GError          **error)
{
  static const char * const argv[] = { "tag", "--list", "--format=" SN_DEPLOY_TAG_FORMAT, NULL };
  g_autofree char *out = NULL;

  if (fetch && !sn_deploy_service_fetch_sync (self, NULL, NULL, cancellable, error))
    return NULL;
  if ((out = git_run (self, argv, cancellable, error)) == NULL)
    return NULL;
  return sn_deploy_parse_tags (out, error);
}

GListModel *
sn_deploy_service_changelog_sync (SnDeployService  *self,
                                  const char       *from,
                                  const char       *to,
                                  GCancellable     *cancellable,
                                  GError          **error)
{
  g_autofree char *from_commit = NULL;
  g_autofree char *to_commit = NULL;
  g_autofree char *range = NULL;
  g_autofree char *out = NULL;

  if ((from_commit = _sn_deploy_resolve_commit (self, from, cancellable, error)) == NULL ||
      (to_commit = _sn_deploy_resolve_commit (self, to, cancellable, error)) == NULL)
    return NULL;

  range = g_strdup_printf ("%s..%s", from_commit, to_commit);
  {
    const char *argv[] = { "log", SN_DEPLOY_LOG_FORMAT, range, NULL };

    if ((out = git_run (self, argv, cancellable, error)) == NULL)
      return NULL;
  }
  return sn_deploy_parse_log (out, error);
}

/* The highest valid tag of the lines of @text (`git tag --points-at`). */
static char *
best_tag (const char *text)
{
  g_auto(GStrv) tags = g_strsplit (text != NULL ? text : "", "\n", -1);
  const char *best = NULL;

  for (guint i = 0; tags[i] != NULL; i++)
    {
      g_strstrip (tags[i]);
      if (*tags[i] == '\0')
        continue;
      if (best == NULL || sn_deploy_tag_compare (tags[i], best) > 0)
        best = tags[i];
    }
  return g_strdup (best);
}

char *
sn_deploy_service_dup_current_ref (SnDeployService  *self,
                                   GCancellable     *cancellable,
                                   GError          **error)
{
  static const char * const branch_argv[] = { "symbolic-ref", "-q", "--short", "HEAD", NULL };
  static const char * const tags_argv[] = { "tag", "--points-at", "HEAD", NULL };
  static const char * const head_argv[] = { "rev-parse", "--verify", "HEAD", NULL };
  g_autofree char *branch_cmd = sn_host_command_git (self->profile, branch_argv);
  g_autoptr(SnSshExecResult) branch = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *head = NULL;

  branch = host_exec (self, "deploy.git", branch_cmd, GIT_TIMEOUT_MS, NULL, NULL, NULL, cancellable, error);
  if (branch == NULL)
    return NULL;
  if (sn_ssh_exec_result_get_success (branch))
    return g_strstrip (sn_ssh_exec_result_dup_stdout_text (branch));

  if ((tags = git_run (self, tags_argv, cancellable, error)) == NULL)
    return NULL;
  if ((tag = best_tag (tags)) != NULL)
    return g_steal_pointer (&tag);
  if ((head = git_run (self, head_argv, cancellable, error)) == NULL)
    return NULL;
  return g_strdup (g_strstrip (head));
}

/* The highest release tag on HEAD, or NULL (and no error) when none names it. */
char *
sn_deploy_service_dup_head_tag (SnDeployService  *self,
                                GCancellable     *cancellable,
                                GError          **error)
{
  static const char * const tags_argv[] = { "tag", "--points-at", "HEAD", NULL };
  g_autofree char *tags = NULL;

  if ((tags = git_run (self, tags_argv, cancellable, error)) == NULL)
    return NULL;
  return best_tag (tags);
}

/* The site's version and state, with the monitoring key when there is one. */
static void
read_health (SnDeployService *self,
             SnDeployStatus  *status,
             GCancellable    *cancellable)
{
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = sn_secret_store_lookup_sync (sn_secret_store_get_default (), self->profile,
                                     SN_SECRET_KIND_MONITORING_KEY, cancellable, NULL);
  {
    g_auto(SnAwait) await = SN_AWAIT_INIT;
    g_autoptr(SnHealthService) service = NULL;

    /* libsoup works in the thread-default context it was made in. */
    sn_await_push_private (&await);
    service = sn_health_service_new ();
    sn_health_service_check_async (service, sn_profile_get_site_url (self->profile), key, 10,
                                   cancellable, sn_await_callback, &await);
    report = sn_health_service_check_finish (service, sn_await_result (&await), &error);
  }

  if (report == NULL)
    {
      g_autofree char *warning = g_strdup_printf (_("The site’s health could not be read: %s"),
                                                  error->message);

      _sn_deploy_status_add_warning (status, warning);
      return;
    }

  status->health_state = g_strdup (sn_health_state_to_label (sn_health_report_get_state (report)));
  status->health_ok = sn_health_report_get_state (report) == SN_HEALTH_STATE_HEALTHY ||
                      sn_health_report_get_state (report) == SN_HEALTH_STATE_DEGRADED ||
                      sn_health_report_get_state (report) == SN_HEALTH_STATE_OPERATIONAL;
  if (sn_health_report_get_version (report) != NULL && *sn_health_report_get_version (report) != '\0')
    status->health_version = g_strdup (sn_health_report_get_version (report));
}

/* When the app's image was built (`docker image inspect`). */
static void
read_image (SnDeployService *self,
            SnDeployStatus  *status,
            GCancellable    *cancellable)
{
  g_autofree char *command = sn_host_command_in_deploy_path (self->profile,
                                                             "docker image inspect --format '{{.Created}}' "
                                                             SN_DEPLOY_APP_IMAGE);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = host_run (self, "deploy.image", command, GIT_TIMEOUT_MS, NULL, NULL,
                                   cancellable, &error);

  if (out != NULL)
    status->image_created = g_date_time_new_from_iso8601 (g_strstrip (out), NULL);
  if (status->image_created == NULL)
    {
      g_autofree char *warning = g_strdup_printf (_("The age of the app’s image is not known: %s"),
                                                  error != NULL ? error->message : out);

      _sn_deploy_status_add_warning (status, warning);
    }
}

static void
add_status_warnings (SnDeployStatus *status)
{
  if (status->branch != NULL)
    {
      g_autofree char *warning =
        g_strdup_printf (_("The server’s checkout is on the branch “%s”, not on a release tag: "
                           "the runbook’s “git pull origin master” was probably used. Deploy a tag "
                           "(the workflow checks tags out detached)."),
                         status->branch);

      _sn_deploy_status_add_warning (status, warning);
    }
  else if (status->tag == NULL)
    {
      g_autofree char *warning =
        g_strdup_printf (_("The server’s checkout is on commit %.7s, which no release tag names."),
                         status->commit);

      _sn_deploy_status_add_warning (status, warning);
    }

  if (status->tag != NULL && status->health_version != NULL &&
      g_strcmp0 (status->tag + 1, status->health_version) != 0)
    {
      g_autofree char *warning =
        g_strdup_printf (_("The site reports version %s while the checkout is %s: the app was not "
                           "rebuilt since the checkout, or package.json was not bumped for the tag."),
                         status->health_version, status->tag);

      _sn_deploy_status_add_warning (status, warning);
    }
}

SnDeployStatus *
sn_deploy_service_status_sync (SnDeployService  *self,
                               GCancellable     *cancellable,
                               GError          **error)
{
  static const char * const head_argv[] = { "log", "-1", SN_DEPLOY_LOG_FORMAT, "HEAD", NULL };
  static const char * const tags_argv[] = { "tag", "--points-at", "HEAD", NULL };
  static const char * const branch_argv[] = { "symbolic-ref", "-q", "--short", "HEAD", NULL };
  g_autoptr(SnDeployStatus) status = g_object_new (SN_TYPE_DEPLOY_STATUS, NULL);
  g_autofree char *head = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *branch_cmd = sn_host_command_git (self->profile, branch_argv);
  g_autoptr(SnSshExecResult) branch = NULL;
  g_auto(GStrv) fields = NULL;

  if ((head = git_run (self, head_argv, cancellable, error)) == NULL)
    return NULL;
  fields = g_strsplit (g_strstrip (head), "\x1f", 3);
  if (g_strv_length (fields) != 3)
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("Unexpected answer from git log: “%s”"), head);
      return NULL;
    }
  status->commit = g_strdup (fields[0]);
  status->subject = g_strdup (fields[2]);

  if ((tags = git_run (self, tags_argv, cancellable, error)) == NULL)
    return NULL;
  status->tag = best_tag (tags);

  branch = host_exec (self, "deploy.git", branch_cmd, GIT_TIMEOUT_MS, NULL, NULL, NULL, cancellable, error);
  if (branch == NULL)
    return NULL;
  if (sn_ssh_exec_result_get_success (branch))
    status->branch = g_strstrip (sn_ssh_exec_result_dup_stdout_text (branch));

  read_image (self, status, cancellable);
  read_health (self, status, cancellable);
  add_status_warnings (status);

  return g_steal_pointer (&status);
}

/**
 * sn_deploy_service_wait_site_sync:
 * @out_status: (out) (optional) (transfer full): the status that answered
 *
 * After a rebuild: reads the status up to 20 times, 3 s apart, until the
 * site answers (healthy, degraded or operational).
 *
 * Returns: %TRUE once the site answers; %FALSE with @error set when a read
 *   failed, or with @error unset when the site never answered or
 *   @cancellable was cancelled between two reads (the caller words it)
 */
gboolean
sn_deploy_service_wait_site_sync (SnDeployService  *self,
                                  GCancellable     *cancellable,
                                  SnDeployStatus  **out_status,
                                  GError          **error)
{
  g_return_val_if_fail (SN_IS_DEPLOY_SERVICE (self), FALSE);

  for (guint i = 0; i < SITE_CHECKS; i++)
    {
      g_autoptr(SnDeployStatus) status = NULL;

      if (i > 0 && g_cancellable_is_cancelled (cancellable))
        return FALSE;
      if (i > 0)
        g_usleep (SITE_CHECK_INTERVAL_MS * 1000);
      if ((status = sn_deploy_service_status_sync (self, cancellable, error)) == NULL)
        return FALSE;
      if (sn_deploy_status_get_site_answers (status))
        {
          if (out_status != NULL)
            *out_status = g_steal_pointer (&status);
          return TRUE;
        }
    }
  return FALSE;
}

/* Changes on the host ------------------------------------------------------- */

gboolean
sn_deploy_service_fetch_sync (SnDeployService  *self,
                              SnDeployLineFunc  func,
                              gpointer          func_data,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!check_operator (self, _("fetch the tags into the server’s checkout"), error))
    return FALSE;

  command = sn_deploy_command_fetch (self->profile);
  out = host_run (self, "deploy.fetch", command, GIT_TIMEOUT_MS, func, func_data, cancellable, error);
  return out != NULL;
}

gboolean
sn_deploy_service_checkout_sync (SnDeployService  *self,
                                 const char       *ref,
                                 SnDeployLineFunc  func,
                                 gpointer          func_data,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autofree char *commit = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!check_operator (self, _("change the version checked out on the server"), error))
    return FALSE;
  if (g_str_has_prefix (ref != NULL ? ref : "", "v") && !sn_deploy_tag_is_valid (ref, error))
    return FALSE;
  if ((commit = _sn_deploy_resolve_commit (self, ref, cancellable, error)) == NULL)
    return FALSE;

  command = sn_deploy_command_checkout (self->profile, ref);
  out = host_run (self, "deploy.checkout", command, GIT_TIMEOUT_MS, func, func_data, cancellable, error);
  return out != NULL;
}

gboolean
sn_deploy_service_build_sync (SnDeployService  *self,
                              SnDeployLineFunc  func,
                              gpointer          func_data,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!check_operator (self, _("rebuild and restart the app"), error))
    return FALSE;

  command = sn_deploy_command_build (self->profile);
  out = host_run (self, "deploy.build", command, BUILD_TIMEOUT_MS, func, func_data, cancellable, error);
  return out != NULL;
}

/* Whether @result says prisma could not start in the app container (the
 * container is not running, or its image has no prisma CLI), rather than
 * prisma having run and failed: only then does the workflow's fallback
 * help; a failed migration would fail the same way from anywhere. */
static gboolean
cannot_run_in_app (SnSshExecResult *result,
                   const char      *last_stderr)
{
  static const char * const signs[] = {
    "executable file not found", "no such file or directory", "is not running",
    "No such container", "OCI runtime exec failed", NULL,
  };
  int status = sn_ssh_exec_result_get_exit_status (result);

  if (status == 126 || status == 127)
    return TRUE;
  for (guint i = 0; signs[i] != NULL; i++)
    if (last_stderr != NULL && strstr (last_stderr, signs[i]) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
sn_deploy_service_migrate_sync (SnDeployService  *self,
                                SnDeployLineFunc  func,
                                gpointer          func_data,
                                GCancellable     *cancellable,
                                GError          **error)
{
  g_autoptr(GString) last = g_string_new (NULL);
  g_autoptr(SnSshExecResult) result = NULL;
  g_autofree char *command = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  if (!check_operator (self, _("apply database migrations"), error))
    return FALSE;

  command = sn_deploy_command_migrate (self->profile);
  result = host_exec (self, "deploy.migrate", command, MIGRATE_TIMEOUT_MS, func, func_data, last,
                      cancellable, error);
  if (result == NULL)
    return FALSE;
  if (sn_ssh_exec_result_get_success (result))
    return TRUE;

  err = func != NULL ? g_strdup (last->str) : g_strstrip (sn_ssh_exec_result_dup_stderr_text (result));
  if (!cannot_run_in_app (result, err))
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_FAILED,
                   _("“%s” failed on the server (exit status %d): %s"),
                   command, sn_ssh_exec_result_get_exit_status (result),
                   *err != '\0' ? err : _("no message"));
      return FALSE;
    }

  if (func != NULL)
    {
      g_autofree char *line =
        g_strdup_printf (_("prisma cannot run in the app container (%s): running it in a throw-away "
                           "%s container on %s, as the deploy workflow does."),
                         *err != '\0' ? err : _("no message"), SN_DEPLOY_MIGRATE_IMAGE, SN_DEPLOY_DB_NETWORK);

      func (line, FALSE, func_data);
    }
  fallback = sn_deploy_command_migrate_fallback (self->profile);
  out = host_run (self, "deploy.migrate", fallback, MIGRATE_TIMEOUT_MS, func, func_data, cancellable, error);
  return out != NULL;
}

/* Async forms: the sync ones in a GTask thread ----------------------------- */

typedef enum
{
  CALL_STATUS,
  CALL_TAGS,
  CALL_CHANGELOG,
  CALL_RUNS,
  CALL_RELEASE,
  CALL_FOLLOW,
} CallKind;

typedef struct
{
  CallKind         kind;
  gboolean         flag;
  guint            number;
  char            *a;
  char            *b;
  SnDeployRunFunc  func;
  gpointer         func_data;
  GMainContext    *context;
} Call;

static void
call_free (Call *call)
{
  g_free (call->a);
  g_free (call->b);
  g_clear_pointer (&call->context, g_main_context_unref);
  g_free (call);
}

static void
call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SnDeployService *self = source_object;
  Call *call = task_data;
  GError *error = NULL;
  gpointer result = NULL;

  switch (call->kind)
    {
    case CALL_STATUS:
      result = sn_deploy_service_status_sync (self, cancellable, &error);
      break;
    case CALL_TAGS:
      result = sn_deploy_service_list_tags_sync (self, call->flag, cancellable, &error);
      break;
    case CALL_CHANGELOG:
      result = sn_deploy_service_changelog_sync (self, call->a, call->b, cancellable, &error);
      break;
    case CALL_RUNS:
      result = sn_deploy_service_list_runs_sync (self, call->number, cancellable, &error);
      break;
    case CALL_RELEASE:
      result = sn_deploy_service_create_release_sync (self, call->a, call->b, cancellable, &error);
      break;
    case CALL_FOLLOW:
      /* progress goes to the caller's main context */
      result = _sn_deploy_follow_run (self, call->a, call->number, call->func, call->func_data,
                                      call->context, cancellable, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, call->kind == CALL_RELEASE ? g_free : g_object_unref);
}

static void
call_start (SnDeployService     *self,
            Call                *call,
            gpointer             tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_thread);
}

static gpointer
call_finish (SnDeployService  *self,
             GAsyncResult     *result,
             gpointer          tag,
             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static Call *
call_new (CallKind kind)
{
  Call *call = g_new0 (Call, 1);

  call->kind = kind;
  return call;
}

void
sn_deploy_service_status_async (SnDeployService     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  call_start (self, call_new (CALL_STATUS), sn_deploy_service_status_async, cancellable, callback, user_data);
}

SnDeployStatus *
sn_deploy_service_status_finish (SnDeployService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return call_finish (self, result, sn_deploy_service_status_async, error);
}

void
sn_deploy_service_list_tags_async (SnDeployService     *self,
                                   gboolean             fetch,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Call *call = call_new (CALL_TAGS);

  call->flag = fetch;
  call_start (self, call, sn_deploy_service_list_tags_async, cancellable, callback, user_data);
}

GListModel *
sn_deploy_service_list_tags_finish (SnDeployService  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  return call_finish (self, result, sn_deploy_service_list_tags_async, error);
}

void
sn_deploy_service_changelog_async (SnDeployService     *self,
                                   const char          *from,
                                   const char          *to,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Call *call = call_new (CALL_CHANGELOG);

  call->a = g_strdup (from);
  call->b = g_strdup (to);
  call_start (self, call, sn_deploy_service_changelog_async, cancellable, callback, user_data);
}

GListModel *
sn_deploy_service_changelog_finish (SnDeployService  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  return call_finish (self, result, sn_deploy_service_changelog_async, error);
}

void
sn_deploy_service_list_runs_async (SnDeployService     *self,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Call *call = call_new (CALL_RUNS);

  call->number = limit;
  call_start (self, call, sn_deploy_service_list_runs_async, cancellable, callback, user_data);
}

GListModel *
sn_deploy_service_list_runs_finish (SnDeployService  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  return call_finish (self, result, sn_deploy_service_list_runs_async, error);
}

void
sn_deploy_service_create_release_async (SnDeployService     *self,
                                        const char          *tag,
                                        const char          *commit,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Call *call = call_new (CALL_RELEASE);

  call->a = g_strdup (tag);
  call->b = g_strdup (commit);
  call_start (self, call, sn_deploy_service_create_release_async, cancellable, callback, user_data);
}

char *
sn_deploy_service_create_release_finish (SnDeployService  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  return call_finish (self, result, sn_deploy_service_create_release_async, error);
}

void
sn_deploy_service_follow_run_async (SnDeployService     *self,
                                    const char          *tag,
                                    guint                timeout_seconds,
                                    SnDeployRunFunc      func,
                                    gpointer             func_data,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Call *call = call_new (CALL_FOLLOW);

  call->a = g_strdup (tag);
  call->number = timeout_seconds;
  call->func = func;
  call->func_data = func_data;
  call->context = g_main_context_ref_thread_default ();
  call_start (self, call, sn_deploy_service_follow_run_async, cancellable, callback, user_data);
}

SnDeployRun *
sn_deploy_service_follow_run_finish (SnDeployService  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  return call_finish (self, result, sn_deploy_service_follow_run_async, error);
}
