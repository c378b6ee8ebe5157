/* sn-ctl-maintenance-audit.c: narcisse-ctl maintenance audit
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include "sn-ctl.h"

static void
print_json (SnDependencyAudit *audit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GListModel *vulns = sn_dependency_audit_get_vulnerabilities (audit);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vulnerabilities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (vulns); i++)
    {
      g_autoptr(SnVulnerability) v = g_list_model_get_item (vulns, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "package");
      json_builder_add_string_value (builder, sn_vulnerability_get_name (v));
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, sn_audit_severity_to_string (sn_vulnerability_get_severity (v)));
      json_builder_set_member_name (builder, "range");
      json_builder_add_string_value (builder, sn_vulnerability_get_range (v));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, sn_vulnerability_get_title (v));
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, sn_vulnerability_get_url (v));
      json_builder_set_member_name (builder, "direct");
      json_builder_add_boolean_value (builder, sn_vulnerability_get_direct (v));
      json_builder_set_member_name (builder, "fixAvailable");
      json_builder_add_boolean_value (builder, sn_vulnerability_get_fixable (v));
      json_builder_set_member_name (builder, "fix");
      json_builder_add_string_value (builder, sn_vulnerability_get_fix (v));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "totals");
  json_builder_begin_object (builder);
  for (SnAuditSeverity s = SN_AUDIT_SEVERITY_INFO; s <= SN_AUDIT_SEVERITY_CRITICAL; s++)
    {
      json_builder_set_member_name (builder, sn_audit_severity_to_string (s));
      json_builder_add_int_value (builder, sn_dependency_audit_get_count (audit, s));
    }
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, sn_dependency_audit_get_total (audit));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "dependencies");
  json_builder_add_int_value (builder, sn_dependency_audit_get_dependencies (audit));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  sn_ctl_print_json (root);
}

static void
print_table (SnDependencyAudit *audit)
{
  GListModel *vulns = sn_dependency_audit_get_vulnerabilities (audit);
  g_autofree char *summary = sn_dependency_audit_dup_summary (audit);
  const char *headers[] = { _("SEVERITY"), _("PACKAGE"), _("RANGE"), _("DEPENDENCY"), _("FIX"), _("ADVISORY") };
  guint widths[G_N_ELEMENTS (headers)] = { 0 };
  guint n = g_list_model_get_n_items (vulns);

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    widths[c] = sn_ctl_text_width (headers[c]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnVulnerability) v = g_list_model_get_item (vulns, i);
      const char *cells[] = {
        sn_audit_severity_to_label (sn_vulnerability_get_severity (v)), sn_vulnerability_get_name (v),
        sn_vulnerability_get_range (v), sn_vulnerability_get_direct (v) ? _("direct") : _("transitive"),
        sn_vulnerability_get_fix (v),
      };

      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        widths[c] = MAX (widths[c], sn_ctl_text_width (cells[c]));
    }

  if (n > 0)
    {
      for (guint c = 0; c + 1 < G_N_ELEMENTS (headers); c++)
        sn_ctl_print_padded (headers[c], widths[c] + 2);
      g_print ("%s\n", headers[G_N_ELEMENTS (headers) - 1]);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnVulnerability) v = g_list_model_get_item (vulns, i);
      const char *cells[] = {
        sn_audit_severity_to_label (sn_vulnerability_get_severity (v)), sn_vulnerability_get_name (v),
        sn_vulnerability_get_range (v), sn_vulnerability_get_direct (v) ? _("direct") : _("transitive"),
        sn_vulnerability_get_fix (v),
      };

      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        sn_ctl_print_padded (cells[c], widths[c] + 2);
      g_print ("%s%s%s\n", sn_vulnerability_get_title (v), *sn_vulnerability_get_url (v) != '\0' ? " " : "",
               sn_vulnerability_get_url (v));
    }
  g_print ("%s%s\n", n > 0 ? "\n" : "", summary);
}

static int
run_fix (SnCtl           *ctl,
         SnCtlRunOptions *options)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_ctl_load_runbooks ();
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  SnProfile *profile = NULL;
  SnRunbook *runbook;

  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;
  if (!(runbook = sn_ctl_lookup_builtin_runbook (catalog, "npm-audit-fix")))
    {
      g_object_unref (profile);
      return SN_CTL_EXIT_FAILURE;
    }
  {
    int status = sn_ctl_run_runbook (runbook, profile, params, options, NULL);

    g_object_unref (profile);
    return status;
  }
}

/**
 * sn_ctl_maintenance_audit:
 *
 * `maintenance audit [--json]`: npm audit in the app container; exit status
 * 1 when a high or critical vulnerability is found, 2 when the audit fails.
 * `maintenance audit --fix [--dry-run|--yes]`: the npm-audit-fix runbook.
 */
int
sn_ctl_maintenance_audit (SnCtl  *ctl,
                          int     argc,
                          char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(SnDependencyAudit) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnHost *host;
  gboolean as_json = FALSE;
  gboolean fix = FALSE;
  g_autofree char *confirm = NULL;
  SnCtlRunOptions options = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the report as JSON"), NULL },
    { "fix", 0, 0, G_OPTION_ARG_NONE, &fix,
      N_("Run npm audit fix in the server’s checkout and rebuild the app (runbook npm-audit-fix)"), NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("With --fix: show the plan; change nothing"),
      NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("With --fix: do not ask (needed without a terminal)"),
      NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("With --fix: the profile's name (needed on production)"),
      N_("NAME") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("maintenance audit", NULL,
                                       _("Audit the app’s npm dependencies (npm audit in the app container): "
                                         "each vulnerable package with its severity, range, advisory, fix and "
                                         "whether it is a direct dependency. Exit status: 0 nothing high or "
                                         "critical, 1 high or critical found, 2 the audit failed. With --fix: "
                                         "back up package.json and package-lock.json, npm audit fix (never "
                                         "--force), the audit before and after, rebuild the app and check the "
                                         "site; on failure the files are put back and the app rebuilt. Exit "
                                         "status: 0 done, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "maintenance audit", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("maintenance audit", _("No argument expected"));
  if (fix)
    {
      if (as_json)
        return sn_ctl_usage_error ("maintenance audit", _("--json is for the report, not for --fix"));
      options.confirm = confirm;
      return run_fix (ctl, &options);
    }
  if (options.dry_run || options.yes || confirm != NULL)
    return sn_ctl_usage_error ("maintenance audit", _("--dry-run, --yes and --confirm go with --fix"));

  if (!(connection = sn_ctl_open_host (ctl, NULL)))
    return SN_CTL_EXIT_FAILURE;
  host = sn_connection_get_host (connection);

  sn_maintenance_audit_async (host, NULL, sn_await_callback, &await);
  audit = sn_maintenance_audit_finish (host, sn_await_result (&await), &error);
  if (audit == NULL)
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (as_json)
    print_json (audit);
  else
    print_table (audit);
  return sn_dependency_audit_is_serious (audit) ? SN_CTL_EXIT_DEGRADED : SN_CTL_EXIT_OK;
}
