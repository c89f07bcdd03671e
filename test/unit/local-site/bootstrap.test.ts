/** hosts/bootstrap.sh refuses to start anything when its environment contract is incomplete. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = join(__dirname, "..", "..", "..", "hosts", "bootstrap.sh");

const COMPLETE = {
  DCP_NODE_NAME: "h1",
  DCP_HOST_IP: "192.0.2.11",
  DCP_IDC: "yf-private",
  DCP_ZONE: "yf-a",
  DCP_FLEET: "yf-standard",
  DCP_CPU: "32",
  DCP_MEMORY_MIB: "65536",
  DCP_CLOUD: "false",
  DCP_CONSUL_JOIN: "192.0.2.1:8301",
  DCP_TLS_DIR: "/nonexistent/tls",
};

test.each(Object.keys(COMPLETE))("without %s it exits 1 naming the variable and creates nothing", (missing) => {
  const state = join(mkdtempSync(join(tmpdir(), "dcp-bootstrap-")), "state");
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...COMPLETE, DCP_STATE_DIR: state };
  delete env[missing];
  const result = spawnSync("bash", [SCRIPT], { env, encoding: "utf8" });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`bootstrap: ${missing} is not set`);
  expect(existsSync(state)).toBe(false);
});
