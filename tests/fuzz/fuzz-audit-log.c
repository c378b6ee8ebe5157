/* fuzz-audit-log.c: the audit log, as the Activity window and
 * `narcisse-ctl activity` read it (one JSON object a line, possibly torn,
 * possibly edited by hand)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz.h"
#include "sn-audit-reader.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(SnAuditEntry) entry = sn_audit_entry_new_from_line (lines[i]);

      if (entry == NULL)
        continue;
      (void)sn_audit_entry_get_local_time (entry);
      (void)sn_audit_entry_get_date_time (entry);
      (void)sn_audit_entry_get_command (entry);
      (void)sn_audit_entry_get_exit_status (entry);
      (void)sn_audit_entry_get_duration_ms (entry);
      (void)sn_audit_entry_get_bytes (entry);
      (void)sn_audit_entry_get_monitoring (entry);
    }
  return 0;
}
