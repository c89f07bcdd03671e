import { autoscaleProblems, AutoscaleDefinition, resolveAutoscale } from "../../../model/autoscale";

const def = (overrides: Partial<AutoscaleDefinition> = {}): AutoscaleDefinition => ({
  min: 2,
  max: 20,
  metric: { kind: "requests-per-second", entryPool: "nginx-entry" },
  target: 50,
  ...overrides,
});
const pools = new Set(["feed-api", "nginx-entry"]);

describe("the autoscale rule", () => {
  it("accepts a valid rule and applies the documented defaults", () => {
    expect(autoscaleProblems(def(), "feed-api", pools)).toEqual([]);
    expect(resolveAutoscale(def({ schedule: [{ cron: "0 19 * * *", durationSeconds: 3600, min: 10 }] }), "feed-api")).toEqual({
      min: 2,
      max: 20,
      metric: { kind: "requests-per-second", entryPool: "nginx-entry", port: "status", format: "haproxy-csv", path: "/haproxy-stats;csv" },
      target: 50,
      scaleOutCooldownSeconds: 10,
      scaleInCooldownSeconds: 300,
      schedule: [{ name: "feed-api-schedule-0", cron: "0 19 * * *", durationSeconds: 3600, min: 10, timezone: "UTC" }],
    });
  });

  it("names the field of each problem and says what to write", () => {
    const problems = autoscaleProblems(
      def({
        min: 30,
        target: 0,
        metric: { kind: "requests-per-second", entryPool: "entry" },
        schedule: [
          { cron: "0 25 * * *", durationSeconds: 3600, min: 5 },
          { cron: "0 19 * * *", durationSeconds: 3600, min: 40, timezone: "Mars/Olympus" },
          { cron: "0 19 * *", durationSeconds: 0, min: 50 },
        ],
      }),
      "feed-api",
      pools,
    );
    expect(problems.map((p) => p.field)).toEqual([
      "autoscale.min",
      "autoscale.target",
      "autoscale.metric.entryPool",
      "autoscale.schedule[0].cron",
      "autoscale.schedule[1].timezone",
      "autoscale.schedule[1].min",
      "autoscale.schedule[2].cron",
      "autoscale.schedule[2].duration",
      "autoscale.schedule[2].min",
    ]);
    expect(problems[0].message).toBe("30 is above max 20; min is the floor, max the ceiling");
    expect(problems[3].message).toMatch(/"0 25 \* \* \*" is not a cron expression .*use minute hour day month weekday/);
    expect(problems[5].message).toBe("40 is above autoscale.max 20; raise max (a reviewed ceiling) or lower this minimum");
  });

  it("checks a Prometheus metric's URL and series name", () => {
    const problems = autoscaleProblems(def({ metric: { kind: "prometheus", url: "ftp://x/metrics", series: "9bad" } }), "feed-api", pools);
    expect(problems.map((p) => p.field)).toEqual(["autoscale.metric.url", "autoscale.metric.series"]);
  });
});
