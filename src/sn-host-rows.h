/* sn-host-rows.h: the host panel's rows, a container and a file system
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-host.h"

G_BEGIN_DECLS

#define SN_TYPE_CONTAINER_ROW (sn_container_row_get_type ())

G_DECLARE_FINAL_TYPE (SnContainerRow, sn_container_row, SN, CONTAINER_ROW, AdwActionRow)

GtkWidget *sn_container_row_new (SnContainer *container);

#define SN_TYPE_DISK_ROW (sn_disk_row_get_type ())

G_DECLARE_FINAL_TYPE (SnDiskRow, sn_disk_row, SN, DISK_ROW, AdwActionRow)

GtkWidget *sn_disk_row_new (SnFilesystem *fs);

G_END_DECLS
