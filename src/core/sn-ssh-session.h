/* sn-ssh-session.h: one SSH connection to a profile's host, on its own worker thread
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-known-hosts.h"
#include "sn-profile.h"
#include "sn-secret-store.h"

G_BEGIN_DECLS

#define SN_SSH_ERROR (sn_ssh_error_quark ())

/**
 * SnSshError:
 * @SN_SSH_ERROR_CONNECT: the TCP connection or the SSH handshake failed
 * @SN_SSH_ERROR_HOST_KEY_UNKNOWN: first contact: the host key is not in the app's
 *   known_hosts; show sn_ssh_session_dup_host_key_fingerprint(), then pass
 *   that fingerprint to sn_ssh_session_trust_host_key() and connect again
 * @SN_SSH_ERROR_HOST_KEY_CHANGED: the host key differs from the saved one: never continue
 * @SN_SSH_ERROR_AUTH: the server refused every login method (not retried: fail2ban)
 * @SN_SSH_ERROR_PASSPHRASE: the key file is encrypted and the passphrase is missing or wrong
 * @SN_SSH_ERROR_DISCONNECTED: the connection dropped; the next call reconnects
 * @SN_SSH_ERROR_TIMEOUT: a command ran longer than its timeout and was stopped
 * @SN_SSH_ERROR_CHANNEL: the server refused to open a channel or run the command
 * @SN_SSH_ERROR_FORWARDING_DISABLED: the server forbids TCP forwarding (AllowTcpForwarding no)
 * @SN_SSH_ERROR_FAILED: anything else
 * @SN_SSH_ERROR_NO_SPACE: the host's filesystem is full (a file write failed)
 * @SN_SSH_ERROR_PERMISSION: the host refused access to a file
 * @SN_SSH_ERROR_NOT_FOUND: the remote file does not exist
 * @SN_SSH_ERROR_SFTP_UNAVAILABLE: the server has no SFTP subsystem; file
 *   transfers then go through `cat` over exec
 * @SN_SSH_ERROR_HOST_KEY_OTHER_TYPE: the host is known with another key type
 *   than the one it presents (a possible downgrade by a man in the middle):
 *   a hard stop like %SN_SSH_ERROR_HOST_KEY_CHANGED, never trusted
 *
 * sn_ssh_error_is_host_key_stop() tells the two hard stops apart from the rest.
 */
typedef enum
{
  SN_SSH_ERROR_CONNECT,
  SN_SSH_ERROR_HOST_KEY_UNKNOWN,
  SN_SSH_ERROR_HOST_KEY_CHANGED,
  SN_SSH_ERROR_AUTH,
  SN_SSH_ERROR_PASSPHRASE,
  SN_SSH_ERROR_DISCONNECTED,
  SN_SSH_ERROR_TIMEOUT,
  SN_SSH_ERROR_CHANNEL,
  SN_SSH_ERROR_FORWARDING_DISABLED,
  SN_SSH_ERROR_FAILED,
  SN_SSH_ERROR_NO_SPACE,
  SN_SSH_ERROR_PERMISSION,
  SN_SSH_ERROR_NOT_FOUND,
  SN_SSH_ERROR_SFTP_UNAVAILABLE,
  SN_SSH_ERROR_HOST_KEY_OTHER_TYPE,
} SnSshError;

/**
 * SnSshTransport:
 * @SN_SSH_TRANSPORT_SFTP: the SFTP subsystem carried the bytes
 * @SN_SSH_TRANSPORT_EXEC: `cat` over an exec channel did (no SFTP on the server)
 *
 * Which path a file transfer took.
 */
typedef enum
{
  SN_SSH_TRANSPORT_SFTP,
  SN_SSH_TRANSPORT_EXEC,
} SnSshTransport;

const char *sn_ssh_transport_to_string (SnSshTransport transport);

GQuark   sn_ssh_error_quark            (void);
gboolean sn_ssh_error_is_host_key_stop (const GError *error);

/* The outcome of one remote command. */
#define SN_TYPE_SSH_EXEC_RESULT (sn_ssh_exec_result_get_type ())

G_DECLARE_FINAL_TYPE (SnSshExecResult, sn_ssh_exec_result, SN, SSH_EXEC_RESULT, GObject)

