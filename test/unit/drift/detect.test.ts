import { detectDrift, expectedUpstreams } from "../../../runtime/drift/detect";
import { DriftKind, DriftReport } from "../../../runtime/drift/types";
import { containerName, instanceId } from "../../../runtime/plan/spec";
import { upstreamValue } from "../../../model/upstreams";
import { OPTIONS, World, container, converged, hostOf } from "./fixture";

function detect(world: World, options = OPTIONS): DriftReport {
  return detectDrift(world.desired, world.inventory, world.consul, options);
}

function kinds(report: DriftReport): DriftKind[] {
  return report.findings.map((f) => f.kind).sort();
}

describe("detectDrift", () => {
  test("a converged world has no drift", () => {
    const report = detect(converged());
    expect(report.findings).toEqual([]);
    expect(Object.values(report.counts).every((n) => n === 0)).toBe(true);
  });

  test("missing container: an instance below the replica count does not run", () => {
    const world = converged();
    const h3 = hostOf(world, "h3");
    h3.containers = [];
    // Its upstream entry and service would be stale too; keep this test to the container itself.
    world.inventory.upstreams = world.inventory.upstreams.filter((u) => !u.server.startsWith("10.1.0.13"));
    world.inventory.services = world.inventory.services!.filter((s) => s.node !== "h3");
    world.consul.kvKeys = world.consul.kvKeys.filter((k) => !k.includes("10.1.0.13"));
    h3.assignedPools = [];
    const report = detect(world);
    expect(kinds(report)).toEqual(["missing-container"]);
    const f = report.findings[0];
    expect(f).toMatchObject({ object: "pool web", expected: "2 running", repair: "apply", pool: "web" });
    expect(f.actual).toContain(instanceId("web", 1));
  });

  test("a stopped container counts as missing and says so", () => {
    const world = converged();
    const [web] = world.desired.pools;
    hostOf(world, "h3").containers = [container(web, 1, { running: false })];
    const report = detect(world);
    const missing = report.findings.find((f) => f.kind === "missing-container");
    expect(missing?.actual).toContain("1 of them stopped");
  });

  test("extra container: beyond the replicas, duplicating an instance, or of a pool no longer desired", () => {
    const world = converged();
    const [web] = world.desired.pools;
    const h4 = hostOf(world, "h4");
    h4.assignedPools = ["web"];
    h4.containers = [
      container(web, 7, { ports: [8080] }),
      container(web, 0, { ports: [8080], name: "dcp-web-00000-dup" }),
      { ...container(web, 0), pool: "retired", instance: "retired-00000", name: "dcp-retired-00000-abc" },
    ];
    const report = detect(world);
    const extra = report.findings.filter((f) => f.kind === "extra-container");
    expect(extra.map((f) => f.object).sort()).toEqual(["container dcp-retired-00000-abc on h4", "pool web"]);
    const poolFinding = extra.find((f) => f.object === "pool web")!;
    expect(poolFinding.actual).toContain("2 more");
    expect(poolFinding.actual).toContain(containerName(instanceId("web", 7), web.ports.length ? container(web, 7).specHash : ""));
    expect(extra.find((f) => f.pool === "retired")?.explanation).toContain("not in the desired state");
  });

  test("stopped copies: beyond the replicas, or beside a running copy, are extra too", () => {
    const world = converged();
    const [web] = world.desired.pools;
    hostOf(world, "h4").containers = [container(web, 9, { running: false }), container(web, 1, { running: false, name: "dcp-web-00001-old" })];
    const report = detect(world);
    const extra = report.findings.filter((f) => f.kind === "extra-container");
    expect(extra).toHaveLength(1);
    expect(extra[0].actual).toMatch(/^2 more: /);
    expect(extra[0].actual).toContain("dcp-web-00001-old on h4");
    expect(report.findings.some((f) => f.kind === "missing-container")).toBe(false);
  });

  test("one instance missing and one extra are both reported, though the count matches", () => {
    const world = converged();
    const [web] = world.desired.pools;
    hostOf(world, "h3").containers = [container(web, 5)];
    const report = detect(world);
    expect(report.findings.filter((f) => f.kind === "missing-container")).toHaveLength(1);
    expect(report.findings.filter((f) => f.kind === "extra-container")).toHaveLength(1);
  });

  test("spec changed: another image, or another spec hash with the same image", () => {
    const world = converged();
    const [web, cache] = world.desired.pools;
    const h1 = hostOf(world, "h1");
    h1.containers = [container(web, 0, { image: "registry.local/web:hotfix" }), container(cache, 0, { specHash: "0123456789ab" })];
    const report = detect(world);
    const changed = report.findings.filter((f) => f.kind === "spec-changed");
    expect(changed).toHaveLength(2);
    const image = changed.find((f) => f.pool === "web")!;
    expect(image.actual).toContain("registry.local/web:hotfix");
    expect(image.expected).toContain(web.image);
    expect(image.explanation).toContain("instead of");
    const spec = changed.find((f) => f.pool === "cache")!;
    expect(spec.actual).toContain("0123456789ab");
    expect(spec.explanation).toContain(cache.source);
  });

  test("spec changed under a canary: --promote or --abort repairs it, not a plain apply", () => {
    const world = converged();
    const [web] = world.desired.pools;
    world.desired.pools[0] = { ...web, update: { canary: 1 } };
    hostOf(world, "h1").containers = [container(web, 0, { specHash: "0123456789ab" })];
    const [finding] = detect(world).findings.filter((f) => f.kind === "spec-changed");
    expect(finding).toMatchObject({ pool: "web", repair: "manual" });
    expect(finding.explanation).toMatch(/holds a canary \(update\.canary\): `dcp apply --promote` replaces it/);
  });

  test("dead upstream: an entry for an ip:port where nothing runs", () => {
    const world = converged();
    const value = { weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false };
    world.inventory.upstreams.push({ upstream: "web", server: "10.0.0.99:8080", ...value, raw: upstreamValue(value) });
    world.consul.kvKeys.push("upstreams/web/10.0.0.99:8080");
    const report = detect(world);
    expect(kinds(report)).toEqual(["dead-upstream"]);
    expect(report.findings[0]).toMatchObject({ object: "kv upstreams/web/10.0.0.99:8080", expected: "absent", repair: "upstream", pool: "web" });
  });

  test("the last entry of an emptied upstream, marked down, is dcp's own and not drift; left up, it is", () => {
    const world = converged();
    const [web] = world.desired.pools;
    for (const h of world.inventory.hosts) h.containers = (h.containers ?? []).filter((c) => c.pool !== "web");
    world.desired.pools = world.desired.pools.filter((p) => p !== web);
    hostOf(world, "h1").assignedPools = ["cache"];
    hostOf(world, "h3").assignedPools = [];
    world.inventory.services = world.inventory.services!.filter((s) => s.meta.dcp_pool !== "web");
    const down = { weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: true };
    world.inventory.upstreams = [{ upstream: "web", server: "10.0.0.11:8080", ...down, raw: upstreamValue(down) }];
    world.consul.kvKeys = world.consul.kvKeys.filter((k) => !k.startsWith("upstreams/") || k.endsWith("10.0.0.11:8080"));
    expect(detect(world).findings).toEqual([]);

    const up = { ...down, down: false };
    world.inventory.upstreams = [{ upstream: "web", server: "10.0.0.11:8080", ...up, raw: upstreamValue(up) }];
    const report = detect(world);
    expect(kinds(report)).toEqual(["dead-upstream"]);
    expect(report.findings[0].expected).toBe(upstreamValue(down));
  });

  test("weight changed by hand, and a malformed value nginx would read as weight 1", () => {
    const world = converged();
    const [h1Entry, h3Entry] = world.inventory.upstreams;
    h1Entry.weight = 50;
    h1Entry.raw = upstreamValue({ weight: 50, maxFails: 2, failTimeoutSeconds: 10, down: false });
    h3Entry.weight = 1;
    h3Entry.raw = "{weight: 16}";
    const report = detect(world);
    expect(kinds(report)).toEqual(["upstream-edited", "upstream-edited"]);
    const edited = report.findings.find((f) => f.object.endsWith("10.0.0.11:8080"))!;
    expect(edited.expected).toBe(upstreamValue({ weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false }));
    expect(edited.explanation).toContain("weight 50");
    const malformed = report.findings.find((f) => f.object.endsWith("10.1.0.13:8080"))!;
    expect(malformed.expected).toContain('"weight":16');
    expect(malformed.explanation).toContain("not JSON");
    expect(malformed.explanation).toContain("weight 1");
  });

  test("a running container's entry deleted by hand is reported", () => {
    const world = converged();
    world.inventory.upstreams = world.inventory.upstreams.slice(0, 1);
    world.consul.kvKeys = world.consul.kvKeys.filter((k) => !k.endsWith("10.1.0.13:8080"));
    const report = detect(world);
    expect(kinds(report)).toEqual(["upstream-edited"]);
    expect(report.findings[0]).toMatchObject({ actual: "absent", expected: upstreamValue({ weight: 16, maxFails: 2, failTimeoutSeconds: 10, down: false }) });
  });

  test("cloud hosts are expected at weight × the IDC factor", () => {
    const world = converged();
    const weights = Object.fromEntries(expectedUpstreams(world.desired, world.inventory).map((e) => [e.server, e.weight]));
    expect(weights).toEqual({ "10.0.0.11:8080": 20, "10.1.0.13:8080": 16 });
  });

  test("assignment: a pool that is not desired, a pool run without assignment, an assignment with nothing running", () => {
    const world = converged();
    hostOf(world, "h1").assignedPools = ["cache", "ghost", "web"];
    hostOf(world, "h3").assignedPools = [];
    hostOf(world, "h4").assignedPools = ["web"];
    world.consul.kvKeys.push("dcp/assignments/h4");
    const report = detect(world);
    expect(kinds(report)).toEqual(["assignment-mismatch", "assignment-mismatch", "assignment-mismatch"]);
    const by = Object.fromEntries(report.findings.map((f) => [f.node, f]));
    expect(by.h1.explanation).toContain("ghost, not in the desired state");
    expect(by.h3.explanation).toContain("runs web without being assigned");
    expect(by.h3.expected).toBe("assigned to web");
    expect(by.h4.explanation).toContain("assigned to web but runs none");
    expect(by.h4.expected).toBe("buffer");
  });

  test("labels: node meta naming an unknown fleet, or disagreeing with its fleet and IDC", () => {
    const world = converged();
    const h4 = hostOf(world, "h4");
    h4.fleet = "ghost-fleet";
    const h3 = hostOf(world, "h3");
    h3.zone = "cn-shanghai-a";
    h3.cloud = false;
    h3.capacity = { cpu: 8, memoryMiB: 32768 };
    const report = detect(world);
    const labels = report.findings.filter((f) => f.kind === "label-mismatch");
    expect(labels.map((f) => f.node).sort()).toEqual(["h3", "h4"]);
    expect(labels.find((f) => f.node === "h4")!.actual).toBe("fleet=ghost-fleet");
    expect(labels.every((f) => f.repair === "node-meta")).toBe(true);
    const h3Finding = labels.find((f) => f.node === "h3")!;
    expect(h3Finding.actual).toContain("zone=cn-shanghai-a");
    expect(h3Finding.actual).toContain("cloud=false");
    expect(h3Finding.actual).toContain("cpu=8");
    expect(h3Finding.actual).not.toContain("memory_mib");
  });

  test("labels: a node with dcp meta and an agent but no Docker endpoint is a host the runtime cannot see", () => {
    const world = converged();
    world.consul.nodesWithoutDocker.push("h7");
    world.consul.kvKeys.push("dcp/hosts/h7/init", "dcp/assignments/h7");
    const report = detect(world);
    expect(kinds(report)).toEqual(["label-mismatch"]);
    expect(report.findings[0]).toMatchObject({ object: "host h7", actual: "dcp_docker missing", repair: "node-meta", node: "h7" });
  });

  test("a host Terraform keeps (local profile) that is gone or unhealthy is infrastructure drift, for cdktf deploy to repair", () => {
    const world = converged();
    world.desired.fleets[1].hosts = ["h3", "h4", "h5"];
    hostOf(world, "h4").healthy = false;
    const findings = detect(world).findings.filter((f) => f.kind === "infrastructure");
    expect(findings.map((f) => [f.object, f.actual, f.repair])).toEqual([
      ["host h4", "in the Consul catalog but unhealthy (agent or Docker daemon down)", "manual"],
      ["host h5", "not in the Consul catalog", "manual"],
    ]);
    expect(findings[1].expected).toBe('up in fleet bj-standard (terraform_data.host["h5"])');
    expect(findings[1].explanation).toMatch(/cdktf deploy/);
  });

  test("unowned entries: stray KV keys, an agentless node, a service with no container", () => {
    const world = converged();
    world.consul.kvKeys.push("dcp/leftover/thing", "dcp/assignments/h9", "upstreams/web/not-an-ip:80");
    world.consul.agentlessNodes.push("stray-node");
    world.inventory.hosts.push({ ...hostOf(world, "h4"), node: "stray-node", address: "10.9.9.9", fleet: "ghost", containers: null, healthy: false });
    world.inventory.services!.push({ node: "h4", serviceId: "dcp-web-00042-deadbeef", name: "web", address: "10.1.0.14", port: 8080, meta: { dcp_pool: "web", dcp_instance: "web-00042" } });
    const report = detect(world);
    expect(kinds(report)).toEqual(Array(5).fill("unowned-entry"));
    expect(report.findings.map((f) => f.entry)).toEqual(
      expect.arrayContaining([
        { type: "kv", key: "dcp/leftover/thing" },
        { type: "kv", key: "dcp/assignments/h9" },
        { type: "kv", key: "upstreams/web/not-an-ip:80" },
        { type: "node", node: "stray-node" },
        { type: "service", node: "h4", serviceId: "dcp-web-00042-deadbeef" },
      ]),
    );
    // The stray node is not judged as a host: no label finding, no unreachable-daemon note.
    expect(report.notes.join(" ")).not.toContain("stray-node");
  });

  test("an upstream no desired pool owns is unowned", () => {
    const world = converged();
    const value = { weight: 5, maxFails: 2, failTimeoutSeconds: 10, down: false };
    world.inventory.upstreams.push({ upstream: "old_api", server: "10.0.0.11:8080", ...value, raw: upstreamValue(value) });
    world.inventory.upstreams.push({ upstream: "old_api", server: "10.1.0.13:8080", ...value, raw: upstreamValue(value) });
    const report = detect(world);
    expect(kinds(report)).toEqual(["unowned-entry", "unowned-entry"]);
    expect(report.findings.every((f) => f.repair === "upstream")).toBe(true);
  });

  test("an unreachable daemon: its containers are missing, its entries are not judged, a note says so", () => {
    const world = converged();
    const h3 = hostOf(world, "h3");
    h3.containers = null;
    h3.healthy = false;
    const report = detect(world);
    expect(kinds(report)).toEqual(["missing-container"]);
    expect(report.notes.join(" ")).toContain("unreachable on h3");
  });

  test("pool scope: other pools' containers, entries and services are left out, fleet-wide checks stay", () => {
    const world = converged();
    const [web, cache] = world.desired.pools;
    hostOf(world, "h1").containers = [container(web, 0)];
    hostOf(world, "h4").containers = [{ ...container(cache, 3), pool: "other-suite", instance: "other-suite-00000" }];
    world.consul.kvKeys.push("dcp/leftover");
    const scoped = detect(world, { ...OPTIONS, pools: ["web"] });
    expect(kinds(scoped)).toEqual(["unowned-entry"]);
    const full = detect(world);
    expect(kinds(full)).toEqual(expect.arrayContaining(["missing-container", "extra-container", "unowned-entry"]));
  });

  test("every kind is counted", () => {
    const world = converged();
    hostOf(world, "h4").fleet = "ghost";
    world.consul.kvKeys.push("dcp/x");
    const report = detect(world);
    expect(report.counts["label-mismatch"]).toBe(1);
    expect(report.counts["unowned-entry"]).toBe(1);
    expect(report.counts["missing-container"]).toBe(0);
  });
});
