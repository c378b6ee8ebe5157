/* sn-maintenance-audit.c: npm audit of the app's dependencies
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * npm 7+ `npm audit --json` (auditReportVersion 2): "vulnerabilities" maps a
 * package name to {name, severity, isDirect, via, effects, range, nodes,
 * fixAvailable}; "via" holds advisory objects ({source, name, dependency,
 * title, url, severity, range}) or, for a package vulnerable only through
 * another, that package's name; "fixAvailable" is true, false or {name,
 * version, isSemVerMajor}; "metadata.vulnerabilities" has the totals. npm
 * exits with status 1 when it found vulnerabilities.
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sn-maintenance-audit.h"

#define AUDIT_TIMEOUT_MS (5 * 60 * 1000)

G_DEFINE_QUARK (sn-maintenance-audit-error-quark, sn_maintenance_audit_error)

static const char * const severity_names[SN_AUDIT_SEVERITY_COUNT] = {
  "info", "low", "moderate", "high", "critical",
};

gboolean
sn_audit_severity_from_string (const char *text,
                         SnAuditSeverity *severity)
{
  for (guint i = 0; i < SN_AUDIT_SEVERITY_COUNT; i++)
    if (g_strcmp0 (text, severity_names[i]) == 0)
      {
        *severity = i;
        return TRUE;
      }
  return FALSE;
}

const char *
sn_audit_severity_to_string (SnAuditSeverity severity)
{
  return severity < SN_AUDIT_SEVERITY_COUNT ? severity_names[severity] : "";
}

const char *
sn_audit_severity_to_label (SnAuditSeverity severity)
{
  switch (severity)
    {
    case SN_AUDIT_SEVERITY_INFO: return C_("severity", "Info");
    case SN_AUDIT_SEVERITY_LOW: return C_("severity", "Low");
    case SN_AUDIT_SEVERITY_MODERATE: return C_("severity", "Moderate");
    case SN_AUDIT_SEVERITY_HIGH: return C_("severity", "High");
    case SN_AUDIT_SEVERITY_CRITICAL: return C_("severity", "Critical");
    default: return "";
    }
}

/* SnVulnerability -------------------------------------------------------- */

struct _SnVulnerability
{
  GObject     parent_instance;
  char       *name;
  char       *range;
  char       *title;
  char       *url;
  char       *fix;
  SnAuditSeverity  severity;
  guint       direct : 1;
  guint       fixable : 1;
};

G_DEFINE_FINAL_TYPE (SnVulnerability, sn_vulnerability, G_TYPE_OBJECT)

enum {
  VULN_PROP_0,
  VULN_PROP_NAME,
  VULN_PROP_SEVERITY,
  VULN_PROP_SEVERITY_LABEL,
  VULN_PROP_RANGE,
  VULN_PROP_TITLE,
  VULN_PROP_URL,
  VULN_PROP_FIX,
  VULN_PROP_DIRECT,
  VULN_PROP_DIRECT_LABEL,
  VULN_N_PROPS
};

static GParamSpec *vuln_properties[VULN_N_PROPS];

static void
sn_vulnerability_finalize (GObject *object)
{
  SnVulnerability *self = SN_VULNERABILITY (object);

  g_free (self->name);
  g_free (self->range);
  g_free (self->title);
  g_free (self->url);
  g_free (self->fix);
  G_OBJECT_CLASS (sn_vulnerability_parent_class)->finalize (object);
}

