/* sn-health-service.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-health-service"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "sn-core-enums.h"
#include "sn-health-service.h"
#include "sn-net.h"

#define DEFAULT_TIMEOUT_SECONDS 10
#define IDLE_TIMEOUT_SECONDS    30
/* A health document is a few hundred bytes: anything past this is not one,
 * and is never read whole (L9). */
#define MAX_BODY_BYTES          (1024 * 1024)
#define READ_CHUNK_BYTES        (64 * 1024)

/* ------------------------------------------------------------------ */
/* SnServiceHealth                                                    */

struct _SnServiceHealth
{
  GObject        parent_instance;

  char          *name;
  char          *message;
  gint64         latency_ms;
  SnHealthState  status;
};

G_DEFINE_FINAL_TYPE (SnServiceHealth, sn_service_health, G_TYPE_OBJECT)

enum {
  SERVICE_PROP_0,
  SERVICE_PROP_NAME,
  SERVICE_PROP_STATUS,
  SERVICE_PROP_LATENCY_MS,
  SERVICE_PROP_MESSAGE,
  SERVICE_N_PROPS
};

static GParamSpec *service_properties[SERVICE_N_PROPS];

static void
sn_service_health_finalize (GObject *object)
{
  SnServiceHealth *self = (SnServiceHealth *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (sn_service_health_parent_class)->finalize (object);
}

static void
sn_service_health_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SnServiceHealth *self = SN_SERVICE_HEALTH (object);

  switch (prop_id)
    {
    case SERVICE_PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case SERVICE_PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case SERVICE_PROP_LATENCY_MS:
      g_value_set_int64 (value, self->latency_ms);
      break;

    case SERVICE_PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_service_health_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SnServiceHealth *self = SN_SERVICE_HEALTH (object);

  switch (prop_id)
    {
    case SERVICE_PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case SERVICE_PROP_STATUS:
      self->status = g_value_get_enum (value);
      break;

    case SERVICE_PROP_LATENCY_MS:
      self->latency_ms = g_value_get_int64 (value);
      break;

    case SERVICE_PROP_MESSAGE:
      self->message = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_service_health_class_init (SnServiceHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  object_class->finalize = sn_service_health_finalize;
  object_class->get_property = sn_service_health_get_property;
  object_class->set_property = sn_service_health_set_property;

  service_properties[SERVICE_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  service_properties[SERVICE_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       SN_TYPE_HEALTH_STATE, SN_HEALTH_STATE_UNKNOWN, flags);
  service_properties[SERVICE_PROP_LATENCY_MS] =
    g_param_spec_int64 ("latency-ms", NULL, NULL, -1, G_MAXINT64, -1, flags);
  service_properties[SERVICE_PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, SERVICE_N_PROPS, service_properties);
}

static void
sn_service_health_init (SnServiceHealth *self)
{
  self->latency_ms = -1;
}

const char *
sn_service_health_get_name (SnServiceHealth *self)
{
  g_return_val_if_fail (SN_IS_SERVICE_HEALTH (self), NULL);
  return self->name;
}

SnHealthState
sn_service_health_get_status (SnServiceHealth *self)
{
  g_return_val_if_fail (SN_IS_SERVICE_HEALTH (self), SN_HEALTH_STATE_UNKNOWN);
  return self->status;
}

gint64
sn_service_health_get_latency_ms (SnServiceHealth *self)
{
  g_return_val_if_fail (SN_IS_SERVICE_HEALTH (self), -1);
  return self->latency_ms;
}

const char *
sn_service_health_get_message (SnServiceHealth *self)
{
  g_return_val_if_fail (SN_IS_SERVICE_HEALTH (self), NULL);
  return self->message;
}

/* ------------------------------------------------------------------ */
/* SnHealthReport                                                     */

struct _SnHealthReport
{
  GObject        parent_instance;

  char          *version;
  char          *timestamp;
  char          *summary;
  char          *detail;
  GDateTime     *checked_at;
  GListStore    *services;

  gint64         uptime;
  gint64         round_trip_ms;
  guint          http_status;
  SnHealthState  state;
};

G_DEFINE_FINAL_TYPE (SnHealthReport, sn_health_report, G_TYPE_OBJECT)

enum {
  REPORT_PROP_0,
  REPORT_PROP_STATE,
  REPORT_PROP_HTTP_STATUS,
  REPORT_PROP_VERSION,
  REPORT_PROP_UPTIME,
  REPORT_PROP_TIMESTAMP,
  REPORT_PROP_ROUND_TRIP_MS,
  REPORT_PROP_SUMMARY,
  REPORT_PROP_DETAIL,
  REPORT_PROP_CHECKED_AT,
  REPORT_PROP_SERVICES,
  REPORT_N_PROPS
};

static GParamSpec *report_properties[REPORT_N_PROPS];

static void
sn_health_report_finalize (GObject *object)
{
  SnHealthReport *self = (SnHealthReport *)object;

  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->timestamp, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->detail, g_free);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  g_clear_object (&self->services);

  G_OBJECT_CLASS (sn_health_report_parent_class)->finalize (object);
}

static void
sn_health_report_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnHealthReport *self = SN_HEALTH_REPORT (object);

  switch (prop_id)
    {
    case REPORT_PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case REPORT_PROP_HTTP_STATUS:
      g_value_set_uint (value, self->http_status);
      break;

    case REPORT_PROP_VERSION:
      g_value_set_string (value, self->version);
      break;

    case REPORT_PROP_UPTIME:
      g_value_set_int64 (value, self->uptime);
      break;

    case REPORT_PROP_TIMESTAMP:
      g_value_set_string (value, self->timestamp);
      break;

    case REPORT_PROP_ROUND_TRIP_MS:
      g_value_set_int64 (value, self->round_trip_ms);
      break;

    case REPORT_PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    case REPORT_PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;

    case REPORT_PROP_CHECKED_AT:
      g_value_set_boxed (value, self->checked_at);
      break;

    case REPORT_PROP_SERVICES:
      g_value_set_object (value, self->services);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_health_report_class_init (SnHealthReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_health_report_finalize;
  object_class->get_property = sn_health_report_get_property;

  report_properties[REPORT_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SN_TYPE_HEALTH_STATE, SN_HEALTH_STATE_UNKNOWN, flags);
  report_properties[REPORT_PROP_HTTP_STATUS] =
    g_param_spec_uint ("http-status", NULL, NULL, 0, 999, 0, flags);
  report_properties[REPORT_PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL, flags);
  report_properties[REPORT_PROP_UPTIME] =
    g_param_spec_int64 ("uptime", NULL, NULL, -1, G_MAXINT64, -1, flags);
  report_properties[REPORT_PROP_TIMESTAMP] =
    g_param_spec_string ("timestamp", NULL, NULL, NULL, flags);
  report_properties[REPORT_PROP_ROUND_TRIP_MS] =
    g_param_spec_int64 ("round-trip-ms", NULL, NULL, -1, G_MAXINT64, -1, flags);
  report_properties[REPORT_PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  report_properties[REPORT_PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  report_properties[REPORT_PROP_CHECKED_AT] =
    g_param_spec_boxed ("checked-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  report_properties[REPORT_PROP_SERVICES] =
    g_param_spec_object ("services", NULL, NULL, G_TYPE_LIST_MODEL, flags);

  g_object_class_install_properties (object_class, REPORT_N_PROPS, report_properties);
}

static void
sn_health_report_init (SnHealthReport *self)
{
  self->uptime = -1;
  self->round_trip_ms = -1;
  self->services = g_list_store_new (SN_TYPE_SERVICE_HEALTH);
  self->checked_at = g_date_time_new_now_local ();
}

SnHealthState
sn_health_report_get_state (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), SN_HEALTH_STATE_UNKNOWN);
  return self->state;
}

guint
sn_health_report_get_http_status (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), 0);
  return self->http_status;
}

const char *
sn_health_report_get_version (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);
  return self->version;
}

gint64
sn_health_report_get_uptime (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), -1);
  return self->uptime;
}

