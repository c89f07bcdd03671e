import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_BURST_RATES, estimateBurst } from "../../../model/burst-time";
import { DcpError } from "../../../model/errors";
import { costOfDesired } from "../../../cost/model";
import { loadPrices } from "../../../cost/prices";
import { evaluatePolicies, loadPolicyConfig, parseOverrides, PolicyConfig } from "../../../policies";
import schema from "../../../policies/policy.schema.json";
import { PolicyInput } from "../../../policies/types";
import { SynthSnapshot } from "../../../review/types";
import { examplePools, snapshot } from "../review/scenario";

const prices = loadPrices();

function input(head: SynthSnapshot, base?: SynthSnapshot): PolicyInput {
  return { base, head, headCost: costOfDesired(head.desired, prices) };
}

function only(name: string, cfg: object, i: PolicyInput, overrides = new Map<string, string>()) {
  const config: PolicyConfig = { policies: { [name]: cfg as any } };
  const [result] = evaluatePolicies(i, config, overrides);
  return result;
}

const base = snapshot("main", examplePools());

describe("max-step", () => {
  const cfg = { severity: "error", maxPercent: 50, maxHosts: 20 };
  test("passes a small step", () => {
    expect(only("max-step", cfg, input(snapshot("h", examplePools({ "feed-api": { replicas: 150 } })), base)).status).toBe("pass");
  });
  test("blocks a step above the percentage and the absolute limit", () => {
    // 120 → 1200 replicas: a typo-sized step.
    const r = only("max-step", cfg, input(snapshot("h", examplePools({ "feed-api": { replicas: 1200 } })), base));
    expect(r.status).toBe("fail");
    expect(r.violations).toHaveLength(2);
    expect(r.violations[0]).toMatch(/fleet bj-standard: 54 → \d+ hosts changes \d+ hosts at once \(limit 20\)/);
    expect(r.violations[1]).toMatch(/% step \(limit 50%\)/);
  });
  test("an error is overridden only with a reason, and the reason is recorded", () => {
    const i = input(snapshot("h", examplePools({ "feed-api": { replicas: 1200 } })), base);
    const r = only("max-step", cfg, i, parseOverrides(["max-step=Spring Festival peak, approved by SRE"]));
    expect(r).toMatchObject({ status: "overridden", override: { reason: "Spring Festival peak, approved by SRE" } });
    expect(() => parseOverrides(["max-step"])).toThrow(/give a reason/);
    expect(() => parseOverrides(["max-stpe=x"])).toThrow(/unknown policy "max-stpe"/);
  });
  test("as a warning it reports and does not block", () => {
    const r = only("max-step", { ...cfg, severity: "warning" }, input(snapshot("h", examplePools({ "feed-api": { replicas: 1200 } })), base));
    expect(r.status).toBe("warn");
  });
});

describe("owner-quota", () => {
  test("containers and CPU per owner and IDC, dependencies counted for the owner", () => {
    // feed-team in aliyun-bj: 120 × 4 + 24 × 8 = 672 cores, 144 containers.
    const i = input(base);
    expect(only("owner-quota", { severity: "error", quotas: [{ owner: "feed-team", idc: "aliyun-bj", maxCpu: 672, maxContainers: 144 }] }, i).status).toBe("pass");
    const r = only("owner-quota", { severity: "error", quotas: [{ owner: "feed-team", idc: "aliyun-bj", maxCpu: 671, maxContainers: 143 }] }, i);
    expect(r.status).toBe("fail");
    expect(r.violations).toEqual([
      "owner feed-team in aliyun-bj: 144 containers exceed the quota of 143",
      "owner feed-team in aliyun-bj: 672 CPU cores exceed the quota of 671",
    ]);
  });
  test("a pool that fits in the private IDC does not count against the cloud quota", () => {
    const r = only("owner-quota", { severity: "error", quotas: [{ owner: "remind-team", idc: "aliyun-bj", maxContainers: 0 }] }, input(base));
    expect(r.status).toBe("pass");
  });
});

describe("monthly-budget", () => {
  test("total and per-owner budgets", () => {
    const i = input(base);
    const total = i.headCost.total.monthly;
    expect(only("monthly-budget", { severity: "warning", currency: "CNY", maxMonthly: total + 1 }, i).status).toBe("pass");
    const r = only("monthly-budget", { severity: "warning", currency: "CNY", maxMonthly: total - 1, owners: { "hongbao-team": 10 } }, i);
    expect(r.status).toBe("warn");
    expect(r.violations[0]).toMatch(/^total [\d.]+ CNY\/month exceeds the budget/);
    expect(r.violations[1]).toMatch(/^owner hongbao-team: [\d.]+ CNY\/month exceeds its budget of 10.00 CNY/);
  });
  test("a budget in another currency is reported, not compared", () => {
    const r = only("monthly-budget", { severity: "error", currency: "USD", maxMonthly: 1 }, input(base));
    expect(r.violations).toEqual([expect.stringMatching(/budget is in USD but prices are in CNY/)]);
  });
});

