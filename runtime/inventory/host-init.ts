/**
 * Waiting for new hosts: each host's bootstrap writes its init status to Consul KV
 * (`<root>/hosts/<node>/init`, see model/host-metadata.ts) as each stage ends. Before the
 * runtime places containers after a Terraform apply, the hosts the desired state expects
 * must have reported "ready": by name on the local site, by count per cloud fleet (ESS
 * names the instances). A timeout names every host that is not ready and its stage.
 */
import { DesiredState } from "../../model/desired-state";
import { DcpError } from "../../model/errors";
import { KV, NODE_META } from "../../model/host-metadata";
import type { ConsulClient } from "../consul/client";

/** What one fleet must have before the runtime runs. */
export interface FleetExpectation {
  fleet: string;
  /** These nodes, each ready (local profile). */
  nodes?: string[];
  /** At least this many ready hosts (cloud fleets). */
  count?: number;
}

export interface InitStatus {
  stage: string;
  ok: boolean;
  error?: string;
}

/** A host as the wait sees it: its fleet (node meta) and its last init status, if any. */
export interface ReportingHost {
  node: string;
  fleet: string;
  init?: InitStatus;
}

export interface InitJudgement {
  ready: boolean;
  /** One line per host that is not ready (or never reported), for the error. */
  problems: string[];
}

/** The local fleets' listed hosts, and the size of every cloud fleet; private fleets without a host list exist already. */
export function expectationsOf(desired: DesiredState): FleetExpectation[] {
  const cloud = new Set(desired.idcs.filter((i) => i.kind === "cloud").map((i) => i.name));
  return desired.fleets.flatMap((f): FleetExpectation[] => {
    if (f.hosts) return [{ fleet: f.name, nodes: f.hosts }];
    return cloud.has(f.idc) && f.desiredHosts > 0 ? [{ fleet: f.name, count: f.desiredHosts }] : [];
  });
}

const isReady = (h: ReportingHost | undefined) => h?.init?.stage === "ready" && h.init.ok;

function describe(h: ReportingHost): string {
  if (!h.init) return `${h.node}: in the catalog, no init status yet`;
  if (!h.init.ok) return `${h.node}: failed at stage ${h.init.stage}${h.init.error ? ` (${h.init.error})` : ""}`;
  return `${h.node}: at stage ${h.init.stage}, not ready`;
}

/** Pure: are the expected hosts ready, and if not, what is wrong with each. */
export function judgeHostInit(expected: FleetExpectation[], hosts: ReportingHost[]): InitJudgement {
  const problems: string[] = [];
  const byNode = new Map(hosts.map((h) => [h.node, h]));
  for (const e of expected) {
    if (e.nodes) {
      for (const node of e.nodes) {
        const h = byNode.get(node);
        if (!h) problems.push(`${node} (fleet ${e.fleet}): never reported (not in the Consul catalog)`);
        else if (!isReady(h)) problems.push(`${describe(h)} (fleet ${e.fleet})`);
      }
    }
    if (e.count !== undefined) {
      const mine = hosts.filter((h) => h.fleet === e.fleet);
      const ready = mine.filter(isReady).length;
      if (ready < e.count) {
        const notReady = mine.filter((h) => !isReady(h)).map(describe);
        const silent = Math.max(0, e.count - mine.length);
        problems.push(
          `fleet ${e.fleet}: ${ready} of ${e.count} hosts ready` +
            (notReady.length > 0 ? `; ${notReady.join("; ")}` : "") +
            (silent > 0 ? `; ${silent} host(s) never reported` : ""),
        );
      }
    }
  }
  return { ready: problems.length === 0, problems };
}

function parseInit(raw: string | undefined): InitStatus | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as InitStatus;
    return typeof v.stage === "string" && typeof v.ok === "boolean" ? v : { stage: "unknown", ok: false, error: `unreadable init status ${JSON.stringify(raw.slice(0, 60))}` };
  } catch {
    return { stage: "unknown", ok: false, error: `init status is not JSON: ${JSON.stringify(raw.slice(0, 60))}` };
  }
}

async function reportingHosts(consul: ConsulClient): Promise<ReportingHost[]> {
  const root = consul.config.kvRoot;
  const [nodes, entries] = await Promise.all([consul.nodes(), consul.kvList(`${root}/hosts/`)]);
  const init = new Map(entries.map((e) => [e.key, e.value]));
  return nodes
    .filter((n) => n.meta[NODE_META.fleet])
    .map((n) => ({ node: n.node, fleet: n.meta[NODE_META.fleet], init: parseInit(init.get(KV.hostInit(root, n.node))) }));
}

/** Polls Consul until every expected host is ready; after `timeoutMs`, fails naming each host that is not. */
export async function waitForHostInit(consul: ConsulClient, expected: FleetExpectation[], timeoutMs: number, pollMs = 1000): Promise<void> {
  if (expected.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const judgement = judgeHostInit(expected, await reportingHosts(consul));
    if (judgement.ready) return;
    if (Date.now() >= deadline) {
      throw new DcpError(
        `hosts not ready after ${Math.round(timeoutMs / 1000)} s (init status in Consul KV ${consul.config.kvRoot}/hosts/<node>/init); nothing was changed:\n  ${judgement.problems.join("\n  ")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}
