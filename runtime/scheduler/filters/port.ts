import { Filter, tally } from "../filter";
import { HostState } from "../host-state";
import { ContainerRequest } from "../types";

/** The request's first fixed port already bound on the host, or undefined. */
function conflict(host: HostState, request: ContainerRequest): number | undefined {
  return request.ports.find((p) => p !== 0 && host.usedPorts.has(p));
}

/** Host networking: a fixed port can be bound once per host. Port 0 is picked at start and never conflicts. */
export const port: Filter = {
  name: "port",
  static: false,
  accepts: (host, request) => conflict(host, request) === undefined,
  explain: (rejected, request) => tally(rejected.map((host) => `${conflict(host, request)} in use`)),
};
