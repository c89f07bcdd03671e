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
  score: (host) => host.draw,
};

/**
 * After the host with the lowest draw m won, the other hosts' draws are independent and
 * uniform on (m, 1); giving the winner a uniform draw on (m, 1) as well keeps the next
 * pick uniform over the feasible hosts, exactly as fresh draws for all would.
 */
export function redrawWinner(winner: HostState, rng: Rng): void {
  winner.draw += rng() * (1 - winner.draw);
}
