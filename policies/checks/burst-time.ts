/**
 * Limits how long a scale-out takes until its new containers serve (model/burst-time.ts),
 * so a change that cannot land inside a traffic peak's burst is split or planned ahead.
 * It judges the review's estimate of the change as declared: that is what one apply does.
 */
import { describeBurst } from "../../model/burst-time";
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface BurstTimeConfig extends PolicyConfigBase {
  /** Longest estimated burst, in minutes. */
  maxMinutes: number;
}

export const burstTime: PolicyCheck<BurstTimeConfig> = {
  name: "burst-time",
  description: "a scale-out's estimated time until its new containers serve stays within a limit",
  check({ burst }, config) {
    if (!burst || burst.totalSeconds <= config.maxMinutes * 60) return [];
    return [`the scale-out takes ${describeBurst(burst)} (limit ${config.maxMinutes} min); add buffer hosts, scale out earlier or in smaller steps`];
  },
};
