/* sn-scaling-resources-page.h: the Scaling view's "Resources" page: the
 *                              compose resources form, its diff, and Apply
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

#define SN_TYPE_SCALING_RESOURCES_PAGE (sn_scaling_resources_page_get_type ())

G_DECLARE_FINAL_TYPE (SnScalingResourcesPage, sn_scaling_resources_page, SN, SCALING_RESOURCES_PAGE, SnAreaPage)

GtkWidget *sn_scaling_resources_page_new            (void);
void       sn_scaling_resources_page_set_profile    (SnScalingResourcesPage *self,
                                                     SnProfile              *profile);
void       sn_scaling_resources_page_set_connection (SnScalingResourcesPage *self,
                                                     SnConnection           *connection);
void       sn_scaling_resources_page_reload         (SnScalingResourcesPage *self);
gboolean   sn_scaling_resources_page_get_busy       (SnScalingResourcesPage *self);
/* The file the last reload read (nullable). */
SnComposeFile *sn_scaling_resources_page_get_file   (SnScalingResourcesPage *self);
/* The diff shown now ("" when there is none). */
char      *sn_scaling_resources_page_dup_diff       (SnScalingResourcesPage *self);
/* The wizard Apply opened, while it is open (nullable). */
GtkWindow *sn_scaling_resources_page_get_wizard     (SnScalingResourcesPage *self);

G_END_DECLS
