/**
 * The controller's Prometheus metrics (prom-client), in a registry of its own rather than
 * the package's global one: decisions, reaction times, pool sizes against their bounds,
 * the tracked metric against its target, errors, leadership and lag. Served on /metrics
 * (./server.ts) and summarised by `dcp status`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { Decision } from "../autoscale/decision";

/** What set the controller off: a health change, a container event, load, a schedule window, a new desired state, or the periodic pass. */
export type Trigger = "health" | "container" | "load" | "schedule" | "deploy" | "leadership" | "periodic";

export interface PoolFigures {
  pool: string;
  desired: number;
  running: number;
  healthy: number;
  min?: number;
  max?: number;
  /** The tracked metric per container, and its target. */
  metric?: number;
  target?: number;
}

export class ControllerTelemetry {
  readonly registry = new Registry();
  private readonly leader = new Gauge({ name: "dcp_controller_leader", help: "1 while this instance is the active controller, 0 while it stands by", registers: [this.registry] });
  private readonly decisions = new Counter({ name: "dcp_controller_decisions_total", help: "Pools whose replicas the controller changed, by kind (scale-out, scale-in, dependency)", labelNames: ["pool", "kind"], registers: [this.registry] });
  private readonly reactions = new Histogram({
    name: "dcp_controller_reaction_seconds",
    help: "From noticing a change (a failing check, an exited container, load above target) to the plan that answers it being applied",
    labelNames: ["trigger"],
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly replicas = new Gauge({ name: "dcp_controller_pool_replicas", help: "Containers of a pool: desired (after autoscaling), running, healthy", labelNames: ["pool", "state"], registers: [this.registry] });
  private readonly bounds = new Gauge({ name: "dcp_controller_pool_bounds", help: "An autoscaled pool's reviewed bounds", labelNames: ["pool", "bound"], registers: [this.registry] });
  private readonly metric = new Gauge({ name: "dcp_controller_pool_metric", help: "An autoscaled pool's tracked metric per container, and its target", labelNames: ["pool", "value"], registers: [this.registry] });
  private readonly errors = new Counter({ name: "dcp_controller_errors_total", help: "Failed controller steps, by stage", labelNames: ["stage"], registers: [this.registry] });
  private readonly applies = new Counter({ name: "dcp_controller_applies_total", help: "Plans the controller executed, by result (applied, nothing, locked, failed)", labelNames: ["result"], registers: [this.registry] });
  private lastPassAt?: number;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "dcp_controller_" });
    const telemetry = this;
    // Computed when scraped, so a stalled loop shows a growing figure.
    new Gauge({
      name: "dcp_controller_lag_seconds",
      help: "Seconds since the controller's last complete pass while leading (0 before the first)",
      registers: [this.registry],
      collect() {
        this.set(telemetry.lagSeconds() ?? 0);
      },
    });
  }

  setLeading(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  passDone(now = Date.now()): void {
    this.lastPassAt = now;
  }

  /** Seconds since the last complete pass (undefined before the first). */
  lagSeconds(now = Date.now()): number | undefined {
    return this.lastPassAt === undefined ? undefined : (now - this.lastPassAt) / 1000;
  }

  decided(decisions: Decision[]): void {
    for (const d of decisions) this.decisions.inc({ pool: d.pool, kind: d.kind });
  }

  reacted(trigger: Trigger, seconds: number): void {
    this.reactions.observe({ trigger }, seconds);
  }

  applied(result: "applied" | "nothing" | "locked" | "failed"): void {
    this.applies.inc({ result });
  }

  failed(stage: string): void {
    this.errors.inc({ stage });
  }

  pools(figures: PoolFigures[]): void {
    for (const f of figures) {
      this.replicas.set({ pool: f.pool, state: "desired" }, f.desired);
      this.replicas.set({ pool: f.pool, state: "running" }, f.running);
      this.replicas.set({ pool: f.pool, state: "healthy" }, f.healthy);
      if (f.min !== undefined) this.bounds.set({ pool: f.pool, bound: "min" }, f.min);
      if (f.max !== undefined) this.bounds.set({ pool: f.pool, bound: "max" }, f.max);
      if (f.metric !== undefined) this.metric.set({ pool: f.pool, value: "current" }, f.metric);
      if (f.target !== undefined) this.metric.set({ pool: f.pool, value: "target" }, f.target);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
