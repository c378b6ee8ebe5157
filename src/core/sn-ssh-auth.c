/* sn-ssh-auth.c: connecting, checking the host key and logging in (worker thread, blocking)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-ssh-session"

#include "config.h"

#ifndef _GNU_SOURCE
# define _GNU_SOURCE   /* POLLRDHUP */
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "sn-net.h"
#include "sn-ssh-session-private.h"

/* ------------------------------------------------------------------------ */
/* Connecting (worker thread, blocking with a timeout)                      */

static ssize_t
worker_recv (libssh2_socket_t   fd,
             void              *buffer,
             size_t             length,
             int                flags,
             void             **abstract)
{
  Worker *worker = *abstract;
  ssize_t rc = recv (fd, buffer, length, flags);

  if (rc < 0)
    return -errno;
  worker->received += rc;

  return rc;
}

static int
open_socket (Worker  *worker,
             GError **error)
{
  struct addrinfo hints = { 0 };
  struct addrinfo *res = NULL;
  struct addrinfo *ai;
  g_autofree char *port_str = g_strdup_printf ("%u", worker->port);
  int last_errno = 0;
  int rc;

  /* The loopback guard, beside the socket (sn_ssh_session_submit() checked
   * the profile's host already). */
  if (!sn_net_check_host (worker->host, error))
    return -1;

  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;

  rc = getaddrinfo (worker->host, port_str, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("Could not find the address of %s: %s. Check the host name in the profile."),
                   worker->host, gai_strerror (rc));
      return -1;
    }

  for (ai = res; ai != NULL; ai = ai->ai_next)
    {
      struct pollfd pfd[2];
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       ai->ai_protocol);
      int one = 1;
      socklen_t len = sizeof last_errno;

      if (fd < 0)
        {
          last_errno = errno;
          continue;
        }

      if (connect (fd, ai->ai_addr, ai->ai_addrlen) == 0)
        {
          freeaddrinfo (res);
          setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          return fd;
        }

      if (errno != EINPROGRESS)
        {
          last_errno = errno;
          close (fd);
          continue;
        }

      pfd[0].fd = fd;
      pfd[0].events = POLLOUT;
      pfd[1].fd = worker->wake_fd;
      pfd[1].events = POLLIN;
      rc = poll (pfd, 1, CONNECT_TIMEOUT_MS);
      if (rc == 0)
        {
          last_errno = ETIMEDOUT;
          close (fd);
          continue;
        }

      last_errno = 0;
      getsockopt (fd, SOL_SOCKET, SO_ERROR, &last_errno, &len);
      if (last_errno != 0)
        {
          close (fd);
          continue;
        }

      freeaddrinfo (res);
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }

  freeaddrinfo (res);

  g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
               _("Could not connect to %s:%u: %s. Check the host and port in the profile, "
                 "and that the server and its SSH service are running."),
               worker->host, worker->port, g_strerror (last_errno));
  return -1;
}

typedef struct
{
  SnSshKeyType type;
  gboolean     encrypted;
  gboolean     readable;
} KeyFileInfo;

