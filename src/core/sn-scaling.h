/* sn-scaling.h: scaling (runbook §5): containers now, thresholds from
 * Prometheus, and the compose resources editor
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sn-host.h"
#include "sn-profile.h"

G_BEGIN_DECLS

#define SN_SCALING_ERROR (sn_scaling_error_quark ())

typedef enum
{
  SN_SCALING_ERROR_PARSE,        /* what the host or Prometheus sent is not what was expected */
  SN_SCALING_ERROR_YAML,         /* the compose file is not valid YAML (message has line:column) */
  SN_SCALING_ERROR_INVALID,      /* a value the person typed is refused */
  SN_SCALING_ERROR_PROMETHEUS,   /* Prometheus cannot be reached or answered an error */
  SN_SCALING_ERROR_UNSUPPORTED,  /* the file's shape cannot be edited safely */
} SnScalingError;

GQuark sn_scaling_error_quark (void);

/* ---- "Now": one container of `docker stats --no-stream` ---------------- */

#define SN_TYPE_CONTAINER_STATS (sn_container_stats_get_type ())
G_DECLARE_FINAL_TYPE (SnContainerStats, sn_container_stats, SN, CONTAINER_STATS, GObject)

const char *sn_container_stats_get_name        (SnContainerStats *self);
double      sn_container_stats_get_cpu_percent (SnContainerStats *self);
guint64     sn_container_stats_get_mem_usage   (SnContainerStats *self);
guint64     sn_container_stats_get_mem_limit   (SnContainerStats *self);
double      sn_container_stats_get_mem_percent (SnContainerStats *self);
guint       sn_container_stats_get_pids        (SnContainerStats *self);

/* One JSON object a line, as `--format '{{json .}}'` prints them. */
GListModel *sn_scaling_parse_docker_stats (const char    *text,
                                           GError       **error);
/* "1.5GiB", "512MiB", "1e+03kB", "0B" -> bytes (docker's units) */
gboolean    sn_scaling_parse_docker_size  (const char    *text,
                                           guint64       *bytes);

