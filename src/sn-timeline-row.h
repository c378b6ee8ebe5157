/* sn-timeline-row.h: one entry of an incident's timeline
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-incident.h"

G_BEGIN_DECLS

#define SN_TYPE_TIMELINE_ROW (sn_timeline_row_get_type ())

G_DECLARE_FINAL_TYPE (SnTimelineRow, sn_timeline_row, SN, TIMELINE_ROW, GtkWidget)

SnTimelineEntry *sn_timeline_row_get_entry (SnTimelineRow   *self);
void             sn_timeline_row_set_entry (SnTimelineRow   *self,
                                            SnTimelineEntry *entry);

G_END_DECLS
