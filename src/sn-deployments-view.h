/* sn-deployments-view.h: the "Deployments" view: version deployed, tags, changelog,
 *                        GitHub runs, and the release / deploy / rollback runbooks
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-page.h"
#include "sn-deployments.h"

G_BEGIN_DECLS

#define SN_TYPE_DEPLOYMENTS_VIEW (sn_deployments_view_get_type ())

G_DECLARE_FINAL_TYPE (SnDeploymentsView, sn_deployments_view, SN, DEPLOYMENTS_VIEW, SnAreaPage)

GtkWidget      *sn_deployments_view_new            (void);
SnProfile      *sn_deployments_view_get_profile    (SnDeploymentsView *self);
void            sn_deployments_view_set_profile    (SnDeploymentsView *self,
                                                    SnProfile         *profile);
SnConnection   *sn_deployments_view_get_connection (SnDeploymentsView *self);
void            sn_deployments_view_set_connection (SnDeploymentsView *self,
                                                    SnConnection      *connection);
gboolean        sn_deployments_view_get_busy       (SnDeploymentsView *self);
/* What the last refresh read (nullable). */
SnDeployStatus *sn_deployments_view_get_status     (SnDeploymentsView *self);
GListModel     *sn_deployments_view_get_tags       (SnDeploymentsView *self);
GListModel     *sn_deployments_view_get_runs       (SnDeploymentsView *self);
GListModel     *sn_deployments_view_get_changelog  (SnDeploymentsView *self);
/* Selects @tag in the tags list (and loads the changelog to it). */
gboolean        sn_deployments_view_select_tag     (SnDeploymentsView *self,
                                                    const char        *tag);
/* The wizard the last button opened, while it is open (nullable). */
GtkWindow      *sn_deployments_view_get_wizard     (SnDeploymentsView *self);

G_END_DECLS
