import { Filter } from "../filter";

/** A pool with anti-affinity has at most one container per host, so one host failing takes out one replica. */
export const antiAffinity: Filter = {
  name: "anti-affinity",
  static: false,
  accepts: (host, request) => !request.antiAffinity || host.count(request.pool) === 0,
};
