/* sn-profile.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-profile"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-core-enums.h"
#include "sn-net.h"
#include "sn-profile.h"
#include "sn-profile-store.h"

struct _SnProfile
{
  GObject             parent_instance;

  char               *name;
  char               *color;
  char               *ssh_host;
  char               *ssh_user;
  char               *ssh_key_file;
  char               *deploy_path;
  char               *site_url;
  char               *db_name;
  char               *db_user;
  char               *db_host;
  char               *redis_host;
  char               *upstash_url;
  char               *prometheus_url;
  char               *github_repo;
  char               *github_api_url;
  char               *credentials_file;
  char               *db_ssl_root_cert;

  SnSafetyLevel       safety_level;
  SnCacheBackendKind  cache_backend;
  guint               ssh_port;
  guint               db_port;
  guint               redis_port;

  guint               production : 1;
  guint               db_direct : 1;
};

G_DEFINE_FINAL_TYPE (SnProfile, sn_profile, G_TYPE_OBJECT)

G_DEFINE_QUARK (sn-profile-error-quark, sn_profile_error)

enum {
  PROP_0,
  PROP_NAME,
  PROP_COLOR,
  PROP_SAFETY_LEVEL,
  PROP_PRODUCTION,
  PROP_SSH_HOST,
  PROP_SSH_PORT,
  PROP_SSH_USER,
  PROP_SSH_KEY_FILE,
  PROP_DEPLOY_PATH,
  PROP_SITE_URL,
  PROP_DB_NAME,
  PROP_DB_USER,
  PROP_DB_HOST,
  PROP_DB_PORT,
  PROP_DB_DIRECT,
  PROP_CACHE_BACKEND,
  PROP_REDIS_HOST,
  PROP_REDIS_PORT,
  PROP_UPSTASH_URL,
  PROP_PROMETHEUS_URL,
  PROP_GITHUB_REPO,
  PROP_GITHUB_API_URL,
  PROP_CREDENTIALS_FILE,
  PROP_DB_SSL_ROOT_CERT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_COLOR          "#3584e4"
#define DEFAULT_SSH_USER       "root"
#define DEFAULT_DEPLOY_PATH    "/opt/sweetnarcisse"
#define DEFAULT_DB_NAME        "snarcisse"
#define DEFAULT_DB_USER        "snarcisse"
#define DEFAULT_DB_HOST        "127.0.0.1"
#define DEFAULT_REDIS_HOST     "127.0.0.1"
#define DEFAULT_PROMETHEUS_URL "http://127.0.0.1:9090"
#define DEFAULT_GITHUB_REPO    "kalicatt/SweetNarcisse-demo"
#define DEFAULT_GITHUB_API_URL "https://api.github.com"

static char **
string_field (SnProfile *self,
              guint      prop_id)
{
  switch (prop_id)
    {
    case PROP_NAME: return &self->name;
    case PROP_COLOR: return &self->color;
    case PROP_SSH_HOST: return &self->ssh_host;
    case PROP_SSH_USER: return &self->ssh_user;
    case PROP_SSH_KEY_FILE: return &self->ssh_key_file;
    case PROP_DEPLOY_PATH: return &self->deploy_path;
    case PROP_SITE_URL: return &self->site_url;
    case PROP_DB_NAME: return &self->db_name;
    case PROP_DB_USER: return &self->db_user;
    case PROP_DB_HOST: return &self->db_host;
    case PROP_REDIS_HOST: return &self->redis_host;
    case PROP_UPSTASH_URL: return &self->upstash_url;
    case PROP_PROMETHEUS_URL: return &self->prometheus_url;
    case PROP_GITHUB_REPO: return &self->github_repo;
    case PROP_GITHUB_API_URL: return &self->github_api_url;
    case PROP_CREDENTIALS_FILE: return &self->credentials_file;
    case PROP_DB_SSL_ROOT_CERT: return &self->db_ssl_root_cert;
    default: return NULL;
    }
}

static guint *
uint_field (SnProfile *self,
            guint      prop_id)
{
  switch (prop_id)
    {
    case PROP_SSH_PORT: return &self->ssh_port;
    case PROP_DB_PORT: return &self->db_port;
    case PROP_REDIS_PORT: return &self->redis_port;
    default: return NULL;
    }
}

static void
sn_profile_finalize (GObject *object)
{
  SnProfile *self = (SnProfile *)object;
  guint i;

  for (i = 1; i < N_PROPS; i++)
    {
      char **field = string_field (self, i);

      if (field != NULL)
        g_clear_pointer (field, g_free);
    }

  G_OBJECT_CLASS (sn_profile_parent_class)->finalize (object);
}

static void
sn_profile_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SnProfile *self = SN_PROFILE (object);
  char **str;
  guint *num;

  if ((str = string_field (self, prop_id)) != NULL)
    {
      g_value_set_string (value, *str);
      return;
    }

  if ((num = uint_field (self, prop_id)) != NULL)
    {
      g_value_set_uint (value, *num);
      return;
    }

  switch (prop_id)
    {
    case PROP_SAFETY_LEVEL:
      g_value_set_enum (value, self->safety_level);
      break;

    case PROP_CACHE_BACKEND:
      g_value_set_enum (value, self->cache_backend);
      break;

    case PROP_PRODUCTION:
      g_value_set_boolean (value, self->production);
      break;

    case PROP_DB_DIRECT:
      g_value_set_boolean (value, self->db_direct);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_profile_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SnProfile *self = SN_PROFILE (object);
  gboolean changed = FALSE;
  char **str;
  guint *num;

  if ((str = string_field (self, prop_id)) != NULL)
    {
      const char *new_value = g_value_get_string (value);

      if (g_strcmp0 (*str, new_value) != 0)
        {
          g_free (*str);
          *str = g_strdup (new_value);
          changed = TRUE;
        }
    }
  else if ((num = uint_field (self, prop_id)) != NULL)
    {
      changed = *num != g_value_get_uint (value);
      *num = g_value_get_uint (value);
    }
  else
    {
      switch (prop_id)
        {
        case PROP_SAFETY_LEVEL:
          changed = self->safety_level != (SnSafetyLevel)g_value_get_enum (value);
          self->safety_level = g_value_get_enum (value);
          break;

        case PROP_CACHE_BACKEND:
          changed = self->cache_backend != (SnCacheBackendKind)g_value_get_enum (value);
          self->cache_backend = g_value_get_enum (value);
          break;

        case PROP_PRODUCTION:
          changed = self->production != !!g_value_get_boolean (value);
          self->production = !!g_value_get_boolean (value);
          break;

        case PROP_DB_DIRECT:
          changed = self->db_direct != !!g_value_get_boolean (value);
          self->db_direct = !!g_value_get_boolean (value);
          break;

        default:
          G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
          return;
        }
    }

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

#define STRING_PROP(id, key, def) \
  properties[id] = g_param_spec_string (key, NULL, NULL, def, \
                                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | \
                                         G_PARAM_STATIC_STRINGS))
#define UINT_PROP(id, key, def) \
  properties[id] = g_param_spec_uint (key, NULL, NULL, 0, G_MAXUINT16, def, \
                                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | \
                                       G_PARAM_STATIC_STRINGS))
#define BOOLEAN_PROP(id, key) \
  properties[id] = g_param_spec_boolean (key, NULL, NULL, FALSE, \
                                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | \
                                          G_PARAM_STATIC_STRINGS))

static void
sn_profile_class_init (SnProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_profile_finalize;
  object_class->get_property = sn_profile_get_property;
  object_class->set_property = sn_profile_set_property;

  STRING_PROP (PROP_NAME, "name", NULL);
  STRING_PROP (PROP_COLOR, "color", DEFAULT_COLOR);
  properties[PROP_SAFETY_LEVEL] =
    g_param_spec_enum ("safety-level", NULL, NULL,
                       SN_TYPE_SAFETY_LEVEL, SN_SAFETY_LEVEL_OPERATOR,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  BOOLEAN_PROP (PROP_PRODUCTION, "production");
  STRING_PROP (PROP_SSH_HOST, "ssh-host", NULL);
  UINT_PROP (PROP_SSH_PORT, "ssh-port", 22);
  STRING_PROP (PROP_SSH_USER, "ssh-user", DEFAULT_SSH_USER);
  STRING_PROP (PROP_SSH_KEY_FILE, "ssh-key-file", NULL);
  STRING_PROP (PROP_DEPLOY_PATH, "deploy-path", DEFAULT_DEPLOY_PATH);
  STRING_PROP (PROP_SITE_URL, "site-url", NULL);
  STRING_PROP (PROP_DB_NAME, "db-name", DEFAULT_DB_NAME);
  STRING_PROP (PROP_DB_USER, "db-user", DEFAULT_DB_USER);
  STRING_PROP (PROP_DB_HOST, "db-host", DEFAULT_DB_HOST);
  UINT_PROP (PROP_DB_PORT, "db-port", 5432);
  BOOLEAN_PROP (PROP_DB_DIRECT, "db-direct");
  properties[PROP_CACHE_BACKEND] =
    g_param_spec_enum ("cache-backend", NULL, NULL,
                       SN_TYPE_CACHE_BACKEND_KIND, SN_CACHE_BACKEND_KIND_REDIS_TUNNEL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  STRING_PROP (PROP_REDIS_HOST, "redis-host", DEFAULT_REDIS_HOST);
  UINT_PROP (PROP_REDIS_PORT, "redis-port", 6379);
  STRING_PROP (PROP_UPSTASH_URL, "upstash-url", NULL);
  STRING_PROP (PROP_PROMETHEUS_URL, "prometheus-url", DEFAULT_PROMETHEUS_URL);
  STRING_PROP (PROP_GITHUB_REPO, "github-repo", DEFAULT_GITHUB_REPO);
  STRING_PROP (PROP_GITHUB_API_URL, "github-api-url", DEFAULT_GITHUB_API_URL);
  STRING_PROP (PROP_CREDENTIALS_FILE, "credentials-file", NULL);
  STRING_PROP (PROP_DB_SSL_ROOT_CERT, "db-ssl-root-cert", NULL);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

#undef STRING_PROP
#undef UINT_PROP
#undef BOOLEAN_PROP

static void
sn_profile_init (SnProfile *self)
{
  self->color = g_strdup (DEFAULT_COLOR);
  self->safety_level = SN_SAFETY_LEVEL_OPERATOR;
  self->ssh_port = 22;
  self->ssh_user = g_strdup (DEFAULT_SSH_USER);
  self->deploy_path = g_strdup (DEFAULT_DEPLOY_PATH);
  self->db_name = g_strdup (DEFAULT_DB_NAME);
  self->db_user = g_strdup (DEFAULT_DB_USER);
  self->db_host = g_strdup (DEFAULT_DB_HOST);
  self->db_port = 5432;
  self->cache_backend = SN_CACHE_BACKEND_KIND_REDIS_TUNNEL;
  self->redis_host = g_strdup (DEFAULT_REDIS_HOST);
  self->redis_port = 6379;
  self->prometheus_url = g_strdup (DEFAULT_PROMETHEUS_URL);
  self->github_repo = g_strdup (DEFAULT_GITHUB_REPO);
  self->github_api_url = g_strdup (DEFAULT_GITHUB_API_URL);
}

/**
 * sn_profile_new:
 * @name: (nullable): the profile's name
 *
 * Returns: (transfer full): a profile with every other key at its default
 */
