/* sn-host.h: the one door to the profile's host: every command, audited
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-action.h"
#include "sn-audit-log.h"
#include "sn-host-command.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

#define SN_HOST_ERROR (sn_host_error_quark ())

/**
 * SnHostError:
 * @SN_HOST_ERROR_FAILED: the remote command exited with a non-zero status
 * @SN_HOST_ERROR_PARSE: its output was not what the app expected
 */
typedef enum
{
  SN_HOST_ERROR_FAILED,
  SN_HOST_ERROR_PARSE,
} SnHostError;

GQuark sn_host_error_quark (void);

/**
 * SnComposeAction:
 *
 * What `docker compose` is asked to do by sn_host_compose_action_async().
 */
typedef enum
{
  SN_COMPOSE_STOP,
  SN_COMPOSE_START,
  SN_COMPOSE_UP,        /* up -d */
  SN_COMPOSE_PULL,
  SN_COMPOSE_BUILD,
  SN_COMPOSE_RESTART,
} SnComposeAction;

const char *sn_compose_action_to_string (SnComposeAction action);

/* One container of `docker compose ps -a`. */
#define SN_TYPE_CONTAINER (sn_container_get_type ())
G_DECLARE_FINAL_TYPE (SnContainer, sn_container, SN, CONTAINER, GObject)

const char *sn_container_get_name      (SnContainer *self);
const char *sn_container_get_service   (SnContainer *self);
const char *sn_container_get_state     (SnContainer *self);   /* running, exited, ... */
const char *sn_container_get_health    (SnContainer *self);   /* healthy, unhealthy, starting or "" */
const char *sn_container_get_status    (SnContainer *self);   /* "Up 5 minutes (healthy)" */
const char *sn_container_get_image     (SnContainer *self);
int         sn_container_get_exit_code (SnContainer *self);
gboolean    sn_container_is_running    (SnContainer *self);

/* One line of `df -P -B1`. */
#define SN_TYPE_FILESYSTEM (sn_filesystem_get_type ())
G_DECLARE_FINAL_TYPE (SnFilesystem, sn_filesystem, SN, FILESYSTEM, GObject)

const char *sn_filesystem_get_source  (SnFilesystem *self);
guint64     sn_filesystem_get_size    (SnFilesystem *self);
guint64     sn_filesystem_get_used    (SnFilesystem *self);
guint64     sn_filesystem_get_avail   (SnFilesystem *self);
guint       sn_filesystem_get_percent (SnFilesystem *self);
const char *sn_filesystem_get_mount   (SnFilesystem *self);

/* One row of `docker system df`. */
#define SN_TYPE_DOCKER_USAGE (sn_docker_usage_get_type ())
G_DECLARE_FINAL_TYPE (SnDockerUsage, sn_docker_usage, SN, DOCKER_USAGE, GObject)

const char *sn_docker_usage_get_kind        (SnDockerUsage *self);   /* Images, Containers, ... */
guint       sn_docker_usage_get_total       (SnDockerUsage *self);
guint       sn_docker_usage_get_active      (SnDockerUsage *self);
guint64     sn_docker_usage_get_size        (SnDockerUsage *self);
guint64     sn_docker_usage_get_reclaimable (SnDockerUsage *self);
const char *sn_docker_usage_get_size_text   (SnDockerUsage *self);
const char *sn_docker_usage_get_reclaimable_text (SnDockerUsage *self);

/* `uptime`: from /proc/uptime and /proc/loadavg. */
#define SN_TYPE_UPTIME (sn_uptime_get_type ())
G_DECLARE_FINAL_TYPE (SnUptime, sn_uptime, SN, UPTIME, GObject)

gint64      sn_uptime_get_seconds (SnUptime *self);
double      sn_uptime_get_load    (SnUptime *self,
                                   guint     minutes);   /* 1, 5 or 15 */

#define SN_TYPE_HOST (sn_host_get_type ())
G_DECLARE_FINAL_TYPE (SnHost, sn_host, SN, HOST, GObject)

SnHost          *sn_host_new                      (SnSshSession         *session,
                                                   SnAuditLog           *audit_log);
/* Routine reads by timers folded into the hour's "monitoring" audit line. */
SnHost          *sn_host_new_monitoring           (SnSshSession         *session,
                                                   SnAuditLog           *audit_log);
gboolean         sn_host_get_monitoring           (SnHost               *self);
SnSshSession    *sn_host_get_session              (SnHost               *self);
SnAuditLog      *sn_host_get_audit_log            (SnHost               *self);
char            *sn_host_dup_compose_prefix       (SnHost               *self);

