/**
 * The Consul side of the runtime against the test fleet's REAL Consul: transactions,
 * the apply lock, retries across a Consul restart, service registration on a host's own
 * agent with an HTTP check, and upstream entries as nginx-upsync-module reads them.
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restartConsul } from "../../local-site";
import { ConsulClient, consulConfigFromEnv, KvOp, TXN_MAX_OPS } from "../../runtime/consul/client";
import { withApplyLock } from "../../runtime/consul/lock";
import { DiscoveryPublisher } from "../../runtime/discovery/publisher";
import { diffUpstreams, parseUpstreamValue, upstreamFolder, upstreamValue } from "../../runtime/discovery/upstreams";
import type { UpstreamEntry } from "../../model/inventory";
import { freeLoopbackPort, HostHttpd, sleep, startHostHttpd, testClient, testFleet } from "./support/discovery";

const REPO = join(__dirname, "..", "..");
const fleet = testFleet();
const client = testClient(fleet, "discovery", { retryForMs: 90_000 });
const root = client.config.kvRoot;
/**
 * Holders that are not the subject of a refusal wait a little: right after a Consul server
 * restart (another suite's, or the one below) Consul applies lock-delay to held locks.
 */
const RIDE_OUT_LOCK_DELAY = { waitMs: 15_000 };

afterAll(async () => {
  await client.txn([
    { verb: "delete-tree", key: `${root}/` },
    { verb: "delete-tree", key: `${client.config.upstreamPrefix}/` },
  ]);
  client.close();
});

describe("transactions", () => {
  it("Consul itself refuses 65 operations in one transaction, so txn() splits them", async () => {
    const ops = Array.from({ length: TXN_MAX_OPS + 1 }, (_, i) => ({ KV: { Verb: "set", Key: `${root}/raw/${i}`, Value: "" } }));
    const res = await fetch(`${fleet.consulHttp}/v1/txn`, { method: "PUT", body: JSON.stringify(ops) });
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/too many operations/);
  });

  it("writes and removes 300 keys through consecutive transactions, in order", async () => {
    const sets: KvOp[] = Array.from({ length: 300 }, (_, i) => ({ verb: "set", key: `${root}/txn/${String(i).padStart(3, "0")}`, value: `value ${i} ✓` }));
    // A key set in the first transaction and deleted in the fifth: order across batches holds.
    const ops: KvOp[] = [...sets, { verb: "delete", key: `${root}/txn/000` }];
    await client.txn(ops);
    const listed = await client.kvList(`${root}/txn/`);
    expect(listed).toHaveLength(299);
    expect(listed[0]).toEqual({ key: `${root}/txn/001`, value: "value 1 ✓" });
    expect(listed[298]).toEqual({ key: `${root}/txn/299`, value: "value 299 ✓" });
    await client.txn(sets.map((s) => ({ verb: "delete", key: s.key })));
    expect(await client.kvList(`${root}/txn/`)).toEqual([]);
  });

  it("reports which operation made Consul roll a transaction back", async () => {
    await expect(client.txn([{ verb: "set", key: `${root}/ok`, value: "1" }, { verb: "set", key: "", value: "x" }])).rejects.toThrow(
      /rolled back a transaction: set "": Must provide key/,
    );
    expect(await client.kvGet(`${root}/ok`)).toBeUndefined();
  });
});

