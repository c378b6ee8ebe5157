/* sn-maintenance-audit.h: npm audit of the app's dependencies
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-host.h"

G_BEGIN_DECLS

#define SN_MAINTENANCE_AUDIT_ERROR (sn_maintenance_audit_error_quark ())

typedef enum
{
  SN_MAINTENANCE_AUDIT_ERROR_FAILED,   /* npm audit itself failed (no lock file, registry unreachable) */
  SN_MAINTENANCE_AUDIT_ERROR_PARSE,    /* its output is not npm 7+'s JSON report */
} SnMaintenanceAuditError;

GQuark sn_maintenance_audit_error_quark (void);

/**
 * SnAuditSeverity:
 *
 * npm's severities, in increasing order.
 */
typedef enum
{
  SN_AUDIT_SEVERITY_INFO,
  SN_AUDIT_SEVERITY_LOW,
  SN_AUDIT_SEVERITY_MODERATE,
  SN_AUDIT_SEVERITY_HIGH,
  SN_AUDIT_SEVERITY_CRITICAL,
} SnAuditSeverity;

#define SN_AUDIT_SEVERITY_COUNT (SN_AUDIT_SEVERITY_CRITICAL + 1)

gboolean    sn_audit_severity_from_string (const char *text,
                                     SnAuditSeverity *severity);
const char *sn_audit_severity_to_string   (SnAuditSeverity  severity);   /* "critical", npm's word */
const char *sn_audit_severity_to_label    (SnAuditSeverity  severity);   /* translated */

/* One vulnerable package. Properties (for .ui bindings): name, severity
 * (int, for sorting), severity-label, range, title, url, fix, direct,
 * direct-label. */
#define SN_TYPE_VULNERABILITY (sn_vulnerability_get_type ())
G_DECLARE_FINAL_TYPE (SnVulnerability, sn_vulnerability, SN, VULNERABILITY, GObject)

const char *sn_vulnerability_get_name     (SnVulnerability *self);
SnAuditSeverity  sn_vulnerability_get_severity (SnVulnerability *self);
const char *sn_vulnerability_get_range    (SnVulnerability *self);   /* the vulnerable versions installed */
const char *sn_vulnerability_get_title    (SnVulnerability *self);   /* the first advisory's, or "via PKG" */
const char *sn_vulnerability_get_url      (SnVulnerability *self);   /* "" when only transitive */
const char *sn_vulnerability_get_fix      (SnVulnerability *self);   /* "next@15.5.2", "next@16.0.0 (major)", "No fix" */
gboolean    sn_vulnerability_get_fixable  (SnVulnerability *self);
gboolean    sn_vulnerability_get_direct   (SnVulnerability *self);

/* The whole report: the packages, most severe first, and npm's totals. */
#define SN_TYPE_DEPENDENCY_AUDIT (sn_dependency_audit_get_type ())
G_DECLARE_FINAL_TYPE (SnDependencyAudit, sn_dependency_audit, SN, DEPENDENCY_AUDIT, GObject)

GListModel *sn_dependency_audit_get_vulnerabilities (SnDependencyAudit *self);
guint       sn_dependency_audit_get_count           (SnDependencyAudit *self,
                                                     SnAuditSeverity         severity);
guint       sn_dependency_audit_get_total           (SnDependencyAudit *self);
guint       sn_dependency_audit_get_dependencies    (SnDependencyAudit *self);
/* Whether any high or critical vulnerability was found. */
gboolean    sn_dependency_audit_is_serious          (SnDependencyAudit *self);
/* "2 critical, 1 high, 3 moderate in 860 dependencies" */
char       *sn_dependency_audit_dup_summary         (SnDependencyAudit *self);

SnDependencyAudit *sn_maintenance_parse_npm_audit   (const char          *json,
                                                     GError             **error);
char              *sn_maintenance_audit_command     (SnProfile           *profile);

/* `docker compose exec -T app npm audit --json` through @host; read-only,
 * any profile. npm's exit status 1 ("vulnerabilities found") is no error. */
void               sn_maintenance_audit_async       (SnHost              *host,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SnDependencyAudit *sn_maintenance_audit_finish      (SnHost              *host,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
