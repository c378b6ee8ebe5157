/* sn-result-grid.h: the rows of a query, as a table
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-query-result.h"

G_BEGIN_DECLS

#define SN_TYPE_RESULT_GRID (sn_result_grid_get_type ())

G_DECLARE_FINAL_TYPE (SnResultGrid, sn_result_grid, SN, RESULT_GRID, GtkWidget)

GtkWidget     *sn_result_grid_new             (void);
SnQueryResult *sn_result_grid_get_result      (SnResultGrid  *self);
void           sn_result_grid_set_result      (SnResultGrid  *self,
                                               SnQueryResult *result);
GtkColumnView *sn_result_grid_get_column_view (SnResultGrid  *self);

G_END_DECLS
