/* sn-area-page.h: a page of an area that reads from the profile's server
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-view.h"
#include "sn-runbook-wizard.h"

G_BEGIN_DECLS

#define SN_TYPE_AREA_PAGE (sn_area_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (SnAreaPage, sn_area_page, SN, AREA_PAGE, SnAreaView)

/**
 * SnAreaPageClass:
 * @load: starts reading the page's data over @connection (connected);
 *   calls @callback once, whatever happens
 * @load_finish: finishes @load (@source: the object its callback got): on
 *   success keeps and shows the data and returns %TRUE; else returns %FALSE
 *   with @error and changes nothing
 * @reset: forgets the data (the profile or the connection changed)
 * @has_content: whether there is data on show (mapping a page without any
 *   loads it; Cancel goes back to it)
 * @update_actions: enables the subclass's own actions (busy or profile changed)
 * @show_error: shows a failed load's error (default: the "error" page)
 * @cancelled: the operator cancelled a load (default: back to "content" or "empty")
 * @refresh_on_map: load when mapped without content (default %TRUE)
 * @reload_in_place: keep the content on show while reloading (default
 *   %FALSE; always so with a refresh interval)
 */
struct _SnAreaPageClass
{
  SnAreaViewClass parent_class;

  void     (*load)           (SnAreaPage          *self,
                              SnConnection        *connection,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean (*load_finish)    (SnAreaPage          *self,
                              GObject             *source,
                              GAsyncResult        *result,
                              GError             **error);
  void     (*reset)          (SnAreaPage          *self);
  gboolean (*has_content)    (SnAreaPage          *self);
  void     (*update_actions) (SnAreaPage          *self);
  void     (*show_error)     (SnAreaPage          *self,
                              const GError        *error);
  void     (*cancelled)      (SnAreaPage          *self);

  gboolean refresh_on_map;
  gboolean reload_in_place;

  /*< private >*/
  gpointer padding[8];
};

void             sn_area_page_set_states           (SnAreaPage      *self,
                                                    GtkStack        *stack,
                                                    GtkSpinner      *spinner,
                                                    AdwStatusPage   *error_page);
SnProfile       *sn_area_page_get_profile          (SnAreaPage      *self);
void             sn_area_page_set_profile          (SnAreaPage      *self,
                                                    SnProfile       *profile);
SnConnection    *sn_area_page_get_connection       (SnAreaPage      *self);
void             sn_area_page_set_connection       (SnAreaPage      *self,
                                                    SnConnection    *connection);
gboolean         sn_area_page_get_busy             (SnAreaPage      *self);
void             sn_area_page_refresh              (SnAreaPage      *self);
void             sn_area_page_cancel               (SnAreaPage      *self);
void             sn_area_page_update_actions       (SnAreaPage      *self);
void             sn_area_page_show_error           (SnAreaPage      *self,
                                                    const GError    *error);
gboolean         sn_area_page_may_change           (SnAreaPage      *self);
guint            sn_area_page_get_refresh_interval (SnAreaPage      *self);
void             sn_area_page_set_refresh_interval (SnAreaPage      *self,
                                                    guint            seconds);
/* When the last load succeeded (nullable). */
GDateTime       *sn_area_page_get_updated          (SnAreaPage      *self);
SnRunbookWizard *sn_area_page_open_runbook         (SnAreaPage      *self,
                                                    const char      *runbook_id);
void             sn_area_page_track_wizard         (SnAreaPage      *self,
                                                    SnRunbookWizard *wizard);
/* The wizard the page opened last, while it is open (nullable). */
GtkWindow       *sn_area_page_get_wizard           (SnAreaPage      *self);

G_END_DECLS
