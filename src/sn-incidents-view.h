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

/* The incident, logs and sparklines (sn-incident-panel.h, sn-logs-panel.h,
 * sn-host-panel.h). The Server and Logs panels are built after the window's
 * first frame or when first asked for (#21). */
typedef struct _SnIncidentPanel SnIncidentPanel;
typedef struct _SnLogsPanel     SnLogsPanel;
typedef struct _SnHostPanel     SnHostPanel;

SnIncidentPanel *sn_incidents_view_get_incident_panel  (SnIncidentsView *self);
SnLogsPanel     *sn_incidents_view_get_logs_panel      (SnIncidentsView *self);
SnHostPanel     *sn_incidents_view_get_host_panel      (SnIncidentsView *self);
/* "health", "incident", "host" or "logs". */
void             sn_incidents_view_show_page           (SnIncidentsView *self,
                                                        const char      *name);
GtkWidget       *sn_incidents_view_create_header_clock (SnIncidentsView *self);

G_END_DECLS