static void
sn_vulnerability_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnVulnerability *self = SN_VULNERABILITY (object);

  switch (prop_id)
    {
    case VULN_PROP_NAME: g_value_set_string (value, self->name); break;
    case VULN_PROP_SEVERITY: g_value_set_int (value, self->severity); break;
    case VULN_PROP_SEVERITY_LABEL: g_value_set_string (value, sn_audit_severity_to_label (self->severity)); break;
    case VULN_PROP_RANGE: g_value_set_string (value, self->range); break;
    case VULN_PROP_TITLE: g_value_set_string (value, self->title); break;
    case VULN_PROP_URL: g_value_set_string (value, self->url); break;
    case VULN_PROP_FIX: g_value_set_string (value, self->fix); break;
    case VULN_PROP_DIRECT: g_value_set_boolean (value, self->direct); break;
    case VULN_PROP_DIRECT_LABEL:
      g_value_set_string (value, self->direct ? _("Direct") : _("Transitive"));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_vulnerability_class_init (SnVulnerabilityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_vulnerability_finalize;
  object_class->get_property = sn_vulnerability_get_property;

  vuln_properties[VULN_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  vuln_properties[VULN_PROP_SEVERITY] = g_param_spec_int ("severity", NULL, NULL, 0, SN_AUDIT_SEVERITY_CRITICAL, 0, flags);
  vuln_properties[VULN_PROP_SEVERITY_LABEL] = g_param_spec_string ("severity-label", NULL, NULL, NULL, flags);
  vuln_properties[VULN_PROP_RANGE] = g_param_spec_string ("range", NULL, NULL, NULL, flags);
  vuln_properties[VULN_PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  vuln_properties[VULN_PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  vuln_properties[VULN_PROP_FIX] = g_param_spec_string ("fix", NULL, NULL, NULL, flags);
  vuln_properties[VULN_PROP_DIRECT] = g_param_spec_boolean ("direct", NULL, NULL, FALSE, flags);
  vuln_properties[VULN_PROP_DIRECT_LABEL] = g_param_spec_string ("direct-label", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, VULN_N_PROPS, vuln_properties);
}

static void
sn_vulnerability_init (SnVulnerability *self)
{
}

const char *sn_vulnerability_get_name (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), NULL); return self->name; }
SnAuditSeverity sn_vulnerability_get_severity (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), 0); return self->severity; }
const char *sn_vulnerability_get_range (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), NULL); return self->range; }
const char *sn_vulnerability_get_title (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), NULL); return self->title; }
const char *sn_vulnerability_get_url (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), NULL); return self->url; }
const char *sn_vulnerability_get_fix (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), NULL); return self->fix; }
gboolean sn_vulnerability_get_fixable (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), FALSE); return self->fixable; }
gboolean sn_vulnerability_get_direct (SnVulnerability *self) { g_return_val_if_fail (SN_IS_VULNERABILITY (self), FALSE); return self->direct; }

/* SnDependencyAudit ------------------------------------------------------ */

struct _SnDependencyAudit
{
  GObject     parent_instance;
  GListStore *vulnerabilities;
  guint       counts[SN_AUDIT_SEVERITY_COUNT];
  guint       total;
  guint       dependencies;
};

G_DEFINE_FINAL_TYPE (SnDependencyAudit, sn_dependency_audit, G_TYPE_OBJECT)

static void
sn_dependency_audit_finalize (GObject *object)
{
  g_clear_object (&SN_DEPENDENCY_AUDIT (object)->vulnerabilities);
  G_OBJECT_CLASS (sn_dependency_audit_parent_class)->finalize (object);
}

static void
sn_dependency_audit_class_init (SnDependencyAuditClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_dependency_audit_finalize;
}

static void
sn_dependency_audit_init (SnDependencyAudit *self)
{
  self->vulnerabilities = g_list_store_new (SN_TYPE_VULNERABILITY);
}

GListModel *
sn_dependency_audit_get_vulnerabilities (SnDependencyAudit *self)
{
  g_return_val_if_fail (SN_IS_DEPENDENCY_AUDIT (self), NULL);
  return G_LIST_MODEL (self->vulnerabilities);
}

guint
sn_dependency_audit_get_count (SnDependencyAudit *self,
                               SnAuditSeverity         severity)
{
  g_return_val_if_fail (SN_IS_DEPENDENCY_AUDIT (self), 0);
  return severity < SN_AUDIT_SEVERITY_COUNT ? self->counts[severity] : 0;
}

guint
sn_dependency_audit_get_total (SnDependencyAudit *self)
{
  g_return_val_if_fail (SN_IS_DEPENDENCY_AUDIT (self), 0);
  return self->total;
}

guint
sn_dependency_audit_get_dependencies (SnDependencyAudit *self)
{
  g_return_val_if_fail (SN_IS_DEPENDENCY_AUDIT (self), 0);
  return self->dependencies;
}

