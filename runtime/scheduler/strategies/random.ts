import { Rng } from "../rng";
import { HostState } from "../host-state";
import { Strategy } from "../strategy";

/**
 * A uniformly random feasible host: every host gets a seeded draw and the lowest wins.
 * The reference draws afresh for every container; the engine draws once per group of
 * identical requests and then only redraws the winner with `redrawWinner`.
 */
export const random: Strategy = {
  name: "random",
  scorers: [(host) => host.draw],
};

/** An exponentially distributed draw (mean 1). */
export function freshDraw(rng: Rng): number {
  return -Math.log(1 - rng());
}

/**
 * Exponential draws are memoryless: once the lowest draw m won, the other hosts' draws
 * are still m + independent exponentials, so moving the winner to m + a fresh draw
 * makes the next pick uniform over the feasible hosts again, exactly as fresh draws
 * for all would. Draws grow by about one per host's win, so precision never runs out.
 */
export function redrawWinner(winner: HostState, rng: Rng): void {
  winner.draw += freshDraw(rng);
}
