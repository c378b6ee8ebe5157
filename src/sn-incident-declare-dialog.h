/* sn-incident-declare-dialog.h: the guided triage that declares an incident
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-health-history.h"
#include "sn-incident-store.h"
#include "sn-triage.h"

G_BEGIN_DECLS

#define SN_TYPE_INCIDENT_DECLARE_DIALOG (sn_incident_declare_dialog_get_type ())

G_DECLARE_FINAL_TYPE (SnIncidentDeclareDialog, sn_incident_declare_dialog,
                      SN, INCIDENT_DECLARE_DIALOG, AdwWindow)

/*
 * Seeds the triage with @report (the dashboard's last one, nullable), then
 * checks the site again at once and reseeds what the operator has not
 * changed. "declared" (SnIncident) is emitted once the incident is saved
 * in @store; the dialog then closes.
 */
SnIncidentDeclareDialog *sn_incident_declare_dialog_new          (GtkWindow               *parent,
                                                                  SnProfile               *profile,
                                                                  SnIncidentStore         *store,
                                                                  SnHealthHistory         *history,
                                                                  SnHealthReport          *report);
gboolean                 sn_incident_declare_dialog_get_busy     (SnIncidentDeclareDialog *self);
SnSeverity               sn_incident_declare_dialog_get_proposed (SnIncidentDeclareDialog *self);
/* The severity that Declare will use: the proposed one unless overridden. */
SnSeverity               sn_incident_declare_dialog_get_severity (SnIncidentDeclareDialog *self);
const char              *sn_incident_declare_dialog_get_reason   (SnIncidentDeclareDialog *self);
/* Overrides the severity (SN_SEVERITY_NONE: back to the proposed one). */
void                     sn_incident_declare_dialog_set_severity (SnIncidentDeclareDialog *self,
                                                                  SnSeverity               severity,
                                                                  const char              *reason);
/* Same as the Declare button; FALSE (and a toast) when something is missing. */
SnIncident              *sn_incident_declare_dialog_declare      (SnIncidentDeclareDialog *self,
                                                                  GError                 **error);

G_END_DECLS
