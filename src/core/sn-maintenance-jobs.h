/* sn-maintenance-jobs.h: the host's scheduled backups, restore tests and rotations
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-host.h"

G_BEGIN_DECLS

typedef enum
{
  SN_JOB_BACKUP,
  SN_JOB_RESTORE_TEST,
  SN_JOB_SECRET_ROTATION,
} SnJobKind;

/* One cron line or systemd timer. Properties (for .ui bindings): kind-label,
 * source, name, schedule, last, result, failed. */
#define SN_TYPE_SCHEDULED_JOB (sn_scheduled_job_get_type ())
G_DECLARE_FINAL_TYPE (SnScheduledJob, sn_scheduled_job, SN, SCHEDULED_JOB, GObject)

SnJobKind   sn_scheduled_job_get_kind     (SnScheduledJob *self);
const char *sn_scheduled_job_get_source   (SnScheduledJob *self);   /* "cron" or "systemd" */
const char *sn_scheduled_job_get_name     (SnScheduledJob *self);   /* the timer, or the cron command */
const char *sn_scheduled_job_get_schedule (SnScheduledJob *self);   /* "0 0,6,12,18 * * *", or the next run */
const char *sn_scheduled_job_get_last     (SnScheduledJob *self);   /* when it last ran, or why unknown */
const char *sn_scheduled_job_get_result   (SnScheduledJob *self);   /* "Succeeded", "Failed (exit status 1)", … */
gboolean    sn_scheduled_job_get_failed   (SnScheduledJob *self);

/* Parsers, public for the tests. */
GPtrArray  *sn_maintenance_parse_crontab  (const char  *text);
GPtrArray  *sn_maintenance_parse_timers   (const char  *json,
                                           GError     **error);
/* `systemctl show -p Id -p Result -p ExecMainStatus -p ExecMainExitTimestamp`:
 * fills in the last result of the timers' services in @jobs. */
void        sn_maintenance_apply_results  (GPtrArray   *jobs,
                                           const char  *text);

/* Read-only, any profile: `crontab -l`, `systemctl list-timers --all
 * --output=json` and `systemctl show` of the jobs' services. A host without
 * cron or systemd simply has no such jobs. */
void        sn_maintenance_jobs_async     (SnHost              *host,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GListModel *sn_maintenance_jobs_finish    (SnHost              *host,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
