import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DcpError } from "../../../model/errors";
import { PoolFileError, loadPoolFile, loadPoolFiles } from "../../../constructs/pool-files/load";

const root = path.resolve(__dirname, "../../..");

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dcp-pool-files-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

function poolYaml(name: string, extra = ""): string {
  return `name: ${name}\nimage: registry.local/demo/${name}:1\ncontainerType: dP01\nreplicas: 2\nidcs: [yf-private]\nowner: demo-team\n${extra}`;
}

function poolFileError(run: () => unknown): PoolFileError {
  try {
    run();
  } catch (err) {
    if (err instanceof PoolFileError) return err;
    throw err;
  }
  throw new Error("expected a PoolFileError");
}

describe("the example pool files", () => {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(root));
  afterAll(() => process.chdir(cwd));

  test("load as the five pools of the example, in file-name order", () => {
    const pools = loadPoolFiles(path.join("stacks", "pools"));
    expect(pools.map((p) => [p.name, p.containerType, p.owner])).toEqual([
      ["feed-api", "dP02", "feed-team"],
      ["feed-cache", "dP03", "feed-team"],
      ["hongbao-api", "dP02", "hongbao-team"],
      ["nginx-entry", "dP02", "platform-team"],
      ["remind-api", "dP01", "remind-team"],
    ]);
    expect(pools.map((p) => p.ports![0].port)).toEqual([8080, 11211, 8081, 80, 8082]);
  });

  test("feed-api converts to the PoolDefinition the ServicePool construct takes, nothing defaulted but the check's port", () => {
    const { fieldSources, ...definition } = loadPoolFile(path.join("stacks", "pools", "feed-api.yaml"));
    // Where each field was written, for errors found after loading.
    expect(fieldSources).toMatchObject({
      name: "stacks/pools/feed-api.yaml:5:7",
      idcs: "stacks/pools/feed-api.yaml:9:1",
      "idcs[1]": "stacks/pools/feed-api.yaml:9:20",
      "dependencies[0].pool": expect.stringMatching(/^stacks\/pools\/feed-api\.yaml:\d+:\d+$/),
    });
    expect(definition).toEqual({
      name: "feed-api",
      image: "registry.local/feed/feed-api:1.4.2",
      containerType: "dP02",
      replicas: 120,
      idcs: ["yf-private", "aliyun-bj"],
      ports: [{ name: "http", port: 8080 }],
      healthCheck: { path: "/health", port: 8080, intervalSeconds: 5, timeoutSeconds: 2 },
      upstream: { name: "feed_api", weight: 20, maxFails: 2, failTimeoutSeconds: 10 },
      placement: { strategy: "spread" },
      dependencies: [{ pool: "feed-cache", ratio: 0.2 }],
      autoscale: {
        min: 60,
        max: 400,
        metric: { requestsPerSecond: { entryPool: "nginx-entry" } },
        target: 200,
        scaleOutCooldownSeconds: 10,
        scaleInCooldownSeconds: 300,
        schedule: [{ name: "spring-festival-gala", cron: "0 19 5 2 *", durationSeconds: 25200, min: 300, timezone: "Asia/Shanghai" }],
      },
      owner: "feed-team",
      costCentre: "cc-feed",
      env: { FEED_CACHE_SERVICE: "feed-cache", LOG_LEVEL: "info" },
      update: { maxSurge: "25%", maxUnavailable: "25%" },
      stopGracePeriodSeconds: 20,
      source: "stacks/pools/feed-api.yaml:5",
    });
  });

  test("optional fields left out stay absent rather than undefined", () => {
    const cache = loadPoolFile(path.join("stacks", "pools", "feed-cache.yaml"));
    expect(Object.keys(cache)).not.toContain("healthCheck");
    expect(Object.keys(cache)).not.toContain("upstream");
    expect(cache.placement).toEqual({ strategy: "spread", antiAffinity: "host", constraints: ["zone!=cn-beijing-j"] });
    expect(cache.command).toEqual(["memcached", "-p", "11211", "-m", "14336", "-c", "8192"]);
  });
});