const char *sn_ssh_exec_result_get_command      (SnSshExecResult *self);
int         sn_ssh_exec_result_get_exit_status  (SnSshExecResult *self);  /* -1 if killed by a signal */
const char *sn_ssh_exec_result_get_exit_signal  (SnSshExecResult *self);  /* "HUP", ... or NULL */
gboolean    sn_ssh_exec_result_get_success      (SnSshExecResult *self);  /* exit status 0 */
GBytes     *sn_ssh_exec_result_get_stdout       (SnSshExecResult *self);  /* empty when streamed */
GBytes     *sn_ssh_exec_result_get_stderr       (SnSshExecResult *self);  /* empty when streamed as lines */
char       *sn_ssh_exec_result_dup_stdout_text  (SnSshExecResult *self);
char       *sn_ssh_exec_result_dup_stderr_text  (SnSshExecResult *self);
guint64     sn_ssh_exec_result_get_stdout_bytes (SnSshExecResult *self);  /* bytes received, always */
guint64     sn_ssh_exec_result_get_stderr_bytes (SnSshExecResult *self);
guint64     sn_ssh_exec_result_get_stdin_bytes  (SnSshExecResult *self);  /* sent by exec_with_input */
gint64      sn_ssh_exec_result_get_duration_us  (SnSshExecResult *self);

/**
 * SnSshLineFunc:
 * @line: one line of output without its newline (the last one may lack it remotely);
 *   a line over 1 MiB comes in 1 MiB pieces, each but the last ending in " […]"
 * @is_stderr: whether it came from stderr
 * @user_data: closure
 *
 * Called in the main context that was thread-default when the exec started.
 */
typedef void (*SnSshLineFunc) (const char *line,
                               gboolean    is_stderr,
                               gpointer    user_data);

#define SN_SSH_SESSION_MAX_CHANNELS 8
#define SN_SSH_SESSION_HOST_KEY_ALGORITHMS \
  "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521"

#define SN_TYPE_SSH_SESSION (sn_ssh_session_get_type ())

G_DECLARE_FINAL_TYPE (SnSshSession, sn_ssh_session, SN, SSH_SESSION, GObject)

SnSshSession    *sn_ssh_session_new                      (SnProfile            *profile,
                                                          SnSecretStore        *secrets);
SnProfile       *sn_ssh_session_get_profile              (SnSshSession         *self);
SnKnownHosts    *sn_ssh_session_get_known_hosts          (SnSshSession         *self);
void             sn_ssh_session_set_known_hosts          (SnSshSession         *self,
                                                          SnKnownHosts         *known_hosts);
guint            sn_ssh_session_get_keepalive_interval   (SnSshSession         *self);
void             sn_ssh_session_set_keepalive_interval   (SnSshSession         *self,
                                                          guint                 seconds);
gboolean         sn_ssh_session_is_connected             (SnSshSession         *self);
void             sn_ssh_session_disconnect               (SnSshSession         *self);

GBytes          *sn_ssh_session_dup_host_key             (SnSshSession         *self);
char            *sn_ssh_session_dup_host_key_fingerprint (SnSshSession         *self);
gboolean         sn_ssh_session_trust_host_key           (SnSshSession         *self,
                                                          const char           *shown,
                                                          GError              **error);

void             sn_ssh_session_connect_async            (SnSshSession         *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean         sn_ssh_session_connect_finish           (SnSshSession         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

void             sn_ssh_session_exec_async               (SnSshSession         *self,
                                                          const char           *command,
                                                          guint                 timeout_ms,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
void             sn_ssh_session_exec_lines_async         (SnSshSession         *self,
                                                          const char           *command,
                                                          guint                 timeout_ms,
                                                          SnSshLineFunc         line_func,
                                                          gpointer              line_data,
                                                          GDestroyNotify        line_data_destroy,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
void             sn_ssh_session_exec_to_stream_async     (SnSshSession         *self,
                                                          const char           *command,
                                                          GOutputStream        *stdout_stream,
                                                          guint                 timeout_ms,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
void             sn_ssh_session_exec_with_input_async    (SnSshSession         *self,
                                                          const char           *command,
                                                          GInputStream         *stdin_stream,
                                                          guint                 timeout_ms,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
SnSshExecResult *sn_ssh_session_exec_finish              (SnSshSession         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* File transfer: SFTP, or `cat` over exec when the server has no SFTP. */
void             sn_ssh_session_read_file_async          (SnSshSession         *self,
                                                          const char           *path,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GBytes          *sn_ssh_session_read_file_finish         (SnSshSession         *self,
                                                          GAsyncResult         *result,
                                                          SnSshTransport       *transport,
                                                          GError              **error);
void             sn_ssh_session_replace_file_async       (SnSshSession         *self,
                                                          const char           *path,
                                                          GBytes               *contents,
                                                          int                   mode,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean         sn_ssh_session_replace_file_finish      (SnSshSession         *self,
                                                          GAsyncResult         *result,
                                                          char                **backup_path,
                                                          SnSshTransport       *transport,
                                                          GError              **error);

/* For SnSshTunnel: the worker thread serves forwarded connections too. */
char            *sn_ssh_session_dup_display_name         (SnSshSession         *self);

G_END_DECLS
