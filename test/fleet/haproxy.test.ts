/**
 * A REAL consumer of dcp's catalog registrations: HAProxy 2.6 with `server-template` and a
 * `resolvers` section pointed at the test fleet's Consul DNS. Requests through HAProxy must
 * reach every registered container and, once one is deregistered, never reach it again
 * (its server keeps running, so only discovery can exclude it). The same containers'
 * upstream entries are read the way nginx-upsync-module reads them.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiscoveryPublisher } from "../../runtime/discovery/publisher";
import { cloudWeight, upstreamValue } from "../../model/upstreams";
import { diffUpstreams, parseUpstreamValue, upstreamFolder } from "../../runtime/discovery/upstreams";
import type { UpstreamEntry } from "../../model/inventory";
import { freeLoopbackPort, HostHttpd, sleep, startHostHttpd, testClient, testFleet } from "./support/discovery";

const fleet = testFleet();
const client = testClient(fleet, "haproxy");
const publisher = new DiscoveryPublisher(client);
const SERVICE = "test-haproxy-web";
const UPSTREAM = "test_haproxy_web";
const PORT = 19182;
const hosts = fleet.hosts.slice(0, 4);
const serviceId = (node: string) => `${SERVICE}-${node}`;

let httpds: HostHttpd[] = [];
let haproxy: ChildProcess | undefined;
let haproxyExited: Promise<void> | undefined;
let haproxyLog = "";
let dir: string;
let frontend: string;

/** One GET through HAProxy on a fresh connection (so each request is balanced on its own). */
function request(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 3_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
  });
}

function desiredEntries(list: HostHttpd[]): UpstreamEntry[] {
  return list.map((h) => {
    const cloud = fleet.hosts.find((x) => x.node === h.node)!.cloud;
    const p = { weight: cloud ? cloudWeight(20, 0.8) : 20, maxFails: 2, failTimeoutSeconds: 10, down: false };
    return { upstream: UPSTREAM, server: `${h.ip}:${h.port}`, ...p, raw: upstreamValue(p) };
  });
}

