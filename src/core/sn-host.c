/* sn-host.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sn-action.h"
#include "sn-host.h"
#include "sn-profile.h"

/*
 * Every method builds one shell command, runs it through the SnSshSession
 * in the profile's deploy path with `docker compose --env-file
 * .env.production.local` (target-system.md §9.5), writes one audit line
 * (command redacted, exit status, duration, bytes) and parses the output into
 * GObjects. Output is never logged: printenv's values stay in the result.
 */

#define DEFAULT_TIMEOUT_MS (120 * 1000)
#define ENV_FILE           ".env.production.local"

G_DEFINE_QUARK (sn-host-error-quark, sn_host_error)

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
        return (guint64)(value * units[i].factor + 0.5);
    }

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

      fields = g_regex_split (columns, lines[i], 0);
      if (g_strv_length (fields) < 5)
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

/* ------------------------------------------------------------------------ */
/* SnHost                                                                   */

struct _SnHost
{
  GObject       parent_instance;

  SnSshSession *session;
  SnAuditLog   *audit_log;
};

G_DEFINE_FINAL_TYPE (SnHost, sn_host, G_TYPE_OBJECT)

static void
sn_host_dispose (GObject *object)
{
  SnHost *self = (SnHost *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->audit_log);

  G_OBJECT_CLASS (sn_host_parent_class)->dispose (object);
}

static void
sn_host_class_init (SnHostClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sn_host_dispose;
}

static void
sn_host_init (SnHost *self)
{
}

/**
 * sn_host_new:
 * @session: the connection to the profile's host
 * @audit_log: (nullable): where every action is recorded; %NULL for
 *   sn_audit_log_get_default()
 */
SnHost *
sn_host_new (SnSshSession *session,
             SnAuditLog   *audit_log)
{
  SnHost *self;

  g_return_val_if_fail (SN_IS_SSH_SESSION (session), NULL);
  g_return_val_if_fail (audit_log == NULL || SN_IS_AUDIT_LOG (audit_log), NULL);

  self = g_object_new (SN_TYPE_HOST, NULL);
  self->session = g_object_ref (session);
  self->audit_log = g_object_ref (audit_log != NULL ? audit_log : sn_audit_log_get_default ());

  return self;
}

SnSshSession *
sn_host_get_session (SnHost *self)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);
  return self->session;
}

SnAuditLog *
sn_host_get_audit_log (SnHost *self)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);
  return self->audit_log;
}

static const char *
profile_name (SnHost *self)
{
  return sn_profile_get_name (sn_ssh_session_get_profile (self->session));
}

/**
 * sn_host_dup_compose_prefix:
 *
 * Returns: "cd '<deploy path>' && docker compose --env-file .env.production.local"
 */
char *
sn_host_dup_compose_prefix (SnHost *self)
{
  const char *path;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (SN_IS_HOST (self), NULL);

  path = sn_profile_get_deploy_path (sn_ssh_session_get_profile (self->session));
  quoted = g_shell_quote (path != NULL && *path != '\0' ? path : "/opt/sweetnarcisse");

  return g_strdup_printf ("cd %s && docker compose --env-file " ENV_FILE, quoted);
}

typedef gpointer (*HostParseFunc) (SnHost           *self,
                                   SnSshExecResult  *result,
                                   GError          **error);

typedef struct
{
  char           *action;
  char           *command;
  char           *what;           /* for messages: "docker compose ps" */
  HostParseFunc   parse;
  GDestroyNotify  value_free;
  gint64          started;
  gboolean        require_success;
} HostCall;

static void
host_call_free (HostCall *call)
{
  g_free (call->action);
  g_free (call->command);
  g_free (call->what);
  g_free (call);
}

static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strdup (text != NULL ? text : "");
  g_auto(GStrv) lines = g_strsplit (g_strstrip (copy), "\n", -1);
  guint n = g_strv_length (lines);

  return n > 0 ? g_strdup (g_strstrip (lines[n - 1])) : g_strdup ("");
}

