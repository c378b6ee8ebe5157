/* sn-ssh-session-private.h: what the SSH layer's files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SnSshSession is split on its seams (the design note is at the top of
 * sn-ssh-session.c):
 *   sn-ssh-session.c  the GObject, its host key API, starting a worker
 *   sn-ssh-worker.c   jobs, the worker thread and its poll loop
 *   sn-ssh-auth.c     connecting, the host key check, logging in
 *   sn-ssh-exec.c     exec channels and SnSshExecResult
 *   sn-ssh-sftp.c     SFTP jobs, reading and replacing files
 *   sn-ssh-forward.c  TCP forwarding for SnSshTunnel
 * Everything below the tunnel's three functions runs on the worker thread
 * unless it says otherwise.
 */

#pragma once

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "sn-ssh-session.h"

G_BEGIN_DECLS

/* For SnSshTunnel */

void     _sn_ssh_session_listen_async  (SnSshSession         *self,
                                        int                   listen_fd,
                                        guint                 id,
                                        const char           *host,
                                        guint                 port,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean _sn_ssh_session_listen_finish (SnSshSession         *self,
                                        GAsyncResult         *result,
                                        GError              **error);
void     _sn_ssh_session_unlisten      (SnSshSession         *self,
                                        guint                 id);

/* Inside the SSH layer */

#define READ_BUFFER_SIZE     (256 * 1024)
#define EXEC_WINDOW_SIZE     (8 * 1024 * 1024)
#define CONNECT_TIMEOUT_MS   15000
#define STDERR_STREAM_LIMIT  (1024 * 1024)
/* A line for a line callback is cut into pieces this long, each but the
 * last ending in LINE_CUT_MARKER, so memory stays bounded (L9). */
#define LINE_LIMIT           (1024 * 1024)
#define LINE_CUT_MARKER      " […]"
#define INPUT_BUFFER_SIZE    (256 * 1024)
#define SFTP_WRITE_SLICE     (1024 * 1024)
#define FORWARD_BUFFER_SIZE  (64 * 1024)

typedef enum
{
  JOB_CONNECT,
  JOB_EXEC,
  JOB_LISTEN,     /* SnSshTunnel: probe a direct-tcpip channel, then accept on a socket */
  JOB_UNLISTEN,   /* SnSshTunnel: close the socket and its connections */
  JOB_SFTP,       /* read a file, or write one (a new file, never an existing one) */
} JobKind;

typedef enum
{
  SFTP_READ,
  SFTP_WRITE,
} SftpOp;

typedef enum
{
  SFTP_INIT,
  SFTP_OPEN,
  SFTP_FSTAT,
  SFTP_IO,
  SFTP_FSYNC,
  SFTP_CLOSE,
  SFTP_FINISH,
} SftpState;

/* What a JOB_SFTP returns. */
typedef struct
{
  GBytes   *data;      /* SFTP_READ */
  guint     mode;      /* SFTP_READ: permission bits */
  gboolean  fsynced;   /* SFTP_WRITE: fsync@openssh.com ran */
} SftpResult;


typedef enum
{
  EXEC_BUFFER,
  EXEC_LINES,
  EXEC_STREAM,
} ExecMode;

typedef enum
{
  CH_OPEN,
  CH_EXEC,
  CH_RUN,
  CH_CLOSE,
  CH_WAIT_CLOSED,
  CH_ABORT_EOF,
  CH_ABORT_KILL,   /* exec_with_input: hang the command up through a second exec */
  CH_ABORT_CLOSE,
  CH_FREE,
  CH_DONE,
} ChannelState;

typedef struct
{
  SnSshLineFunc   func;
  gpointer        data;
  GDestroyNotify  destroy;
} LineSink;

/* Someone waiting for a job without a GTask (tunnel close). */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean done;
} JobDone;



typedef struct _Job
{
  JobKind          kind;
  GTask           *task;
  JobDone         *done;          /* g_atomic_rc_box, or NULL */

  /* listen / unlisten */
  int              listen_fd;
  guint            listener_id;
  char            *target_host;
  guint            target_port;
  GCancellable    *cancellable;
  gulong           cancel_id;

  /* exec */
  char            *command;
  char            *wrapped;
  ExecMode         mode;
  GOutputStream   *stream;
  GMainContext    *context;
  LineSink        *sink;
  LIBSSH2_CHANNEL *channel;
  GByteArray      *out;
  GByteArray      *err;
  GPtrArray       *pending_lines;
  ChannelState     state;
  guint            timeout_ms;
  gint64           deadline;
  gint64           started;
  gboolean         aborting;
  guint64          out_size;
  guint64          err_size;

  /* exec_with_input */
  GInputStream    *input;
  guchar          *in_buf;
  gsize            in_len;
  gsize            in_off;
  guint64          in_size;
  char            *token;         /* names the pid file */
  struct _Job     *killer;        /* the exec hanging this one up, while it runs */
  struct _Job     *parent;        /* for a killer: the job it hangs up */
  gboolean         input_eof;
  gboolean         eof_sent;
  gboolean         kill_started;

  /* sftp */
  SftpOp               sftp_op;
  SftpState            sftp_state;
  char                *path;
  GBytes              *data;
  gsize                data_off;
  guint                file_mode;
  LIBSSH2_SFTP_HANDLE *handle;
  SftpResult          *sftp_result;
  GError              *error;
} Job;

