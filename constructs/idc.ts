import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { IdcSpec } from "../model/desired-state";
import { checkName } from "./validation";

export interface IdcProps {
  /**
   * IDC name, as hosts report it in node meta `dcp_idc` and pools list it in `idcs`.
   * @default the construct id
   */
  readonly name?: string;
  /** `private`: hosts already exist in a data centre. `cloud`: an Alibaba Cloud region where hosts are bought. */
  readonly kind: "private" | "cloud";
  /** Alibaba Cloud region, e.g. `cn-beijing`. Required for cloud IDCs, not allowed for private ones. */
  readonly region?: string;
  /** Zones in priority order: hosts are created in the first zone with stock. At least one. */
  readonly zones: string[];
  /**
   * `host[:port]` of the IDC's Consul server, which hosts join. Required for a private
   * IDC. For a cloud IDC it names an existing server outside the IDC's own VPC (reached
   * over the IDC link); without it the IDC's Network creates the Consul servers.
   * @default for a cloud IDC: the servers its Network creates
   */
  readonly consulAddress?: string;
  /**
   * Multiplier on upstream weight for hosts in this IDC when it is a cloud IDC: cloud
   * hosts run slower than private ones for the same shape.
   * @default 0.8
   */
  readonly cloudWeightFactor?: number;
}

/** The IDC as declared; the stack fills in a cloud IDC's Consul servers when its Network creates them. */
export type IdcDeclaration = Omit<IdcSpec, "consulAddress"> & { consulAddress?: string };

/** A private data centre or an Alibaba Cloud region. */
export class Idc extends Construct {
  readonly spec: IdcDeclaration;

  constructor(scope: Construct, id: string, props: IdcProps) {
    super(scope, id);
    const name = props.name ?? id;
    const where = `Idc ${this.node.path}`;
    checkName("IDC", name, where);
    if (props.kind !== "private" && props.kind !== "cloud") {
      throw new DcpError(`${where}: kind must be "private" or "cloud" (got "${props.kind}")`);
    }
    if (props.kind === "cloud" && !props.region) {
      throw new DcpError(`${where}: a cloud IDC needs region, e.g. region: "cn-beijing"`);
    }
    if (props.kind === "private" && props.region) {
      throw new DcpError(`${where}: region is for cloud IDCs; remove it or set kind: "cloud"`);
    }
    if (props.zones.length === 0) throw new DcpError(`${where}: zones must list at least one zone, in priority order`);
    const dup = props.zones.find((z, i) => props.zones.indexOf(z) !== i);
    if (dup) throw new DcpError(`${where}: zone "${dup}" is listed twice; list each zone once, in priority order`);
    if (props.consulAddress === undefined && props.kind === "private") {
      throw new DcpError(`${where}: a private IDC needs consulAddress, the host[:port] of its Consul server`);
    }
    if (props.consulAddress !== undefined && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(props.consulAddress)) {
      throw new DcpError(`${where}: consulAddress must be host[:port], e.g. "10.0.0.10:8301" (got "${props.consulAddress}")`);
    }
    const factor = props.cloudWeightFactor ?? 0.8;
    if (!(factor > 0 && factor <= 1)) {
      throw new DcpError(`${where}: cloudWeightFactor must be in (0, 1] (got ${factor}); 0.8 turns weight 20 into 16`);
    }
    this.spec = {
      name,
      kind: props.kind,
      ...(props.region ? { region: props.region } : {}),
      zones: [...props.zones],
      ...(props.consulAddress !== undefined ? { consulAddress: props.consulAddress } : {}),
      cloudWeightFactor: factor,
    };
  }

  get name(): string {
    return this.spec.name;
  }

  get isCloud(): boolean {
    return this.spec.kind === "cloud";
  }
}
