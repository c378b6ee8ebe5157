/* sn-health-json.c: a health report as JSON, for narcisse-ctl health --json
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-health-service"

#include "config.h"

#include "sn-core-enums.h"
#include "sn-health-service.h"

static const char *
state_nick (SnHealthState state)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (SN_TYPE_HEALTH_STATE);
  GEnumValue *value = g_enum_get_value (enum_class, state);

  return value != NULL ? value->value_nick : "unknown";
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *key,
                    const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_or_null (JsonBuilder *builder,
                 const char  *key,
                 gint64       value)
{
  json_builder_set_member_name (builder, key);
  if (value >= 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * sn_health_report_to_json:
 *
 * Keys: state (nick), label, http_status, version, uptime, timestamp,
 * round_trip_ms, checked_at, summary, detail, services[] (name, status,
 * latency_ms, message). Unknown values are null.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
sn_health_report_to_json (SnHealthReport *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *checked_at = NULL;
  GListModel *services;
  guint n;

  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, state_nick (sn_health_report_get_state (self)));
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, sn_health_state_to_label (sn_health_report_get_state (self)));
  json_builder_set_member_name (builder, "http_status");
  json_builder_add_int_value (builder, sn_health_report_get_http_status (self));
  add_string_or_null (builder, "version", sn_health_report_get_version (self));
  add_int_or_null (builder, "uptime", sn_health_report_get_uptime (self));
  add_string_or_null (builder, "timestamp", sn_health_report_get_timestamp (self));
  add_int_or_null (builder, "round_trip_ms", sn_health_report_get_round_trip_ms (self));
  checked_at = g_date_time_format_iso8601 (sn_health_report_get_checked_at (self));
  add_string_or_null (builder, "checked_at", checked_at);
  add_string_or_null (builder, "summary", sn_health_report_get_summary (self));
  add_string_or_null (builder, "detail", sn_health_report_get_detail (self));

  json_builder_set_member_name (builder, "services");
  json_builder_begin_array (builder);
  services = sn_health_report_get_services (self);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnServiceHealth) service = g_list_model_get_item (services, i);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "name", sn_service_health_get_name (service));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, state_nick (sn_service_health_get_status (service)));
      add_int_or_null (builder, "latency_ms", sn_service_health_get_latency_ms (service));
      add_string_or_null (builder, "message", sn_service_health_get_message (service));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