static guint32
read_u32 (const guchar *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

/* Reads just enough of a private key file to know its type and whether it is encrypted. */
static KeyFileInfo
inspect_key_file (const char *path)
{
  KeyFileInfo info = { SN_SSH_KEY_TYPE_UNKNOWN, FALSE, FALSE };
  g_autofree char *contents = NULL;
  static const char openssh_begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return info;

  info.readable = TRUE;

  if (strstr (contents, openssh_begin) != NULL)
    {
      const char *body = strstr (contents, openssh_begin) + strlen (openssh_begin);
      const char *end = strstr (body, "-----END");
      g_autofree char *b64 = g_strndup (body, end != NULL ? (gsize)(end - body) : strlen (body));
      g_autofree guchar *blob = NULL;
      gsize len = 0;
      gsize pos = sizeof "openssh-key-v1";   /* includes the NUL */
      guint32 n;
      int i;

      blob = g_base64_decode (g_strstrip (b64), &len);
      if (blob == NULL || len < pos + 4)
        return info;

      /* ciphername, kdfname, kdfoptions, then nkeys and the first public key */
      for (i = 0; i < 3; i++)
        {
          if (pos + 4 > len)
            return info;
          n = read_u32 (blob + pos);
          if (n > len - pos - 4)
            return info;
          if (i == 0)
            info.encrypted = !(n == 4 && memcmp (blob + pos + 4, "none", 4) == 0);
          pos += 4 + n;
        }
      pos += 4;  /* nkeys */
      if (pos + 4 <= len)
        {
          n = read_u32 (blob + pos);
          if (n <= len - pos - 4)
            {
              g_autoptr(GBytes) pub = g_bytes_new (blob + pos + 4, n);
              info.type = sn_ssh_key_type_from_blob (pub);
            }
        }
      return info;
    }

  if (strstr (contents, "BEGIN RSA PRIVATE KEY") != NULL)
    info.type = SN_SSH_KEY_TYPE_RSA;
  else if (strstr (contents, "BEGIN EC PRIVATE KEY") != NULL)
    info.type = SN_SSH_KEY_TYPE_ECDSA_256;

  if (strstr (contents, "ENCRYPTED") != NULL)
    info.encrypted = TRUE;

  return info;
}

static char *
lookup_secret (Worker       *worker,
               SnSecretKind  kind)
{
  g_autoptr(GError) error = NULL;
  char *value;

  if (worker->secrets == NULL || worker->profile == NULL)
    return NULL;

  value = sn_secret_store_lookup_sync (worker->secrets, worker->profile, kind, NULL, &error);
  if (error != NULL)
    g_debug ("No %s secret: %s", sn_secret_kind_to_key (kind), error->message);

  return value;
}

/* Where a login attempt stands, from one method to the next. */
typedef struct
{
  const char *methods;             /* what the server accepts */
  GString    *tried;               /* what was tried, for the message */
  gboolean    rsa_refused;
  gboolean    agent_rsa_refused;
  gboolean    passphrase_missing;
} AuthState;

typedef enum
{
  AUTH_NEXT,     /* try the next method */
  AUTH_OK,       /* logged in */
  AUTH_FAILED,   /* stop: the error is set */
} AuthOutcome;

/* 1. the profile's key file */
static AuthOutcome
auth_key_file (Worker     *worker,
               AuthState  *state,
               GError    **error)
{
  LIBSSH2_SESSION *s = worker->session;
  KeyFileInfo info;
  g_autofree char *passphrase = NULL;
  int rc;

  if (worker->key_file == NULL || *worker->key_file == '\0' ||
      strstr (state->methods, "publickey") == NULL)
    return AUTH_NEXT;

  info = inspect_key_file (worker->key_file);
  if (!info.readable)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                   _("Cannot read the SSH key file “%s” of the profile. Check the path "
                     "and that the file is readable by you."),
                   worker->key_file);
      return AUTH_FAILED;
    }

  if (info.encrypted)
    {
      passphrase = lookup_secret (worker, SN_SECRET_KIND_SSH_PASSPHRASE);
      if (passphrase == NULL)
        state->passphrase_missing = TRUE;
    }

  if (state->passphrase_missing)
    return AUTH_NEXT;

  g_string_append_printf (state->tried, "%s%s", state->tried->len ? ", " : "", _("key file"));
  rc = libssh2_userauth_publickey_fromfile_ex (s, worker->user, strlen (worker->user),
                                               NULL, worker->key_file,
                                               passphrase != NULL ? passphrase : "");
  if (passphrase != NULL)
    memset (passphrase, 0, strlen (passphrase));

  if (rc == 0)
    return AUTH_OK;

  if (info.encrypted &&
      (rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED ||
       rc == LIBSSH2_ERROR_KEYFILE_AUTH_FAILED))
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE,
                   _("The passphrase stored for the SSH key “%s” is wrong: the key could "
                     "not be unlocked. Enter the right passphrase in the profile. "
                     "Nothing was sent to %s:%u."),
                   worker->key_file, worker->host, worker->port);
      return AUTH_FAILED;
    }

  if (rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                   _("The SSH key file “%s” could not be used (libssh2 error %d). "
                     "Use an ed25519 or ECDSA key in OpenSSH format."),
                   worker->key_file, rc);
      return AUTH_FAILED;
    }

  if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED && info.type == SN_SSH_KEY_TYPE_RSA)
    state->rsa_refused = TRUE;
  else if (rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED &&
           rc != LIBSSH2_ERROR_PUBLICKEY_UNRECOGNIZED)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_DISCONNECTED,
                   _("The connection to %s:%u failed during the login (libssh2 error %d)."),
                   worker->host, worker->port, rc);
      return AUTH_FAILED;
    }

  return AUTH_NEXT;
}