SnProfile *
sn_profile_new (const char *name)
{
  return g_object_new (SN_TYPE_PROFILE, "name", name, NULL);
}

/**
 * sn_profile_new_production:
 *
 * The production environment as the runbook describes it. Creating it
 * contacts nothing.
 *
 * Returns: (transfer full): a new profile named "production"
 */
SnProfile *
sn_profile_new_production (void)
{
  return g_object_new (SN_TYPE_PROFILE,
                       "name", "production",
                       "production", TRUE,
                       "safety-level", SN_SAFETY_LEVEL_OPERATOR,
                       "color", "#c01c28",
                       "ssh-host", "51.178.17.205",
                       "ssh-port", 5522,
                       "ssh-user", "root",
                       "deploy-path", "/opt/sweetnarcisse",
                       "site-url", "https://www.sweet-narcisse.com",
                       "db-name", "snarcisse",
                       "db-user", "snarcisse",
                       /* target-system §4: there is no Redis container in
                        * production, the app talks to Upstash over REST. */
                       "cache-backend", SN_CACHE_BACKEND_KIND_UPSTASH,
                       NULL);
}

static gboolean
set_from_member (SnProfile   *self,
                 GParamSpec  *pspec,
                 JsonNode    *member,
                 GError     **error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_auto(GValue) value = G_VALUE_INIT;
  GType held = JSON_NODE_HOLDS_VALUE (member) ? json_node_get_value_type (member) : G_TYPE_INVALID;

  g_value_init (&value, type);

  if (type == G_TYPE_STRING)
    {
      if (JSON_NODE_HOLDS_NULL (member))
        g_value_set_string (&value, NULL);
      else if (held == G_TYPE_STRING)
        g_value_set_string (&value, json_node_get_string (member));
      else
        goto wrong_type;
    }
  else if (type == G_TYPE_UINT)
    {
      GParamSpecUInt *uspec = G_PARAM_SPEC_UINT (pspec);
      gint64 number;

      if (held != G_TYPE_INT64)
        goto wrong_type;

      number = json_node_get_int (member);
      if (number < uspec->minimum || number > uspec->maximum)
        {
          g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                       _("The key “%s” is %lld, outside %u…%u."),
                       g_param_spec_get_name (pspec), (long long) number,
                       uspec->minimum, uspec->maximum);
          return FALSE;
        }
      g_value_set_uint (&value, (guint)number);
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      if (held != G_TYPE_BOOLEAN)
        goto wrong_type;
      g_value_set_boolean (&value, json_node_get_boolean (member));
    }
  else if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) enum_class = g_type_class_ref (type);
      GEnumValue *enum_value;

      if (held != G_TYPE_STRING)
        goto wrong_type;

      enum_value = g_enum_get_value_by_nick (enum_class, json_node_get_string (member));
      if (enum_value == NULL)
        {
          g_autoptr(GString) nicks = g_string_new (NULL);
          guint i;

          for (i = 0; i < enum_class->n_values; i++)
            g_string_append_printf (nicks, "%s“%s”", i > 0 ? ", " : "",
                                    enum_class->values[i].value_nick);

          g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                       _("The key “%s” has the unknown value “%s”; use one of %s."),
                       g_param_spec_get_name (pspec), json_node_get_string (member),
                       nicks->str);
          return FALSE;
        }
      g_value_set_enum (&value, enum_value->value);
    }
  else
    g_assert_not_reached ();

  g_object_set_property (G_OBJECT (self), g_param_spec_get_name (pspec), &value);
  return TRUE;

