/* sn-maintenance-env.c: the environment audit (variables, ports, paths)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <string.h>
#include <yaml.h>

#include <glib/gi18n-lib.h>

#include "sn-await.h"
#include "sn-maintenance-env.h"
#include "sn-maintenance-secrets-private.h"

/*
 * What the runbook's annexes A (variables), B (ports) and C (paths) say,
 * checked against the host, with target-system.md §6 and §10 where the
 * runbook is wrong. Variables: by name only, never a value: the host prints
 * "set" or "empty" for each name of the env file and of the running app
 * container, and the compose file (read over SFTP, parsed here with libyaml)
 * says which names compose passes to the app.
 */

#define COMMAND_TIMEOUT_MS 60000
#define APP_SERVICE        "app"

/* Items -------------------------------------------------------------------- */

struct _SnEnvItem
{
  GObject        parent_instance;

  char          *name;
  char          *expected;
  char          *actual;
  char          *impact;
  SnEnvState     state;
  SnEnvPresence  in_file;
  SnEnvPresence  in_container;
  gboolean       passed;
};

enum
{
  PROP_0,
  PROP_NAME,
  PROP_STATE_LABEL,
  PROP_IN_FILE,
  PROP_IN_CONTAINER,
  PROP_EXPECTED,
  PROP_ACTUAL,
  PROP_IMPACT,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SnEnvItem, sn_env_item, G_TYPE_OBJECT)

static void
sn_env_item_finalize (GObject *object)
{
  SnEnvItem *self = SN_ENV_ITEM (object);

  g_free (self->name);
  g_free (self->expected);
  g_free (self->actual);
  g_free (self->impact);
  G_OBJECT_CLASS (sn_env_item_parent_class)->finalize (object);
}

static void
sn_env_item_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SnEnvItem *self = SN_ENV_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, sn_env_state_to_label (self->state));
      break;
    case PROP_IN_FILE:
      g_value_set_string (value, sn_env_presence_to_label (self->in_file));
      break;
    case PROP_IN_CONTAINER:
      g_value_set_string (value, sn_env_presence_to_label (self->in_container));
      break;
    case PROP_EXPECTED:
      g_value_set_string (value, self->expected);
      break;
    case PROP_ACTUAL:
      g_value_set_string (value, self->actual);
      break;
    case PROP_IMPACT:
      g_value_set_string (value, self->impact);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_env_item_class_init (SnEnvItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_env_item_finalize;
  object_class->get_property = sn_env_item_get_property;

  /* Read-only properties, for the GUI's column view bindings. */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IN_FILE] = g_param_spec_string ("in-file", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IN_CONTAINER] = g_param_spec_string ("in-container", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPECTED] = g_param_spec_string ("expected", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTUAL] = g_param_spec_string ("actual", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMPACT] = g_param_spec_string ("impact", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, SN_ENV_STATE_UNKNOWN, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_env_item_init (SnEnvItem *self)
{
  self->in_file = SN_ENV_PRESENCE_UNKNOWN;
  self->in_container = SN_ENV_PRESENCE_UNKNOWN;
}

static SnEnvItem *
item_new (const char *name,
          SnEnvState  state,
          const char *expected,
          const char *actual,
          const char *impact)
{
  SnEnvItem *self = g_object_new (SN_TYPE_ENV_ITEM, NULL);

  self->name = g_strdup (name);
  self->state = state;
  self->expected = g_strdup (expected);
  self->actual = g_strdup (actual);
  self->impact = g_strdup (impact);
  return self;
}

const char *
sn_env_item_get_name (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), NULL);
  return self->name;
}

SnEnvState
sn_env_item_get_state (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), SN_ENV_STATE_UNKNOWN);
  return self->state;
}

const char *
sn_env_item_get_state_label (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), NULL);
  return sn_env_state_to_label (self->state);
}

SnEnvPresence
sn_env_item_get_in_file (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), SN_ENV_PRESENCE_UNKNOWN);
  return self->in_file;
}

SnEnvPresence
sn_env_item_get_in_container (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), SN_ENV_PRESENCE_UNKNOWN);
  return self->in_container;
}

gboolean
sn_env_item_get_passed (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), FALSE);
  return self->passed;
}

const char *
sn_env_item_get_expected (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), NULL);
  return self->expected;
}

const char *
sn_env_item_get_actual (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), NULL);
  return self->actual;
}

const char *
sn_env_item_get_impact (SnEnvItem *self)
{
  g_return_val_if_fail (SN_IS_ENV_ITEM (self), NULL);
  return self->impact;
}

