/* test-incident.c: incidents, their store, the response clock, contacts,
 * health history and the postmortem
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sn-contacts.h"
#include <string.h>

#include "sn-core.h"
#include "sn-health-history.h"
#include "sn-incident-store.h"
#include "sn-postmortem.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("sn-test-incident-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fixture->dir);

  g_assert_cmpint (system (command), ==, 0);
  g_free (fixture->dir);
}

static GDateTime *
utc (int year, int month, int day, int hour, int minute, int second)
{
  return g_date_time_new_utc (year, month, day, hour, minute, second);
}

static GDateTime *
plus (GDateTime *t,
      int        seconds)
{
  return g_date_time_add_seconds (t, seconds);
}

/* Incident ----------------------------------------------------------------- */

static void
test_severity (void)
{
  g_assert_cmpint (sn_severity_get_target_seconds (SN_SEVERITY_SEV1), ==, 15 * 60);
  g_assert_cmpint (sn_severity_get_target_seconds (SN_SEVERITY_SEV2), ==, 30 * 60);
  g_assert_cmpint (sn_severity_get_target_seconds (SN_SEVERITY_SEV3), ==, 2 * 3600);
  g_assert_cmpint (sn_severity_get_target_seconds (SN_SEVERITY_SEV4), ==, 24 * 3600);
  g_assert_cmpint (sn_severity_from_string ("SEV2"), ==, SN_SEVERITY_SEV2);
  g_assert_cmpint (sn_severity_from_string ("sev4"), ==, SN_SEVERITY_SEV4);
  g_assert_cmpint (sn_severity_from_string ("3"), ==, SN_SEVERITY_SEV3);
  g_assert_cmpint (sn_severity_from_string ("SEV5"), ==, SN_SEVERITY_NONE);
  g_assert_cmpint (sn_severity_from_string ("SEV10"), ==, SN_SEVERITY_NONE);
  g_assert_cmpstr (sn_severity_to_string (SN_SEVERITY_SEV1), ==, "SEV1");
}

static void
test_clock (void)
{
  static const struct { SnSeverity severity; int target; } cases[] = {
    { SN_SEVERITY_SEV1, 900 }, { SN_SEVERITY_SEV2, 1800 },
    { SN_SEVERITY_SEV3, 7200 }, { SN_SEVERITY_SEV4, 86400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) declared = utc (2026, 1, 2, 9, 0, 0);
      g_autoptr(SnIncident) incident = sn_incident_new ("demo", "Site down", cases[i].severity,
                                                        SN_SEVERITY_NONE, NULL, declared);
      g_autoptr(GDateTime) deadline = sn_incident_dup_deadline (incident);
      g_autoptr(GDateTime) before = plus (declared, cases[i].target - 1);
      g_autoptr(GDateTime) after = plus (declared, cases[i].target + 1);
      g_autoptr(GDateTime) early = plus (declared, 60);

      g_assert_cmpint (g_date_time_difference (deadline, declared) / G_TIME_SPAN_SECOND, ==, cases[i].target);
      g_assert_cmpint (sn_incident_get_remaining_seconds (incident, early), ==, cases[i].target - 60);
      g_assert_cmpint (sn_incident_get_remaining_seconds (incident, after), ==, -1);
      /* No action yet: missed once the deadline has passed. */
      g_assert_false (sn_incident_is_response_missed (incident, before));
      g_assert_true (sn_incident_is_response_missed (incident, after));
      g_assert_null (sn_incident_get_responded_at (incident));
    }

  /* Responded in time: never missed, whatever "now" is. */
  {
    g_autoptr(GDateTime) declared = utc (2026, 1, 2, 9, 0, 0);
    g_autoptr(SnIncident) incident = sn_incident_new ("demo", "DB down", SN_SEVERITY_SEV1,
                                                      SN_SEVERITY_SEV1, NULL, declared);
    g_autoptr(GDateTime) at = plus (declared, 10 * 60);
    g_autoptr(GDateTime) later = plus (declared, 5 * 3600);

    sn_incident_add_entry (incident, SN_TIMELINE_KIND_CHECK, "SEV1 checklist: 4 of 5 passed", NULL, at);
    g_assert_true (g_date_time_equal (sn_incident_get_responded_at (incident), at));
    g_assert_false (sn_incident_is_response_missed (incident, later));
  }

  /* Responded late: missed. */
  {
    g_autoptr(GDateTime) declared = utc (2026, 1, 2, 9, 0, 0);
    g_autoptr(SnIncident) incident = sn_incident_new ("demo", "DB down", SN_SEVERITY_SEV1,
                                                      SN_SEVERITY_SEV1, NULL, declared);
    g_autoptr(GDateTime) t2 = plus (declared, 16 * 60);

    sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE, "looking at it", NULL, t2);
    g_assert_true (sn_incident_is_response_missed (incident, t2));
  }

  /* A re-grade is a person's action: the first one is the response; the
   * target follows the new severity. */
  {
    g_autoptr(GDateTime) declared = utc (2026, 1, 2, 9, 0, 0);
    g_autoptr(SnIncident) incident = sn_incident_new ("demo", "DB down", SN_SEVERITY_SEV1,
                                                      SN_SEVERITY_SEV1, NULL, declared);
    g_autoptr(GDateTime) t1 = plus (declared, 5 * 60);
    g_autoptr(GDateTime) t2 = plus (declared, 16 * 60);

    sn_incident_set_severity (incident, SN_SEVERITY_SEV2, "payments only", t1);
    g_assert_true (g_date_time_equal (sn_incident_get_responded_at (incident), t1));
    /* Now SEV2: 30 min target, deadline 09:30. */
    g_assert_cmpint (sn_incident_get_remaining_seconds (incident, t2), ==, 14 * 60);
    sn_incident_set_severity (incident, SN_SEVERITY_SEV1, "everything down after all", t2);
    g_assert_true (g_date_time_equal (sn_incident_get_responded_at (incident), t1));
    g_assert_false (sn_incident_is_response_missed (incident, t2));
  }
}

