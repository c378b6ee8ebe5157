/* sn-scaling-view.h: the "Scaling" view (runbook §5): "Now" and "Resources"
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-view.h"
#include "sn-scaling-now-page.h"
#include "sn-scaling-resources-page.h"

G_BEGIN_DECLS

#define SN_TYPE_SCALING_VIEW (sn_scaling_view_get_type ())

G_DECLARE_FINAL_TYPE (SnScalingView, sn_scaling_view, SN, SCALING_VIEW, SnAreaView)

GtkWidget              *sn_scaling_view_new               (void);
SnProfile              *sn_scaling_view_get_profile       (SnScalingView *self);
void                    sn_scaling_view_set_profile       (SnScalingView *self,
                                                           SnProfile     *profile);
void                    sn_scaling_view_set_connection    (SnScalingView *self,
                                                           SnConnection  *connection);
SnScalingNowPage       *sn_scaling_view_get_now_page      (SnScalingView *self);
SnScalingResourcesPage *sn_scaling_view_get_resources_page (SnScalingView *self);

G_END_DECLS