gboolean
sn_dependency_audit_is_serious (SnDependencyAudit *self)
{
  g_return_val_if_fail (SN_IS_DEPENDENCY_AUDIT (self), FALSE);
  return self->counts[SN_AUDIT_SEVERITY_HIGH] + self->counts[SN_AUDIT_SEVERITY_CRITICAL] > 0;
}

char *
sn_dependency_audit_dup_summary (SnDependencyAudit *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (SN_IS_DEPENDENCY_AUDIT (self), NULL);

  if (self->total == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "No known vulnerability in %u dependency",
                                         "No known vulnerability in %u dependencies", self->dependencies),
                            self->dependencies);
  for (int i = SN_AUDIT_SEVERITY_CRITICAL; i >= SN_AUDIT_SEVERITY_INFO; i--)
    {
      g_autofree char *word = NULL;

      if (self->counts[i] == 0)
        continue;
      word = g_utf8_strdown (sn_audit_severity_to_label (i), -1);
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a count and a severity, "2 critical" */
      g_string_append_printf (text, C_("audit-count", "%u %s"), self->counts[i], word);
    }
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " in %u dependency", " in %u dependencies",
                                             self->dependencies), self->dependencies);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Parsing ---------------------------------------------------------------- */

static const char *
str_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static guint
uint_member (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         ? (guint) CLAMP (json_node_get_int (node), 0, G_MAXUINT) : 0;
}

static JsonObject *
obj_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
parse_via (SnVulnerability *vuln,
           JsonArray       *via)
{
  g_autoptr(GString) through = g_string_new (NULL);

  for (guint i = 0; via != NULL && i < json_array_get_length (via); i++)
    {
      JsonNode *node = json_array_get_element (via, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && vuln->title == NULL)
        {
          JsonObject *advisory = json_node_get_object (node);

          vuln->title = g_strdup (str_member (advisory, "title"));
          vuln->url = g_strdup (str_member (advisory, "url"));
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (through, "%s%s", through->len > 0 ? ", " : "", json_node_get_string (node));
    }
  if (vuln->title == NULL)
    vuln->title = through->len > 0 ? g_strdup_printf (_("Through %s"), through->str) : g_strdup ("");
  if (vuln->url == NULL)
    vuln->url = g_strdup ("");
}

static void
parse_fix (SnVulnerability *vuln,
           JsonNode        *node)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *fix = json_node_get_object (node);
      JsonNode *major = json_object_get_member (fix, "isSemVerMajor");
      gboolean is_major = major != NULL && JSON_NODE_HOLDS_VALUE (major) && json_node_get_boolean (major);

      vuln->fixable = TRUE;
      vuln->fix = is_major ? g_strdup_printf (_("%s@%s (major update)"), str_member (fix, "name"),
                                              str_member (fix, "version"))
                           : g_strdup_printf ("%s@%s", str_member (fix, "name"), str_member (fix, "version"));
    }
  else if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
           json_node_get_boolean (node))
    {
      vuln->fixable = TRUE;
      vuln->fix = g_strdup (_("npm audit fix"));
    }
  else
    vuln->fix = g_strdup (_("No fix"));
}

static int
by_severity (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const SnVulnerability *va = a, *vb = b;

  if (va->severity != vb->severity)
    return (int) vb->severity - (int) va->severity;
  return g_strcmp0 (va->name, vb->name);
}

/**
 * sn_maintenance_parse_npm_audit:
 * @json: the output of `npm audit --json` (npm 7 or newer)
 *
 * Returns: (transfer full): the report, or %NULL with @error (npm's own
 *   error, such as a missing lock file, or output that is not a report)
 */
