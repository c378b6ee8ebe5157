/* sn-maintenance-disk-types.c: the dry run's value types and its parser
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sn-format.h"
#include "sn-maintenance-disk-private.h"

G_DEFINE_QUARK (sn-maintenance-disk-error-quark, sn_maintenance_disk_error)

const char *
sn_disk_item_kind_to_label (SnDiskItemKind kind)
{
  switch (kind)
    {
    case SN_DISK_ITEM_CONTAINER: return _("Stopped container");
    case SN_DISK_ITEM_IMAGE: return _("Image");
    case SN_DISK_ITEM_BUILD_CACHE: return _("Build cache");
    case SN_DISK_ITEM_VOLUME: return _("Volume");
    case SN_DISK_ITEM_JOURNAL: return _("System journal");
    case SN_DISK_ITEM_NPM_CACHE: return _("npm cache");
    default: return "";
    }
}

/* SnDiskItem ------------------------------------------------------------- */

struct _SnDiskItem
{
  GObject         parent_instance;
  char           *name;
  char           *detail;
  char           *size_text;
  char           *fate;
  guint64         size;
  SnDiskItemKind  kind;
  guint           links;
  guint           freed : 1;
  guint           data : 1;
};

G_DEFINE_FINAL_TYPE (SnDiskItem, sn_disk_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_KIND,
  ITEM_PROP_KIND_LABEL,
  ITEM_PROP_NAME,
  ITEM_PROP_DETAIL,
  ITEM_PROP_SIZE,
  ITEM_PROP_SIZE_TEXT,
  ITEM_PROP_FREED,
  ITEM_PROP_FATE,
  ITEM_PROP_DATA,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
sn_disk_item_finalize (GObject *object)
{
  SnDiskItem *self = SN_DISK_ITEM (object);

  g_free (self->name);
  g_free (self->detail);
  g_free (self->size_text);
  g_free (self->fate);
  G_OBJECT_CLASS (sn_disk_item_parent_class)->finalize (object);
}

static void
sn_disk_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnDiskItem *self = SN_DISK_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_KIND: g_value_set_int (value, self->kind); break;
    case ITEM_PROP_KIND_LABEL: g_value_set_string (value, sn_disk_item_kind_to_label (self->kind)); break;
    case ITEM_PROP_NAME: g_value_set_string (value, self->name); break;
    case ITEM_PROP_DETAIL: g_value_set_string (value, self->detail); break;
    case ITEM_PROP_SIZE: g_value_set_uint64 (value, self->size); break;
    case ITEM_PROP_SIZE_TEXT: g_value_set_string (value, self->size_text); break;
    case ITEM_PROP_FREED: g_value_set_boolean (value, self->freed); break;
    case ITEM_PROP_FATE: g_value_set_string (value, self->fate); break;
    case ITEM_PROP_DATA: g_value_set_boolean (value, self->data); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_disk_item_class_init (SnDiskItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_disk_item_finalize;
  object_class->get_property = sn_disk_item_get_property;

  item_properties[ITEM_PROP_KIND] = g_param_spec_int ("kind", NULL, NULL, 0, G_MAXINT, 0, flags);
  item_properties[ITEM_PROP_KIND_LABEL] = g_param_spec_string ("kind-label", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  item_properties[ITEM_PROP_SIZE_TEXT] = g_param_spec_string ("size-text", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_FREED] = g_param_spec_boolean ("freed", NULL, NULL, FALSE, flags);
  item_properties[ITEM_PROP_FATE] = g_param_spec_string ("fate", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_DATA] = g_param_spec_boolean ("data", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
sn_disk_item_init (SnDiskItem *self)
{
}

SnDiskItem *
_sn_disk_item_new (SnDiskItemKind  kind,
                   const char     *name,
                   const char     *detail,
                   guint64         size,
                   gboolean        freed,
                   const char     *fate)
{
  SnDiskItem *self = g_object_new (SN_TYPE_DISK_ITEM, NULL);

  self->kind = kind;
  self->name = g_strdup (name);
  self->detail = g_strdup (detail != NULL ? detail : "");
  self->size = size;
  self->size_text = sn_format_size (size);
  self->freed = !!freed;
  self->fate = g_strdup (fate);
  return self;
}

SnDiskItemKind sn_disk_item_get_kind (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), 0); return self->kind; }
const char *sn_disk_item_get_kind_label (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), NULL); return sn_disk_item_kind_to_label (self->kind); }
const char *sn_disk_item_get_name (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), NULL); return self->name; }
const char *sn_disk_item_get_detail (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), NULL); return self->detail; }
guint64 sn_disk_item_get_size (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), 0); return self->size; }
const char *sn_disk_item_get_size_text (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), NULL); return self->size_text; }
gboolean sn_disk_item_get_freed (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), FALSE); return self->freed; }
const char *sn_disk_item_get_fate (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), NULL); return self->fate; }
gboolean sn_disk_item_get_data (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), FALSE); return self->data; }
guint sn_disk_item_get_links (SnDiskItem *self) { g_return_val_if_fail (SN_IS_DISK_ITEM (self), 0); return self->links; }