static void
on_host_exec_ready (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnHost *self = g_task_get_source_object (task);
  HostCall *call = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *cancelled_command = NULL;
  gpointer value;
  int status = -1;
  gint64 duration = g_get_monotonic_time () - call->started;
  guint64 bytes = 0;

  exec = sn_ssh_session_exec_finish (SN_SSH_SESSION (object), result, &error);
  if (exec != NULL)
    {
      status = sn_ssh_exec_result_get_exit_status (exec);
      duration = sn_ssh_exec_result_get_duration_us (exec);
      bytes = sn_ssh_exec_result_get_stdout_bytes (exec) + sn_ssh_exec_result_get_stderr_bytes (exec);
    }

  /* A command stopped by the app (a closed window, a newer refresh) says so. */
  if (exec == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cancelled_command = g_strdup_printf ("%s (cancelled)", call->command);

  if (!sn_audit_log_append (self->audit_log, profile_name (self), call->action,
                            cancelled_command != NULL ? cancelled_command : call->command,
                            status, duration, bytes, &audit_error))
    g_warning ("%s", audit_error->message);

  if (exec == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (call->require_success && !sn_ssh_exec_result_get_success (exec))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);
      g_autofree char *why = last_line (err);

      if (sn_ssh_exec_result_get_exit_signal (exec) != NULL)
        g_task_return_new_error (task, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                                 _("“%s” on %s was killed by signal %s."),
                                 call->what, profile_name (self),
                                 sn_ssh_exec_result_get_exit_signal (exec));
      else
        g_task_return_new_error (task, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                                 _("“%s” failed on %s (exit status %d): %s"),
                                 call->what, profile_name (self), status,
                                 *why != '\0' ? why : _("no message"));
      return;
    }

  /* An action that could not be audited must not pass unnoticed. */
  if (audit_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&audit_error));
      return;
    }

  value = call->parse (self, exec, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, call->value_free);
}

static void
host_call (SnHost              *self,
           gpointer             source_tag,
           const char          *action,
           const char          *what,
           char                *command,          /* owned */
           HostParseFunc        parse,
           GDestroyNotify       value_free,
           gboolean             require_success,
           SnSshLineFunc        line_func,
           gpointer             line_data,
           GDestroyNotify       line_data_destroy,
           guint                timeout_ms,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HostCall *call = g_new0 (HostCall, 1);

  call->action = g_strdup (action);
  call->command = command;
  call->what = g_strdup (what);
  call->parse = parse;
  call->value_free = value_free;
  call->require_success = require_success;
  call->started = g_get_monotonic_time ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify)host_call_free);

  if (line_func != NULL)
    sn_ssh_session_exec_lines_async (self->session, call->command, timeout_ms,
                                     line_func, line_data, line_data_destroy, cancellable,
                                     on_host_exec_ready, g_steal_pointer (&task));
  else
    sn_ssh_session_exec_async (self->session, call->command, timeout_ms, cancellable,
                               on_host_exec_ready, g_steal_pointer (&task));
}