const char *
sn_env_state_to_label (SnEnvState state)
{
  switch (state)
    {
    case SN_ENV_STATE_OK:
      return _("OK");
    case SN_ENV_STATE_MISSING:
      return _("Missing");
    case SN_ENV_STATE_NOT_PASSED:
      return _("Not passed by compose");
    case SN_ENV_STATE_WARNING:
      return _("Differs from the runbook");
    case SN_ENV_STATE_ABSENT:
      return _("Absent");
    case SN_ENV_STATE_UNKNOWN:
    default:
      return _("Unknown");
    }
}

const char *
sn_env_state_to_nick (SnEnvState state)
{
  static const char * const nicks[] = { "ok", "missing", "not-passed", "warning", "absent", "unknown" };

  return state <= SN_ENV_STATE_UNKNOWN ? nicks[state] : "unknown";
}

const char *
sn_env_presence_to_label (SnEnvPresence presence)
{
  switch (presence)
    {
    case SN_ENV_PRESENCE_SET:
      return _("set");
    case SN_ENV_PRESENCE_EMPTY:
      return _("empty");
    case SN_ENV_PRESENCE_ABSENT:
      return _("absent");
    case SN_ENV_PRESENCE_UNKNOWN:
    default:
      return _("unknown");
    }
}

const char *
sn_env_presence_to_nick (SnEnvPresence presence)
{
  static const char * const nicks[] = { "absent", "empty", "set", "unknown" };

  return presence <= SN_ENV_PRESENCE_UNKNOWN ? nicks[presence] : "unknown";
}

/* The audit ------------------------------------------------------------------ */

struct _SnEnvAudit
{
  GObject      parent_instance;

  GListStore  *variables;
  GListStore  *ports;
  GListStore  *paths;
  gboolean     container_reachable;
};

G_DEFINE_FINAL_TYPE (SnEnvAudit, sn_env_audit, G_TYPE_OBJECT)

static void
sn_env_audit_finalize (GObject *object)
{
  SnEnvAudit *self = SN_ENV_AUDIT (object);

  g_clear_object (&self->variables);
  g_clear_object (&self->ports);
  g_clear_object (&self->paths);
  G_OBJECT_CLASS (sn_env_audit_parent_class)->finalize (object);
}

static void
sn_env_audit_class_init (SnEnvAuditClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_env_audit_finalize;
}

static void
sn_env_audit_init (SnEnvAudit *self)
{
  self->variables = g_list_store_new (SN_TYPE_ENV_ITEM);
  self->ports = g_list_store_new (SN_TYPE_ENV_ITEM);
  self->paths = g_list_store_new (SN_TYPE_ENV_ITEM);
}

GListModel *
sn_env_audit_get_variables (SnEnvAudit *self)
{
  g_return_val_if_fail (SN_IS_ENV_AUDIT (self), NULL);
  return G_LIST_MODEL (self->variables);
}

GListModel *
sn_env_audit_get_ports (SnEnvAudit *self)
{
  g_return_val_if_fail (SN_IS_ENV_AUDIT (self), NULL);
  return G_LIST_MODEL (self->ports);
}

GListModel *
sn_env_audit_get_paths (SnEnvAudit *self)
{
  g_return_val_if_fail (SN_IS_ENV_AUDIT (self), NULL);
  return G_LIST_MODEL (self->paths);
}

gboolean
sn_env_audit_get_container_reachable (SnEnvAudit *self)
{
  g_return_val_if_fail (SN_IS_ENV_AUDIT (self), FALSE);
  return self->container_reachable;
}

SnEnvState
sn_env_audit_get_state (SnEnvAudit *self)
{
  GListModel *model;
  SnEnvState worst = SN_ENV_STATE_OK;

  g_return_val_if_fail (SN_IS_ENV_AUDIT (self), SN_ENV_STATE_UNKNOWN);

  model = G_LIST_MODEL (self->variables);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnEnvItem) item = g_list_model_get_item (model, i);

      if (item->state == SN_ENV_STATE_MISSING)
        return SN_ENV_STATE_MISSING;
      if (item->state != SN_ENV_STATE_OK && worst == SN_ENV_STATE_OK)
        worst = item->state;
    }
  return worst;
}

/* The compose file ----------------------------------------------------------- */

