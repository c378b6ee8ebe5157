/* fuzz-health.c: the /api/health answer, as SnHealthService maps it
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz.h"
#include "sn-health-service.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SnHealthReport) report =
        _sn_health_report_new_from_body (body, i == 0 ? 200 : 503, i == 0);

      g_assert (sn_health_report_get_summary (report) != NULL);
    }
  return 0;
}
