/* sn-area-view.h: an area's view or page, on the window's profile and connection
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-connection.h"

G_BEGIN_DECLS

#define SN_TYPE_AREA_VIEW (sn_area_view_get_type ())

G_DECLARE_DERIVABLE_TYPE (SnAreaView, sn_area_view, SN, AREA_VIEW, GtkWidget)

/**
 * SnAreaViewClass:
 * @changed: the profile or the connection changed (before they notify)
 * @get_visible_page: the page "view.refresh" refreshes (its "page.refresh");
 *   default: the view itself
 * @follow_root_connection: in a window with a "connection" property (SnWindow),
 *   follow it
 */
struct _SnAreaViewClass
{
  GtkWidgetClass parent_class;

  void       (*changed)          (SnAreaView *self);
  GtkWidget *(*get_visible_page) (SnAreaView *self);

  gboolean follow_root_connection;

  /*< private >*/
  gpointer padding[8];
};

SnProfile    *sn_area_view_get_profile    (SnAreaView   *self);
void          sn_area_view_set_profile    (SnAreaView   *self,
                                           SnProfile    *profile);
SnConnection *sn_area_view_get_connection (SnAreaView   *self);
void          sn_area_view_set_connection (SnAreaView   *self,
                                           SnConnection *connection);
void          sn_area_view_bind_page      (SnAreaView   *self,
                                           GtkWidget    *page);

G_END_DECLS
