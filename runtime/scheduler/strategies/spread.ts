import { Strategy } from "../strategy";

/** Fewest containers of the pool first, then the least reserved host: replicas spread evenly over hosts. */
export const spread: Strategy = {
  name: "spread",
  compare: (a, b, request) => a.count(request.pool) - b.count(request.pool) || a.load() - b.load(),
};