/* Raw commands built with sn-host-command.h; each one audited when it ends. */
void             sn_host_exec_async               (SnHost               *self,
                                                   const char           *action,
                                                   const char           *command,
                                                   const char           *audit_text,
                                                   guint                 timeout_ms,
                                                   SnSshLineFunc         line_func,
                                                   gpointer              line_data,
                                                   GDestroyNotify        line_data_destroy,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
void             sn_host_exec_to_stream_async     (SnHost               *self,
                                                   const char           *action,
                                                   const char           *command,
                                                   const char           *audit_text,
                                                   GOutputStream        *stdout_stream,
                                                   guint                 timeout_ms,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
void             sn_host_exec_with_input_async    (SnHost               *self,
                                                   const char           *action,
                                                   const char           *command,
                                                   const char           *audit_text,
                                                   GInputStream         *stdin_stream,
                                                   guint                 timeout_ms,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
SnSshExecResult *sn_host_exec_finish              (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
SnSshExecResult *sn_host_exec_sync                (SnHost               *self,
                                                   const char           *action,
                                                   const char           *command,
                                                   const char           *audit_text,
                                                   guint                 timeout_ms,
                                                   SnSshLineFunc         line_func,
                                                   gpointer              line_data,
                                                   GCancellable         *cancellable,
                                                   GError              **error);

void             sn_host_compose_ps_async         (SnHost               *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GListModel      *sn_host_compose_ps_finish        (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_compose_logs_async       (SnHost               *self,
                                                   const char           *service,
                                                   int                   tail,
                                                   gboolean              follow,
                                                   const char           *since,
                                                   SnSshLineFunc         line_func,
                                                   gpointer              line_data,
                                                   GDestroyNotify        line_data_destroy,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         sn_host_compose_logs_finish      (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_compose_action_async     (SnHost               *self,
                                                   SnComposeAction       action,
                                                   const char           *service,
                                                   SnSshLineFunc         line_func,
                                                   gpointer              line_data,
                                                   GDestroyNotify        line_data_destroy,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         sn_host_compose_action_finish    (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_compose_exec_async       (SnHost               *self,
                                                   const char           *service,
                                                   const char * const   *argv,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
SnSshExecResult *sn_host_compose_exec_finish      (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_disk_usage_async         (SnHost               *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GListModel      *sn_host_disk_usage_finish        (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_docker_disk_usage_async  (SnHost               *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GListModel      *sn_host_docker_disk_usage_finish (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_uptime_async             (SnHost               *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
SnUptime        *sn_host_uptime_finish            (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_printenv_async           (SnHost               *self,
                                                   const char           *service,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GHashTable      *sn_host_printenv_finish          (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             sn_host_read_file_async          (SnHost               *self,
                                                   const char           *path,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GBytes          *sn_host_read_file_finish         (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void             sn_host_replace_file_async       (SnHost               *self,
                                                   const char           *path,
                                                   GBytes               *contents,
                                                   int                   mode,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         sn_host_replace_file_finish      (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   char                **backup_path,
                                                   GError              **error);
void             sn_host_restore_file_async       (SnHost               *self,
                                                   const char           *path,
                                                   const char           *backup,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         sn_host_restore_file_finish      (SnHost               *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Runbook actions host.file.replace and host.file.restore. */
void             sn_host_register_actions         (void);
/* The run's host: its service "host", else one over its service "ssh". */
SnHost          *sn_host_for_action               (SnActionContext      *context,
                                                   GError              **error);
/* A new host over the run's service "ssh" (the read-only credentials' actions). */
SnHost          *sn_host_new_for_action           (SnActionContext      *context,
                                                   GError              **error);
/* The authorized_keys line that lets @key open a tunnel to @host:@port only. */
char            *sn_host_dup_tunnel_key_line      (const char           *key,
                                                   const char           *host,
                                                   guint                 port);
/* Running one command for an action: its plan text, and the run itself. */
char            *sn_host_action_describe          (SnActionContext      *context,
                                                   const char           *command);
gboolean         sn_host_action_run               (SnActionContext      *context,
                                                   const char           *command,
                                                   GString              *stdout_text,
                                                   GError              **error);

/* Parsers, public for the tests and the CLI. */
GListModel      *sn_host_parse_compose_ps         (const char           *text,
                                                   GError              **error);
GListModel      *sn_host_parse_df                 (const char           *text,
                                                   GError              **error);
GListModel      *sn_host_parse_docker_df          (const char           *text,
                                                   GError              **error);
guint64          sn_host_parse_docker_size        (const char           *text);
SnUptime        *sn_host_parse_uptime             (const char           *text,
                                                   GError              **error);
gboolean         sn_host_env_name_is_secret       (const char           *name);

G_END_DECLS
