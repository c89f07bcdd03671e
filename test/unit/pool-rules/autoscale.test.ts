/** The autoscale rule: what it accepts, what it names and how; and its documented defaults. */
import { AutoscaleDefinition, resolveAutoscale } from "../../../model/autoscale";
import { FieldProblem, formatFieldPath } from "../../../model/fields";
import { autoscaleProblems } from "../../../model/pool-rules/autoscale";

const lines = (problems: FieldProblem[]) => problems.map((p) => `${formatFieldPath(p.path)}: ${p.message}`);
const upstream = { name: "feed_api" };

const rule = (overrides: Record<string, unknown> = {}) => ({ min: 2, max: 20, metric: { requestsPerSecond: { entryPool: "nginx-entry" } }, target: 50, ...overrides });

describe("the autoscale rule", () => {
  it("accepts a valid rule, with either metric", () => {
    expect(autoscaleProblems(rule(), "feed-api", upstream)).toEqual([]);
    expect(autoscaleProblems(rule({ metric: { prometheus: { url: "http://10.0.0.5:9100/metrics", series: "queue_depth", labels: { q: "feed" }, counter: true, per: "container" } } }), "feed-api", undefined)).toEqual([]);
    expect(autoscaleProblems(undefined, "feed-api", undefined)).toEqual([]);
  });

  it("names each field that is wrong and says what to write", () => {
    const problems = lines(
      autoscaleProblems(
        rule({
          min: 30,
          target: 0,
          scaleInCooldownSeconds: -1,
          schedule: [
            { cron: "0 25 * * *", durationSeconds: 3600, min: 5 },
            { cron: "0 19 * * *", durationSeconds: 3600, min: 40, timezone: "Mars/Olympus" },
            { cron: "0 19 * *", durationSeconds: 0, min: 50 },
          ],
        }),
        "feed-api",
        upstream,
      ),
    );
    expect(problems).toEqual([
      "autoscale.min: 30 is above max 20; min is the floor, max the ceiling",
      "autoscale.target: must be > 0 (got number 0)",
      "autoscale.scaleInCooldown: must be >= 0 (got number -1)",
      expect.stringMatching(/^autoscale\.schedule\[0\]\.cron: must be a cron expression of five fields .*"0 19 \* \* \*".*\(got "0 25 \* \* \*"\)$/),
      "autoscale.schedule[1].min: 40 is above autoscale.max 20; raise max (a reviewed ceiling) or lower this minimum",
      'autoscale.schedule[1].timezone: must be an IANA time zone, e.g. Asia/Shanghai (got "Mars/Olympus")',
      "autoscale.schedule[2].duration: must be > 0 (got number 0)",
      expect.stringMatching(/^autoscale\.schedule\[2\]\.cron: .*it needs exactly five fields/),
    ]);
  });

  it("needs exactly one metric, an upstream for requests per second, and another pool as the entry tier", () => {
    expect(lines(autoscaleProblems(rule({ metric: {} }), "feed-api", upstream))).toEqual(["autoscale.metric: needs exactly one of requestsPerSecond and prometheus (got neither)"]);
    expect(lines(autoscaleProblems(rule(), "feed-api", undefined))).toEqual(["autoscale.metric.requestsPerSecond: needs the pool's upstream: the entry tier counts requests per upstream backend; add upstream"]);
    expect(lines(autoscaleProblems(rule({ metric: { requestsPerSecond: { entryPool: "feed-api", format: "csv" } } }), "feed-api", upstream))).toEqual([
      "autoscale.metric.requestsPerSecond.entryPool: is this pool itself; name the pool that routes its upstream (e.g. nginx-entry)",
      'autoscale.metric.requestsPerSecond.format: must be one of haproxy-csv, prometheus (got "csv")',
    ]);
  });

  it("checks a Prometheus metric's URL, series and labels", () => {
    expect(lines(autoscaleProblems(rule({ metric: { prometheus: { url: "ftp://x/metrics", series: "9bad", labels: { q: 1 } } } }), "feed-api", undefined))).toEqual([
      'autoscale.metric.prometheus.url: must be an http:// or https:// URL, e.g. http://10.0.0.5:9100/metrics (got "ftp://x/metrics")',
      'autoscale.metric.prometheus.series: must be a Prometheus metric name, e.g. feed_queue_depth (got "9bad")',
      "autoscale.metric.prometheus.labels.q: must be a string (got number 1)",
    ]);
  });

  it("applies the documented defaults", () => {
    const def: AutoscaleDefinition = { min: 2, max: 20, metric: { requestsPerSecond: { entryPool: "nginx-entry" } }, target: 50, schedule: [{ cron: "0 19 * * *", durationSeconds: 3600, min: 10 }] };
    expect(resolveAutoscale(def, "feed-api")).toEqual({
      min: 2,
      max: 20,
      metric: { requestsPerSecond: { entryPool: "nginx-entry", port: "status", format: "haproxy-csv", path: "/haproxy-stats;csv" } },
      target: 50,
      scaleOutCooldownSeconds: 10,
      scaleInCooldownSeconds: 300,
      schedule: [{ name: "feed-api-schedule-0", cron: "0 19 * * *", durationSeconds: 3600, min: 10, timezone: "UTC" }],
    });
    expect(resolveAutoscale({ ...def, metric: { prometheus: { url: "http://m/metrics", series: "x" } } }, "feed-api").metric).toEqual({ prometheus: { url: "http://m/metrics", series: "x", labels: {}, counter: false, per: "pool" } });
  });
});