/* 2. ssh-agent */
static AuthOutcome
auth_agent (Worker    *worker,
            AuthState *state)
{
  LIBSSH2_AGENT *agent;

  if (g_getenv ("SSH_AUTH_SOCK") == NULL || strstr (state->methods, "publickey") == NULL)
    return AUTH_NEXT;

  agent = libssh2_agent_init (worker->session);
  if (agent != NULL && libssh2_agent_connect (agent) == 0 &&
      libssh2_agent_list_identities (agent) == 0)
    {
      struct libssh2_agent_publickey *identity = NULL;
      struct libssh2_agent_publickey *prev = NULL;
      gboolean ok = FALSE;
      guint n = 0;

      while (!ok && n < 5 && libssh2_agent_get_identity (agent, &identity, prev) == 0)
        {
          n++;
          if (libssh2_agent_userauth (agent, worker->user, identity) == 0)
            ok = TRUE;
          else
            {
              g_autoptr(GBytes) blob = g_bytes_new (identity->blob, identity->blob_len);

              if (sn_ssh_key_type_from_blob (blob) == SN_SSH_KEY_TYPE_RSA)
                state->agent_rsa_refused = TRUE;
            }
          prev = identity;
        }
      if (n > 0)
        g_string_append_printf (state->tried, "%s%s", state->tried->len ? ", " : "", _("ssh-agent"));
      libssh2_agent_disconnect (agent);
      libssh2_agent_free (agent);
      if (ok)
        return AUTH_OK;
    }
  else if (agent != NULL)
    libssh2_agent_free (agent);

  return AUTH_NEXT;
}

/* 3. password */
static AuthOutcome
auth_password (Worker    *worker,
               AuthState *state)
{
  g_autofree char *password = NULL;
  int rc;

  if (strstr (state->methods, "password") == NULL)
    return AUTH_NEXT;

  password = lookup_secret (worker, SN_SECRET_KIND_SSH_PASSWORD);
  if (password == NULL)
    return AUTH_NEXT;

  g_string_append_printf (state->tried, "%s%s", state->tried->len ? ", " : "", _("password"));
  rc = libssh2_userauth_password_ex (worker->session, worker->user, strlen (worker->user),
                                     password, strlen (password), NULL);
  memset (password, 0, strlen (password));

  return rc == 0 ? AUTH_OK : AUTH_NEXT;
}

/* Every method failed: says why, the likeliest reason first. */
static void
auth_set_refused_error (Worker     *worker,
                        AuthState  *state,
                        GError    **error)
{
  if (state->rsa_refused)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                   _("%s:%u refused the RSA key “%s”: this libssh2 cannot sign with RSA keys "
                     "against OpenSSH 8.8+ servers. Make an ed25519 key: "
                     "`ssh-keygen -t ed25519 -f ~/.ssh/narcisse_ed25519`, add the .pub to the "
                     "server's authorized_keys, and select it in the profile."),
                   worker->host, worker->port, worker->key_file);
      return;
    }

  if (state->agent_rsa_refused)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                   _("%s:%u refused the RSA key offered by ssh-agent: this libssh2 cannot sign "
                     "with RSA keys against OpenSSH 8.8+ servers. Make an ed25519 key: "
                     "`ssh-keygen -t ed25519 -f ~/.ssh/narcisse_ed25519`, add the .pub to the "
                     "server's authorized_keys, then `ssh-add ~/.ssh/narcisse_ed25519` (or select "
                     "it in the profile)."),
                   worker->host, worker->port);
      return;
    }

  if (state->passphrase_missing)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE,
                   _("The SSH key “%s” is protected by a passphrase and none is stored. "
                     "Enter the passphrase in the profile to log in to %s:%u."),
                   worker->key_file, worker->host, worker->port);
      return;
    }

  g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
               _("%s:%u refused the login as “%s” (tried: %s; the server accepts: %s). Check the "
                 "user name, and that the profile's public key is in that user's "
                 "~/.ssh/authorized_keys on the server. The app does not retry, so that fail2ban "
                 "does not ban you."),
               worker->host, worker->port, worker->user,
               state->tried->len ? state->tried->str : _("nothing usable"), state->methods);
}