const char *
sn_health_report_get_timestamp (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);
  return self->timestamp;
}

gint64
sn_health_report_get_round_trip_ms (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), -1);
  return self->round_trip_ms;
}

const char *
sn_health_report_get_summary (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);
  return self->summary;
}

const char *
sn_health_report_get_detail (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);
  return self->detail;
}

/**
 * sn_health_report_get_checked_at:
 *
 * Returns: (transfer none): when the answer came, local time
 */
GDateTime *
sn_health_report_get_checked_at (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);
  return self->checked_at;
}

/**
 * sn_health_report_get_services:
 *
 * Returns: (transfer none): a #GListModel of #SnServiceHealth
 */
GListModel *
sn_health_report_get_services (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);
  return G_LIST_MODEL (self->services);
}

/**
 * sn_health_report_find_service:
 * @name: "database", "redis" or "storage"
 *
 * Returns: (transfer none) (nullable): that probe, if the answer had it
 */
SnServiceHealth *
sn_health_report_find_service (SnHealthReport *self,
                               const char     *name)
{
  guint n;

  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->services));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnServiceHealth) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      if (g_strcmp0 (service->name, name) == 0)
        return service; /* the list keeps its reference */
    }

  return NULL;
}

int
sn_health_report_get_exit_code (SnHealthReport *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (self), 2);

  switch (self->state)
    {
    case SN_HEALTH_STATE_HEALTHY:
    case SN_HEALTH_STATE_OPERATIONAL:
      return 0;

    case SN_HEALTH_STATE_DEGRADED:
      return 1;

    case SN_HEALTH_STATE_UNKNOWN:
    case SN_HEALTH_STATE_UNHEALTHY:
    case SN_HEALTH_STATE_UNAUTHORIZED:
    case SN_HEALTH_STATE_TIMEOUT:
    case SN_HEALTH_STATE_REFUSED:
    case SN_HEALTH_STATE_TLS_ERROR:
    case SN_HEALTH_STATE_MALFORMED:
    case SN_HEALTH_STATE_HTTP_ERROR:
    case SN_HEALTH_STATE_UNREACHABLE:
    default:
      return 2;
    }
}

