/** The environment a cloud host's user data gives hosts/bootstrap.sh, for tests of its steps. */
import { join } from "node:path";

export const BOOTSTRAP = join(__dirname, "..", "..", "..", "hosts", "bootstrap.sh");

export function cloudHostEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    DCP_NODE_NAME: "i-2ze0abc",
    DCP_HOST_IP: "127.0.0.1",
    DCP_IDC: "aliyun-bj",
    DCP_ZONE: "cn-beijing-h",
    DCP_FLEET: "bj-standard",
    DCP_CPU: "16",
    DCP_MEMORY_MIB: "32768",
    DCP_CLOUD: "true",
    DCP_CONSUL_JOIN: "172.16.255.212:8301,172.16.255.228:8301",
    DCP_TLS_DIR: join(dir, "tls"),
    DCP_STATE_DIR: join(dir, "state"),
    ...extra,
  };
}
