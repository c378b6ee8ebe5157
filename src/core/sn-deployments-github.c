/* sn-deployments-github.c: the GitHub REST API calls of the deployments
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-deploy"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "sn-deployments-private.h"
#include "sn-net.h"
#include "sn-secret-store.h"

#define GITHUB_TIMEOUT_SECONDS 30
#define MAX_POLL_MS            (15 * 1000)

/*
 * One SnGithub per call, made and used in the calling thread (a SoupSession
 * belongs to the thread that made it): the base URL and the repository come
 * from the profile (github-api-url, github-repo), the token from the secret
 * store (kind "github-token"). The loopback guard checks the URL; the token
 * never goes in clear to a remote host.
 */
struct _SnGithub
{
  SoupSession  *session;
  char         *base;      /* "https://api.github.com/repos/OWNER/NAME" */
  char         *token;
  GCancellable *cancellable;
};

void
_sn_github_free (SnGithub *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->session);
  g_free (self->base);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_clear_object (&self->cancellable);
  g_free (self);
}

gboolean
_sn_github_has_token (SnGithub *self)
{
  return self->token != NULL && *self->token != '\0';
}

SnGithub *
_sn_github_new (SnProfile     *profile,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SnGithub) self = g_new0 (SnGithub, 1);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) token_error = NULL;
  g_autofree char *user_agent = g_strdup_printf ("narcisse-admin/%s", PACKAGE_VERSION);
  const char *api = sn_profile_get_github_api_url (profile);
  const char *repo = sn_profile_get_github_repo (profile);
  g_autofree char *trimmed = NULL;

  if (repo == NULL || !g_regex_match_simple ("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", repo, 0, 0))
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                   _("The profile’s GitHub repository “%s” is not OWNER/NAME: correct it in the profile."),
                   repo != NULL ? repo : "");
      return NULL;
    }

  if (api == NULL || *api == '\0')
    api = "https://api.github.com";
  if (!sn_net_check_uri (api, error))
    return NULL;
  if ((uri = g_uri_parse (api, G_URI_FLAGS_NONE, error)) == NULL)
    return NULL;

  self->token = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile,
                                             SN_SECRET_KIND_GITHUB_TOKEN, cancellable, &token_error);
  if (token_error != NULL)
    g_debug ("no GitHub token: %s", token_error->message);

  if (_sn_github_has_token (self) && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 &&
      !sn_net_host_is_loopback (g_uri_get_host (uri)))
    {
      g_set_error (error, SN_NET_ERROR, SN_NET_ERROR_INSECURE,
                   _("The GitHub token was not sent: “%s” is a plain http:// address. "
                     "Use an https:// API address in the profile."),
                   api);
      return NULL;
    }

  trimmed = g_strdup (api);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  self->base = g_strdup_printf ("%s/repos/%s", trimmed, repo);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->session = soup_session_new_with_options ("timeout", GITHUB_TIMEOUT_SECONDS,
                                                 "user-agent", user_agent, NULL);
  if (sn_net_loopback_only ())
    {
      g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

      soup_session_set_proxy_resolver (self->session, direct);
    }

  return g_steal_pointer (&self);
}

static char *
github_message (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                "message", ""));
  return g_strdup ("");
}

/**
 * _sn_github_request:
 * @path: below the repository, e.g. "/git/refs" ("" for the repository)
 * @body: (nullable): JSON to send
 * @status: (out) (optional): the HTTP status
 *
 * Returns: (transfer full): the JSON answer of a 2xx; %NULL with an error
 *   naming GitHub's message otherwise
 */
