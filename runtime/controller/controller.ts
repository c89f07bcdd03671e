/**
 * `dcp controller`: keeps pools healthy and sized between deploys. One instance per
 * Consul datacenter leads (./leadership.ts); it wakes on a health change, a container
 * event, each metric interval and a periodic resync, and on every pass:
 *
 *   desired state of the last deploy + the controller's replicas (Consul KV)
 *     → autoscale step (runtime/autoscale: the rule per pool, dependency ratios)
 *     → the same planner and executor as `dcp apply`, inside the apply lock
 *
 * A replaced container, an upstream entry marked down and a scale-out are all plans of
 * the one planner; the controller adds only the replicas. It records its decisions before
 * acting, so a deploy that runs meanwhile keeps them and the next leader goes on from them.
 */
import { hostname } from "node:os";
import { DesiredState } from "../../model/desired-state";
import { Inventory } from "../../model/inventory";
import { Decision, formatDecision } from "../autoscale/decision";
import { withAddedHosts } from "../autoscale/buffer";
import { withAutoscaledReplicas } from "../autoscale/replicas";
import { perContainer, RecommendationHistory } from "../autoscale/rule";
import { autoscaleStep, PoolObservation, StepResult } from "../autoscale/step";
import { ConsulClient } from "../consul/client";
import { ApplyLockHeldError } from "../consul/lock";
import { CpuScaling } from "../docker/cpu-limit";
import { DockerHosts } from "../docker/hosts";
import { readInventory } from "../inventory/read";
import { planChanges } from "../plan/planner";
import { PlanOptions } from "../plan/types";
import { applyDesired } from "..";
import { Leadership } from "./leadership";
import { BufferKeeper, CapacityFor, defaultCapacity } from "./refill";
import { MetricSources } from "./metric-sources";
import { serveMetrics } from "./server";
import { appendDecisions, readDeployed, readScaleRecords, ScaleRecord, writeScaleRecords, writeStatus } from "./state";
import { ControllerTelemetry, PoolFigures, Trigger } from "./telemetry";
import { Watchers } from "./watchers";

export interface ControllerOptions extends PlanOptions, CpuScaling {
  consul: ConsulClient;
  /** Names this instance in the lock key and in the apply lock. */
  holder: string;
  tlsDir?: string;
  insecureDocker?: boolean;
  /** Seconds between metric readings (and autoscale steps). Default 2. */
  intervalSeconds?: number;
  /** Seconds between passes when nothing wakes the controller. Default 30. */
  resyncSeconds?: number;
  /** Leadership session TTL. Default 10 s. */
  leaseSeconds?: number;
  /** host:port for /metrics; "" serves nothing. Default 127.0.0.1:9464. */
  listen?: string;
  /** Where a fleet's new buffer hosts come from. Default: ESS for cloud fleets (runtime/controller/refill.ts). */
  capacity?: CapacityFor;
  /** Fleet → hosts added to it since the last deploy (the local site's refills): its own, not leaving. Default none. */
  addedHosts?: () => ReadonlyMap<string, string[]>;
  log?: (line: string) => void;
}

interface Pending {
  trigger: Trigger;
  detail: string;
  /** ms: when it was noticed. */
  at: number;
}

/** How soon a pass refused by the apply lock (a deploy running) tries again. */
const LOCKED_RETRY_MS = 1_000;

const sleepUntil = (ms: number, wake: (resolve: () => void) => void) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake(() => {
      clearTimeout(timer);
      resolve();
    });
  });

export class Controller {
  readonly telemetry = new ControllerTelemetry();
  private leadership?: Leadership;
  private readonly watchers: Watchers;
  private readonly dockers: DockerHosts;
  private readonly metrics = new MetricSources();
  private readonly histories = new Map<string, RecommendationHistory>();
  private readonly buffers: BufferKeeper;
  private pending: Pending[] = [];
  private wake: () => void = () => undefined;
  private running = false;
  private loop?: Promise<void>;
  private server?: { url: string; close(): Promise<void> };
  private lastResync = 0;
  private saidNoDeploy = false;
  private leadingSince?: string;
  private lastReaction?: { trigger: Trigger; seconds: number; at: string };
  private lastInventory?: { at: number; inventory: Inventory };
  metricsUrl?: string;

  constructor(private readonly options: ControllerOptions) {
    this.dockers = new DockerHosts({ tlsDir: options.tlsDir, insecureDocker: options.insecureDocker });
    this.watchers = new Watchers(options.consul, this.dockers, (trigger, detail) => this.notice(trigger, detail), (line) => this.log(line));
    this.buffers = new BufferKeeper(options.consul, options.capacity ?? defaultCapacity(options.consul), (line) => this.log(line), () => this.telemetry.failed("refill"));
  }

