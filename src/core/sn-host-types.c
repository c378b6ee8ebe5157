/* sn-host-types.c: what SnHost's typed calls return, and their parsers
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sn-host.h"

const char *
sn_compose_action_to_string (SnComposeAction action)
{
  switch (action)
    {
    case SN_COMPOSE_STOP:
      return "stop";
    case SN_COMPOSE_START:
      return "start";
    case SN_COMPOSE_UP:
      return "up";
    case SN_COMPOSE_PULL:
      return "pull";
    case SN_COMPOSE_BUILD:
      return "build";
    case SN_COMPOSE_RESTART:
      return "restart";
    default:
      return NULL;
    }
}

/* ------------------------------------------------------------------------ */
/* SnContainer                                                              */

struct _SnContainer
{
  GObject  parent_instance;

  char    *name;
  char    *service;
  char    *state;
  char    *health;
  char    *status;
  char    *image;

  int      exit_code;
};

G_DEFINE_FINAL_TYPE (SnContainer, sn_container, G_TYPE_OBJECT)

enum {
  CONTAINER_PROP_0,
  CONTAINER_PROP_NAME,
  CONTAINER_PROP_SERVICE,
  CONTAINER_PROP_STATE,
  CONTAINER_PROP_HEALTH,
  CONTAINER_PROP_STATUS,
  CONTAINER_PROP_IMAGE,
  CONTAINER_PROP_EXIT_CODE,
  CONTAINER_PROP_RUNNING,
  CONTAINER_N_PROPS
};

static GParamSpec *container_props[CONTAINER_N_PROPS];

static void
sn_container_finalize (GObject *object)
{
  SnContainer *self = (SnContainer *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->service, g_free);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->health, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->image, g_free);

  G_OBJECT_CLASS (sn_container_parent_class)->finalize (object);
}

static void
sn_container_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnContainer *self = SN_CONTAINER (object);

  switch (prop_id)
    {
    case CONTAINER_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case CONTAINER_PROP_SERVICE:
      g_value_set_string (value, self->service);
      break;
    case CONTAINER_PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case CONTAINER_PROP_HEALTH:
      g_value_set_string (value, self->health);
      break;
    case CONTAINER_PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case CONTAINER_PROP_IMAGE:
      g_value_set_string (value, self->image);
      break;
    case CONTAINER_PROP_EXIT_CODE:
      g_value_set_int (value, self->exit_code);
      break;
    case CONTAINER_PROP_RUNNING:
      g_value_set_boolean (value, sn_container_is_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_container_class_init (SnContainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sn_container_finalize;
  object_class->get_property = sn_container_get_property;

  container_props[CONTAINER_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  container_props[CONTAINER_PROP_SERVICE] = g_param_spec_string ("service", NULL, NULL, NULL, flags);
  container_props[CONTAINER_PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  container_props[CONTAINER_PROP_HEALTH] = g_param_spec_string ("health", NULL, NULL, NULL, flags);
  container_props[CONTAINER_PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  container_props[CONTAINER_PROP_IMAGE] = g_param_spec_string ("image", NULL, NULL, NULL, flags);
  container_props[CONTAINER_PROP_EXIT_CODE] =
    g_param_spec_int ("exit-code", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  container_props[CONTAINER_PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, CONTAINER_N_PROPS, container_props);
}

static void
sn_container_init (SnContainer *self)
{
}

const char *
sn_container_get_name (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), NULL);
  return self->name;
}

const char *
sn_container_get_service (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), NULL);
  return self->service;
}

const char *
sn_container_get_state (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), NULL);
  return self->state;
}

const char *
sn_container_get_health (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), NULL);
  return self->health;
}

const char *
sn_container_get_status (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), NULL);
  return self->status;
}

const char *
sn_container_get_image (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), NULL);
  return self->image;
}

int
sn_container_get_exit_code (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), 0);
  return self->exit_code;
}

gboolean
sn_container_is_running (SnContainer *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER (self), FALSE);
  return g_strcmp0 (self->state, "running") == 0;
}

