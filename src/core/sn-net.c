/* sn-net.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-net"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-net.h"

G_DEFINE_QUARK (sn-net-error-quark, sn_net_error)

/**
 * sn_net_host_is_loopback:
 * @host: a host name or a literal address, IPv6 with or without brackets
 *
 * Names are not resolved: only "localhost" and literal addresses in
 * 127.0.0.0/8 or ::1 count as loopback, so the check itself contacts nothing.
 * This says what a host is meant to be (for TLS and key policies); the
 * SN_LOOPBACK_ONLY guard, sn_net_check_host(), is stricter and takes
 * literal addresses only.
 */
gboolean
sn_net_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;

  len = strlen (host);
  if (host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  if (g_ascii_strcasecmp (bare, "localhost") == 0 ||
      g_ascii_strcasecmp (bare, "localhost.") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (bare);
  if (address == NULL)
    return FALSE;

  return g_inet_address_get_is_loopback (address);
}

/**
 * sn_net_loopback_only:
 *
 * Returns: %TRUE when SN_LOOPBACK_ONLY=1 is set (tests, benchmarks, the demo).
 */
gboolean
sn_net_loopback_only (void)
{
  const char *value = g_getenv ("SN_LOOPBACK_ONLY");

  return value != NULL && g_strcmp0 (value, "0") != 0 && *value != '\0';
}

/* A literal address in 127.0.0.0/8 or ::1, brackets allowed: nothing to resolve. */
static gboolean
is_literal_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len = strlen (host);

  if (host[0] == '[' && len > 1 && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * sn_net_check_host:
 * @host: where a connection is about to go
 * @error: the reason it may not
 *
 * Every SSH, HTTP, PostgreSQL and Redis connection asks this first, and so
 * does the far end of an SSH tunnel (the host as the server sees it). Under
 * SN_LOOPBACK_ONLY=1 only literal loopback addresses pass: a name, even
 * "localhost", is resolved later by getaddrinfo, libpq or the server, where
 * /etc/hosts or NSS could send it anywhere.
 */
gboolean
sn_net_check_host (const char  *host,
                   GError     **error)
{
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS,
                   _("No host is set. Enter a host name or address in the profile."));
      return FALSE;
    }

  if (sn_net_loopback_only () && !is_literal_loopback (host))
    {
      g_set_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK,
                   _("Refused to connect to “%s”: SN_LOOPBACK_ONLY=1 allows only literal "
                     "loopback addresses (127.0.0.0/8, ::1), never a name that could resolve "
                     "elsewhere. Write 127.0.0.1 instead of a name, or unset SN_LOOPBACK_ONLY "
                     "to reach real servers."),
                   host);
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_net_check_uri:
 * @uri: an http(s) URI about to be requested
 * @error: the reason it may not
 */
gboolean
sn_net_check_uri (const char  *uri,
                  GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) local_error = NULL;

  parsed = g_uri_parse (uri != NULL ? uri : "", G_URI_FLAGS_NONE, &local_error);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    {
      g_set_error (error, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a valid address. Enter a full URL such as "
                     "https://www.example.com."),
                   uri != NULL ? uri : "");
      return FALSE;
    }

  return sn_net_check_host (g_uri_get_host (parsed), error);
}