/**
 * sn_health_state_to_label:
 *
 * Returns: a short translated label, e.g. "Healthy"
 */
const char *
sn_health_state_to_label (SnHealthState state)
{
  switch (state)
    {
    case SN_HEALTH_STATE_HEALTHY: return _("Healthy");
    case SN_HEALTH_STATE_DEGRADED: return _("Degraded");
    case SN_HEALTH_STATE_UNHEALTHY: return _("Unhealthy");
    case SN_HEALTH_STATE_OPERATIONAL: return _("Operational");
    case SN_HEALTH_STATE_UNAUTHORIZED: return _("Unauthorized");
    case SN_HEALTH_STATE_TIMEOUT: return _("Timed out");
    case SN_HEALTH_STATE_REFUSED: return _("Connection refused");
    case SN_HEALTH_STATE_TLS_ERROR: return _("TLS error");
    case SN_HEALTH_STATE_MALFORMED: return _("Malformed answer");
    case SN_HEALTH_STATE_HTTP_ERROR: return _("HTTP error");
    case SN_HEALTH_STATE_UNREACHABLE: return _("Unreachable");
    case SN_HEALTH_STATE_UNKNOWN:
    default:
      return _("Unknown");
    }
}

/* ------------------------------------------------------------------ */
/* SnHealthService                                                    */