/* SnDiskSurvey ----------------------------------------------------------- */

G_DEFINE_FINAL_TYPE (SnDiskSurvey, sn_disk_survey, G_TYPE_OBJECT)

static void
sn_disk_survey_finalize (GObject *object)
{
  SnDiskSurvey *self = SN_DISK_SURVEY (object);

  g_clear_object (&self->filesystems);
  g_clear_object (&self->items);
  g_clear_object (&self->volumes);
  g_free (self->journal_limit_text);
  G_OBJECT_CLASS (sn_disk_survey_parent_class)->finalize (object);
}

static void
sn_disk_survey_class_init (SnDiskSurveyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_disk_survey_finalize;
}

static void
sn_disk_survey_init (SnDiskSurvey *self)
{
  self->filesystems = G_LIST_MODEL (g_list_store_new (SN_TYPE_FILESYSTEM));
  self->items = g_list_store_new (SN_TYPE_DISK_ITEM);
  self->volumes = g_list_store_new (SN_TYPE_DISK_ITEM);
}

GListModel *sn_disk_survey_get_filesystems (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), NULL); return self->filesystems; }
GListModel *sn_disk_survey_get_items (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), NULL); return G_LIST_MODEL (self->items); }
GListModel *sn_disk_survey_get_volumes (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), NULL); return G_LIST_MODEL (self->volumes); }
guint64 sn_disk_survey_get_docker_freed (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0); return self->docker_freed; }
guint64 sn_disk_survey_get_journal_usage (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0); return self->journal_usage; }
guint64 sn_disk_survey_get_journal_freed (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0); return self->journal_freed; }
gboolean sn_disk_survey_get_npm_available (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), FALSE); return self->npm_available; }
guint64 sn_disk_survey_get_npm_freed (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0); return self->npm_bytes; }
guint64 sn_disk_survey_get_docker_total (SnDiskSurvey *self) { g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0); return self->docker_total; }

guint64
sn_disk_survey_get_total_freed (SnDiskSurvey *self)
{
  g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0);
  return self->docker_freed + self->journal_freed + self->npm_bytes;
}

/**
 * sn_disk_survey_get_avail:
 * @path: a mount point or a path under one
 *
 * Returns: the free bytes of the filesystem with the longest mount point
 *   that holds @path, 0 when df listed none
 */
guint64
sn_disk_survey_get_avail (SnDiskSurvey *self,
                          const char   *path)
{
  guint best_len = 0;
  guint64 avail = 0;

  g_return_val_if_fail (SN_IS_DISK_SURVEY (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (self->filesystems); i++)
    {
      g_autoptr(SnFilesystem) fs = g_list_model_get_item (self->filesystems, i);
      const char *mount = sn_filesystem_get_mount (fs);
      gsize len = strlen (mount);

      if (g_str_has_prefix (path, mount) &&
          (len == 1 || path[len] == '\0' || path[len] == '/') && len >= best_len)
        {
          best_len = len;
          avail = sn_filesystem_get_avail (fs);
        }
    }
  return avail;
}

static void
append_items (GString    *text,
              GListModel *items,
              gboolean    freed_only)
{
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (items, i);

      if (freed_only && !item->freed)
        continue;
      g_string_append_printf (text, "  %s  %s  %s — %s\n", item->size_text,
                              sn_disk_item_kind_to_label (item->kind), item->name, item->fate);
    }
}

