/* sn-activity-window.h: the audit log, newest first, filtered and exported
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_ACTIVITY_WINDOW (sn_activity_window_get_type ())

G_DECLARE_FINAL_TYPE (SnActivityWindow, sn_activity_window, SN, ACTIVITY_WINDOW, AdwWindow)

SnActivityWindow *sn_activity_window_new         (GtkWindow         *transient_for);
void              sn_activity_window_reload      (SnActivityWindow  *self);
gboolean          sn_activity_window_get_loading (SnActivityWindow  *self);
GListModel       *sn_activity_window_get_entries (SnActivityWindow  *self);
GListModel       *sn_activity_window_get_shown   (SnActivityWindow  *self);
char             *sn_activity_window_dup_csv     (SnActivityWindow  *self);
gboolean          sn_activity_window_write_csv   (SnActivityWindow  *self,
                                                  GFile             *file,
                                                  GError           **error);

G_END_DECLS
