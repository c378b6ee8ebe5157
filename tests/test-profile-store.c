/* test-profile-store.c: SnProfile and SnProfileStore on a real directory
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-profile-store"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sn-core.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("sn-profile-store-XXXXXX", &error);

  g_assert_no_error (error);
  /* A directory that does not exist yet: save must create it 0700. */
  fixture->dir = g_build_filename (base, "profiles", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *base = g_path_get_dirname (fixture->dir);

  remove_tree (base);
  g_free (fixture->dir);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* Every property set to a value that differs from its default. */
static SnProfile *
make_full_profile (const char *name)
{
  return g_object_new (SN_TYPE_PROFILE,
                       "name", name,
                       "color", "#26a269",
                       "safety-level", SN_SAFETY_LEVEL_ADMIN,
                       "production", TRUE,
                       "ssh-host", "127.0.0.1",
                       "ssh-port", 2222,
                       "ssh-user", "deploy",
                       "ssh-key-file", "/home/op/.ssh/id_ed25519",
                       "deploy-path", "/srv/sweet",
                       "site-url", "http://127.0.0.1:3000",
                       "db-name", "shop",
                       "db-user", "shopper",
                       "db-host", "127.0.0.2",
                       "db-port", 5433,
                       "db-direct", TRUE,
                       "cache-backend", SN_CACHE_BACKEND_KIND_UPSTASH,
                       "redis-host", "127.0.0.3",
                       "redis-port", 6380,
                       "upstash-url", "http://127.0.0.1:8079",
                       "prometheus-url", "http://127.0.0.1:9091",
                       "github-repo", "someone/else",
                       "github-api-url", "https://github.example.com/api/v3",
                       "credentials-file", "/home/op/.config/sn/creds",
                       "db-ssl-root-cert", "/home/op/.postgresql/root.crt",
                       NULL);
}

static void
assert_same_profile (SnProfile *a,
                     SnProfile *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);
  g_assert_cmpuint (n_pspecs, ==, 24);

  for (guint i = 0; i < n_pspecs; i++)
    {
      const char *key = g_param_spec_get_name (pspecs[i]);
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      g_value_init (&va, G_PARAM_SPEC_VALUE_TYPE (pspecs[i]));
      g_value_init (&vb, G_PARAM_SPEC_VALUE_TYPE (pspecs[i]));
      g_object_get_property (G_OBJECT (a), key, &va);
      g_object_get_property (G_OBJECT (b), key, &vb);

      if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
        {
          g_autofree char *sa = g_strdup_value_contents (&va);
          g_autofree char *sb = g_strdup_value_contents (&vb);

          g_error ("property %s differs: %s vs %s", key, sa, sb);
        }
    }
}

static void
test_defaults (void)
{
  g_autoptr(SnProfile) profile = sn_profile_new ("staging");

  g_assert_cmpstr (sn_profile_get_name (profile), ==, "staging");
  g_assert_cmpstr (sn_profile_get_color (profile), ==, "#3584e4");
  g_assert_cmpint (sn_profile_get_safety_level (profile), ==, SN_SAFETY_LEVEL_OPERATOR);
  g_assert_false (sn_profile_get_production (profile));
  g_assert_cmpuint (sn_profile_get_ssh_port (profile), ==, 22);
  g_assert_cmpstr (sn_profile_get_ssh_user (profile), ==, "root");
  g_assert_cmpstr (sn_profile_get_deploy_path (profile), ==, "/opt/sweetnarcisse");
  g_assert_cmpstr (sn_profile_get_db_name (profile), ==, "snarcisse");
  g_assert_cmpstr (sn_profile_get_db_user (profile), ==, "snarcisse");
  g_assert_cmpstr (sn_profile_get_db_host (profile), ==, "127.0.0.1");
  g_assert_cmpuint (sn_profile_get_db_port (profile), ==, 5432);
  g_assert_false (sn_profile_get_db_direct (profile));
  g_assert_cmpstr (sn_profile_get_redis_host (profile), ==, "127.0.0.1");
  g_assert_cmpuint (sn_profile_get_redis_port (profile), ==, 6379);
  g_assert_cmpstr (sn_profile_get_prometheus_url (profile), ==, "http://127.0.0.1:9090");
  g_assert_cmpstr (sn_profile_get_github_repo (profile), ==, "kalicatt/SweetNarcisse-demo");
  g_assert_null (sn_profile_get_site_url (profile));
  g_assert_null (sn_profile_get_credentials_file (profile));
  g_assert_null (sn_profile_dup_health_url (profile, TRUE));
}

