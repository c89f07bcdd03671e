/** The local fleet itself: what every other fleet test relies on. */
import { execSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { NODE_META, KV } from "../../model/host-metadata";
import {
  clientTls,
  dockerPing,
  siteStatus,
  siteUp,
  LocalSite,
  readSite,
  restartConsul,
  startHostDocker,
  stopHostDocker,
} from "../../local-site";

let fleet: LocalSite;

beforeAll(() => {
  if (!process.env.DCP_TEST_FLEET) throw new Error("DCP_TEST_FLEET is not set: run fleet tests through jest (test/fleet/setup.ts)");
  fleet = readSite(process.env.DCP_TEST_FLEET);
});

async function consul<T>(path: string): Promise<T> {
  const res = await fetch(`${fleet.consulHttp}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as T;
}

test("every host is in the Consul catalog with its node meta", async () => {
  const nodes = await consul<Array<{ Node: string; Address: string; Meta: Record<string, string> }>>("/v1/catalog/nodes");
  for (const host of fleet.hosts) {
    const node = nodes.find((n) => n.Node === host.node);
    expect(node).toBeDefined();
    expect(node!.Address).toBe(host.ip);
    expect(node!.Meta).toMatchObject({
      [NODE_META.idc]: host.idc,
      [NODE_META.zone]: host.zone,
      [NODE_META.fleet]: host.fleet,
      [NODE_META.hostClassCpu]: String(host.cpu),
      [NODE_META.hostClassMemoryMiB]: String(host.memoryMiB),
      [NODE_META.cloud]: String(host.cloud),
      [NODE_META.docker]: `tcp://${host.ip}:2376`,
    });
  }
  expect(new Set(fleet.hosts.map((h) => h.idc))).toEqual(new Set(["yf-private", "aliyun-bj"]));
});

test("every host's init status in KV says ready", async () => {
  for (const host of fleet.hosts) {
    const [entry] = await consul<Array<{ Value: string }>>(`/v1/kv/${KV.hostInit("dcp", host.node)}`);
    const status = JSON.parse(Buffer.from(entry.Value, "base64").toString("utf8"));
    expect(status).toMatchObject({ stage: "ready", ok: true });
    expect(Date.parse(status.at)).not.toBeNaN();
  }
});

test("each daemon answers over TLS with the client certificate and refuses without it", async () => {
  const tls = clientTls(fleet);
  for (const host of fleet.hosts) {
    expect(await dockerPing(host, tls)).toBe(true);
    expect(await dockerPing(host, { ca: tls.ca })).toBe(false);
  }
});

test("a container of the demo image, pulled from the fleet's registry, answers on its host's IP", async () => {
  const host = fleet.hosts[fleet.hosts.length - 1];
  const url = new URL(host.dockerEndpoint.replace(/^tcp:/, "https:"));
  const docker = new Docker({ host: url.hostname, port: Number(url.port), protocol: "https", ...clientTls(fleet) });
  // Start from no local copy so that the pull really goes to the registry.
  await docker.getImage(fleet.image).remove({ force: true }).catch(() => undefined);
  const stream = await docker.pull(fleet.image);
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(null))));
  const port = 28000 + Math.floor(Math.random() * 1000);
  const container = await docker.createContainer({
    name: `fleet-test-demo-${port}`,
    Image: fleet.image,
    Env: [`PORT=${port}`, "DCP_POOL=fleet-test", "DCP_INSTANCE=fleet-test-1"],
    HostConfig: { NetworkMode: "host" },
  });
  try {
    await container.start();
    let body = "";
    for (let i = 0; i < 50 && !body; i++) {
      body = await fetch(`http://${host.ip}:${port}/`).then((r) => r.text()).catch(() => "");
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toContain("pool fleet-test");
    expect(body).toContain("instance fleet-test-1");
    expect(await fetch(`http://${host.ip}:${port}/health`).then((r) => r.text())).toBe("ok\n");
    const stoppedIn = Date.now();
    await container.stop({ t: 10 });
    // The demo exits on SIGTERM at once; a 10 s stop would mean it ignored the signal.
    expect(Date.now() - stoppedIn).toBeLessThan(3000);
  } finally {
    await container.remove({ force: true });
  }
}, 60_000);

test("`up` again reuses the running fleet: same layout, same daemons", async () => {
  const before = fleetProcesses();
  const again = await siteUp({ name: fleet.name, log: () => undefined });
  expect(again).toEqual(fleet);
  expect(fleetProcesses()).toEqual(before);
  expect((await siteStatus(fleet.name)).healthy).toBe(true);
}, 120_000);

test("`up` removes a leftover namespace and link named with the fleet's prefix, and nothing else", async () => {
  const leftover = `${fleet.name}-h99`;
  const foreign = "dcpforeign-h1";
  run(`ip netns add ${leftover}`);
  run(`ip netns add ${foreign}`);
  run(`ip link add ${leftover} type veth peer name ${leftover}p netns ${leftover}`);
  try {
    await siteUp({ name: fleet.name, log: () => undefined });
    const namespaces = run("ip netns list");
    expect(namespaces).not.toContain(leftover);
    expect(namespaces).toContain(foreign);
    expect(run("ip -br link")).not.toContain(`${leftover}@`);
  } finally {
    run(`ip netns del ${foreign}`);
  }
}, 120_000);

