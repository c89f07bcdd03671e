#!/bin/sh
# The local entry tier: HAProxy 2.6 (Debian's) following dcp's upstreams in Consul KV
# through upsync.lua, as nginx-upsync-module does for nginx. Writes haproxy.cfg from the
# environment and runs HAProxy in the foreground.
#
#   UPSYNC_UPSTREAMS  upstreams to route, comma-separated; a request goes to the one its Host
#                     header names (first label, e.g. `Host: feed_api`), else to the first
#   PORT              traffic port (the pool's first port); GET /nginx-health answers ok
#   PORT_STATUS       status port: /upstream_show (nginx-upsync-module's format) and
#                     /haproxy-stats (HAProxy's stats; ;csv for CSV)
#   UPSYNC_CONSUL, UPSYNC_PREFIX, UPSYNC_INTERVAL, UPSYNC_TIMEOUT, UPSYNC_SLOTS: see upsync.lua
set -eu
: "${UPSYNC_UPSTREAMS:?set UPSYNC_UPSTREAMS to the upstreams this tier routes, e.g. feed_api,hongbao_api}"
upstreams="$(echo "$UPSYNC_UPSTREAMS" | tr ',' ' ')"
first="${upstreams%% *}"
cfg=/tmp/haproxy.cfg
{
  cat <<CFG
global
  nbthread 1
  maxconn 4096
  lua-load /etc/dcp-entry/upsync.lua

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 5s
  # As nginx with proxy_next_upstream off: a request sent to a server that does not
  # answer fails; nothing retries it elsewhere and hides the dead server.
  retries 0

frontend entry
  bind :${PORT:-80}
  http-request use-service lua.health if { path /nginx-health }
  use_backend %[req.hdr(host),field(1,:),field(1,.),lower]
  default_backend ${first}

frontend status
  bind :${PORT_STATUS:-8081}
  http-request use-service lua.upstream_show if { path /upstream_show }
  stats enable
  stats uri /haproxy-stats
  stats show-legends
CFG
  for u in $upstreams; do
    printf '\nbackend %s\n  balance roundrobin\n  server-template s 1-%s 0.0.0.0:0 disabled\n' "$u" "${UPSYNC_SLOTS:-64}"
  done
} >"$cfg"
# SIGTERM (docker stop) becomes SIGUSR1, HAProxy's soft stop: it closes its listeners and
# lets the requests in flight finish before it exits.
haproxy -db -f "$cfg" &
pid=$!
trap 'kill -USR1 "$pid"' TERM INT
# The first wait returns when the trap runs; the second waits for HAProxy to finish.
wait "$pid" || true
wait "$pid"
