/* sn-known-hosts.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-known-hosts"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libssh2.h>

#include "sn-known-hosts.h"

struct _SnKnownHosts
{
  GObject  parent_instance;

  char    *path;
};

G_DEFINE_FINAL_TYPE (SnKnownHosts, sn_known_hosts, G_TYPE_OBJECT)

/* One writer at a time within the process: add() reads then rewrites the file. */
static GMutex write_mutex;

static void
sn_known_hosts_finalize (GObject *object)
{
  SnKnownHosts *self = (SnKnownHosts *)object;

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sn_known_hosts_parent_class)->finalize (object);
}

static void
sn_known_hosts_class_init (SnKnownHostsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_known_hosts_finalize;
}

static void
sn_known_hosts_init (SnKnownHosts *self)
{
}

/**
 * sn_known_hosts_default_path:
 *
 * Returns: `$XDG_DATA_HOME/narcisse-admin/known_hosts`
 */
char *
sn_known_hosts_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "known_hosts", NULL);
}

/**
 * sn_known_hosts_new:
 * @path: (nullable): a known_hosts file, or %NULL for the app's default one
 *
 * The file need not exist yet; it is read afresh by every check.
 */
SnKnownHosts *
sn_known_hosts_new (const char *path)
{
  SnKnownHosts *self = g_object_new (SN_TYPE_KNOWN_HOSTS, NULL);

  self->path = path != NULL ? g_strdup (path) : sn_known_hosts_default_path ();

  return self;
}

const char *
sn_known_hosts_get_path (SnKnownHosts *self)
{
  g_return_val_if_fail (SN_IS_KNOWN_HOSTS (self), NULL);

  return self->path;
}

/**
 * sn_known_hosts_host_pattern:
 *
 * Returns: the name OpenSSH writes for @host:@port ("host" on 22, else "[host]:port")
 */
char *
sn_known_hosts_host_pattern (const char *host,
                             guint       port)
{
  if (port == 22 || port == 0)
    return g_strdup (host);

  return g_strdup_printf ("[%s]:%u", host, port);
}

/**
 * sn_ssh_key_type_from_blob:
 * @key: a public key in SSH wire format (what the server sends)
 */
SnSshKeyType
sn_ssh_key_type_from_blob (GBytes *key)
{
  const guchar *data;
  gsize len;
  guint32 name_len;
  g_autofree char *name = NULL;

  if (key == NULL)
    return SN_SSH_KEY_TYPE_UNKNOWN;

  data = g_bytes_get_data (key, &len);
  if (len < 4)
    return SN_SSH_KEY_TYPE_UNKNOWN;

  name_len = ((guint32)data[0] << 24) | ((guint32)data[1] << 16) | ((guint32)data[2] << 8) | data[3];
  if (name_len > len - 4 || name_len > 64)
    return SN_SSH_KEY_TYPE_UNKNOWN;

  name = g_strndup ((const char *)data + 4, name_len);

  if (g_str_equal (name, "ssh-ed25519"))
    return SN_SSH_KEY_TYPE_ED25519;
  if (g_str_equal (name, "ecdsa-sha2-nistp256"))
    return SN_SSH_KEY_TYPE_ECDSA_256;
  if (g_str_equal (name, "ecdsa-sha2-nistp384"))
    return SN_SSH_KEY_TYPE_ECDSA_384;
  if (g_str_equal (name, "ecdsa-sha2-nistp521"))
    return SN_SSH_KEY_TYPE_ECDSA_521;
  if (g_str_equal (name, "ssh-rsa"))
    return SN_SSH_KEY_TYPE_RSA;

  return SN_SSH_KEY_TYPE_UNKNOWN;
}

/**
 * sn_ssh_key_type_to_name:
 *
 * Returns: the name `ssh-keygen -l` prints in parentheses: "ED25519", "ECDSA", "RSA"
 */
const char *
sn_ssh_key_type_to_name (SnSshKeyType key_type)
{
  switch (key_type)
    {
    case SN_SSH_KEY_TYPE_ED25519:
      return "ED25519";
    case SN_SSH_KEY_TYPE_ECDSA_256:
    case SN_SSH_KEY_TYPE_ECDSA_384:
    case SN_SSH_KEY_TYPE_ECDSA_521:
      return "ECDSA";
    case SN_SSH_KEY_TYPE_RSA:
      return "RSA";
    case SN_SSH_KEY_TYPE_UNKNOWN:
    default:
      return "UNKNOWN";
    }
}

