/* sn-health-history.h: the last 24 hours of health checks of a profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-health-service.h"

G_BEGIN_DECLS

typedef enum
{
  SN_HEALTH_PROBE_DATABASE,
  SN_HEALTH_PROBE_REDIS,
  SN_HEALTH_PROBE_STORAGE,
  SN_HEALTH_N_PROBES
} SnHealthProbe;

typedef struct
{
  gint64         time;                           /* Unix seconds */
  SnHealthState  state;                          /* overall */
  gint64         round_trip_ms;
  SnHealthState  probe_state[SN_HEALTH_N_PROBES];  /* UNKNOWN if absent */
  gint64         probe_latency_ms[SN_HEALTH_N_PROBES];  /* -1 if absent */
} SnHealthSample;

const char *sn_health_probe_get_name (SnHealthProbe probe);   /* "database", "redis", "storage" */

#define SN_TYPE_HEALTH_HISTORY (sn_health_history_get_type ())
G_DECLARE_FINAL_TYPE (SnHealthHistory, sn_health_history, SN, HEALTH_HISTORY, GObject)

/*
 * One JSON line per check in DIRECTORY/PROFILE.jsonl (default
 * $XDG_DATA_HOME/narcisse-admin/health-history), appended; samples older
 * than the window (24 h) are pruned by rewriting the file atomically once
 * an hour's worth of them has piled up. Emits "changed" after each record.
 */
SnHealthHistory      *sn_health_history_new          (const char            *profile,
                                                      const char            *directory);
const char           *sn_health_history_get_path     (SnHealthHistory       *self);
void                  sn_health_history_set_window   (SnHealthHistory       *self,
                                                      gint64                 seconds);
gboolean              sn_health_history_load         (SnHealthHistory       *self,
                                                      GError               **error);
gboolean              sn_health_history_record       (SnHealthHistory       *self,
                                                      SnHealthReport        *report,
                                                      GError               **error);
gboolean              sn_health_history_add_sample   (SnHealthHistory       *self,
                                                      const SnHealthSample  *sample,
                                                      GError               **error);
guint                 sn_health_history_get_n_samples (SnHealthHistory      *self);
const SnHealthSample *sn_health_history_get_sample   (SnHealthHistory       *self,
                                                      guint                  index);
/* The start of the current bad streak: the first sample after the last
 * healthy/degraded one, if the newest is neither; else NULL. */
GDateTime            *sn_health_history_dup_trouble_start (SnHealthHistory  *self);

G_END_DECLS
