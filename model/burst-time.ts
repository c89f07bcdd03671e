/**
 * How long a scale-out takes until its new containers serve, by phase, as DCP reported
 * its ten minutes: cloud hosts created, bootstrapped, image pulled, then dcp's own phases
 * (create and start the containers, wait for health, register, publish). Pure arithmetic
 * over a change's numbers, so plan outputs and policies share it.
 *
 * Cloud hosts come from ESS scaling groups: at most 1,000 instances per scaling activity
 * and one activity at a time per group, so a group's activities follow one another; inside
 * an activity instances are created by RunInstances calls of at most 100, one after
 * another. Groups (fleets) scale at the same time.
 */
import { DesiredState } from "./desired-state";
import { Profile } from "./profile";

export interface BurstRates {
  /** ESS: instances one scaling activity may add. @default 1000 */
  instancesPerActivity: number;
  /** ECS RunInstances: instances one call creates. @default 100 */
  instancesPerCall: number;
  /**
   * Seconds one RunInstances call takes until its instances run. @default 18 — DCP reported
   * about three minutes for 1,000 hosts, i.e. ten calls one after another.
   */
  secondsPerCall: number;
  /** Seconds from a running instance to a ready host (bootstrap: dockerd, Consul agent, joined). @default 30 */
  bootstrapSeconds: number;
  /** Size of the images a new host pulls, MB. @default 200 */
  imageMB: number;
  /** Pull bandwidth of one host from the IDC's registry mirror, MB/s. @default 50 */
  pullMBps: number;
  /** Seconds a host takes per container for create + start, one at a time. @default 1.5 (cloud hosts, 1–2 s) */
  containerSeconds: number;
  /** dcp's own CPU per container, ms (the runtime's work is single-threaded). @default 5 */
  dcpMsPerContainer: number;
  /**
   * Seconds after the last container starts until it serves: health answered, registered,
   * upstream published (nginx-upsync-module pulls every 5 s). @default 6
   */
  serveSeconds: number;
}

export const DEFAULT_BURST_RATES: BurstRates = {
  instancesPerActivity: 1000,
  instancesPerCall: 100,
  secondsPerCall: 18,
  bootstrapSeconds: 30,
  imageMB: 200,
  pullMBps: 50,
  containerSeconds: 1.5,
  dcpMsPerContainer: 5,
  serveSeconds: 6,
};

/**
 * The local profile's rates, measured on the local fleet of a 2-core machine (the deploy
 * fleet test checks a scale-out against them): Terraform makes up to 10 hosts at once (its
 * default parallelism), each `dcp host add` making a namespace, dockerd and a Consul agent
 * in about a second and a half, bootstrap included; images come from the site's registry
 * over its bridge; the entry tier follows an upstream by a blocking query with a 5 s pause
 * between answers (hosts/entry-image).
 */
export const LOCAL_BURST_RATES: BurstRates = {
  instancesPerActivity: 1000,
  instancesPerCall: 10,
  secondsPerCall: 1,
  bootstrapSeconds: 0.5,
  imageMB: 20,
  pullMBps: 100,
  containerSeconds: 0.5,
  dcpMsPerContainer: 5,
  serveSeconds: 4,
};

/** The rates a profile's estimate starts from (a policy file's `burst` overrides each). */
export function burstRatesOf(profile: Profile): BurstRates {
  return profile === "local" ? LOCAL_BURST_RATES : DEFAULT_BURST_RATES;
}

export interface BurstChange {
  /** New cloud hosts per scaling group (fleet). */
  newHostsByGroup: Record<string, number>;
  /** Containers the change adds. */
  newContainers: number;
  /** Most containers the change puts on one host. */
  maxContainersPerHost: number;
}

export type BurstPhaseName = "hosts" | "bootstrap" | "pull" | "containers" | "serve";

export interface BurstEstimate {
  totalSeconds: number;
  phases: Array<{ phase: BurstPhaseName; seconds: number }>;
}

/** The group a local site's new hosts count in: its Terraform makes every fleet's hosts, 10 at a time. */
export const LOCAL_HOSTS_GROUP = "local-terraform";

