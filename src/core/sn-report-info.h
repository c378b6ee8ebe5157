/* sn-report-info.h: one of the business reports, as an item of a list
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SN_TYPE_REPORT_INFO (sn_report_info_get_type ())

G_DECLARE_FINAL_TYPE (SnReportInfo, sn_report_info, SN, REPORT_INFO, GObject)

GListModel *sn_report_info_list_new        (void);
const char *sn_report_info_get_id          (SnReportInfo *self);
const char *sn_report_info_get_title       (SnReportInfo *self);
const char *sn_report_info_get_description (SnReportInfo *self);

G_END_DECLS
