/**
 * Cloud user data: hosts/bootstrap.sh (the same file the local fleet runs in each
 * namespace) prefixed with the env contract for the fleet or the Consul servers. It
 * carries no secret: the two CA certificates are public, and each host makes its own key
 * at boot and gets its certificate and Consul token from the enrolment service.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DcpError } from "../model/errors";

/** The env contract of a dcp host (DCP_ROLE=host). */
export interface HostEnv {
  role: "host";
  idc: string;
  fleet: string;
  cpu: number;
  memoryMiB: number;
  consulJoin: string;
  kvRoot: string;
  enrolmentUrl: string;
}

/** The env contract of a Consul server (DCP_ROLE=consul-server). */
export interface ConsulServerEnv {
  role: "consul-server";
  consulJoin: string;
  bootstrapExpect: number;
}

/** Terraform expressions (e.g. `${var.dcp_host_ca_pem}`) of the public CA certificates hosts need. */
export interface HostCertificates {
  /** Signs the runtime's Docker client certificates: dockerd admits only clients it signed. */
  dockerClientCaPem: string;
  /** Signs hosts' server certificates (and the enrolment service's): hosts check their own against it. */
  hostCaPem: string;
}

/** Where hosts keep their TLS material and state. */
export const HOST_TLS_DIR = "/etc/dcp/tls";
export const HOST_STATE_DIR = "/var/lib/dcp-host";
/** ECS instance metadata service: per-instance identity the user data cannot know in advance. */
const METADATA = "http://100.100.100.200/latest/meta-data";
/** ECS takes at most 16 KB of user data before base64 (the "Prepare user data" page of the ECS docs). */
export const MAX_USER_DATA_BYTES = 16 * 1024;
/** Room left for each CA certificate, which Terraform fills in from a variable at plan time. */
export const CERTIFICATE_ALLOWANCE_BYTES = 4 * 1024;

export function readBootstrapScript(projectDir: string): string {
  const path = join(projectDir, "hosts", "bootstrap.sh");
  if (!existsSync(path)) {
    throw new DcpError(`${path} not found: cloud fleets embed it as user data; run synth from the project directory`);
  }
  return readFileSync(path, "utf8");
}

/**
 * The user data script. The bootstrap file travels gzipped and base64-encoded, so neither
 * the shell nor Terraform's template syntax (`${`, `%{`) can alter it, and it fits the
 * user data limit; the only interpolations are the CA variables. The result has no double
 * quotes or backslashes, which Terraform function arguments such as base64encode()
 * require of literal text.
 */
export function renderUserData(script: string, env: HostEnv | ConsulServerEnv, certificates?: HostCertificates): string {
  const pem = (file: string, delimiter: string, value: string) => `cat > ${HOST_TLS_DIR}/${file} <<'${delimiter}'\n${value}\n${delimiter}`;
  const encoded = gzipSync(script, { level: 9 }).toString("base64").replace(/.{1,76}/g, (line) => line + "\n");
  const lines = [
    "#!/bin/bash",
    `# dcp ${env.role} bootstrap (user data): hosts/bootstrap.sh, run with its environment.`,
    "set -eu",
    "umask 022",
    `install -d -m 0700 ${HOST_TLS_DIR}`,
    `install -d -m 0755 /usr/local/lib/dcp`,
    ...(certificates ? [pem("ca.pem", "DCP_CLIENT_CA", certificates.dockerClientCaPem), pem("host-ca.pem", "DCP_HOST_CA", certificates.hostCaPem)] : []),
    `base64 -d <<'DCP_BOOTSTRAP' | gunzip > /usr/local/lib/dcp/bootstrap.sh\n${encoded}DCP_BOOTSTRAP`,
    `DCP_NODE_NAME=$(curl -fsS ${METADATA}/instance-id)`,
    `DCP_HOST_IP=$(curl -fsS ${METADATA}/private-ipv4)`,
    `export DCP_NODE_NAME DCP_HOST_IP DCP_ROLE=${env.role}`,
    `export DCP_CONSUL_JOIN=${shellWord(env.consulJoin)} DCP_CONSUL_ACL=1 DCP_SUPERVISOR=systemd`,
    `export DCP_TLS_DIR=${HOST_TLS_DIR} DCP_STATE_DIR=${HOST_STATE_DIR}`,
    ...(env.role === "host" ? hostLines(env) : [`export DCP_CONSUL_BOOTSTRAP_EXPECT=${env.bootstrapExpect}`]),
    "exec bash /usr/local/lib/dcp/bootstrap.sh",
    "",
  ];
  const userData = lines.join("\n");
  const expected = Buffer.byteLength(userData) + (certificates ? 2 * CERTIFICATE_ALLOWANCE_BYTES : 0);
  if (expected > MAX_USER_DATA_BYTES) {
    throw new DcpError(`cloud user data would be about ${expected} bytes with its certificates; ECS takes ${MAX_USER_DATA_BYTES} — shorten hosts/bootstrap.sh`);
  }
  return userData;
}

function hostLines(env: HostEnv): string[] {
  return [
    `DCP_ZONE=$(curl -fsS ${METADATA}/zone-id)`,
    `export DCP_ZONE DCP_IDC=${shellWord(env.idc)} DCP_FLEET=${shellWord(env.fleet)}`,
    `export DCP_CPU=${env.cpu} DCP_MEMORY_MIB=${env.memoryMiB} DCP_CLOUD=true`,
    `export DCP_KV_ROOT=${shellWord(env.kvRoot)} DCP_ENROL_URL=${shellWord(env.enrolmentUrl)}`,
  ];
}

/** Names and addresses are validated to plain characters; anything else is refused rather than quoted. */
function shellWord(s: string): string {
  if (!/^[A-Za-z0-9._:\/,-]+$/.test(s)) throw new DcpError(`"${s}" cannot be passed to hosts/bootstrap.sh; use letters, digits and . _ : / , -`);
  return s;
}