static void
test_production (void)
{
  g_autoptr(SnProfile) profile = sn_profile_new_production ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *verbose_url = NULL;

  g_assert_cmpstr (sn_profile_get_name (profile), ==, "production");
  g_assert_true (sn_profile_get_production (profile));
  g_assert_cmpint (sn_profile_get_safety_level (profile), ==, SN_SAFETY_LEVEL_OPERATOR);
  g_assert_cmpstr (sn_profile_get_color (profile), ==, "#c01c28");
  g_assert_cmpstr (sn_profile_get_ssh_host (profile), ==, "51.178.17.205");
  g_assert_cmpuint (sn_profile_get_ssh_port (profile), ==, 5522);
  g_assert_cmpstr (sn_profile_get_ssh_user (profile), ==, "root");
  g_assert_cmpstr (sn_profile_get_deploy_path (profile), ==, "/opt/sweetnarcisse");
  g_assert_cmpstr (sn_profile_get_site_url (profile), ==, "https://www.sweet-narcisse.com");
  g_assert_cmpstr (sn_profile_get_db_name (profile), ==, "snarcisse");
  g_assert_cmpstr (sn_profile_get_db_user (profile), ==, "snarcisse");
  g_assert_true (sn_profile_validate (profile, &error));
  g_assert_no_error (error);

  url = sn_profile_dup_health_url (profile, FALSE);
  verbose_url = sn_profile_dup_health_url (profile, TRUE);
  g_assert_cmpstr (url, ==, "https://www.sweet-narcisse.com/api/health");
  g_assert_cmpstr (verbose_url, ==, "https://www.sweet-narcisse.com/api/health?verbose=true");

  g_object_set (profile, "site-url", "http://127.0.0.1:3000//", NULL);
  g_clear_pointer (&url, g_free);
  url = sn_profile_dup_health_url (profile, FALSE);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:3000/api/health");
}

static void
test_json_round_trip (void)
{
  g_autoptr(SnProfile) profile = make_full_profile ("round trip");
  g_autoptr(SnProfile) back = NULL;
  g_autoptr(SnProfile) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  node = sn_profile_to_json (profile);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "safety-level"), ==, "admin");
  g_assert_cmpstr (json_object_get_string_member (object, "cache-backend"), ==, "upstash");
  g_assert_cmpint (json_object_get_int_member (object, "ssh-port"), ==, 2222);
  g_assert_true (json_object_get_boolean_member (object, "db-direct"));

  back = sn_profile_new_from_json (node, &error);
  g_assert_no_error (error);
  assert_same_profile (profile, back);

  copy = sn_profile_copy (profile);
  g_assert_true (copy != profile);
  assert_same_profile (profile, copy);
}

static void
test_store_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
  g_autoptr(SnProfileStore) again = NULL;
  g_autoptr(SnProfile) profile = make_full_profile ("Démo 1");
  g_autoptr(SnProfile) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  struct stat st;
  const char *name;
  guint n_files = 0;

  g_assert_true (sn_profile_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == SN_TYPE_PROFILE);

  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (fixture->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  dir = g_dir_open (fixture->dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_true (g_str_has_suffix (name, ".json"));
      g_assert_null (strchr (name, ' '));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, 1);

  again = sn_profile_store_new (fixture->dir);
  g_assert_true (sn_profile_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  loaded = g_list_model_get_item (G_LIST_MODEL (again), 0);
  assert_same_profile (profile, loaded);
  g_assert_true (sn_profile_store_lookup (again, "Démo 1") != NULL);
  g_assert_null (sn_profile_store_lookup (again, "nope"));
}

static void
items_changed_cb (GString *log,
                  guint    position,
                  guint    removed,
                  guint    added)
{
  g_string_append_printf (log, "(%u,%u,%u)", position, removed, added);
}

static char *
model_names (GListModel *model)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnProfile) profile = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i ? "," : "", sn_profile_get_name (profile));
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
save_named (SnProfileStore *store,
            const char     *name)
{
  g_autoptr(SnProfile) profile = sn_profile_new (name);
  g_autoptr(GError) error = NULL;

  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);
}