static yaml_node_t *
mapping_get (yaml_document_t *document,
             yaml_node_t     *mapping,
             const char      *key)
{
  if (mapping == NULL || mapping->type != YAML_MAPPING_NODE)
    return NULL;

  for (yaml_node_pair_t *pair = mapping->data.mapping.pairs.start; pair < mapping->data.mapping.pairs.top; pair++)
    {
      yaml_node_t *k = yaml_document_get_node (document, pair->key);

      if (k != NULL && k->type == YAML_SCALAR_NODE && g_str_equal ((const char *) k->data.scalar.value, key))
        return yaml_document_get_node (document, pair->value);
    }

  return NULL;
}

/* ${NAME}, ${NAME:-x}, ${NAME?err}, $NAME; "$$" is a literal dollar. */
static void
add_interpolations (GHashTable *names,
                    const char *text)
{
  for (const char *p = text; (p = strchr (p, '$')) != NULL;)
    {
      const char *start;

      if (p[1] == '$')
        {
          p += 2;
          continue;
        }
      start = p[1] == '{' ? p + 2 : p + 1;
      p = start;
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      if (p > start && (g_ascii_isalpha (*start) || *start == '_'))
        g_hash_table_add (names, g_strndup (start, p - start));
    }
}

static void
collect_scalars (yaml_document_t *document,
                 yaml_node_t     *node,
                 GHashTable      *names,
                 guint            depth)
{
  if (node == NULL || depth > 64)
    return;

  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      add_interpolations (names, (const char *) node->data.scalar.value);
      break;
    case YAML_SEQUENCE_NODE:
      for (yaml_node_item_t *i = node->data.sequence.items.start; i < node->data.sequence.items.top; i++)
        collect_scalars (document, yaml_document_get_node (document, *i), names, depth + 1);
      break;
    case YAML_MAPPING_NODE:
      for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++)
        collect_scalars (document, yaml_document_get_node (document, pair->value), names, depth + 1);
      break;
    case YAML_NO_NODE:
    default:
      break;
    }
}

/* `environment:` as a mapping (NAME: value) or a list ("NAME=value", "NAME"). */
static void
collect_environment_keys (yaml_document_t *document,
                          yaml_node_t     *environment,
                          GHashTable      *names)
{
  if (environment == NULL)
    return;

  if (environment->type == YAML_MAPPING_NODE)
    {
      for (yaml_node_pair_t *pair = environment->data.mapping.pairs.start;
           pair < environment->data.mapping.pairs.top; pair++)
        {
          yaml_node_t *key = yaml_document_get_node (document, pair->key);

          if (key != NULL && key->type == YAML_SCALAR_NODE)
            g_hash_table_add (names, g_strdup ((const char *) key->data.scalar.value));
        }
    }
  else if (environment->type == YAML_SEQUENCE_NODE)
    {
      for (yaml_node_item_t *i = environment->data.sequence.items.start; i < environment->data.sequence.items.top; i++)
        {
          yaml_node_t *entry = yaml_document_get_node (document, *i);
          const char *text;

          if (entry == NULL || entry->type != YAML_SCALAR_NODE)
            continue;
          text = (const char *) entry->data.scalar.value;
          g_hash_table_add (names, g_strndup (text, strcspn (text, "=")));
        }
    }
}

gboolean
sn_maintenance_env_parse_compose (const char  *yaml,
                                  const char  *service,
                                  GHashTable **passed,
                                  GHashTable **interpolated,
                                  GError     **error)
{
  yaml_parser_t parser;
  yaml_document_t document;
  yaml_node_t *root;
  yaml_node_t *node;
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = TRUE;

  g_return_val_if_fail (yaml != NULL && service != NULL, FALSE);

  if (!yaml_parser_initialize (&parser))
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE, _("Out of memory reading the compose file."));
      return FALSE;
    }
  yaml_parser_set_input_string (&parser, (const unsigned char *) yaml, strlen (yaml));
  if (!yaml_parser_load (&parser, &document))
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("docker-compose.yml is not valid YAML (line %zu: %s): fix it on the server; compose "
                     "itself refuses it."),
                   parser.problem_mark.line + 1, parser.problem != NULL ? parser.problem : _("unknown error"));
      yaml_parser_delete (&parser);
      return FALSE;
    }

  root = yaml_document_get_root_node (&document);
  node = mapping_get (&document, mapping_get (&document, root, "services"), service);
  if (node == NULL)
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("docker-compose.yml has no service “%s” under “services:”."), service);
      ok = FALSE;
    }
  else
    {
      collect_environment_keys (&document, mapping_get (&document, node, "environment"), keys);
      collect_scalars (&document, root, names, 0);
    }

  yaml_document_delete (&document);
  yaml_parser_delete (&parser);

  if (ok && passed != NULL)
    *passed = g_steal_pointer (&keys);
  if (ok && interpolated != NULL)
    *interpolated = g_steal_pointer (&names);
  return ok;
}