struct _SnHealthService
{
  GObject      parent_instance;

  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (SnHealthService, sn_health_service, G_TYPE_OBJECT)

static void
sn_health_service_dispose (GObject *object)
{
  SnHealthService *self = (SnHealthService *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sn_health_service_parent_class)->dispose (object);
}

static void
sn_health_service_class_init (SnHealthServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sn_health_service_dispose;
}

static void
sn_health_service_init (SnHealthService *self)
{
  g_autofree char *user_agent = g_strdup_printf ("narcisse-admin/%s", PACKAGE_VERSION);

  self->session = soup_session_new_with_options ("timeout", DEFAULT_TIMEOUT_SECONDS,
                                                 "idle-timeout", IDLE_TIMEOUT_SECONDS,
                                                 "user-agent", user_agent,
                                                 NULL);

  /* With the loopback guard on, a system proxy would be a non-loopback
   * address contacted behind the guard's back: go direct. */
  if (sn_net_loopback_only ())
    {
      g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

      soup_session_set_proxy_resolver (self->session, direct);
    }
}

SnHealthService *
sn_health_service_new (void)
{
  return g_object_new (SN_TYPE_HEALTH_SERVICE, NULL);
}

typedef struct
{
  SoupMessage    *message;
  GByteArray     *body;             /* read so far, at most MAX_BODY_BYTES */
  GCancellable   *cancellable;      /* ours: user cancel or our timeout */
  GCancellable   *user_cancellable;
  GSource        *timeout_source;
  char           *where;            /* "host:port" for the sentences */
  gint64          started;
  gulong          cancelled_id;
  guint           timeout_seconds;
  guint           sent_key : 1;
  guint           timed_out : 1;
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  if (check->timeout_source != NULL)
    {
      g_source_destroy (check->timeout_source);
      g_clear_pointer (&check->timeout_source, g_source_unref);
    }
  if (check->user_cancellable != NULL && check->cancelled_id != 0)
    g_cancellable_disconnect (check->user_cancellable, check->cancelled_id);
  g_clear_object (&check->user_cancellable);
  g_clear_object (&check->cancellable);
  g_clear_object (&check->message);
  g_clear_pointer (&check->body, g_byte_array_unref);
  g_clear_pointer (&check->where, g_free);
  g_free (check);
}

static void
user_cancelled_cb (GCancellable *user_cancellable,
                   GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
timeout_cb (gpointer data)
{
  Check *check = data;

  check->timed_out = TRUE;
  g_clear_pointer (&check->timeout_source, g_source_unref);
  g_cancellable_cancel (check->cancellable);

  return G_SOURCE_REMOVE;
}

static void
set_summary (SnHealthReport *report,
             char           *summary)
{
  g_free (report->summary);
  report->summary = summary;
}

static void
set_detail (SnHealthReport *report,
            const char     *detail)
{
  g_free (report->detail);
  report->detail = g_strdup (detail);
}

static void
make_malformed (SnHealthReport *report,
                const Check    *check,
                const char     *what)
{
  g_list_store_remove_all (report->services);
  report->state = SN_HEALTH_STATE_MALFORMED;
  set_detail (report, what);
  set_summary (report,
               g_strdup_printf (_("%s answered, but not with the health document expected "
                                  "(%s). Check that the site URL points at the Sweet Narcisse "
                                  "app and that the right version is deployed."),
                                check->where, what));
}

static SnHealthState
status_from_string (const char *status)
{
  if (g_strcmp0 (status, "healthy") == 0)
    return SN_HEALTH_STATE_HEALTHY;
  if (g_strcmp0 (status, "degraded") == 0)
    return SN_HEALTH_STATE_DEGRADED;
  if (g_strcmp0 (status, "unhealthy") == 0)
    return SN_HEALTH_STATE_UNHEALTHY;
  if (g_strcmp0 (status, "operational") == 0)
    return SN_HEALTH_STATE_OPERATIONAL;
  return SN_HEALTH_STATE_UNKNOWN;
}

static gboolean
member_is (JsonObject *object,
           const char *key,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, key);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* FALSE with @what saying what is wrong when a probe has the wrong shape. */
static gboolean
parse_services (SnHealthReport  *report,
                JsonObject      *root,
                char           **what)
{
  static const char * const names[] = { "database", "redis", "storage" };
  JsonNode *services_node = json_object_get_member (root, "services");
  JsonObject *services;

  if (!JSON_NODE_HOLDS_OBJECT (services_node))
    {
      *what = g_strdup (_("“services” is not an object"));
      return FALSE;
    }

  services = json_node_get_object (services_node);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SnServiceHealth) service = NULL;
      JsonNode *node = json_object_get_member (services, names[i]);
      JsonObject *object;
      const char *message = NULL;
      gint64 latency = -1;
      SnHealthState status;

      if (node == NULL)
        continue;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          *what = g_strdup_printf (_("“services.%s” is not an object"), names[i]);
          return FALSE;
        }

      object = json_node_get_object (node);

      if (!member_is (object, "status", G_TYPE_STRING))
        {
          *what = g_strdup_printf (_("“services.%s.status” is missing or not a string"),
                                   names[i]);
          return FALSE;
        }

      if (json_object_has_member (object, "latencyMs"))
        {
          if (!member_is (object, "latencyMs", G_TYPE_INT64))
            {
              *what = g_strdup_printf (_("“services.%s.latencyMs” is not a whole number"),
                                       names[i]);
              return FALSE;
            }
          latency = json_object_get_int_member (object, "latencyMs");
        }

      if (json_object_has_member (object, "message") &&
          !json_object_get_null_member (object, "message"))
        {
          if (!member_is (object, "message", G_TYPE_STRING))
            {
              *what = g_strdup_printf (_("“services.%s.message” is not a string"), names[i]);
              return FALSE;
            }
          message = json_object_get_string_member (object, "message");
        }

      status = status_from_string (json_object_get_string_member (object, "status"));
      if (status == SN_HEALTH_STATE_OPERATIONAL)
        status = SN_HEALTH_STATE_UNKNOWN;

      service = g_object_new (SN_TYPE_SERVICE_HEALTH,
                              "name", names[i],
                              "status", status,
                              "latency-ms", latency,
                              "message", message,
                              NULL);
      g_list_store_append (report->services, service);
    }

  return TRUE;
}

static gboolean
is_minio_not_configured (SnServiceHealth *service)
{
  return service != NULL &&
         g_strcmp0 (service->name, "storage") == 0 &&
         service->status == SN_HEALTH_STATE_DEGRADED &&
         service->message != NULL &&
         strstr (service->message, "MinIO not configured") != NULL;
}

static const char *
service_label (const char *name)
{
  if (g_strcmp0 (name, "database") == 0)
    return _("database");
  if (g_strcmp0 (name, "redis") == 0)
    return _("Redis");
  if (g_strcmp0 (name, "storage") == 0)
    return _("storage");
  return name;
}

