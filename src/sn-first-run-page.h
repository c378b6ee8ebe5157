/* sn-first-run-page.h: what the window shows while no profile exists
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_FIRST_RUN_PAGE (sn_first_run_page_get_type ())

G_DECLARE_FINAL_TYPE (SnFirstRunPage, sn_first_run_page, SN, FIRST_RUN_PAGE, GtkWidget)

GtkWidget *sn_first_run_page_new (void);

G_END_DECLS
