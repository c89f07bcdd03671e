import { ControllerTelemetry } from "../../../runtime/controller/telemetry";
import { summariseMetrics } from "../../../runtime/controller/report";

describe("controller telemetry", () => {
  it("serves decisions, reactions, pool sizes, errors and lag in Prometheus format, and dcp status reads them back", async () => {
    const t = new ControllerTelemetry();
    t.setLeading(true);
    t.decided([
      { at: "2026-02-16T11:00:00Z", pool: "feed-api", kind: "scale-out", before: 3, after: 10, why: "load" },
      { at: "2026-02-16T11:00:00Z", pool: "feed-cache", kind: "dependency", before: 2, after: 3, why: "ratio" },
    ]);
    t.reacted("load", 4);
    t.reacted("health", 2);
    t.failed("apply");
    t.pools([{ pool: "feed-api", desired: 10, running: 3, healthy: 3, min: 2, max: 20, metric: 152, target: 50 }]);
    t.passDone(Date.now() - 1500);
    const text = await t.text();
    expect(text).toContain('dcp_controller_pool_replicas{pool="feed-api",state="desired"} 10');
    expect(text).toContain('dcp_controller_pool_bounds{pool="feed-api",bound="max"} 20');
    expect(text).toContain('dcp_controller_pool_metric{pool="feed-api",value="target"} 50');
    expect(text).toContain('dcp_controller_decisions_total{pool="feed-cache",kind="dependency"} 1');
    const summary = summariseMetrics(text, "test");
    expect(summary).toMatchObject({ leader: 1, decisions: 2, reactions: 2, meanReactionSeconds: 3, errors: 1 });
    expect(summary.lagSeconds).toBeGreaterThanOrEqual(1.5);
    expect(summary.lagSeconds).toBeLessThan(10);
  });
});
