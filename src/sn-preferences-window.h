/* sn-preferences-window.h
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_PREFERENCES_WINDOW (sn_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (SnPreferencesWindow, sn_preferences_window, SN, PREFERENCES_WINDOW, AdwPreferencesWindow)

SnPreferencesWindow *sn_preferences_window_new (SnWindow *parent);

G_END_DECLS
