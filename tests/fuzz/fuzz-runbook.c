/* fuzz-runbook.c: a runbook file, as the catalog parses and checks it
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz.h"
#include "sn-actions-builtin.h"
#include "sn-runbook.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SnRunbook) runbook = NULL;

  sn_actions_register_builtin ();
  runbook = sn_runbook_new_from_data ((const char *)data, size, "fuzz.json", NULL);
  if (runbook != NULL)
    {
      g_autoptr(GHashTable) params = sn_runbook_resolve_params (runbook, NULL, NULL);

      (void)sn_runbook_get_risk (runbook);
      (void)sn_runbook_get_required_level (runbook);
      for (guint i = 0; i < sn_runbook_get_n_params (runbook); i++)
        (void)sn_runbook_validate_param (runbook, sn_runbook_get_param (runbook, i)->id,
                                         "v1.2.3", NULL);
    }
  return 0;
}