/* What nobody did does not stop the clock; what a person did does, once. */
static void
test_first_response (void)
{
  g_autoptr(GDateTime) declared = utc (2026, 1, 2, 9, 0, 0);
  g_autoptr(GDateTime) t1 = plus (declared, 1);
  g_autoptr(GDateTime) t2 = plus (declared, 7 * 60);
  g_autoptr(GDateTime) t3 = plus (declared, 9 * 60);
  g_autoptr(SnIncident) incident = sn_incident_new ("demo", "Site down", SN_SEVERITY_SEV1,
                                                    SN_SEVERITY_SEV1, NULL, declared);
  GListModel *timeline = sn_incident_get_timeline (incident);
  g_autoptr(SnTimelineEntry) last = NULL;

  /* The triage and a timed health check seeing a change, right after declaring. */
  sn_incident_add_observation (incident, SN_TIMELINE_KIND_STATE, "Triage: the site does not answer", NULL, t1);
  sn_incident_add_observation (incident, SN_TIMELINE_KIND_CHECK, "Health check: healthy → unreachable",
                               NULL, t1);
  g_assert_null (sn_incident_get_responded_at (incident));
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 3);

  /* "I am on it": the response, in the timeline, once. */
  g_assert_true (sn_incident_respond (incident, "looking at the logs", t2));
  g_assert_true (g_date_time_equal (sn_incident_get_responded_at (incident), t2));
  last = g_list_model_get_item (timeline, 3);
  g_assert_nonnull (strstr (sn_timeline_entry_get_text (last), "looking at the logs"));
  g_assert_false (sn_incident_respond (incident, NULL, t3));
  g_assert_true (g_date_time_equal (sn_incident_get_responded_at (incident), t2));
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 4);

  /* A resolved incident takes no response. */
  {
    g_autoptr(SnIncident) other = sn_incident_new ("demo", "x", SN_SEVERITY_SEV3, SN_SEVERITY_SEV3, NULL, declared);

    sn_incident_resolve (other, "gone", t2);
    g_assert_false (sn_incident_respond (other, NULL, t3));
  }
}

/* "Respond before": the time alone today, with the date otherwise. */
static void
test_deadline_label (void)
{
  g_autoptr(GDateTime) declared = g_date_time_new_local (2026, 12, 7, 23, 22, 0);
  g_autoptr(GDateTime) same_day = g_date_time_new_local (2026, 12, 7, 23, 30, 0);
  g_autoptr(SnIncident) sev1 = sn_incident_new ("demo", "a", SN_SEVERITY_SEV1, SN_SEVERITY_SEV1, NULL, declared);
  g_autoptr(SnIncident) sev3 = sn_incident_new ("demo", "b", SN_SEVERITY_SEV3, SN_SEVERITY_SEV3, NULL, declared);
  g_autoptr(SnIncident) sev4 = sn_incident_new ("demo", "c", SN_SEVERITY_SEV4, SN_SEVERITY_SEV4, NULL, declared);
  g_autofree char *a = sn_incident_dup_deadline_label (sev1, same_day);
  g_autofree char *b = sn_incident_dup_deadline_label (sev3, same_day);
  g_autofree char *c = sn_incident_dup_deadline_label (sev4, same_day);

  g_assert_cmpstr (a, ==, "23:37");
  g_assert_cmpstr (b, ==, "2026-12-08 01:22");
  g_assert_cmpstr (c, ==, "2026-12-08 23:22");
}

static SnProfile *
profile_with_level (const char    *name,
                    SnSafetyLevel  level)
{
  SnProfile *profile = sn_profile_new (name);

  g_object_set (profile, "safety-level", level, NULL);
  return profile;
}

/* The direction does not declare, re-grade or resolve unless allowed; the
 * store, not the GUI, refuses. */