/**
 * sn_disk_survey_dup_docker_text:
 *
 * Returns: (transfer full): what the Docker prune would free, item by item
 */
char *
sn_disk_survey_dup_docker_text (SnDiskSurvey *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *freed = NULL;
  g_autoptr(GListStore) docker = g_list_store_new (SN_TYPE_DISK_ITEM);

  g_return_val_if_fail (SN_IS_DISK_SURVEY (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (item->kind == SN_DISK_ITEM_CONTAINER || item->kind == SN_DISK_ITEM_IMAGE ||
          item->kind == SN_DISK_ITEM_BUILD_CACHE)
        g_list_store_append (docker, item);
    }

  freed = sn_format_size (self->docker_freed);
  g_string_append_printf (text, _("Docker would free %s:\n"), freed);
  append_items (text, G_LIST_MODEL (docker), TRUE);
  g_string_append (text, _("Volumes are never pruned; they are listed apart:\n"));
  append_items (text, G_LIST_MODEL (self->volumes), FALSE);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * sn_disk_survey_dup_text:
 *
 * Returns: (transfer full): the whole dry run: free space, then each action and what it frees
 */
char *
sn_disk_survey_dup_text (SnDiskSurvey *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *docker = NULL;
  g_autofree char *avail = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *journal_freed = NULL;
  g_autofree char *npm = NULL;
  g_autofree char *total = NULL;

  g_return_val_if_fail (SN_IS_DISK_SURVEY (self), NULL);

  avail = sn_format_size (sn_disk_survey_get_avail (self, "/"));
  g_string_append_printf (text, _("Free space on /: %s\n"), avail);
  docker = sn_disk_survey_dup_docker_text (self);
  g_string_append (text, docker);
  journal = sn_format_size (self->journal_usage);
  journal_freed = sn_format_size (self->journal_freed);
  g_string_append_printf (text, _("The system journal takes %s; vacuuming it to %s would free up to %s "
                                  "(archived files only).\n"),
                          journal, self->journal_limit_text, journal_freed);
  npm = sn_format_size (self->npm_bytes);
  if (self->npm_available)
    g_string_append_printf (text, _("The host’s npm cache holds %s; cleaning it frees all of it.\n"), npm);
  else
    g_string_append (text, _("npm is not installed on the host: there is no npm cache to clean.\n"));
  total = sn_format_size (sn_disk_survey_get_total_freed (self));
  g_string_append_printf (text, _("In all, the cleanup would free about %s.\n"), total);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

guint64
sn_disk_clean_result_get_total (const SnDiskCleanResult *result)
{
  g_return_val_if_fail (result != NULL, 0);
  return result->docker_freed + result->journal_freed + result->npm_freed;
}

/* Parsing ---------------------------------------------------------------- */

/**
 * sn_maintenance_parse_systemd_size:
 * @text: a size as systemd prints it ("1.5G", "440.0M", "400B")
 *
 * Returns: bytes (base 1024), 0 if @text is not a size
 */
guint64
sn_maintenance_parse_systemd_size (const char *text)
{
  static const char units[] = "BKMGTPE";
  char *end = NULL;
  double value;
  const char *unit;

  if (text == NULL)
    return 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || !(value >= 0))
    return 0;
  if (*end == '\0' || (unit = strchr (units, g_ascii_toupper (*end))) == NULL)
    return (guint64) value;
  for (const char *u = units; u < unit; u++)
    value *= 1024;
  return value < (double) G_MAXUINT64 ? (guint64) (value + 0.5) : 0;
}

/**
 * sn_maintenance_parse_journal_size:
 * @text: the size to keep, as `journalctl --vacuum-size` takes it ("500M", "2G")
 *
 * Accepts a whole number and a unit K, M or G, at least 50M, so the journal
 * keeps the recent days an incident needs.
 */
gboolean
sn_maintenance_parse_journal_size (const char  *text,
                                   guint64     *bytes,
                                   GError     **error)
{
  guint64 value;

  if (text == NULL || !g_regex_match_simple ("^[1-9][0-9]{0,6}[KMG]$", text, 0, 0))
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_INVALID,
                   _("“%s” is not a journal size: write a whole number followed by K, M or G, "
                     "such as 500M."), text != NULL ? text : "");
      return FALSE;
    }
  value = sn_maintenance_parse_systemd_size (text);
  if (value < SN_MAINTENANCE_JOURNAL_MIN_BYTES)
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_INVALID,
                   _("Keeping only %s of system journal would lose the logs of recent incidents: "
                     "keep at least 50M."), text);
      return FALSE;
    }
  if (bytes != NULL)
    *bytes = value;
  return TRUE;
}