/* ------------------------------------------------------------------------ */
/* SnFilesystem                                                             */

struct _SnFilesystem
{
  GObject  parent_instance;

  char    *source;
  char    *mount;

  guint64  size;
  guint64  used;
  guint64  avail;
  guint    percent;
};

G_DEFINE_FINAL_TYPE (SnFilesystem, sn_filesystem, G_TYPE_OBJECT)

enum {
  FS_PROP_0,
  FS_PROP_SOURCE,
  FS_PROP_SIZE,
  FS_PROP_USED,
  FS_PROP_AVAIL,
  FS_PROP_PERCENT,
  FS_PROP_MOUNT,
  FS_N_PROPS
};

static GParamSpec *fs_props[FS_N_PROPS];

static void
sn_filesystem_finalize (GObject *object)
{
  SnFilesystem *self = (SnFilesystem *)object;

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->mount, g_free);

  G_OBJECT_CLASS (sn_filesystem_parent_class)->finalize (object);
}

static void
sn_filesystem_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnFilesystem *self = SN_FILESYSTEM (object);

  switch (prop_id)
    {
    case FS_PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case FS_PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case FS_PROP_USED:
      g_value_set_uint64 (value, self->used);
      break;
    case FS_PROP_AVAIL:
      g_value_set_uint64 (value, self->avail);
      break;
    case FS_PROP_PERCENT:
      g_value_set_uint (value, self->percent);
      break;
    case FS_PROP_MOUNT:
      g_value_set_string (value, self->mount);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_filesystem_class_init (SnFilesystemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sn_filesystem_finalize;
  object_class->get_property = sn_filesystem_get_property;

  fs_props[FS_PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, flags);
  fs_props[FS_PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  fs_props[FS_PROP_USED] = g_param_spec_uint64 ("used", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  fs_props[FS_PROP_AVAIL] = g_param_spec_uint64 ("avail", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  fs_props[FS_PROP_PERCENT] = g_param_spec_uint ("percent", NULL, NULL, 0, 100, 0, flags);
  fs_props[FS_PROP_MOUNT] = g_param_spec_string ("mount", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, FS_N_PROPS, fs_props);
}

static void
sn_filesystem_init (SnFilesystem *self)
{
}

const char *
sn_filesystem_get_source (SnFilesystem *self)
{
  g_return_val_if_fail (SN_IS_FILESYSTEM (self), NULL);
  return self->source;
}

guint64
sn_filesystem_get_size (SnFilesystem *self)
{
  g_return_val_if_fail (SN_IS_FILESYSTEM (self), 0);
  return self->size;
}

guint64
sn_filesystem_get_used (SnFilesystem *self)
{
  g_return_val_if_fail (SN_IS_FILESYSTEM (self), 0);
  return self->used;
}

guint64
sn_filesystem_get_avail (SnFilesystem *self)
{
  g_return_val_if_fail (SN_IS_FILESYSTEM (self), 0);
  return self->avail;
}

guint
sn_filesystem_get_percent (SnFilesystem *self)
{
  g_return_val_if_fail (SN_IS_FILESYSTEM (self), 0);
  return self->percent;
}

const char *
sn_filesystem_get_mount (SnFilesystem *self)
{
  g_return_val_if_fail (SN_IS_FILESYSTEM (self), NULL);
  return self->mount;
}

/* ------------------------------------------------------------------------ */
/* SnDockerUsage                                                            */

struct _SnDockerUsage
{
  GObject  parent_instance;

  char    *kind;
  char    *size_text;
  char    *reclaimable_text;

  guint64  size;
  guint64  reclaimable;
  guint    total;
  guint    active;
};

G_DEFINE_FINAL_TYPE (SnDockerUsage, sn_docker_usage, G_TYPE_OBJECT)

static void
sn_docker_usage_finalize (GObject *object)
{
  SnDockerUsage *self = (SnDockerUsage *)object;

  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->size_text, g_free);
  g_clear_pointer (&self->reclaimable_text, g_free);

  G_OBJECT_CLASS (sn_docker_usage_parent_class)->finalize (object);
}

static void
sn_docker_usage_class_init (SnDockerUsageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_docker_usage_finalize;
}

static void
sn_docker_usage_init (SnDockerUsage *self)
{
}

const char *
sn_docker_usage_get_kind (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), NULL);
  return self->kind;
}

guint
sn_docker_usage_get_total (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), 0);
  return self->total;
}

