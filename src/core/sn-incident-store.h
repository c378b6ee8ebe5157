/* sn-incident-store.h: the incidents, one JSON file each, written atomically
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-incident.h"
#include "sn-profile.h"

G_BEGIN_DECLS

#define SN_TYPE_INCIDENT_STORE (sn_incident_store_get_type ())
G_DECLARE_FINAL_TYPE (SnIncidentStore, sn_incident_store, SN, INCIDENT_STORE, GObject)

/*
 * A GListModel of SnIncident, newest declared first, read from DIRECTORY
 * (default $XDG_DATA_HOME/narcisse-admin/incidents) where each incident is
 * ID.json, mode 0600, replaced atomically and durably on every save: a crash
 * while saving leaves the previous version whole. Malformed files are left
 * out and listed by sn_incident_store_get_errors().
 */
SnIncidentStore *sn_incident_store_new         (const char       *directory);
char            *sn_incident_store_default_directory (void);
const char      *sn_incident_store_get_directory (SnIncidentStore *self);
gboolean         sn_incident_store_load        (SnIncidentStore  *self,
                                                GError          **error);
const char * const *sn_incident_store_get_errors (SnIncidentStore *self);
/* Writes the incident and adds it to the list if new. */
gboolean         sn_incident_store_save        (SnIncidentStore  *self,
                                                SnIncident       *incident,
                                                GError          **error);
SnIncident      *sn_incident_store_lookup      (SnIncidentStore  *self,
                                                const char       *id);
/* The open incident of @profile (the newest if several), or NULL. */
SnIncident      *sn_incident_store_get_open    (SnIncidentStore  *self,
                                                const char       *profile);

/* Adds @runner's run to the open incident of its profile and saves it;
 * NULL with no error when none is open. */
SnIncident      *sn_incident_store_record_run  (SnIncidentStore  *self,
                                                SnRunner         *runner,
                                                SnRunOutcome      outcome,
                                                GError          **error);

/*
 * Who may manage incidents. Declaring, resolving and re-grading an incident
 * take the profile it is done with: a read-only profile (the direction) is
 * refused with SN_PROFILE_ERROR_LEVEL unless the team allows it, with the
 * setting "allow-read-only-incidents" (read when the store is made; false
 * when the schema is not installed; followed while the store lives, and
 * the "allow-read-only" property). Notes and the first response are open to
 * every level.
 */
#define SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY "allow-read-only-incidents"

gboolean         sn_incident_store_get_allow_read_only (SnIncidentStore *self);
void             sn_incident_store_set_allow_read_only (SnIncidentStore *self,
                                                        gboolean         allow);
/* Whether @profile may declare, resolve or re-grade; the refusal says why
 * and what to do. */
gboolean         sn_incident_store_check_manage (SnIncidentStore  *self,
                                                 SnProfile        *profile,
                                                 GError          **error);
/* Checks @profile, that no other incident is open on it, and saves @incident. */
gboolean         sn_incident_store_declare     (SnIncidentStore  *self,
                                                SnProfile        *profile,
                                                SnIncident       *incident,
                                                GError          **error);
/* Checks @profile, re-grades @incident with @reason (required) and saves it. */
gboolean         sn_incident_store_set_severity (SnIncidentStore *self,
                                                 SnProfile       *profile,
                                                 SnIncident      *incident,
                                                 SnSeverity       severity,
                                                 const char      *reason,
                                                 GError         **error);
/* Checks @profile, resolves @incident with @resolution and saves it. */
gboolean         sn_incident_store_close       (SnIncidentStore  *self,
                                                SnProfile        *profile,
                                                SnIncident       *incident,
                                                const char       *resolution,
                                                GError          **error);
char            *sn_incident_store_dup_path    (SnIncidentStore  *self,
                                                SnIncident       *incident);

typedef enum
{
  SN_VALUE_REDACTION_PATTERNS,   /* the profile's values are not known yet */
  SN_VALUE_REDACTION_PARTIAL,    /* some could not be read */
  SN_VALUE_REDACTION_FULL,
} SnValueRedaction;

gboolean         sn_incident_store_set_secrets (SnIncidentStore    *self,
                                                const char         *profile_name,
                                                const char * const *values,
                                                gboolean            complete,
                                                GError            **error);
gboolean         sn_incident_store_load_secrets_sync (SnIncidentStore *self,
                                                      SnProfile       *profile,
                                                      GCancellable    *cancellable);
SnValueRedaction sn_incident_store_get_value_redaction (SnIncidentStore *self,
                                                        const char      *profile_name);

G_END_DECLS