/* One attempt per method: key file, ssh-agent, password. Never retried. */
static gboolean
authenticate (Worker  *worker,
              GError **error)
{
  LIBSSH2_SESSION *s = worker->session;
  g_autoptr(GString) tried = g_string_new (NULL);
  AuthState state = { NULL, tried, FALSE, FALSE, FALSE };
  AuthOutcome outcome;

  state.methods = libssh2_userauth_list (s, worker->user, strlen (worker->user));
  if (state.methods == NULL)
    {
      if (libssh2_userauth_authenticated (s))
        return TRUE;
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("The SSH server %s:%u closed the connection before the login. "
                     "It may have banned this address (fail2ban); wait or ask the host's administrator."),
                   worker->host, worker->port);
      return FALSE;
    }

  outcome = auth_key_file (worker, &state, error);
  if (outcome == AUTH_NEXT)
    outcome = auth_agent (worker, &state);
  if (outcome == AUTH_NEXT)
    outcome = auth_password (worker, &state);

  if (outcome == AUTH_OK)
    return TRUE;
  if (outcome == AUTH_NEXT)
    auth_set_refused_error (worker, &state, error);
  return FALSE;
}

/* The host is saved with keys of other types only: a server does not lose
 * its saved key by itself, so this is treated like a changed key. */
static void
set_other_type_error (Worker       *worker,
                      SnSshKeyType  key_type,
                      const char   *fingerprint,
                      GError      **error)
{
  g_autofree char *pattern = sn_known_hosts_host_pattern (worker->host, worker->port);
  g_autofree char *saved = sn_known_hosts_dup_saved_algorithms (worker->known_hosts,
                                                                worker->host, worker->port);

  g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE,
               _("%s:%u is known with another key type: %s saves %s for it, but the server "
                 "now presents an %s key (%s) and none of the saved type. A server does not "
                 "lose its host key by itself: someone may be intercepting the connection "
                 "(a man-in-the-middle attack) with a key type they control. The connection "
                 "was stopped and nothing was sent. Ask your hosting provider which host keys "
                 "the server has; only if this fingerprint is one of them, remove the lines "
                 "for %s from %s and connect again to save the new key."),
               worker->host, worker->port, sn_known_hosts_get_path (worker->known_hosts),
               saved != NULL ? saved : _("a key"), sn_ssh_key_type_to_name (key_type),
               fingerprint, pattern, sn_known_hosts_get_path (worker->known_hosts));
}

static gboolean
check_host_key (Worker  *worker,
                GError **error)
{
  const char *key;
  size_t len = 0;
  int type = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;
  SnKnownHostsResult result;
  SnSshKeyType key_type;

  key = libssh2_session_hostkey (worker->session, &len, &type);
  if (key == NULL)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("%s:%u sent no host key."), worker->host, worker->port);
      return FALSE;
    }

  bytes = g_bytes_new (key, len);
  key_type = sn_ssh_key_type_from_blob (bytes);
  fingerprint = sn_ssh_key_fingerprint (bytes);

  result = sn_known_hosts_check (worker->known_hosts, worker->host, worker->port,
                                 bytes, key_type, &local_error);

  g_mutex_lock (&worker->lock);
  g_clear_pointer (&worker->host_key, g_bytes_unref);
  worker->host_key = g_bytes_ref (bytes);
  worker->host_key_result = result;
  g_mutex_unlock (&worker->lock);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  switch (result)
    {
    case SN_KNOWN_HOSTS_MATCH:
      return TRUE;

    case SN_KNOWN_HOSTS_NOT_FOUND:
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN,
                   _("First connection to %s:%u: its host key is not known yet. The server's "
                     "%s key fingerprint is %s. Compare it with the one your hosting provider "
                     "shows (or `ssh-keygen -lf /etc/ssh/ssh_host_%s_key.pub` on the server's "
                     "console) before you trust it."),
                   worker->host, worker->port, sn_ssh_key_type_to_name (key_type), fingerprint,
                   key_type == SN_SSH_KEY_TYPE_ED25519 ? "ed25519" : "ecdsa");
      return FALSE;

    case SN_KNOWN_HOSTS_OTHER_TYPE:
      set_other_type_error (worker, key_type, fingerprint, error);
      return FALSE;

    case SN_KNOWN_HOSTS_MISMATCH:
    default:
      {
        g_autofree char *pattern = sn_known_hosts_host_pattern (worker->host, worker->port);

        g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED,
                     _("The host key of %s:%u has CHANGED. The server now presents the %s key "
                       "%s, which is not the one saved in %s. Either the server was reinstalled, "
                       "or someone is intercepting the connection (a man-in-the-middle attack). "
                       "The connection was stopped and nothing was sent. Ask your hosting provider "
                       "which host key the server has; only once it matches %s, remove the line "
                       "for %s from %s and connect again to save the new key."),
                     worker->host, worker->port, sn_ssh_key_type_to_name (key_type), fingerprint,
                     sn_known_hosts_get_path (worker->known_hosts), fingerprint, pattern,
                     sn_known_hosts_get_path (worker->known_hosts));
        return FALSE;
      }
    }
}