/**
 * sn_maintenance_volume_is_data:
 * @name: a Docker volume's name
 *
 * Whether it holds the site's data: the database volume
 * (sweetnarcisse-postgres, target-system.md §1.1) or MinIO's objects.
 */
gboolean
sn_maintenance_volume_is_data (const char *name)
{
  g_autofree char *lower = NULL;

  if (name == NULL)
    return FALSE;
  lower = g_ascii_strdown (name, -1);
  return strstr (lower, "postgres") != NULL || strstr (lower, "pgdata") != NULL ||
         strstr (lower, "minio") != NULL;
}

static const char *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : "";
}

static JsonArray *
array (JsonObject *object,
       const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static guint
array_len (JsonArray *a)
{
  return a != NULL ? json_array_get_length (a) : 0;
}

/* A stopped container that is not one of the stack's: what the prune removes. */
static gboolean
container_is_pruned (JsonObject *c,
                     const char *project_label)
{
  g_auto(GStrv) labels = g_strsplit (member (c, "Labels"), ",", -1);

  return g_strcmp0 (member (c, "State"), "running") != 0 &&
         !g_strv_contains ((const char * const *) labels, project_label);
}

static gboolean
container_uses_image (JsonObject *c,
                      JsonObject *image)
{
  const char *used = member (c, "Image");
  const char *repo = member (image, "Repository");
  const char *tag = member (image, "Tag");
  const char *id = member (image, "ID");
  g_autofree char *ref = g_strdup_printf ("%s:%s", repo, tag);

  if (*used == '\0')
    return FALSE;
  return g_str_equal (used, ref) || (g_str_equal (tag, "latest") && g_str_equal (used, repo)) ||
         (*id != '\0' && (g_str_has_prefix (used, id) || g_str_has_prefix (used + (g_str_has_prefix (used, "sha256:") ? 7 : 0), id)));
}

static void
parse_containers (SnDiskSurvey *self,
                  JsonArray    *containers,
                  const char   *project_label)
{
  for (guint i = 0; i < array_len (containers); i++)
    {
      JsonObject *c = json_array_get_object_element (containers, i);
      guint64 size = sn_host_parse_docker_size (member (c, "Size"));
      g_autofree char *detail = NULL;
      g_autoptr(SnDiskItem) item = NULL;
      gboolean pruned;

      self->docker_total += size;
      if (g_strcmp0 (member (c, "State"), "running") == 0)
        continue;
      pruned = container_is_pruned (c, project_label);
      detail = g_strdup_printf ("%s · %s", member (c, "Image"), member (c, "Status"));
      item = _sn_disk_item_new (SN_DISK_ITEM_CONTAINER, member (c, "Names"), detail, size, pruned,
                                pruned ? _("Removed: stopped, and not one of the stack’s containers")
                                       : _("Kept: a stopped container of the stack; docker compose "
                                           "starts it again"));
      g_list_store_append (self->items, item);
      if (pruned)
        self->docker_freed += size;
    }
}

static void
parse_images (SnDiskSurvey *self,
              JsonArray    *images,
              JsonArray    *containers,
              const char   *project_label)
{
  for (guint i = 0; i < array_len (images); i++)
    {
      JsonObject *image = json_array_get_object_element (images, i);
      guint64 size = sn_host_parse_docker_size (member (image, "Size"));
      guint users = 0, pruned_users = 0;
      g_autofree char *name = NULL;
      g_autofree char *fate = NULL;
      g_autofree char *detail = NULL;
      g_autoptr(SnDiskItem) item = NULL;
      gboolean freed;

      self->docker_total += size;
      for (guint j = 0; j < array_len (containers); j++)
        {
          JsonObject *c = json_array_get_object_element (containers, j);

          if (!container_uses_image (c, image))
            continue;
          users++;
          if (container_is_pruned (c, project_label))
            pruned_users++;
        }
      /* `docker system df -v` counts the users itself; trust the larger. */
      users = MAX (users, (guint) g_ascii_strtoull (member (image, "Containers"), NULL, 10));
      freed = users == pruned_users;

      if (g_str_equal (member (image, "Repository"), "<none>"))
        name = g_strdup_printf ("<none> (%s)", member (image, "ID"));
      else
        name = g_strdup_printf ("%s:%s", member (image, "Repository"), member (image, "Tag"));
      if (freed && users == 0)
        fate = g_strdup (_("Removed: no container uses it"));
      else if (freed)
        fate = g_strdup (_("Removed: only stopped containers the prune removes used it"));
      else
        fate = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Kept: %u container uses it",
                                             "Kept: %u containers use it", users - pruned_users),
                                users - pruned_users);
      detail = g_strdup_printf ("%s · %s", member (image, "ID"), member (image, "CreatedSince"));
      item = _sn_disk_item_new (SN_DISK_ITEM_IMAGE, name, detail, size, freed, fate);
      g_list_store_append (self->items, item);
      if (freed)
        self->docker_freed += size;
    }
}

