/* sn-maintenance-disk-private.h: what the disk cleanup's files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-maintenance-disk.h"

G_BEGIN_DECLS

struct _SnDiskSurvey
{
  GObject      parent_instance;
  GListModel  *filesystems;
  GListStore  *items;
  GListStore  *volumes;
  char        *journal_limit_text;
  guint64      journal_limit;
  guint64      docker_total;
  guint64      docker_freed;
  guint64      journal_usage;
  guint64      journal_freed;
  guint64      npm_bytes;
  gboolean     npm_available;
};

SnDiskItem *_sn_disk_item_new               (SnDiskItemKind  kind,
                                             const char     *name,
                                             const char     *detail,
                                             guint64         size,
                                             gboolean        freed,
                                             const char     *fate);
void        _sn_disk_survey_set_filesystems (SnDiskSurvey   *self,
                                             GListModel     *filesystems);

G_END_DECLS
