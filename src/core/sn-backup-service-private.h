/* sn-backup-service-private.h: what the backup service's files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SnBackupService is split on its seams:
 *   sn-backup-service.c   the object, its host calls, the gate, the async forms
 *   sn-backup-manifest.c  manifests and the local backups
 *   sn-backup-create.c    making a backup (the dump streamed into a file)
 *   sn-backup-transfer.c  the host's copy, verify, upload, list, download
 *   sn-backup-restore.c   restore, compare, and the restore test
 * The commands themselves are built in sn-backup-commands.c, and the
 * backup.* runbook actions live in sn-backup-actions.c.
 */

#pragma once

#include "sn-audit-log.h"
#include "sn-backup-private.h"
#include "sn-backup-service.h"
#include "sn-host.h"

G_BEGIN_DECLS

/* What each entry point that changes or copies the server's data does, for
 * the level check (M1): "The profile “ro” is read-only: it cannot …". */
#define WHAT_CREATE       N_("make a backup (it copies the server’s database)")
#define WHAT_VERIFY       N_("verify a backup (it copies it to the server and reads it there)")
#define WHAT_UPLOAD       N_("upload a backup to the bucket")
#define WHAT_DOWNLOAD     N_("download a backup from the bucket (it goes through the server)")
#define WHAT_RESTORE      N_("restore a backup (it replaces the server’s database)")
#define WHAT_RESTORE_TEST N_("run a restore test (it creates and drops a database on the server)")

struct _SnBackupService
{
  GObject        parent_instance;

  SnProfile     *profile;
  SnSshSession  *session;
  SnHost        *host;          /* runs and audits every command */
  GListStore    *local;
  GListStore    *remote;
  GMainContext  *context;
  SnAuditLog    *audit;
  char          *directory;
  char          *bucket;
  char          *prefix;
  char          *mc_alias;

  guint64        min_size;
  guint64        write_limit;

  /* Host files a broken transfer may have left (the host could not be
   * reached to remove them): removed at the next dump. Guarded by stale_lock. */
  GMutex         stale_lock;
  GPtrArray     *stale;
};

/* A command's stdout streamed into a new local file (sn-backup-create.c). */
typedef struct
{
  char    *path;      /* final */
  char    *temp;
  char    *sha256;
  guint64  size;
} Received;

/* sn-backup-service.c */
void             _sn_backup_report_progress (SnBackupService   *self,
                                             const char        *operation,
                                             guint64            done,
                                             guint64            total,
                                             gint64             started_us);
SnSshExecResult *_sn_backup_host_exec      (SnBackupService   *self,
                                            const char        *what,
                                            const char        *command,
                                            GOutputStream     *stream,
                                            guint              timeout_ms,
                                            GCancellable      *cancellable,
                                            GError           **error);
char            *_sn_backup_last_lines     (const char        *text,
                                            guint              n);
char            *_sn_backup_host_run       (SnBackupService   *self,
                                            const char        *what,
                                            const char        *command,
                                            GCancellable      *cancellable,
                                            GError           **error);
char            *_sn_backup_db_query       (SnBackupService   *self,
                                            const char        *database,
                                            gboolean           read_only,
                                            const char        *sql,
                                            GCancellable      *cancellable,
                                            GError           **error);

/* sn-backup-manifest.c */
char       *_sn_backup_manifest_path_for    (const char        *dump_path);
JsonObject *_sn_backup_load_manifest        (const char        *path);
gboolean    _sn_backup_write_json_atomically (const char        *path,
                                              JsonNode          *node,
                                              GError           **error);
gboolean    _sn_backup_save_manifest        (const char        *dump_path,
                                             JsonObject        *manifest,
                                             GError           **error);
char       *_sn_backup_file_sha256          (const char        *path,
                                             GCancellable      *cancellable,
                                             GError           **error);
void        _sn_backup_fsync_directory      (const char        *directory);
SnBackup   *_sn_backup_load_local_backup    (const char        *path);
int         _sn_backup_compare_newest_first (gconstpointer      a,
                                             gconstpointer      b);
GPtrArray  *_sn_backup_scan_local           (SnBackupService   *self,
                                             GError           **error);
void        _sn_backup_reload_later         (SnBackupService   *self);

/* sn-backup-create.c */
void        _sn_backup_received_clear (Received          *received);
gboolean    _sn_backup_receive        (SnBackupService   *self,
                                       const char        *operation,
                                       const char        *command,
                                       const char        *final_path,
                                       guint64            total,
                                       Received          *received,
                                       GCancellable      *cancellable,
                                       GError           **error);
gboolean    _sn_backup_commit_received (Received          *received,
                                        GError           **error);
JsonObject *_sn_backup_new_manifest   (SnBackupService   *self,
                                       const char        *name,
                                       const char        *label);

/* sn-backup-transfer.c */
gboolean  _sn_backup_ensure_staged (SnBackupService   *self,
                                    SnBackup          *backup,
                                    const char        *sha256,
                                    GCancellable      *cancellable,
                                    GError           **error);
gboolean  _sn_backup_check_archive (SnBackupService   *self,
                                    const char        *name,
                                    JsonObject        *manifest,
                                    GCancellable      *cancellable,
                                    GError           **error);

G_END_DECLS