/* Variables ------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *expected;    /* what the runbook says, N_() */
  const char *impact;      /* what breaks without it, N_() */
  gboolean    container;   /* the app container needs it (else only the file, for compose) */
  gboolean    secret;      /* S in target-system.md §6: rotating it is sn-maintenance-secret-steps.c's */
} Critical;

/* Annex A of the runbook and the critical variables of target-system.md §6.1. */
static const Critical criticals[] = {
  { "DATABASE_URL", N_("Annex A: critical"),
    N_("The app does not start: every page and API needs the database, and the health check answers 503. "
       "Compose builds it from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB."), TRUE, TRUE },
  { "NEXTAUTH_SECRET", N_("Annex A: critical"),
    N_("Nobody can sign in; cancel links and QR codes fall back to the key “changeme” and mobile tokens to "
       "“fallback-secret”, which anyone can forge."), TRUE, TRUE },
  { "NEXTAUTH_URL", N_("§6.1: critical"), N_("Sign-in redirects and the links in e-mails point to the wrong address."),
    TRUE },
  { "STRIPE_SECRET_KEY", N_("Annex A: critical"), N_("Card payments are impossible."), TRUE, TRUE },
  { "STRIPE_WEBHOOK_SECRET", N_("§6.1: critical for payments"),
    N_("Stripe’s payment confirmations are refused: paid bookings stay pending."), TRUE, TRUE },
  { "STORAGE_ACCESS_KEY", N_("Annex A names MINIO_ACCESS_KEY, which the app never reads"),
    N_("Documents and uploads fail (“Missing storage configuration”)."), TRUE },
  { "STORAGE_SECRET_KEY", N_("§6.1: critical for documents"),
    N_("Documents and uploads fail (“Missing storage configuration”)."), TRUE, TRUE },
  { "STORAGE_BUCKET", N_("§6.1: critical for documents"),
    N_("Documents and uploads fail (“Missing storage configuration”)."), TRUE },
  { "SMTP_HOST", N_("§6.1: critical for mail"), N_("No e-mail is sent (confirmations, cancel links): the mailer fails."),
    TRUE },
  { "SMTP_USER", N_("§6.1: critical for mail"), N_("No e-mail is sent (confirmations, cancel links): the mailer fails."),
    TRUE },
  { "SMTP_PASS", N_("§6.1: critical for mail"), N_("No e-mail is sent (confirmations, cancel links): the mailer fails."),
    TRUE, TRUE },
  { "MONITORING_API_KEY", N_("§6.1: needed by this console"),
    N_("The detailed health check and the metrics are refused to this console."), TRUE, TRUE },
  { "POSTGRES_PASSWORD", N_("§6.3: the db container"),
    N_("The database container does not start and DATABASE_URL has no password."), FALSE, TRUE },
};

/**
 * sn_maintenance_env_critical_secrets:
 *
 * Returns: (transfer full): the critical variables that are secrets
 */
char **
sn_maintenance_env_critical_secrets (void)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  for (guint i = 0; i < G_N_ELEMENTS (criticals); i++)
    if (criticals[i].secret)
      g_strv_builder_add (builder, criticals[i].name);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

/* Read by the code but not passed by compose (§6.2). */
static const char * const read_not_passed[] = {
  "AUTH_SECRET", "RATE_LIMIT_REDIS_URL", "RATE_LIMIT_REDIS_TOKEN", "MINIO_ENDPOINT", "CRON_SECRET",
  "MAINTENANCE_FLEET_SECRET", "LOG_LEVEL", "DISABLE_RECAPTCHA", "PASSWORD_MIN_SCORE", NULL
};

/* Read by the host's scripts and systemd units, not by containers (§6.3). */
static const char * const host_script_variables[] = {
  "GPG_RECIPIENT", "NOTIFY_EMAIL", "SLACK_WEBHOOK", "BACKUP_DIR", "LOG_FILE", "RETENTION_DAYS", "ENV_FILE", NULL
};

