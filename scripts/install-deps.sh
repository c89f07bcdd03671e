#!/usr/bin/env bash
# Installs what dcp and its local fleet need on Debian bookworm, as root. Idempotent:
# installs only what is missing, so `dcp up` can call it every time.
#
#   Debian packages: docker.io (dockerd per host), docker-registry (the fleet's image
#   registry), busybox-static (the demo image's rootfs), openssl (fleet CA and certs),
#   haproxy (a DNS SRV consumer in tests), iproute2/util-linux (ip netns, nsenter), curl,
#   dnsutils (dig, to query Consul DNS), systemd (systemd-analyze checks the cloud hosts' units).
#   Consul: bookworm has no package, so consul 1.8.7 is taken from bullseye through a
#   private apt sources list and state dir; the system's own apt lists stay untouched.
#   npm dependencies: only when node_modules is missing or on CI (a fresh clone), and
#   never with --no-npm (`dcp up` passes it: it runs from node_modules itself).
set -euo pipefail

npm_step=1
[ "${1:-}" != --no-npm ] || npm_step=0
policy="" apt_dir=""
trap '[ -z "$policy" ] || rm -f "$policy"; [ -z "$apt_dir" ] || rm -rf "$apt_dir"' EXIT

root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
consul_home=/usr/local/lib/dcp/consul

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: must run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=()
for pkg in docker.io docker-registry busybox-static openssl haproxy iproute2 util-linux curl ca-certificates dnsutils systemd; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  # Without an init system, package scripts must not start a Docker daemon in the root
  # namespace: the fleet starts its own daemons. policy-rc.d 101 = "action forbidden".
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v consul >/dev/null 2>&1; then
  echo "install-deps: consul from Debian bullseye"
  apt_dir="$(mktemp -d)"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  echo "deb http://deb.debian.org/debian bullseye main" >"$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -q
  (cd "$apt_dir" && apt-get "${apt_opts[@]}" download consul)
  rm -rf "$consul_home"
  mkdir -p "$consul_home"
  dpkg -x "$apt_dir"/consul_*.deb "$consul_home"
  ln -sf "$consul_home/usr/bin/consul" /usr/local/bin/consul
fi

if [ "$npm_step" = 1 ] && { [ ! -d "$root/node_modules" ] || [ "${CI:-}" = true ]; }; then
  # `npm install`, not `npm ci`: the lock file lists only the Linux builds of optional
  # native bindings, which `npm ci` refuses as out of sync; `npm install` follows the lock.
  echo "install-deps: npm install (from package-lock.json)"
  (cd "$root" && npm install --no-audit --no-fund)
fi
