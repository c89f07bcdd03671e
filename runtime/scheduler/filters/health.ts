import { Filter } from "../filter";

/** Only healthy hosts whose bootstrap finished take containers. */
export const health: Filter = {
  name: "health",
  static: true,
  accepts: (host) => host.host.healthy && host.host.initialised,
};
