/* sn-audit-log.h: append-only JSONL record of every remote action, secrets redacted
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SN_TYPE_AUDIT_LOG (sn_audit_log_get_type ())

G_DECLARE_FINAL_TYPE (SnAuditLog, sn_audit_log, SN, AUDIT_LOG, GObject)

SnAuditLog *sn_audit_log_new          (const char  *path);
SnAuditLog *sn_audit_log_get_default  (void);
const char *sn_audit_log_get_path     (SnAuditLog  *self);
char       *sn_audit_log_default_path (void);
gboolean    sn_audit_log_append       (SnAuditLog  *self,
                                       const char  *profile,
                                       const char  *action,
                                       const char  *command,
                                       int          exit_status,
                                       gint64       duration_us,
                                       guint64      bytes,
                                       GError     **error);
char       *sn_audit_redact           (const char  *command);

/* Routine reads made by timers (dashboards), folded into one "monitoring"
 * line per profile and hour: count, failures, first and last time. Lines
 * of people's actions stay one each. See sn-audit-log.c. */
gboolean    sn_audit_log_append_monitoring (SnAuditLog  *self,
                                            const char  *profile,
                                            const char  *action,
                                            int          exit_status,
                                            gint64       duration_us,
                                            guint64      bytes,
                                            GError     **error);
gboolean    sn_audit_log_flush_monitoring  (SnAuditLog  *self,
                                            gboolean     all,
                                            GError     **error);
char       *sn_audit_log_dup_monitoring_path (SnAuditLog *self);
/* The previous generation, where the log moves when it grows past 16 MiB. */
char       *sn_audit_log_dup_rotated_path (SnAuditLog *self);
void        _sn_audit_log_set_rotate_bytes (goffset    bytes);

G_END_DECLS
