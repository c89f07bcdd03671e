import { Strategy } from "../strategy";

/** One core outweighs any memory below 1 TiB (in MiB), so memory only breaks CPU ties. */
const CORE = 2 ** 20;

/**
 * Fill the fullest feasible host first: least free CPU, then least free memory (best
 * fit). Absolute free resources rather than shares, so that with mixed host classes a
 * small host's last gap is used before a big host is opened.
 */
export const binpack: Strategy = {
  name: "binpack",
  score: (host) => host.freeCpu * CORE + host.freeMemoryMiB,
};
