/**
 * What wakes the controller between its periodic passes: the catalog's health, followed
 * through blocking queries (a check turning critical or passing, a node's serfHealth
 * failing), and each host daemon's container events (a dcp container dying, killed by
 * the OOM killer, or removed by hand).
 */
import { InventoryHost } from "../../model/inventory";
import { CheckState, ConsulClient, Watching } from "../consul/client";
import { followContainerEvents } from "../docker/driver";
import { DockerHosts } from "../docker/hosts";
import type { Trigger } from "./telemetry";

export type OnTrigger = (trigger: Trigger, detail: string) => void;

/** Container events that may leave a pool short. */
const LOSSES = new Set(["die", "oom", "destroy"]);

/** Check statuses by `node/check`, for dcp services and node health. */
function statuses(checks: CheckState[]): Map<string, string> {
  return new Map(checks.filter((c) => c.serviceId || c.checkId === "serfHealth").map((c) => [`${c.node}/${c.serviceId || c.checkId}`, c.status]));
}

/** What changed between two readings, e.g. "h2/dcp-feed-api-00001-ab12cd34 passing → critical". */
export function healthChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [key, status] of after) if (before.has(key) && before.get(key) !== status) changes.push(`${key} ${before.get(key)} → ${status}`);
  return changes;
}

export class Watchers {
  private health?: Watching;
  private lastHealth?: Map<string, string>;
  private readonly followers = new Map<string, { stop(): void }>();
  private stopped = false;

  constructor(
    private readonly consul: ConsulClient,
    private readonly dockers: DockerHosts,
    private readonly onTrigger: OnTrigger,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.health = this.consul.watchChecks(
      (checks) => {
        const now = statuses(checks);
        const changes = this.lastHealth ? healthChanges(this.lastHealth, now) : [];
        this.lastHealth = now;
        if (changes.length > 0) this.onTrigger("health", changes.slice(0, 3).join(", ") + (changes.length > 3 ? ` and ${changes.length - 3} more` : ""));
      },
      (err) => this.log(`health watch: ${err.message}`),
    );
  }

  /** Follows the container events of exactly these hosts (usable ones), starting and stopping followers as hosts come and go. */
  follow(hosts: InventoryHost[]): void {
    if (this.stopped) return;
    const wanted = new Map(hosts.filter((h) => h.healthy && h.containers).map((h) => [`${h.node}@${h.dockerEndpoint}`, h]));
    for (const [key, follower] of this.followers) {
      if (wanted.has(key)) continue;
      follower.stop();
      this.followers.delete(key);
    }
    for (const [key, host] of wanted) if (!this.followers.has(key)) void this.followHost(key, host);
  }

  private async followHost(key: string, host: InventoryHost): Promise<void> {
    // Holds the place while the stream opens; replaced by the follower once it is open.
    const slot: { stop(): void } = { stop: () => undefined };
    this.followers.set(key, slot);
    const forget = (why: string) => {
      if (this.followers.get(key) === slot) this.followers.delete(key);
      this.log(`container events of ${host.node}: ${why}`);
    };
    try {
      const follower = await followContainerEvents(
        this.dockers.get(host.node, host.dockerEndpoint).docker,
        (e) => {
          if (LOSSES.has(e.action)) this.onTrigger("container", `${e.name || e.containerId.slice(0, 12)} on ${host.node}: ${e.action}`);
        },
        // Followed again by the next pass that still lists the host.
        (err) => forget(err ? err.message : "stream ended"),
      );
      if (this.stopped || this.followers.get(key) !== slot) follower.stop();
      else slot.stop = () => follower.stop();
    } catch (err) {
      forget((err as Error).message);
    }
  }

  stop(): void {
    this.stopped = true;
    this.health?.stop();
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
  }
}
