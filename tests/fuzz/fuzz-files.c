/* fuzz-files.c: files read from disk that a person edits: the credentials
 * file (KEY=value) and the app's known_hosts. The first byte picks the reader.
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "sn-known-hosts.h"
#include "sn-secret-store.h"

static char *dir;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;

  if (size < 1)
    return 0;
  if (dir == NULL)
    dir = g_dir_make_tmp ("sn-fuzz-XXXXXX", NULL);

  if (data[0] % 2 == 0)
    {
      g_autofree char *text = fuzz_strndup (data + 1, size - 1);

      (void)_sn_secret_store_check_credentials_text (text, NULL);
    }
  else
    {
      /* A fixed ed25519 key blob, checked against whatever the file says. */
      static const guint8 blob[] = {
        0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32,
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
      };
      g_autoptr(GBytes) key = g_bytes_new_static (blob, sizeof blob);
      g_autoptr(SnKnownHosts) hosts = NULL;

      path = g_build_filename (dir, "known_hosts", NULL);
      if (!g_file_set_contents (path, (const char *)data + 1, size - 1, NULL))
        return 0;
      hosts = sn_known_hosts_new (path);
      (void)sn_known_hosts_check (hosts, "127.0.0.1", 2222, key, SN_SSH_KEY_TYPE_UNKNOWN, NULL);
      (void)sn_known_hosts_check (hosts, "[127.0.0.1]:2222", 22, key, SN_SSH_KEY_TYPE_UNKNOWN, NULL);
    }
  return 0;
}