wrong_type:
  {
    const char *expected;

    if (type == G_TYPE_STRING || G_TYPE_IS_ENUM (type))
      expected = _("a string");
    else if (type == G_TYPE_UINT)
      expected = _("a whole number");
    else
      expected = _("true or false");

    g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                 _("The key “%s” must be %s."),
                 g_param_spec_get_name (pspec), expected);
    return FALSE;
  }
}

static GParamSpec *
find_pspec (const char *key)
{
  guint i;

  for (i = 1; i < N_PROPS; i++)
    if (g_strcmp0 (g_param_spec_get_name (properties[i]), key) == 0)
      return properties[i];

  return NULL;
}

/**
 * sn_profile_new_from_json:
 * @node: a JSON object as written by sn_profile_to_json()
 * @error: which key is wrong and why
 *
 * Keys we do not know are ignored (a newer version may have written them).
 *
 * Returns: (transfer full) (nullable): the profile
 */
SnProfile *
sn_profile_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(SnProfile) self = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                           _("A profile must be a JSON object ({ … })."));
      return NULL;
    }

  self = g_object_new (SN_TYPE_PROFILE, NULL);
  object = json_node_get_object (node);
  members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      GParamSpec *pspec = find_pspec (key);

      if (pspec == NULL)
        {
          g_debug ("Ignoring unknown profile key “%s”", key);
          continue;
        }

      if (!set_from_member (self, pspec, json_object_get_member (object, key), error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * sn_profile_to_json:
 * @self: a #SnProfile
 *
 * Every key, in a stable order; unset strings are left out.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
sn_profile_to_json (SnProfile *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  guint i;

  g_return_val_if_fail (SN_IS_PROFILE (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  for (i = 1; i < N_PROPS; i++)
    {
      GParamSpec *pspec = properties[i];
      GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
      const char *key = g_param_spec_get_name (pspec);
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, type);
      g_object_get_property (G_OBJECT (self), key, &value);

      if (type == G_TYPE_STRING)
        {
          if (g_value_get_string (&value) == NULL)
            continue;
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, g_value_get_string (&value));
        }
      else if (type == G_TYPE_UINT)
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_int_value (builder, g_value_get_uint (&value));
        }
      else if (type == G_TYPE_BOOLEAN)
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_boolean_value (builder, g_value_get_boolean (&value));
        }
      else if (G_TYPE_IS_ENUM (type))
        {
          g_autoptr(GEnumClass) enum_class = g_type_class_ref (type);
          GEnumValue *enum_value = g_enum_get_value (enum_class, g_value_get_enum (&value));

          g_assert (enum_value != NULL);
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, enum_value->value_nick);
        }
      else
        g_assert_not_reached ();
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * sn_profile_copy:
 * @self: a #SnProfile
 *
 * Returns: (transfer full): a new profile with the same values (for editors)
 */
SnProfile *
sn_profile_copy (SnProfile *self)
{
  SnProfile *copy;
  guint i;

  g_return_val_if_fail (SN_IS_PROFILE (self), NULL);

  copy = g_object_new (SN_TYPE_PROFILE, NULL);

  for (i = 1; i < N_PROPS; i++)
    {
      const char *key = g_param_spec_get_name (properties[i]);
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (properties[i]));
      g_object_get_property (G_OBJECT (self), key, &value);
      g_object_set_property (G_OBJECT (copy), key, &value);
    }

  return copy;
}

