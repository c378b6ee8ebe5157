/* sn-deployments-private.h: what the deployments files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-deployments.h"

G_BEGIN_DECLS

/* git for-each-ref format of the tag list: name, peeled commit, object, peeled
 * committer date, committer date, peeled subject, subject (0x1f between). */
#define SN_DEPLOY_TAG_FORMAT \
  "%(refname:short)%1f%(*objectname)%1f%(objectname)%1f%(*committerdate:iso-strict)%1f" \
  "%(committerdate:iso-strict)%1f%(*subject)%1f%(subject)"
#define SN_DEPLOY_LOG_FORMAT "--format=%H%x1f%cI%x1f%s"

struct _SnDeployStatus
{
  GObject    parent_instance;
  char      *tag;
  char      *branch;
  char      *commit;
  char      *subject;
  char      *health_version;
  char      *health_state;
  gboolean   health_ok;          /* the site answers: healthy, degraded or operational */
  GDateTime *image_created;
  GPtrArray *warnings;          /* NULL-terminated */
};

struct _SnDeployRun
{
  GObject    parent_instance;
  gint64     id;
  char      *tag;
  char      *status;
  char      *conclusion;
  char      *url;
  GDateTime *started;
  GDateTime *updated;
  GPtrArray *steps;             /* NULL-terminated */
};

SnDeployCommit *_sn_deploy_commit_new          (const char     *tag,
                                                const char     *hash,
                                                const char     *date,
                                                const char     *subject);
void            _sn_deploy_status_add_warning  (SnDeployStatus *self,
                                                const char     *warning);
char           *_sn_deploy_age_text            (gint64          seconds);
void            _sn_deploy_run_set_steps       (SnDeployRun    *self,
                                                GPtrArray      *lines);

char           *_sn_deploy_resolve_commit      (SnDeployService *self,
                                                const char     *ref,
                                                GCancellable   *cancellable,
                                                GError        **error);
guint           _sn_deploy_service_get_poll_ms (SnDeployService *self);
/* Runs @command through the service's SnHost; its stdout, or an error with
 * the command's last stderr line when it fails. */
char           *_sn_deploy_host_run            (SnDeployService *self,
                                                const char     *action,
                                                const char     *command,
                                                guint           timeout_ms,
                                                SnDeployLineFunc func,
                                                gpointer        data,
                                                GCancellable   *cancellable,
                                                GError        **error);
SnDeployRun    *_sn_deploy_follow_run          (SnDeployService *self,
                                                const char     *tag,
                                                guint           timeout_seconds,
                                                SnDeployRunFunc func,
                                                gpointer        func_data,
                                                GMainContext   *context,
                                                GCancellable   *cancellable,
                                                GError        **error);

/* sn-deployments-github.c: the GitHub REST API, in the calling thread. */
typedef struct _SnGithub SnGithub;

SnGithub       *_sn_github_new                 (SnProfile      *profile,
                                                GCancellable   *cancellable,
                                                GError        **error);
void            _sn_github_free                (SnGithub       *self);
JsonNode       *_sn_github_request             (SnGithub       *self,
                                                const char     *method,
                                                const char     *path,
                                                JsonNode       *body,
                                                guint          *status,
                                                GError        **error);
gboolean        _sn_github_has_token           (SnGithub       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnGithub, _sn_github_free)

G_END_DECLS
