/**
 * How a cloud host keeps its daemons: systemd units written by hosts/bootstrap.sh
 * (checked by systemd-analyze), and Consul with ACLs that deny by default, so a container
 * on the host network cannot rewrite the upstreams (checked against a real Consul agent).
 */
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOOTSTRAP, cloudHostEnv } from "./host-env";


let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "dcp-supervision-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hostEnv = (extra: Record<string, string> = {}) => cloudHostEnv(dir, { DCP_TLS_DIR: "/etc/dcp/tls", DCP_SYSTEMD_DIR: join(dir, "units"), DCP_SUPERVISOR: "systemd", ...extra });
const config = (env: Record<string, string>) => spawnSync("bash", [BOOTSTRAP, "config"], { env, encoding: "utf8" });
const unitFile = (name: string) => readFileSync(join(dir, "units", name), "utf8");

describe("systemd units", () => {
  it("run each daemon through the bootstrap, restart it always, start at boot, and re-run the bootstrap at every boot", () => {
    expect(config(hostEnv())).toMatchObject({ status: 0 });
    for (const daemon of ["consul", "docker"]) {
      const unit = unitFile(`dcp-${daemon}.service`);
      expect(unit).toContain(`ExecStart=/bin/bash ${BOOTSTRAP} exec ${daemon}`);
      expect(unit).toContain("Restart=always");
      expect(unit).toContain("WantedBy=multi-user.target");
      expect(unit).toContain(`EnvironmentFile=${join(dir, "state", "host.env")}`);
    }
    expect(unitFile("dcp-docker.service")).toContain("KillMode=process");
    const host = unitFile("dcp-host.service");
    expect(host).toMatch(/Type=oneshot/);
    expect(host).toMatch(/After=dcp-consul.service dcp-docker.service/);
    // The environment file carries the whole contract, so a unit started at boot sees what user data set.
    const env = readFileSync(join(dir, "state", "host.env"), "utf8");
    expect(env).toContain("DCP_CONSUL_JOIN=172.16.255.212:8301,172.16.255.228:8301\n");
    expect(env).toContain("DCP_SUPERVISOR=systemd\n");
  });

  it("are valid unit files (systemd-analyze verify)", () => {
    expect(config(hostEnv())).toMatchObject({ status: 0 });
    const units = ["dcp-consul.service", "dcp-docker.service", "dcp-host.service"].map((u) => join(dir, "units", u));
    const verify = spawnSync("systemd-analyze", ["verify", "--man=no", ...units], { encoding: "utf8" });
    const problems = `${verify.stdout}${verify.stderr}`.split("\n").filter((l) => /dcp-/.test(l));
    expect(problems).toEqual([]);
    expect(verify.status).toBe(0);
  });

  it("a Consul server gets only the Consul unit; the local fleet (process supervision) gets no units", () => {
    const server = { PATH: process.env.PATH ?? "/usr/bin:/bin", DCP_ROLE: "consul-server", DCP_NODE_NAME: "consul-1", DCP_HOST_IP: "127.0.0.1", DCP_CONSUL_JOIN: "127.0.0.1:8301", DCP_CONSUL_BOOTSTRAP_EXPECT: "3", DCP_STATE_DIR: join(dir, "state"), DCP_SYSTEMD_DIR: join(dir, "units"), DCP_SUPERVISOR: "systemd" };
    expect(config(server)).toMatchObject({ status: 0 });
    expect(unitFile("dcp-consul.service")).toContain("Description=dcp: Consul server");
    expect(existsSync(join(dir, "units", "dcp-docker.service"))).toBe(false);
    rmSync(join(dir, "units"), { recursive: true });
    expect(config(hostEnv({ DCP_SUPERVISOR: "process" }))).toMatchObject({ status: 0 });
    expect(existsSync(join(dir, "units"))).toBe(false);
  });
});

describe("Consul ACLs on a host", () => {
  let agent: ChildProcess | undefined;
  afterEach(() => agent?.kill());

  it("deny a request without a token: a container cannot rewrite an upstream; the runtime's token can", async () => {
    expect(config(hostEnv({ DCP_CONSUL_ACL: "1" }))).toMatchObject({ status: 0 });
    const [http, serfLan, serfWan, server] = await freePorts(4);
    agent = spawn("consul", [
      "agent", "-dev", "-bind", "127.0.0.1", "-client", "127.0.0.1", "-node", "acl-test",
      "-config-dir", join(dir, "state", "consul.d"),
      "-http-port", String(http), "-serf-lan-port", String(serfLan), "-serf-wan-port", String(serfWan), "-server-port", String(server),
      "-hcl", "ports { dns = -1 grpc = -1 }",
    ], { stdio: "ignore" });
    const base = `http://127.0.0.1:${http}`;
    const management = await retry(async () => {
      const res = await fetch(`${base}/v1/acl/bootstrap`, { method: "PUT" });
      if (!res.ok) throw new Error(`acl bootstrap: ${res.status}`);
      return ((await res.json()) as { SecretID: string }).SecretID;
    });
    const entry = `${base}/v1/kv/upstreams/feed_api/10.0.0.9:8080`;
    const anonymous = await fetch(entry, { method: "PUT", body: '{"weight":100}' });
    expect(anonymous.status).toBe(403);
    const runtime = await fetch(entry, { method: "PUT", body: '{"weight":16}', headers: { "X-Consul-Token": management } });
    expect(runtime.status).toBe(200);
    expect((await fetch(entry)).status).toBe(403);
  }, 60_000);
});

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function retry<T>(fn: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