test("a host's dockerd can be stopped and started again (for fault tests)", async () => {
  const host = fleet.hosts[0];
  const tls = clientTls(fleet);
  await stopHostDocker(fleet, host.node);
  expect(await dockerPing(host, tls)).toBe(false);
  await startHostDocker(fleet, host.node);
  expect(await dockerPing(host, tls)).toBe(true);
}, 120_000);

test("restarting the Consul server keeps KV and brings every agent back", async () => {
  const key = `dcp-fleet-test/restart-${Date.now()}`;
  await fetch(`${fleet.consulHttp}/v1/kv/${key}`, { method: "PUT", body: "kept" });
  await restartConsul(fleet);
  expect(await fetch(`${fleet.consulHttp}/v1/kv/${key}?raw`).then((r) => r.text())).toBe("kept");
  await fetch(`${fleet.consulHttp}/v1/kv/${key}`, { method: "DELETE" });
  expect((await siteStatus(fleet.name)).healthy).toBe(true);
}, 120_000);

test("`dcp status` exits 0 for the healthy fleet and 1, saying why, for a fleet that is not up", () => {
  const dcp = join(__dirname, "..", "..", "bin", "dcp");
  expect(spawnSync(dcp, ["status", "--name", fleet.name, "--quiet"], { encoding: "utf8" }).status).toBe(0);
  const missing = spawnSync(dcp, ["status", "--name", "dcpnotup"], { encoding: "utf8" });
  expect(missing.status).toBe(1);
  expect(missing.stdout).toContain("fleet dcpnotup is not up (run `dcp up --name dcpnotup`)");
  const bad = spawnSync(dcp, ["status", "--name", "prod"], { encoding: "utf8" });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('--name "prod": a fleet name starts with "dcp"');
});

test("`dcp up` on a fleet of its own deploys the example pools so that they answer; `dcp down` removes it all, twice", () => {
  const dcp = join(__dirname, "..", "..", "bin", "dcp");
  const name = "dcpdeploy";
  const args = ["--name", name, "--subnet", "192.168.75.0/24", "--consul-http-port", "8540", "--consul-dns-port", "8640"];
  try {
    const up = spawnSync(dcp, ["up", ...args], { encoding: "utf8", timeout: 400_000 });
    expect(up.stderr).not.toContain("error:");
    expect(up.status).toBe(0);
    expect(up.stdout).toContain("deployed the example pools (profile local) through cdktf deploy");
    // Through Terraform: it made the hosts, then ran the runtime.
    expect(up.stdout + up.stderr).toMatch(/terraform_data\.host\["dcpdeploy-h1"\]: Creation complete/);
    expect(up.stdout + up.stderr).toMatch(/terraform_data\.runtime: Creation complete/);
    // Every pool row shows all its containers running, e.g. "3/3".
    const rows = up.stdout.split("\n").filter((l) => /^│ (feed-api|feed-cache|hongbao-api|remind-api|nginx-entry) /.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) {
      const [, running, wanted] = /│ (\d+)\/(\d+) +│/.exec(row)!;
      expect(running).toBe(wanted);
    }
    const feedApi = /curl (http:\/\/192\.168\.75\.\d+:8080\/)/.exec(up.stdout)![1];
    expect(execSync(`curl -s --max-time 5 ${feedApi}`, { encoding: "utf8" })).toContain("pool feed-api");
    // Registered in the catalog too; its Consul check passes after the check's first run.
    let passing: unknown[] = [];
    for (let i = 0; i < 60 && passing.length === 0; i++) {
      passing = JSON.parse(execSync("curl -s http://127.0.0.1:8540/v1/health/service/feed-api?passing", { encoding: "utf8" }));
      if (passing.length === 0) execSync("sleep 0.5");
    }
    expect(passing.length).toBeGreaterThan(0);
  } finally {
    const down = spawnSync(dcp, ["down", "--name", name], { encoding: "utf8", timeout: 120_000 });
    expect(down.status).toBe(0);
    // The checkout's Terraform state for this site describes hosts that are gone now.
    for (const f of ["", ".backup"]) rmSync(join(__dirname, "..", "..", "cdktf.out", "stacks", "example", `terraform.example.${name}.tfstate${f}`), { force: true });
  }
  expect(spawnSync(dcp, ["down", "--name", name], { encoding: "utf8" }).status).toBe(0);
  expect(run("ip netns list")).not.toContain(`${name}-`);
  expect(run("ip -br link")).not.toContain(`${name}-`);
  expect(run(`ls /var/lib/dcp`)).not.toContain(name);
}, 600_000);

/** Pids of the fleet's daemons, from their pid files. */
function fleetProcesses(): Record<string, string> {
  const files = run(`find ${fleet.stateDir} -maxdepth 3 -name '*.pid'`).split("\n").filter(Boolean).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(f, "utf8").trim()]));
}

function run(command: string): string {
  return execSync(command, { encoding: "utf8" });
}