static void
parse_build_cache (SnDiskSurvey *self,
                   JsonArray    *cache)
{
  for (guint i = 0; i < array_len (cache); i++)
    {
      JsonObject *entry = json_array_get_object_element (cache, i);
      guint64 size = sn_host_parse_docker_size (member (entry, "Size"));
      gboolean in_use = g_str_equal (member (entry, "InUse"), "true");
      g_autoptr(SnDiskItem) item = NULL;

      self->docker_total += size;
      item = _sn_disk_item_new (SN_DISK_ITEM_BUILD_CACHE, member (entry, "ID"), member (entry, "Description"),
                                size, !in_use,
                                in_use ? _("Kept: a build is using it") : _("Removed: rebuilt when needed"));
      g_list_store_append (self->items, item);
      if (!in_use)
        self->docker_freed += size;
    }
}

static void
parse_volumes (SnDiskSurvey *self,
               JsonArray    *volumes)
{
  for (guint i = 0; i < array_len (volumes); i++)
    {
      JsonObject *v = json_array_get_object_element (volumes, i);
      const char *name = member (v, "Name");
      guint64 size = sn_host_parse_docker_size (member (v, "Size"));
      guint links = (guint) g_ascii_strtoull (member (v, "Links"), NULL, 10);
      gboolean data = sn_maintenance_volume_is_data (name);
      g_autofree char *fate = NULL;
      g_autofree char *detail = NULL;
      g_autoptr(SnDiskItem) item = NULL;

      self->docker_total += size;
      if (data)
        fate = g_strdup (_("Kept: it holds the site’s data; no cleanup removes it"));
      else if (links > 0)
        fate = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Kept: %u container uses it",
                                             "Kept: %u containers use it", links), links);
      else
        fate = g_strdup (_("Kept: no container uses it; remove it by name if you are sure"));
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u container", "%u containers", links), links);
      item = _sn_disk_item_new (SN_DISK_ITEM_VOLUME, name, detail, size, FALSE, fate);
      item->data = !!data;
      item->links = links;
      g_list_store_append (self->volumes, item);
    }
}

