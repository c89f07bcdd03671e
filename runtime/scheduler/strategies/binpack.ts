import { Strategy } from "../strategy";

/**
 * Fill the fullest feasible host first: least free CPU, then least free memory, left
 * after placing (best fit). Absolute free resources rather than shares, so that with
 * mixed host classes a small host's last gap is used before a big host is opened.
 */
export const binpack: Strategy = {
  name: "binpack",
  compare: (a, b) => a.freeCpu - b.freeCpu || a.freeMemoryMiB - b.freeMemoryMiB,
};
