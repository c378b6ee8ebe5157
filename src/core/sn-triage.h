/* sn-triage.h: a few answers → a proposed severity, with the reason in words
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-health-service.h"
#include "sn-incident.h"

G_BEGIN_DECLS

typedef enum
{
  SN_ANSWER_UNKNOWN,
  SN_ANSWER_NO,
  SN_ANSWER_YES,
} SnAnswer;

typedef enum
{
  SN_USERS_UNKNOWN,
  SN_USERS_NONE,      /* nobody, or one person */
  SN_USERS_FEW,       /* some */
  SN_USERS_MANY,      /* a large share */
  SN_USERS_ALL,       /* everyone */
} SnUsersAffected;

/*
 * The triage questions of runbook §1 ("site reachable? bookings or payments
 * failing? data at risk? how many users?"), plus what the checks can say by
 * themselves (database down, degraded service). The dialog shows them seeded
 * from the live checks and lets the operator change any.
 */
typedef struct
{
  SnAnswer         site_reachable;
  SnAnswer         database_down;
  SnAnswer         bookings_failing;
  SnAnswer         payments_failing;
  SnAnswer         data_at_risk;
  SnAnswer         degraded;          /* slowness, cache or storage down */
  SnUsersAffected  users;
  gboolean         infrastructure;    /* host, disk or network: the provider may help */
  char            *seen;              /* what the checks saw, in words, or NULL */
} SnTriageAnswers;

void        sn_triage_answers_init    (SnTriageAnswers       *answers);
void        sn_triage_answers_clear   (SnTriageAnswers       *answers);

/*
 * Fills the answers the checks can give: from a live health report (site
 * reachable, database down, cache/storage degraded or slow) and, when known,
 * the containers' states (service name → "running", "exited", ...). NULL
 * for either is fine. The storage's "MinIO not configured" is production's
 * normal state (target-system §2.3) and is not counted as degraded.
 */
void        sn_triage_seed            (SnTriageAnswers       *answers,
                                       SnHealthReport        *report,
                                       GHashTable            *container_states);

/* The severity the runbook's table (§1.2) gives, and why, in a sentence. */
SnSeverity  sn_triage_propose         (const SnTriageAnswers *answers,
                                       char                 **reason);

G_END_DECLS
