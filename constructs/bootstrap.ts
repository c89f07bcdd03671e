/**
 * Cloud user data: hosts/bootstrap.sh (the same file the local fleet runs in each
 * namespace) prefixed with the env contract for the fleet and the TLS material, which
 * comes from sensitive Terraform variables so it never lands in the synthesized JSON.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DcpError } from "../model/errors";

export interface BootstrapEnv {
  idc: string;
  fleet: string;
  cpu: number;
  memoryMiB: number;
  consulJoin: string;
  kvRoot: string;
}

/** Terraform expressions (e.g. `${var.dcp_tls_ca_pem}`) of the TLS material. */
export interface TlsMaterial {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** Where hosts keep their TLS material and state. */
export const HOST_TLS_DIR = "/etc/dcp/tls";
export const HOST_STATE_DIR = "/var/lib/dcp-host";
/** ECS instance metadata service: per-instance identity the user data cannot know in advance. */
const METADATA = "http://100.100.100.200/latest/meta-data";
/**
 * ECS limits user data to 32 KB before base64; the script travels base64-encoded inside
 * it (a third larger) next to a few KB of certificates, so 16 KB of script fits.
 */
export const MAX_SCRIPT_BYTES = 16 * 1024;

export function readBootstrapScript(projectDir: string): string {
  const path = join(projectDir, "hosts", "bootstrap.sh");
  if (!existsSync(path)) {
    throw new DcpError(`${path} not found: cloud fleets embed it as user data; run synth from the project directory`);
  }
  return readFileSync(path, "utf8");
}

/**
 * The user data script. The bootstrap file travels base64-encoded, so neither the shell
 * nor Terraform's template syntax (`${`, `%{`) can alter it; the only interpolations are
 * the TLS variables. The result has no double quotes or backslashes, which Terraform
 * function arguments such as base64encode() require of literal text.
 */
export function renderUserData(script: string, env: BootstrapEnv, tls: TlsMaterial): string {
  if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) {
    throw new DcpError(`hosts/bootstrap.sh is ${Buffer.byteLength(script)} bytes; cloud user data leaves room for ${MAX_SCRIPT_BYTES} — shorten it`);
  }
  const pem = (file: string, delimiter: string, value: string) => `cat > ${HOST_TLS_DIR}/${file} <<'${delimiter}'\n${value}\n${delimiter}`;
  const encoded = Buffer.from(script).toString("base64").replace(/.{1,76}/g, (line) => line + "\n");
  const lines = [
    "#!/bin/bash",
    "# dcp host bootstrap (user data): hosts/bootstrap.sh, run with the fleet's environment.",
    "set -eu",
    "umask 077",
    `install -d -m 0700 ${HOST_TLS_DIR} /usr/local/lib/dcp`,
    pem("ca.pem", "DCP_CA", tls.caPem),
    pem("server-cert.pem", "DCP_CERT", tls.serverCertPem),
    pem("server-key.pem", "DCP_KEY", tls.serverKeyPem),
    `base64 -d > /usr/local/lib/dcp/bootstrap.sh <<'DCP_BOOTSTRAP'\n${encoded}DCP_BOOTSTRAP`,
    `DCP_NODE_NAME=$(curl -fsS ${METADATA}/instance-id)`,
    `DCP_HOST_IP=$(curl -fsS ${METADATA}/private-ipv4)`,
    `DCP_ZONE=$(curl -fsS ${METADATA}/zone-id)`,
    `export DCP_NODE_NAME DCP_HOST_IP DCP_ZONE`,
    `export DCP_IDC=${shellWord(env.idc)} DCP_FLEET=${shellWord(env.fleet)}`,
    `export DCP_CPU=${env.cpu} DCP_MEMORY_MIB=${env.memoryMiB} DCP_CLOUD=true`,
    `export DCP_CONSUL_JOIN=${shellWord(env.consulJoin)} DCP_KV_ROOT=${shellWord(env.kvRoot)}`,
    `export DCP_TLS_DIR=${HOST_TLS_DIR} DCP_STATE_DIR=${HOST_STATE_DIR} DCP_INSTALL=1`,
    "exec bash /usr/local/lib/dcp/bootstrap.sh",
    "",
  ];
  return lines.join("\n");
}

/** Names and addresses are validated to plain characters; anything else is refused rather than quoted. */
function shellWord(s: string): string {
  if (!/^[A-Za-z0-9._:\/-]+$/.test(s)) throw new DcpError(`"${s}" cannot be passed to hosts/bootstrap.sh; use letters, digits and . _ : / -`);
  return s;
}
