/* sn-logs-panel.h: a service's logs, followed live, filtered, copied and saved
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-log-model.h"

G_BEGIN_DECLS

#define SN_TYPE_LOGS_PANEL (sn_logs_panel_get_type ())

/* While shown, lines are published once a frame, this many at most. */
#define SN_LOGS_PANEL_MAX_LINES_PER_FRAME 2000
/* ... and this many while the window holds fewer than
 * SN_LOGS_PANEL_FIRST_ROWS lines: the list view builds a row widget for
 * each of its first ~205 rows, so they are built a few dozen a frame. */
#define SN_LOGS_PANEL_FIRST_LINES_PER_FRAME 20
#define SN_LOGS_PANEL_FIRST_ROWS 256

G_DECLARE_FINAL_TYPE (SnLogsPanel, sn_logs_panel, SN, LOGS_PANEL, GtkWidget)

GtkWidget  *sn_logs_panel_new          (void);
SnProfile  *sn_logs_panel_get_profile  (SnLogsPanel *self);
void        sn_logs_panel_set_profile  (SnLogsPanel *self,
                                        SnProfile   *profile);
SnLogModel *sn_logs_panel_get_model    (SnLogsPanel *self);
/* What the list shows: the model through the text and level filters. */
GListModel *sn_logs_panel_get_shown    (SnLogsPanel *self);
const char *sn_logs_panel_get_service  (SnLogsPanel *self);
void        sn_logs_panel_set_service  (SnLogsPanel *self,
                                        const char  *service);
/* (Re)starts the stream with the current service, tail and follow. */
void        sn_logs_panel_reload       (SnLogsPanel *self);
/* Stops streaming (e.g. when the profile goes away). */
void        sn_logs_panel_stop         (SnLogsPanel *self);

G_END_DECLS