#define STRING_GETTER(field) \
  const char * \
  sn_profile_get_##field (SnProfile *self) \
  { \
    g_return_val_if_fail (SN_IS_PROFILE (self), NULL); \
    return self->field; \
  }
#define VALUE_GETTER(ret, field, def) \
  ret \
  sn_profile_get_##field (SnProfile *self) \
  { \
    g_return_val_if_fail (SN_IS_PROFILE (self), def); \
    return self->field; \
  }

STRING_GETTER (name)
STRING_GETTER (color)
VALUE_GETTER (SnSafetyLevel, safety_level, SN_SAFETY_LEVEL_READ_ONLY)
VALUE_GETTER (gboolean, production, FALSE)
STRING_GETTER (ssh_host)
VALUE_GETTER (guint, ssh_port, 0)
STRING_GETTER (ssh_user)
STRING_GETTER (ssh_key_file)
STRING_GETTER (deploy_path)
STRING_GETTER (site_url)
STRING_GETTER (db_name)
STRING_GETTER (db_user)
STRING_GETTER (db_host)
VALUE_GETTER (guint, db_port, 0)
VALUE_GETTER (gboolean, db_direct, FALSE)
VALUE_GETTER (SnCacheBackendKind, cache_backend, SN_CACHE_BACKEND_KIND_REDIS_TUNNEL)
STRING_GETTER (redis_host)
VALUE_GETTER (guint, redis_port, 0)
STRING_GETTER (upstash_url)
STRING_GETTER (prometheus_url)
STRING_GETTER (github_repo)
STRING_GETTER (github_api_url)
STRING_GETTER (credentials_file)
STRING_GETTER (db_ssl_root_cert)

