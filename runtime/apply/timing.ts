/** When each phase of an apply ran: from its first step's start to its last step's end, in seconds from the apply's start. */
import { Change } from "../plan/types";

export type Phase = "assign" | "create" | "start" | "healthy" | "publish" | "remove" | "unassign";

const PHASE_OF: Record<Change["kind"], Phase> = {
  "assign-host": "assign",
  create: "create",
  start: "start",
  "wait-healthy": "healthy",
  register: "publish",
  "publish-upstream": "publish",
  "unpublish-upstream": "remove",
  drain: "remove",
  "await-consumers": "remove",
  stop: "remove",
  remove: "remove",
  "unassign-host": "unassign",
};

export interface PhaseTiming {
  phase: Phase;
  /** Seconds from the apply's start to the first step of this phase starting. */
  startedAt: number;
  /** Seconds from the apply's start to the last step of this phase ending. */
  endedAt: number;
}

export class PhaseClock {
  private readonly t0 = Date.now();
  private readonly phases = new Map<Phase, PhaseTiming>();

  /** Runs one change's step and stretches its phase's span over it. */
  async time(change: Change, step: () => Promise<void>): Promise<void> {
    const phase = PHASE_OF[change.kind];
    const started = this.seconds();
    const timing = this.phases.get(phase) ?? { phase, startedAt: started, endedAt: started };
    timing.startedAt = Math.min(timing.startedAt, started);
    this.phases.set(phase, timing);
    await step();
    timing.endedAt = Math.max(timing.endedAt, this.seconds());
  }

  timings(): PhaseTiming[] {
    return [...this.phases.values()];
  }

  private seconds(): number {
    return (Date.now() - this.t0) / 1000;
  }
}