/** GET /v1/kv/<prefix>/<upstream>/?recurse, base64 values: what nginx-upsync-module fetches. */
async function upsyncView(): Promise<Array<{ server: string; value: string }>> {
  const res = await fetch(`${fleet.consulHttp}/v1/kv/${upstreamFolder(client.config.upstreamPrefix, UPSTREAM)}?recurse`);
  if (res.status === 404) return [];
  const items = (await res.json()) as Array<{ Key: string; Value: string | null }>;
  return items.map((i) => ({ server: i.Key.split("/").pop()!, value: Buffer.from(i.Value ?? "", "base64").toString("utf8") }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dcp-haproxy-"));
  for (const [i, h] of hosts.entries()) httpds.push(await startHostHttpd(fleet, h.node, PORT, `hap-${i + 1}`));
  for (const h of httpds) {
    await publisher.registerContainer(
      { node: h.node, address: h.ip },
      {
        serviceId: serviceId(h.node),
        name: SERVICE,
        port: h.port,
        tags: [],
        meta: { dcp_pool: SERVICE, dcp_instance: h.node, dcp_spec_hash: "haproxy-test" },
        check: { path: "/health", port: h.port, intervalSeconds: 1, timeoutSeconds: 1 },
      },
    );
  }
  expect(await publisher.waitPassing(httpds.map((h) => serviceId(h.node)), 20_000)).toEqual([]);
  await publisher.apply(diffUpstreams(desiredEntries(httpds), await publisher.readUpstreams(), client.config.upstreamPrefix));

  const port = await freeLoopbackPort();
  frontend = `http://127.0.0.1:${port}/`;
  const cfg = join(dir, "haproxy.cfg");
  writeFileSync(
    cfg,
    `global
  maxconn 200

defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s

resolvers consul
  nameserver consul ${fleet.consulDns}
  accepted_payload_size 8192
  resolve_retries 3
  timeout resolve 200ms
  timeout retry 200ms
  hold valid 1s
  hold obsolete 1s
  hold nx 1s
  hold other 1s
  hold refused 1s
  hold timeout 1s

frontend web
  bind 127.0.0.1:${port}
  default_backend ${SERVICE}

backend ${SERVICE}
  balance roundrobin
  server-template web 8 _${SERVICE}._tcp.service.consul resolvers consul resolve-prefer ipv4 init-addr none
`,
  );
  execFileSync("haproxy", ["-c", "-q", "-f", cfg]); // config check fails the suite with haproxy's own message
  haproxy = spawn("haproxy", ["-db", "-f", cfg], { stdio: ["ignore", "pipe", "pipe"] });
  haproxy.stdout!.on("data", (d) => (haproxyLog += d));
  haproxy.stderr!.on("data", (d) => (haproxyLog += d));
  haproxyExited = new Promise((resolve) => haproxy!.once("exit", () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (haproxy.exitCode !== null) throw new Error(`haproxy exited: ${haproxyLog}`);
    const ok = await request(frontend).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`haproxy found no server within 20 s: ${haproxyLog}`);
    await sleep(200);
  }
}, 60_000);

afterAll(async () => {
  if (haproxy && haproxy.exitCode === null) {
    haproxy.kill("SIGTERM");
    await haproxyExited;
  }
  for (const h of httpds) await publisher.deregisterContainer({ node: h.node, address: h.ip }, serviceId(h.node));
  for (const h of httpds) await h.stop();
  await client.txn([{ verb: "delete-tree", key: upstreamFolder(client.config.upstreamPrefix, UPSTREAM) }]);
  client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("reaches every registered container through Consul DNS SRV", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200 && seen.size < httpds.length; i++) {
    const r = await request(frontend);
    if (r.status === 200) seen.add(r.body);
  }
  expect([...seen].sort()).toEqual(httpds.map((h) => h.body).sort());
}, 60_000);

it("the same containers' upstream entries read as nginx-upsync-module expects", async () => {
  const view = await upsyncView();
  expect(view.map((v) => v.server).sort()).toEqual(httpds.map((h) => `${h.ip}:${h.port}`).sort());
  for (const { server, value } of view) {
    const parsed = parseUpstreamValue(value);
    expect(parsed.problems).toEqual([]);
    const cloud = fleet.hosts.find((h) => server.startsWith(`${h.ip}:`))!.cloud;
    expect(parsed.weight).toBe(cloud ? 16 : 20);
  }
});

it("never reaches a deregistered container, though its server still answers", async () => {
  const gone = httpds[httpds.length - 1];
  const staying = httpds.slice(0, -1);
  await publisher.deregisterContainer({ node: gone.node, address: gone.ip }, serviceId(gone.node));
  await publisher.apply(diffUpstreams(desiredEntries(staying), await publisher.readUpstreams(), client.config.upstreamPrefix));

  // HAProxy re-resolves every second (hold valid 1s); wait, bounded, until it has dropped the server.
  let clean = 0;
  const deadline = Date.now() + 30_000;
  while (clean < 20) {
    if (Date.now() > deadline) throw new Error(`HAProxy still sends to ${gone.node} 30 s after deregistration`);
    const r = await request(frontend);
    clean = r.body === gone.body ? 0 : clean + 1;
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < 60; i++) {
    const r = await request(frontend);
    expect(r.status).toBe(200);
    seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
  }
  expect(seen.has(gone.body)).toBe(false);
  expect([...seen.keys()].sort()).toEqual(staying.map((h) => h.body).sort());

  // Still up: it was discovery, not a failed server, that took it out.
  expect((await request(`http://${gone.ip}:${gone.port}/`)).body).toBe(gone.body);
  expect((await upsyncView()).map((v) => v.server).sort()).toEqual(staying.map((h) => `${h.ip}:${h.port}`).sort());
}, 60_000);
