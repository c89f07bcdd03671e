#!/usr/bin/env bash
# Turns a fresh Debian 12 (bookworm) ECS instance into the dcp host image: run it as root
# on a builder instance, then make a custom image of that instance (hosts/image/README.md).
# Every package comes from a source that matches the image:
#   - Debian 12 packages (docker.io, curl, openssl, ca-certificates) from the Debian
#     archive the image already uses: Alibaba Cloud's Debian images point apt at
#     mirrors.cloud.aliyuncs.com, which answers inside the VPC without internet access;
#   - Consul from HashiCorp's signed apt repository for bookworm, pinned to CONSUL_VERSION.
# Nothing is installed when a host boots: hosts/bootstrap.sh only checks for the tools.
set -euo pipefail

CONSUL_VERSION="${CONSUL_VERSION:-1.21.0}"
# The fingerprint of HashiCorp's Linux package signing key, as published on
# https://www.hashicorp.com/trust/security ("Linux package checksum verification"): copy it
# from there (40 hex digits, no spaces) rather than trusting whatever key the repository serves.
if ! [[ "${HASHICORP_KEY_FINGERPRINT:-}" =~ ^[0-9A-F]{40}$ ]]; then
  echo "build.sh: set HASHICORP_KEY_FINGERPRINT to the 40-digit fingerprint published on https://www.hashicorp.com/trust/security" >&2
  exit 1
fi

. /etc/os-release
if [ "${ID:-}" != debian ] || [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "build.sh: run on Debian 12 (bookworm); this is ${PRETTY_NAME:-unknown}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends docker.io curl openssl ca-certificates gnupg

keyring=/usr/share/keyrings/hashicorp-archive-keyring.gpg
curl -fsSL https://apt.releases.hashicorp.com/gpg | gpg --dearmor >"$keyring.new"
if ! gpg --no-default-keyring --keyring "$keyring.new" --with-colons --fingerprint | grep -q "^fpr:::::::::$HASHICORP_KEY_FINGERPRINT:"; then
  echo "build.sh: the key at apt.releases.hashicorp.com is not HashiCorp's ($HASHICORP_KEY_FINGERPRINT)" >&2
  rm -f "$keyring.new"
  exit 1
fi
mv "$keyring.new" "$keyring"
echo "deb [signed-by=$keyring] https://apt.releases.hashicorp.com bookworm main" >/etc/apt/sources.list.d/hashicorp.list
apt-get update -q
apt-get install -y -q --no-install-recommends "consul=${CONSUL_VERSION}-1"
apt-mark hold consul docker.io

# dcp runs its own dockerd and Consul agent (hosts/bootstrap.sh writes their units); the
# packaged services (plain socket, default bridge, iptables; a dev-mode-less agent) stay off.
systemctl disable --now docker.service docker.socket consul.service 2>/dev/null || true

# The image must not carry this builder's identity into every host.
rm -rf /var/lib/dcp-host /etc/dcp /var/lib/consul/* /var/lib/docker/*
cloud-init clean --logs 2>/dev/null || true
echo "build.sh: docker $(dockerd --version | cut -d' ' -f3 | tr -d ,), consul $(consul version | head -1 | cut -d' ' -f2); make the custom image now"
