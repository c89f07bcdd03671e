import { Filter } from "../filter";

/** Host networking: a fixed port can be bound once per host. Port 0 is picked at start and never conflicts. */
export const port: Filter = {
  name: "port",
  static: false,
  accepts: (host, request) => {
    for (const p of request.ports) if (p !== 0 && host.usedPorts.has(p)) return false;
    return true;
  },
};
