/* fuzz-host-output.c: what the host prints for docker compose ps, df,
 * docker system df and uptime, as SnHost parses it
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz.h"
#include "sn-host.h"

static void
check_list (GListModel *list)
{
  if (list == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      g_assert (item != NULL);
    }
  g_object_unref (list);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autoptr(SnUptime) uptime = NULL;

  check_list (sn_host_parse_compose_ps (text, NULL));
  check_list (sn_host_parse_df (text, NULL));
  check_list (sn_host_parse_docker_df (text, NULL));
  (void)sn_host_parse_docker_size (text);
  uptime = sn_host_parse_uptime (text, NULL);
  return 0;
}
