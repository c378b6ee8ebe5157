/* sn-test-gui.h: widget lookups, waits and screenshots shared by the GUI tests
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

/* The first descendant of @root (or @root itself), depth first, whose widget
 * name (the `name` property set in the .ui) is @name; NULL if none. */
GtkWidget  *sn_test_find_named      (gpointer    root,
                                     const char *name);
/* Every such widget, in the same order; free with g_ptr_array_unref(). */
GPtrArray  *sn_test_find_all_named  (gpointer    root,
                                     const char *name);
/* The text of the GtkLabel named @name under @root; asserts it exists. */
const char *sn_test_label_text      (gpointer    root,
                                     const char *name);
/* The last toplevel window of @type (or a subtype), visible or not; NULL if none. */
GtkWindow  *sn_test_find_toplevel   (GType       type);
/* For sn_test_wait_until(): TRUE once the weak pointer at @data (a GtkWidget **) is NULL. */
gboolean    sn_test_window_gone     (gpointer    data);
/* Destroys @window and waits until it is finalized. */
void        sn_test_destroy_window  (gpointer    window);
/* With SN_SCREENSHOT_DIR set, lets transitions settle and saves what
 * @window shows there as the PNG @name; does nothing otherwise. */
void        sn_test_screenshot      (gpointer    window,
                                     const char *name);
/* Saves the stack's profile as "direction" at the read-only level in @store
 * and presents a window on it: what the direction sees. */
SnWindow   *sn_test_open_direction_window (SnProfileStore *store);

G_END_DECLS