static void
test_store_sorted_and_signals (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
  g_autoptr(SnProfileStore) again = NULL;
  g_autoptr(SnProfile) production = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *names = NULL;
  SnProfile *stored;

  g_signal_connect_swapped (store, "items-changed", G_CALLBACK (items_changed_cb), log);

  save_named (store, "staging");
  save_named (store, "alpha");
  save_named (store, "production");
  save_named (store, "local");
  g_assert_cmpstr (log->str, ==, "(0,0,1)(0,0,1)(1,0,1)(1,0,1)");
  names = model_names (G_LIST_MODEL (store));
  g_assert_cmpstr (names, ==, "alpha,local,production,staging");

  /* Saving an edited copy replaces the item in place. */
  g_string_truncate (log, 0);
  production = sn_profile_copy (sn_profile_store_lookup (store, "production"));
  g_object_set (production, "ssh-port", 5522, NULL);
  g_assert_true (sn_profile_store_save (store, production, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "(2,1,1)");
  stored = sn_profile_store_lookup (store, "production");
  g_assert_true (stored == production);
  g_assert_cmpuint (sn_profile_get_ssh_port (stored), ==, 5522);

  /* Rename moves the item and the file. */
  g_string_truncate (log, 0);
  g_object_set (production, "name", "aaa-prod", NULL);
  g_assert_true (sn_profile_store_rename (store, production, "production", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "(2,1,0)(0,0,1)");
  g_clear_pointer (&names, g_free);
  names = model_names (G_LIST_MODEL (store));
  g_assert_cmpstr (names, ==, "aaa-prod,alpha,local,staging");
  {
    g_autofree char *old_path = g_build_filename (fixture->dir, "production.json", NULL);
    g_autofree char *new_path = g_build_filename (fixture->dir, "aaa-prod.json", NULL);

    g_assert_false (g_file_test (old_path, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (new_path, G_FILE_TEST_EXISTS));
  }

  /* Rename onto an existing name, or from a missing one, is refused. */
  g_object_set (production, "name", "alpha", NULL);
  g_assert_false (sn_profile_store_rename (store, production, "aaa-prod", &error));
  g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);
  g_object_set (production, "name", "aaa-prod", NULL);
  {
    g_autoptr(SnProfile) stranger = sn_profile_new ("zzz");

    g_assert_false (sn_profile_store_rename (store, stranger, "ghost", &error));
    g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Remove. */
  g_string_truncate (log, 0);
  g_assert_true (sn_profile_store_remove (store, "local", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "(2,1,0)");
  g_assert_false (sn_profile_store_remove (store, "local", &error));
  g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* What is on disk is what the model shows. */
  again = sn_profile_store_new (fixture->dir);
  g_assert_true (sn_profile_store_load (again, &error));
  g_assert_no_error (error);
  g_clear_pointer (&names, g_free);
  names = model_names (G_LIST_MODEL (again));
  g_assert_cmpstr (names, ==, "aaa-prod,alpha,staging");
  g_assert_cmpuint (sn_profile_get_ssh_port (sn_profile_store_lookup (again, "aaa-prod")), ==, 5522);

  /* load() replaces the whole list in one signal. */
  g_string_truncate (log, 0);
  g_assert_true (sn_profile_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "(0,3,3)");
}

static void
test_validation (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
  static const char * const bad_names[] = {
    "", ".hidden", "a/b", "semi;colon", "tab\there",
    "0123456789012345678901234567890123456789012345678901234567890123456789",
  };
  static const char * const good_names[] = {
    "production", "Staging 2", "démo_local-1.0", "a",
    "0123456789012345678901234567890123456789012345678901234567890123",
  };
  static const struct {
    const char *key;
    const char *value;
    guint       port;
    const char *fragment;
  } bad_values[] = {
    { "ssh-port", NULL, 0, "SSH port" },
    { "db-port", NULL, 0, "database port" },
    { "redis-port", NULL, 0, "Redis port" },
    { "site-url", "www.sweet-narcisse.com", 0, "https://" },
    { "site-url", "ftp://example.com", 0, "https://" },
    { "site-url", "https://", 0, "https://" },
    { "color", "red", 0, "#rrggbb" },
    { "color", "#12345", 0, "#rrggbb" },
    { "color", "#gggggg", 0, "#rrggbb" },
    { "db-ssl-root-cert", "certs/root.crt", 0, "database CA certificate" },
    { "db-ssl-root-cert", "/tmp/a\nb.crt", 0, "database CA certificate" },
    /* L1: names that reach pg_dump, psql and ssh as arguments */
    { "db-name", "--file=/tmp/x", 0, "database name" },
    { "db-name", "shop floor", 0, "database name" },
    { "db-name", "", 0, "database name" },
    { "db-name", "host=evil.example", 0, "database name" },
    { "db-user", "x'y", 0, "database user" },
    { "db-user", "-U", 0, "database user" },
    { "ssh-user", "-oProxyCommand=sh", 0, "SSH user" },
    { "ssh-user", "root;id", 0, "SSH user" },
    { "deploy-path", "opt/sweetnarcisse", 0, "deploy path" },
    { "deploy-path", "/opt/../etc", 0, "deploy path" },
    { "deploy-path", "/opt/sweet\nnarcisse", 0, "deploy path" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(SnProfile) profile = sn_profile_new (bad_names[i]);
      g_autoptr(GError) error = NULL;

      g_assert_false (sn_profile_name_is_valid (bad_names[i]));
      g_assert_false (sn_profile_store_save (store, profile, &error));
      g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "name"));
    }

  {
    /* ordinary names and paths still pass */
    g_autoptr(SnProfile) profile = sn_profile_new ("ok");
    g_autoptr(GError) error = NULL;

    g_object_set (profile, "db-name", "snarcisse_2", "db-user", "snarcisse-ro", "ssh-user", "deploy.bot",
                  "deploy-path", "/srv/sweet narcisse/app", NULL);
    g_assert_true (sn_profile_validate (profile, &error));
    g_assert_no_error (error);
  }

  for (guint i = 0; i < G_N_ELEMENTS (good_names); i++)
    {
      g_autoptr(SnProfile) profile = sn_profile_new (good_names[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (sn_profile_name_is_valid (good_names[i]));
      g_assert_true (sn_profile_validate (profile, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      g_autoptr(SnProfile) profile = sn_profile_new ("ok");
      g_autoptr(GError) error = NULL;

      if (bad_values[i].value != NULL)
        g_object_set (profile, bad_values[i].key, bad_values[i].value, NULL);
      else
        g_object_set (profile, bad_values[i].key, bad_values[i].port, NULL);

      g_assert_false (sn_profile_validate (profile, &error));
      g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID);
      g_test_message ("%s: %s", bad_values[i].key, error->message);
      g_assert_nonnull (strstr (error->message, bad_values[i].fragment));
    }

  /* Nothing invalid reached the disk. */
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  static const struct {
    const char *file;
    const char *contents;
    const char *fragment;
  } cases[] = {
    { "bad-json.json", "{\n  \"name\": \"bad-json\",\n  \"ssh-port\": \n}\n", "line 4" },
    { "wrong-type.json", "{ \"name\": \"wrong-type\", \"ssh-port\": \"22\" }", "ssh-port" },
    { "bad-enum.json", "{ \"name\": \"bad-enum\", \"safety-level\": \"god\" }", "safety-level" },
    { "bad-bool.json", "{ \"name\": \"bad-bool\", \"production\": 1 }", "production" },
    { "not-object.json", "[1, 2]", "object" },
    { "empty.json", "", "empty" },
    { "port-range.json", "{ \"name\": \"port-range\", \"db-port\": 70000 }", "db-port" },
    { "mismatch.json", "{ \"name\": \"other\" }", "other" },
  };
  g_autofree char *good_text = NULL;

  good_text = g_strdup ("{ \"name\": \"good\", \"ssh-port\": 2200, \"future-key\": [1],"
                        " \"safety-level\": \"read-only\" }");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_build_filename (fixture->dir, cases[i].file, NULL);
      g_autofree char *names = NULL;

      write_file (fixture->dir, "good.json", good_text);
      write_file (fixture->dir, "zz-also-good.json", "{ \"name\": \"zz-also-good\" }");
      write_file (fixture->dir, cases[i].file, cases[i].contents);

      g_assert_false (sn_profile_store_load (store, &error));
      g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
      g_assert_nonnull (strstr (error->message, "Fix"));

      /* The good ones are still there. */
      names = model_names (G_LIST_MODEL (store));
      g_assert_cmpstr (names, ==, "good,zz-also-good");
      g_assert_cmpuint (sn_profile_get_ssh_port (sn_profile_store_lookup (store, "good")), ==, 2200);
      g_assert_cmpint (sn_profile_get_safety_level (sn_profile_store_lookup (store, "good")), ==,
                       SN_SAFETY_LEVEL_READ_ONLY);

      g_unlink (path);
    }

  /* Two bad files: the first is named, the other counted. */
  {
    g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
    g_autoptr(GError) error = NULL;

    write_file (fixture->dir, "a.json", "{");
    write_file (fixture->dir, "b.json", "{");
    g_assert_false (sn_profile_store_load (store, &error));
    g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "1 more file"));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  }
}

/* A child that saves the same profile with alternating big values, forever. */
#define BIG_SIZE (512 * 1024)

static void G_GNUC_NORETURN
writer_child (const char *dir)
{
  g_autoptr(SnProfileStore) store = sn_profile_store_new (dir);
  g_autoptr(SnProfile) profile = sn_profile_new ("crash");
  char *big = g_malloc (BIG_SIZE + 1);

  for (guint round = 0; ; round++)
    {
      GError *error = NULL;

      memset (big, round % 2 ? 'B' : 'A', BIG_SIZE);
      big[BIG_SIZE] = '\0';
      g_object_set (profile, "ssh-key-file", big, "ssh-port", round % 2 ? 2222 : 1111, NULL);
      if (!sn_profile_store_save (store, profile, &error))
        _exit (3);
    }
}

static gboolean
all_same (const char *s,
          char        c,
          gsize       len)
{
  if (strlen (s) != len)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (s[i] != c)
      return FALSE;

  return TRUE;
}

static void
test_atomic_write (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint n_old = 0, n_new = 0;
  guint rounds = g_test_thorough () ? 200 : 48;
  guint n_temp = 0;

  /* An old version every round can fall back to. */
  {
    g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
    g_autoptr(SnProfile) profile = sn_profile_new ("crash");
    g_autoptr(GError) error = NULL;

    g_assert_true (sn_profile_store_save (store, profile, &error));
    g_assert_no_error (error);
  }

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
      g_autoptr(GError) error = NULL;
      SnProfile *profile;
      const char *key_file;
      int status;
      pid_t pid;

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        writer_child (fixture->dir);

      /* 0 to 60 ms: before the first write, mid-write, between renames. */
      g_usleep (g_rand_int_range (rand, 0, 60000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      g_assert_true (sn_profile_store_load (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
      profile = sn_profile_store_lookup (store, "crash");
      g_assert_nonnull (profile);

      key_file = sn_profile_get_ssh_key_file (profile);
      if (key_file == NULL)
        {
          /* The very first version: nothing rewritten yet. */
          g_assert_cmpuint (sn_profile_get_ssh_port (profile), ==, 22);
          n_old++;
        }
      else if (key_file[0] == 'A')
        {
          g_assert_true (all_same (key_file, 'A', BIG_SIZE));
          g_assert_cmpuint (sn_profile_get_ssh_port (profile), ==, 1111);
          n_new++;
        }
      else
        {
          g_assert_true (all_same (key_file, 'B', BIG_SIZE));
          g_assert_cmpuint (sn_profile_get_ssh_port (profile), ==, 2222);
          n_new++;
        }
    }

  /* Interrupted writes leave NAME.json.XXXXXX behind; load ignored them. */
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "crash.json."))
        n_temp++;
  }

  g_test_message ("%u rounds: %u with the first version, %u with a rewritten one, "
                  "%u temp files left by killed writers",
                  rounds, n_old, n_new, n_temp);
  /* The kills must have landed after some writes, or the test proved nothing. */
  g_assert_cmpuint (n_new, >, 0);
}

static guint
count_audit_lines (const char  *path,
                   const char  *needle)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    n += *lines[i] != '\0' && strstr (lines[i], needle) != NULL;
  return n;
}

static SnSafetyLevel
level_on_disk (const char *dir,
               const char *name)
{
  g_autoptr(SnProfileStore) store = sn_profile_store_new (dir);
  SnProfile *profile;

  g_assert_true (sn_profile_store_load (store, NULL));
  profile = sn_profile_store_lookup (store, name);
  g_assert_nonnull (profile);
  return sn_profile_get_safety_level (profile);
}

/* A level is a convenience, but raising it leaves a trace. */
static void
test_level_change_audited (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *base = g_path_get_dirname (fixture->dir);
  g_autofree char *audit_path = g_build_filename (base, "audit.jsonl", NULL);
  g_autoptr(SnAuditLog) audit = sn_audit_log_new (audit_path);
  g_autoptr(SnAuditLog) broken = sn_audit_log_new (base);   /* a folder: every append fails */
  g_autoptr(SnProfileStore) store = sn_profile_store_new (fixture->dir);
  g_autoptr(SnProfile) profile = sn_profile_new ("direction");
  g_autoptr(SnProfile) copy = NULL;
  g_autoptr(GError) error = NULL;

  sn_profile_store_set_audit_log (store, audit);
  g_assert_true (sn_profile_store_load (store, NULL));

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_audit_lines (audit_path, "profile.safety-level"), ==, 0);

  /* Edited in place, as the model's own object: the file tells the old level. */
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_ADMIN, NULL);
  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_audit_lines (audit_path, "profile.safety-level"), ==, 1);
  g_assert_cmpuint (count_audit_lines (audit_path, "\"profile\":\"direction\""), ==, 1);
  g_assert_cmpuint (count_audit_lines (audit_path, "safety-level read-only -> admin"), ==, 1);

  /* Saved again unchanged: no new line. */
  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_cmpuint (count_audit_lines (audit_path, "profile.safety-level"), ==, 1);

  /* Renamed and lowered in one go. */
  copy = sn_profile_copy (profile);
  g_object_set (copy, "name", "board", "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  g_assert_true (sn_profile_store_rename (store, copy, "direction", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_audit_lines (audit_path, "safety-level admin -> operator (renamed from direction)"), ==, 1);

  /* A change that cannot be recorded is not made. */
  sn_profile_store_set_audit_log (store, broken);
  g_object_set (copy, "safety-level", SN_SAFETY_LEVEL_ADMIN, NULL);
  g_assert_false (sn_profile_store_save (store, copy, &error));
  g_assert_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "audit log"));
  g_assert_cmpint (level_on_disk (fixture->dir, "board"), ==, SN_SAFETY_LEVEL_OPERATOR);
  g_clear_error (&error);

  /* Other fields still save without the audit log. */
  g_object_set (copy, "safety-level", SN_SAFETY_LEVEL_OPERATOR, "color", "#26a269", NULL);
  g_assert_true (sn_profile_store_save (store, copy, &error));
  g_assert_no_error (error);
}

