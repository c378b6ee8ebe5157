/* sn-health-service.h: <site>/api/health, verbose with the monitoring key
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sn-core-types.h"

G_BEGIN_DECLS

#define SN_TYPE_SERVICE_HEALTH (sn_service_health_get_type ())
G_DECLARE_FINAL_TYPE (SnServiceHealth, sn_service_health, SN, SERVICE_HEALTH, GObject)

/* One probe of the verbose document: "database", "redis" or "storage".
 * Properties: name, status (SnHealthState: HEALTHY, DEGRADED or UNHEALTHY,
 * UNKNOWN for a value we do not know), latency-ms (gint64, -1 if absent), message. */
const char    *sn_service_health_get_name       (SnServiceHealth *self);
SnHealthState  sn_service_health_get_status     (SnServiceHealth *self);
gint64         sn_service_health_get_latency_ms (SnServiceHealth *self);
const char    *sn_service_health_get_message    (SnServiceHealth *self);

#define SN_TYPE_HEALTH_REPORT (sn_health_report_get_type ())
G_DECLARE_FINAL_TYPE (SnHealthReport, sn_health_report, SN, HEALTH_REPORT, GObject)

/* Properties: state, http-status (0 when no answer), version, uptime (seconds,
 * -1 unknown), timestamp (the server's), round-trip-ms, summary (one translated
 * sentence a person can act on), detail (the technical reason, e.g. the
 * GError or the parse error), checked-at (GDateTime, local), services
 * (GListModel of SnServiceHealth, empty unless verbose). */
SnHealthState  sn_health_report_get_state         (SnHealthReport *self);
guint          sn_health_report_get_http_status   (SnHealthReport *self);
const char    *sn_health_report_get_version       (SnHealthReport *self);
gint64         sn_health_report_get_uptime        (SnHealthReport *self);
const char    *sn_health_report_get_timestamp     (SnHealthReport *self);
gint64         sn_health_report_get_round_trip_ms (SnHealthReport *self);
const char    *sn_health_report_get_summary       (SnHealthReport *self);
const char    *sn_health_report_get_detail        (SnHealthReport *self);
GDateTime     *sn_health_report_get_checked_at    (SnHealthReport *self);
GListModel    *sn_health_report_get_services      (SnHealthReport *self);
SnServiceHealth *sn_health_report_find_service    (SnHealthReport *self,
                                                   const char     *name);
/* 0 healthy/operational, 1 degraded, 2 anything worse (the CLI's exit status). */
int            sn_health_report_get_exit_code     (SnHealthReport *self);
JsonNode      *sn_health_report_to_json           (SnHealthReport *self);
const char    *sn_health_state_to_label           (SnHealthState   state);

#define SN_TYPE_HEALTH_SERVICE (sn_health_service_get_type ())
G_DECLARE_FINAL_TYPE (SnHealthService, sn_health_service, SN, HEALTH_SERVICE, GObject)

/*
 * Every answer, good or bad, is an SnHealthReport with its state. The call
 * fails only when cancelled (G_IO_ERROR_CANCELLED), when the URL is invalid,
 * or when the loopback guard refuses the host (SN_NET_ERROR).
 */
SnHealthService *sn_health_service_new          (void);
void             sn_health_service_check_async  (SnHealthService     *self,
                                                 const char          *site_url,
                                                 const char          *monitoring_key,
                                                 guint                timeout_seconds,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
SnHealthReport  *sn_health_service_check_finish (SnHealthService     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* For the fuzz targets and parser tests: an answer mapped without the network. */
SnHealthReport   *_sn_health_report_new_from_body (GBytes   *body,
                                                   guint     http_status,
                                                   gboolean  sent_key);

G_END_DECLS