#undef STRING_GETTER
#undef VALUE_GETTER

/**
 * sn_profile_dup_health_url:
 * @self: a #SnProfile
 * @verbose: add "?verbose=true" (the detailed form, needs the monitoring key)
 *
 * Returns: (transfer full) (nullable): the health endpoint, or %NULL when the
 *   profile has no site URL
 */
char *
sn_profile_dup_health_url (SnProfile *self,
                           gboolean   verbose)
{
  g_autofree char *base = NULL;
  gsize len;

  g_return_val_if_fail (SN_IS_PROFILE (self), NULL);

  if (self->site_url == NULL || *self->site_url == '\0')
    return NULL;

  base = g_strstrip (g_strdup (self->site_url));
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';

  return g_strconcat (base, "/api/health", verbose ? "?verbose=true" : NULL, NULL);
}

/**
 * sn_profile_name_is_valid:
 * @name: (nullable): a proposed profile name
 *
 * 1 to 64 letters, digits, spaces, "-", "_" or ".", not starting with ".".
 */
gboolean
sn_profile_name_is_valid (const char *name)
{
  glong n_chars;

  if (name == NULL || *name == '\0' || *name == '.')
    return FALSE;

  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;

  n_chars = g_utf8_strlen (name, -1);
  if (n_chars < 1 || n_chars > 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '-' && c != '_' && c != '.' && c != ' ')
        return FALSE;
    }

  return TRUE;
}

