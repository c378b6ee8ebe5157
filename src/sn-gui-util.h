/* sn-gui-util.h: the few helpers every page of the GUI shares
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

GtkWindow *sn_gui_parent_window      (GtkWidget     *widget);
void       sn_gui_toast              (GtkWidget     *widget,
                                      const char    *text);
void       sn_gui_toast_error        (GtkWidget     *widget,
                                      const char    *text);
char      *sn_gui_format_seconds     (gint64         usec);
char      *sn_gui_format_elapsed_ms  (gint64         ms);
void       sn_gui_name_menu_button   (GtkMenuButton *button);
void       sn_gui_clear_columns      (GtkColumnView *view);

typedef void (*SnGuiFileFunc) (GtkWidget *widget,
                               GFile     *file);

void       sn_gui_choose_csv_file    (GtkWidget     *widget,
                                      const char    *title,
                                      const char    *name,
                                      SnGuiFileFunc  func);
void       sn_gui_toast_saved_rows   (GtkWidget     *widget,
                                      GFile         *file,
                                      guint64        rows);

G_END_DECLS