/**
 * The scale-out between two desired states: new hosts of each cloud fleet (its scaling
 * group; on the local profile, every fleet's, made by one Terraform), containers added
 * over all pools, and the containers per host if they spread evenly over the new hosts
 * and the buffer (an estimate: the plan places them later).
 */
export function burstChangeOf(base: DesiredState | undefined, head: DesiredState, profile: Profile = "cloud"): BurstChange {
  const cloud = new Set(head.idcs.filter((i) => i.kind === "cloud").map((i) => i.name));
  const baseHosts = new Map((base?.fleets ?? []).map((f) => [f.name, hostCount(f, profile)]));
  const baseReplicas = new Map((base?.pools ?? []).map((p) => [p.name, p.effectiveReplicas]));
  const newHostsByGroup: Record<string, number> = {};
  for (const f of head.fleets) {
    const added = hostCount(f, profile) - (baseHosts.get(f.name) ?? 0);
    if (added <= 0) continue;
    if (profile === "local") newHostsByGroup[LOCAL_HOSTS_GROUP] = (newHostsByGroup[LOCAL_HOSTS_GROUP] ?? 0) + added;
    else if (cloud.has(f.idc)) newHostsByGroup[f.name] = added;
  }
  const newContainers = head.pools.reduce((sum, p) => sum + Math.max(0, p.effectiveReplicas - (baseReplicas.get(p.name) ?? 0)), 0);
  const hosts = Object.values(newHostsByGroup).reduce((a, b) => a + b, 0) + head.fleets.reduce((a, f) => a + f.bufferHosts, 0);
  return { newHostsByGroup, newContainers, maxContainersPerHost: newContainers === 0 ? 0 : Math.ceil(newContainers / Math.max(1, hosts)) };
}

/** The hosts a fleet has: the local site's as synth listed them (capped, with refills), else what sizing asks for. */
function hostCount(f: DesiredState["fleets"][number], profile: Profile): number {
  return profile === "local" && f.hosts ? f.hosts.length : f.desiredHosts;
}

/** Seconds to create `n` instances in one group: activities one after another, calls inside each one after another. */
export function groupCreateSeconds(n: number, rates: BurstRates = DEFAULT_BURST_RATES): number {
  let calls = 0;
  for (let left = n; left > 0; left -= rates.instancesPerActivity) calls += Math.ceil(Math.min(left, rates.instancesPerActivity) / rates.instancesPerCall);
  return calls * rates.secondsPerCall;
}

export function estimateBurst(change: BurstChange, rates: BurstRates = DEFAULT_BURST_RATES): BurstEstimate {
  const groups = Object.values(change.newHostsByGroup).filter((n) => n > 0);
  const newHosts = groups.length > 0;
  const phases: BurstEstimate["phases"] = [];
  if (newHosts) {
    phases.push({ phase: "hosts", seconds: Math.max(...groups.map((n) => groupCreateSeconds(n, rates))) });
    phases.push({ phase: "bootstrap", seconds: rates.bootstrapSeconds });
    phases.push({ phase: "pull", seconds: rates.imageMB / rates.pullMBps });
  }
  if (change.newContainers > 0) {
    // Hosts work in parallel, each one container at a time; dcp's own CPU bounds the rate from the other side.
    const busiestHost = change.maxContainersPerHost * rates.containerSeconds;
    const dcpCpu = (change.newContainers * rates.dcpMsPerContainer) / 1000;
    phases.push({ phase: "containers", seconds: Math.max(busiestHost, dcpCpu) });
    phases.push({ phase: "serve", seconds: rates.serveSeconds });
  }
  return { totalSeconds: phases.reduce((s, p) => s + p.seconds, 0), phases };
}

/** 190 → "3:10" */
export function minutesSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** "about 7 min: hosts 3:10, bootstrap 0:30, pull 0:04, containers 0:15, serve 0:06" */
export function describeBurst(estimate: BurstEstimate): string {
  const total = estimate.totalSeconds < 60 ? `about ${Math.max(1, Math.round(estimate.totalSeconds))} s` : `about ${Math.round(estimate.totalSeconds / 60)} min`;
  return `${total}: ${estimate.phases.map((p) => `${p.phase} ${minutesSeconds(p.seconds)}`).join(", ")}`;
}
