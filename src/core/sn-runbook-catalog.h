/* sn-runbook-catalog.h: the runbooks the app knows, shipped and the user's
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-runbook.h"

G_BEGIN_DECLS

#define SN_TYPE_RUNBOOK_CATALOG (sn_runbook_catalog_get_type ())

G_DECLARE_FINAL_TYPE (SnRunbookCatalog, sn_runbook_catalog, SN, RUNBOOK_CATALOG, GObject)

/*
 * A GListModel of SnRunbook sorted by id: the runbooks compiled into the
 * resources, then those of the user folder (default
 * $XDG_DATA_HOME/narcisse-admin/runbooks). A user runbook never replaces a
 * shipped one: one with a shipped id is left out and reported. A malformed
 * file is left out and reported by sn_runbook_catalog_get_errors() with its
 * located error.
 */
SnRunbookCatalog *sn_runbook_catalog_new         (const char        *user_directory);
gboolean          sn_runbook_catalog_load        (SnRunbookCatalog  *self,
                                                  GError           **error);
SnRunbook        *sn_runbook_catalog_lookup      (SnRunbookCatalog  *self,
                                                  const char        *id);
const char * const *sn_runbook_catalog_get_errors (SnRunbookCatalog *self);

G_END_DECLS
