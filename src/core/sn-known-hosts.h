/* sn-known-hosts.h: the app's own known_hosts file (OpenSSH format)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * SnSshKeyType:
 *
 * The type of an SSH public key, read from the key blob itself.
 */
typedef enum
{
  SN_SSH_KEY_TYPE_UNKNOWN,
  SN_SSH_KEY_TYPE_ED25519,
  SN_SSH_KEY_TYPE_ECDSA_256,
  SN_SSH_KEY_TYPE_ECDSA_384,
  SN_SSH_KEY_TYPE_ECDSA_521,
  SN_SSH_KEY_TYPE_RSA,
} SnSshKeyType;

/**
 * SnKnownHostsResult:
 * @SN_KNOWN_HOSTS_MATCH: a line for the host holds this very key
 * @SN_KNOWN_HOSTS_NOT_FOUND: no line for the host at all
 * @SN_KNOWN_HOSTS_MISMATCH: a line of the same key type holds another key
 * @SN_KNOWN_HOSTS_OTHER_TYPE: the host is known, but only with keys of other
 *   types: a server offering a new key type may be an attacker downgrading
 *   to a key they control, so this is a hard stop like a mismatch
 */
typedef enum
{
  SN_KNOWN_HOSTS_MATCH,
  SN_KNOWN_HOSTS_NOT_FOUND,
  SN_KNOWN_HOSTS_MISMATCH,
  SN_KNOWN_HOSTS_OTHER_TYPE,
} SnKnownHostsResult;

#define SN_TYPE_KNOWN_HOSTS (sn_known_hosts_get_type ())

G_DECLARE_FINAL_TYPE (SnKnownHosts, sn_known_hosts, SN, KNOWN_HOSTS, GObject)

SnKnownHosts       *sn_known_hosts_new                (const char    *path);
const char         *sn_known_hosts_get_path           (SnKnownHosts  *self);
char               *sn_known_hosts_default_path       (void);
SnKnownHostsResult  sn_known_hosts_check              (SnKnownHosts  *self,
                                                       const char    *host,
                                                       guint          port,
                                                       GBytes        *key,
                                                       SnSshKeyType   key_type,
                                                       GError       **error);
gboolean            sn_known_hosts_add                (SnKnownHosts  *self,
                                                       const char    *host,
                                                       guint          port,
                                                       GBytes        *key,
                                                       GError       **error);
char               *sn_known_hosts_dup_saved_algorithms (SnKnownHosts *self,
                                                       const char    *host,
                                                       guint          port);
char               *sn_known_hosts_host_pattern       (const char    *host,
                                                       guint          port);

SnSshKeyType        sn_ssh_key_type_from_blob         (GBytes        *key);
const char         *sn_ssh_key_type_to_name           (SnSshKeyType   key_type);
const char         *sn_ssh_key_type_to_algorithm      (SnSshKeyType   key_type);
char               *sn_ssh_key_fingerprint            (GBytes        *key);

G_END_DECLS