describe("min-zones", () => {
  test("a pool pinned to one cloud zone warns", () => {
    const pools = examplePools({ "hongbao-api": { constraints: ["zone==cn-beijing-h"] } });
    const r = only("min-zones", { severity: "warning", minZones: 2 }, input(snapshot("h", pools)));
    expect(r.status).toBe("warn");
    expect(r.violations).toEqual([expect.stringMatching(/^pool hongbao-api in aliyun-bj: can use 1 zone\(s\) \(cn-beijing-h\), needs at least 2/)]);
  });
  test("a glob narrows zones as the scheduler matches it; a preference narrows none", () => {
    const check = (constraints: string[]) => {
      const pools = examplePools({ "hongbao-api": { constraints } });
      return only("min-zones", { severity: "warning", minZones: 2 }, input(snapshot("h", pools)));
    };
    expect(check(["zone==cn-beijing-h*"]).violations).toEqual([expect.stringMatching(/can use 1 zone\(s\) \(cn-beijing-h\)/)]);
    expect(check(["zone==cn-beijing-*"]).status).toBe("pass");
    expect(check(["zone==~cn-beijing-h"]).status).toBe("pass");
  });
  test("a cloud IDC with one zone fails every pool that may go there; != constraints keep the rest", () => {
    // remind-api fits in yf-private but lists aliyun-bj for overflow, so it counts too.
    expect(only("min-zones", { severity: "error", minZones: 2 }, input(snapshot("h", examplePools(), { cloudZones: ["cn-beijing-h"] }))).violations.length).toBe(4);
    const pools = examplePools({ "hongbao-api": { constraints: ["zone!=cn-beijing-h"] } });
    expect(only("min-zones", { severity: "error", minZones: 2 }, input(snapshot("h", pools))).status).toBe("pass");
  });
});

describe("no-public-admin-ports", () => {
  const cfg = { severity: "error", ports: [22, 2375, 2376, 8300, 8301, 8302, 8500, 8600] };
  test("HTTP open to the internet and SSH from the office pass", () => {
    expect(only("no-public-admin-ports", cfg, input(base)).status).toBe("pass");
  });
  test("Docker TLS port open to 0.0.0.0/0 blocks, a wide range covering Consul too", () => {
    const head = snapshot("h", examplePools(), {
      rules: {
        docker: { type: "ingress", ip_protocol: "tcp", port_range: "2376/2376", cidr_ip: "0.0.0.0/0", policy: "accept" },
        wide: { type: "ingress", ip_protocol: "tcp", port_range: "8000/9000", cidr_ip: "0.0.0.0/0" },
        everything6: { type: "ingress", ip_protocol: "all", port_range: "-1/-1", ipv6_cidr_ip: "::/0" },
        dropped: { type: "ingress", ip_protocol: "tcp", port_range: "22/22", cidr_ip: "0.0.0.0/0", policy: "drop" },
        egress: { type: "egress", ip_protocol: "tcp", port_range: "22/22", cidr_ip: "0.0.0.0/0" },
      },
    });
    const r = only("no-public-admin-ports", cfg, input(head));
    expect(r.status).toBe("fail");
    expect(r.violations).toEqual([
      expect.stringMatching(/alicloud_security_group_rule\.docker opens port 2376 /),
      expect.stringMatching(/alicloud_security_group_rule\.wide opens port 8300, 8301, 8302, 8500, 8600 /),
      expect.stringMatching(/alicloud_security_group_rule\.everything6 opens port 22, 2375, 2376/),
    ]);
  });
});

describe("dependency-ratios", () => {
  const cfg = { severity: "error", maxRatio: 10 };
  test("consistent ratios pass", () => {
    expect(only("dependency-ratios", cfg, input(base)).status).toBe("pass");
  });
  test("effective replicas that do not match the ratio fail", () => {
    const head = snapshot("h", examplePools());
    head.desired.pools.find((p) => p.name === "feed-cache")!.effectiveReplicas = 20;
    const r = only("dependency-ratios", cfg, input(head));
    expect(r.violations).toEqual(["pool feed-cache: effective replicas 20, but its own 0 plus the ratios give 24"]);
  });
  test("ratio out of range and a dependency on a missing pool fail", () => {
    const head = snapshot("h", examplePools());
    head.desired.pools[0].dependencies = [{ pool: "feed-cache", ratio: 12 }, { pool: "ghost", ratio: 1 }];
    const r = only("dependency-ratios", cfg, input(head));
    expect(r.violations).toEqual(["pool feed-api: ratio 12 to feed-cache is outside (0, 10]", "pool feed-api: depends on ghost, which is not a pool"]);
  });
});

