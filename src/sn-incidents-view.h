/* sn-incidents-view.h: the "Incidents" view (health dashboard first)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_INCIDENTS_VIEW (sn_incidents_view_get_type ())

G_DECLARE_FINAL_TYPE (SnIncidentsView, sn_incidents_view, SN, INCIDENTS_VIEW, GtkWidget)

GtkWidget     *sn_incidents_view_new              (void);
SnProfile     *sn_incidents_view_get_profile      (SnIncidentsView *self);
void           sn_incidents_view_set_profile      (SnIncidentsView *self,
                                                   SnProfile       *profile);
SnHealthPanel *sn_incidents_view_get_health_panel (SnIncidentsView *self);

G_END_DECLS