static SnEnvPresence
presence_of (GHashTable *table,
             const char *name)
{
  const char *value;

  if (table == NULL)
    return SN_ENV_PRESENCE_UNKNOWN;
  value = g_hash_table_lookup (table, name);
  if (value == NULL)
    return SN_ENV_PRESENCE_ABSENT;
  return g_str_equal (value, "set") ? SN_ENV_PRESENCE_SET : SN_ENV_PRESENCE_EMPTY;
}

static SnEnvItem *
critical_item (const Critical *critical,
               GHashTable     *file,
               GHashTable     *container,
               GHashTable     *passed)
{
  SnEnvItem *item;
  SnEnvPresence in_file = presence_of (file, critical->name);
  SnEnvPresence in_container = critical->container ? presence_of (container, critical->name)
                                                   : SN_ENV_PRESENCE_UNKNOWN;
  gboolean is_passed = passed != NULL && g_hash_table_contains (passed, critical->name);
  SnEnvState state;
  g_autofree char *actual = NULL;

  if (!critical->container)
    state = in_file == SN_ENV_PRESENCE_SET ? SN_ENV_STATE_OK : SN_ENV_STATE_MISSING;
  else if (in_container == SN_ENV_PRESENCE_SET)
    state = SN_ENV_STATE_OK;
  else if (in_container == SN_ENV_PRESENCE_UNKNOWN)
    state = !is_passed || in_file != SN_ENV_PRESENCE_SET ? SN_ENV_STATE_MISSING : SN_ENV_STATE_UNKNOWN;
  else
    state = SN_ENV_STATE_MISSING;

  if (critical->container)
    actual = g_strdup_printf (_("env file: %s; compose: %s; running app: %s"), sn_env_presence_to_label (in_file),
                              is_passed ? _("passed") : _("not passed"), sn_env_presence_to_label (in_container));
  else
    actual = g_strdup_printf (_("env file: %s"), sn_env_presence_to_label (in_file));

  item = item_new (critical->name, state, _(critical->expected), actual, _(critical->impact));
  item->in_file = in_file;
  item->in_container = in_container;
  item->passed = is_passed;
  return item;
}

static gboolean
is_critical (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (criticals); i++)
    if (g_str_equal (criticals[i].name, name))
      return TRUE;
  return FALSE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
add_variables (SnEnvAudit *self,
               GHashTable *file,
               GHashTable *container,
               GHashTable *passed,
               GHashTable *interpolated)
{
  g_autofree const char **names = NULL;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (criticals); i++)
    {
      g_autoptr(SnEnvItem) item = critical_item (&criticals[i], file, container, passed);

      g_list_store_append (self->variables, item);
    }

  /* The runbook's MINIO_ACCESS_KEY: nothing reads it. */
  if (presence_of (file, "MINIO_ACCESS_KEY") == SN_ENV_PRESENCE_SET &&
      presence_of (file, "STORAGE_ACCESS_KEY") != SN_ENV_PRESENCE_SET)
    {
      g_autoptr(SnEnvItem) item = item_new ("MINIO_ACCESS_KEY", SN_ENV_STATE_WARNING, _("Annex A: critical"),
                                            _("set in the env file; the app never reads it"),
                                            _("The runbook is wrong here: the app’s storage key is "
                                              "STORAGE_ACCESS_KEY (with STORAGE_SECRET_KEY). Set those."));
      item->in_file = SN_ENV_PRESENCE_SET;
      g_list_store_append (self->variables, item);
    }

  /* Set in the file, reaching no container. */
  if (file == NULL || interpolated == NULL)
    return;
  names = (const char **) g_hash_table_get_keys_as_array (file, &n);
  qsort (names, n, sizeof (char *), compare_names);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnEnvItem) item = NULL;
      const char *impact;

      if (is_critical (names[i]) || g_hash_table_contains (interpolated, names[i]) ||
          presence_of (file, names[i]) != SN_ENV_PRESENCE_SET)
        continue;
      if (g_strv_contains (host_script_variables, names[i]))
        continue;
      impact = g_strv_contains (read_not_passed, names[i])
               ? _("The app reads it, but compose does not pass it: setting it has no effect until "
                   "docker-compose.yml passes it to the app.")
               : _("No container receives it: compose uses it nowhere.");
      item = item_new (names[i], SN_ENV_STATE_NOT_PASSED, _("set in the env file"),
                       _("env file: set; compose: used nowhere"), impact);
      item->in_file = SN_ENV_PRESENCE_SET;
      item->in_container = presence_of (container, names[i]);
      g_list_store_append (self->variables, item);
    }
}

