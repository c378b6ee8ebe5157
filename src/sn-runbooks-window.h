/* sn-runbooks-window.h: every runbook, its last run, and a Run button
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-runbook-catalog.h"

G_BEGIN_DECLS

#define SN_TYPE_RUNBOOKS_WINDOW (sn_runbooks_window_get_type ())

G_DECLARE_FINAL_TYPE (SnRunbooksWindow, sn_runbooks_window, SN, RUNBOOKS_WINDOW, AdwWindow)

SnRunbooksWindow *sn_runbooks_window_new         (GtkWindow        *parent,
                                                  SnProfile        *profile);
SnProfile        *sn_runbooks_window_get_profile (SnRunbooksWindow *self);
void              sn_runbooks_window_set_profile (SnRunbooksWindow *self,
                                                  SnProfile        *profile);
SnRunbookCatalog *sn_runbooks_window_get_catalog (SnRunbooksWindow *self);
/* Reads the catalog and the reports again. */
void              sn_runbooks_window_reload      (SnRunbooksWindow *self);

/* The newest report of @runbook_id in @directory (not dry runs): its time,
 * profile and result line. FALSE when there is none. */
gboolean          sn_runbooks_find_last_run      (const char        *directory,
                                                  const char        *runbook_id,
                                                  const char * const *all_ids,
                                                  GDateTime        **when,
                                                  char             **profile,
                                                  char             **result,
                                                  char             **path);
/* The newest run from the reports or the audit log at @audit_path (nullable),
 * whatever front end ran it. */
gboolean          sn_runbooks_find_last_run_anywhere (const char         *directory,
                                                      const char         *audit_path,
                                                      const char         *runbook_id,
                                                      const char * const *all_ids,
                                                      GDateTime         **when,
                                                      char              **profile,
                                                      char              **result);

G_END_DECLS
