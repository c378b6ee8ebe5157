/* sn-backup-service.h: backups of the profile's database: make, verify, upload,
 *                      list, download, restore and the monthly restore test
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-backup.h"
#include "sn-profile.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

/*
 * Where the bytes go (target-system.md §7; the host has pg_dump 15, the server
 * is PostgreSQL 16, so every pg_* tool runs INSIDE the db container):
 *
 *   create    host: docker compose exec -T db pg_dump -Fc | tee <stage>/NAME.part
 *             the stdout comes back over SSH into <dir>/.NAME.XXXXXX.part with
 *             sha256 and progress, is fsynced and renamed to <dir>/NAME; the
 *             host's copy is renamed to <stage>/NAME once the sha256 of both
 *             match. Then row counts, pg_restore --list and a full read
 *             (pg_restore -f /dev/null) of the staged copy inside the db
 *             container, and <dir>/NAME.manifest.json.
 *   stage     <deploy-path>/backups/narcisse-admin/ on the host (mode 700, the
 *             newest few kept): what pg_restore and mc cp read. A local file
 *             whose staged copy is gone is sent up again in base64 chunks
 *             (SnSshSession has no stdin streaming yet).
 *   upload    mc cp <stage>/NAME ALIAS/BUCKET/PREFIX/NAME, manifest beside it.
 *   download  mc cp to <stage>, then cat back like create, checked against
 *             the host's sha256 and the remote manifest when there is one.
 *
 * Manifest (NAME.manifest.json): { "format": 1, "name", "label", "created"
 * (ISO 8601 UTC), "profile", "database", "db_user", "server_version",
 * "database_size", "size", "sha256", "tables": { "Booking": 123, ... },
 * "toc_entries", "table_data": [..], "verified_at" }.
 */

#define SN_BACKUP_ERROR (sn_backup_error_quark ())

typedef enum
{
  SN_BACKUP_ERROR_FAILED,
  SN_BACKUP_ERROR_HOST,        /* a command on the host failed */
  SN_BACKUP_ERROR_STREAM,      /* the transfer broke (connection dropped, cancelled) */
  SN_BACKUP_ERROR_NO_SPACE,    /* the local disk is full */
  SN_BACKUP_ERROR_VERIFY,      /* the file is not a good backup: the message says why */
  SN_BACKUP_ERROR_NOT_FOUND,
  SN_BACKUP_ERROR_MISMATCH,    /* restored data differs from the manifest */
  SN_BACKUP_ERROR_NO_BACKUP,   /* no fresh verified backup (the gate) */
} SnBackupError;

typedef enum
{
  SN_BACKUP_CREATE_NONE   = 0,
  SN_BACKUP_CREATE_UPLOAD = 1 << 0,   /* and mc cp it to the bucket */
} SnBackupCreateFlags;

#define SN_BACKUP_DEFAULT_BUCKET   "sweet-backups"
#define SN_BACKUP_DEFAULT_PREFIX   "backups/"
#define SN_BACKUP_DEFAULT_MC_ALIAS "minio"
#define SN_BACKUP_DEFAULT_MIN_SIZE 1024

#define SN_TYPE_BACKUP_SERVICE (sn_backup_service_get_type ())

G_DECLARE_FINAL_TYPE (SnBackupService, sn_backup_service, SN, BACKUP_SERVICE, GObject)

GQuark            sn_backup_error_quark               (void);

/* Signal "progress" (const char *operation, guint64 done, guint64 total or 0,
 * double bytes_per_second, gint64 eta_seconds or -1), in the main context
 * that was thread-default when the service was made; at most 10 a second. */
SnBackupService  *sn_backup_service_new                (SnProfile            *profile,
                                                        SnSshSession         *session);
SnProfile        *sn_backup_service_get_profile        (SnBackupService      *self);
SnSshSession     *sn_backup_service_get_session        (SnBackupService      *self);
/* $XDG_DATA_HOME/narcisse-admin/backups/<profile>/ unless set. */
const char       *sn_backup_service_get_directory      (SnBackupService      *self);
void              sn_backup_service_set_directory      (SnBackupService      *self,
                                                        const char           *directory);
const char       *sn_backup_service_get_bucket         (SnBackupService      *self);
void              sn_backup_service_set_bucket         (SnBackupService      *self,
                                                        const char           *bucket);
const char       *sn_backup_service_get_prefix         (SnBackupService      *self);
void              sn_backup_service_set_prefix         (SnBackupService      *self,
                                                        const char           *prefix);
const char       *sn_backup_service_get_mc_alias       (SnBackupService      *self);
void              sn_backup_service_set_mc_alias       (SnBackupService      *self,
                                                        const char           *alias);
/* A dump smaller than this is not plausible (default 1 KiB). */
guint64           sn_backup_service_get_min_size       (SnBackupService      *self);
void              sn_backup_service_set_min_size       (SnBackupService      *self,
                                                        guint64               bytes);
/* The host folder of staged copies: <deploy-path>/backups/narcisse-admin */
char             *sn_backup_service_dup_stage_directory (SnBackupService     *self);

/* GListModels of SnBackup, newest first. The local one is read from the
 * folder (call reload after a change made elsewhere); the remote one is
 * filled by list_remote. */
GListModel       *sn_backup_service_get_local_backups  (SnBackupService      *self);
GListModel       *sn_backup_service_get_remote_backups (SnBackupService      *self);
gboolean          sn_backup_service_reload_local       (SnBackupService      *self,
                                                        GError              **error);

/* Every _sync call may run in any thread (the runner's worker, a GTask);
 * the _async forms run them in a thread and complete in the caller's
 * thread-default context. */
