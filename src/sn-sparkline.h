/* sn-sparkline.h: one service's latency over the last 24 hours, coloured by status
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-health-history.h"
#include "sn-scaling.h"

G_BEGIN_DECLS

#define SN_TYPE_SPARKLINE (sn_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (SnSparkline, sn_sparkline, SN, SPARKLINE, GtkDrawingArea)

/* @probe: an SnHealthProbe, or -1 for the whole site (the round trip). */
GtkWidget       *sn_sparkline_new         (int              probe);
SnHealthHistory *sn_sparkline_get_history (SnSparkline     *self);
void             sn_sparkline_set_history (SnSparkline     *self,
                                           SnHealthHistory *history);
int              sn_sparkline_get_probe   (SnSparkline     *self);
void             sn_sparkline_set_threshold (SnSparkline    *self,
                                             SnThreshold    *threshold);
/* The newest latency drawn, -1 when none: what the accessible label says. */
gint64           sn_sparkline_get_last_ms (SnSparkline     *self);

/* A plain series instead of a health history (the cache's stats): @values
 * drawn evenly from left to right, scaled to their maximum; @label is the
 * accessible label and tooltip (what the series is and its newest value). */
void             sn_sparkline_set_series  (SnSparkline     *self,
                                           const double    *values,
                                           guint            n_values,
                                           const char      *label);
guint            sn_sparkline_get_n_values (SnSparkline    *self);

G_END_DECLS