guint
sn_docker_usage_get_active (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), 0);
  return self->active;
}

guint64
sn_docker_usage_get_size (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), 0);
  return self->size;
}

guint64
sn_docker_usage_get_reclaimable (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), 0);
  return self->reclaimable;
}

const char *
sn_docker_usage_get_size_text (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), NULL);
  return self->size_text;
}

const char *
sn_docker_usage_get_reclaimable_text (SnDockerUsage *self)
{
  g_return_val_if_fail (SN_IS_DOCKER_USAGE (self), NULL);
  return self->reclaimable_text;
}

/* ------------------------------------------------------------------------ */
/* SnUptime                                                                 */

struct _SnUptime
{
  GObject parent_instance;

  gint64  seconds;
  double  load[3];
};

G_DEFINE_FINAL_TYPE (SnUptime, sn_uptime, G_TYPE_OBJECT)

static void
sn_uptime_class_init (SnUptimeClass *klass)
{
}

static void
sn_uptime_init (SnUptime *self)
{
}

gint64
sn_uptime_get_seconds (SnUptime *self)
{
  g_return_val_if_fail (SN_IS_UPTIME (self), 0);
  return self->seconds;
}

/**
 * sn_uptime_get_load:
 * @minutes: 1, 5 or 15
 */
double
sn_uptime_get_load (SnUptime *self,
                    guint     minutes)
{
  g_return_val_if_fail (SN_IS_UPTIME (self), 0);

  switch (minutes)
    {
    case 1:
      return self->load[0];
    case 5:
      return self->load[1];
    case 15:
      return self->load[2];
    default:
      g_return_val_if_reached (0);
    }
}

/* ------------------------------------------------------------------------ */
/* Parsers                                                                  */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

static SnContainer *
container_from_json (JsonObject *object)
{
  SnContainer *container = g_object_new (SN_TYPE_CONTAINER, NULL);
  const char *name = member_string (object, "Name");

  if (*name == '\0')
    name = member_string (object, "Names");
  container->name = g_strdup (name);
  container->service = g_strdup (member_string (object, "Service"));
  container->state = g_strdup (member_string (object, "State"));
  container->health = g_strdup (member_string (object, "Health"));
  container->status = g_strdup (member_string (object, "Status"));
  container->image = g_strdup (member_string (object, "Image"));
  container->exit_code = (int)json_object_get_int_member_with_default (object, "ExitCode", 0);

  return container;
}

static gboolean
add_containers (GListStore  *store,
                JsonNode    *root,
                GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autoptr(SnContainer) container = container_from_json (json_node_get_object (root));

      g_list_store_append (store, container);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autoptr(SnContainer) container = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          container = container_from_json (json_node_get_object (element));
          g_list_store_append (store, container);
        }
      return TRUE;
    }

  g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
               _("`docker compose ps --format json` printed something other than JSON "
                 "objects. Check the Docker Compose version on the host (v2 is needed)."));
  return FALSE;
}

/**
 * sn_host_parse_compose_ps:
 * @text: the output of `docker compose ps --format json`: one JSON object a
 *   line (Compose ≥ 2.21) or one JSON array (older v2)
 *
 * Returns: (transfer full): a #GListModel of #SnContainer
 */
