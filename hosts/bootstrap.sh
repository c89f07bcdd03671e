#!/usr/bin/env bash
# Host bootstrap: turns a host of the dcp host image (hosts/image) into a dcp host, or a
# Consul server. The same file runs inside each network namespace of the local fleet and
# as cloud user data (the constructs embed it), so it is configured only by environment
# variables and is idempotent: running it again keeps healthy daemons and starts the ones
# that are down. It installs nothing: the image carries Docker Engine, Consul, curl and
# openssl.
#
#   DCP_ROLE           (host)             host: Consul agent + dockerd; consul-server: a Consul server
#   DCP_NODE_NAME, DCP_HOST_IP            Consul node name; the address daemons listen on
#   DCP_IDC, DCP_ZONE, DCP_FLEET          where the host sits (Consul node meta)
#   DCP_CPU, DCP_MEMORY_MIB, DCP_CLOUD    host class and whether it is a cloud host
#   DCP_CONSUL_JOIN                       host[:port] of the IDC's Consul servers, comma-separated
#   DCP_CONSUL_DATACENTER (dc1)           the Consul datacenter of those servers
#   DCP_CONSUL_BOOTSTRAP_EXPECT           consul-server: servers in the quorum
#   DCP_CONSUL_ACL     (0)                1: ACLs on, default deny (the agent token comes from enrolment)
#   DCP_KV_ROOT        (dcp)              KV root for the init status
#   DCP_TLS_DIR                           ca.pem (signs Docker clients), server-cert.pem, server-key.pem
#   DCP_ENROL_URL      (none)             host enrolment service: makes server-cert.pem (and the agent token)
#   DCP_ENROL_RETRIES  (60)               attempts, 5 s apart, while the enrolment service is unreachable
#   DCP_STATE_DIR      (/var/lib/dcp-host) data, pid files, sockets, logs; host.env for systemd
#   DCP_SUPERVISOR     (process)          process: daemons detached (local fleet); systemd: units that restart them
#   DCP_SYSTEMD_DIR    (/etc/systemd/system) where the units go
#   DCP_INSECURE_REGISTRY (none)          a plain-HTTP registry the daemon may pull from
#
#   bootstrap.sh                 everything: enrol, units, Consul, Docker, init status
#   bootstrap.sh enrol           only the enrolment: a key made here, a certificate for DCP_HOST_IP
#   bootstrap.sh config          only write Consul's config (and for systemd, host.env and the units)
#   bootstrap.sh exec consul|docker   run that daemon in the foreground (what the units run)
#
# Init status goes to KV <root>/hosts/<node>/init as each stage ends:
# {"stage":"consul"|"docker"|"ready","ok":true|false,"error"?:"…","at":"<ISO time>"}.
# Consul comes first because the status can only be written through the agent.
set -euo pipefail

role="${DCP_ROLE:-host}"
case "$role" in
  host) required=(DCP_NODE_NAME DCP_HOST_IP DCP_IDC DCP_ZONE DCP_FLEET DCP_CPU DCP_MEMORY_MIB DCP_CLOUD DCP_CONSUL_JOIN DCP_TLS_DIR) ;;
  consul-server) required=(DCP_NODE_NAME DCP_HOST_IP DCP_CONSUL_JOIN DCP_CONSUL_BOOTSTRAP_EXPECT) ;;
  *) echo "bootstrap: DCP_ROLE must be host or consul-server (got $role)" >&2; exit 1 ;;
esac
for var in "${required[@]}"; do
  if [ -z "${!var:-}" ]; then
    echo "bootstrap: $var is not set" >&2
    exit 1
  fi
done
supervisor="${DCP_SUPERVISOR:-process}"
case "$supervisor" in process | systemd) ;; *) echo "bootstrap: DCP_SUPERVISOR must be process or systemd (got $supervisor)" >&2; exit 1 ;; esac
kv_root="${DCP_KV_ROOT:-dcp}"
state="${DCP_STATE_DIR:-/var/lib/dcp-host}"
script="$(readlink -f "${BASH_SOURCE[0]}")"
export CONSUL_HTTP_ADDR=http://127.0.0.1:8500

log() { echo "bootstrap[$DCP_NODE_NAME]: $*" >&2; }

require_tools() {
  local tools=(consul curl)
  [ "$role" != host ] || tools+=(dockerd openssl)
  for tool in "${tools[@]}"; do
    if ! command -v "$tool" >/dev/null; then
      log "$tool not found: dcp hosts run the dcp host image (hosts/image), which carries Docker Engine, Consul, curl and openssl"
      exit 1
    fi
  done
}

