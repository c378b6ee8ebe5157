/* sn-incident.h: an incident: severity, response clock, timeline
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sn-core-types.h"
#include "sn-runner.h"

G_BEGIN_DECLS

/**
 * SnSeverity:
 * @SN_SEVERITY_NONE: not classified
 * @SN_SEVERITY_SEV1: service down (site or database): respond within 15 minutes
 * @SN_SEVERITY_SEV2: major degradation (payments impossible): within 30 minutes
 * @SN_SEVERITY_SEV3: minor degradation (cache down, slowness): within 2 hours
 * @SN_SEVERITY_SEV4: minor bug (wrong display): within 24 hours
 *
 * Runbook §1.2. A lower number is more severe.
 */
typedef enum
{
  SN_SEVERITY_NONE,
  SN_SEVERITY_SEV1,
  SN_SEVERITY_SEV2,
  SN_SEVERITY_SEV3,
  SN_SEVERITY_SEV4,
} SnSeverity;

typedef enum
{
  SN_INCIDENT_STATE_OPEN,
  SN_INCIDENT_STATE_RESOLVED,
} SnIncidentState;

typedef enum
{
  SN_TIMELINE_KIND_CHECK,
  SN_TIMELINE_KIND_RUNBOOK,
  SN_TIMELINE_KIND_COMMAND,
  SN_TIMELINE_KIND_NOTE,
  SN_TIMELINE_KIND_SEVERITY,
  SN_TIMELINE_KIND_STATE,
} SnTimelineKind;

/**
 * SnTimelineEvent:
 * @SN_TIMELINE_EVENT_TEXT: a free note, or an entry of an older file: "text"
 * @SN_TIMELINE_EVENT_DECLARED: "severity" ("SEV3"), "title"
 * @SN_TIMELINE_EVENT_SEVERITY_OVERRIDE: "proposed", "severity", "reason"
 * @SN_TIMELINE_EVENT_SEVERITY_CHANGED: "from", "to", "reason"
 * @SN_TIMELINE_EVENT_RESOLVED: "resolution"
 * @SN_TIMELINE_EVENT_TRIAGE: "reason" (the triage's own sentence)
 * @SN_TIMELINE_EVENT_RUNBOOK_RUN: "runbook" (id), "title" (untranslated),
 *   "outcome" (a #SnRunOutcome nick: "succeeded"), "parameters" (what it was
 *   asked, "tag=v1.0.7"; optional), "details" (what a run that did not
 *   succeed said)
 * @SN_TIMELINE_EVENT_CHECKLIST: "total" (int), "failed" (array of untranslated step titles)
 * @SN_TIMELINE_EVENT_HEALTH_CHANGED: "from", "to" (#SnHealthState nicks), "summary"
 * @SN_TIMELINE_EVENT_RESPONDED: the first response; "note" (optional)
 *
 * What a timeline entry records, with its parameters: the sentence is
 * written when shown, in the reader's language (sn_timeline_entry_dup_text()).
 */
typedef enum
{
  SN_TIMELINE_EVENT_TEXT,
  SN_TIMELINE_EVENT_DECLARED,
  SN_TIMELINE_EVENT_SEVERITY_OVERRIDE,
  SN_TIMELINE_EVENT_SEVERITY_CHANGED,
  SN_TIMELINE_EVENT_RESOLVED,
  SN_TIMELINE_EVENT_TRIAGE,
  SN_TIMELINE_EVENT_RUNBOOK_RUN,
  SN_TIMELINE_EVENT_CHECKLIST,
  SN_TIMELINE_EVENT_HEALTH_CHANGED,
  SN_TIMELINE_EVENT_RESPONDED,
} SnTimelineEvent;

const char *sn_severity_to_string         (SnSeverity      severity);   /* "SEV1" */
SnSeverity  sn_severity_from_string       (const char     *text);       /* "SEV1"/"sev1"/"1" */
const char *sn_severity_get_impact        (SnSeverity      severity);   /* translated */
const char *sn_severity_get_examples      (SnSeverity      severity);   /* translated */
gint64      sn_severity_get_target_seconds (SnSeverity     severity);
char       *sn_format_duration            (gint64          seconds);    /* "1 h 05 min", "-3 min 10 s" */
const char *sn_timeline_kind_to_string    (SnTimelineKind  kind);       /* nick: "check", ... */
gboolean    sn_timeline_kind_from_string  (const char     *text,
                                           SnTimelineKind *kind);
const char *sn_timeline_kind_get_label    (SnTimelineKind  kind);       /* translated */
const char *sn_timeline_event_to_string   (SnTimelineEvent event);      /* "declared", ... */
gboolean    sn_timeline_event_from_string (const char      *text,
                                           SnTimelineEvent *event);
/* sn_audit_redact() plus API-key headers ("X-API-Key: …"). */
char       *sn_incident_redact            (const char     *text);

#define SN_TYPE_TIMELINE_ENTRY (sn_timeline_entry_get_type ())
G_DECLARE_FINAL_TYPE (SnTimelineEntry, sn_timeline_entry, SN, TIMELINE_ENTRY, GObject)

/* Properties: time (GDateTime, UTC), operator, kind (int, SnTimelineKind),
 * kind-label, text (rendered in the current language), evidence (a report
 * path, or NULL), time-label (local HH:MM:SS). */