static gpointer
host_call_finish (SnHost        *self,
                  GAsyncResult  *result,
                  gpointer       source_tag,
                  GError       **error)
{
  g_return_val_if_fail (SN_IS_HOST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
stdout_text (SnSshExecResult *exec)
{
  return sn_ssh_exec_result_dup_stdout_text (exec);
}

static gpointer
keep_result (SnHost           *self,
             SnSshExecResult  *exec,
             GError          **error)
{
  return g_object_ref (exec);
}

/* compose ps ---------------------------------------------------------- */

static gpointer
parse_ps (SnHost           *self,
          SnSshExecResult  *exec,
          GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_compose_ps (text, error);
}

/**
 * sn_host_compose_ps_async:
 *
 * Lists every container of the project, stopped ones included
 * (`docker compose ps -a --format json`).
 */
void
sn_host_compose_ps_async (SnHost              *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *prefix = NULL;

  g_return_if_fail (SN_IS_HOST (self));

  prefix = sn_host_dup_compose_prefix (self);
  host_call (self, sn_host_compose_ps_async, "host.compose.ps", "docker compose ps",
             g_strdup_printf ("%s ps -a --format json", prefix),
             parse_ps, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_compose_ps_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnContainer
 */
GListModel *
sn_host_compose_ps_finish (SnHost        *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return host_call_finish (self, result, sn_host_compose_ps_async, error);
}

/* compose logs -------------------------------------------------------- */

/**
 * sn_host_compose_logs_async:
 * @service: (nullable): one service, or %NULL for all (then lines keep
 *   Compose's "service-1  | " prefix)
 * @tail: the last @tail lines, or -1 for all
 * @follow: keep streaming new lines until @cancellable is cancelled
 * @since: (nullable): `--since` (a date, "2026-01-02T09:00:00" or "10m")
 * @line_func: called for each line as it arrives
 *
 * With @follow, the call only ends on cancellation (%G_IO_ERROR_CANCELLED)
 * or when the connection drops.
 */
void
sn_host_compose_logs_async (SnHost              *self,
                            const char          *service,
                            int                  tail,
                            gboolean             follow,
                            const char          *since,
                            SnSshLineFunc        line_func,
                            gpointer             line_data,
                            GDestroyNotify       line_data_destroy,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *prefix = NULL;
  g_autoptr(GString) command = NULL;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (line_func != NULL);

  prefix = sn_host_dup_compose_prefix (self);
  command = g_string_new (prefix);
  g_string_append (command, " logs --no-color");
  if (service != NULL)
    g_string_append (command, " --no-log-prefix");
  if (tail >= 0)
    g_string_append_printf (command, " --tail %d", tail);
  if (follow)
    g_string_append (command, " --follow");
  if (since != NULL && *since != '\0')
    {
      g_autofree char *quoted = g_shell_quote (since);
      g_string_append_printf (command, " --since %s", quoted);
    }
  if (service != NULL)
    {
      g_autofree char *quoted = g_shell_quote (service);
      g_string_append_printf (command, " %s", quoted);
    }

  host_call (self, sn_host_compose_logs_async, "host.compose.logs", "docker compose logs",
             g_string_free (g_steal_pointer (&command), FALSE),
             keep_result, g_object_unref, TRUE, line_func, line_data, line_data_destroy,
             follow ? 0 : DEFAULT_TIMEOUT_MS, cancellable, callback, user_data);
}

gboolean
sn_host_compose_logs_finish (SnHost        *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(SnSshExecResult) exec = host_call_finish (self, result, sn_host_compose_logs_async,
                                                      error);
  return exec != NULL;
}

/* compose stop/start/up/pull/build/restart ---------------------------- */

/**
 * sn_host_compose_action_async:
 * @service: (nullable): one service, or %NULL for the whole project
 * @line_func: (nullable): Compose's progress lines (on stderr) as they come
 */
void
sn_host_compose_action_async (SnHost              *self,
                              SnComposeAction      action,
                              const char          *service,
                              SnSshLineFunc        line_func,
                              gpointer             line_data,
                              GDestroyNotify       line_data_destroy,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *prefix = NULL;
  g_autofree char *what = NULL;
  g_autofree char *action_name = NULL;
  g_autoptr(GString) command = NULL;
  const char *verb = sn_compose_action_to_string (action);

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (verb != NULL);

  prefix = sn_host_dup_compose_prefix (self);
  command = g_string_new (prefix);
  g_string_append_printf (command, " %s", verb);
  if (action == SN_COMPOSE_UP)
    g_string_append (command, " -d");
  if (service != NULL)
    {
      g_autofree char *quoted = g_shell_quote (service);
      g_string_append_printf (command, " %s", quoted);
    }

  what = g_strdup_printf ("docker compose %s%s%s", verb, service != NULL ? " " : "",
                          service != NULL ? service : "");
  action_name = g_strdup_printf ("host.compose.%s", verb);
  host_call (self, sn_host_compose_action_async, action_name, what,
             g_string_free (g_steal_pointer (&command), FALSE),
             keep_result, g_object_unref, TRUE, line_func, line_data, line_data_destroy,
             action == SN_COMPOSE_BUILD || action == SN_COMPOSE_PULL || action == SN_COMPOSE_UP
             ? 30 * 60 * 1000 : 10 * 60 * 1000,
             cancellable, callback, user_data);
}

gboolean
sn_host_compose_action_finish (SnHost        *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(SnSshExecResult) exec = host_call_finish (self, result, sn_host_compose_action_async,
                                                      error);
  return exec != NULL;
}

/* compose exec -------------------------------------------------------- */

static char *
join_argv (const char * const *argv)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;

      if (*argv[i] != '\0' && g_regex_match_simple ("^[A-Za-z0-9_./:=@%+,-]+$", argv[i], 0, 0))
        quoted = g_strdup (argv[i]);
      else
        quoted = g_shell_quote (argv[i]);
      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", quoted);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * sn_host_compose_exec_async:
 * @service: the service ("db", "app")
 * @argv: the program and its arguments, run with `exec -T` (no terminal)
 */
void
sn_host_compose_exec_async (SnHost              *self,
                            const char          *service,
                            const char * const  *argv,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *prefix = NULL;
  g_autofree char *args = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *what = NULL;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (service != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  prefix = sn_host_dup_compose_prefix (self);
  args = join_argv (argv);
  quoted = g_shell_quote (service);
  what = g_strdup_printf ("docker compose exec %s %s", service, argv[0]);
  host_call (self, sn_host_compose_exec_async, "host.compose.exec", what,
             g_strdup_printf ("%s exec -T %s %s", prefix, quoted, args),
             keep_result, g_object_unref, FALSE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_compose_exec_finish:
 *
 * Returns: (transfer full): the result, whatever the exit status
 */
SnSshExecResult *
sn_host_compose_exec_finish (SnHost        *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return host_call_finish (self, result, sn_host_compose_exec_async, error);
}

/* df -------------------------------------------------------------------- */

static gpointer
parse_df (SnHost           *self,
          SnSshExecResult  *exec,
          GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_df (text, error);
}

/**
 * sn_host_disk_usage_async:
 *
 * The host's filesystems (`df -P -B1`, pseudo filesystems left out, and the
 * desktop's FUSE mounts, which root cannot stat and which make df fail).
 */
void
sn_host_disk_usage_async (SnHost              *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_disk_usage_async, "host.df", "df",
             g_strdup ("LC_ALL=C df -P -B1 -x tmpfs -x devtmpfs -x squashfs -x overlay "
                       "-x fuse.portal -x fuse.gvfsd-fuse"),
             parse_df, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_disk_usage_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnFilesystem
 */
GListModel *
sn_host_disk_usage_finish (SnHost        *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return host_call_finish (self, result, sn_host_disk_usage_async, error);
}

static gpointer
parse_docker_df (SnHost           *self,
                 SnSshExecResult  *exec,
                 GError          **error)
{
  g_autofree char *text = stdout_text (exec);

  return sn_host_parse_docker_df (text, error);
}

/**
 * sn_host_docker_disk_usage_async:
 *
 * What Docker itself uses (`docker system df`): images, containers, volumes,
 * build cache, and what a prune would reclaim.
 */
void
sn_host_docker_disk_usage_async (SnHost              *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_docker_disk_usage_async, "host.docker-df", "docker system df",
             g_strdup ("docker system df"),
             parse_docker_df, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_docker_disk_usage_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnDockerUsage
 */
GListModel *
sn_host_docker_disk_usage_finish (SnHost        *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return host_call_finish (self, result, sn_host_docker_disk_usage_async, error);
}

/* uptime ---------------------------------------------------------------- */

static gpointer
parse_uptime (SnHost           *self,
              SnSshExecResult  *exec,
              GError          **error)
{
  g_autofree char *text = stdout_text (exec);
  g_autoptr(SnUptime) uptime = g_object_new (SN_TYPE_UPTIME, NULL);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (text), " \n", -1);
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

  if (n < 5)
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("/proc/uptime and /proc/loadavg of the host could not be read: “%s”"),
                   g_strstrip (text));
      return NULL;
    }
  uptime->seconds = (gint64)values[0];
  uptime->load[0] = values[2];
  uptime->load[1] = values[3];
  uptime->load[2] = values[4];

  return g_steal_pointer (&uptime);
}

/**
 * sn_host_uptime_async:
 *
 * How long the host has run and its load averages (1, 5, 15 minutes).
 */
void
sn_host_uptime_async (SnHost              *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (SN_IS_HOST (self));

  host_call (self, sn_host_uptime_async, "host.uptime", "uptime",
             g_strdup ("cat /proc/uptime /proc/loadavg"),
             parse_uptime, g_object_unref, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

/**
 * sn_host_uptime_finish:
 *
 * Returns: (transfer full): the host's uptime and load
 */
SnUptime *
sn_host_uptime_finish (SnHost        *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return host_call_finish (self, result, sn_host_uptime_async, error);
}

/* printenv -------------------------------------------------------------- */

static gpointer
parse_printenv (SnHost           *self,
                SnSshExecResult  *exec,
                GError          **error)
{
  g_autofree char *text = stdout_text (exec);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');

      /* continuation lines of multi-line values have no NAME= in front */
      if (eq == NULL || eq == lines[i] ||
          !g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*=", lines[i], 0, 0))
        continue;
      g_hash_table_replace (env, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }

  return env;
}

/**
 * sn_host_printenv_async:
 * @service: the service ("app")
 *
 * The environment the service's container runs with
 * (`docker compose exec -T SERVICE printenv`). The values are returned, never
 * logged; show those whose name sn_host_env_name_is_secret() only on request.
 */
void
sn_host_printenv_async (SnHost              *self,
                        const char          *service,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autofree char *prefix = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *what = NULL;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (service != NULL);

  prefix = sn_host_dup_compose_prefix (self);
  quoted = g_shell_quote (service);
  what = g_strdup_printf ("docker compose exec %s printenv", service);
  host_call (self, sn_host_printenv_async, "host.printenv", what,
             g_strdup_printf ("%s exec -T %s printenv", prefix, quoted),
             parse_printenv, (GDestroyNotify)g_hash_table_unref, TRUE, NULL, NULL, NULL,
             DEFAULT_TIMEOUT_MS, cancellable, callback, user_data);
}

/**
 * sn_host_printenv_finish:
 *
 * Returns: (transfer full) (element-type utf8 utf8): name → value
 */
GHashTable *
sn_host_printenv_finish (SnHost        *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return host_call_finish (self, result, sn_host_printenv_async, error);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

typedef struct
{
  char           *path;
  char           *backup;
  gint64          started;
  gsize           size;
  int             mode;
} FileCall;

static void
file_call_free (FileCall *call)
{
  g_free (call->path);
  g_free (call->backup);
  g_free (call);
}

/* One audit line per file call: path, size, transport, never the bytes. */
static gboolean
audit_file (SnHost      *self,
            const char  *action,
            const char  *summary,
            gboolean     ok,
            gint64       started,
            guint64      bytes,
            GError     **error)
{
  return sn_audit_log_append (self->audit_log, profile_name (self), action, summary,
                              ok ? 0 : 1, g_get_monotonic_time () - started, bytes, error);
}

static void
on_host_read_file_ready (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnHost *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *summary = NULL;
  SnSshTransport transport = SN_SSH_TRANSPORT_SFTP;

  bytes = sn_ssh_session_read_file_finish (SN_SSH_SESSION (object), result, &transport, &error);
  summary = g_strdup_printf ("read %s (via %s)", call->path, sn_ssh_transport_to_string (transport));
  if (!audit_file (self, "host.file.read", summary, bytes != NULL, call->started,
                   bytes != NULL ? g_bytes_get_size (bytes) : 0, &audit_error))
    g_warning ("%s", audit_error->message);

  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify)g_bytes_unref);
}

/**
 * sn_host_read_file_async:
 * @path: an absolute path on the host
 *
 * Reads a remote file (SFTP, or `cat` without SFTP); audited as
 * `host.file.read` with its size, never its contents.
 */
void
sn_host_read_file_async (SnHost              *self,
                         const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileCall *call;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_host_read_file_async);
  call = g_new0 (FileCall, 1);
  call->path = g_strdup (path);
  call->started = g_get_monotonic_time ();
  g_task_set_task_data (task, call, (GDestroyNotify)file_call_free);

  sn_ssh_session_read_file_async (self->session, path, cancellable,
                                  on_host_read_file_ready, g_steal_pointer (&task));
}

GBytes *
sn_host_read_file_finish (SnHost        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return host_call_finish (self, result, sn_host_read_file_async, error);
}

static void
on_host_replace_file_ready (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnHost *self = g_task_get_source_object (task);
  FileCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *mode = NULL;
  SnSshTransport transport = SN_SSH_TRANSPORT_SFTP;
  gboolean ok;

  ok = sn_ssh_session_replace_file_finish (SN_SSH_SESSION (object), result, &call->backup,
                                           &transport, &error);
  mode = call->mode >= 0 ? g_strdup_printf ("%04o", call->mode) : g_strdup ("kept");
  summary = g_strdup_printf ("replace %s (%" G_GSIZE_FORMAT " bytes, mode %s, via %s, backup %s)%s%s",
                             call->path, call->size, mode, sn_ssh_transport_to_string (transport),
                             call->backup != NULL ? call->backup : "none",
                             ok ? "" : ": ", ok ? "" : error->message);
  if (!audit_file (self, "host.file.replace", summary, ok, call->started, call->size, &audit_error))
    g_warning ("%s", audit_error->message);

  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (audit_error != NULL)
    g_task_return_error (task, g_steal_pointer (&audit_error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sn_host_replace_file_async:
 * @contents: the new bytes
 * @mode: permission bits, or -1 to keep the old file's
 *
 * sn_ssh_session_replace_file_async(), audited as `host.file.replace` (path,
 * size, mode, transport, backup; never the bytes).
 */
void
sn_host_replace_file_async (SnHost              *self,
                            const char          *path,
                            GBytes              *contents,
                            int                  mode,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileCall *call;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (contents != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_host_replace_file_async);
  call = g_new0 (FileCall, 1);
  call->path = g_strdup (path);
  call->size = g_bytes_get_size (contents);
  call->mode = mode;
  call->started = g_get_monotonic_time ();
  g_task_set_task_data (task, call, (GDestroyNotify)file_call_free);

  sn_ssh_session_replace_file_async (self->session, path, contents, mode, cancellable,
                                     on_host_replace_file_ready, g_steal_pointer (&task));
}

/**
 * sn_host_replace_file_finish:
 * @backup_path: (out) (optional) (transfer full): the backup of the old file,
 *   %NULL when @path did not exist
 */
gboolean
sn_host_replace_file_finish (SnHost        *self,
                             GAsyncResult  *result,
                             char         **backup_path,
                             GError       **error)
{
  FileCall *call;

  g_return_val_if_fail (SN_IS_HOST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  call = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (backup_path != NULL)
    *backup_path = g_strdup (call->backup);
  return TRUE;
}

static gpointer
parse_nothing (SnHost           *self,
               SnSshExecResult  *result,
               GError          **error)
{
  return g_strdup ("");
}

/**
 * sn_host_restore_file_async:
 * @backup: (nullable): what sn_host_replace_file_finish() returned; %NULL or
 *   "" when @path did not exist before, which then removes it
 *
 * Undoes a replace: copies @backup back over @path atomically (temp copy,
 * then rename). The backup is kept.
 */
void
sn_host_restore_file_async (SnHost              *self,
                            const char          *path,
                            const char          *backup,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *target = NULL;
  g_autofree char *what = NULL;
  char *command;

  g_return_if_fail (SN_IS_HOST (self));
  g_return_if_fail (path != NULL);

  target = g_shell_quote (path);
  if (backup == NULL || *backup == '\0')
    {
      what = g_strdup_printf ("rm %s", path);
      command = g_strdup_printf ("rm -f -- %s", target);
    }
  else
    {
      g_autofree char *quoted = g_shell_quote (backup);

      what = g_strdup_printf ("restore %s from %s", path, backup);
      command = g_strdup_printf ("T=%s; P=\"$T.sn-restore.$$.tmp\"; "
                                 "cp -p -- %s \"$P\" || { rm -f -- \"$P\"; exit 1; }; "
                                 "sync -- \"$P\" && mv -f -- \"$P\" \"$T\" || { rm -f -- \"$P\"; exit 1; }",
                                 target, quoted);
    }

  host_call (self, sn_host_restore_file_async, "host.file.restore", what, command,
             parse_nothing, g_free, TRUE, NULL, NULL, NULL, DEFAULT_TIMEOUT_MS,
             cancellable, callback, user_data);
}

gboolean
sn_host_restore_file_finish (SnHost        *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autofree char *done = host_call_finish (self, result, sn_host_restore_file_async, error);

  return done != NULL;
}

/* ------------------------------------------------------------------------ */
/* Runbook actions: host.file.replace, host.file.restore                   */

typedef struct
{
  GAsyncResult *result;
} FileWait;

static void
on_file_wait (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ((FileWait *)user_data)->result = g_object_ref (result);
}

static SnHost *
action_host (SnActionContext  *context,
             GError          **error)
{
  SnSshSession *session = sn_action_context_get_service (context, "ssh");

  if (session == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_UNAVAILABLE,
                   _("Not connected to the host of “%s”: connect first."),
                   sn_profile_get_name (sn_action_context_get_profile (context)));
      return NULL;
    }
  return sn_host_new (session, NULL);
}

static void
file_wait (GMainContext *main_context,
           FileWait     *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (main_context, TRUE);
}

/* "mode": "0640" (octal text) or 416 (a number); absent: keep the old one. */
static gboolean
action_mode (JsonObject  *args,
             int         *mode,
             GError     **error)
{
  JsonNode *node = json_object_get_member (args, "mode");
  const char *text;
  char *end = NULL;
  guint64 value;

  *mode = -1;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *mode = (int)(json_node_get_int (node) & 07777);
      return TRUE;
    }
  text = json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  if (text != NULL)
    {
      value = g_ascii_strtoull (text, &end, 8);
      if (end != text && *end == '\0' && value <= 07777)
        {
          *mode = (int)value;
          return TRUE;
        }
    }
  g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
               _("“mode” must be octal permission bits such as \"0640\"."));
  return FALSE;
}

static gboolean
file_replace_check (JsonObject  *args,
                    GError     **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  int mode;

  if (path == NULL)
    return FALSE;
  if (json_object_has_member (args, "content") == json_object_has_member (args, "from-output"))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("host.file.replace needs either “content” (the new text) or “from-output” "
                     "(a command whose output is the new text), not both."));
      return FALSE;
    }
  return action_mode (args, &mode, error);
}

static char *
file_replace_describe (SnActionContext *context,
                       JsonObject      *args)
{
  const char *path = json_object_get_string_member (args, "path");
  const char *content = json_object_get_string_member_with_default (args, "content", NULL);
  const char *from = json_object_get_string_member_with_default (args, "from-output", NULL);
  g_autofree char *source = NULL;
  int mode = -1;

  action_mode (args, &mode, NULL);
  if (content != NULL)
    source = g_strdup_printf (_("%zu bytes"), strlen (content));
  else
    source = g_strdup_printf (_("the output of `%s`"), from != NULL ? from : "");

  if (mode >= 0)
    return g_strdup_printf (_("replace %s with %s (mode %04o), keeping %s.YYYYMMDD-HHMMSS.bak"),
                            path, source, mode, path);
  return g_strdup_printf (_("replace %s with %s, keeping %s.YYYYMMDD-HHMMSS.bak"), path, source, path);
}

static gboolean
file_replace_run (SnActionContext  *context,
                  JsonObject       *args,
                  GError          **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *content = json_object_get_string_member_with_default (args, "content", NULL);
  const char *from = json_object_get_string_member_with_default (args, "from-output", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  g_autoptr(SnHost) host = NULL;
  g_autoptr(GMainContext) main_context = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *size = NULL;
  FileWait wait = { NULL };
  gboolean ok;
  int mode;

  if (path == NULL || !action_mode (args, &mode, error))
    return FALSE;
  if (!(host = action_host (context, error)))
    return FALSE;

  main_context = g_main_context_new ();
  g_main_context_push_thread_default (main_context);

  if (content != NULL)
    bytes = g_bytes_new (content, strlen (content));
  else if (from != NULL)
    {
      g_autoptr(SnSshExecResult) exec = NULL;
      g_autoptr(GError) audit_error = NULL;
      gint64 started = g_get_monotonic_time ();

      sn_ssh_session_exec_async (host->session, from, DEFAULT_TIMEOUT_MS, cancellable,
                                 on_file_wait, &wait);
      file_wait (main_context, &wait);
      exec = sn_ssh_session_exec_finish (host->session, wait.result, error);
      g_clear_object (&wait.result);
      if (!sn_audit_log_append (host->audit_log, profile_name (host), "runbook.host", from,
                                exec != NULL ? sn_ssh_exec_result_get_exit_status (exec) : -1,
                                g_get_monotonic_time () - started,
                                exec != NULL ? sn_ssh_exec_result_get_stdout_bytes (exec) : 0,
                                &audit_error))
        g_warning ("%s", audit_error->message);
      if (exec == NULL)
        {
          g_main_context_pop_thread_default (main_context);
          return FALSE;
        }
      if (!sn_ssh_exec_result_get_success (exec))
        {
          g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);
          g_autofree char *why = last_line (err);

          g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                       _("The command making the new “%s” failed (exit status %d): %s. "
                         "The file was not changed."),
                       path, sn_ssh_exec_result_get_exit_status (exec),
                       *why != '\0' ? why : _("no message"));
          g_main_context_pop_thread_default (main_context);
          return FALSE;
        }
      bytes = g_bytes_ref (sn_ssh_exec_result_get_stdout (exec));
    }
  else
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("host.file.replace needs “content” or “from-output”."));
      g_main_context_pop_thread_default (main_context);
      return FALSE;
    }

  sn_host_replace_file_async (host, path, bytes, mode, cancellable, on_file_wait, &wait);
  file_wait (main_context, &wait);
  ok = sn_host_replace_file_finish (host, wait.result, &backup, error);
  g_clear_object (&wait.result);
  g_main_context_pop_thread_default (main_context);

  if (!ok)
    return FALSE;

  size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (bytes));
  sn_action_context_set_output (context, "path", path);
  sn_action_context_set_output (context, "backup", backup != NULL ? backup : "");
  sn_action_context_set_output (context, "bytes", size);
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Replaced %s (%s bytes); backup: %s"),
                          path, size, backup != NULL ? backup : _("none, the file is new"));
  return TRUE;
}

static SnRisk
file_risk (JsonObject *args)
{
  return SN_RISK_DESTROY;
}

static const char * const file_replace_shell_args[] = { "from-output", NULL };

static const SnActionInfo file_replace_action = {
  .risk = file_risk,
  .shell_args = file_replace_shell_args,
  .name = "host.file.replace",
  .check = file_replace_check,
  .describe = file_replace_describe,
  .run = file_replace_run,
};

static gboolean
file_restore_check (JsonObject  *args,
                    GError     **error)
{
  return sn_action_args_get_string (args, "path", TRUE, error) != NULL;
}

static char *
file_restore_describe (SnActionContext *context,
                       JsonObject      *args)
{
  const char *path = json_object_get_string_member (args, "path");
  const char *backup = json_object_get_string_member_with_default (args, "backup", NULL);

  if (backup == NULL || *backup == '\0')
    return g_strdup_printf (_("remove %s (it did not exist before)"), path);
  return g_strdup_printf (_("put %s back over %s"), backup, path);
}

static gboolean
file_restore_run (SnActionContext  *context,
                  JsonObject       *args,
                  GError          **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *backup = json_object_get_string_member_with_default (args, "backup", NULL);
  g_autoptr(SnHost) host = NULL;
  g_autoptr(GMainContext) main_context = NULL;
  FileWait wait = { NULL };
  gboolean ok;

  if (path == NULL || !(host = action_host (context, error)))
    return FALSE;

  main_context = g_main_context_new ();
  g_main_context_push_thread_default (main_context);
  sn_host_restore_file_async (host, path, backup, sn_action_context_get_cancellable (context),
                              on_file_wait, &wait);
  file_wait (main_context, &wait);
  ok = sn_host_restore_file_finish (host, wait.result, error);
  g_clear_object (&wait.result);
  g_main_context_pop_thread_default (main_context);

  return ok;
}

static const SnActionInfo file_restore_action = {
  .risk = file_risk,
  .name = "host.file.restore",
  .check = file_restore_check,
  .describe = file_restore_describe,
  .run = file_restore_run,
};

/**
 * sn_host_register_actions:
 *
 * Registers `host.file.replace` { "path", "content" | "from-output", "mode" }
 * (outputs: path, backup, bytes) and its revert `host.file.restore`
 * { "path", "backup": "${steps.ID.backup}" }.
 */
void
sn_host_register_actions (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&file_replace_action);
      sn_action_register (&file_restore_action);
      g_once_init_leave (&initialized, 1);
    }
}
