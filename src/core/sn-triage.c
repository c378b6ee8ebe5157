/* sn-triage.c: a few answers → a proposed severity, with the reason in words
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-triage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-triage.h"

/* Latency above which a probe counts as slow (the "degraded" bands of §2.3). */
#define SLOW_DATABASE_MS 500
#define SLOW_ROUND_TRIP_MS 3000

void
sn_triage_answers_init (SnTriageAnswers *answers)
{
  memset (answers, 0, sizeof *answers);
}

void
sn_triage_answers_clear (SnTriageAnswers *answers)
{
  g_clear_pointer (&answers->seen, g_free);
  sn_triage_answers_init (answers);
}

static void
seen (GString    *text,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
seen (GString    *text,
      const char *format,
      ...)
{
  va_list args;

  if (text->len > 0)
    g_string_append (text, "; ");
  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
}

static gboolean
container_down (GHashTable *states,
                const char *service,
                const char **state)
{
  *state = states != NULL ? g_hash_table_lookup (states, service) : NULL;
  return *state != NULL && g_ascii_strcasecmp (*state, "running") != 0 &&
         !g_str_has_prefix (*state, "Up") && !g_str_has_prefix (*state, "up");
}

void
sn_triage_seed (SnTriageAnswers *answers,
                SnHealthReport  *report,
                GHashTable      *container_states)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *state;

  g_return_if_fail (answers != NULL);

  if (report != NULL)
    {
      SnServiceHealth *db = sn_health_report_find_service (report, "database");
      SnServiceHealth *redis = sn_health_report_find_service (report, "redis");
      SnServiceHealth *storage = sn_health_report_find_service (report, "storage");

      switch (sn_health_report_get_state (report))
        {
        case SN_HEALTH_STATE_HEALTHY:
        case SN_HEALTH_STATE_OPERATIONAL:
          answers->site_reachable = SN_ANSWER_YES;
          answers->database_down = SN_ANSWER_NO;
          break;
        case SN_HEALTH_STATE_DEGRADED:
          answers->site_reachable = SN_ANSWER_YES;
          answers->database_down = SN_ANSWER_NO;
          break;
        case SN_HEALTH_STATE_UNHEALTHY:
          /* The app answers 503: its database probe failed. */
          answers->site_reachable = SN_ANSWER_YES;
          answers->database_down = SN_ANSWER_YES;
          answers->bookings_failing = SN_ANSWER_YES;
          answers->payments_failing = SN_ANSWER_YES;
          answers->users = SN_USERS_ALL;
          seen (text, _("the health check answers unhealthy: the database is down%s%s"),
                db != NULL && sn_service_health_get_message (db) != NULL ? ": " : "",
                db != NULL && sn_service_health_get_message (db) != NULL
                ? sn_service_health_get_message (db) : "");
          break;
        case SN_HEALTH_STATE_TIMEOUT:
        case SN_HEALTH_STATE_REFUSED:
        case SN_HEALTH_STATE_UNREACHABLE:
        case SN_HEALTH_STATE_TLS_ERROR:
        case SN_HEALTH_STATE_HTTP_ERROR:
        case SN_HEALTH_STATE_MALFORMED:
          answers->site_reachable = SN_ANSWER_NO;
          answers->bookings_failing = SN_ANSWER_YES;
          answers->payments_failing = SN_ANSWER_YES;
          answers->users = SN_USERS_ALL;
          seen (text, _("the site does not answer (%s)"),
                sn_health_state_to_label (sn_health_report_get_state (report)));
          break;
        case SN_HEALTH_STATE_UNAUTHORIZED:
        case SN_HEALTH_STATE_UNKNOWN:
        default:
          answers->site_reachable = SN_ANSWER_YES;
          break;
        }

      if (db != NULL && sn_service_health_get_status (db) == SN_HEALTH_STATE_DEGRADED)
        {
          answers->degraded = SN_ANSWER_YES;
          seen (text, _("the database is slow (%lld ms)"),
                (long long) sn_service_health_get_latency_ms (db));
        }
      if (redis != NULL && sn_service_health_get_status (redis) != SN_HEALTH_STATE_HEALTHY)
        {
          answers->degraded = SN_ANSWER_YES;
          seen (text, _("the cache is %s (%s)"),
                sn_health_state_to_label (sn_service_health_get_status (redis)),
                sn_service_health_get_message (redis) != NULL ? sn_service_health_get_message (redis) : "");
        }
      if (storage != NULL && sn_service_health_get_status (storage) != SN_HEALTH_STATE_HEALTHY &&
          g_strcmp0 (sn_service_health_get_message (storage), "MinIO not configured") != 0)
        {
          answers->degraded = SN_ANSWER_YES;
          seen (text, _("the storage is %s (%s)"),
                sn_health_state_to_label (sn_service_health_get_status (storage)),
                sn_service_health_get_message (storage) != NULL ? sn_service_health_get_message (storage) : "");
        }
      if (answers->site_reachable == SN_ANSWER_YES &&
          sn_health_report_get_round_trip_ms (report) >= SLOW_ROUND_TRIP_MS)
        {
          answers->degraded = SN_ANSWER_YES;
          seen (text, _("the site is slow (%lld ms)"),
                (long long) sn_health_report_get_round_trip_ms (report));
        }
    }

  if (container_down (container_states, "app", &state))
    {
      answers->site_reachable = SN_ANSWER_NO;
      answers->users = SN_USERS_ALL;
      seen (text, _("the app container is %s"), state);
    }
  if (container_down (container_states, "db", &state))
    {
      answers->database_down = SN_ANSWER_YES;
      answers->users = SN_USERS_ALL;
      seen (text, _("the db container is %s"), state);
    }
  if (container_down (container_states, "nginx", &state))
    {
      answers->site_reachable = SN_ANSWER_NO;
      answers->infrastructure = TRUE;
      seen (text, _("the nginx container is %s"), state);
    }
  if (container_down (container_states, "redis", &state))
    {
      answers->degraded = SN_ANSWER_YES;
      seen (text, _("the redis container is %s"), state);
    }

  if (answers->site_reachable == SN_ANSWER_NO && report != NULL &&
      (sn_health_report_get_state (report) == SN_HEALTH_STATE_TIMEOUT ||
       sn_health_report_get_state (report) == SN_HEALTH_STATE_UNREACHABLE))
    answers->infrastructure = TRUE;

  g_free (answers->seen);
  answers->seen = text->len > 0 ? g_strdup (text->str) : NULL;
}