static char *
degraded_summary (SnHealthReport *report)
{
  g_autoptr(GString) list = g_string_new (NULL);
  gboolean minio_expected = FALSE;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (report->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnServiceHealth) service = g_list_model_get_item (G_LIST_MODEL (report->services), i);

      if (service->status == SN_HEALTH_STATE_HEALTHY)
        continue;

      if (is_minio_not_configured (service))
        {
          minio_expected = TRUE;
          continue;
        }

      if (list->len > 0)
        g_string_append (list, "; ");
      if (service->message != NULL)
        g_string_append_printf (list, "%s: %s", service_label (service->name), service->message);
      else
        g_string_append_printf (list, "%s: %s", service_label (service->name),
                                sn_health_state_to_label (service->status));
    }

  if (list->len == 0 && minio_expected)
    return g_strdup (_("The site works. Storage reports “MinIO not configured”, which is normal "
                       "on the production system (its compose file passes STORAGE_ENDPOINT, not "
                       "MINIO_ENDPOINT); nothing to do."));

  if (minio_expected)
    return g_strdup_printf (_("The site works but is degraded: %s. Look at that service first. "
                              "(Storage’s “MinIO not configured” is normal on production.)"),
                            list->str);

  if (list->len == 0)
    return g_strdup (_("The site works but reports itself degraded without saying why. "
                       "Check the app’s logs."));

  return g_strdup_printf (_("The site works but is degraded: %s. Look at that service first."),
                          list->str);
}

/* The body's top-level object, or NULL with @what saying why it is not one. */
static JsonObject *
load_document (JsonParser  *parser,
               GBytes      *body,
               char       **what)
{
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

  if (data == NULL || size == 0)
    {
      *what = g_strdup (_("the answer is empty"));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, size, &error))
    {
      *what = g_strdup_printf (_("not JSON: %s"), error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *what = g_strdup (_("the JSON is not an object"));
      return NULL;
    }

  return json_node_get_object (json_parser_get_root (parser));
}

/* Copies the optional string member @key into *@out; FALSE with @what = @wrong
 * when it is there but not a string. */
static gboolean
read_optional_string (JsonObject  *root,
                      const char  *key,
                      const char  *wrong,
                      char       **out,
                      char       **what)
{
  if (!json_object_has_member (root, key))
    return TRUE;

  if (!member_is (root, key, G_TYPE_STRING))
    {
      *what = g_strdup (wrong);
      return FALSE;
    }

  *out = g_strdup (json_object_get_string_member (root, key));
  return TRUE;
}

static gboolean
read_uptime (SnHealthReport  *report,
             JsonObject      *root,
             char           **what)
{
  double uptime;

  if (!json_object_has_member (root, "uptime"))
    return TRUE;

  if (member_is (root, "uptime", G_TYPE_INT64))
    {
      report->uptime = json_object_get_int_member (root, "uptime");
      return TRUE;
    }

  if (!member_is (root, "uptime", G_TYPE_DOUBLE))
    {
      *what = g_strdup (_("“uptime” is not a number"));
      return FALSE;
    }

  uptime = json_object_get_double_member (root, "uptime");

  /* A hostile or broken answer may say 1e300 or NaN: no undefined cast. */
  if (!(uptime >= 0 && uptime < (double)G_MAXINT64))
    {
      *what = g_strdup (_("“uptime” is out of range"));
      return FALSE;
    }

  report->uptime = (gint64)uptime;
  return TRUE;
}

/* Reads the probe's fields into @report; FALSE with @what saying what is
 * wrong when the answer does not have the probe's shape. */
static gboolean
read_document (SnHealthReport  *report,
               JsonObject      *root,
               SnHealthState   *status,
               gboolean        *verbose,
               char           **what)
{
  if (!member_is (root, "status", G_TYPE_STRING))
    {
      *what = g_strdup (_("“status” is missing or not a string"));
      return FALSE;
    }

  *status = status_from_string (json_object_get_string_member (root, "status"));
  if (*status == SN_HEALTH_STATE_UNKNOWN)
    {
      *what = g_strdup_printf (_("unknown status “%s”"),
                               json_object_get_string_member (root, "status"));
      return FALSE;
    }

  if (!read_optional_string (root, "version", _("“version” is not a string"),
                             &report->version, what)
      || !read_optional_string (root, "timestamp", _("“timestamp” is not a string"),
                                &report->timestamp, what)
      || !read_uptime (report, root, what))
    return FALSE;

  *verbose = json_object_has_member (root, "services");
  if (*verbose && !parse_services (report, root, what))
    return FALSE;

  if (*status == SN_HEALTH_STATE_OPERATIONAL && (*verbose || report->version != NULL))
    {
      *what = g_strdup (_("“operational” in a detailed answer"));
      return FALSE;
    }

  return TRUE;
}

