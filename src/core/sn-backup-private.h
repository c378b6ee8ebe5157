/* sn-backup-private.h: what the backup service sets on its records
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-backup.h"
#include "sn-backup-service.h"

G_BEGIN_DECLS

/* Where the host keeps its copies, under the deploy path. */
#define SN_BACKUP_STAGE_SUBDIR    "backups/narcisse-admin"
#define SN_BACKUP_MANIFEST_SUFFIX ".manifest.json"

SnBackup            *_sn_backup_new                  (SnBackupLocation     location,
                                                      const char          *name);
void                 _sn_backup_set_path             (SnBackup            *self,
                                                      const char          *path);
void                 _sn_backup_set_remote_path      (SnBackup            *self,
                                                      const char          *remote_path);
void                 _sn_backup_set_size             (SnBackup            *self,
                                                      guint64              size);
void                 _sn_backup_set_created          (SnBackup            *self,
                                                      GDateTime           *created);
void                 _sn_backup_set_manifest         (SnBackup            *self,
                                                      JsonObject          *manifest);
void                 _sn_backup_set_state            (SnBackup            *self,
                                                      SnBackupState        state,
                                                      const char          *message);
void                 _sn_backup_set_has_manifest     (SnBackup            *self,
                                                      gboolean             has_manifest);
/* The time in a sweet_narcisse_YYYYMMDD_HHMMSS name (UTC), or NULL. */
GDateTime           *_sn_backup_parse_name_time      (const char          *name);

SnRestoreTestResult *_sn_restore_test_result_new     (GDateTime           *date,
                                                      gboolean             passed,
                                                      const char          *backup_name,
                                                      const char          *database,
                                                      const char          *summary,
                                                      const char          *report_path);
SnRestoreTestResult *_sn_restore_test_result_new_from_json (JsonObject    *object);

/* Pieces of the service's commands (sn-backup-commands.c). */
char                *_sn_backup_prologue             (SnProfile           *profile);
char                *_sn_backup_stage_path           (const char          *name);
char                *_sn_backup_dup_prune_command    (SnProfile           *profile,
                                                      guint                keep);
char                *_sn_backup_mc_remote            (SnBackupService     *self,
                                                      const char          *name);
char                *_sn_backup_dump_rc_path         (const char          *name);
char                *_sn_backup_restore_test_create_sql (const char       *temp_db);
char                *_sn_backup_restore_test_drop_sql   (const char       *temp_db);

G_END_DECLS