SnSeverity
sn_triage_propose (const SnTriageAnswers  *answers,
                   char                  **reason)
{
  const char *why;
  SnSeverity severity;

  g_return_val_if_fail (answers != NULL, SN_SEVERITY_NONE);

  if (answers->site_reachable == SN_ANSWER_NO)
    severity = SN_SEVERITY_SEV1, why = _("the site is down: service down");
  else if (answers->database_down == SN_ANSWER_YES)
    severity = SN_SEVERITY_SEV1, why = _("the database is down: service down");
  else if (answers->data_at_risk == SN_ANSWER_YES)
    severity = SN_SEVERITY_SEV1, why = _("data is at risk");
  else if (answers->users == SN_USERS_ALL)
    severity = SN_SEVERITY_SEV1, why = _("every user is affected");
  else if (answers->payments_failing == SN_ANSWER_YES)
    severity = SN_SEVERITY_SEV2, why = _("payments are failing: major degradation");
  else if (answers->bookings_failing == SN_ANSWER_YES)
    severity = SN_SEVERITY_SEV2, why = _("bookings are failing: major degradation");
  else if (answers->users == SN_USERS_MANY)
    severity = SN_SEVERITY_SEV2, why = _("many users are affected: major degradation");
  else if (answers->degraded == SN_ANSWER_YES)
    severity = SN_SEVERITY_SEV3, why = _("a service is degraded or slow (cache down, slowness): minor degradation");
  else if (answers->users == SN_USERS_FEW)
    severity = SN_SEVERITY_SEV3, why = _("some users are affected: minor degradation");
  else
    severity = SN_SEVERITY_SEV4, why = _("the site works and nobody is blocked: minor bug");

  if (reason != NULL)
    {
      if (answers->seen != NULL)
        *reason = g_strdup_printf (_("%s because %s (seen: %s)."), sn_severity_to_string (severity),
                                   why, answers->seen);
      else
        *reason = g_strdup_printf (_("%s because %s."), sn_severity_to_string (severity), why);
    }

  return severity;
}