JsonNode *
_sn_github_request (SnGithub    *self,
                    const char  *method,
                    const char  *path,
                    JsonNode    *body,
                    guint       *status,
                    GError     **error)
{
  g_autofree char *url = g_strconcat (self->base, path, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *message_text = NULL;
  SoupMessageHeaders *headers;
  JsonNode *root = NULL;
  guint code;

  if (!sn_net_check_uri (url, error))
    return NULL;
  if ((message = soup_message_new (method, url)) == NULL)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                   _("“%s” is not a valid GitHub API address."), url);
      return NULL;
    }

  headers = soup_message_get_request_headers (message);
  soup_message_headers_append (headers, "Accept", "application/vnd.github+json");
  soup_message_headers_append (headers, "X-GitHub-Api-Version", "2022-11-28");
  if (_sn_github_has_token (self))
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);

      soup_message_headers_append (headers, "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  answer = soup_session_send_and_read (self->session, message, self->cancellable, error);
  if (answer == NULL)
    {
      g_prefix_error (error, _("GitHub could not be reached: "));
      return NULL;
    }

  code = soup_message_get_status (message);
  if (status != NULL)
    *status = code;

  if (g_bytes_get_size (answer) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL))
    root = json_parser_steal_root (parser);

  if (code < 200 || code >= 300)
    {
      message_text = github_message (root);
      g_clear_pointer (&root, json_node_unref);
      if (code == 401)
        g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_NO_TOKEN,
                     _("GitHub refused the token (%s): store a valid token with the “contents: write” "
                       "permission in the profile’s secrets."),
                     *message_text != '\0' ? message_text : soup_message_get_reason_phrase (message));
      else
        g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                     _("GitHub answered %u to %s %s: %s"), code, method, path,
                     *message_text != '\0' ? message_text : soup_message_get_reason_phrase (message));
      return NULL;
    }

  if (root == NULL)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                   _("GitHub’s answer to %s %s is not JSON."), method, path);
      return NULL;
    }

  return root;
}

/* The deploy workflow's runs --------------------------------------------------- */

static char *
runs_path (const char *tag,
           guint       limit)
{
  g_autofree char *escaped = tag != NULL ? g_uri_escape_string (tag, NULL, FALSE) : NULL;

  return g_strdup_printf ("/actions/workflows/" SN_DEPLOY_WORKFLOW "/runs?per_page=%u%s%s",
                          CLAMP (limit, 1, 100), escaped != NULL ? "&branch=" : "",
                          escaped != NULL ? escaped : "");
}

static GListModel *
fetch_runs (SnGithub    *github,
            const char  *tag,
            guint        limit,
            GError     **error)
{
  g_autofree char *path = runs_path (tag, limit);
  g_autoptr(JsonNode) root = _sn_github_request (github, "GET", path, NULL, NULL, error);
  g_autofree char *text = NULL;

  if (root == NULL)
    return NULL;
  text = json_to_string (root, FALSE);
  return sn_deploy_parse_runs (text, error);
}

GListModel *
sn_deploy_service_list_runs_sync (SnDeployService  *self,
                                  guint             limit,
                                  GCancellable     *cancellable,
                                  GError          **error)
{
  g_autoptr(SnGithub) github = _sn_github_new (sn_deploy_service_get_profile (self), cancellable, error);

  if (github == NULL)
    return NULL;
  return fetch_runs (github, NULL, limit > 0 ? limit : 20, error);
}

/* One line per job and step: "deploy › Health check: success". */
static void
fetch_steps (SnGithub    *github,
             SnDeployRun *run)
{
  g_autofree char *path = g_strdup_printf ("/actions/runs/%" G_GINT64_FORMAT "/jobs",
                                           sn_deploy_run_get_id (run));
  g_autoptr(JsonNode) root = _sn_github_request (github, "GET", path, NULL, NULL, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  JsonArray *jobs;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "jobs"))
    return;

  jobs = json_object_get_array_member (json_node_get_object (root), "jobs");
  for (guint i = 0; jobs != NULL && i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);
      JsonArray *steps = json_object_has_member (job, "steps")
                         ? json_object_get_array_member (job, "steps") : NULL;
      const char *job_name = json_object_get_string_member_with_default (job, "name", "");

      for (guint k = 0; steps != NULL && k < json_array_get_length (steps); k++)
        {
          JsonObject *step = json_array_get_object_element (steps, k);
          const char *conclusion = json_object_get_string_member_with_default (step, "conclusion", NULL);

          g_ptr_array_add (lines, g_strdup_printf ("%s › %s: %s", job_name,
                                                   json_object_get_string_member_with_default (step, "name", ""),
                                                   conclusion != NULL ? conclusion
                                                   : json_object_get_string_member_with_default (step, "status", "")));
        }
    }
  _sn_deploy_run_set_steps (run, lines);
}