describe("apply lock", () => {
  it("refuses a second holder at once, naming the first", async () => {
    let inner: unknown;
    await withApplyLock(
      client,
      "first apply",
      async () => {
        inner = await withApplyLock(client, "second apply", async () => "ran").catch((e: Error) => e);
      },
      RIDE_OUT_LOCK_DELAY,
    );
    expect(inner).toBeInstanceOf(Error);
    expect((inner as Error).message).toMatch(/Another apply holds the lock test-discovery\/locks\/apply: "first apply" \(pid \d+/);
    // Released afterwards: the next apply gets it.
    await expect(withApplyLock(client, "third apply", async () => "ran", RIDE_OUT_LOCK_DELAY)).resolves.toBe("ran");
  });

  it("a waiting holder runs after the first, never interleaved", async () => {
    const events: string[] = [];
    const first = withApplyLock(
      client,
      "A",
      async () => {
        events.push("A start");
        await sleep(2_000);
        events.push("A end");
      },
      RIDE_OUT_LOCK_DELAY,
    );
    await sleep(300);
    const second = withApplyLock(
      client,
      "B",
      async () => {
        events.push("B start");
        events.push("B end");
      },
      { waitMs: 15_000 },
    );
    await Promise.all([first, second]);
    expect(events).toEqual(["A start", "A end", "B start", "B end"]);
  }, 30_000);

  it("a holder that waits longer than twice its session TTL still gets the lock (its session is renewed while waiting)", async () => {
    const ttlSeconds = 10;
    const first = withApplyLock(client, "long apply", () => sleep(2.5 * ttlSeconds * 1000), RIDE_OUT_LOCK_DELAY);
    await sleep(300);
    const second = withApplyLock(client, "patient apply", async () => "ran", { ttlSeconds, waitMs: 45_000 });
    await first;
    await expect(second).resolves.toBe("ran");
  }, 60_000);

  it("a holder killed with SIGKILL loses the lock when its session TTL runs out", async () => {
    const ttlSeconds = 10;
    const script = `
      const { ConsulClient, consulConfigFromEnv } = require(${JSON.stringify(join(REPO, "runtime/consul/client"))});
      const { withApplyLock } = require(${JSON.stringify(join(REPO, "runtime/consul/lock"))});
      const c = new ConsulClient(consulConfigFromEnv(${JSON.stringify({ address: fleet.consulHttp, kvRoot: root })}));
      withApplyLock(c, "doomed apply", () => { console.log("locked"); return new Promise(() => {}); }, { ttlSeconds: ${ttlSeconds}, waitMs: ${RIDE_OUT_LOCK_DELAY.waitMs} });
    `;
    // Plain node with tsx's require hook: one process, so SIGKILL really kills the holder.
    const child = spawn(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d) => String(d).includes("locked") && resolve());
      child.once("exit", (code) => reject(new Error(`lock holder exited early (${code})`)));
    });
    const refused = await withApplyLock(client, "blocked apply", async () => "ran").catch((e: Error) => e.message);
    expect(refused).toMatch(/"doomed apply"/);
    child.kill("SIGKILL");
    const killedAt = Date.now();
    await withApplyLock(client, "next apply", async () => "ran", { waitMs: 45_000 });
    const seconds = (Date.now() - killedAt) / 1000;
    // Consul invalidates an unrenewed session between 1x and 2x its TTL, plus lock-delay (1 s).
    expect(seconds).toBeLessThanOrEqual(2 * ttlSeconds + 1 + 5);
  }, 60_000);
});

describe("apply lock lost", () => {
  it("an apply whose session disappears while it runs fails instead of reporting success", async () => {
    const key = `${root}/locks/apply`;
    const outcome = await withApplyLock(
      client,
      "apply that loses its lock",
      async () => {
        const held = (await (await fetch(`${fleet.consulHttp}/v1/kv/${key}`)).json()) as Array<{ Session: string }>;
        // What a Consul operator (or a session invalidated by Consul) does to a running apply.
        await fetch(`${fleet.consulHttp}/v1/session/destroy/${held[0].Session}`, { method: "PUT" });
        await sleep(4_500); // longer than one renewal interval (TTL 10 s / 3)
        return "done";
      },
      { ttlSeconds: 10, ...RIDE_OUT_LOCK_DELAY },
    ).catch((e: Error) => e.message);
    expect(outcome).toMatch(/The apply lock test-discovery\/locks\/apply expired while "apply that loses its lock" was running/);
  }, 20_000);
});