describe("conversion of the file format", () => {
  test("durations become seconds, including milliseconds and combined units", () => {
    const file = write(
      "timing.yaml",
      poolYaml("timing", "ports: [{ name: http, port: 8080 }]\nhealthCheck: { path: /ready, interval: 1m30s, timeout: 500ms }\nupstream: { name: timing, failTimeout: 1.5s }\n"),
    );
    const pool = loadPoolFile(file);
    expect(pool.healthCheck).toEqual({ path: "/ready", port: 8080, intervalSeconds: 90, timeoutSeconds: 0.5 });
    expect(pool.upstream).toEqual({ name: "timing", failTimeoutSeconds: 1.5 });
  });

  test("the health check's port defaults to the first port, also when that port is dynamic (0)", () => {
    const file = write("dyn.yaml", poolYaml("dyn", "ports: [{ name: http, port: 0 }, { name: admin, port: 0 }]\nhealthCheck: { path: /health }\n"));
    expect(loadPoolFile(file).healthCheck).toEqual({ path: "/health", port: 0 });
    expect(loadPoolFile(file).ports).toEqual([{ name: "http", port: 0 }, { name: "admin", port: 0 }]);
  });

  test("anchors and aliases are resolved", () => {
    const file = write("alias.yaml", poolYaml("alias", "env: { REGION: &region cn-beijing }\ncommand: [app, --region, *region]\n"));
    expect(loadPoolFile(file).env).toEqual({ REGION: "cn-beijing" });
    expect(loadPoolFile(file).command).toEqual(["app", "--region", "cn-beijing"]);
  });

  test("source names the file (absolute outside the working directory) and the line where the pool starts", () => {
    const file = write("src.yaml", `# yaml-language-server: $schema=x\n\n${poolYaml("src")}`);
    expect(loadPoolFile(file).source).toBe(`${file}:3`);
  });
});

describe("loadPoolFiles", () => {
  test("reads .yaml and .yml files only, and ignores hidden files", () => {
    write("a.yaml", poolYaml("a"));
    write("b.yml", poolYaml("b"));
    write("README.md", "not a pool");
    write(".c.yaml", "garbage: [");
    expect(loadPoolFiles(tmp).map((p) => p.name)).toEqual(["a", "b"]);
  });

  test("a pool defined twice names both places", () => {
    write("a.yaml", poolYaml("a"));
    write("a.yml", `# the same pool again\n${poolYaml("a")}`);
    const error = poolFileError(() => loadPoolFiles(tmp));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toBe(`${path.join(tmp, "a.yml")}:2:7: name: pool "a" is defined twice: here and at ${path.join(tmp, "a.yaml")}:1:7`);
  });

  test("problems of every file come in one error, file by file, line by line", () => {
    write("a.yaml", poolYaml("a", "placement: { strategy: spraed }\n"));
    write("b.yaml", poolYaml("b").replace("replicas: 2", "replicas: two") + "colour: red\n");
    write("c.yaml", poolYaml("c"));
    const error = poolFileError(() => loadPoolFiles(tmp));
    expect(error.message.split("\n")).toEqual([
      "3 problems in pool files:",
      `${path.join(tmp, "a.yaml")}:7:24: placement.strategy: must be one of binpack, spread, random (got "spraed"; did you mean "spread"?)`,
      `${path.join(tmp, "b.yaml")}:4:11: replicas: must be a whole number (got "two")`,
      `${path.join(tmp, "b.yaml")}:7:1: colour: unknown field; expected one of name, image, containerType, replicas, idcs, ports, healthCheck, upstream, placement, dependencies, autoscale, owner, costCentre, env, command, update, stopGracePeriod, follows`,
    ]);
  });

  test("a missing directory is a DcpError that names it", () => {
    const missing = path.join(tmp, "nope");
    expect(() => loadPoolFiles(missing)).toThrow(DcpError);
    expect(() => loadPoolFiles(missing)).toThrow(`pool file directory ${missing} does not exist`);
  });

  test("PoolFileError is a DcpError, so the CLI prints it without a stack and exits 1", () => {
    write("x.yaml", "");
    expect(poolFileError(() => loadPoolFiles(tmp))).toBeInstanceOf(DcpError);
  });
});