static void
audit (SnDeployService *self,
       const char      *action,
       const char      *text,
       int              status,
       gint64           started)
{
  SnAuditLog *log = sn_host_get_audit_log (sn_deploy_service_get_host (self));
  g_autoptr(GError) error = NULL;

  if (log != NULL &&
      !sn_audit_log_append (log, sn_profile_get_name (sn_deploy_service_get_profile (self)), action, text,
                            status, g_get_monotonic_time () - started, 0, &error))
    g_warning ("audit log: %s", error->message);
}

/* The commit a release goes on: @commit resolved in the checkout, else the
 * head of the repository's default branch on GitHub. */
static char *
release_commit (SnDeployService  *self,
                SnGithub         *github,
                const char       *commit,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(JsonNode) repo = NULL;
  g_autoptr(JsonNode) ref = NULL;
  g_autofree char *path = NULL;
  const char *branch;
  JsonObject *object;

  if (commit != NULL && *commit != '\0')
    return _sn_deploy_resolve_commit (self, commit, cancellable, error);

  if ((repo = _sn_github_request (github, "GET", "", NULL, NULL, error)) == NULL)
    return NULL;
  branch = JSON_NODE_HOLDS_OBJECT (repo)
           ? json_object_get_string_member_with_default (json_node_get_object (repo), "default_branch", "master")
           : "master";
  path = g_strdup_printf ("/git/ref/heads/%s", branch);
  if ((ref = _sn_github_request (github, "GET", path, NULL, NULL, error)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (ref) ||
      (object = json_object_get_object_member (json_node_get_object (ref), "object")) == NULL ||
      json_object_get_string_member_with_default (object, "sha", NULL) == NULL)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                   _("GitHub did not say which commit heads the branch “%s”."), branch);
      return NULL;
    }
  return g_strdup (json_object_get_string_member (object, "sha"));
}

static gboolean
tag_on_github (SnGithub    *github,
               const char  *tag,
               gboolean    *exists,
               GError     **error)
{
  g_autoptr(JsonNode) tags = _sn_github_request (github, "GET", "/tags?per_page=100", NULL, NULL, error);
  JsonArray *array;

  if (tags == NULL)
    return FALSE;
  *exists = FALSE;
  array = JSON_NODE_HOLDS_ARRAY (tags) ? json_node_get_array (tags) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (item) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (item), "name", NULL),
                     tag) == 0)
        *exists = TRUE;
    }
  return TRUE;
}

char *
sn_deploy_service_create_release_sync (SnDeployService  *self,
                                       const char       *tag,
                                       const char       *commit,
                                       GCancellable     *cancellable,
                                       GError          **error)
{
  SnProfile *profile = sn_deploy_service_get_profile (self);
  g_autoptr(SnGithub) github = NULL;
  g_autoptr(GListModel) tags = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) strv = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *text = NULL;
  gboolean exists = FALSE;
  gint64 started = g_get_monotonic_time ();
  guint status = 0;

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR,
                               _("create a release (the tag deploys to the server)"), error))
    return NULL;
  if (!sn_deploy_tag_is_valid (tag, error))
    return NULL;

  if ((tags = sn_deploy_service_list_tags_sync (self, TRUE, cancellable, error)) == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (tags); i++)
    {
      SnDeployCommit *item = g_list_model_get_item (tags, i);

      g_ptr_array_add (names, item);
      g_ptr_array_add (strv, (gpointer)sn_deploy_commit_get_tag (item));
    }
  g_ptr_array_add (strv, NULL);
  if (!sn_deploy_check_new_tag (tag, (const char * const *)strv->pdata, error))
    return NULL;

  if ((github = _sn_github_new (profile, cancellable, error)) == NULL)
    return NULL;
  if (!_sn_github_has_token (github))
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_NO_TOKEN,
                   _("No GitHub token for “%s”: store one (kind “github-token”, permission "
                     "“contents: write” on %s) in the profile’s secrets."),
                   sn_profile_get_name (profile), sn_profile_get_github_repo (profile));
      return NULL;
    }
  if (!tag_on_github (github, tag, &exists, error))
    return NULL;
  if (exists)
    {
      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_TAG_EXISTS,
                   _("The tag %s already exists on GitHub: a release is never made twice. "
                     "Choose a new version."),
                   tag);
      return NULL;
    }
  if ((sha = release_commit (self, github, commit, cancellable, error)) == NULL)
    return NULL;

  ref = g_strdup_printf ("refs/tags/%s", tag);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ref");
  json_builder_add_string_value (builder, ref);
  json_builder_set_member_name (builder, "sha");
  json_builder_add_string_value (builder, sha);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  answer = _sn_github_request (github, "POST", "/git/refs", body, &status, &local);
  text = g_strdup_printf ("POST /repos/%s/git/refs ref=%s sha=%s", sn_profile_get_github_repo (profile),
                          ref, sha);
  audit (self, "deploy.release", text, answer != NULL ? 0 : (int)status, started);
  if (answer == NULL)
    {
      if (status == 422 && strstr (local->message, "already exists") != NULL)
        g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_TAG_EXISTS,
                     _("The tag %s already exists on GitHub: choose a new version."), tag);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  return g_steal_pointer (&sha);
}