/* `file NAME set|empty`, `container NAME set|empty`, `container-unreachable`. */
static void
parse_presence (const char  *text,
                GHashTable **file,
                GHashTable **container)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  *file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  *container = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (lines[i], " ", 3);

      if (g_str_equal (lines[i], "container-unreachable"))
        g_clear_pointer (container, g_hash_table_unref);
      else if (g_str_equal (lines[i], "file-unreadable"))
        g_clear_pointer (file, g_hash_table_unref);
      else if (g_strv_length (words) == 3 && (g_str_equal (words[0], "file") || g_str_equal (words[0], "container")))
        {
          GHashTable *table = g_str_equal (words[0], "file") ? *file : *container;

          if (table != NULL)
            g_hash_table_replace (table, g_strdup (words[1]), g_strdup (words[2]));
        }
    }
}

/* Ports (annex B) -------------------------------------------------------------- */

typedef enum
{
  BIND_LOOPBACK,   /* should listen on 127.0.0.1 only */
  BIND_PUBLIC,     /* should listen on every address */
  BIND_NONE,       /* nothing should listen */
  BIND_ANY,
} Bind;

typedef struct
{
  const char *service;
  const char *expected;   /* annex B, N_() */
  const char *actual;     /* target-system §1, N_() */
  guint       ports[2];
  Bind        bind;
} Port;

static const Port ports[] = {
  { "nginx (app)", N_("App: 3000 inside, 443 outside (via nginx)"),
    N_("The app has no host port (3000 only inside Docker); nginx publishes 80 and 443 on every address"),
    { 443, 80 }, BIND_PUBLIC },
  { "PostgreSQL", N_("5432, not exposed"),
    N_("127.0.0.1:5432 (docker-compose.yml) or 127.0.0.1:5433 (docker-compose.db.yml)"), { 5432, 5433 },
    BIND_LOOPBACK },
  { "Redis", N_("6379, not exposed"), N_("No Redis container: the cache is Upstash, over HTTPS"), { 6379, 0 },
    BIND_NONE },
  { "MinIO", N_("9000/9001, not exposed"), N_("127.0.0.1:9000 (S3 API) and 127.0.0.1:9001 (console)"),
    { 9000, 9001 }, BIND_LOOPBACK },
  { "Prometheus", N_("9090, not exposed"), N_("127.0.0.1:9090"), { 9090, 0 }, BIND_LOOPBACK },
  { "Alertmanager", N_("not in the runbook"), N_("127.0.0.1:9093"), { 9093, 0 }, BIND_LOOPBACK },
  { "Grafana", N_("3001, exposed"), N_("127.0.0.1:3001 only: not public"), { 3001, 0 }, BIND_LOOPBACK },
};

static gboolean
is_loopback (const char *address)
{
  return g_str_has_prefix (address, "127.") || g_str_equal (address, "[::1]") || g_str_equal (address, "::1");
}

/* `ss -ltnH`: "LISTEN 0 4096 127.0.0.1:5432 0.0.0.0:*" → port → addresses. */
static GHashTable *
parse_listening (const char *text)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      const char *local;
      const char *colon;
      guint64 port;
      GPtrArray *addresses;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      if (words->len < 4)
        continue;
      local = words->pdata[3];
      if ((colon = strrchr (local, ':')) == NULL ||
          !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
        continue;
      if (!(addresses = g_hash_table_lookup (table, GUINT_TO_POINTER (port))))
        {
          addresses = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (table, GUINT_TO_POINTER (port), addresses);
        }
      g_ptr_array_add (addresses, g_strndup (local, colon - local));
    }

  return g_steal_pointer (&table);
}