static gboolean
color_is_valid (const char *color)
{
  gsize len;

  if (color == NULL || color[0] != '#')
    return FALSE;

  len = strlen (color + 1);
  if (len != 3 && len != 6)
    return FALSE;

  for (const char *p = color + 1; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;

  return TRUE;
}

static gboolean
http_url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;

  return g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static gboolean
check_port (guint        port,
            const char  *label,
            GError     **error)
{
  if (port >= 1 && port <= 65535)
    return TRUE;

  g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
               /* Translators: the first %s is e.g. "SSH port" */
               _("The %s must be between 1 and 65535 (it is %u)."), label, port);
  return FALSE;
}

static gboolean
check_url (const char  *url,
           const char  *label,
           GError     **error)
{
  if (url == NULL || *url == '\0' || http_url_is_valid (url))
    return TRUE;

  g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
               /* Translators: the first %s is e.g. "site URL" */
               _("The %s “%s” is not a web address. Enter a full address starting with "
                 "https:// or http://, such as https://www.sweet-narcisse.com."),
               label, url);
  return FALSE;
}

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return TRUE;
  return FALSE;
}

static gboolean
check_ssl_root_cert (const char  *path,
                     GError     **error)
{
  if (path == NULL || *path == '\0')
    return TRUE;

  if (g_path_is_absolute (path) && !has_control_chars (path))
    return TRUE;

  g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
               _("The database CA certificate “%s” must be a full path starting with “/”, "
                 "such as /home/me/.postgresql/root.crt."),
               path);
  return FALSE;
}

/* Names that reach pg_dump, psql and ssh as arguments: nothing an option
 * parser or a shell could read as more than a name (L1). */
static gboolean
identifier_is_valid (const char *value,
                     gboolean    allow_dot)
{
  gsize len = strlen (value);

  if (len == 0 || len > 63 || !(g_ascii_isalpha (value[0]) || value[0] == '_'))
    return FALSE;

  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '$' && *p != '-' && !(allow_dot && *p == '.'))
      return FALSE;
  return TRUE;
}

static gboolean
check_identifier (const char  *value,
                  const char  *label,
                  gboolean     required,
                  gboolean     allow_dot,
                  GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
                   /* Translators: %s is e.g. "database name" */
                   _("The %s is empty. Enter it, for example “snarcisse”."), label);
      return FALSE;
    }

  if (identifier_is_valid (value, allow_dot))
    return TRUE;

  g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
               /* Translators: the first %s is e.g. "database name", the second its value */
               _("The %s “%s” cannot be used: write 1 to 63 letters, digits, “_”, “-” or “$”, "
                 "starting with a letter or “_” (no spaces, quotes or leading “-”)."),
               label, value);
  return FALSE;
}

static gboolean
check_deploy_path (const char  *path,
                   GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (path != NULL && g_path_is_absolute (path) && !has_control_chars (path))
    {
      parts = g_strsplit (path, "/", -1);
      if (!g_strv_contains ((const char * const *)parts, ".."))
        return TRUE;
    }

  g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
               _("The deploy path “%s” must be a full path on the server starting with “/”, "
                 "without “..”, such as /opt/sweetnarcisse."),
               path != NULL ? path : "");
  return FALSE;
}

/**
 * sn_profile_validate:
 * @self: a #SnProfile
 * @error: a sentence saying what to fix (SN_PROFILE_STORE_ERROR_INVALID)
 *
 * Unset optional URLs are fine; set ones must be http(s) addresses.
 */
