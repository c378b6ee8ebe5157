/* fuzz-maintenance.c: what the host sends the secret rotation and the
 * environment audit: the compose file (YAML, parsed with libyaml), the
 * status lines, and the env file the rotation edits
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz.h"
#include "sn-maintenance-env.h"
#include "sn-maintenance-secrets-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = size > 0 ? fuzz_strndup (data, size) : g_strdup ("");
  g_autoptr(GHashTable) passed = NULL;
  g_autoptr(GHashTable) interpolated = NULL;
  g_autoptr(SnSecretStatus) status = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GBytes) edited = NULL;
  g_autofree char *old = NULL;

  if (sn_maintenance_env_parse_compose (text, "app", &passed, &interpolated, NULL))
    g_assert (passed != NULL && interpolated != NULL);

  status = _sn_secret_status_parse (text);
  g_assert (status != NULL);
  g_assert (sn_secret_status_get_file_fingerprint (status) == NULL ||
            strlen (sn_secret_status_get_file_fingerprint (status)) == 8);

  /* The edit keeps every other line; the value is always there after it. */
  edited = sn_maintenance_env_set_value (bytes, "NEXTAUTH_SECRET", "Zm9v", &old, NULL);
  if (edited != NULL)
    {
      g_autofree char *out = g_strndup (g_bytes_get_data (edited, NULL), g_bytes_get_size (edited));

      g_assert (strstr (out, "NEXTAUTH_SECRET=Zm9v\n") != NULL);
    }
  return 0;
}
