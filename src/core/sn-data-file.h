/* sn-data-file.h: files that hold customer or business data
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean sn_data_file_replace (GFile         *file,
                               const void    *data,
                               gsize          size,
                               GCancellable  *cancellable,
                               GError       **error);

G_END_DECLS
