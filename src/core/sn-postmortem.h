/* sn-postmortem.h: an incident as a Markdown postmortem, secrets redacted
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-incident.h"

G_BEGIN_DECLS

/*
 * Summary, severity (and any override), times to detect, respond and
 * resolve, the response target met or missed, the timeline, the runbook
 * reports (inlined when small, else linked), the actions taken and a
 * follow-up section. Everything goes through sn_audit_redact() and every
 * string of @secrets (the profile's passwords and keys) is replaced.
 */
char     *sn_postmortem_render (SnIncident          *incident,
                                const char * const  *secrets,
                                GDateTime           *now);
/* Writes it atomically (mode 0600). */
gboolean  sn_postmortem_write  (SnIncident          *incident,
                                const char          *path,
                                const char * const  *secrets,
                                GError             **error);
/* Replaces the secrets (at least 4 characters long) and the secret-looking
 * values in @text. */
char     *sn_postmortem_redact (const char          *text,
                                const char * const  *secrets);

G_END_DECLS
