/* sn-contacts.h: emergency contacts (runbook §1.4) and who to call now
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-incident.h"

G_BEGIN_DECLS

typedef enum
{
  SN_CONTACT_ROLE_ON_CALL,      /* alerte@sweet-narcisse.com, 24/7 */
  SN_CONTACT_ROLE_ESCALATION,   /* direction@sweet-narcisse.com, 9h-18h */
  SN_CONTACT_ROLE_PROVIDER,     /* OVH, support.ovh.com, 24/7 */
} SnContactRole;

#define SN_TYPE_CONTACT (sn_contact_get_type ())
G_DECLARE_FINAL_TYPE (SnContact, sn_contact, SN, CONTACT, GObject)

/* Properties: role (int), role-label, name, address, from-hour, to-hour
 * (Europe/Paris hours; 0 and 24 mean around the clock), availability (label). */
SnContact     *sn_contact_new              (SnContactRole  role,
                                            const char    *name,
                                            const char    *address,
                                            guint          from_hour,
                                            guint          to_hour);
SnContactRole  sn_contact_get_role         (SnContact     *self);
const char    *sn_contact_get_name         (SnContact     *self);
const char    *sn_contact_get_address      (SnContact     *self);
guint          sn_contact_get_from_hour    (SnContact     *self);
guint          sn_contact_get_to_hour      (SnContact     *self);
char          *sn_contact_dup_availability (SnContact     *self);
const char    *sn_contact_role_get_label   (SnContactRole  role);
/* Whether the contact is reachable at @time (converted to Europe/Paris). */
gboolean       sn_contact_is_available_at  (SnContact     *self,
                                            GDateTime     *time);

#define SN_TYPE_CONTACT_BOOK (sn_contact_book_get_type ())
G_DECLARE_FINAL_TYPE (SnContactBook, sn_contact_book, SN, CONTACT_BOOK, GObject)

/* A GListModel of SnContact, one per role, from FILE (default
 * $XDG_CONFIG_HOME/narcisse-admin/contacts.json) or the runbook's defaults. */
SnContactBook *sn_contact_book_new         (const char     *path);
/* The user's book, loaded once: the app's views and Preferences share it. */
SnContactBook *sn_contact_book_get_default (void);
gboolean       sn_contact_book_load        (SnContactBook  *self,
                                            GError        **error);
gboolean       sn_contact_book_save        (SnContactBook  *self,
                                            GError        **error);
SnContact     *sn_contact_book_lookup      (SnContactBook  *self,
                                            SnContactRole   role);
/* Replaces the contact of the same role. */
void           sn_contact_book_set         (SnContactBook  *self,
                                            SnContact      *contact);

typedef struct
{
  SnContact *contact;   /* owned */
  char      *why;       /* a sentence */
  gboolean   now;       /* call now (FALSE: later, e.g. at 9h) */
} SnContactAdvice;

void           sn_contact_advice_free      (SnContactAdvice *advice);

/*
 * Who to call for an incident of @severity open for @elapsed_seconds at
 * @now: the on-call contact always; after the escalation delay (twice the
 * response target: 30 min for SEV1) the direction within its hours (else a
 * call at 9h) and, for an infrastructure problem, the hosting provider.
 * Returns: (element-type SnContactAdvice): in calling order
 */
GPtrArray     *sn_contact_book_who_to_call (SnContactBook  *self,
                                            SnSeverity      severity,
                                            gint64          elapsed_seconds,
                                            GDateTime      *now,
                                            gboolean        infrastructure);
gint64         sn_severity_get_escalation_seconds (SnSeverity severity);

G_END_DECLS
