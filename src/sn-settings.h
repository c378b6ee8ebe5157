/* sn-settings.h: the application's GSettings, one property per key
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-scaling.h"

G_BEGIN_DECLS

#define SN_SETTINGS_KEY_REFRESH_INTERVAL  "refresh-interval"
#define SN_SETTINGS_KEY_LAST_PROFILE      "last-profile"
#define SN_SETTINGS_KEY_WINDOW_WIDTH      "window-width"
#define SN_SETTINGS_KEY_WINDOW_HEIGHT     "window-height"
#define SN_SETTINGS_KEY_WINDOW_MAXIMIZED  "window-maximized"

#define SN_TYPE_SETTINGS (sn_settings_get_type ())

G_DECLARE_FINAL_TYPE (SnSettings, sn_settings, SN, SETTINGS, GObject)

SnSettings *sn_settings_new                  (void);
SnSettings *sn_settings_get_default          (void);
GSettings  *sn_settings_get_gsettings        (SnSettings *self);
guint       sn_settings_get_refresh_interval (SnSettings *self);
void        sn_settings_set_refresh_interval (SnSettings *self,
                                              guint       refresh_interval);
char       *sn_settings_dup_last_profile     (SnSettings *self);
void        sn_settings_set_last_profile     (SnSettings *self,
                                              const char *last_profile);
int         sn_settings_get_window_width     (SnSettings *self);
int         sn_settings_get_window_height    (SnSettings *self);
gboolean    sn_settings_get_window_maximized (SnSettings *self);
void        sn_settings_set_window_state     (SnSettings *self,
                                              int         width,
                                              int         height,
                                              gboolean    maximized);
void        sn_settings_get_scaling          (SnSettings        *self,
                                              SnScalingSettings *scaling);

G_END_DECLS
