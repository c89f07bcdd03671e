import { Strategy, shareKey } from "../strategy";

/**
 * Replicas of a pool in proportion to host size: first the share of the host the
 * pool's replicas take once it takes this one, so that hosts of one class get counts
 * within one of each other and a host twice as big gets twice as many; then the host's
 * load once it takes it (as Swarm's spread); then fewest containers.
 * A pool's replicas on a host are counted at the request's size.
 */
export const spread: Strategy = {
  name: "spread",
  scorers: [
    (host, request) => shareKey((host.count(request.pool) + 1) * host.share(request.resources)),
    (host, request) => shareKey(host.load() + host.share(request.resources)),
    (host) => host.containers,
  ],
};