static void
test_credential_warnings (void)
{
  g_autoptr(SnProfile) profile = sn_profile_new ("direction");
  g_auto(GStrv) warnings = NULL;

  /* Defaults: SSH as root, the database's owner role. */
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  warnings = sn_profile_dup_credential_warnings (profile);
  g_assert_cmpuint (g_strv_length (warnings), ==, 2);
  g_assert_nonnull (strstr (warnings[0], "root"));
  g_assert_nonnull (strstr (warnings[1], "“snarcisse”"));
  g_clear_pointer (&warnings, g_strfreev);

  g_object_set (profile, "ssh-user", "direction", "db-user", "postgres", NULL);
  warnings = sn_profile_dup_credential_warnings (profile);
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_nonnull (strstr (warnings[0], "“postgres”"));
  g_clear_pointer (&warnings, g_strfreev);

  g_object_set (profile, "db-user", "snarcisse_readonly", NULL);
  warnings = sn_profile_dup_credential_warnings (profile);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
  g_clear_pointer (&warnings, g_strfreev);

  /* Only read-only profiles are meant to hold harmless credentials. */
  g_object_set (profile, "ssh-user", "root", "db-user", "snarcisse", "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  warnings = sn_profile_dup_credential_warnings (profile);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
}

/* M7: no sslmode=prefer towards a remote database; the editor says which. */
static void
test_db_transport (void)
{
  g_autoptr(SnProfile) profile = sn_profile_new_production ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SnProfile) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (sn_db_sslmode_for_host ("51.178.17.205", NULL), ==, "require");
  g_assert_cmpstr (sn_db_sslmode_for_host ("db.example.com", ""), ==, "require");
  g_assert_cmpstr (sn_db_sslmode_for_host ("db.example.com", "/etc/ssl/db-ca.pem"), ==, "verify-full");
  g_assert_cmpstr (sn_db_sslmode_for_host ("127.0.0.1", NULL), ==, "prefer");
  g_assert_cmpstr (sn_db_sslmode_for_host ("::1", NULL), ==, "prefer");

  /* production goes through the tunnel by default */
  g_assert_cmpint (sn_profile_get_db_transport (profile), ==, SN_DB_TRANSPORT_TUNNEL);
  g_object_set (profile, "db-direct", TRUE, "db-host", "51.178.17.205", NULL);
  g_assert_cmpint (sn_profile_get_db_transport (profile), ==, SN_DB_TRANSPORT_TLS_REQUIRED);
  g_assert_nonnull (strstr (sn_db_transport_to_description (SN_DB_TRANSPORT_TLS_REQUIRED),
                            "sslmode=require"));
  g_object_set (profile, "db-ssl-root-cert", "/home/me/.postgresql/db-ca.pem", NULL);
  g_assert_cmpint (sn_profile_get_db_transport (profile), ==, SN_DB_TRANSPORT_TLS_VERIFIED);
  g_assert_nonnull (strstr (sn_db_transport_to_description (SN_DB_TRANSPORT_TLS_VERIFIED),
                            "verify-full"));
  g_assert_true (sn_profile_validate (profile, &error));
  g_assert_no_error (error);

  /* the CA setting is a profile key like the others */
  node = sn_profile_to_json (profile);
  back = sn_profile_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_profile_get_db_ssl_root_cert (back), ==, "/home/me/.postgresql/db-ca.pem");

  g_object_set (profile, "db-ssl-root-cert", NULL, "db-host", "127.0.0.1", NULL);
  g_assert_cmpint (sn_profile_get_db_transport (profile), ==, SN_DB_TRANSPORT_LOCAL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/profile/defaults", test_defaults);
  g_test_add_func ("/core/profile/production", test_production);
  g_test_add_func ("/core/profile/json-round-trip", test_json_round_trip);
  g_test_add_func ("/core/profile/credential-warnings", test_credential_warnings);
  g_test_add_func ("/core/profile/db-transport", test_db_transport);
  g_test_add ("/core/profile-store/level-change-audited", Fixture, NULL,
              fixture_set_up, test_level_change_audited, fixture_tear_down);
  g_test_add ("/core/profile-store/round-trip", Fixture, NULL,
              fixture_set_up, test_store_round_trip, fixture_tear_down);
  g_test_add ("/core/profile-store/sorted-rename-remove-signals", Fixture, NULL,
              fixture_set_up, test_store_sorted_and_signals, fixture_tear_down);
  g_test_add ("/core/profile-store/validation", Fixture, NULL,
              fixture_set_up, test_validation, fixture_tear_down);
  g_test_add ("/core/profile-store/malformed", Fixture, NULL,
              fixture_set_up, test_malformed, fixture_tear_down);
  g_test_add ("/core/profile-store/atomic-write", Fixture, NULL,
              fixture_set_up, test_atomic_write, fixture_tear_down);

  return g_test_run ();
}