typedef struct
{
  SnDeployRunFunc func;
  gpointer        data;
  SnDeployRun    *run;
} Report;

static gboolean
report_in_context (gpointer user_data)
{
  Report *report = user_data;

  report->func (report->run, report->data);
  g_object_unref (report->run);
  g_free (report);
  return G_SOURCE_REMOVE;
}

static void
report_run (GMainContext    *context,
            SnDeployRunFunc  func,
            gpointer         data,
            SnDeployRun     *run)
{
  Report *report;

  if (func == NULL)
    return;
  report = g_new0 (Report, 1);
  report->func = func;
  report->data = data;
  report->run = g_object_ref (run);
  if (context == NULL)
    report_in_context (report);
  else
    g_main_context_invoke (context, report_in_context, report);
}

/* Sleeps @ms unless cancelled first. */
static gboolean
wait_ms (guint          ms,
         GCancellable  *cancellable,
         GError       **error)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (MIN (50 * 1000, MAX (end - g_get_monotonic_time (), 0)));
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

SnDeployRun *
sn_deploy_service_follow_run_sync (SnDeployService  *self,
                                   const char       *tag,
                                   guint             timeout_seconds,
                                   SnDeployRunFunc   func,
                                   gpointer          func_data,
                                   GCancellable     *cancellable,
                                   GError          **error)
{
  return _sn_deploy_follow_run (self, tag, timeout_seconds, func, func_data,
                                g_main_context_get_thread_default (), cancellable, error);
}

/* @context: (nullable): where @func is called; %NULL: in this thread */
SnDeployRun *
_sn_deploy_follow_run (SnDeployService  *self,
                       const char       *tag,
                       guint             timeout_seconds,
                       SnDeployRunFunc   func,
                       gpointer          func_data,
                       GMainContext     *context,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(SnGithub) github = NULL;
  g_autoptr(SnDeployRun) run = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64)(timeout_seconds > 0 ? timeout_seconds : 3600) * G_USEC_PER_SEC;
  guint delay = _sn_deploy_service_get_poll_ms (self);

  if (!sn_deploy_tag_is_valid (tag, error))
    return NULL;
  if ((github = _sn_github_new (sn_deploy_service_get_profile (self), cancellable, error)) == NULL)
    return NULL;

  for (;;)
    {
      g_autoptr(GListModel) runs = fetch_runs (github, tag, 5, error);

      if (runs == NULL)
        return NULL;
      g_clear_object (&run);
      if (g_list_model_get_n_items (runs) > 0)
        {
          run = g_list_model_get_item (runs, 0);
          fetch_steps (github, run);
          report_run (context, func, func_data, run);
          if (sn_deploy_run_is_completed (run))
            return g_steal_pointer (&run);
        }

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_TIMEOUT,
                       run == NULL
                       ? _("No run of the deploy workflow started for %s: check the workflow on GitHub.")
                       : _("The deploy run of %s has not ended yet: follow it on GitHub."),
                       tag);
          return NULL;
        }
      if (!wait_ms (delay, cancellable, error))
        return NULL;
      delay = MIN (delay * 3 / 2, MAX_POLL_MS);
    }
}