/* A key was sent but the answer is the public (short) one. */
static void
map_key_refused (SnHealthReport *report,
                 Check          *check,
                 SnHealthState   status)
{
  if (status == SN_HEALTH_STATE_UNHEALTHY)
    {
      report->state = SN_HEALTH_STATE_UNHEALTHY;
      set_detail (report, _("public answer {\"status\":\"unhealthy\"} although a key was sent"));
      set_summary (report,
                   g_strdup_printf (_("The site at %s says it is unhealthy: its database does "
                                      "not answer. Check the db container. The monitoring key "
                                      "was not accepted either, so no details are shown."),
                                    check->where));
      return;
    }

  report->state = SN_HEALTH_STATE_UNAUTHORIZED;
  set_detail (report, _("a key was sent but the answer has no details (public or short form)"));
  set_summary (report,
               g_strdup (_("The site answers, but the monitoring key was not accepted, so "
                           "the details are hidden. Check the profile’s monitoring key "
                           "against MONITORING_API_KEY on the server.")));
}

static char *
state_summary (SnHealthReport *report,
               SnHealthState   status)
{
  SnServiceHealth *database;

  switch (status)
    {
    case SN_HEALTH_STATE_OPERATIONAL:
      return g_strdup (_("The site answers and its database works. Details are hidden "
                         "without the monitoring key; add it to the profile to see "
                         "every service."));

    case SN_HEALTH_STATE_HEALTHY:
      if (report->version != NULL)
        return g_strdup_printf (_("Every service is healthy (version %s)."), report->version);
      return g_strdup (_("Every service is healthy."));

    case SN_HEALTH_STATE_DEGRADED:
      return degraded_summary (report);

    case SN_HEALTH_STATE_UNHEALTHY:
      database = sn_health_report_find_service (report, "database");
      if (database != NULL && database->message != NULL)
        return g_strdup_printf (_("The site is down for users: the database does not "
                                  "answer (%s). Check the db container: docker compose ps, "
                                  "then its logs."),
                                database->message);
      return g_strdup (_("The site is down for users: the database does not answer. "
                         "Check the db container: docker compose ps, then its logs."));

    case SN_HEALTH_STATE_UNKNOWN:
    case SN_HEALTH_STATE_UNAUTHORIZED:
    case SN_HEALTH_STATE_TIMEOUT:
    case SN_HEALTH_STATE_REFUSED:
    case SN_HEALTH_STATE_TLS_ERROR:
    case SN_HEALTH_STATE_MALFORMED:
    case SN_HEALTH_STATE_HTTP_ERROR:
    case SN_HEALTH_STATE_UNREACHABLE:
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

static void
map_document (SnHealthReport *report,
              Check          *check,
              GBytes         *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *what = NULL;
  SnHealthState status = SN_HEALTH_STATE_UNKNOWN;
  gboolean verbose = FALSE;
  JsonObject *root;

  root = load_document (parser, body, &what);
  if (root == NULL || !read_document (report, root, &status, &verbose, &what))
    {
      make_malformed (report, check, what);
      return;
    }

  /* 503 ⇔ unhealthy, whatever the body says. */
  if (report->http_status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    status = SN_HEALTH_STATE_UNHEALTHY;

  if (check->sent_key && !verbose)
    {
      map_key_refused (report, check, status);
      return;
    }

  report->state = status;
  set_summary (report, state_summary (report, status));
}

static void
map_http_status (SnHealthReport *report,
                 Check          *check,
                 GBytes         *body)
{
  guint status = report->http_status;
  const char *reason = soup_message_get_reason_phrase (check->message);
  g_autofree char *detail = g_strdup_printf ("HTTP %u %s", status, reason ? reason : "");

  if (status == SOUP_STATUS_OK || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      map_document (report, check, body);
      return;
    }

  set_detail (report, detail);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      report->state = SN_HEALTH_STATE_UNAUTHORIZED;
      if (check->sent_key)
        set_summary (report,
                     g_strdup (_("The monitoring key was refused. Check the profile’s monitoring "
                                 "key against MONITORING_API_KEY on the server.")));
      else
        set_summary (report,
                     g_strdup (_("The site asks for a monitoring key. Add it to the profile.")));
      return;
    }

  report->state = SN_HEALTH_STATE_HTTP_ERROR;

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (check->message),
                                                            "Location");

      set_summary (report,
                   g_strdup_printf (_("The site redirects the health check to %s. Put the final "
                                      "address in the profile’s site URL."),
                                    location != NULL ? location : _("another address")));
    }
  else if (status == SOUP_STATUS_NOT_FOUND)
    set_summary (report,
                 g_strdup_printf (_("%s has no /api/health. Check the profile’s site URL."),
                                  check->where));
  else if (status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_GATEWAY_TIMEOUT)
    set_summary (report,
                 g_strdup_printf (_("The web server at %s answers %u: the app behind it is down "
                                    "or not answering. Check the app container."),
                                  check->where, status));
  else
    set_summary (report,
                 g_strdup_printf (_("%s answered with HTTP %u (%s). Check the app’s logs."),
                                  check->where, status, reason ? reason : ""));
}

