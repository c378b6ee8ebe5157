/* sn-audit-reader.h: the audit log read back, one object per line, as a GListModel
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SN_TYPE_AUDIT_ENTRY (sn_audit_entry_get_type ())

G_DECLARE_FINAL_TYPE (SnAuditEntry, sn_audit_entry, SN, AUDIT_ENTRY, GObject)

SnAuditEntry *sn_audit_entry_new_from_line    (const char   *line);
const char   *sn_audit_entry_get_time         (SnAuditEntry *self);
const char   *sn_audit_entry_get_local_time   (SnAuditEntry *self);
GDateTime    *sn_audit_entry_get_date_time    (SnAuditEntry *self);
const char   *sn_audit_entry_get_profile      (SnAuditEntry *self);
const char   *sn_audit_entry_get_user         (SnAuditEntry *self);
const char   *sn_audit_entry_get_action       (SnAuditEntry *self);
const char   *sn_audit_entry_get_command      (SnAuditEntry *self);
int           sn_audit_entry_get_exit_status  (SnAuditEntry *self);
double        sn_audit_entry_get_duration_ms  (SnAuditEntry *self);
gint64        sn_audit_entry_get_bytes        (SnAuditEntry *self);
gboolean      sn_audit_entry_get_monitoring   (SnAuditEntry *self);
JsonObject   *sn_audit_entry_get_json         (SnAuditEntry *self);

#define SN_TYPE_AUDIT_READER (sn_audit_reader_get_type ())

G_DECLARE_FINAL_TYPE (SnAuditReader, sn_audit_reader, SN, AUDIT_READER, GObject)

/**
 * SnAuditOrder:
 * @SN_AUDIT_ORDER_OLDEST_FIRST: as the lines are in the file
 * @SN_AUDIT_ORDER_NEWEST_FIRST: the last line first
 */
typedef enum
{
  SN_AUDIT_ORDER_OLDEST_FIRST,
  SN_AUDIT_ORDER_NEWEST_FIRST,
} SnAuditOrder;

SnAuditReader *sn_audit_reader_new         (const char           *path,
                                            SnAuditOrder          order);
const char    *sn_audit_reader_get_path    (SnAuditReader        *self);
guint          sn_audit_reader_get_skipped (SnAuditReader        *self);
gboolean       sn_audit_reader_load_sync   (SnAuditReader        *self,
                                            GCancellable         *cancellable,
                                            GError              **error);
void           sn_audit_reader_load_async  (SnAuditReader        *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean       sn_audit_reader_load_finish (SnAuditReader        *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
