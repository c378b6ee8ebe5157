/* sn-backup-row.h: one backup, on this computer or in the bucket
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-backup.h"

G_BEGIN_DECLS

#define SN_TYPE_BACKUP_ROW (sn_backup_row_get_type ())

G_DECLARE_FINAL_TYPE (SnBackupRow, sn_backup_row, SN, BACKUP_ROW, AdwActionRow)

SnBackup *sn_backup_row_get_backup     (SnBackupRow *self);
void      sn_backup_row_set_backup     (SnBackupRow *self,
                                        SnBackup    *backup);
gboolean  sn_backup_row_get_can_change (SnBackupRow *self);
void      sn_backup_row_set_can_change (SnBackupRow *self,
                                        gboolean     can_change);

G_END_DECLS
