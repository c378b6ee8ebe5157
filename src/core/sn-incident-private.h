/* sn-incident-private.h: what sn-incident.c and sn-incident-timeline.c share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-incident.h"

G_BEGIN_DECLS

/* Takes @params (NULL: none). */
SnTimelineEntry *sn_timeline_entry_new           (GDateTime        *time,
                                                  const char       *operator_name,
                                                  SnTimelineKind    kind,
                                                  SnTimelineEvent   event,
                                                  JsonObject       *params,
                                                  const char       *evidence);
/* An entry of an incident file: structured ("event") or, as older files
 * have it, English text only (a "text" event). */
SnTimelineEntry *sn_timeline_entry_new_from_json (JsonObject       *object,
                                                  GError          **error);
void             sn_timeline_entry_add_json      (SnTimelineEntry  *self,
                                                  JsonBuilder      *builder);

/* @text with every secret of at least 4 characters replaced, or NULL when
 * none occurs in it. */
char            *sn_incident_replace_values      (const char          *text,
                                                  const char * const  *secrets);
/* Redacts the entry's texts by value; TRUE when something changed. */
gboolean         sn_timeline_entry_redact_values (SnTimelineEntry     *self,
                                                  const char * const  *secrets);

G_END_DECLS
