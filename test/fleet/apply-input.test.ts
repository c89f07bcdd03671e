/**
 * Bad input: a clear error naming what to change, exit 1, and nothing changed on the
 * fleet (no container, no assignment, no upstream entry).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KV } from "../../model/host-metadata";
import { parseAssignment } from "../../runtime/inventory/read";
import { Suite, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "input");
const bad = testPool(fleet, "tinput-web", 2);

beforeAll(() => suite.cleanup([bad]), 120_000);
afterAll(() => suite.cleanup([bad]), 120_000);

async function expectNothingChanged(): Promise<void> {
  expect(await suite.containers("tinput-web")).toEqual([]);
  expect(await suite.upstreams("tinput_web")).toEqual([]);
  const assignments = await suite.consul.kvList(KV.assignments(suite.consul.config.kvRoot));
  expect(assignments.filter((a) => parseAssignment(a.value).includes("tinput-web"))).toEqual([]);
}

const applyArgs = (file: string) => ["apply", "--desired", file, "--profile", "local", "--wait-lock", "60"];

test("unknown pool", async () => {
  const r = await suite.dcp(["plan", "--desired", suite.writeDesired([bad]), "--pool", "nope"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('error: unknown pool "nope"; desired pools: tinput-web');
  await expectNothingChanged();
}, 120_000);

test("impossible constraint: the scheduler's reason is reported", async () => {
  const r = await suite.dcp(applyArgs(suite.writeDesired([{ ...bad, placement: { strategy: "spread", constraints: ["zone==mars-1"] } }])));
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/2 container\(s\) cannot be placed; nothing was changed/);
  expect(r.stderr).toMatch(/tinput-web tinput-web-00000: .*constraint/);
  await expectNothingChanged();
}, 120_000);

test("image missing from the registry", async () => {
  const r = await suite.dcp(applyArgs(suite.writeDesired([{ ...bad, image: `${fleet.registry}/dcp/nope:1` }])));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: image ${fleet.registry}/dcp/nope:1 not found in registry ${fleet.registry}`);
  await expectNothingChanged();
}, 120_000);

test("Consul unreachable", async () => {
  const r = await suite.dcp(applyArgs(suite.writeDesired([bad])), { CONSUL_HTTP_ADDR: "http://127.0.0.1:1" });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/error: Consul at http:\/\/127\.0\.0\.1:1 is unreachable/);
  await expectNothingChanged();
}, 120_000);

test("TLS material missing", async () => {
  const r = await suite.dcp(applyArgs(suite.writeDesired([bad])), { DCP_TLS_DIR: join(suite.dir, "no-tls") });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: TLS material missing: ${join(suite.dir, "no-tls", "ca.pem")} not found; set DCP_TLS_DIR`);
  await expectNothingChanged();
}, 120_000);

test("invalid desired state file names the field", async () => {
  const file = join(suite.dir, "bad.json");
  writeFileSync(file, JSON.stringify({ version: 1, idcs: [], fleets: [], pools: [{ ...bad, containerType: "dP9" }] }));
  const r = await suite.dcp(applyArgs(file));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: ${file}: field pools[0].containerType must be one of dP01, dP02, dP03, dP04 (got "dP9")`);
  writeFileSync(file, "{ not json");
  const r2 = await suite.dcp(applyArgs(file));
  expect(r2.code).toBe(1);
  expect(r2.stderr).toMatch(new RegExp(`error: ${file}: not valid JSON`));
  await expectNothingChanged();
}, 120_000);
