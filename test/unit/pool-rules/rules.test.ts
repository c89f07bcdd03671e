/** Each pool rule on its own: what it accepts, what it names and how. */
import { FieldProblem, formatFieldPath } from "../../../model/fields";
import { poolProblems } from "../../../model/pool-rules";
import { dependencyProblems } from "../../../model/pool-rules/dependencies";
import { healthCheckProblems } from "../../../model/pool-rules/health-checks";
import { imageProblems } from "../../../model/pool-rules/images";
import { envProblems, nameProblems } from "../../../model/pool-rules/names";
import { placementProblems } from "../../../model/pool-rules/placement";
import { containerTypeProblems, idcListProblems, ownerProblems, replicaProblems } from "../../../model/pool-rules/pool";
import { portProblems } from "../../../model/pool-rules/ports";
import { upstreamProblems } from "../../../model/pool-rules/upstreams";
import { pool as desiredPool } from "../plan/fixtures";

/** Problems as `field: message` lines, the way the callers print them. */
const lines = (problems: FieldProblem[]) => problems.map((p) => `${formatFieldPath(p.path)}: ${p.message}`);

const http = [{ name: "http", port: 8080 }];

describe("names", () => {
  test.each(["a", "feed-api", "a1", "x".repeat(63)])("%s is a name", (name) => expect(nameProblems(name, ["name"])).toEqual([]));
  test.each(["Feed", "1a", "a-", "a_b", "", "x".repeat(64)])("%j is not", (name) => {
    expect(lines(nameProblems(name, ["name"]))).toEqual([`name: must be 1-63 lower-case letters, digits and '-', starting with a letter and not ending with '-' (got ${JSON.stringify(name)})`]);
  });
  test("environment variable names", () => {
    expect(lines(envProblems({ LOG_LEVEL: "info", _X: "1", "9LIVES": "x", "A-B": "y" }))).toEqual([
      "env.9LIVES: name must be an environment variable name (letters, digits and '_', not starting with a digit) (got \"9LIVES\")",
      "env.A-B: name must be an environment variable name (letters, digits and '_', not starting with a digit) (got \"A-B\")",
    ]);
  });
});

describe("images", () => {
  test.each(["registry.local/feed/feed-api:1.4.2", "192.168.79.1:5000/dcp/demo:1", "busybox", `nginx@sha256:${"a".repeat(64)}`])("%s is an image", (image) => expect(imageProblems(image)).toEqual([]));
  test.each(["Feed:1", "feed api:1", "registry.local/", ":1"])("%j is not", (image) => {
    expect(lines(imageProblems(image))[0]).toMatch(/^image: must be an image reference like registry.local\/feed-api:1.4.2/);
  });
});

describe("the pool's own fields", () => {
  test("container type, replicas, IDCs, owner", () => {
    expect(lines([...containerTypeProblems("dP9"), ...replicaProblems(-1.5), ...idcListProblems(["a", "b", "a", "B"]), ...ownerProblems("  ")])).toEqual([
      'containerType: must be one of dP01, dP02, dP03, dP04 (got "dP9")',
      "replicas: must be a whole number (got number -1.5)",
      "replicas: must be >= 0 (got number -1.5)",
      'idcs[2]: "a" is listed twice (also item 0)',
      "idcs[3]: must be 1-63 lower-case letters, digits and '-', starting with a letter and not ending with '-' (got \"B\")",
      "owner: must not be empty",
    ]);
    expect(lines(idcListProblems([]))).toEqual(["idcs: must not be empty"]);
    expect(lines(replicaProblems("3"))).toEqual(['replicas: must be a whole number (got "3")']);
  });
});

describe("ports", () => {
  test("names and numbers, each unique; dynamic ports (0) may repeat", () => {
    expect(portProblems([{ name: "http", port: 0 }, { name: "admin", port: 0 }])).toEqual([]);
    expect(lines(portProblems([{ name: "http", port: 80 }, { name: "http", port: 80 }, { name: "my-port", port: 70000 }, "x"]))).toEqual([
      "ports[2].name: must be letters, digits and '_', starting with a letter (it becomes env PORT_<NAME>) (got \"my-port\")",
      "ports[2].port: must be <= 65535 (got number 70000)",
      "ports[3]: must be a mapping (got \"x\")",
      'ports[1].name: port name "http" is used twice (also ports[0])',
      "ports[1].port: port 80 is used twice (also ports[0])",
    ]);
  });
});

