/* fuzz-json-files.c: the app's own JSON files, which a person or a crash may
 * have left in any state: profiles, incidents, backup manifests, restore-test
 * results. The first byte picks the reader, the rest is the file.
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz.h"
#include "sn-backup-private.h"
#include "sn-incident.h"
#include "sn-profile.h"

static void
read_manifest (JsonNode *root)
{
  g_autoptr(SnBackup) backup = NULL;
  g_auto(GStrv) tables = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  backup = _sn_backup_new (SN_BACKUP_LOCATION_LOCAL, "sweet_narcisse_20261207_010203.dump");
  _sn_backup_set_manifest (backup, json_node_get_object (root));
  (void)sn_backup_get_sha256 (backup);
  (void)sn_backup_get_database (backup);
  tables = sn_backup_dup_table_names (backup);
  for (guint i = 0; tables[i] != NULL; i++)
    (void)sn_backup_get_table_rows (backup, tables[i]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (size < 1 || !json_parser_load_from_data (parser, (const char *)data + 1, size - 1, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;

  switch (data[0] % 4)
    {
    case 0:
      {
        g_autoptr(SnProfile) profile = sn_profile_new_from_json (root, NULL);

        if (profile != NULL)
          {
            g_autoptr(JsonNode) again = sn_profile_to_json (profile);

            (void)sn_profile_validate (profile, NULL);
          }
      }
      break;
    case 1:
      {
        g_autoptr(SnIncident) incident = sn_incident_new_from_json (root, NULL);

        if (incident != NULL)
          {
            g_autoptr(JsonNode) again = sn_incident_to_json (incident);
          }
      }
      break;
    case 2:
      read_manifest (root);
      break;
    default:
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(SnRestoreTestResult) result =
            _sn_restore_test_result_new_from_json (json_node_get_object (root));

          if (result != NULL)
            {
              g_autoptr(JsonNode) again = sn_restore_test_result_to_json (result);
            }
        }
      break;
    }
  return 0;
}
