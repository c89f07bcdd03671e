/**
 * Runs the chains of one step of a wave (its up or down changes): chains in parallel, the
 * changes of a chain in order, a chain stopping at its first failure. Docker is the
 * bottleneck: its requests are bounded per daemon and overall, the host's slot taken
 * first (limits.ts). Waiting for health, registering and publishing hold no slot, so the
 * daemons stay busy meanwhile. A wave's host changes have no order among them: they run
 * together (runTogether).
 */
import pLimit from "p-limit";
import { UpstreamBatcher } from "../discovery/upstream-batcher";
import { Change } from "../plan/types";
import { HostLimit } from "./limits";
import { Progress } from "./progress";
import { PhaseClock } from "./timing";

/** Steps that talk to a host's Docker daemon: bounded overall and per daemon. */
const DOCKER_STEPS = new Set<Change["kind"]>(["create", "start", "stop", "remove"]);

export function isDockerStep(change: Change): boolean {
  return DOCKER_STEPS.has(change.kind);
}

export interface ChainLimits {
  /** Docker steps in flight per daemon and over all daemons. */
  docker: HostLimit;
  /**
   * Chains in flight: enough that each host's next chains wait at its Docker slots while
   * others wait for health, registration and publishing; a bound all the same, on the
   * probes and consumer polls that chains past their Docker steps make at once.
   */
  chains: number;
}

export class ChainRunner {
  applied = 0;
  /** Failures tolerated because the host is lost anyway (e.g. removing from a dead daemon). */
  readonly warnings: string[] = [];
  private readonly chainLimit: ReturnType<typeof pLimit>;

  constructor(
    private readonly perform: (change: Change) => Promise<void>,
    private readonly limits: ChainLimits,
    private readonly upstreams: UpstreamBatcher,
    private readonly clock: PhaseClock,
    private readonly progress: Progress,
    /** The host is lost: a failed down step there is a warning, retried by the next apply. */
    private readonly lost: (node: string) => boolean,
  ) {
    this.chainLimit = pLimit(limits.chains);
  }

  /** Runs every chain of `changes`; returns one message per failed chain. */
  async run(changes: Change[]): Promise<string[]> {
    const chains = new Map<string, Change[]>();
    for (const c of changes) {
      const chain = chains.get(c.chain);
      if (chain) chain.push(c);
      else chains.set(c.chain, [c]);
    }
    const errors: string[] = [];
    await Promise.all(inHostTurns([...chains.values()]).map((chain) => this.chainLimit(() => this.upstreams.writer(() => this.runChain(chain, errors)))));
    return errors;
  }

  /** Performs `changes` as one step (e.g. one transaction); returns one message if it failed. */
  async runTogether<C extends Change>(changes: C[], perform: (changes: C[]) => Promise<void>): Promise<string[]> {
    if (changes.length === 0) return [];
    try {
      await this.clock.time(changes, () => perform(changes));
    } catch (err) {
      changes.forEach((c) => this.progress.done(c, err));
      return [`${changes.length} host change(s) (${changes[0].kind} on ${changes[0].node} …): ${(err as Error).message ?? err}`];
    }
    this.applied += changes.length;
    changes.forEach((c) => this.progress.done(c));
    return [];
  }

  private async runChain(chain: Change[], errors: string[]): Promise<void> {
    for (let i = 0; i < chain.length; ) {
      // Consecutive Docker steps of one container (create → start, stop → remove) share one
      // slot, as `docker run` does: a created container starts at once instead of queueing
      // behind every other chain's create.
      const onDocker = isDockerStep(chain[i]);
      let end = i + 1;
      if (onDocker) while (end < chain.length && isDockerStep(chain[end])) end++;
      const steps = chain.slice(i, end);
      const ok = onDocker ? await this.limits.docker.run(steps[0].node, () => this.runSteps(steps, errors)) : await this.runSteps(steps, errors);
      if (!ok) return;
      i = end;
    }
  }

  private async runSteps(steps: Change[], errors: string[]): Promise<boolean> {
    for (const change of steps) {
      try {
        await this.clock.time([change], () => this.perform(change));
        this.applied++;
        this.progress.done(change);
      } catch (err) {
        this.progress.done(change, err);
        const message = `${change.kind} ${"instance" in change ? change.instance ?? "" : ""} on ${change.node}: ${(err as Error).message ?? err}`;
        // A lost host cannot be cleaned up now; the next apply retries when it is back.
        if (change.direction === "down" && this.lost(change.node)) this.warnings.push(message);
        else errors.push(message);
        return false;
      }
    }
    return true;
  }
}

/**
 * Chains in turns over their hosts: every host's first chain, then every host's second, and
 * so on, each turn in plan order. Chains take Docker slots in the order they start, and
 * placement can list a host's containers together: started in plan order, the fleet-wide
 * slots went four to a host, to a quarter of a thousand hosts, while the others had none
 * (in the scale simulation, where a host works at one container at a time, the apply took
 * more than twice its ideal for that; in turns, 1.3 times).
 */
function inHostTurns(chains: Change[][]): Change[][] {
  const turns = new Map<string, number>();
  const ranked = chains.map((chain, order) => {
    const turn = turns.get(chain[0].node) ?? 0;
    turns.set(chain[0].node, turn + 1);
    return { chain, turn, order };
  });
  return ranked.sort((a, b) => a.turn - b.turn || a.order - b.order).map((r) => r.chain);
}
