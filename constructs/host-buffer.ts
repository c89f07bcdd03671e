import { Construct } from "constructs";
import { checkCount } from "./validation";
import type { Fleet } from "./fleet";

export interface HostBufferProps {
  /** The fleet whose buffer this is. */
  readonly fleet: Fleet;
  /** Initialised, unassigned hosts kept ready for scale-outs (taken in seconds; refilled by the next apply). */
  readonly hosts: number;
}

/** Hosts kept initialised and unassigned in a fleet, so a scale-out need not wait for new hosts. */
export class HostBuffer extends Construct {
  readonly fleet: Fleet;
  readonly hosts: number;

  constructor(scope: Construct, id: string, props: HostBufferProps) {
    super(scope, id);
    checkCount("hosts", props.hosts, `HostBuffer ${this.node.path}`);
    this.fleet = props.fleet;
    this.hosts = props.hosts;
  }
}