static void
parse_journal (SnDiskSurvey *self,
               const char   *journal_text,
               guint64       journal_limit)
{
  g_autoptr(GRegex) regex = g_regex_new ("take up ([0-9.]+[BKMGTPE]?)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *fate = NULL;
  g_autoptr(SnDiskItem) item = NULL;

  if (journal_text != NULL && g_regex_match (regex, journal_text, 0, &match))
    {
      g_autofree char *size = g_match_info_fetch (match, 1);

      self->journal_usage = sn_maintenance_parse_systemd_size (size);
    }
  self->journal_freed = self->journal_usage > journal_limit ? self->journal_usage - journal_limit : 0;
  detail = sn_format_size (self->journal_usage);
  fate = g_strdup_printf (_("Archived files beyond %s are deleted; the active ones stay"),
                          self->journal_limit_text);
  item = _sn_disk_item_new (SN_DISK_ITEM_JOURNAL, "journalctl", detail, self->journal_freed,
                            self->journal_freed > 0, fate);
  g_list_store_append (self->items, item);
}

static void
parse_npm (SnDiskSurvey *self,
           const char   *npm_text)
{
  g_autoptr(SnDiskItem) item = NULL;
  g_auto(GStrv) fields = NULL;

  self->npm_available = npm_text != NULL;
  if (npm_text != NULL)
    {
      fields = g_strsplit_set (npm_text, "\t\n", 3);
      self->npm_bytes = g_ascii_strtoull (fields[0], NULL, 10);
    }
  item = _sn_disk_item_new (SN_DISK_ITEM_NPM_CACHE,
                            fields != NULL && fields[0] != NULL && fields[1] != NULL ? fields[1] : "npm",
                            NULL, self->npm_bytes, self->npm_bytes > 0,
                            self->npm_available ? _("Removed by npm cache clean --force; npm downloads again "
                                                    "what it needs")
                                                : _("npm is not installed on the host"));
  g_list_store_append (self->items, item);
}

/**
 * sn_maintenance_parse_survey:
 * @docker_json: the output of `docker system df -v --format '{{json .}}'`
 * @journal_text: (nullable): `journalctl --disk-usage`, %NULL without journal
 * @npm_text: (nullable): sn_host_command_npm_cache_size()'s output, %NULL without npm
 * @compose_project: the stack's compose project: its stopped containers are kept
 * @journal_limit: the size the journal would be vacuumed to
 *
 * Works out what each action of the cleanup would free: the prune removes
 * stopped containers that are not the stack's, then every image no
 * remaining container uses, then the build cache; volumes are listed apart
 * and never removed.
 *
 * Returns: (transfer full): the survey, without filesystems
 */
SnDiskSurvey *
sn_maintenance_parse_survey (const char  *docker_json,
                             const char  *journal_text,
                             const char  *npm_text,
                             const char  *compose_project,
                             guint64      journal_limit,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SnDiskSurvey) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *project_label = NULL;
  JsonObject *root;

  g_return_val_if_fail (docker_json != NULL, NULL);

  if (!json_parser_load_from_data (parser, docker_json, -1, &local_error) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_PARSE,
                   _("`docker system df -v` did not print the JSON the app expects (%s); is Docker 23 or "
                     "newer running on the host?"),
                   local_error != NULL ? local_error->message : _("not an object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  self = g_object_new (SN_TYPE_DISK_SURVEY, NULL);
  self->journal_limit = journal_limit;
  self->journal_limit_text = g_strdup_printf ("%" G_GUINT64_FORMAT "M", journal_limit / (1024 * 1024));
  project_label = g_strdup_printf ("com.docker.compose.project=%s", compose_project);

  parse_containers (self, array (root, "Containers"), project_label);
  parse_images (self, array (root, "Images"), array (root, "Containers"), project_label);
  parse_build_cache (self, array (root, "BuildCache"));
  parse_volumes (self, array (root, "Volumes"));
  parse_journal (self, journal_text, journal_limit);
  parse_npm (self, npm_text);

  return g_steal_pointer (&self);
}

void
_sn_disk_survey_set_filesystems (SnDiskSurvey *self,
                                 GListModel   *filesystems)
{
  g_set_object (&self->filesystems, filesystems);
}
