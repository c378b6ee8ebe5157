/* sn-runbook-catalog.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runbook-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-actions-builtin.h"
#include "sn-runbook-catalog.h"

#define RESOURCE_PATH "/com/sweet_narcisse/Admin/runbooks"

/* From sn-core-resources.c (compiled with --manual-register). */
G_GNUC_INTERNAL void sn_core_register_resource (void);

static void
ensure_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      sn_core_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

struct _SnRunbookCatalog
{
  GObject    parent_instance;

  char      *user_directory;
  GPtrArray *runbooks;     /* SnRunbook, sorted by id */
  GPtrArray *errors;       /* char *, NULL-terminated */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnRunbookCatalog, sn_runbook_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return SN_TYPE_RUNBOOK;
}

static guint
get_n_items (GListModel *model)
{
  return SN_RUNBOOK_CATALOG (model)->runbooks->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SnRunbookCatalog *self = SN_RUNBOOK_CATALOG (model);

  if (position >= self->runbooks->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->runbooks, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
sn_runbook_catalog_finalize (GObject *object)
{
  SnRunbookCatalog *self = (SnRunbookCatalog *)object;

  g_clear_pointer (&self->user_directory, g_free);
  g_clear_pointer (&self->runbooks, g_ptr_array_unref);
  g_clear_pointer (&self->errors, g_ptr_array_unref);

  G_OBJECT_CLASS (sn_runbook_catalog_parent_class)->finalize (object);
}

static void
sn_runbook_catalog_class_init (SnRunbookCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_runbook_catalog_finalize;
}

static void
sn_runbook_catalog_init (SnRunbookCatalog *self)
{
  self->runbooks = g_ptr_array_new_with_free_func (g_object_unref);
  self->errors = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

SnRunbookCatalog *
sn_runbook_catalog_new (const char *user_directory)
{
  SnRunbookCatalog *self = g_object_new (SN_TYPE_RUNBOOK_CATALOG, NULL);

  self->user_directory = user_directory != NULL
                         ? g_strdup (user_directory)
                         : g_build_filename (g_get_user_data_dir (), "narcisse-admin", "runbooks",
                                             NULL);
  return self;
}

static int
compare_runbooks (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 (sn_runbook_get_id (*(SnRunbook * const *)a),
                    sn_runbook_get_id (*(SnRunbook * const *)b));
}

static void
add_runbook (GHashTable *by_id,
             SnRunbook  *runbook)
{
  g_hash_table_replace (by_id, g_strdup (sn_runbook_get_id (runbook)), g_object_ref (runbook));
}

static void
load_file (SnRunbookCatalog *self,
           GHashTable       *by_id,
           GFile            *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunbook) runbook = sn_runbook_new_from_file (file, &error);
  SnRunbook *existing;

  if (runbook == NULL)
    {
      g_ptr_array_add (self->errors, g_strdup (error->message));
      return;
    }

  /* A user runbook never replaces a shipped one: `narcisse-ctl restore` and
   * the wizard look runbooks up by id. */
  existing = g_hash_table_lookup (by_id, sn_runbook_get_id (runbook));
  if (existing != NULL && sn_runbook_is_builtin (existing))
    {
      g_ptr_array_add (self->errors,
                       g_strdup_printf (_("%s: the id “%s” belongs to a runbook shipped with the "
                                          "app; a user runbook cannot replace it. Give it "
                                          "another id. It was not loaded."),
                                        sn_runbook_get_origin (runbook),
                                        sn_runbook_get_id (runbook)));
      return;
    }

  add_runbook (by_id, runbook);
}

/**
 * sn_runbook_catalog_load:
 * @error: only for failures to read at all; malformed runbooks are
 *   reported by sn_runbook_catalog_get_errors()
 */
gboolean
sn_runbook_catalog_load (SnRunbookCatalog  *self,
                         GError           **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      g_free, g_object_unref);
  g_auto(GStrv) names = NULL;
  g_autoptr(GDir) dir = NULL;
  guint old_len;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SN_IS_RUNBOOK_CATALOG (self), FALSE);

  sn_actions_register_builtin ();
  ensure_resources ();
  g_ptr_array_set_size (self->errors, 0);

  names = g_resources_enumerate_children (RESOURCE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *uri = g_strdup_printf ("resource://" RESOURCE_PATH "/%s", names[i]);
      g_autoptr(GFile) file = g_file_new_for_uri (uri);

      load_file (self, by_id, file);
    }

  /* The user's folder: optional, and read in a stable order. */
  dir = g_dir_open (self->user_directory, 0, NULL);
  if (dir != NULL)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".json"))
          g_ptr_array_add (files, g_strdup (name));
      g_ptr_array_sort (files, (GCompareFunc)(void (*) (void))g_strcmp0);

      for (guint i = 0; i < files->len; i++)
        {
          g_autofree char *path = g_build_filename (self->user_directory,
                                                    (char *)g_ptr_array_index (files, i), NULL);
          g_autoptr(GFile) file = g_file_new_for_path (path);

          load_file (self, by_id, file);
        }
    }

  old_len = self->runbooks->len;
  g_ptr_array_set_size (self->runbooks, 0);
  g_hash_table_iter_init (&iter, by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (self->runbooks, g_object_ref (value));
  g_ptr_array_sort (self->runbooks, compare_runbooks);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->runbooks->len);

  return TRUE;
}

/**
 * sn_runbook_catalog_lookup:
 *
 * Returns: (transfer none) (nullable): the runbook with this id
 */
SnRunbook *
sn_runbook_catalog_lookup (SnRunbookCatalog *self,
                           const char       *id)
{
  g_return_val_if_fail (SN_IS_RUNBOOK_CATALOG (self), NULL);

  for (guint i = 0; i < self->runbooks->len; i++)
    {
      SnRunbook *runbook = g_ptr_array_index (self->runbooks, i);

      if (g_strcmp0 (sn_runbook_get_id (runbook), id) == 0)
        return runbook;
    }

  return NULL;
}

/**
 * sn_runbook_catalog_get_errors:
 *
 * Returns: (transfer none): the located errors of the files left out
 */
const char * const *
sn_runbook_catalog_get_errors (SnRunbookCatalog *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (SN_IS_RUNBOOK_CATALOG (self), NULL);

  if (self->errors->len == 0)
    return none;
  return (const char * const *)self->errors->pdata;
}