  get leading(): boolean {
    return this.leadership?.leading ?? false;
  }

  async start(): Promise<void> {
    const listen = this.options.listen ?? "127.0.0.1:9464";
    if (listen) {
      this.server = await serveMetrics(this.telemetry, listen, () => this.leading);
      this.metricsUrl = this.server.url;
    }
    this.leadership = new Leadership(this.options.consul, this.options.holder, {
      ttlSeconds: this.options.leaseSeconds,
      metricsUrl: this.metricsUrl,
      onChange: (leading) => this.leadingChanged(leading),
      log: (line) => this.log(line),
    });
    this.running = true;
    this.watchers.start();
    this.leadership.start();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.watchers.stop();
    await this.leadership?.stop();
    await this.server?.close();
  }

  /** Something changed: run a pass soon (passes coalesce what arrives meanwhile). */
  notice(trigger: Trigger, detail: string): void {
    this.pending.push({ trigger, detail, at: Date.now() });
    this.wake();
  }

  private leadingChanged(leading: boolean): void {
    this.telemetry.setLeading(leading);
    // A new term starts from what Consul holds; what this instance saw before is stale.
    this.histories.clear();
    this.leadingSince = leading ? new Date().toISOString() : undefined;
    if (leading) this.notice("leadership", "became the leader");
  }

  private async run(): Promise<void> {
    const interval = (this.options.intervalSeconds ?? 2) * 1000;
    while (this.running) {
      await sleepUntil(this.pending.length > 0 ? 0 : interval, (wake) => (this.wake = wake));
      if (!this.running || !this.leading) {
        this.pending = [];
        continue;
      }
      const resync = Date.now() - this.lastResync >= (this.options.resyncSeconds ?? 30) * 1000;
      const triggers = this.pending.splice(0);
      if (triggers.length === 0) triggers.push({ trigger: resync ? "periodic" : "load", detail: resync ? "resync" : "metric interval", at: Date.now() });
      try {
        await this.pass(triggers);
        this.telemetry.passDone();
        if (resync) this.lastResync = Date.now();
      } catch (err) {
        this.telemetry.failed("pass");
        this.log(`pass failed: ${(err as Error).message}`);
      }
    }
  }

  /** One pass: autoscale step, then plan and, when there is anything to do, apply. */
  private async pass(triggers: Pending[]): Promise<void> {
    const consul = this.options.consul;
    const recorded = await readDeployed(consul);
    if (!recorded) {
      if (!this.saidNoDeploy) this.log("no deploy has recorded a desired state yet (run dcp apply); waiting");
      this.saidNoDeploy = true;
      return;
    }
    const deployed = withAddedHosts(recorded, this.options.addedHosts?.() ?? new Map());
    const records = await readScaleRecords(consul);
    // A metric tick reuses the last inventory (entry containers to read, pool sizes); a
    // health change, a container event or a resync reads the fleet again and plans.
    const loadOnly = triggers.every((t) => t.trigger === "load");
    const inventory = await this.inventory(loadOnly);
    const now = Date.now();
    const current = withAutoscaledReplicas(deployed, new Map([...records].map(([pool, r]) => [pool, r.replicas])));
    const observations = await this.observe(current, inventory, records, now);
    const step = autoscaleStep(current, observations, now);
    await this.record(step, records, now);
    if (!loadOnly || step.decisions.length > 0) {
      const plan = planChanges(step.desired, inventory, this.planOptions());
      if (plan.changes.length > 0) await this.act(step.desired, triggers, step.decisions.length > 0 ? "load" : undefined);
      else this.telemetry.applied("nothing");
    }
    // From this pass's inventory: hosts a scale-out just took show on a later pass.
    await this.logDecisions(await this.buffers.keep(deployed, inventory, now));
    const pools = figures(step.desired, inventory, observations);
    this.telemetry.pools(pools);
    await this.report(pools);
  }

  /** The fleet as it is now, or (for a metric tick) as the last read found it when that is recent. */
  private async inventory(cachedWillDo: boolean): Promise<Inventory> {
    const maxAge = (this.options.resyncSeconds ?? 30) * 1000;
    if (cachedWillDo && this.lastInventory && Date.now() - this.lastInventory.at < maxAge) return this.lastInventory.inventory;
    const inventory = await readInventory(this.options.consul, this.dockers);
    this.lastInventory = { at: Date.now(), inventory };
    this.watchers.follow(inventory.hosts);
    return inventory;
  }