void        sn_scaling_stats_async        (SnHost              *host,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GListModel *sn_scaling_stats_finish       (SnHost              *host,
                                           GAsyncResult        *result,
                                           GError             **error);

/* ---- Thresholds (runbook §5.4) evaluated from Prometheus ---------------- */

typedef enum
{
  SN_THRESHOLD_CPU,
  SN_THRESHOLD_RAM,
  SN_THRESHOLD_P95,
  SN_THRESHOLD_ERRORS,
  SN_THRESHOLD_DB_CONNECTIONS,
  SN_THRESHOLD_N,
} SnThresholdKind;

typedef enum
{
  SN_THRESHOLD_STATE_OK,
  SN_THRESHOLD_STATE_WARNING,
  SN_THRESHOLD_STATE_FIRING,
  SN_THRESHOLD_STATE_UNAVAILABLE,
} SnThresholdState;

const char *sn_threshold_state_to_string (SnThresholdState state);   /* "ok", "warning", ... */
const char *sn_threshold_state_to_label  (SnThresholdState state);   /* translated */
const char *sn_threshold_kind_to_id      (SnThresholdKind  kind);    /* "cpu", "ram", ... */

/* The settings: the runbook's values by default. The app fills it from
 * GSettings, the CLI from sn_scaling_settings_init(). */
typedef struct
{
  double limit[SN_THRESHOLD_N];        /* %, %, seconds, %, % */
  guint  duration[SN_THRESHOLD_N];     /* seconds above before "firing"; 0 = at once */
  double warning_ratio;                /* "warning" from this share of the limit (0.9) */
  guint  app_memory_mib;               /* the app container's memory limit, for RAM % */
  guint  range_hours;                  /* the series: 6 */
  guint  step_seconds;                 /* its resolution: 60 */
} SnScalingSettings;

void        sn_scaling_settings_init     (SnScalingSettings *settings);
/* The PromQL evaluated for @kind under @settings. */
char       *sn_scaling_dup_promql        (SnThresholdKind          kind,
                                          const SnScalingSettings *settings);

#define SN_TYPE_THRESHOLD (sn_threshold_get_type ())
G_DECLARE_FINAL_TYPE (SnThreshold, sn_threshold, SN, THRESHOLD, GObject)

SnThresholdKind   sn_threshold_get_kind      (SnThreshold *self);
const char       *sn_threshold_get_title     (SnThreshold *self);
const char       *sn_threshold_get_promql    (SnThreshold *self);
double            sn_threshold_get_limit     (SnThreshold *self);
guint             sn_threshold_get_duration  (SnThreshold *self);
SnThresholdState  sn_threshold_get_state     (SnThreshold *self);
/* NAN when unavailable */
double            sn_threshold_get_value     (SnThreshold *self);
/* unix seconds the value went and stayed above the limit; 0 when it is not above */
gint64            sn_threshold_get_since     (SnThreshold *self);
/* "12.5 %", "2.3 s", or "—" */
char             *sn_threshold_dup_value_text (SnThreshold *self);
/* why it is unavailable; NULL otherwise */
const char       *sn_threshold_get_reason    (SnThreshold *self);
/* the runbook's action ("add an instance", ...) */
const char       *sn_threshold_get_advice    (SnThreshold *self);
/* the series: (time, value) pairs, times in unix seconds */
const double     *sn_threshold_get_series    (SnThreshold *self,
                                              guint       *n_points);
const gint64     *sn_threshold_get_times     (SnThreshold *self,
                                              guint       *n_points);
JsonNode         *sn_threshold_to_json       (SnThreshold *self);

/* Evaluates a range of samples (times ascending) against a limit and a
 * duration: public for the tests. @since set when the newest sample is
 * above the limit. */
SnThresholdState  sn_scaling_evaluate        (const gint64            *times,
                                              const double            *values,
                                              guint                    n,
                                              gint64                   now,
                                              guint                    step,
                                              double                   limit,
                                              guint                    duration,
                                              double                   warning_ratio,
                                              gint64                  *since);

/* Every threshold from Prometheus at the profile's prometheus-url, reached
 * through an SSH tunnel over @session (or directly when @session is NULL
 * and the address is loopback). Fails only when Prometheus itself cannot be
 * reached; a missing metric is a threshold in state "unavailable". */
void        sn_scaling_thresholds_async  (SnProfile                *profile,
                                          SnSshSession             *session,
                                          const SnScalingSettings  *settings,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data);
GListModel *sn_scaling_thresholds_finish (GAsyncResult             *result,
                                          GError                  **error);
GListModel *sn_scaling_thresholds_sync   (SnProfile                *profile,
                                          SnSshSession             *session,
                                          const SnScalingSettings  *settings,
                                          GCancellable             *cancellable,
                                          GError                  **error);

/* ---- Resources editor: docker-compose.yml ------------------------------ */

/* One service's resources; a field unset in the file is -1 (replicas: 0). */
typedef struct
{
  char   *name;
  double  cpus_limit;
  gint64  memory_limit;
  double  cpus_reservation;
  gint64  memory_reservation;
  int     replicas;
  gboolean has_container_name;
} SnServiceResources;

void     sn_service_resources_free (SnServiceResources *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnServiceResources, sn_service_resources_free)

/* What is asked: text as typed ("1.5", "512M"); NULL keeps the value. */
typedef struct
{
  const char *cpus_limit;
  const char *memory_limit;
  const char *cpus_reservation;
  const char *memory_reservation;
  int         replicas;              /* 0 keeps it */
} SnResourcesChange;

typedef struct
{
  guint   cpus;
  guint64 memory;
} SnHostCapacity;

/* A parsed compose file: the bytes it was read from stay unchanged. */
typedef struct _SnComposeFile SnComposeFile;

SnComposeFile *sn_compose_file_new_from_bytes (GBytes              *bytes,
                                               GError             **error);
void           sn_compose_file_free           (SnComposeFile       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnComposeFile, sn_compose_file_free)
const char    *sn_compose_file_get_text       (SnComposeFile       *self);
/* (element-type SnServiceResources) in file order */
GPtrArray     *sn_compose_file_list_services  (SnComposeFile       *self);
SnServiceResources *sn_compose_file_get_service (SnComposeFile     *self,
                                               const char          *service,
                                               GError             **error);
/* The new text: only the scalars concerned change, missing keys are
 * inserted with the file's indentation, every other byte stays. Validates
 * the values first (units, limits >= reservations, within @capacity when
 * not NULL). */
char          *sn_compose_file_apply          (SnComposeFile       *self,
                                               const char          *service,
                                               const SnResourcesChange *change,
                                               const SnHostCapacity *capacity,
                                               GError             **error);

/* "1.5" -> 1.5 (> 0); "512M", "1g", "1073741824" -> bytes (compose units) */
gboolean       sn_scaling_parse_cpus          (const char          *text,
                                               double              *cpus,
                                               GError             **error);
gboolean       sn_scaling_parse_memory        (const char          *text,
                                               gint64              *bytes,
                                               GError             **error);
char          *sn_scaling_format_memory       (gint64               bytes);

/* A unified diff (3 lines of context) of two texts, computed here with a
 * longest common subsequence over lines; "" when they are equal. */
char          *sn_scaling_unified_diff        (const char          *old_text,
                                               const char          *new_text,
                                               const char          *old_label,
                                               const char          *new_label);

/* The compose file's path on the host: DEPLOY/docker-compose.yml */
char          *sn_scaling_dup_compose_path    (SnProfile           *profile);

/* Reads the compose file and the host's CPUs and RAM (`nproc`, `free -b`). */
void           sn_scaling_read_compose_async  (SnHost              *host,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
SnComposeFile *sn_scaling_read_compose_finish (SnHost              *host,
                                               GAsyncResult        *result,
                                               SnHostCapacity      *capacity,
                                               GError             **error);
gboolean       sn_scaling_parse_capacity      (const char          *text,
                                               SnHostCapacity      *capacity,
                                               GError             **error);

/* The runbook's parameters for a change, for scaling-apply. */
GHashTable    *sn_scaling_change_to_params    (const char          *service,
                                               const SnResourcesChange *change);

/* ---- Instances and nginx's upstream (runbook §5.2) -------------------- */

/* DEPLOY/nginx/nginx.conf */
char          *sn_scaling_dup_nginx_path      (SnProfile           *profile);
/* The compose project: the deploy directory's name ("sweetnarcisse") */
char          *sn_scaling_dup_project_name    (SnProfile           *profile);
/* The block `upstream SERVICE { least_conn; server PROJECT-SERVICE-i:PORT; }` */
char          *sn_scaling_nginx_upstream      (const char          *project,
                                               const char          *service,
                                               guint                port,
                                               guint                replicas,
                                               const char          *params,
                                               const char * const  *extra,
                                               const char          *indent,
                                               const char          *inner);
/* nginx.conf with only its `upstream SERVICE` block rewritten for @replicas;
 * SN_SCALING_ERROR_UNSUPPORTED when there is no such block. */
char          *sn_scaling_nginx_apply         (const char          *text,
                                               const char          *project,
                                               const char          *service,
                                               guint                replicas,
                                               GError             **error);
char          *sn_scaling_nginx_names_note    (const char          *project,
                                               const char          *service,
                                               guint                replicas);
/* The message for people about the nginx part, and the new text (or NULL
 * when the nginx part is refused or does not change). */
char          *sn_scaling_nginx_preview       (SnProfile           *profile,
                                               SnComposeFile       *compose,
                                               const char          *nginx_text,
                                               const GError        *read_error,
                                               const char          *service,
                                               guint                replicas,
                                               char               **new_text);
void           sn_scaling_read_nginx_async    (SnHost              *host,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char          *sn_scaling_read_nginx_finish   (SnHost              *host,
                                               GAsyncResult        *result,
                                               GError             **error);

/* ---- PostgreSQL read replica (runbook §5.3): status and checklist ------ */

const char * const *sn_scaling_replica_checklist   (void);
char          *sn_scaling_command_replication (SnProfile           *profile);
void           sn_scaling_replication_async   (SnHost              *host,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonNode      *sn_scaling_replication_finish  (SnHost              *host,
                                               GAsyncResult        *result,
                                               GError             **error);

/* scaling.* runbook actions; called by sn_actions_register_builtin(). */
void           sn_scaling_actions_register    (void);

G_END_DECLS