GListModel *
sn_host_parse_compose_ps (const char  *text,
                          GError     **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_CONTAINER);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  while (g_ascii_isspace (*p))
    p++;

  if (*p == '[')
    {
      if (!json_parser_load_from_data (parser, p, -1, error))
        return NULL;
      if (!add_containers (store, json_parser_get_root (parser), error))
        return NULL;
      return G_LIST_MODEL (g_steal_pointer (&store));
    }

  lines = g_strsplit (p, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (!json_parser_load_from_data (parser, line, -1, &local_error))
        {
          g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                       _("Line %u of `docker compose ps --format json` is not JSON (%s). "
                         "Check the Docker Compose version on the host (v2 is needed)."),
                       i + 1, local_error->message);
          return NULL;
        }
      if (!add_containers (store, json_parser_get_root (parser), error))
        return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

static gboolean
parse_u64 (const char *text,
           guint64    *value)
{
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, value, NULL);
}

/**
 * sn_host_parse_df:
 * @text: the output of `df -P -B1`
 *
 * Returns: (transfer full): a #GListModel of #SnFilesystem
 */
GListModel *
sn_host_parse_df (const char  *text,
                  GError     **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_FILESYSTEM);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      g_autoptr(SnFilesystem) fs = NULL;
      g_autofree char *percent = NULL;
      guint64 pct = 0;

      if (i == 0 || *g_strstrip (lines[i]) == '\0')
        {
          if (i == 0 && !g_str_has_prefix (lines[0], "Filesystem"))
            {
              g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                           _("`df -P -B1` printed no header line; the host’s df is not the "
                             "expected GNU or POSIX df."));
              return NULL;
            }
          continue;
        }

      fields = g_strsplit_set (lines[i], " \t", -1);
      for (guint j = 0; fields[j] != NULL; j++)
        {
          if (*fields[j] != '\0')
            g_ptr_array_add (words, fields[j]);
        }
      if (words->len < 6)
        goto bad_line;

      fs = g_object_new (SN_TYPE_FILESYSTEM, NULL);
      fs->source = g_strdup (g_ptr_array_index (words, 0));
      percent = g_strdup (g_ptr_array_index (words, 4));
      if (g_str_has_suffix (percent, "%"))
        percent[strlen (percent) - 1] = '\0';
      if (!parse_u64 (g_ptr_array_index (words, 1), &fs->size) ||
          !parse_u64 (g_ptr_array_index (words, 2), &fs->used) ||
          !parse_u64 (g_ptr_array_index (words, 3), &fs->avail))
        goto bad_line;
      /* "-" for pseudo filesystems without blocks */
      if (parse_u64 (percent, &pct))
        fs->percent = (guint)MIN (pct, 100);

      /* a mount point may hold spaces: the rest of the line */
      g_ptr_array_add (words, NULL);
      fs->mount = g_strjoinv (" ", (char **)words->pdata + 5);
      g_list_store_append (store, fs);
      continue;

    bad_line:
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("Line %u of `df -P -B1` is not understood: “%s”"), i + 1, lines[i]);
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * sn_host_parse_docker_size:
 * @text: a size as docker prints it: "4.812GB", "2.114MB", "0B", "512kB",
 *   optionally followed by " (40%)"
 *
 * Returns: bytes (docker's units are decimal)
 */
guint64
sn_host_parse_docker_size (const char *text)
{
  static const struct { const char *unit; double factor; } units[] = {
    { "TB", 1e12 }, { "GB", 1e9 }, { "MB", 1e6 }, { "kB", 1e3 }, { "KB", 1e3 }, { "B", 1 },
  };
  char *end = NULL;
  double value;

  if (text == NULL)
    return 0;

  value = g_ascii_strtod (text, &end);
  if (end == text)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (g_str_has_prefix (end, units[i].unit))
        {
          value = value * units[i].factor + 0.5;
          break;
        }
    }

  /* Out of range (or NaN) is not a size: no undefined cast. */
  if (!(value >= 0 && value < (double)G_MAXUINT64))
    return 0;
  return (guint64)value;
}

/**
 * sn_host_parse_docker_df:
 * @text: the output of `docker system df`
 *
 * Returns: (transfer full): a #GListModel of #SnDockerUsage
 */
