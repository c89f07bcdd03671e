import { Strategy } from "../strategy";

/**
 * Fewest containers of the pool first, then the least reserved host: replicas spread
 * evenly over hosts. The load share (0..1) only breaks ties between equal counts.
 */
export const spread: Strategy = {
  name: "spread",
  score: (host, request) => host.count(request.pool) * 2 + Math.min(1, Math.max(0, host.load())),
};