void              sn_backup_service_create_async       (SnBackupService      *self,
                                                        const char           *label,
                                                        SnBackupCreateFlags   flags,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
SnBackup         *sn_backup_service_create_finish      (SnBackupService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
SnBackup         *sn_backup_service_create_sync        (SnBackupService      *self,
                                                        const char           *label,
                                                        SnBackupCreateFlags   flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* Size plausible, sha256 = manifest, pg_restore --list and a full read of
 * every data block inside the db container. Marks @backup and records it in
 * its manifest. */
void              sn_backup_service_verify_async       (SnBackupService      *self,
                                                        SnBackup             *backup,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          sn_backup_service_verify_finish      (SnBackupService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean          sn_backup_service_verify_sync        (SnBackupService      *self,
                                                        SnBackup             *backup,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

void              sn_backup_service_upload_async       (SnBackupService      *self,
                                                        SnBackup             *backup,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          sn_backup_service_upload_finish      (SnBackupService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean          sn_backup_service_upload_sync        (SnBackupService      *self,
                                                        SnBackup             *backup,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* Fills the remote model; the _sync form returns the SnBackups instead. */
void              sn_backup_service_list_remote_async  (SnBackupService      *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          sn_backup_service_list_remote_finish (SnBackupService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
GPtrArray        *sn_backup_service_list_remote_sync   (SnBackupService      *self,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* @name: an object name in PREFIX (sweet_narcisse_….dump). */
void              sn_backup_service_download_async     (SnBackupService      *self,
                                                        const char           *name,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
SnBackup         *sn_backup_service_download_finish    (SnBackupService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
SnBackup         *sn_backup_service_download_sync      (SnBackupService      *self,
                                                        const char           *name,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* A local path, the name of a local backup, or of a remote one (downloaded). */
SnBackup         *sn_backup_service_find_sync          (SnBackupService      *self,
                                                        const char           *path_or_name,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
/* The newest local backup of the profile's database with @label (NULL: any)
 * made in the last @max_age_minutes, or NULL. */
SnBackup         *sn_backup_service_find_recent        (SnBackupService      *self,
                                                        const char           *label,
                                                        guint                 max_age_minutes);

/* pg_restore --clean --if-exists --no-owner --single-transaction of @backup
 * into @database (NULL: the profile's) inside the db container. Destructive:
 * only through the restore runbook. */
gboolean          sn_backup_service_restore_sync       (SnBackupService      *self,
                                                        SnBackup             *backup,
                                                        const char           *database,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
/* Exact row counts of the public tables of @database (NULL: the profile's):
 * table → gint64 (as gint64 *). */
GHashTable       *sn_backup_service_count_rows_sync    (SnBackupService      *self,
                                                        const char           *database,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
/* Counts of @database vs the manifest of @backup; fails with
 * SN_BACKUP_ERROR_MISMATCH naming every table that differs. */
gboolean          sn_backup_service_compare_sync       (SnBackupService      *self,
                                                        SnBackup             *backup,
                                                        const char           *database,
                                                        char                **report,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* The monthly restore test (@source: a path or name; NULL: newest remote,
 * else newest local). Always drops its sn_restore_test_<epoch> database,
 * writes a Markdown evidence report and records the result. The result is
 * returned even when the test failed; NULL only if it could not start. */
void              sn_backup_service_restore_test_async (SnBackupService      *self,
                                                        const char           *source,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
SnRestoreTestResult *
                  sn_backup_service_restore_test_finish (SnBackupService     *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
SnRestoreTestResult *
                  sn_backup_service_restore_test_sync  (SnBackupService      *self,
                                                        const char           *source,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
/* $XDG_DATA_HOME/narcisse-admin/restore-tests.json: the last result of each
 * profile, for the Database view's "last verified restore" badge. */
char             *sn_backup_service_dup_restore_tests_path (void);
SnRestoreTestResult *
                  sn_backup_service_get_last_restore_test (const char        *profile_name);

/* Runners: installs the backup-verified gate, the "backup" service and the
 * backup to restore (@source, or NULL). The gate passes when @source (if
 * any) verifies AND a backup of the profile's database labelled "safety"
 * (or, without @source, any label) made within the runbook's max age
 * verifies: the caller makes the safety backup right before executing. */
void              sn_backup_service_setup_runner       (SnBackupService      *self,
                                                        SnRunner             *runner,
                                                        const char           *source);
gboolean          sn_backup_service_gate_func          (SnRunner             *runner,
                                                        SnProfile            *profile,
                                                        guint                 max_age_minutes,
                                                        char                **evidence,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* The commands the service runs on the host, built here once: what runs is
 * what plans show (backup.create, backup.restore, backup.restore-test). */
char             *sn_backup_service_dup_dump_command   (SnProfile            *profile,
                                                        const char           *name);
char             *sn_backup_service_dup_restore_command (SnProfile           *profile,
                                                        const char           *name,
                                                        const char           *database,
                                                        gboolean              clean);
char             *sn_backup_service_dup_psql_command   (SnProfile            *profile,
                                                        const char           *database,
                                                        gboolean              read_only,
                                                        const char           *sql);
char             *sn_backup_service_dup_upload_command (SnBackupService      *self,
                                                        const char           *name);
char            **sn_backup_service_dup_restore_test_commands (SnProfile     *profile,
                                                               const char    *name,
                                                               const char    *temp_db);

/* For tests: local writes fail with G_IO_ERROR_NO_SPACE past @bytes (0: off). */
void              sn_backup_service_set_write_limit    (SnBackupService      *self,
                                                        guint64               bytes);

/* sn-backup-actions.c: backup.create, backup.safety, backup.prepare,
 * backup.verify, backup.restore, backup.compare, backup.restore-test */
void              sn_backup_actions_register           (void);

G_END_DECLS