SnDependencyAudit *
sn_maintenance_parse_npm_audit (const char  *json,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SnDependencyAudit) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root, *vulns, *npm_error, *metadata;
  g_autoptr(GList) names = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  /* Empty output parses to no root at all. */
  if (!json_parser_load_from_data (parser, json, -1, &local_error) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_PARSE,
                   _("npm audit did not print a JSON report (%s); is npm 7 or newer in the app image?"),
                   local_error != NULL ? local_error->message : _("not an object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if ((npm_error = obj_member (root, "error")) != NULL)
    {
      g_set_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_FAILED,
                   _("npm audit failed: %s (%s)"),
                   str_member (npm_error, "summary") != NULL ? str_member (npm_error, "summary") : _("no message"),
                   str_member (npm_error, "code") != NULL ? str_member (npm_error, "code") : "?");
      return NULL;
    }
  if (uint_member (root, "auditReportVersion") < 2 || (vulns = obj_member (root, "vulnerabilities")) == NULL)
    {
      g_set_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_PARSE,
                   _("npm audit printed an older report format (npm 6 or before): update npm in the app image."));
      return NULL;
    }

  self = g_object_new (SN_TYPE_DEPENDENCY_AUDIT, NULL);
  names = json_object_get_members (vulns);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *entry = obj_member (vulns, l->data);
      g_autoptr(SnVulnerability) vuln = NULL;
      JsonNode *via, *direct;
      SnAuditSeverity severity = SN_AUDIT_SEVERITY_INFO;

      if (entry == NULL || !sn_audit_severity_from_string (str_member (entry, "severity"), &severity))
        continue;
      vuln = g_object_new (SN_TYPE_VULNERABILITY, NULL);
      vuln->name = g_strdup (str_member (entry, "name") != NULL ? str_member (entry, "name") : l->data);
      vuln->severity = severity;
      vuln->range = g_strdup (str_member (entry, "range") != NULL ? str_member (entry, "range") : "");
      direct = json_object_get_member (entry, "isDirect");
      vuln->direct = direct != NULL && JSON_NODE_HOLDS_VALUE (direct) &&
                     json_node_get_value_type (direct) == G_TYPE_BOOLEAN && json_node_get_boolean (direct);
      via = json_object_get_member (entry, "via");
      parse_via (vuln, via != NULL && JSON_NODE_HOLDS_ARRAY (via) ? json_node_get_array (via) : NULL);
      parse_fix (vuln, json_object_get_member (entry, "fixAvailable"));
      g_list_store_insert_sorted (self->vulnerabilities, vuln, by_severity, NULL);
    }

  metadata = obj_member (root, "metadata");
  for (guint i = 0; i < SN_AUDIT_SEVERITY_COUNT; i++)
    self->counts[i] = uint_member (obj_member (metadata, "vulnerabilities"), severity_names[i]);
  self->total = uint_member (obj_member (metadata, "vulnerabilities"), "total");
  self->dependencies = uint_member (obj_member (metadata, "dependencies"), "total");
  return g_steal_pointer (&self);
}

/**
 * sn_maintenance_audit_command:
 *
 * Returns: (transfer full): "cd DEPLOY && docker compose … exec -T app npm audit --json"
 */
char *
sn_maintenance_audit_command (SnProfile *profile)
{
  static const char * const argv[] = { "exec", "-T", "app", "npm", "audit", "--json", NULL };

  return sn_host_command_compose (profile, argv);
}

static void
audit_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(SnDependencyAudit) audit = NULL;
  g_autofree char *out = NULL;
  GError *error = NULL;
  int status;

  if (!(exec = sn_host_exec_finish (SN_HOST (source), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  status = sn_ssh_exec_result_get_exit_status (exec);
  out = sn_ssh_exec_result_dup_stdout_text (exec);
  /* 1 is "vulnerabilities found"; npm's own errors come as JSON too. */
  if (status != 0 && status != 1 && (out == NULL || *g_strstrip (out) != '{'))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);

      g_task_return_new_error (task, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_FAILED,
                               _("npm audit could not run in the app container (exit status %d): %s"), status,
                               err != NULL && *g_strstrip (err) != '\0' ? err : _("no message"));
      return;
    }
  if (!(audit = sn_maintenance_parse_npm_audit (out != NULL ? out : "", &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&audit), g_object_unref);
}

void
sn_maintenance_audit_async (SnHost              *host,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_audit_async);
  command = sn_maintenance_audit_command (sn_ssh_session_get_profile (sn_host_get_session (host)));
  sn_host_exec_async (host, "maintenance.npm-audit", command, NULL, AUDIT_TIMEOUT_MS, NULL, NULL, NULL,
                      cancellable, audit_done, g_steal_pointer (&task));
}

SnDependencyAudit *
sn_maintenance_audit_finish (SnHost        *host,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_audit_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