describe("ACL token", () => {
  // A Consul agent of its own with ACLs on (default deny): the fleet's Consul has none.
  let agent: ChildProcess | undefined;
  let agentExited: Promise<void> | undefined;
  let dataDir: string;
  let address: string;
  const masterToken = "4a3c7a7e-1111-4222-8333-944455556666";

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "dcp-consul-acl-"));
    const [http, serfLan, serfWan, server] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    address = `http://127.0.0.1:${http}`;
    const hcl = `ports { http = ${http}, dns = -1, grpc = -1, serf_lan = ${serfLan}, serf_wan = ${serfWan}, server = ${server} }
      acl { enabled = true, default_policy = "deny", tokens { master = "${masterToken}" } }`;
    agent = spawn("consul", ["agent", "-dev", "-bind", "127.0.0.1", "-client", "127.0.0.1", "-data-dir", dataDir, "-node", "acl-test", "-hcl", hcl], {
      stdio: "ignore",
    });
    agentExited = new Promise((resolve) => agent!.once("exit", () => resolve()));
    const withToken = new ConsulClient({ ...client.config, address, token: masterToken, retryForMs: 30_000 });
    await withToken.kvPut("probe", "up"); // retried until the agent has a leader and ACLs bootstrapped
    withToken.close();
  }, 40_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill("SIGTERM");
      await agentExited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("without a token: refused at once with HTTP 403 and what to set, no retries", async () => {
    const anonymous = new ConsulClient({ ...client.config, address, token: undefined });
    const started = Date.now();
    await expect(anonymous.kvPut(`${root}/x`, "1")).rejects.toThrow(/HTTP 403.*set CONSUL_HTTP_TOKEN/);
    expect(Date.now() - started).toBeLessThan(2_000);
    anonymous.close();
  });

  it("with CONSUL_HTTP_TOKEN: every kind of call carries it", async () => {
    const saved = { addr: process.env.CONSUL_HTTP_ADDR, token: process.env.CONSUL_HTTP_TOKEN };
    process.env.CONSUL_HTTP_ADDR = address;
    process.env.CONSUL_HTTP_TOKEN = masterToken;
    try {
      const authorised = new ConsulClient(consulConfigFromEnv({ kvRoot: root }));
      await authorised.txn([{ verb: "set", key: `${root}/acl/a`, value: "1" }]);
      expect(await authorised.kvList(`${root}/acl/`)).toEqual([{ key: `${root}/acl/a`, value: "1" }]);
      expect((await authorised.nodes()).map((n) => n.node)).toEqual(["acl-test"]);
      await expect(withApplyLock(authorised, "acl apply", async () => "locked", RIDE_OUT_LOCK_DELAY)).resolves.toBe("locked");
      authorised.close();
    } finally {
      process.env.CONSUL_HTTP_ADDR = saved.addr;
      process.env.CONSUL_HTTP_TOKEN = saved.token;
      if (saved.addr === undefined) delete process.env.CONSUL_HTTP_ADDR;
      if (saved.token === undefined) delete process.env.CONSUL_HTTP_TOKEN;
    }
  });
});

