/* sn-incident-panel.h: the open incident (clock, contacts, timeline) and the past ones
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-health-history.h"
#include "sn-incident-store.h"
#include "sn-runner.h"

G_BEGIN_DECLS

#define SN_TYPE_INCIDENT_PANEL (sn_incident_panel_get_type ())

G_DECLARE_FINAL_TYPE (SnIncidentPanel, sn_incident_panel, SN, INCIDENT_PANEL, GtkWidget)

/*
 * Properties: profile, store, history (this profile's health history),
 * incident (the profile's open one, or NULL), clock-text (the countdown,
 * "" when none), clock-missed.
 */
GtkWidget       *sn_incident_panel_new              (void);
SnProfile       *sn_incident_panel_get_profile      (SnIncidentPanel *self);
void             sn_incident_panel_set_profile      (SnIncidentPanel *self,
                                                     SnProfile       *profile);
SnIncidentStore *sn_incident_panel_get_store        (SnIncidentPanel *self);
/* Whether the profile may declare, resolve and re-grade (the store decides). */
gboolean         sn_incident_panel_can_manage       (SnIncidentPanel *self,
                                                     GError         **error);
SnHealthHistory *sn_incident_panel_get_history      (SnIncidentPanel *self);
SnIncident      *sn_incident_panel_get_incident     (SnIncidentPanel *self);
const char      *sn_incident_panel_get_clock_text   (SnIncidentPanel *self);
gboolean         sn_incident_panel_get_clock_missed (SnIncidentPanel *self);
/* Looks the store up again for the profile's open incident. */
void             sn_incident_panel_reload           (SnIncidentPanel *self);

/* What the health dashboard saw: kept in the history; a change of state
 * goes into the open incident's timeline. */
void             sn_incident_panel_record_check     (SnIncidentPanel *self,
                                                     SnHealthReport  *report);
/* A runbook run of the profile: into the open incident's timeline. */
void             sn_incident_panel_record_run       (SnIncidentPanel *self,
                                                     SnRunner        *runner,
                                                     SnRunOutcome     outcome);
gboolean         sn_incident_panel_add_note         (SnIncidentPanel *self,
                                                     const char      *text,
                                                     GError         **error);
gboolean         sn_incident_panel_change_severity  (SnIncidentPanel *self,
                                                     SnSeverity       severity,
                                                     const char      *reason,
                                                     GError         **error);
gboolean         sn_incident_panel_resolve          (SnIncidentPanel *self,
                                                     const char      *resolution,
                                                     GError         **error);
/* Writes @incident's postmortem (secrets of the profile redacted) to @path. */
gboolean         sn_incident_panel_export           (SnIncidentPanel *self,
                                                     SnIncident      *incident,
                                                     const char      *path,
                                                     GError         **error);

G_END_DECLS
