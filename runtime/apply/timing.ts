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

  /** Runs the step of `changes` (one change, or several done together) and stretches their phases' spans over it. */
  async time(changes: Change[], step: () => Promise<void>): Promise<void> {
    const started = this.seconds();
    const spans = [...new Set(changes.map((c) => PHASE_OF[c.kind]))].map((phase) => {
      const timing = this.phases.get(phase) ?? { phase, startedAt: started, endedAt: started };
      timing.startedAt = Math.min(timing.startedAt, started);
      this.phases.set(phase, timing);
      return timing;
    });
    await step();
    const ended = this.seconds();
    for (const timing of spans) timing.endedAt = Math.max(timing.endedAt, ended);
  }

  timings(): PhaseTiming[] {
    return [...this.phases.values()];
  }

  private seconds(): number {
    return (Date.now() - this.t0) / 1000;
  }
}
