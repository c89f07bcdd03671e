import { Strategy } from "../strategy";

/**
 * Fill the fullest feasible host first: least free CPU, then least free memory (best
 * fit), then the host with most containers (as Swarm's binpack). Absolute free
 * resources rather than shares, so that with mixed host classes a small host's last
 * gap is used before a big host is opened.
 */
export const binpack: Strategy = {
  name: "binpack",
  scorers: [(host) => host.freeCpu, (host) => host.freeMemoryMiB, (host) => -host.containers],
};
