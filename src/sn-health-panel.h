/* sn-health-panel.h: the health dashboard of one profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_HEALTH_PANEL (sn_health_panel_get_type ())

G_DECLARE_FINAL_TYPE (SnHealthPanel, sn_health_panel, SN, HEALTH_PANEL, GtkWidget)

GtkWidget      *sn_health_panel_new         (void);
SnProfile      *sn_health_panel_get_profile (SnHealthPanel *self);
void            sn_health_panel_set_profile (SnHealthPanel *self,
                                             SnProfile     *profile);
SnHealthReport *sn_health_panel_get_report  (SnHealthPanel *self);
void            sn_health_panel_add_section (SnHealthPanel *self,
                                             GtkWidget     *section);
gboolean        sn_health_panel_get_busy    (SnHealthPanel *self);
void            sn_health_panel_refresh     (SnHealthPanel *self);
gboolean        sn_health_panel_get_by_timer (SnHealthPanel *self);

G_END_DECLS