gboolean
sn_profile_validate (SnProfile  *self,
                     GError    **error)
{
  g_return_val_if_fail (SN_IS_PROFILE (self), FALSE);

  if (!sn_profile_name_is_valid (self->name))
    {
      if (self->name == NULL || *self->name == '\0')
        g_set_error_literal (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
                             _("The profile has no name. Give it a name such as “production”."));
      else
        g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
                     _("The name “%s” cannot be used. Use 1 to 64 letters, digits, spaces, "
                       "“-”, “_” or “.”, not starting with “.”."),
                     self->name);
      return FALSE;
    }

  if (!check_port (self->ssh_port, _("SSH port"), error) ||
      !check_port (self->db_port, _("database port"), error) ||
      !check_port (self->redis_port, _("Redis port"), error))
    return FALSE;

  if (!check_url (self->site_url, _("site URL"), error) ||
      !check_url (self->upstash_url, _("Upstash URL"), error) ||
      !check_url (self->prometheus_url, _("Prometheus URL"), error) ||
      !check_url (self->github_api_url, _("GitHub API URL"), error))
    return FALSE;

  if (!check_ssl_root_cert (self->db_ssl_root_cert, error))
    return FALSE;

  if (!check_identifier (self->db_name, _("database name"), TRUE, FALSE, error) ||
      !check_identifier (self->db_user, _("database user"), TRUE, FALSE, error) ||
      !check_identifier (self->ssh_user, _("SSH user"), FALSE, TRUE, error) ||
      !check_deploy_path (self->deploy_path, error))
    return FALSE;

  if (!color_is_valid (self->color))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
                   _("The color “%s” is not understood. Use the form #rrggbb, "
                     "for example #3584e4."),
                   self->color != NULL ? self->color : "");
      return FALSE;
    }

  return TRUE;
}

/* Levels and credentials --------------------------------------------------- */

const char *
sn_safety_level_to_label (SnSafetyLevel level)
{
  switch (level)
    {
    case SN_SAFETY_LEVEL_READ_ONLY: return _("read-only");
    case SN_SAFETY_LEVEL_OPERATOR: return _("operator");
    case SN_SAFETY_LEVEL_ADMIN: return _("admin");
    default: return "?";
    }
}

/**
 * sn_profile_check_level:
 * @self: the profile an operation runs with
 * @needed: the lowest level allowed to run it
 * @what: what the operation does, completing "it cannot …" (translated)
 * @error: SN_PROFILE_ERROR_LEVEL when @self is below @needed
 *
 * The check every service entry point that changes or copies production
 * data makes before it touches anything: the GUI hiding a control is never
 * the gate.
 */
gboolean
sn_profile_check_level (SnProfile      *self,
                        SnSafetyLevel   needed,
                        const char     *what,
                        GError        **error)
{
  SnSafetyLevel level;

  g_return_val_if_fail (SN_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (what != NULL, FALSE);

  level = self->safety_level;
  if (level >= needed)
    return TRUE;

  if (level == SN_SAFETY_LEVEL_READ_ONLY && needed == SN_SAFETY_LEVEL_OPERATOR)
    g_set_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL,
                 /* Translators: the second %s completes "it cannot", e.g. "make a backup (…)" */
                 _("The profile “%s” is read-only: it cannot %s. Use an operator profile."),
                 self->name, what);
  else if (level == SN_SAFETY_LEVEL_READ_ONLY)
    g_set_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL,
                 /* Translators: the second %s completes "it cannot", e.g. "make a backup (…)" */
                 _("The profile “%s” is read-only: it cannot %s. Use an admin profile."),
                 self->name, what);
  else
    g_set_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL,
                 /* Translators: the second %s completes "it cannot", e.g. "make a backup (…)" */
                 _("The profile “%s” is an operator profile: it cannot %s. Use an admin profile."),
                 self->name, what);
  return FALSE;
}

/* The roles that own the app's data: POSTGRES_USER of the db container
 * (configure-env.sh's default, also the profile's default db-user) and the
 * cluster's superuser. */
static const char * const owner_roles[] = { DEFAULT_DB_USER, "postgres" };

