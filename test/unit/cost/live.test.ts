import { spawnSync } from "node:child_process";
import { costOfInventory, desiredAsLive, BUFFER } from "../../../cost/live";
import { costOfDesired } from "../../../cost/model";
import { EXAMPLE_PRICES_FILE, loadPrices } from "../../../cost/prices";
import { costReport } from "../../../cost/report";
import { renderMarkdown } from "../../../output";
import { Inventory, InventoryContainer, InventoryHost } from "../../../model/inventory";
import { DCP, REPO } from "../review/pool-sets";
import { examplePools, snapshot } from "../review/scenario";

const prices = loadPrices();
const desired = snapshot("x", examplePools()).desired;

function container(pool: string, cpu: number, createdAt = "2026-01-01T10:00:00.000Z"): InventoryContainer {
  return { id: `${pool}-${cpu}`, name: pool, pool, specHash: "h", instance: `${pool}-1`, image: "i", running: true, health: "passing", resources: { cpu, memoryMiB: cpu * 2048 }, ports: [], createdAt };
}

function host(node: string, fleet: string, containers: InventoryContainer[], since?: string): InventoryHost {
  const cloud = fleet === "bj-standard";
  return {
    node, address: "192.168.77.11", idc: cloud ? "aliyun-bj" : "yf-private", zone: "z", fleet, cloud,
    capacity: { cpu: 16, memoryMiB: 32768 }, dockerEndpoint: "tcp://x:2376", meta: {}, healthy: true, initialised: true,
    assignedPools: [], containers, ...(since ? { since } : {}),
  };
}

describe("cost of the live fleet", () => {
  const inventory: Inventory = {
    at: "2026-01-01T12:00:00.000Z",
    upstreams: [],
    hosts: [
      // Joined 10:00, two hours ago: 2 × 3.20.
      host("h3", "bj-standard", [container("feed-api", 4), container("feed-api", 4), container("hongbao-api", 8)], "2026-01-01T10:00:00.000Z"),
      // No join time: its oldest container (11:00) is the lower bound.
      host("h4", "bj-standard", [container("feed-cache", 8, "2026-01-01T11:30:00.000Z"), container("feed-cache", 8, "2026-01-01T11:00:00.000Z")]),
      host("h5", "bj-standard", []),
      host("h1", "yf-standard", [container("remind-api", 2)], "2026-01-01T11:00:00.000Z"),
    ],
  };
  const c = costOfInventory(inventory, desired, prices, EXAMPLE_PRICES_FILE);
  const line = (name: string) => c.byPool.find((p) => p.name === name)!;

  test("each host at its fleet's price; shares by reserved resources; empty hosts are buffer", () => {
    expect(c.source).toBe("live");
    expect(c.total.runRate.hourly).toBeCloseTo(3 * 3.2 + 900 / 730, 6);
    expect(line("feed-api").runRate.hourly).toBeCloseTo(3.2 / 2, 6);
    expect(line("hongbao-api").runRate.hourly).toBeCloseTo(3.2 / 2, 6);
    expect(line("feed-cache").runRate.hourly).toBeCloseTo(3.2, 6);
    expect(line(BUFFER)).toMatchObject({ owner: BUFFER, runRate: { hourly: 3.2 } });
    expect(c.byOwner.find((o) => o.name === "feed-team")!.runRate.hourly).toBeCloseTo(3.2 / 2 + 3.2, 6);
  });

  test("accrued cost from host lifetimes, with estimated join times said so", () => {
    expect(c.hosts.find((h) => h.node === "h3")).toMatchObject({ since: "2026-01-01T10:00:00.000Z", hours: 2 });
    expect(line("feed-api").accrued).toBeCloseTo(3.2, 6);
    expect(c.hosts.find((h) => h.node === "h4")).toMatchObject({ since: "2026-01-01T11:00:00.000Z", hours: 1 });
    expect(line("feed-cache").accrued).toBeCloseTo(3.2, 6);
    expect(line(BUFFER).accrued).toBeUndefined();
    expect(c.total.accrued).toBeCloseTo(2 * 3.2 + 3.2 + 900 / 730, 6);
    expect(c.notes).toEqual(["1 host(s) report no join time; their lifetime starts at their oldest container, so their accrued cost is a lower bound"]);
  });

  test("a cloud host of a fleet the desired state does not know is reported, not priced", () => {
    // (A private host is priced by its IDC alone, so only a cloud host lacks a price.)
    const stray = { ...host("h9", "gz-standard", []), idc: "aliyun-gz", cloud: true };
    const odd = costOfInventory({ ...inventory, hosts: [stray] }, desired, prices, EXAMPLE_PRICES_FILE);
    expect(odd.notes).toEqual(["host h9 (fleet gz-standard): fleet not in the desired state; not counted"]);
    expect(odd.total.runRate.hourly).toBe(0);
  });

  test("without the fleet: the desired state's cost, saying why", () => {
    const d = desiredAsLive(costOfDesired(desired, prices), EXAMPLE_PRICES_FILE, new Date(), "Consul at http://127.0.0.1:8500 is unreachable");
    expect(d.source).toBe("desired");
    expect(d.total.hosts).toBe(56);
    const md = renderMarkdown(costReport(d));
    expect(md).toMatch(/^### dcp cost \(desired state\)/);
    expect(md).toContain("> - Consul at http://127.0.0.1:8500 is unreachable: this is the cost of the desired state, not of the live fleet");
    expect(md).toMatch(/^- total: [\d.]+ CNY\/month \([\d.]+\/hour\) for 56 hosts — EXAMPLE prices$/m);
  });
});

describe("dcp cost (CLI)", () => {
  test("with Consul unreachable: the desired state's cost as JSON, saying so", () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const run = spawnSync(DCP, ["cost", "--json"], { cwd: REPO, encoding: "utf8", env: { ...process.env, CONSUL_HTTP_ADDR: "http://127.0.0.1:9" }, timeout: 60_000 });
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ version: 1, kind: "dcp-cost", source: "desired", currency: "CNY", examplePrices: true });
    expect(json.notes[0]).toMatch(/127\.0\.0\.1:9.*: this is the cost of the desired state, not of the live fleet$/);
    expect(json.byOwner.map((o: { name: string }) => o.name)).toEqual(["feed-team", "hongbao-team", "platform-team", "remind-team"]);
  }, 60_000);

  test("a bad price file: exit 1 naming the file", () => {
    const run = spawnSync(DCP, ["cost", "--prices", "/nonexistent/prices.yaml"], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: \/nonexistent\/prices.yaml: cannot read/m);
  }, 60_000);
});
