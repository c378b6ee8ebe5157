/* sn-backup.h: one database backup (a local file, a remote object, or both), and
 *              the outcome of a restore test
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * SnBackupState:
 * @SN_BACKUP_STATE_UNVERIFIED: not checked yet (or the file changed since)
 * @SN_BACKUP_STATE_VERIFIED: size plausible, sha256 matches the manifest,
 *   pg_restore read its table of contents and every data block
 * @SN_BACKUP_STATE_FAILED: a check failed; sn_backup_get_state_message() says which
 */
typedef enum
{
  SN_BACKUP_STATE_UNVERIFIED,
  SN_BACKUP_STATE_VERIFIED,
  SN_BACKUP_STATE_FAILED,
} SnBackupState;

typedef enum
{
  SN_BACKUP_LOCATION_LOCAL,   /* a file in the profile's local backups folder */
  SN_BACKUP_LOCATION_REMOTE,  /* an object in the bucket, listed with mc ls */
} SnBackupLocation;

#define SN_TYPE_BACKUP (sn_backup_get_type ())

G_DECLARE_FINAL_TYPE (SnBackup, sn_backup, SN, BACKUP, GObject)

/* Properties (all notify in the service's main context): name, path,
 * location, size, created, created-unix, state, state-message, has-manifest, label. */
const char       *sn_backup_get_name           (SnBackup  *self);   /* sweet_narcisse_YYYYMMDD_HHMMSS.dump */
const char       *sn_backup_get_path           (SnBackup  *self);   /* local file, or NULL */
const char       *sn_backup_get_remote_path    (SnBackup  *self);   /* PREFIX/NAME in the bucket, or NULL */
SnBackupLocation  sn_backup_get_location       (SnBackup  *self);
guint64           sn_backup_get_size           (SnBackup  *self);   /* bytes, exact (remote: from mc ls --json) */
GDateTime        *sn_backup_get_created        (SnBackup  *self);   /* UTC */
gint64            sn_backup_get_age_seconds    (SnBackup  *self);
SnBackupState     sn_backup_get_state          (SnBackup  *self);
const char       *sn_backup_get_state_message  (SnBackup  *self);
gboolean          sn_backup_get_has_manifest   (SnBackup  *self);
const char       *sn_backup_get_label          (SnBackup  *self);   /* "manual", "safety", "restore-test"… */
/* The manifest (see sn-backup-service.h), or NULL. */
JsonObject       *sn_backup_get_manifest       (SnBackup  *self);
const char       *sn_backup_get_sha256         (SnBackup  *self);   /* from the manifest, or NULL */
const char       *sn_backup_get_database       (SnBackup  *self);   /* from the manifest, or NULL */
/* Row count of @table in the manifest, or -1. */
gint64            sn_backup_get_table_rows     (SnBackup  *self,
                                                const char *table);
/* Table names of the manifest, sorted. */
char            **sn_backup_dup_table_names    (SnBackup  *self);

/* The outcome of one restore test. */

#define SN_RESTORE_TEST_STALE_DAYS 35

#define SN_TYPE_RESTORE_TEST_RESULT (sn_restore_test_result_get_type ())

G_DECLARE_FINAL_TYPE (SnRestoreTestResult, sn_restore_test_result, SN, RESTORE_TEST_RESULT, GObject)

GDateTime  *sn_restore_test_result_get_date         (SnRestoreTestResult *self);  /* UTC */
gboolean    sn_restore_test_result_get_passed       (SnRestoreTestResult *self);
const char *sn_restore_test_result_get_backup_name  (SnRestoreTestResult *self);
const char *sn_restore_test_result_get_database     (SnRestoreTestResult *self);  /* the temporary one */
const char *sn_restore_test_result_get_summary      (SnRestoreTestResult *self);
const char *sn_restore_test_result_get_report_path  (SnRestoreTestResult *self);
/* Whether the last test is older than SN_RESTORE_TEST_STALE_DAYS at @now
 * (NULL: now): the Database view shows its badge amber then. */
gboolean    sn_restore_test_result_is_stale         (SnRestoreTestResult *self,
                                                     GDateTime           *now);
JsonNode   *sn_restore_test_result_to_json          (SnRestoreTestResult *self);

G_END_DECLS
