/* sn-data-file.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-data-file"

#include "config.h"

#include "sn-data-file.h"

/**
 * sn_data_file_replace:
 * @file: where exports, reports and restore-test reports go
 * @data: the whole contents
 * @size: its length in bytes
 * @cancellable: (nullable): checked before anything is written
 * @error: why it was not written; the old file, if any, is then untouched
 *
 * Writes a file that holds customer or business data: readable by its owner
 * only (0600, even when it replaces a file with a wider mode), atomically (a
 * temporary file beside it, renamed over it, never a half-written file
 * under the final name) and durably (fsync before the rename). Files that
 * are not local (a portal or GVfs location) are still written privately and
 * atomically by GIO.
 */
gboolean
sn_data_file_replace (GFile         *file,
                      const void    *data,
                      gsize          size,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  path = g_file_get_path (file);
  if (path != NULL)
    return g_file_set_contents_full (path, data != NULL ? data : "", (gssize)size,
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                     0600, error);

  return g_file_replace_contents (file, data != NULL ? data : "", size, NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, cancellable, error);
}