static void
map_error (SnHealthReport *report,
           Check          *check,
           const GError   *error)
{
  GTlsCertificateFlags tls_errors = soup_message_get_tls_peer_certificate_errors (check->message);

  set_detail (report, error->message);

  if (check->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      report->state = SN_HEALTH_STATE_TIMEOUT;
      set_detail (report, check->timed_out ? _("no answer before the timeout") : error->message);
      set_summary (report,
                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s did not answer within %u second. The app "
                                                 "may be overloaded or stuck: check the "
                                                 "containers and the server’s load.",
                                                 "%s did not answer within %u seconds. The app "
                                                 "may be overloaded or stuck: check the "
                                                 "containers and the server’s load.",
                                                 check->timeout_seconds),
                                    check->where, check->timeout_seconds));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      report->state = SN_HEALTH_STATE_REFUSED;
      set_summary (report,
                   g_strdup_printf (_("Nothing answers at %s. Is the site down? Check the "
                                      "containers."),
                                    check->where));
    }
  else if (error->domain == G_TLS_ERROR || tls_errors != 0)
    {
      report->state = SN_HEALTH_STATE_TLS_ERROR;
      set_summary (report,
                   g_strdup_printf (_("The secure connection to %s failed (%s). Check the "
                                      "certificate (expired? not renewed?) and whether the "
                                      "address should start with https:// or http://."),
                                    check->where, error->message));
    }
  else if (error->domain == SOUP_SESSION_ERROR &&
           (error->code == SOUP_SESSION_ERROR_PARSING ||
            error->code == SOUP_SESSION_ERROR_ENCODING))
    {
      make_malformed (report, check, error->message);
    }
  else
    {
      report->state = SN_HEALTH_STATE_UNREACHABLE;
      set_summary (report,
                   g_strdup_printf (_("%s cannot be reached (%s). Check the network connection "
                                      "and the profile’s site URL."),
                                    check->where, error->message));
    }
}

static void
finish_check (GTask        *task,
              GInputStream *stream,
              gboolean      too_large,
              GError       *error)
{
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GBytes) body = NULL;
  Check *check = g_task_get_task_data (task);

  if (stream != NULL)
    g_input_stream_close (stream, NULL, NULL);

  if (check->user_cancellable != NULL && g_cancellable_is_cancelled (check->user_cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The health check was cancelled."));
      return;
    }

  report = g_object_new (SN_TYPE_HEALTH_REPORT, NULL);
  report->round_trip_ms = (g_get_monotonic_time () - check->started) / 1000;

  if (error != NULL)
    {
      map_error (report, check, error);
    }
  else
    {
      guint status = soup_message_get_status (check->message);

      report->http_status = status;
      body = g_byte_array_free_to_bytes (g_steal_pointer (&check->body));
      if (too_large && (status == SOUP_STATUS_OK || status == SOUP_STATUS_SERVICE_UNAVAILABLE))
        make_malformed (report, check, _("the answer is too large (over 1 MiB)"));
      else
        map_http_status (report, check, too_large ? NULL : body);
    }

  g_debug ("%s: %s (%s)", check->where, sn_health_state_to_label (report->state),
           report->detail ? report->detail : "");

  g_task_return_pointer (task, g_steal_pointer (&report), g_object_unref);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *stream = G_INPUT_STREAM (object);
  Check *check = g_task_get_task_data (task);
  gsize size;

  chunk = g_input_stream_read_bytes_finish (stream, result, &error);
  if (chunk == NULL)
    {
      finish_check (task, stream, FALSE, error);
      g_object_unref (stream);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0 || check->body->len + size > MAX_BODY_BYTES)
    {
      /* The end, or more than a health document can be: stop reading. */
      finish_check (task, stream, size > 0, NULL);
      g_object_unref (stream);
      return;
    }

  g_byte_array_append (check->body, g_bytes_get_data (chunk, NULL), size);
  g_input_stream_read_bytes_async (stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   check->cancellable, read_cb, g_steal_pointer (&task));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream;
  Check *check = g_task_get_task_data (task);

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      finish_check (task, NULL, FALSE, error);
      return;
    }

  check->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   check->cancellable, read_cb, g_steal_pointer (&task));
}