/**
 * sn_ssh_key_type_to_algorithm:
 *
 * Returns: the key's algorithm name as in a known_hosts line ("ssh-ed25519", ...)
 */
const char *
sn_ssh_key_type_to_algorithm (SnSshKeyType key_type)
{
  switch (key_type)
    {
    case SN_SSH_KEY_TYPE_ED25519:
      return "ssh-ed25519";
    case SN_SSH_KEY_TYPE_ECDSA_256:
      return "ecdsa-sha2-nistp256";
    case SN_SSH_KEY_TYPE_ECDSA_384:
      return "ecdsa-sha2-nistp384";
    case SN_SSH_KEY_TYPE_ECDSA_521:
      return "ecdsa-sha2-nistp521";
    case SN_SSH_KEY_TYPE_RSA:
      return "ssh-rsa";
    case SN_SSH_KEY_TYPE_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * sn_ssh_key_fingerprint:
 * @key: a public key blob
 *
 * Returns: "SHA256:<base64 without padding>", as `ssh-keygen -lf` prints it
 */
char *
sn_ssh_key_fingerprint (GBytes *key)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *b64 = NULL;
  gsize len;

  g_return_val_if_fail (key != NULL, NULL);

  g_checksum_update (checksum, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_checksum_get_digest (checksum, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);

  len = strlen (b64);
  while (len > 0 && b64[len - 1] == '=')
    b64[--len] = '\0';

  return g_strconcat ("SHA256:", b64, NULL);
}

static int
key_type_mask (SnSshKeyType key_type)
{
  switch (key_type)
    {
    case SN_SSH_KEY_TYPE_ED25519:
      return LIBSSH2_KNOWNHOST_KEY_ED25519;
    case SN_SSH_KEY_TYPE_ECDSA_256:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case SN_SSH_KEY_TYPE_ECDSA_384:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case SN_SSH_KEY_TYPE_ECDSA_521:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case SN_SSH_KEY_TYPE_RSA:
      return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case SN_SSH_KEY_TYPE_UNKNOWN:
    default:
      return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

/**
 * sn_known_hosts_check:
 * @host: the host as the profile names it
 * @port: the SSH port
 * @key: the key blob the server presented
 * @key_type: its type, or %SN_SSH_KEY_TYPE_UNKNOWN to read it from @key
 * @error: set only when the file exists but cannot be read
 *
 * Hashed host names (`ssh-keygen -H`) are understood. When the host has
 * lines only for other key types the answer is %SN_KNOWN_HOSTS_OTHER_TYPE,
 * never %SN_KNOWN_HOSTS_NOT_FOUND: OpenSSH too refuses a key-type downgrade.
 */
SnKnownHostsResult
sn_known_hosts_check (SnKnownHosts  *self,
                      const char    *host,
                      guint          port,
                      GBytes        *key,
                      SnSshKeyType   key_type,
                      GError       **error)
{
  LIBSSH2_SESSION *session;
  LIBSSH2_KNOWNHOSTS *hosts;
  struct libssh2_knownhost *found = NULL;
  SnKnownHostsResult result = SN_KNOWN_HOSTS_NOT_FOUND;
  int rc;

  g_return_val_if_fail (SN_IS_KNOWN_HOSTS (self), SN_KNOWN_HOSTS_NOT_FOUND);
  g_return_val_if_fail (host != NULL, SN_KNOWN_HOSTS_NOT_FOUND);
  g_return_val_if_fail (key != NULL, SN_KNOWN_HOSTS_NOT_FOUND);

  if (key_type == SN_SSH_KEY_TYPE_UNKNOWN)
    key_type = sn_ssh_key_type_from_blob (key);

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    return SN_KNOWN_HOSTS_NOT_FOUND;

  /* libssh2 allocates known hosts through a session; it never connects. */
  session = libssh2_session_init ();
  hosts = libssh2_knownhost_init (session);

  rc = libssh2_knownhost_readfile (hosts, self->path, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Could not read the known hosts file “%s” (libssh2 error %d). "
                     "Check that it is a valid OpenSSH known_hosts file."),
                   self->path, rc);
      result = SN_KNOWN_HOSTS_NOT_FOUND;
      goto out;
    }

  rc = libssh2_knownhost_checkp (hosts, host, port == 0 ? 22 : (int)port,
                                 g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                                 LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                 LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                 key_type_mask (key_type),
                                 &found);
  switch (rc)
    {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
      result = SN_KNOWN_HOSTS_MATCH;
      break;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
      result = SN_KNOWN_HOSTS_MISMATCH;
      break;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
    case LIBSSH2_KNOWNHOST_CHECK_FAILURE:
    default:
      result = SN_KNOWN_HOSTS_NOT_FOUND;
      break;
    }

  /* No line of this type: a key type of 0 makes libssh2 compare with the
   * host's lines of every type, so any line for the host answers MISMATCH. */
  if (result == SN_KNOWN_HOSTS_NOT_FOUND)
    {
      rc = libssh2_knownhost_checkp (hosts, host, port == 0 ? 22 : (int)port,
                                     g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                                     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW,
                                     NULL);
      if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH || rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
        result = SN_KNOWN_HOSTS_OTHER_TYPE;
    }

out:
  libssh2_knownhost_free (hosts);
  libssh2_session_free (session);

  return result;
}

/**
 * sn_known_hosts_dup_saved_algorithms:
 * @host: the host as the profile names it
 * @port: the SSH port
 *
 * Which host key types are saved for @host:@port, so the handshake can ask
 * the server for one of those first (a server offering ed25519 and ECDSA
 * would otherwise present ed25519 and look unknown to a file holding ECDSA).
 * Hashed host names are understood.
 *
 * Returns: (transfer full) (nullable): a comma-separated list of algorithm
 *   names ("ecdsa-sha2-nistp256,ssh-ed25519"), or %NULL when none is saved
 */
char *
sn_known_hosts_dup_saved_algorithms (SnKnownHosts *self,
                                     const char   *host,
                                     guint         port)
{
  static const SnSshKeyType types[] = {
    SN_SSH_KEY_TYPE_ED25519, SN_SSH_KEY_TYPE_ECDSA_256,
    SN_SSH_KEY_TYPE_ECDSA_384, SN_SSH_KEY_TYPE_ECDSA_521,
  };
  LIBSSH2_SESSION *session;
  LIBSSH2_KNOWNHOSTS *hosts;
  g_autoptr(GString) list = g_string_new (NULL);

  g_return_val_if_fail (SN_IS_KNOWN_HOSTS (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    return NULL;

  session = libssh2_session_init ();
  hosts = libssh2_knownhost_init (session);

  if (libssh2_knownhost_readfile (hosts, self->path, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        {
          /* No saved key equals this one: a line of this type for the host
           * answers MISMATCH, no line answers NOTFOUND. */
          static const char probe[] = "narcisse-admin: no such key";
          int rc = libssh2_knownhost_checkp (hosts, host, port == 0 ? 22 : (int)port,
                                             probe, sizeof probe - 1,
                                             LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                             LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                             key_type_mask (types[i]),
                                             NULL);

          if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH || rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
            g_string_append_printf (list, "%s%s", list->len > 0 ? "," : "",
                                    sn_ssh_key_type_to_algorithm (types[i]));
        }
    }

  libssh2_knownhost_free (hosts);
  libssh2_session_free (session);

  return list->len > 0 ? g_string_free (g_steal_pointer (&list), FALSE) : NULL;
}

/**
 * sn_known_hosts_add:
 * @host: the host as the profile names it
 * @port: the SSH port
 * @key: the key blob the server presented, after the person checked its fingerprint
 *
 * Appends one line "[host]:port algorithm base64" and replaces the file
 * atomically (write to a temporary file, fsync, rename), mode 0600.
 */
gboolean
sn_known_hosts_add (SnKnownHosts  *self,
                    const char    *host,
                    guint          port,
                    GBytes        *key,
                    GError       **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *b64 = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *algorithm;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (SN_IS_KNOWN_HOSTS (self), FALSE);
  g_return_val_if_fail (host != NULL && *host != '\0', FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  algorithm = sn_ssh_key_type_to_algorithm (sn_ssh_key_type_from_blob (key));
  if (algorithm == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The host key of %s:%u is of a type this app does not know; it was not saved."),
                   host, port);
      return FALSE;
    }

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (errsv));
      return FALSE;
    }

  g_mutex_lock (&write_mutex);

  if (!g_file_get_contents (self->path, &contents, &len, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_mutex_unlock (&write_mutex);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not read the known hosts file: "));
      return FALSE;
    }

  out = g_string_new_len (contents, contents != NULL ? (gssize)len : 0);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');

  pattern = sn_known_hosts_host_pattern (host, port);
  b64 = g_base64_encode (g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_string_append_printf (out, "%s %s %s\n", pattern, algorithm, b64);

  ok = g_file_set_contents_full (self->path, out->str, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error);

  g_mutex_unlock (&write_mutex);

  return ok;
}
