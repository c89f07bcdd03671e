#!/usr/bin/env bash
# Host bootstrap: turns a plain Debian host into a dcp host. The same file runs inside
# each network namespace of the local fleet and as cloud user data (the Fleet construct
# embeds it), so it is configured only by environment variables and is idempotent:
# running it again keeps healthy daemons and starts the ones that are down.
#
#   DCP_NODE_NAME, DCP_HOST_IP            Consul node name; the address daemons listen on
#   DCP_IDC, DCP_ZONE, DCP_FLEET          where the host sits (Consul node meta)
#   DCP_CPU, DCP_MEMORY_MIB, DCP_CLOUD    host class and whether it is a cloud host
#   DCP_CONSUL_JOIN                       host[:port] of the IDC's Consul server
#   DCP_CONSUL_DATACENTER (dc1)           the Consul datacenter of that server
#   DCP_KV_ROOT        (dcp)              KV root for the init status
#   DCP_TLS_DIR                           ca.pem, server-cert.pem, server-key.pem for dockerd
#   DCP_STATE_DIR      (/var/lib/dcp-host) data, pid files, sockets and logs of the daemons
#   DCP_INSECURE_REGISTRY (none)          a plain-HTTP registry the daemon may pull from
#   DCP_INSTALL        (1)                1: install docker.io and consul when missing
#
# Init status goes to KV <root>/hosts/<node>/init as each stage ends:
# {"stage":"consul"|"docker"|"ready","ok":true|false,"error"?:"…","at":"<ISO time>"}.
# Consul comes first because the status can only be written through the agent.
set -euo pipefail

for var in DCP_NODE_NAME DCP_HOST_IP DCP_IDC DCP_ZONE DCP_FLEET DCP_CPU DCP_MEMORY_MIB DCP_CLOUD DCP_CONSUL_JOIN DCP_TLS_DIR; do
  if [ -z "${!var:-}" ]; then
    echo "bootstrap: $var is not set" >&2
    exit 1
  fi
done
kv_root="${DCP_KV_ROOT:-dcp}"
state="${DCP_STATE_DIR:-/var/lib/dcp-host}"
mkdir -p "$state"
export CONSUL_HTTP_ADDR=http://127.0.0.1:8500

log() { echo "bootstrap[$DCP_NODE_NAME]: $*" >&2; }

install_missing() {
  if ! command -v dockerd >/dev/null || ! command -v curl >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io curl ca-certificates
    # The packaged daemon (plain socket, default bridge, iptables) is not the one dcp runs.
    if command -v systemctl >/dev/null; then systemctl disable --now docker.service docker.socket || true; fi
  fi
  if ! command -v consul >/dev/null; then
    # Bookworm has no consul package; bullseye's is a static binary. A private apt
    # sources list keeps the system's own lists untouched.
    local apt_dir
    apt_dir="$(mktemp -d)"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
    echo "deb http://deb.debian.org/debian bullseye main" >"$apt_dir/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
      -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives" -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update -q
    (cd "$apt_dir" && apt-get "${opts[@]}" download consul)
    mkdir -p /usr/local/lib/dcp/consul
    dpkg -x "$apt_dir"/consul_*.deb /usr/local/lib/dcp/consul
    ln -sf /usr/local/lib/dcp/consul/usr/bin/consul /usr/local/bin/consul
    rm -rf "$apt_dir"
  fi
}

# True when the pid file names a live daemon of this host (after a reboot the pid may
# belong to another process: it must mention our state dir).
running() { [ -f "$1" ] && tr '\0' ' ' <"/proc/$(cat "$1")/cmdline" 2>/dev/null | grep -qF "$state"; }

wait_for() { # seconds, command…
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

status() { # stage ok [error]
  local error=""
  [ -z "${3:-}" ] || error=",\"error\":\"$(printf '%s' "$3" | tr -d '"\\\n' | cut -c1-200)\""
  consul kv put "$kv_root/hosts/$DCP_NODE_NAME/init" \
    "{\"stage\":\"$1\",\"ok\":$2$error,\"at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}" >/dev/null
}

consul_ready() { [ -n "$(curl -sf "$CONSUL_HTTP_ADDR/v1/status/leader" | tr -d '"')" ]; }

start_consul() {
  if ! running "$state/consul.pid"; then
    mkdir -p "$state/consul"
    setsid consul agent -data-dir "$state/consul" -pid-file "$state/consul.pid" \
      -node "$DCP_NODE_NAME" -bind "$DCP_HOST_IP" -advertise "$DCP_HOST_IP" \
      -client "127.0.0.1 $DCP_HOST_IP" -retry-join "$DCP_CONSUL_JOIN" -datacenter "${DCP_CONSUL_DATACENTER:-dc1}" \
      -node-meta "dcp_idc:$DCP_IDC" -node-meta "dcp_zone:$DCP_ZONE" -node-meta "dcp_fleet:$DCP_FLEET" \
      -node-meta "dcp_cpu:$DCP_CPU" -node-meta "dcp_memory_mib:$DCP_MEMORY_MIB" \
      -node-meta "dcp_cloud:$DCP_CLOUD" -node-meta "dcp_docker:tcp://$DCP_HOST_IP:2376" \
      >>"$state/consul.log" 2>&1 </dev/null &
  fi
  # Joined and a leader known: only then can the init status be written.
  wait_for 60 consul_ready
}

docker_ready() { curl -sf --unix-socket "$state/docker.sock" http://docker/_ping; }

start_docker() {
  if ! running "$state/docker.pid"; then
    local registry=()
    [ -z "${DCP_INSECURE_REGISTRY:-}" ] || registry=(--insecure-registry "$DCP_INSECURE_REGISTRY")
    # Containers use host networking, so the daemon needs no bridge or NAT rules of its own.
    setsid dockerd --data-root "$state/docker" --exec-root "$state/docker-exec" \
      --pidfile "$state/docker.pid" -H "unix://$state/docker.sock" -H "tcp://$DCP_HOST_IP:2376" \
      --tlsverify --tlscacert "$DCP_TLS_DIR/ca.pem" --tlscert "$DCP_TLS_DIR/server-cert.pem" \
      --tlskey "$DCP_TLS_DIR/server-key.pem" --bridge=none --iptables=false --ip6tables=false \
      --ip-masq=false "${registry[@]}" >>"$state/docker.log" 2>&1 </dev/null &
  fi
  wait_for 60 docker_ready
}

[ "${DCP_INSTALL:-1}" != 1 ] || install_missing

if ! start_consul; then
  log "consul agent did not join $DCP_CONSUL_JOIN within 60 s (see $state/consul.log)"
  exit 1
fi
status consul true
log "consul agent joined $DCP_CONSUL_JOIN"

if ! start_docker; then
  status docker false "dockerd did not answer within 60 s (see $state/docker.log)"
  log "dockerd did not answer within 60 s (see $state/docker.log)"
  exit 1
fi
status docker true
log "dockerd answers on tcp://$DCP_HOST_IP:2376 (TLS)"

status ready true
log "ready"
