/**
 * What the controller keeps in Consul KV, so that nothing is lost when it dies and the next
 * leader goes on where it stopped:
 * - `<root>/desired`: the desired state of the last deploy (written by apply);
 * - `<root>/specs/<pool>`: the specs apply deployed, by spec hash (what `--abort` returns to);
 * - `<root>/autoscale/<pool>`: the replicas the controller decided for an autoscaled pool,
 *   and when it last scaled it (apply and plan read them too, so a deploy keeps them);
 * - `<root>/controller/status`: the leader's last pass, lag and pool figures;
 * - `<root>/controller/decisions`: the most recent decisions, newest last.
 */
import { DesiredState } from "../../model/desired-state";
import { KV } from "../../model/host-metadata";
import { RefillInFlight } from "../autoscale/buffer";
import { Decision } from "../autoscale/decision";
import { ConsulClient } from "../consul/client";
import { RecordedSpecs, withSpecs } from "../plan/abort";
import { DefiningSpec } from "../plan/spec";
import type { LeaderInfo } from "./leadership";
import type { PoolFigures, Trigger } from "./telemetry";

export interface ScaleRecord {
  /** The pool's own replicas as the controller last decided them. */
  replicas: number;
  /** ISO times. */
  lastScaleOutAt?: string;
  lastScaleInAt?: string;
  at: string;
}

export interface ControllerStatus {
  leader: LeaderInfo;
  /** ISO time of the last complete pass. */
  lastPassAt: string;
  /** The last reaction: what set it off and how long from noticing to applied. */
  lastReaction?: { trigger: Trigger; seconds: number; at: string };
  pools: PoolFigures[];
}

/** Decisions kept in the log. */
export const DECISIONS_KEPT = 50;

function parse<T>(raw: string | undefined): T | undefined {
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

export async function readScaleRecords(consul: ConsulClient): Promise<Map<string, ScaleRecord>> {
  const prefix = KV.autoscaleAll(consul.config.kvRoot);
  const records = new Map<string, ScaleRecord>();
  for (const { key, value } of await consul.kvList(prefix)) {
    const record = parse<ScaleRecord>(value);
    if (record && Number.isInteger(record.replicas) && record.replicas >= 0) records.set(key.slice(prefix.length), record);
  }
  return records;
}

/** The replicas the controller decided, by pool: what apply, plan and drift hold autoscaled pools at. */
export async function readDecidedReplicas(consul: ConsulClient): Promise<Map<string, number>> {
  return new Map([...(await readScaleRecords(consul))].map(([pool, r]) => [pool, r.replicas]));
}

export async function writeScaleRecords(consul: ConsulClient, records: ReadonlyMap<string, ScaleRecord>): Promise<void> {
  const root = consul.config.kvRoot;
  await consul.txn([...records].map(([pool, record]) => ({ verb: "set" as const, key: KV.autoscale(root, pool), value: JSON.stringify(record) })));
}

export async function readDeployed(consul: ConsulClient): Promise<DesiredState | undefined> {
  return parse<DesiredState>(await consul.kvGet(KV.deployed(consul.config.kvRoot)));
}

/**
 * Records what a deploy applied. An apply of some pools only (`--pool`) replaces those
 * pools in the recorded state and keeps the others.
 */
export async function writeDeployed(consul: ConsulClient, desired: DesiredState, pools?: string[]): Promise<void> {
  let recorded = desired;
  if (pools) {
    const before = await readDeployed(consul);
    const scope = new Set(pools);
    recorded = before ? { ...desired, pools: [...before.pools.filter((p) => !scope.has(p.name)), ...desired.pools.filter((p) => scope.has(p.name))] } : { ...desired, pools: desired.pools.filter((p) => scope.has(p.name)) };
  }
  await consul.kvPut(KV.deployed(consul.config.kvRoot), JSON.stringify(recorded));
}

/**
 * Records the spec of each pool an apply deploys, before its first change, after the spec
 * the last deploy recorded as deployed: a roll that stops half-way can then always return
 * to the spec it started from.
 */
export async function recordSpecs(consul: ConsulClient, desired: DesiredState, pools?: string[]): Promise<void> {
  const scope = new Set(pools ?? desired.pools.map((p) => p.name));
  const recorded = await readRecordedSpecs(consul, [...scope]);
  const before = new Map((await readDeployed(consul))?.pools.map((p) => [p.name, p]) ?? []);
  const ops = desired.pools
    .filter((p) => scope.has(p.name))
    .flatMap((p) => {
      const previous = before.get(p.name);
      const value = JSON.stringify(withSpecs(recorded.get(p.name), previous ? [previous, p] : [p]));
      return value === JSON.stringify(recorded.get(p.name)) ? [] : [{ verb: "set" as const, key: KV.specs(consul.config.kvRoot, p.name), value }];
    });
  if (ops.length > 0) await consul.txn(ops);
}

export async function readRecordedSpecs(consul: ConsulClient, pools: string[]): Promise<RecordedSpecs> {
  const out: RecordedSpecs = new Map();
  for (const pool of pools) {
    const specs = parse<Record<string, DefiningSpec>>(await consul.kvGet(KV.specs(consul.config.kvRoot, pool)));
    if (specs) out.set(pool, specs);
  }
  return out;
}

export async function appendDecisions(consul: ConsulClient, decisions: Decision[]): Promise<void> {
  if (decisions.length === 0) return;
  const key = KV.decisions(consul.config.kvRoot);
  const log = [...(parse<Decision[]>(await consul.kvGet(key)) ?? []), ...decisions].slice(-DECISIONS_KEPT);
  await consul.kvPut(key, JSON.stringify(log));
}

export async function readDecisions(consul: ConsulClient): Promise<Decision[]> {
  return parse<Decision[]>(await consul.kvGet(KV.decisions(consul.config.kvRoot))) ?? [];
}

export async function writeStatus(consul: ConsulClient, status: ControllerStatus): Promise<void> {
  await consul.kvPut(KV.controllerStatus(consul.config.kvRoot), JSON.stringify(status));
}

export async function readStatus(consul: ConsulClient): Promise<ControllerStatus | undefined> {
  return parse<ControllerStatus>(await consul.kvGet(KV.controllerStatus(consul.config.kvRoot)));
}

export async function readRefills(consul: ConsulClient, fleet: string): Promise<RefillInFlight[]> {
  return parse<RefillInFlight[]>(await consul.kvGet(KV.fleetRefills(consul.config.kvRoot, fleet))) ?? [];
}

/** Keeps the refills of the last `keepMs` and adds `refill`. */
export async function recordRefill(consul: ConsulClient, refill: RefillInFlight, keepMs: number): Promise<void> {
  const kept = (await readRefills(consul, refill.fleet)).filter((r) => refill.at - r.at < keepMs);
  await consul.kvPut(KV.fleetRefills(consul.config.kvRoot, refill.fleet), JSON.stringify([...kept, refill]));
}