describe("no-prepaid-buffer", () => {
  test("a PrePaid cloud fleet with a buffer warns; PostPaid passes", () => {
    expect(only("no-prepaid-buffer", { severity: "warning" }, input(base)).status).toBe("pass");
    const r = only("no-prepaid-buffer", { severity: "warning" }, input(snapshot("h", examplePools(), { chargeType: "PrePaid" })));
    expect(r).toMatchObject({ status: "warn", violations: ["fleet bj-standard: 2 buffer hosts are PrePaid; keep the buffer on a PostPaid or Spot fleet"] });
  });
});

describe("burst-time", () => {
  const cfg = { severity: "error", maxMinutes: 10 };
  // 1,000 hosts in one fleet: ten RunInstances calls of 18 s, then bootstrap, pull, 10,000 containers, serve.
  const dcpBurst = estimateBurst({ newHostsByGroup: { "bj-standard": 1000 }, newContainers: 10_000, maxContainersPerHost: 10 });
  test("passes a burst within the limit, and a change with nothing to estimate", () => {
    expect(only("burst-time", cfg, { ...input(base), burst: dcpBurst })).toMatchObject({ status: "pass", violations: [] });
    expect(only("burst-time", cfg, input(base)).status).toBe("pass");
  });
  test("blocks a burst over the limit, naming the estimate by phase", () => {
    const slow = estimateBurst({ newHostsByGroup: { "bj-standard": 3000 }, newContainers: 10_000, maxContainersPerHost: 10 }, { ...DEFAULT_BURST_RATES, bootstrapSeconds: 120 });
    const r = only("burst-time", cfg, { ...input(base), burst: slow });
    expect(r.status).toBe("fail");
    // 30 calls × 18 s = 9:00, + 2:00 bootstrap + 0:04 pull + 0:50 containers + 0:06 serve = 12 min.
    expect(r.violations).toEqual(["the scale-out takes about 12 min: hosts 9:00, bootstrap 2:00, pull 0:04, containers 0:50, serve 0:06 (limit 10 min); add buffer hosts, scale out earlier or in smaller steps"]);
    expect(only("burst-time", { ...cfg, maxMinutes: 13 }, { ...input(base), burst: slow }).status).toBe("pass");
  });
});

describe("policy file", () => {
  test("the shipped policy.yaml is valid and enables every check", () => {
    expect(Object.keys(loadPolicyConfig().policies).sort()).toEqual(
      ["burst-time", "dependency-ratios", "max-step", "min-zones", "monthly-budget", "no-prepaid-buffer", "no-public-admin-ports", "owner-quota"],
    );
  });
  test("the burst assumptions it and its schema document are the estimate's defaults, and it sets none (each profile keeps its own)", () => {
    expect(loadPolicyConfig().burst).toBeUndefined();
    const commented = readFileSync(join(__dirname, "../../../policies/policy.yaml"), "utf8").match(/^# burst:\n((?:#   \w+: [\d.]+.*\n)+)/m)![1];
    expect(Object.fromEntries([...commented.matchAll(/#   (\w+): ([\d.]+)/g)].map(([, k, v]) => [k, Number(v)]))).toEqual(DEFAULT_BURST_RATES);
    const documented = Object.fromEntries(Object.entries(schema.properties.burst.properties).map(([k, v]) => [k, v.default]));
    expect(documented).toEqual(DEFAULT_BURST_RATES);
  });
  test("a burst assumption left out keeps its default; a bad one names file, line and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-policy-"));
    const file = join(dir, "policy.yaml");
    writeFileSync(file, "policies: {}\nburst:\n  secondsPerCall: 30\n");
    expect(loadPolicyConfig(file).burst).toEqual({ ...DEFAULT_BURST_RATES, secondsPerCall: 30 });
    writeFileSync(file, "policies: {}\nburst:\n  pullMBps: 0\n");
    expect(() => loadPolicyConfig(file)).toThrow(`${file}:3:13: burst.pullMBps`);
  });
  test("a bad policy file names file, line and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-policy-"));
    const file = join(dir, "policy.yaml");
    writeFileSync(file, "policies:\n  max-step:\n    severity: fatal\n    maxPercnt: 5\n");
    let err: unknown;
    try {
      loadPolicyConfig(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DcpError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${file}:3:15: policies.max-step.severity: must be one of error, warning`);
    expect(msg).toContain(`${file}:4:5: policies.max-step.maxPercnt: unknown field; did you mean "maxPercent"?`);
    expect(msg).toContain(`${file}:2:3: policies.max-step: needs maxPercent or maxHosts`);
  });
  test("overriding a policy that is not enabled is an error", () => {
    expect(() => evaluatePolicies(input(base), { policies: {} }, parseOverrides(["max-step=x"]))).toThrow(/not enabled/);
  });
});