GListModel *
sn_host_parse_docker_df (const char  *text,
                         GError     **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_DOCKER_USAGE);
  g_autoptr(GRegex) columns = g_regex_new ("\\s{2,}", 0, 0, NULL);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL || !g_str_has_prefix (lines[0], "TYPE"))
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("`docker system df` printed no TYPE header; is Docker running on the host?"));
      return NULL;
    }

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autoptr(SnDockerUsage) usage = NULL;

      if (*g_strstrip (lines[i]) == '\0')
        continue;

      /* GRegex needs UTF-8: a line that is not is not understood either. */
      if (g_utf8_validate (lines[i], -1, NULL))
        fields = g_regex_split (columns, lines[i], 0);
      if (fields == NULL || g_strv_length (fields) < 5)
        {
          g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                       _("Line %u of `docker system df` is not understood: “%s”"), i + 1, lines[i]);
          return NULL;
        }

      usage = g_object_new (SN_TYPE_DOCKER_USAGE, NULL);
      usage->kind = g_strdup (fields[0]);
      usage->total = (guint)g_ascii_strtoull (fields[1], NULL, 10);
      usage->active = (guint)g_ascii_strtoull (fields[2], NULL, 10);
      usage->size_text = g_strdup (fields[3]);
      usage->size = sn_host_parse_docker_size (fields[3]);
      usage->reclaimable_text = g_strdup (fields[4]);
      usage->reclaimable = sn_host_parse_docker_size (fields[4]);
      g_list_store_append (store, usage);
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * sn_host_env_name_is_secret:
 * @name: an environment variable name
 *
 * Whether its value must never be shown or logged: *SECRET*, *KEY*,
 * *PASSWORD*, *PASSWD*, *TOKEN*, *_PASS, credentials in *_URL (DATABASE_URL).
 */
gboolean
sn_host_env_name_is_secret (const char *name)
{
  g_autofree char *upper = NULL;

  if (name == NULL)
    return FALSE;

  upper = g_ascii_strup (name, -1);
  return strstr (upper, "SECRET") != NULL || strstr (upper, "KEY") != NULL ||
         strstr (upper, "PASSWORD") != NULL || strstr (upper, "PASSWD") != NULL ||
         strstr (upper, "TOKEN") != NULL || g_str_has_suffix (upper, "_PASS") ||
         strstr (upper, "CREDENTIAL") != NULL || g_str_equal (upper, "DATABASE_URL") ||
         g_str_has_suffix (upper, "_DSN");
}


/**
 * sn_host_parse_uptime:
 * @text: /proc/uptime then /proc/loadavg, as `cat` prints them
 *
 * Returns: (transfer full): the uptime and load, or %NULL with an error
 */
SnUptime *
sn_host_parse_uptime (const char  *text,
                      GError     **error)
{
  g_autofree char *copy = g_strdup (text != NULL ? text : "");
  g_autoptr(SnUptime) uptime = g_object_new (SN_TYPE_UPTIME, NULL);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (copy), " \n", -1);
  double values[5];
  guint n = 0;

  /* "12345.67 2345.60" then "0.52 0.58 0.59 1/219 16802" */
  for (guint i = 0; words[i] != NULL && n < G_N_ELEMENTS (values); i++)
    {
      char *end = NULL;

      if (*words[i] == '\0')
        continue;
      values[n] = g_ascii_strtod (words[i], &end);
      if (end == words[i])
        break;
      n++;
    }

  /* Out of range (or NaN) is not an uptime: no undefined cast. */
  if (n < 5 || !(values[0] >= 0 && values[0] < (double)G_MAXINT64))
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("/proc/uptime and /proc/loadavg of the host could not be read: “%s”"),
                   copy);
      return NULL;
    }
  uptime->seconds = (gint64)values[0];
  uptime->load[0] = values[2];
  uptime->load[1] = values[3];
  uptime->load[2] = values[4];

  return g_steal_pointer (&uptime);
}