/**
 * sn_health_service_check_async:
 * @self: a #SnHealthService
 * @site_url: e.g. "https://www.sweet-narcisse.com"
 * @monitoring_key: (nullable): the MONITORING_API_KEY; with it the verbose
 *   form is asked for, without it the public form
 * @timeout_seconds: 0 for 10 s
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the report
 * @user_data: for @callback
 */
void
sn_health_service_check_async (SnHealthService     *self,
                               const char          *site_url,
                               const char          *monitoring_key,
                               guint                timeout_seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  const char *scheme;
  gboolean with_key;
  Check *check;
  gsize len;

  g_return_if_fail (SN_IS_HEALTH_SERVICE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_health_service_check_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  with_key = monitoring_key != NULL && *monitoring_key != '\0';

  base = g_strstrip (g_strdup (site_url != NULL ? site_url : ""));
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  url = g_strconcat (base, "/api/health", with_key ? "?verbose=true" : NULL, NULL);

  /* The guard first: nothing is resolved or sent when it refuses. */
  if (!sn_net_check_uri (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_task_return_new_error (task, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS,
                               _("“%s” is not a web address. Enter a full address starting "
                                 "with https:// or http://."),
                               site_url != NULL ? site_url : "");
      return;
    }

  /* The key opens the detailed health data: never in clear over the
   * internet, only over https or to this machine (L9). */
  if (with_key && g_ascii_strcasecmp (scheme, "http") == 0 &&
      !sn_net_host_is_loopback (g_uri_get_host (uri)))
    {
      g_task_return_new_error (task, SN_NET_ERROR, SN_NET_ERROR_INSECURE,
                               _("The monitoring key was not sent: “%s” is a plain http:// address, "
                                 "where anyone on the way could read the key. Use the site’s "
                                 "https:// address in the profile."),
                               site_url);
      return;
    }

  if (timeout_seconds == 0)
    timeout_seconds = DEFAULT_TIMEOUT_SECONDS;

  check = g_new0 (Check, 1);
  check->timeout_seconds = timeout_seconds;
  check->sent_key = with_key;
  check->cancellable = g_cancellable_new ();
  check->message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  if (g_uri_get_port (uri) > 0)
    check->where = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  else
    check->where = g_strdup (g_uri_get_host (uri));
  g_task_set_task_data (task, check, check_free);

  if (cancellable != NULL)
    {
      check->user_cancellable = g_object_ref (cancellable);
      check->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (user_cancelled_cb),
                                                   check->cancellable, NULL);
    }

  /* Redirects are reported, never followed: the guard checked this host only. */
  soup_message_add_flags (check->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_append (soup_message_get_request_headers (check->message),
                               "Accept", "application/json");
  soup_message_headers_append (soup_message_get_request_headers (check->message),
                               "Cache-Control", "no-cache");
  if (with_key)
    soup_message_headers_append (soup_message_get_request_headers (check->message),
                                 "X-API-Key", monitoring_key);

  soup_session_set_timeout (self->session, timeout_seconds);

  check->timeout_source = g_timeout_source_new (timeout_seconds * 1000);
  g_source_set_callback (check->timeout_source, timeout_cb, check, NULL);
  g_source_set_static_name (check->timeout_source, "[sn-health-timeout]");
  g_source_attach (check->timeout_source, g_main_context_get_thread_default ());

  check->started = g_get_monotonic_time ();
  soup_session_send_async (self->session, check->message, G_PRIORITY_DEFAULT,
                           check->cancellable, send_cb, g_steal_pointer (&task));
}

/**
 * sn_health_service_check_finish:
 *
 * Returns: (transfer full): the report; %NULL only when cancelled, for an
 *   invalid URL, a host refused by the loopback guard, or a monitoring key
 *   that would go over plain http to a remote host (%SN_NET_ERROR_INSECURE)
 */
SnHealthReport *
sn_health_service_check_finish (SnHealthService  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (SN_IS_HEALTH_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * _sn_health_report_new_from_body: (skip)
 * @body: what /api/health answered
 * @http_status: 200 or 503
 * @sent_key: whether the monitoring key was sent
 *
 * What the service makes of an answer, without the network: for the fuzz
 * targets and the parser tests.
 */
SnHealthReport *
_sn_health_report_new_from_body (GBytes   *body,
                                 guint     http_status,
                                 gboolean  sent_key)
{
  SnHealthReport *report = g_object_new (SN_TYPE_HEALTH_REPORT, NULL);
  Check check = { 0 };

  check.where = (char *)"127.0.0.1:3000";
  check.sent_key = !!sent_key;
  report->http_status = http_status;
  map_document (report, &check, body);
  return report;
}