GDateTime      *sn_timeline_entry_get_time     (SnTimelineEntry *self);
const char     *sn_timeline_entry_get_operator (SnTimelineEntry *self);
SnTimelineKind  sn_timeline_entry_get_kind     (SnTimelineEntry *self);
SnTimelineEvent sn_timeline_entry_get_event    (SnTimelineEntry *self);
/* A string parameter of the event; NULL if none. */
const char     *sn_timeline_entry_get_param    (SnTimelineEntry *self,
                                                const char      *name);
/* What happened, written in the current language. */
char           *sn_timeline_entry_dup_text     (SnTimelineEntry *self);
/* The same, rendered once on the first call and kept. */
const char     *sn_timeline_entry_get_text     (SnTimelineEntry *self);
const char     *sn_timeline_entry_get_evidence (SnTimelineEntry *self);

#define SN_TYPE_INCIDENT (sn_incident_get_type ())
G_DECLARE_FINAL_TYPE (SnIncident, sn_incident, SN, INCIDENT, GObject)

/*
 * Properties: id, profile, title, severity (int), proposed-severity (int),
 * override-reason, declared-at, detected-at, responded-at, resolved-at
 * (GDateTime, UTC, NULL until then), resolution, state (int), timeline
 * (GListModel of SnTimelineEntry, oldest first).
 *
 * Everything written into an incident (title, notes, resolution) is passed
 * through sn_audit_redact() first: the file is stored in clear.
 */
SnIncident  *sn_incident_new                  (const char      *profile,
                                               const char      *title,
                                               SnSeverity       severity,
                                               SnSeverity       proposed,
                                               const char      *override_reason,
                                               GDateTime       *declared_at);
SnIncident  *sn_incident_new_from_json        (JsonNode        *node,
                                               GError         **error);
JsonNode    *sn_incident_to_json              (SnIncident      *self);
gboolean     sn_incident_redact_values        (SnIncident         *self,
                                               const char * const *secrets);

const char      *sn_incident_get_id               (SnIncident *self);
const char      *sn_incident_get_profile          (SnIncident *self);
const char      *sn_incident_get_title            (SnIncident *self);
SnSeverity       sn_incident_get_severity         (SnIncident *self);
SnSeverity       sn_incident_get_proposed_severity (SnIncident *self);
const char      *sn_incident_get_override_reason  (SnIncident *self);
GDateTime       *sn_incident_get_declared_at      (SnIncident *self);
GDateTime       *sn_incident_get_detected_at      (SnIncident *self);
GDateTime       *sn_incident_get_responded_at     (SnIncident *self);
GDateTime       *sn_incident_get_resolved_at      (SnIncident *self);
const char      *sn_incident_get_resolution       (SnIncident *self);
SnIncidentState  sn_incident_get_state            (SnIncident *self);
GListModel      *sn_incident_get_timeline         (SnIncident *self);

/* When the problem started, if before the declaration (e.g. the first
 * unhealthy check in the history). */
void             sn_incident_set_detected_at      (SnIncident     *self,
                                                   GDateTime      *detected_at);
/* Adds a free-text entry (now when @time is NULL), shown as written. The
 * first check, runbook, command or note sets responded-at: the first action. */
SnTimelineEntry *sn_incident_add_entry            (SnIncident     *self,
                                                   SnTimelineKind  kind,
                                                   const char     *text,
                                                   const char     *evidence,
                                                   GDateTime      *time);
/* Adds an entry nobody acted for (a timed health check seeing a change, the
 * triage): it never counts as the response. */
SnTimelineEntry *sn_incident_add_observation      (SnIncident     *self,
                                                   SnTimelineKind  kind,
                                                   const char     *text,
                                                   const char     *evidence,
                                                   GDateTime      *time);
/* Records the first response ("I am on it"), with an optional note. FALSE,
 * and nothing added, when the incident already has its first response or is
 * resolved. */
gboolean         sn_incident_respond              (SnIncident     *self,
                                                   const char     *note,
                                                   GDateTime      *time);
/* A runbook run (the SEV1 checklist counts as a check), with its report. */
SnTimelineEntry *sn_incident_add_run              (SnIncident     *self,
                                                   SnRunner       *runner,
                                                   SnRunOutcome    outcome);
/* How the incident was triaged (a state entry: the clock keeps running). */
SnTimelineEntry *sn_incident_add_triage           (SnIncident     *self,
                                                   const char     *reason);
/* The site's health changed while the incident is open (a check entry). */
SnTimelineEntry *sn_incident_add_health_change    (SnIncident     *self,
                                                   SnHealthState   from,
                                                   SnHealthState   to,
                                                   const char     *summary);
void             sn_incident_set_severity         (SnIncident     *self,
                                                   SnSeverity      severity,
                                                   const char     *reason,
                                                   GDateTime      *time);
void             sn_incident_resolve              (SnIncident     *self,
                                                   const char     *resolution,
                                                   GDateTime      *time);

/* The response clock: deadline = declared-at + the severity's target. */
GDateTime       *sn_incident_dup_deadline         (SnIncident     *self);
/* The deadline in local time: "23:37" when it falls on @now's day (now if
 * NULL), else with its date, "2026-12-08 23:37". */
char            *sn_incident_dup_deadline_label   (SnIncident     *self,
                                                   GDateTime      *now);
/* Seconds left before the deadline at @now (negative once passed). */
gint64           sn_incident_get_remaining_seconds (SnIncident    *self,
                                                    GDateTime     *now);
/* Whether the first action came (or, still none, will come) after the deadline. */
gboolean         sn_incident_is_response_missed   (SnIncident     *self,
                                                   GDateTime      *now);

G_END_DECLS