describe("retries", () => {
  it("a call made while the Consul server is down completes once it is back", async () => {
    await client.kvPut(`${root}/before-restart`, "kept");
    const restart = restartConsul(fleet);
    // Wait until the server really is down, so the calls below start during the outage.
    const downBy = Date.now() + 30_000;
    for (;;) {
      const down = await fetch(`${fleet.consulHttp}/v1/status/leader`, { signal: AbortSignal.timeout(500) }).then(
        async (r) => r.status >= 500 || (await r.text()) === '""',
        () => true,
      );
      if (down) break;
      if (Date.now() > downBy) throw new Error("the Consul server never went down");
      await sleep(50);
    }
    const startedDown = Date.now();
    await client.txn(Array.from({ length: 100 }, (_, i) => ({ verb: "set" as const, key: `${root}/during-restart/${i}`, value: String(i) })));
    const tookSeconds = (Date.now() - startedDown) / 1000;
    expect(await client.kvGet(`${root}/before-restart`)).toBe("kept");
    expect(await client.kvList(`${root}/during-restart/`)).toHaveLength(100);
    await restart;
    // It had to wait for the server: not an instant success against a Consul that never went away.
    expect(tookSeconds).toBeGreaterThan(0.2);
  }, 120_000);

  it("an apply keeps its lock across a Consul server restart", async () => {
    const seenByIntruder = await withApplyLock(
      client,
      "apply across restart",
      async () => {
        await restartConsul(fleet);
        await sleep(6_000); // more than one renewal interval (TTL 15 s / 3) after the restart
        return withApplyLock(client, "intruder", async () => "ran").catch((e: Error) => e.message);
      },
      RIDE_OUT_LOCK_DELAY,
    );
    expect(seenByIntruder).toMatch(/Another apply holds the lock .*"apply across restart"/);
  }, 120_000);

  it("never retries a 4xx answer", async () => {
    const started = Date.now();
    await expect(client.kvGet(`${root}/bad?`)).resolves.toBeUndefined(); // a plain miss is not an error
    await expect(client.sessionRenew("00000000-0000-0000-0000-000000000000")).resolves.toBe(false);
    await expect(client.txn([{ verb: "set", key: "", value: "x" }])).rejects.toThrow(/rolled back/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("service registration on the host's own agent", () => {
  const publisher = new DiscoveryPublisher(client);
  const host = fleet.hosts[2];
  let httpd: HostHttpd;
  beforeAll(async () => {
    httpd = await startHostHttpd(fleet, host.node, 19181, "disc-1");
  });
  afterAll(async () => {
    await publisher.deregisterContainer({ node: host.node, address: host.ip }, "test-discovery-1");
    await publisher.deregisterContainer({ node: host.node, address: host.ip }, "test-discovery-dead");
    await publisher.deregisterContainer({ node: host.node, address: host.ip }, "test-discovery-verified");
    await publisher.deregisterContainer({ node: host.node, address: host.ip }, "test-discovery-unverified");
    await httpd.stop();
  });

  it("registers with an HTTP check that passes, run by the host's agent, listed with dcp meta", async () => {
    await publisher.registerContainer(
      { node: host.node, address: host.ip },
      {
        serviceId: "test-discovery-1",
        name: "test-discovery-web",
        port: 19181,
        tags: ["pool=test-discovery-web"],
        meta: { dcp_pool: "test-discovery-web", dcp_instance: "disc-1", dcp_spec_hash: "abc123" },
        check: { path: "/health", port: 19181, intervalSeconds: 1, timeoutSeconds: 1 },
      },
    );
    expect(await publisher.waitPassing(["test-discovery-1"], 20_000)).toEqual([]);
    const services = (await client.services()).filter((s) => s.serviceId === "test-discovery-1");
    expect(services).toEqual([
      {
        node: host.node, // the host's node, not the server's: the registration went to the host's agent
        serviceId: "test-discovery-1",
        serviceName: "test-discovery-web",
        address: host.ip,
        port: 19181,
        meta: { dcp_pool: "test-discovery-web", dcp_instance: "disc-1", dcp_spec_hash: "abc123" },
      },
    ]);
    const check = (await client.checks()).find((c) => c.serviceId === "test-discovery-1");
    expect(check).toMatchObject({ node: host.node, status: "passing" });
  }, 40_000);

  it("reports a service whose check does not pass", async () => {
    await publisher.registerContainer(
      { node: host.node, address: host.ip },
      {
        serviceId: "test-discovery-dead",
        name: "test-discovery-web",
        port: 19189, // nothing listens here
        tags: [],
        meta: { dcp_pool: "test-discovery-web", dcp_instance: "disc-dead", dcp_spec_hash: "abc123" },
        check: { path: "/health", port: 19189, intervalSeconds: 1, timeoutSeconds: 1 },
      },
    );
    expect(await publisher.waitPassing(["test-discovery-1", "test-discovery-dead"], 5_000)).toEqual(["test-discovery-dead"]);
  }, 30_000);

  it("a check registered as passing (apply has just seen the container healthy) is passing at once; by default it starts critical", async () => {
    const register = (serviceId: string, initialStatus?: "passing") =>
      publisher.registerContainer(
        { node: host.node, address: host.ip },
        {
          serviceId,
          name: "test-discovery-web",
          port: 19181,
          tags: [],
          meta: { dcp_pool: "test-discovery-web", dcp_instance: serviceId, dcp_spec_hash: "abc123" },
          // A long interval: the agent's first run comes after a random stagger within it, so what the catalog shows is the initial status.
          check: { path: "/health", port: 19181, intervalSeconds: 300, timeoutSeconds: 1, initialStatus },
        },
      );
    await register("test-discovery-verified", "passing");
    await register("test-discovery-unverified");
    let statuses = new Map<string, string>();
    for (let i = 0; i < 40 && statuses.size < 2; i++) {
      const checks = (await client.checks()).filter((c) => c.serviceId.startsWith("test-discovery-") && c.serviceId.endsWith("verified"));
      statuses = new Map(checks.map((c) => [c.serviceId, c.status]));
      if (statuses.size < 2) await new Promise((r) => setTimeout(r, 250));
    }
    expect(Object.fromEntries(statuses)).toEqual({ "test-discovery-verified": "passing", "test-discovery-unverified": "critical" });
  }, 30_000);

  it("refuses a registration without dcp meta or with a zero check interval, registering nothing", async () => {
    await expect(
      publisher.registerContainer({ node: host.node, address: host.ip }, { serviceId: "x", name: "x", port: 1, tags: [], meta: { dcp_pool: "x" } }),
    ).rejects.toThrow(/meta dcp_instance, dcp_spec_hash missing/);
    const meta = { dcp_pool: "x", dcp_instance: "x", dcp_spec_hash: "x" };
    await expect(
      publisher.registerContainer(
        { node: host.node, address: host.ip },
        { serviceId: "x", name: "x", port: 1, tags: [], meta, check: { path: "/health", port: 1, intervalSeconds: 0, timeoutSeconds: 1 } },
      ),
    ).rejects.toThrow(/interval and timeout must be > 0 s \(got 0 s and 1 s\)/);
    expect((await client.services()).map((s) => s.serviceId)).not.toContain("x");
  });

  it("deregisters through the catalog when the host's agent does not answer (host gone)", async () => {
    const ghost = { node: "test-discovery-ghost", address: "127.0.0.1" };
    // Nothing listens on this port: the "host's agent" is gone.
    const noAgent = testClient(fleet, "discovery", { agentPort: await freeLoopbackPort(), retryForMs: 90_000 });
    // What a host that died leaves behind: its node and service still in the catalog.
    const registered = await fetch(`${fleet.consulHttp}/v1/catalog/register`, {
      method: "PUT",
      body: JSON.stringify({
        Node: ghost.node,
        Address: ghost.address,
        Service: { ID: "test-discovery-ghost", Service: "test-discovery-web", Port: 19183, Tags: ["dcp"], Meta: { dcp_pool: "test-discovery-web", dcp_instance: "ghost", dcp_spec_hash: "abc123" } },
      }),
    });
    expect(registered.status).toBe(200);
    try {
      expect((await client.services()).map((s) => s.serviceId)).toContain("test-discovery-ghost");
      const started = Date.now();
      await new DiscoveryPublisher(noAgent).deregisterContainer(ghost, "test-discovery-ghost");
      expect(Date.now() - started).toBeLessThan(20_000); // not the 90 s of retries meant for a restarting Consul
      expect((await client.services()).map((s) => s.serviceId)).not.toContain("test-discovery-ghost");
    } finally {
      await fetch(`${fleet.consulHttp}/v1/catalog/deregister`, { method: "PUT", body: JSON.stringify({ Node: ghost.node }) });
      noAgent.close();
    }
  }, 40_000);

  it("deregisters idempotently", async () => {
    await publisher.deregisterContainer({ node: host.node, address: host.ip }, "test-discovery-dead");
    await publisher.deregisterContainer({ node: host.node, address: host.ip }, "test-discovery-dead");
    expect((await client.services()).map((s) => s.serviceId)).not.toContain("test-discovery-dead");
    expect((await client.services()).map((s) => s.serviceId)).toContain("test-discovery-1");
  });
});

describe("upstream entries as nginx-upsync-module reads them", () => {
  const publisher = new DiscoveryPublisher(client);
  const prefix = client.config.upstreamPrefix;
  const entry = (upstream: string, server: string, weight: number): UpstreamEntry => {
    const p = { weight, maxFails: 2, failTimeoutSeconds: 10, down: false };
    return { upstream, server, ...p, raw: upstreamValue(p) };
  };

  /** What nginx-upsync-module fetches: GET /v1/kv/<prefix>/<upstream>/?recurse, values base64. */
  async function consumerView(upstream: string): Promise<Array<{ server: string; value: string }>> {
    const res = await fetch(`${fleet.consulHttp}/v1/kv/${upstreamFolder(prefix, upstream)}?recurse`);
    if (res.status === 404) return [];
    const items = (await res.json()) as Array<{ Key: string; Value: string | null }>;
    return items.map((i) => ({ server: i.Key.split("/").pop()!, value: Buffer.from(i.Value ?? "", "base64").toString("utf8") }));
  }

  it("publishes 150 entries, reads them back, and empties an upstream to one down entry", async () => {
    const desired = [
      ...Array.from({ length: 100 }, (_, i) => entry("feed", `192.168.79.${10 + (i % 6)}:${20000 + i}`, 16)),
      ...Array.from({ length: 50 }, (_, i) => entry("feed2", `192.168.79.${10 + (i % 6)}:${21000 + i}`, 20)),
    ];
    await publisher.apply(diffUpstreams(desired, await publisher.readUpstreams(), prefix));
    const live = await publisher.readUpstreams();
    expect(live).toHaveLength(150);
    expect(diffUpstreams(desired, live, prefix)).toEqual([]);

    // The trailing slash keeps feed2 out of feed.
    const feed = await consumerView("feed");
    expect(feed).toHaveLength(100);
    for (const { value } of feed) {
      expect(value).toBe('{"weight":16,"max_fails":2,"fail_timeout":10,"down":0}');
      expect(parseUpstreamValue(value).problems).toEqual([]);
    }

    // feed loses every server: one entry stays, marked down.
    await publisher.apply(diffUpstreams(desired.filter((e) => e.upstream === "feed2"), live, prefix));
    const after = await consumerView("feed");
    expect(after).toHaveLength(1);
    expect(parseUpstreamValue(after[0].value)).toMatchObject({ down: true, problems: [] });
    expect(await consumerView("feed2")).toHaveLength(50);

    // A new server replaces the down placeholder.
    const next = [entry("feed", "192.168.79.11:20999", 16)];
    await publisher.apply(diffUpstreams(next, (await publisher.readUpstreams()).filter((e) => e.upstream === "feed"), prefix));
    expect(await consumerView("feed")).toEqual([{ server: "192.168.79.11:20999", value: '{"weight":16,"max_fails":2,"fail_timeout":10,"down":0}' }]);
  }, 30_000);

  it("reads a hand-edited value the way the module would, and the diff rewrites it", async () => {
    const key = `${upstreamFolder(prefix, "handedit")}192.168.79.12:20001`;
    await client.kvPut(key, '{"weight":16,"max_fails":2,'); // truncated: nginx would use weight 1
    const live = (await publisher.readUpstreams()).filter((e) => e.upstream === "handedit");
    expect(live).toMatchObject([{ server: "192.168.79.12:20001", weight: 1 }]);
    const ops = diffUpstreams([entry("handedit", "192.168.79.12:20001", 16)], live, prefix);
    expect(ops).toEqual([{ verb: "set", key, value: '{"weight":16,"max_fails":2,"fail_timeout":10,"down":0}' }]);
    await publisher.apply(ops);
    expect(await client.kvGet(key)).toBe('{"weight":16,"max_fails":2,"fail_timeout":10,"down":0}');
  });
});
