import { Filter } from "../filter";

/** CPU and memory reservations must fit the host's capacity; there is no overcommit. */
export const resources: Filter = {
  name: "resources",
  static: false,
  accepts: (host, request) => host.fits(request.resources),
};