static void
test_store_read_only (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SnIncidentStore) store = sn_incident_store_new (fixture->dir);
  g_autoptr(SnProfile) ro = profile_with_level ("demo", SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnProfile) op = profile_with_level ("demo", SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnProfile) other = profile_with_level ("prod", SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnIncident) incident = sn_incident_new ("demo", "Site down", SN_SEVERITY_SEV2,
                                                    SN_SEVERITY_SEV2, NULL, NULL);
  g_autoptr(SnIncident) second = sn_incident_new ("demo", "Again", SN_SEVERITY_SEV1,
                                                  SN_SEVERITY_SEV1, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* Off unless the team allows it (the schema's default, the memory backend here). */
  g_assert_false (sn_incident_store_get_allow_read_only (store));
  g_assert_false (sn_incident_store_declare (store, ro, incident, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  path = sn_incident_store_dup_path (store, incident);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (sn_incident_store_declare (store, op, incident, &error));
  g_assert_no_error (error);
  /* One open incident per profile. */
  g_assert_false (sn_incident_store_declare (store, op, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  /* Another profile's level does not decide for this one. */
  g_assert_false (sn_incident_store_close (store, other, incident, "x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (sn_incident_store_set_severity (store, ro, incident, SN_SEVERITY_SEV1, "worse", &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_incident_store_close (store, ro, incident, "fixed", &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_cmpint (sn_incident_get_severity (incident), ==, SN_SEVERITY_SEV2);
  g_assert_cmpint (sn_incident_get_state (incident), ==, SN_INCIDENT_STATE_OPEN);
  g_assert_null (sn_incident_get_responded_at (incident));

  /* A re-grade needs its reason. */
  g_assert_false (sn_incident_store_set_severity (store, op, incident, SN_SEVERITY_SEV1, "  ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Allowed by the setting: the same calls pass. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY, TRUE);
    g_assert_true (sn_incident_store_get_allow_read_only (store));
    g_assert_true (sn_incident_store_set_severity (store, ro, incident, SN_SEVERITY_SEV1, "worse", &error));
    g_assert_no_error (error);
    g_assert_nonnull (sn_incident_get_responded_at (incident));
    g_assert_true (sn_incident_store_close (store, ro, incident, "fixed", &error));
    g_assert_no_error (error);
    g_settings_reset (settings, SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY);
    g_assert_false (sn_incident_store_get_allow_read_only (store));
  }
  {
    g_autoptr(SnIncidentStore) again = sn_incident_store_new (fixture->dir);

    g_assert_true (sn_incident_store_load (again, &error));
    g_assert_cmpint (sn_incident_get_severity (sn_incident_store_lookup (again, sn_incident_get_id (incident))),
                     ==, SN_SEVERITY_SEV1);
    g_assert_cmpint (sn_incident_get_state (sn_incident_store_lookup (again, sn_incident_get_id (incident))),
                     ==, SN_INCIDENT_STATE_RESOLVED);
  }
}

static void
test_incident_json (void)
{
  g_autoptr(GDateTime) declared = utc (2026, 3, 4, 22, 10, 5);
  g_autoptr(GDateTime) t1 = plus (declared, 120);
  g_autoptr(GDateTime) t2 = plus (declared, 1800);
  g_autoptr(GDateTime) detected = plus (declared, -300);
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(SnIncident) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnTimelineEntry) first = NULL;
  g_autoptr(SnTimelineEntry) note = NULL;
  GListModel *timeline;

  incident = sn_incident_new ("demo", "Payments failing", SN_SEVERITY_SEV1, SN_SEVERITY_SEV2,
                              "the payment provider says our whole account is blocked", declared);
  sn_incident_set_detected_at (incident, detected);
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_RUNBOOK, "Ran sev1-checklist",
                         "/tmp/report.md", t1);
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE,
                         "tried DATABASE_URL=postgresql://u:hunter2secret@db/x", NULL, t1);
  sn_incident_resolve (incident, "restarted the app", t2);

  /* Declaration, override, runbook, note, resolution. */
  timeline = sn_incident_get_timeline (incident);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 5);
  note = g_list_model_get_item (timeline, 3);
  g_assert_null (strstr (sn_timeline_entry_get_text (note), "hunter2secret"));
  {
    SnTimelineEntry *header = sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE,
                                                     "curl -H 'X-API-Key: k3yk3yk3y' -H \"x-cron-key: c7\"",
                                                     NULL, t1);

    g_assert_null (strstr (sn_timeline_entry_get_text (header), "k3yk3yk3y"));
    g_assert_null (strstr (sn_timeline_entry_get_text (header), "c7"));
    g_assert_nonnull (strstr (sn_timeline_entry_get_text (header), "X-API-Key: [REDACTED]"));
  }
  g_assert_cmpstr (sn_timeline_entry_get_operator (note), ==, g_get_user_name ());

  node = sn_incident_to_json (incident);
  copy = sn_incident_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_incident_get_id (copy), ==, sn_incident_get_id (incident));
  g_assert_cmpstr (sn_incident_get_profile (copy), ==, "demo");
  g_assert_cmpstr (sn_incident_get_title (copy), ==, "Payments failing");
  g_assert_cmpint (sn_incident_get_severity (copy), ==, SN_SEVERITY_SEV1);
  g_assert_cmpint (sn_incident_get_proposed_severity (copy), ==, SN_SEVERITY_SEV2);
  g_assert_cmpstr (sn_incident_get_override_reason (copy), ==, sn_incident_get_override_reason (incident));
  g_assert_true (g_date_time_equal (sn_incident_get_declared_at (copy), declared));
  g_assert_true (g_date_time_equal (sn_incident_get_detected_at (copy), detected));
  g_assert_true (g_date_time_equal (sn_incident_get_responded_at (copy), t1));
  g_assert_true (g_date_time_equal (sn_incident_get_resolved_at (copy), t2));
  g_assert_cmpstr (sn_incident_get_resolution (copy), ==, "restarted the app");
  g_assert_cmpint (sn_incident_get_state (copy), ==, SN_INCIDENT_STATE_RESOLVED);
  g_assert_cmpuint (g_list_model_get_n_items (sn_incident_get_timeline (copy)), ==, 6);
  first = g_list_model_get_item (sn_incident_get_timeline (copy), 2);
  g_assert_cmpint (sn_timeline_entry_get_kind (first), ==, SN_TIMELINE_KIND_RUNBOOK);
  g_assert_cmpstr (sn_timeline_entry_get_evidence (first), ==, "/tmp/report.md");
  g_assert_true (g_date_time_equal (sn_timeline_entry_get_time (first), t1));
}

/* Store -------------------------------------------------------------------- */

/* M10: what patterns cannot see (a bare password pasted in a note, a
 * reason or a resolution) is redacted by value when the store saves, also
 * for what was saved before the values were known; the store says how far
 * redaction went. */
static gboolean
file_has (const char *path,
          const char *needle)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return strstr (text, needle) != NULL;
}

static void
test_store_value_redaction (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SnIncidentStore) store = sn_incident_store_new (fixture->dir);
  g_autoptr(SnProfile) demo = sn_profile_new ("demo");
  g_autoptr(SnIncident) incident = sn_incident_new ("demo", "Down, tried Tr0ub4dor&3 again",
                                                    SN_SEVERITY_SEV2, SN_SEVERITY_SEV2, NULL, NULL);
  g_autoptr(SnIncident) other = sn_incident_new ("prod", "Other: Tr0ub4dor&3",
                                                 SN_SEVERITY_SEV3, SN_SEVERITY_SEV3, NULL, NULL);
  const char * const secrets[] = { "Tr0ub4dor&3", "s3cr3t-redis", "abc", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;

  g_assert_true (sn_incident_store_load (store, &error));
  g_assert_cmpint (sn_incident_store_get_value_redaction (store, "demo"), ==, SN_VALUE_REDACTION_PATTERNS);

  /* Saved before the values are known: only patterns, and the store says so. */
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE, "redis pw is s3cr3t-redis", NULL, NULL);
  g_assert_true (sn_incident_store_save (store, incident, &error));
  g_assert_true (sn_incident_store_save (store, other, &error));
  g_assert_no_error (error);
  path = sn_incident_store_dup_path (store, incident);
  other_path = sn_incident_store_dup_path (store, other);
  g_assert_true (file_has (path, "s3cr3t-redis"));

  /* The values come (partly: one kind unreadable): the file is saved again, redacted. */
  g_assert_true (sn_incident_store_set_secrets (store, "demo", secrets, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sn_incident_store_get_value_redaction (store, "demo"), ==, SN_VALUE_REDACTION_PARTIAL);
  g_assert_false (file_has (path, "s3cr3t-redis"));
  g_assert_false (file_has (path, "Tr0ub4dor&3"));
  g_assert_true (file_has (path, "[REDACTED]"));
  g_assert_cmpstr (sn_incident_get_title (incident), ==, "Down, tried [REDACTED] again");
  /* Another profile's incident is not this profile's business. */
  g_assert_true (file_has (other_path, "Tr0ub4dor&3"));

  /* Reasons and resolutions, through the store's own ways in. */
  g_assert_true (sn_incident_store_set_secrets (store, "demo", secrets, TRUE, &error));
  g_assert_cmpint (sn_incident_store_get_value_redaction (store, "demo"), ==, SN_VALUE_REDACTION_FULL);
  g_assert_true (sn_incident_store_set_severity (store, demo, incident, SN_SEVERITY_SEV1,
                                                 "login with Tr0ub4dor&3 fails", &error));
  g_assert_true (sn_incident_store_close (store, demo, incident, "reset s3cr3t-redis; abc stays", &error));
  g_assert_no_error (error);
  g_assert_false (file_has (path, "Tr0ub4dor&3"));
  g_assert_false (file_has (path, "s3cr3t-redis"));
  g_assert_cmpstr (sn_incident_get_resolution (incident), ==, "reset [REDACTED]; abc stays");
  /* Too short to be told from ordinary words: kept. */
  g_assert_true (file_has (path, "abc stays"));
}

static void
test_store_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SnIncidentStore) store = sn_incident_store_new (fixture->dir);
  g_autoptr(SnIncidentStore) again = sn_incident_store_new (fixture->dir);
  g_autoptr(GDateTime) d1 = utc (2026, 1, 1, 8, 0, 0);
  g_autoptr(GDateTime) d2 = utc (2026, 1, 2, 8, 0, 0);
  g_autoptr(SnIncident) old = sn_incident_new ("demo", "Old", SN_SEVERITY_SEV3, SN_SEVERITY_SEV3, NULL, d1);
  g_autoptr(SnIncident) open = sn_incident_new ("demo", "New", SN_SEVERITY_SEV1, SN_SEVERITY_SEV1, NULL, d2);
  g_autoptr(SnIncident) other = sn_incident_new ("prod", "Other", SN_SEVERITY_SEV2, SN_SEVERITY_SEV2, NULL, d1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(SnIncident) first = NULL;
  GStatBuf st;

  g_assert_true (sn_incident_store_load (store, &error));   /* missing folder: empty */
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  g_assert_true (sn_incident_store_save (store, old, &error));
  g_assert_true (sn_incident_store_save (store, open, &error));
  g_assert_true (sn_incident_store_save (store, other, &error));
  g_assert_no_error (error);
  {
    g_autoptr(SnProfile) demo = sn_profile_new ("demo");

    g_assert_true (sn_incident_store_close (store, demo, old, "fixed", &error));
  }
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);

  path = sn_incident_store_dup_path (store, open);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A malformed file is reported and left out; a temp file is ignored. */
  bad = g_build_filename (fixture->dir, "broken.json", NULL);
  g_assert_true (g_file_set_contents (bad, "{ not json", -1, NULL));
  {
    g_autofree char *tmp = g_build_filename (fixture->dir, "x.json.ABC123", NULL);

    g_assert_true (g_file_set_contents (tmp, "{", -1, NULL));
  }

  g_assert_true (sn_incident_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
  g_assert_nonnull (sn_incident_store_get_errors (again)[0]);
  g_assert_null (sn_incident_store_get_errors (again)[1]);
  /* Newest first. */
  first = g_list_model_get_item (G_LIST_MODEL (again), 0);
  g_assert_cmpstr (sn_incident_get_title (first), ==, "New");
  g_assert_cmpstr (sn_incident_get_id (sn_incident_store_get_open (again, "demo")), ==, sn_incident_get_id (open));
  g_assert_cmpstr (sn_incident_get_id (sn_incident_store_get_open (again, "prod")), ==, sn_incident_get_id (other));
  g_assert_null (sn_incident_store_get_open (again, "staging"));
  g_assert_cmpint (sn_incident_get_state (sn_incident_store_lookup (again, sn_incident_get_id (old))),
                   ==, SN_INCIDENT_STATE_RESOLVED);
  g_assert_cmpstr (sn_incident_get_resolution (sn_incident_store_lookup (again, sn_incident_get_id (old))),
                   ==, "fixed");
}