describe("health checks", () => {
  const check = (fields: object) => ({ path: "/health", port: 8080, intervalSeconds: 5, timeoutSeconds: 2, ...fields });
  test("a check on one of the pool's ports that ends before the next starts is fine", () => {
    expect(healthCheckProblems(check({}), http)).toEqual([]);
    expect(healthCheckProblems(check({ port: undefined, intervalSeconds: undefined, timeoutSeconds: undefined }), http)).toEqual([]);
    expect(healthCheckProblems(undefined, [])).toEqual([]);
  });
  test("what is wrong with one, by field", () => {
    expect(lines(healthCheckProblems(check({ path: "health", port: 9090, timeoutSeconds: 6 }), http))).toEqual([
      "healthCheck.path: must be an absolute HTTP path starting with '/', e.g. /health (got \"health\")",
      "healthCheck.port: 9090 is not one of the pool's ports (8080); add it under ports",
      "healthCheck.timeout: 6s is longer than the interval (5s); a check must end before the next starts",
    ]);
    expect(lines(healthCheckProblems(check({ intervalSeconds: 0 }), http))).toEqual(["healthCheck.interval: must be > 0 (got number 0)"]);
    expect(lines(healthCheckProblems(check({}), []))).toEqual(["healthCheck: needs the pool's ports: the health check uses one of them (by default the first); add ports"]);
  });
  test("a port the pool lists is fine even when invalid: the port list names that", () => {
    expect(healthCheckProblems(check({ port: -1 }), [{ name: "http", port: -1 }])).toEqual([]);
  });
});

describe("upstreams", () => {
  test("a name nginx accepts, weight 1-100, maxFails >= 0, a positive fail timeout, and ports to serve from", () => {
    expect(upstreamProblems({ name: "feed_api", weight: 20, maxFails: 0, failTimeoutSeconds: 10 }, http)).toEqual([]);
    expect(lines(upstreamProblems({ name: "feed-api", weight: 101, maxFails: -1, failTimeoutSeconds: 0 }, []))).toEqual([
      "upstream.name: must be letters, digits and '_' (an nginx upstream name), e.g. feed_api (got \"feed-api\")",
      "upstream.weight: must be <= 100 (got number 101)",
      "upstream.maxFails: must be >= 0 (got number -1)",
      "upstream.failTimeout: must be > 0 (got number 0)",
      "upstream: needs the pool's ports: the upstream is served by the first port; add ports",
    ]);
  });
});

describe("placement", () => {
  test("strategy, anti-affinity and constraints", () => {
    expect(placementProblems({ strategy: "binpack", antiAffinity: "host", constraints: ["zone==a"] })).toEqual([]);
    expect(lines(placementProblems({ strategy: "spraed", antiAffinity: "rack", constraints: ["zone=a"] }))).toEqual([
      'placement.strategy: must be one of binpack, spread, random (got "spraed")',
      'placement.antiAffinity: must be one of host (got "rack")',
      'placement.constraints[0]: must be key==value or key!=value, with * for any characters and ~ before the value for a preference (e.g. zone==cn-beijing-*, zone==~cn-beijing-h); /regex/ is not supported, write a glob (got "zone=a")',
    ]);
  });
});

describe("dependencies", () => {
  test("other pools, each once, with a positive ratio", () => {
    expect(dependencyProblems([{ pool: "b", ratio: 0.2 }], "a")).toEqual([]);
    expect(lines(dependencyProblems([{ pool: "a", ratio: 1 }, { pool: "b", ratio: 0 }, { pool: "b", ratio: 1 }, { pool: "B", ratio: 1 }], "a"))).toEqual([
      "dependencies[1].ratio: must be > 0 (got number 0)",
      "dependencies[3].pool: must be 1-63 lower-case letters, digits and '-', starting with a letter and not ending with '-' (got \"B\")",
      "dependencies[0].pool: a pool cannot depend on itself",
      'dependencies[2].pool: "b" is listed twice (also dependencies[1]); keep one ratio',
    ]);
  });
});

describe("poolProblems", () => {
  // A pool of a desired state, as the planner tests use it: every rule holds.
  const pool = desiredPool("feed-api", { dependencies: [{ pool: "feed-cache", ratio: 0.2 }], env: { LOG_LEVEL: "info" } });
  test("a valid pool breaks no rule", () => expect(poolProblems(pool)).toEqual([]));
  test("every rule a pool breaks, in field order", () => {
    const broken = { ...pool, name: "Feed", replicas: -1, ports: [], upstream: { name: "feed_api" }, owner: "" };
    expect(lines(poolProblems(broken)).map((l) => l.split(":")[0])).toEqual(["name", "replicas", "healthCheck", "upstream", "owner"]);
  });
  test("anything at all is read without throwing", () => {
    for (const junk of [{}, { ports: "x", healthCheck: 1, upstream: [], placement: "x", dependencies: {}, env: 3, idcs: "a" }]) {
      expect(() => poolProblems(junk)).not.toThrow();
      expect(poolProblems(junk).length).toBeGreaterThan(0);
    }
  });
});
