/* sn-scaling-now-page.h: the Scaling view's "Now" page: containers and thresholds
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-page.h"
#include "sn-scaling.h"

G_BEGIN_DECLS

#define SN_TYPE_SCALING_NOW_PAGE (sn_scaling_now_page_get_type ())

G_DECLARE_FINAL_TYPE (SnScalingNowPage, sn_scaling_now_page, SN, SCALING_NOW_PAGE, SnAreaPage)

GtkWidget  *sn_scaling_now_page_new            (void);
void        sn_scaling_now_page_set_profile    (SnScalingNowPage *self,
                                                SnProfile        *profile);
void        sn_scaling_now_page_set_connection (SnScalingNowPage *self,
                                                SnConnection     *connection);
gboolean    sn_scaling_now_page_get_busy       (SnScalingNowPage *self);
/* What the last refresh read (nullable). */
GListModel *sn_scaling_now_page_get_stats      (SnScalingNowPage *self);
GListModel *sn_scaling_now_page_get_thresholds (SnScalingNowPage *self);

G_END_DECLS