static SnEnvItem *
port_item (const char *service,
           const char *expected,
           const char *actual,
           const guint *numbers,
           guint        n_numbers,
           Bind         bind,
           GHashTable  *listening)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  gboolean any = FALSE;
  gboolean exposed = FALSE;
  SnEnvState state;
  g_autofree char *name = NULL;
  g_autofree char *impact = NULL;

  for (guint i = 0; i < n_numbers && numbers[i] != 0; i++)
    {
      GPtrArray *addresses = g_hash_table_lookup (listening, GUINT_TO_POINTER (numbers[i]));

      for (guint j = 0; addresses != NULL && j < addresses->len; j++)
        {
          g_string_append_printf (seen, "%s%s:%u", seen->len > 0 ? ", " : "",
                                  (const char *) addresses->pdata[j], numbers[i]);
          any = TRUE;
          exposed |= !is_loopback (addresses->pdata[j]);
        }
    }

  if (bind == BIND_NONE)
    state = any ? SN_ENV_STATE_WARNING : SN_ENV_STATE_OK;
  else if (!any)
    state = SN_ENV_STATE_ABSENT;
  else if (bind == BIND_LOOPBACK && exposed)
    state = SN_ENV_STATE_WARNING;
  else
    state = SN_ENV_STATE_OK;

  name = numbers[1] != 0 ? g_strdup_printf ("%s %u/%u", service, numbers[0], numbers[1])
                         : g_strdup_printf ("%s %u", service, numbers[0]);
  if (state == SN_ENV_STATE_WARNING && bind == BIND_LOOPBACK)
    impact = g_strdup_printf (_("Listening on %s: reachable from outside unless a firewall stops it (Docker "
                                "bypasses UFW)."), seen->str);
  else if (any)
    impact = g_strdup_printf (_("Listening on %s."), seen->str);
  else
    impact = g_strdup (_("Nothing listens on this port."));
  return item_new (name, state, expected, actual, impact);
}

static void
add_ports (SnEnvAudit *self,
           SnProfile  *profile,
           GHashTable *listening)
{
  guint ssh[2] = { sn_profile_get_ssh_port (profile), 0 };
  g_autofree char *ssh_actual = g_strdup_printf (_("the profile’s port, %u"), ssh[0]);
  g_autoptr(SnEnvItem) ssh_item = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autoptr(SnEnvItem) item = port_item (ports[i].service, _(ports[i].expected), _(ports[i].actual),
                                             ports[i].ports, G_N_ELEMENTS (ports[i].ports), ports[i].bind,
                                             listening);

      g_list_store_append (self->ports, item);
    }

  ssh_item = port_item ("SSH", _("5522 (§10.1; harden-vps.sh defaults to 22)"), ssh_actual, ssh, 2, BIND_ANY,
                        listening);
  g_list_store_append (self->ports, ssh_item);
}

/* Paths (annex C) -------------------------------------------------------------- */

typedef struct
{
  const char *path;       /* relative: under the deploy path */
  const char *expected;   /* annex C, N_() */
  const char *actual;     /* target-system, N_() */
  gboolean    required;
} Place;

static const Place places[] = {
  { "", N_("/opt/sweetnarcisse/: application root"), N_("The profile’s deploy path"), TRUE },
  { ".env", N_(".env: environment variables"),
    N_("Read only by a plain `docker compose`; deploys and the app read .env.production.local"), FALSE },
  { ".env.production.local", N_("not in the runbook"), N_("The env file every deploy uses (mode 600)"), TRUE },
  { "docker-compose.yml", N_("docker-compose.yml: Docker configuration"), N_("The main stack"), TRUE },
  { "nginx/nginx.conf", N_("nginx/: nginx configuration"), N_("Mounted read-only into the nginx container"), FALSE },
  { "monitoring", N_("monitoring/: Prometheus/Grafana"), N_("prometheus.yml, alerts.yml, alertmanager.yml"), FALSE },
  { "scripts", N_("scripts/: operational scripts"), N_("backup-db.sh, test-restore.sh, rotate-secrets.sh"), FALSE },
  { "backups/db", N_("backups/: local backups"),
    N_("backup-db.sh writes here, then deletes its file: usually empty (§7.1)"), FALSE },
  { "backups/secrets", N_("not in the runbook"), N_("rotate-secrets.sh’s backups and .last_rotation"), FALSE },
  { "logs", N_("not in the runbook"), N_("The scripts’ logs (backup-db.log, secret-rotation.log)"), FALSE },
  { "/var/log/sweet-narcisse", N_("/var/log/sweet-narcisse/: application logs"),
    N_("Only cron’s output; the app logs to its container’s stdout"), FALSE },
  { "/var/lib/docker/volumes", N_("/var/lib/docker/volumes/: Docker volumes"),
    N_("Named volumes, sweetnarcisse-postgres among them"), FALSE },
  { "/opt/sweet-narcisse", N_("not in the runbook"),
    N_("The path the cron example and the systemd units use (with a dash): they fail if it is absent"), FALSE },
};

static char *
place_path (SnProfile   *profile,
            const Place *place)
{
  const char *deploy = sn_profile_get_deploy_path (profile);

  if (place->path[0] == '/')
    return g_strdup (place->path);
  return g_build_filename (deploy != NULL && *deploy != '\0' ? deploy : SN_HOST_DEFAULT_DEPLOY_PATH,
                           place->path, NULL);
}

