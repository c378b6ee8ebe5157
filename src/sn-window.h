/* sn-window.h: the main window
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-connection.h"
#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_WINDOW (sn_window_get_type ())

G_DECLARE_FINAL_TYPE (SnWindow, sn_window, SN, WINDOW, AdwApplicationWindow)

/**
 * SnWindowFunc:
 * @widget: the widget given to sn_window_after_first_frame()
 */
typedef void (*SnWindowFunc) (GtkWidget *widget);

SnWindow       *sn_window_new               (GtkApplication *application,
                                             SnProfileStore *profile_store,
                                             const char     *initial_profile);
SnProfileStore *sn_window_get_profile_store (SnWindow       *self);
SnProfile      *sn_window_get_profile       (SnWindow       *self);
SnConnection   *sn_window_get_connection    (SnWindow       *self);
GtkWidget      *sn_window_get_view          (SnWindow       *self,
                                             const char     *name);
GtkWidget      *sn_window_show_view         (SnWindow       *self,
                                             const char     *name);
SnSshSession   *sn_window_dup_ssh_session   (GtkWidget      *widget,
                                             SnProfile      *profile,
                                             gboolean       *shared);
void            sn_window_after_first_frame (GtkWidget      *widget,
                                             SnWindowFunc    func);
void            sn_window_set_profile       (SnWindow       *self,
                                             SnProfile      *profile);
gboolean        sn_window_select_profile    (SnWindow       *self,
                                             const char     *name);
void            sn_window_edit_profile      (SnWindow       *self,
                                             SnProfile      *profile,
                                             gboolean        is_new);
void            sn_window_show_error        (SnWindow       *self,
                                             const char     *message);

G_END_DECLS