static gboolean
is_owner_role (const char *role)
{
  if (role == NULL || *role == '\0')
    return TRUE;   /* unset: the default, the owner */

  for (guint i = 0; i < G_N_ELEMENTS (owner_roles); i++)
    if (g_ascii_strcasecmp (role, owner_roles[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * sn_profile_dup_credential_warnings:
 * @self: a #SnProfile
 *
 * A read-only level written in a profile file is only a convenience: what
 * protects the server is that its credentials cannot change anything.
 *
 * Returns: (transfer full): one sentence per credential of a read-only
 *   profile that can change the server; an empty vector otherwise
 */
char **
sn_profile_dup_credential_warnings (SnProfile *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *ssh_user;

  g_return_val_if_fail (SN_IS_PROFILE (self), NULL);

  if (self->safety_level != SN_SAFETY_LEVEL_READ_ONLY)
    return g_strv_builder_end (builder);

  ssh_user = self->ssh_user != NULL && *self->ssh_user != '\0' ? self->ssh_user : DEFAULT_SSH_USER;
  if (g_strcmp0 (ssh_user, "root") == 0)
    g_strv_builder_add (builder,
                        _("This read-only profile logs in to the server over SSH as root, who can "
                          "change anything there. Give it an SSH user and key restricted to the "
                          "database tunnel."));

  if (is_owner_role (self->db_user))
    {
      g_autofree char *warning =
        g_strdup_printf (_("This read-only profile connects to the database as “%s”, a role that "
                           "owns the data and can change or delete it. Give it a role that can only "
                           "read (SELECT)."),
                         self->db_user != NULL && *self->db_user != '\0' ? self->db_user : DEFAULT_DB_USER);

      g_strv_builder_add (builder, warning);
    }

  return g_strv_builder_end (builder);
}

/* Database transport ------------------------------------------------------- */

/**
 * sn_db_sslmode_for_host:
 * @host: where libpq connects
 * @root_cert: (nullable): the CA certificate the server's must chain to
 *
 * The one rule for TLS to PostgreSQL: with a CA certificate, "verify-full"
 * (encrypted, and the server proves its name); else "prefer" on loopback
 * (a tunnel's local end, a local server) and "require" anywhere else, so a
 * man in the middle cannot strip TLS and ask for the password in clear.
 * libpq 15 has no require_auth, so "require" alone does not prove who the
 * server is: set a CA certificate for that.
 *
 * Returns: the libpq sslmode
 */
const char *
sn_db_sslmode_for_host (const char *host,
                        const char *root_cert)
{
  if (root_cert != NULL && *root_cert != '\0')
    return "verify-full";
  if (sn_net_host_is_loopback (host))
    return "prefer";
  return "require";
}

/**
 * sn_profile_get_db_transport:
 * @self: a #SnProfile
 *
 * Returns: how the app reaches the profile's database, for the editor to say
 */
SnDbTransport
sn_profile_get_db_transport (SnProfile *self)
{
  const char *mode;

  g_return_val_if_fail (SN_IS_PROFILE (self), SN_DB_TRANSPORT_TUNNEL);

  if (!self->db_direct)
    return SN_DB_TRANSPORT_TUNNEL;

  mode = sn_db_sslmode_for_host (self->db_host, self->db_ssl_root_cert);
  if (g_str_equal (mode, "verify-full"))
    return SN_DB_TRANSPORT_TLS_VERIFIED;
  if (g_str_equal (mode, "require"))
    return SN_DB_TRANSPORT_TLS_REQUIRED;
  return SN_DB_TRANSPORT_LOCAL;
}

/**
 * sn_db_transport_to_description:
 *
 * Returns: one translated line saying how the database connection is protected
 */
const char *
sn_db_transport_to_description (SnDbTransport transport)
{
  switch (transport)
    {
    case SN_DB_TRANSPORT_TUNNEL:
      return _("Through SSH: the connection is encrypted by the SSH tunnel.");
    case SN_DB_TRANSPORT_LOCAL:
      return _("Direct to a local address: TLS if the server offers it (sslmode=prefer).");
    case SN_DB_TRANSPORT_TLS_VERIFIED:
      return _("Direct: TLS required and the server’s certificate checked against the CA "
               "certificate (sslmode=verify-full).");
    case SN_DB_TRANSPORT_TLS_REQUIRED:
    default:
      return _("Direct: TLS required (sslmode=require), but the server’s identity is not "
               "checked. Set a CA certificate to check it.");
    }
}