static char *
paths_command (SnProfile *profile)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    g_ptr_array_add (paths, place_path (profile, &places[i]));
  g_ptr_array_add (paths, NULL);
  return sn_host_command_paths_exist ((const char * const *) paths->pdata);
}

static void
add_paths (SnEnvAudit *self,
           SnProfile  *profile,
           const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autofree char *path = place_path (profile, &places[i]);
      g_autofree char *yes = g_strdup_printf ("yes %s", path);
      gboolean exists = g_strv_contains ((const char * const *) lines, yes);
      g_autoptr(SnEnvItem) item = NULL;
      SnEnvState state;

      if (exists)
        state = SN_ENV_STATE_OK;
      else
        state = places[i].required ? SN_ENV_STATE_MISSING : SN_ENV_STATE_ABSENT;
      item = item_new (path, state, _(places[i].expected), _(places[i].actual),
                       exists ? _("exists") : _("does not exist"));
      g_list_store_append (self->paths, item);
    }
}

/* The check -------------------------------------------------------------------- */

static char *
read_compose (SnHost        *host,
              SnProfile     *profile,
              GCancellable  *cancellable,
              GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  const char *deploy = sn_profile_get_deploy_path (profile);
  g_autofree char *path = g_build_filename (deploy != NULL && *deploy != '\0' ? deploy : SN_HOST_DEFAULT_DEPLOY_PATH,
                                            "docker-compose.yml", NULL);
  g_autoptr(GBytes) bytes = NULL;

  sn_await_push_private (&await);
  sn_host_read_file_async (host, path, cancellable, sn_await_callback, &await);
  if (!(bytes = sn_host_read_file_finish (host, sn_await_result (&await), error)))
    return NULL;
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

SnEnvAudit *
sn_maintenance_env_check_sync (SnHost        *host,
                               SnProfile     *profile,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(SnEnvAudit) self = NULL;
  g_autofree char *presence_command = NULL;
  g_autofree char *presence = NULL;
  g_autofree char *compose = NULL;
  g_autofree char *listening_command = sn_host_command_listening_ports ();
  g_autofree char *listening_text = NULL;
  g_autofree char *paths_text = NULL;
  g_autofree char *paths = NULL;
  g_autoptr(GHashTable) file = NULL;
  g_autoptr(GHashTable) container = NULL;
  g_autoptr(GHashTable) passed = NULL;
  g_autoptr(GHashTable) interpolated = NULL;
  g_autoptr(GHashTable) listening = NULL;

  g_return_val_if_fail (SN_IS_HOST (host), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  presence_command = sn_host_command_env_presence (profile, APP_SERVICE);
  paths = paths_command (profile);
  if (!(presence = _sn_maintenance_run (host, "maintenance.env.presence", _("Listing the variables (names only)"),
                                        presence_command, COMMAND_TIMEOUT_MS, cancellable, error)) ||
      !(compose = read_compose (host, profile, cancellable, error)) ||
      !sn_maintenance_env_parse_compose (compose, APP_SERVICE, &passed, &interpolated, error) ||
      !(listening_text = _sn_maintenance_run (host, "maintenance.env.ports", _("Listing the listening ports"),
                                              listening_command, COMMAND_TIMEOUT_MS, cancellable, error)) ||
      !(paths_text = _sn_maintenance_run (host, "maintenance.env.paths", _("Checking the paths"), paths,
                                          COMMAND_TIMEOUT_MS, cancellable, error)))
    return NULL;

  self = g_object_new (SN_TYPE_ENV_AUDIT, NULL);
  parse_presence (presence, &file, &container);
  self->container_reachable = container != NULL;
  add_variables (self, file, container, passed, interpolated);
  listening = parse_listening (listening_text);
  add_ports (self, profile, listening);
  add_paths (self, profile, paths_text);
  return g_steal_pointer (&self);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  SnEnvAudit *audit = sn_maintenance_env_check_sync (source_object, task_data, cancellable, &error);

  if (audit == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, audit, g_object_unref);
}

void
sn_maintenance_env_check_async (SnHost              *host,
                                SnProfile           *profile,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_HOST (host));
  g_return_if_fail (SN_IS_PROFILE (profile));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_env_check_async);
  g_task_set_task_data (task, g_object_ref (profile), g_object_unref);
  g_task_run_in_thread (task, check_thread);
}

SnEnvAudit *
sn_maintenance_env_check_finish (SnHost        *host,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_env_check_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