/* The saved host key types first, then the usual order: the server then
 * presents the key the known_hosts file holds. */
static char *
host_key_preference (Worker *worker)
{
  g_autofree char *saved = sn_known_hosts_dup_saved_algorithms (worker->known_hosts,
                                                                worker->host, worker->port);
  g_auto(GStrv) defaults = g_strsplit (SN_SSH_SESSION_HOST_KEY_ALGORITHMS, ",", -1);
  g_autoptr(GString) prefs = g_string_new (saved);
  g_auto(GStrv) saved_list = g_strsplit (saved != NULL ? saved : "", ",", -1);

  for (guint i = 0; defaults[i] != NULL; i++)
    {
      if (g_strv_contains ((const char * const *)saved_list, defaults[i]))
        continue;
      g_string_append_printf (prefs, "%s%s", prefs->len > 0 ? "," : "", defaults[i]);
    }

  return g_string_free (g_steal_pointer (&prefs), FALSE);
}

#define SN_SSH_CIPHER_PREFS \
  "aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com"

gboolean
sn_ssh_worker_connect (Worker  *worker,
                GError **error)
{
  g_autofree char *host_key_prefs = NULL;
  int rc;
  int timeout_ms;

  worker->sock = open_socket (worker, error);
  if (worker->sock < 0)
    return FALSE;

  /* Unacknowledged keepalives break the socket after two intervals. */
  timeout_ms = worker->keepalive > 0 ? (int)(worker->keepalive * 2000 + 500) : 0;
  if (timeout_ms > 0)
    setsockopt (worker->sock, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms, sizeof timeout_ms);

  worker->session = libssh2_session_init_ex (NULL, NULL, NULL, worker);
  if (worker->session == NULL)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED, _("Could not start an SSH session."));
      return FALSE;
    }

  libssh2_session_callback_set (worker->session, LIBSSH2_CALLBACK_RECV, (void *)worker_recv);
  host_key_prefs = host_key_preference (worker);
  libssh2_session_method_pref (worker->session, LIBSSH2_METHOD_HOSTKEY, host_key_prefs);
  /* AES first: OpenSSL runs it with AES-NI, while libssh2 1.11's
   * chacha20-poly1305 is portable C at a third of the speed (bench-tunnel).
   * libssh2 drops the names it does not know (1.10 has no GCM). */
  libssh2_session_method_pref (worker->session, LIBSSH2_METHOD_CRYPT_CS, SN_SSH_CIPHER_PREFS);
  libssh2_session_method_pref (worker->session, LIBSSH2_METHOD_CRYPT_SC, SN_SSH_CIPHER_PREFS);
  libssh2_session_set_blocking (worker->session, 1);
  libssh2_session_set_timeout (worker->session, CONNECT_TIMEOUT_MS);

  rc = libssh2_session_handshake (worker->session, worker->sock);
  if (rc != 0)
    {
      char *msg = NULL;

      libssh2_session_last_error (worker->session, &msg, NULL, 0);
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("The SSH handshake with %s:%u failed: %s (libssh2 error %d). Check that the "
                     "port is the SSH port and that the server offers an ed25519 or ECDSA host key."),
                   worker->host, worker->port, msg != NULL ? msg : "", rc);
      return FALSE;
    }

  if (!check_host_key (worker, error))
    return FALSE;

  if (!authenticate (worker, error))
    return FALSE;

  libssh2_session_set_timeout (worker->session, 0);
  libssh2_session_set_blocking (worker->session, 0);
  if (worker->keepalive > 0)
    libssh2_keepalive_config (worker->session, 0, worker->keepalive);

  return TRUE;
}

void
sn_ssh_worker_close_session (Worker   *worker,
                      gboolean  polite)
{
  if (worker->session != NULL)
    {
      if (polite)
        {
          libssh2_session_set_blocking (worker->session, 1);
          libssh2_session_set_timeout (worker->session, 2000);
          if (worker->sftp != NULL)
            libssh2_sftp_shutdown (worker->sftp);
          worker->sftp = NULL;
          libssh2_session_disconnect (worker->session, "Narcisse Admin closed the session");
        }
      /* not polite: the SFTP state is dropped with the session (a small leak
       * on a lost connection: freeing it would talk to a dead socket) */
      worker->sftp = NULL;
      libssh2_session_free (worker->session);
      worker->session = NULL;
    }
  if (worker->sock >= 0)
    {
      close (worker->sock);
      worker->sock = -1;
    }
}