consul_command() {
  cmd=(consul agent -data-dir "$state/consul" -pid-file "$state/consul.pid" -config-dir "$state/consul.d"
    -node "$DCP_NODE_NAME" -bind "$DCP_HOST_IP" -advertise "$DCP_HOST_IP" -client "127.0.0.1 $DCP_HOST_IP"
    -datacenter "${DCP_CONSUL_DATACENTER:-dc1}")
  local addr
  for addr in ${DCP_CONSUL_JOIN//,/ }; do cmd+=(-retry-join "$addr"); done
  if [ "$role" = consul-server ]; then
    cmd+=(-server -bootstrap-expect "$DCP_CONSUL_BOOTSTRAP_EXPECT")
    return
  fi
  cmd+=(-node-meta "dcp_idc:$DCP_IDC" -node-meta "dcp_zone:$DCP_ZONE" -node-meta "dcp_fleet:$DCP_FLEET"
    -node-meta "dcp_cpu:$DCP_CPU" -node-meta "dcp_memory_mib:$DCP_MEMORY_MIB"
    -node-meta "dcp_cloud:$DCP_CLOUD" -node-meta "dcp_docker:tcp://$DCP_HOST_IP:2376")
}

docker_command() {
  # Containers use host networking, so the daemon needs no bridge or NAT rules of its own.
  cmd=(dockerd --data-root "$state/docker" --exec-root "$state/docker-exec"
    --pidfile "$state/docker.pid" -H "unix://$state/docker.sock" -H "tcp://$DCP_HOST_IP:2376"
    --tlsverify --tlscacert "$DCP_TLS_DIR/ca.pem" --tlscert "$DCP_TLS_DIR/server-cert.pem"
    --tlskey "$DCP_TLS_DIR/server-key.pem" --bridge=none --iptables=false --ip6tables=false --ip-masq=false)
  [ -z "${DCP_INSECURE_REGISTRY:-}" ] || cmd+=(--insecure-registry "$DCP_INSECURE_REGISTRY")
}

# ACLs deny by default: containers on the host network reach 127.0.0.1:8500 but hold no
# token, so they can read what the anonymous policy allows and write nothing.
consul_config() {
  mkdir -p "$state/consul.d"
  if [ "${DCP_CONSUL_ACL:-0}" = 1 ]; then
    printf 'acl {\n  enabled = true\n  default_policy = "deny"\n  down_policy = "extend-cache"\n  enable_token_persistence = true\n}\n' >"$state/consul.d/acl.hcl"
  fi
}

# --- enrolment: the host's own key and a certificate for its own address --------------

certificate_ok() { # cert key: signed by the host CA, for DCP_HOST_IP, and matching the key
  local ca="$DCP_TLS_DIR/host-ca.pem"
  [ -s "$1" ] && [ -s "$2" ] &&
    openssl verify -CAfile "$ca" "$1" >/dev/null 2>&1 &&
    openssl x509 -in "$1" -noout -checkip "$DCP_HOST_IP" | grep -q 'does match' &&
    [ "$(openssl x509 -in "$1" -noout -pubkey)" = "$(openssl pkey -in "$2" -pubout)" ]
}

enrol_call() { # path output [curl args…]
  local path="$1" out="$2"
  shift 2
  curl -fsS --cacert "$DCP_TLS_DIR/host-ca.pem" --max-time 20 --retry "${DCP_ENROL_RETRIES:-60}" --retry-delay 5 --retry-all-errors \
    -X POST "$@" -o "$out" "$DCP_ENROL_URL/v1/hosts/$DCP_NODE_NAME/$path"
}

# Runs where `set -e` does not reach (`enrol || …`), so every step checks itself.
enrol() {
  local tls="$DCP_TLS_DIR"
  if certificate_ok "$tls/server-cert.pem" "$tls/server-key.pem"; then return 0; fi
  (
    umask 077
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/server-key.pem.new" \
      -subj "/CN=$DCP_NODE_NAME" -addext "subjectAltName=IP:$DCP_HOST_IP" -addext "extendedKeyUsage=serverAuth" \
      -out "$tls/server.csr" 2>/dev/null
  ) || { log "could not make a key and certificate request"; return 1; }
  enrol_call certificate "$tls/server-cert.pem.new" -H "Content-Type: application/pkcs10" --data-binary "@$tls/server.csr" ||
    { log "the enrolment service did not sign the certificate request"; return 1; }
  if ! certificate_ok "$tls/server-cert.pem.new" "$tls/server-key.pem.new"; then
    rm -f "$tls/server-cert.pem.new"
    log "the enrolment service returned a certificate that is not signed by host-ca.pem, not for $DCP_HOST_IP, or not for this key"
    return 1
  fi
  mv "$tls/server-key.pem.new" "$tls/server-key.pem" && mv "$tls/server-cert.pem.new" "$tls/server-cert.pem" && rm -f "$tls/server.csr" || return 1
  [ "${DCP_CONSUL_ACL:-0}" = 1 ] || return 0
  (umask 077 && enrol_call consul-agent-token "$state/agent-token") || { log "the enrolment service gave no Consul agent token"; return 1; }
  if ! grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$state/agent-token"; then
    log "the enrolment service returned no Consul token (a UUID)"
    return 1
  fi
  mkdir -p "$state/consul.d" &&
    (umask 077 && printf 'acl {\n  tokens {\n    agent = "%s"\n  }\n}\n' "$(cat "$state/agent-token")" >"$state/consul.d/agent-token.hcl")
}

# --- supervision -----------------------------------------------------------------------

units_dir="${DCP_SYSTEMD_DIR:-/etc/systemd/system}"

unit() { # name description [extra [Service] lines]
  local name="$1" description="$2"
  shift 2
  {
    printf '[Unit]\nDescription=%s\nAfter=network-online.target\nWants=network-online.target\n\n' "$description"
    printf '[Service]\nEnvironmentFile=%s\nExecStart=/bin/bash %s exec %s\nRestart=always\nRestartSec=5\n' "$state/host.env" "$script" "$name"
    [ $# -eq 0 ] || printf '%s\n' "$@"
    printf '\n[Install]\nWantedBy=multi-user.target\n'
  } >"$units_dir/dcp-$name.service"
}

write_units() {
  mkdir -p "$units_dir"
  (umask 077 && env | grep '^DCP_' | sort >"$state/host.env")
  unit consul "dcp: Consul $([ "$role" = host ] && echo agent || echo server)"
  daemons=(dcp-consul.service)
  if [ "$role" = host ]; then
    # KillMode=process: restarting dockerd leaves the containers to their shims, as Docker's own unit does.
    unit docker "dcp: Docker Engine (TLS)" "KillMode=process" "LimitNOFILE=1048576" "Delegate=yes"
    daemons+=(dcp-docker.service)
  fi
  # Runs this script at every boot, so the init status is written again after a reboot.
  printf '[Unit]\nDescription=dcp: host bootstrap and init status\nAfter=%s\nWants=%s\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nEnvironmentFile=%s\nExecStart=/bin/bash %s\n\n[Install]\nWantedBy=multi-user.target\n' \
    "${daemons[*]}" "${daemons[*]}" "$state/host.env" "$script" >"$units_dir/dcp-host.service"
}

running() { # pid file: a live daemon of this host (after a reboot the pid may be another process's)
  [ -f "$1" ] && tr '\0' ' ' <"/proc/$(cat "$1")/cmdline" 2>/dev/null | grep -qF "$state"
}

start() { # consul|docker
  if [ "$supervisor" = systemd ]; then
    systemctl start "dcp-$1.service"
  elif ! running "$state/$1.pid"; then
    setsid bash "$script" exec "$1" >>"$state/$1.log" 2>&1 </dev/null &
  fi
}

wait_for() { # seconds, command…
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

consul_ready() { [ -n "$(curl -sf "$CONSUL_HTTP_ADDR/v1/status/leader" | tr -d '"')" ]; }
docker_ready() { curl -sf --unix-socket "$state/docker.sock" http://docker/_ping; }

status() { # stage ok [error]
  local error=""
  [ -z "${3:-}" ] || error=",\"error\":\"$(printf '%s' "$3" | tr -d '"\\\n' | cut -c1-200)\""
  [ ! -s "$state/agent-token" ] || export CONSUL_HTTP_TOKEN_FILE="$state/agent-token"
  consul kv put "$kv_root/hosts/$DCP_NODE_NAME/init" \
    "{\"stage\":\"$1\",\"ok\":$2$error,\"at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}" >/dev/null
}

# --- main ----------------------------------------------------------------------------

mkdir -p "$state"
case "${1:-}" in
  exec)
    case "${2:-}" in consul) consul_command ;; docker) docker_command ;; *) echo "bootstrap: exec consul|docker" >&2; exit 1 ;; esac
    exec "${cmd[@]}"
    ;;
  enrol)
    [ -n "${DCP_ENROL_URL:-}" ] || { echo "bootstrap: DCP_ENROL_URL is not set" >&2; exit 1; }
    enrol || exit 1
    exit
    ;;
  config)
    consul_config
    [ "$supervisor" != systemd ] || write_units
    exit
    ;;
  "") ;;
  *) echo "bootstrap: unknown command $1 (none, enrol, config, exec consul|docker)" >&2; exit 1 ;;
esac

require_tools
consul_config
if [ "$role" = host ] && [ -n "${DCP_ENROL_URL:-}" ] && ! enrol; then
  log "enrolment at $DCP_ENROL_URL failed; the host has no Docker server certificate"
  exit 1
fi
if [ "$supervisor" = systemd ]; then
  write_units
  systemctl daemon-reload
  systemctl enable "${daemons[@]}" dcp-host.service
fi

start consul
# Joined and a leader known: only then can the init status be written.
if ! wait_for 60 consul_ready; then
  log "consul agent did not join $DCP_CONSUL_JOIN within 60 s (see $state/consul.log or journalctl -u dcp-consul)"
  exit 1
fi
[ "$role" = host ] || { log "consul server up"; exit 0; }
status consul true
log "consul agent joined $DCP_CONSUL_JOIN"

start docker
if ! wait_for 60 docker_ready; then
  status docker false "dockerd did not answer within 60 s (see $state/docker.log or journalctl -u dcp-docker)"
  log "dockerd did not answer within 60 s (see $state/docker.log)"
  exit 1
fi
status docker true
log "dockerd answers on tcp://$DCP_HOST_IP:2376 (TLS)"

status ready true
log "ready"
