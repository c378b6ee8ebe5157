# OpenSSH sshd, real server, own config on 127.0.0.1 (sourced). RECIPES.md §6.
# ed25519 host key ONLY: libssh2 1.10 cannot do RSA host keys.
# SPDX-License-Identifier: GPL-3.0-or-later

svc_sshd_init() {
    local d=$SN_STACK_DIR/ssh
    mkdir -p "$d"
    ssh-keygen -q -t ed25519 -N '' -C "sn-stack-host" -f "$d/hostkey_ed25519"
    ssh-keygen -q -t ed25519 -N '' -C "sn-stack-client" -f "$SSH_KEY"
    ssh-keygen -q -t ed25519 -N '' -C "sn-stack-readonly" -f "$SSH_RO_KEY"
    cp "$SSH_KEY.pub" "$d/authorized_keys"
    # The read-only profile's key: the database tunnel and nothing else, the line the
    # "Set up read-only access" runbook writes (src/core/sn-host-actions.c).
    printf '%s %s\n' "$(tunnel_only_options "$PGPORT")" "$(cat "$SSH_RO_KEY.pub")" >> "$d/authorized_keys"
    cat > "$d/sshd_config" <<CONF
# narcisse test stack sshd
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/hostkey_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
AllowTcpForwarding yes
AllowAgentForwarding no
X11Forwarding no
PrintMotd no
PrintLastLog no
MaxStartups 50:30:100
MaxSessions 50
Subsystem sftp internal-sftp
LogLevel VERBOSE
# The remote HOME is the stack's own: a VPS account has no developer's
# ~/.bashrc (here one runs "pyenv init", 100-500 ms per command).
SetEnv PATH=$FAKEHOST_BIN:/usr/local/bin:/usr/bin:/bin SN_STACK_DIR=$SN_STACK_DIR HOME=$d/home
CONF
    mkdir -p "$d/home"
    seed_npm_cache "$d/home/.npm/_cacache"
    mkdir -p -m 0755 /run/sshd
    /usr/sbin/sshd -t -f "$d/sshd_config" || die "sshd config test failed"
}

# tunnel_only_options PORT: authorized_keys options that let a key open a tunnel to
# 127.0.0.1:PORT only; any command prints why and fails (no shell, no hang).
tunnel_only_options() {
    printf 'restrict,port-forwarding,permitopen="127.0.0.1:%s",command="echo %s >&2; exit 1"' \
        "$1" "'narcisse: this SSH key only opens the database tunnel'"
}

svc_sshd_status() { pid_alive "$(pidfile_pid "$SN_STACK_DIR/ssh/sshd.pid" 2>/dev/null)"; }

svc_sshd_start() {
    svc_sshd_status && return 0
    local d=$SN_STACK_DIR/ssh
    mkdir -p -m 0755 /run/sshd
    rm -f "$d/sshd.pid"
    setsid /usr/sbin/sshd -f "$d/sshd_config" -E "$SSH_LOG" </dev/null >/dev/null 2>&1 || true
    if ! wait_port "$SSH_PORT" 5; then show_log_tail "$SSH_LOG"; die "sshd did not start on port $SSH_PORT"; fi
    local i; for (( i=0; i<100; i++ )); do [[ -s "$d/sshd.pid" ]] && break; sleep 0.02; done
    if [[ ! -s "$SSH_KNOWN_HOSTS" ]]; then
        ssh-keyscan -t ed25519 -p "$SSH_PORT" 127.0.0.1 2>/dev/null > "$SSH_KNOWN_HOSTS" || true
    fi
    if [[ ! -s "$SSH_KNOWN_HOSTS" ]]; then
        printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$d/hostkey_ed25519.pub")" > "$SSH_KNOWN_HOSTS"
    fi
}

svc_sshd_stop() { kill_pidfile "$SN_STACK_DIR/ssh/sshd.pid" 5; }

stack_ssh() {
    ssh -F /dev/null -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
        -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 -i "$SSH_KEY" -p "$SSH_PORT" root@127.0.0.1 "$@"
}

svc_sshd_verify() {
    local out
    if ! out=$(stack_ssh 'docker compose ps --format "{{.Service}}"' 2>&1); then
        echo "$out" >&2; show_log_tail "$SSH_LOG"; die "ssh to the stack's sshd failed"
    fi
    grep -qx db <<<"$out" || { echo "$out" >&2; die "docker stand-in over ssh did not list db"; }
}

# seed_npm_cache DIR: what `npm ci` leaves in the host's npm cache (content-v2 blobs and an
# index), real files (3 MiB in all) the disk cleanup measures with du and npm cache clean removes.
seed_npm_cache() {
    local c=$1 i
    mkdir -p "$c/content-v2/sha512" "$c/index-v5/3f"
    for i in 1 2 3; do
        mkdir -p "$c/content-v2/sha512/0$i/a$i"
        head -c 1048576 /dev/zero > "$c/content-v2/sha512/0$i/a$i/$(printf '%064d' "$i")"
    done
    echo '{"key":"make-fetch-happen:request-cache:https://registry.npmjs.org/next/-/next-15.1.0.tgz"}' > "$c/index-v5/3f/index"
}