  private async observe(current: DesiredState, inventory: Inventory, records: Map<string, ScaleRecord>, now: number): Promise<Map<string, PoolObservation>> {
    const readings = await this.metrics.read(current, inventory, now);
    const observations = new Map<string, PoolObservation>();
    for (const pool of current.pools) {
      if (!pool.autoscale) continue;
      const out = records.get(pool.name)?.lastScaleOutAt;
      observations.set(pool.name, { ...readings.get(pool.name), lastScaleOutAt: out ? Date.parse(out) : undefined, history: this.histories.get(pool.name) });
    }
    return observations;
  }

  /** Keeps the recommendation histories and writes the replicas that changed, before acting on them. */
  private async record(step: StepResult, records: Map<string, ScaleRecord>, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const changed = new Map<string, ScaleRecord>();
    for (const [pool, decision] of step.rule) {
      this.histories.set(pool, decision.history);
      const before = records.get(pool);
      if (before && decision.replicas === before.replicas) continue;
      changed.set(pool, {
        ...before,
        replicas: decision.replicas,
        at,
        ...(decision.kind === "scale-out" ? { lastScaleOutAt: at } : {}),
        ...(decision.kind === "scale-in" ? { lastScaleInAt: at } : {}),
      });
    }
    if (changed.size > 0) await writeScaleRecords(this.options.consul, changed);
    await this.logDecisions(step.decisions);
  }

  private async logDecisions(decisions: Decision[]): Promise<void> {
    if (decisions.length === 0) return;
    this.telemetry.decided(decisions);
    for (const d of decisions) this.log(`decision: ${formatDecision(d)}`);
    await appendDecisions(this.options.consul, decisions);
  }

  /** Applies through `dcp apply`'s own path; a deploy holding the apply lock wins, and the next pass tries again. */
  private async act(desired: DesiredState, triggers: Pending[], load?: Trigger): Promise<void> {
    const first = triggers.reduce((a, b) => (b.at < a.at ? b : a));
    this.log(`acting on ${triggers.map((t) => `${t.trigger} (${t.detail})`).join(", ")}`);
    try {
      const report = await applyDesired(desired, {
        ...this.planOptions(),
        consul: this.options.consul,
        tlsDir: this.options.tlsDir,
        insecureDocker: this.options.insecureDocker,
        holder: `dcp controller ${this.options.holder}`,
        waitLockSeconds: 0,
        progress: "quiet",
        recordDeployed: false,
      });
      this.lastInventory = undefined;
      const seconds = (Date.now() - first.at) / 1000;
      this.telemetry.applied(report.applied > 0 ? "applied" : "nothing");
      this.telemetry.reacted(load ?? first.trigger, seconds);
      this.lastReaction = { trigger: load ?? first.trigger, seconds, at: new Date().toISOString() };
      this.log(`applied ${report.applied} change(s) in ${report.timings.totalSeconds.toFixed(1)} s, ${seconds.toFixed(1)} s after ${first.trigger}`);
    } catch (err) {
      if (err instanceof ApplyLockHeldError) {
        this.telemetry.applied("locked");
        this.log(`not acting: ${err.message}`);
        // The same triggers again after a second: the deploy's own plan may not cover them.
        setTimeout(() => {
          this.pending.unshift(...triggers);
          this.wake();
        }, LOCKED_RETRY_MS);
        return;
      }
      this.telemetry.applied("failed");
      this.telemetry.failed("apply");
      throw err;
    }
  }

  private async report(pools: PoolFigures[]): Promise<void> {
    const leader = { holder: this.options.holder, host: hostname(), pid: process.pid, since: this.leadingSince ?? "", metricsUrl: this.metricsUrl };
    await writeStatus(this.options.consul, { leader, lastPassAt: new Date().toISOString(), lastReaction: this.lastReaction, pools });
  }

  private planOptions(): PlanOptions & CpuScaling {
    const { seed, pools, profile, machineCores } = this.options;
    return { seed, pools, profile, machineCores, followChecks: true };
  }

  private log(line: string): void {
    this.options.log?.(`${new Date().toISOString()} ${line}`);
  }
}

/** Pool sizes for the metrics and the status: desired against running and healthy, the bounds, the metric and its target. */
function figures(desired: DesiredState, inventory: Inventory, observations: Map<string, PoolObservation>): PoolFigures[] {
  const live = inventory.hosts.filter((h) => h.healthy && h.containers).flatMap((h) => h.containers!);
  return desired.pools.map((p) => {
    const mine = live.filter((c) => c.pool === p.name && c.running);
    const reading = observations.get(p.name)?.reading;
    return {
      pool: p.name,
      desired: p.effectiveReplicas,
      running: mine.length,
      healthy: mine.filter((c) => c.health === "passing" || (!p.healthCheck && c.health !== "critical")).length,
      ...(p.autoscale ? { min: p.autoscale.min, max: p.autoscale.max, target: p.autoscale.target } : {}),
      ...(reading ? { metric: +perContainer(reading).toFixed(3) } : {}),
    };
  });
}
