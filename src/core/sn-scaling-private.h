/* sn-scaling-private.h: what the scaling files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-action.h"
#include "sn-scaling.h"

G_BEGIN_DECLS

SnThreshold *_sn_threshold_new             (SnThresholdKind          kind,
                                            const SnScalingSettings *settings);
void         _sn_threshold_set_unavailable (SnThreshold             *self,
                                            const char              *reason);
void         _sn_threshold_set_result      (SnThreshold             *self,
                                            double                   value,
                                            GArray                  *times,
                                            GArray                  *values,
                                            gint64                   now,
                                            guint                    step,
                                            double                   warning_ratio);

void         _sn_scaling_nginx_actions_register (void);

/* What the compose and nginx write and restore actions share. */
gboolean     _sn_scaling_write_file        (SnActionContext         *context,
                                            SnHost                  *host,
                                            const char              *path,
                                            const char              *old_text,
                                            const char              *new_text,
                                            GError                 **error);
gboolean     _sn_scaling_restore_file      (SnActionContext         *context,
                                            SnHost                  *host,
                                            const char              *path,
                                            const char              *backup,
                                            const char * const      *compose_args,
                                            GError                 **error);

G_END_DECLS