typedef struct _Worker Worker;

struct _Worker
{
  gatomicrefcount   ref_count;

  GAsyncQueue      *jobs;
  GThread          *thread;
  int               wake_fd;

  /* configuration, copied at creation */
  SnProfile        *profile;
  SnSecretStore    *secrets;
  SnKnownHosts     *known_hosts;
  char             *host;
  char             *user;
  char             *key_file;
  guint             port;
  guint             keepalive;

  /* shared, under lock */
  GMutex            lock;
  GBytes           *host_key;
  SnKnownHostsResult host_key_result;  /* of checking host_key */
  gboolean          dead;
  gboolean          connected;
  gboolean          quit;

  /* worker thread only */
  int               sock;
  LIBSSH2_SESSION  *session;
  GPtrArray        *active;      /* Job*: channels in flight, including closing ones */
  GQueue            waiting;     /* Job*: execs waiting for a free channel slot */
  guchar           *buffer;
  gpointer          opening;     /* Job* or Forward*: libssh2 opens one channel at a time */
  GPtrArray        *listeners;   /* Listener*: tunnels' listening sockets */
  GPtrArray        *forwards;    /* Forward*: connections accepted on them */
  guint64           received;    /* bytes read from the socket, to notice queued packets */
  LIBSSH2_SFTP     *sftp;        /* opened at the first file transfer */
  gpointer          sftp_owner;  /* Job*: libssh2's SFTP state allows one operation at a time */
  gboolean          sftp_unavailable;
};

typedef struct
{
  guint  id;
  int    fd;
  char  *host;
  guint  port;
} Listener;

typedef enum
{
  FW_OPEN,
  FW_RUN,
  FW_CLOSE,
  FW_FREE,
  FW_DONE,
} ForwardState;

typedef struct
{
  guint            listener_id;
  int              fd;
  char            *host;
  guint            port;
  guint            peer_port;
  LIBSSH2_CHANNEL *channel;
  ForwardState     state;
  guchar          *to_remote;
  gsize            to_remote_len;
  gsize            to_remote_off;
  guchar          *to_local;
  gsize            to_local_len;
  gsize            to_local_off;
  guint            local_eof : 1;
  guint            remote_eof : 1;
  guint            eof_sent : 1;
  guint            local_shut : 1;
} Forward;


/* What one step of a channel's state machine leads to. */
typedef enum
{
  PUMP_AGAIN,      /* it moved on: take the next step at once */
  PUMP_PROGRESS,   /* stop here: it made progress */
  PUMP_WAIT,       /* stop here: it waits for libssh2 or another job */
} PumpStep;

/* sn-ssh-worker.c */
Job      *sn_ssh_job_new              (JobKind       kind,
                                       GTask        *task);
void      sn_ssh_job_free             (Job          *job);
void      sn_ssh_job_return_error     (Job          *job,
                                       GError       *error);
gboolean  sn_ssh_job_is_cancelled     (Job          *job);
void      sn_ssh_job_done_clear       (JobDone      *done);
void      sn_ssh_sftp_result_free     (SftpResult   *result);
Worker   *sn_ssh_worker_ref           (Worker       *worker);
void      sn_ssh_worker_unref         (Worker       *worker);
void      sn_ssh_worker_wake          (Worker       *worker);
gpointer  sn_ssh_worker_thread        (gpointer      data);
void      sn_ssh_live_workers_add     (Worker       *worker);
gboolean  sn_ssh_rc_is_fatal          (int           rc);

/* sn-ssh-auth.c */
gboolean  sn_ssh_worker_connect       (Worker       *worker,
                                       GError      **error);
void      sn_ssh_worker_close_session (Worker       *worker,
                                       gboolean      polite);

/* sn-ssh-exec.c */
gboolean  sn_ssh_exec_job_pump        (Worker       *worker,
                                       Job          *job,
                                       int          *fatal);
void      sn_ssh_job_flush_all_lines  (Job          *job);

/* sn-ssh-sftp.c */
gboolean  sn_ssh_sftp_job_pump        (Worker       *worker,
                                       Job          *job,
                                       int          *fatal);

/* sn-ssh-forward.c */
void      sn_ssh_listener_free        (Listener     *listener);
void      sn_ssh_forward_free         (Forward      *fw);
gboolean  sn_ssh_listen_job_pump      (Worker       *worker,
                                       Job          *job,
                                       int          *fatal);
gboolean  sn_ssh_forward_pump         (Worker       *worker,
                                       Forward      *fw,
                                       int          *fatal);
void      sn_ssh_listener_accept      (Worker       *worker,
                                       Listener     *listener);
void      sn_ssh_worker_unlisten      (Worker       *worker,
                                       guint         id);

/* sn-ssh-session.c (any thread) */
void      sn_ssh_session_submit       (SnSshSession *self,
                                       Job          *job);
Worker   *sn_ssh_session_ref_worker   (SnSshSession *self);

G_END_DECLS