#define N_NOTES 400

/* The child rewrites the same incident forever, each version bigger. */
static void G_GNUC_NORETURN
writer_child (const char *dir,
              const char *json,
              int         saved_fd)
{
  g_autoptr(SnIncidentStore) store = sn_incident_store_new (dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SnIncident) incident = NULL;

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    _exit (3);
  incident = sn_incident_new_from_json (json_parser_get_root (parser), NULL);
  for (guint round = 0; ; round++)
    {
      g_autofree char *text = g_strdup_printf ("note %u %s", round, "padding padding padding padding");

      for (guint i = 0; i < N_NOTES; i++)
        sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE, text, NULL, NULL);
      if (!sn_incident_store_save (store, incident, NULL))
        _exit (4);
      /* The sync point: the parent kills only after a first whole save. */
      if (round == 0)
        {
          if (write (saved_fd, "s", 1) != 1)
            _exit (5);
          close (saved_fd);
        }
    }
}

static void
test_store_crash (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(SnIncident) incident = sn_incident_new ("demo", "Crash", SN_SEVERITY_SEV1,
                                                    SN_SEVERITY_SEV1, NULL, NULL);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = sn_incident_to_json (incident);
  g_autofree char *json = NULL;
  guint rounds = g_test_thorough () ? 200 : 40;
  guint n_rewritten = 0;

  {
    g_autoptr(SnIncidentStore) store = sn_incident_store_new (fixture->dir);

    g_assert_true (sn_incident_store_save (store, incident, NULL));
  }
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(SnIncidentStore) store = sn_incident_store_new (fixture->dir);
      g_autoptr(GError) error = NULL;
      SnIncident *loaded;
      guint n;
      int status;
      pid_t pid;
      int saved[2];
      char byte;

      g_assert_cmpint (pipe (saved), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (saved[0]);
          writer_child (fixture->dir, json, saved[1]);
        }
      close (saved[1]);
      /* Wait for the first whole save, however slow the machine, then kill
       * at a random point of the following ones. */
      g_assert_cmpint (read (saved[0], &byte, 1), ==, 1);
      close (saved[0]);

      g_usleep (g_rand_int_range (rand, 0, 20000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      g_assert_true (sn_incident_store_load (store, &error));
      g_assert_no_error (error);
      /* Never a torn file: it always parses, with whole rounds of notes. */
      g_assert_null (sn_incident_store_get_errors (store)[0]);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
      loaded = sn_incident_store_lookup (store, sn_incident_get_id (incident));
      g_assert_nonnull (loaded);
      n = g_list_model_get_n_items (sn_incident_get_timeline (loaded));
      g_assert_cmpuint ((n - 1) % N_NOTES, ==, 0);
      if (n > 1)
        n_rewritten++;
    }

  g_test_message ("%u rounds, %u found a rewritten version", rounds, n_rewritten);
  /* Every kill came after a whole save: every round finds one. */
  g_assert_cmpuint (n_rewritten, ==, rounds);
}

/* Contacts ----------------------------------------------------------------- */

static gboolean
advises (GPtrArray     *list,
         SnContactRole  role,
         gboolean       now)
{
  for (guint i = 0; i < list->len; i++)
    {
      SnContactAdvice *advice = g_ptr_array_index (list, i);

      if (sn_contact_get_role (advice->contact) == role && advice->now == now)
        return TRUE;
    }
  return FALSE;
}

static gboolean
mentions (GPtrArray     *list,
          SnContactRole  role)
{
  return advises (list, role, TRUE) || advises (list, role, FALSE);
}

static void
test_contacts (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "sub", "contacts.json", NULL);
  g_autoptr(SnContactBook) book = sn_contact_book_new (path);
  g_autoptr(GError) error = NULL;
  /* Paris is UTC+1 in January, UTC+2 in July. */
  g_autoptr(GDateTime) jan_10h = utc (2026, 1, 14, 9, 0, 0);     /* 10h Paris */
  g_autoptr(GDateTime) jan_8h = utc (2026, 1, 14, 7, 30, 0);     /* 8h30 Paris */
  g_autoptr(GDateTime) jan_18h = utc (2026, 1, 14, 17, 0, 0);    /* 18h Paris: closed */
  g_autoptr(GDateTime) jul_17h = utc (2026, 7, 14, 15, 30, 0);   /* 17h30 Paris: open */
  g_autoptr(GDateTime) jul_8h = utc (2026, 7, 14, 7, 0, 0);      /* 9h Paris: open */
  g_autoptr(GDateTime) jan_3h = utc (2026, 1, 14, 2, 0, 0);      /* 3h Paris */
  SnContact *direction;

  g_assert_true (sn_contact_book_load (book, &error));   /* no file: the runbook's contacts */
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (book)), ==, 3);
  g_assert_cmpstr (sn_contact_get_address (sn_contact_book_lookup (book, SN_CONTACT_ROLE_ON_CALL)),
                   ==, "alerte@sweet-narcisse.com");
  direction = sn_contact_book_lookup (book, SN_CONTACT_ROLE_ESCALATION);
  g_assert_cmpstr (sn_contact_get_address (direction), ==, "direction@sweet-narcisse.com");
  g_assert_cmpstr (sn_contact_get_address (sn_contact_book_lookup (book, SN_CONTACT_ROLE_PROVIDER)),
                   ==, "support.ovh.com");

  g_assert_true (sn_contact_is_available_at (direction, jan_10h));
  g_assert_false (sn_contact_is_available_at (direction, jan_8h));
  g_assert_false (sn_contact_is_available_at (direction, jan_18h));
  g_assert_true (sn_contact_is_available_at (direction, jul_17h));
  g_assert_true (sn_contact_is_available_at (direction, jul_8h));

  /* SEV1 at 5 min: the on-call only; the direction later. */
  {
    g_autoptr(GPtrArray) who = sn_contact_book_who_to_call (book, SN_SEVERITY_SEV1, 300, jan_10h, FALSE);

    g_assert_true (advises (who, SN_CONTACT_ROLE_ON_CALL, TRUE));
    g_assert_true (advises (who, SN_CONTACT_ROLE_ESCALATION, FALSE));
    g_assert_false (mentions (who, SN_CONTACT_ROLE_PROVIDER));
  }
  /* SEV1 at 31 min, 10h: escalate to the direction now. */
  {
    g_autoptr(GPtrArray) who = sn_contact_book_who_to_call (book, SN_SEVERITY_SEV1, 31 * 60, jan_10h, FALSE);

    g_assert_true (advises (who, SN_CONTACT_ROLE_ON_CALL, TRUE));
    g_assert_true (advises (who, SN_CONTACT_ROLE_ESCALATION, TRUE));
    g_assert_false (mentions (who, SN_CONTACT_ROLE_PROVIDER));
  }
  /* SEV1 at 31 min, 3h at night, infrastructure: direction at 9h, the provider now. */
  {
    g_autoptr(GPtrArray) who = sn_contact_book_who_to_call (book, SN_SEVERITY_SEV1, 31 * 60, jan_3h, TRUE);

    g_assert_true (advises (who, SN_CONTACT_ROLE_ESCALATION, FALSE));
    g_assert_false (advises (who, SN_CONTACT_ROLE_ESCALATION, TRUE));
    g_assert_true (advises (who, SN_CONTACT_ROLE_PROVIDER, TRUE));
  }
  /* SEV3 at 1 h: the on-call only. */
  {
    g_autoptr(GPtrArray) who = sn_contact_book_who_to_call (book, SN_SEVERITY_SEV3, 3600, jan_10h, TRUE);

    g_assert_true (advises (who, SN_CONTACT_ROLE_ON_CALL, TRUE));
    g_assert_false (mentions (who, SN_CONTACT_ROLE_ESCALATION));
    g_assert_false (mentions (who, SN_CONTACT_ROLE_PROVIDER));
  }

  /* Edited, saved, loaded again. */
  {
    g_autoptr(SnContact) night = sn_contact_new (SN_CONTACT_ROLE_ESCALATION, "Night desk",
                                                 "nuit@example.org", 20, 8);
    g_autoptr(SnContactBook) again = sn_contact_book_new (path);
    g_autoptr(GPtrArray) who = NULL;
    GStatBuf st;

    sn_contact_book_set (book, night);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (book)), ==, 3);
    g_assert_true (sn_contact_book_save (book, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_true (sn_contact_book_load (again, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (sn_contact_get_address (sn_contact_book_lookup (again, SN_CONTACT_ROLE_ESCALATION)),
                     ==, "nuit@example.org");
    /* Overnight hours: 3h is within 20h–8h. */
    who = sn_contact_book_who_to_call (again, SN_SEVERITY_SEV1, 40 * 60, jan_3h, FALSE);
    g_assert_true (advises (who, SN_CONTACT_ROLE_ESCALATION, TRUE));
  }

  /* A malformed file is an error, not silently the defaults. */
  {
    g_autoptr(SnContactBook) broken = sn_contact_book_new (path);

    g_assert_true (g_file_set_contents (path, "{\"contacts\":[{\"role\":\"boss\"}]}", -1, NULL));
    g_assert_false (sn_contact_book_load (broken, &error));
    g_assert_nonnull (error);
  }
}

/* Health history ----------------------------------------------------------- */

static void
sample_at (SnHealthSample *s,
           gint64          time,
           SnHealthState   state,
           gint64          db_ms)
{
  memset (s, 0, sizeof *s);
  s->time = time;
  s->state = state;
  s->round_trip_ms = db_ms + 5;
  for (guint i = 0; i < SN_HEALTH_N_PROBES; i++)
    {
      s->probe_state[i] = SN_HEALTH_STATE_HEALTHY;
      s->probe_latency_ms[i] = i == 0 ? db_ms : 1;
    }
  if (state == SN_HEALTH_STATE_UNHEALTHY)
    s->probe_state[0] = SN_HEALTH_STATE_UNHEALTHY;
}

static void
test_health_history (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SnHealthHistory) history = sn_health_history_new ("demo", fixture->dir);
  g_autoptr(SnHealthHistory) again = sn_health_history_new ("demo", fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) trouble = NULL;
  g_autofree char *contents = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SnHealthSample s;
  guint n_lines = 0;

  g_assert_true (sn_health_history_load (history, &error));
  g_assert_no_error (error);

  /* 30 h of samples every 10 min: only the last 24 h are kept once pruned. */
  for (gint64 t = now - 30 * 3600; t < now - 1800; t += 600)
    {
      sample_at (&s, t, SN_HEALTH_STATE_HEALTHY, 20);
      g_assert_true (sn_health_history_add_sample (history, &s, &error));
    }
  sample_at (&s, now - 1200, SN_HEALTH_STATE_HEALTHY, 30);
  g_assert_true (sn_health_history_add_sample (history, &s, &error));
  sample_at (&s, now - 600, SN_HEALTH_STATE_UNHEALTHY, 5000);
  g_assert_true (sn_health_history_add_sample (history, &s, &error));
  sample_at (&s, now, SN_HEALTH_STATE_REFUSED, -1);
  g_assert_true (sn_health_history_add_sample (history, &s, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (sn_health_history_get_n_samples (history), <=, 24 * 6 + 1 + 6 + 3);

  /* A torn last line (crash mid-append) is skipped on load. */
  {
    int fd = open (sn_health_history_get_path (history), O_WRONLY | O_APPEND);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (write (fd, "{\"t\":12", 7), ==, 7);
    close (fd);
  }

  g_assert_true (sn_health_history_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sn_health_history_get_n_samples (again), >=, 24 * 6 - 1);
  g_assert_cmpuint (sn_health_history_get_n_samples (again), <=, 24 * 6 + 1);
  g_assert_cmpint (sn_health_history_get_sample (again, 0)->time, >=, now - 24 * 3600);
  {
    guint last = sn_health_history_get_n_samples (again) - 1;

    g_assert_cmpint (sn_health_history_get_sample (again, last)->state, ==, SN_HEALTH_STATE_REFUSED);
    g_assert_cmpint (sn_health_history_get_sample (again, last - 1)->probe_latency_ms[0], ==, 5000);
    g_assert_cmpint (sn_health_history_get_sample (again, last - 1)->probe_state[0], ==,
                     SN_HEALTH_STATE_UNHEALTHY);
  }
  /* The file was rewritten without the expired samples or the torn line. */
  g_assert_true (g_file_get_contents (sn_health_history_get_path (again), &contents, NULL, NULL));
  for (const char *p = contents; (p = strchr (p, '\n')) != NULL; p++)
    n_lines++;
  g_assert_cmpuint (n_lines, ==, sn_health_history_get_n_samples (again));

  trouble = sn_health_history_dup_trouble_start (again);
  g_assert_nonnull (trouble);
  g_assert_cmpint (g_date_time_to_unix (trouble), ==, now - 600);
}

/* Postmortem --------------------------------------------------------------- */

static void
test_postmortem (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *secrets[] = { "s3cr3t-monitoring-key-0123", "pgpass-9876", NULL };
  g_autoptr(GDateTime) declared = utc (2026, 1, 2, 9, 0, 0);
  g_autoptr(GDateTime) detected = plus (declared, -240);
  g_autoptr(GDateTime) t1 = plus (declared, 300);
  g_autoptr(GDateTime) t2 = plus (declared, 2700);
  g_autoptr(SnIncident) incident = NULL;
  g_autofree char *report = g_build_filename (fixture->dir, "sev1-checklist.md", NULL);
  g_autofree char *out = g_build_filename (fixture->dir, "postmortem.md", NULL);
  g_autofree char *md = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (report,
                                      "# SEV1 checklist\n\n✗ Database answers SELECT 1\n"
                                      "curl -H 'X-API-Key: s3cr3t-monitoring-key-0123'\n", -1, NULL));
  incident = sn_incident_new ("demo", "Database down", SN_SEVERITY_SEV1, SN_SEVERITY_SEV1, NULL, declared);
  sn_incident_set_detected_at (incident, detected);
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_CHECK, "SEV1 checklist: database failed", report, t1);
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE,
                         "PGPASSWORD=pgpass-9876 psql; key s3cr3t-monitoring-key-0123 leaked in a paste",
                         NULL, t1);
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_RUNBOOK, "Ran restart-app: succeeded", NULL, t2);
  sn_incident_resolve (incident, "PostgreSQL restarted", t2);

  g_assert_true (sn_postmortem_write (incident, out, secrets, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (out, &md, NULL, NULL));

  g_assert_nonnull (strstr (md, "# Postmortem — Database down"));
  g_assert_nonnull (strstr (md, "**SEV1**"));
  g_assert_nonnull (strstr (md, "4 min 00 s to detect"));
  g_assert_nonnull (strstr (md, "5 min 00 s to respond"));
  g_assert_nonnull (strstr (md, "45 min 00 s to resolve"));
  g_assert_nonnull (strstr (md, "was met"));
  g_assert_nonnull (strstr (md, "SEV1 checklist: database failed"));
  g_assert_nonnull (strstr (md, "Ran restart-app: succeeded"));
  g_assert_nonnull (strstr (md, "✗ Database answers SELECT 1"));   /* the report, inlined */
  g_assert_nonnull (strstr (md, "PostgreSQL restarted"));
  g_assert_null (strstr (md, "s3cr3t-monitoring-key-0123"));
  g_assert_null (strstr (md, "pgpass-9876"));
  g_assert_nonnull (strstr (md, "[REDACTED]"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/incident/severity", test_severity);
  g_test_add_func ("/core/incident/clock", test_clock);
  g_test_add_func ("/core/incident/json", test_incident_json);
  g_test_add_func ("/core/incident/first-response", test_first_response);
  g_test_add_func ("/core/incident/deadline-label", test_deadline_label);
  g_test_add ("/core/incident-store/read-only", Fixture, NULL,
              fixture_set_up, test_store_read_only, fixture_tear_down);
  g_test_add ("/core/incident-store/round-trip", Fixture, NULL,
              fixture_set_up, test_store_round_trip, fixture_tear_down);
  g_test_add ("/core/incident-store/value-redaction", Fixture, NULL,
              fixture_set_up, test_store_value_redaction, fixture_tear_down);
  g_test_add ("/core/incident-store/crash-mid-write", Fixture, NULL,
              fixture_set_up, test_store_crash, fixture_tear_down);
  g_test_add ("/core/contacts/who-to-call", Fixture, NULL,
              fixture_set_up, test_contacts, fixture_tear_down);
  g_test_add ("/core/health-history/prune", Fixture, NULL,
              fixture_set_up, test_health_history, fixture_tear_down);
  g_test_add ("/core/postmortem/redacted", Fixture, NULL,
              fixture_set_up, test_postmortem, fixture_tear_down);

  return g_test_run ();
}
