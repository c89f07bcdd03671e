import { Construct } from "constructs";
import { EipAddress } from "../.gen/providers/alicloud/eip-address";
import { EipAssociation } from "../.gen/providers/alicloud/eip-association";
import { NatGateway } from "../.gen/providers/alicloud/nat-gateway";
import { SnatEntry } from "../.gen/providers/alicloud/snat-entry";
import { Vpc } from "../.gen/providers/alicloud/vpc";
import { Vswitch } from "../.gen/providers/alicloud/vswitch";

export interface NatEgressProps {
  /** Names the gateway and its EIP. */
  readonly idc: string;
  readonly vpc: Vpc;
  /** Host vSwitches, first zone first: the gateway sits in the first, each gets an SNAT entry. */
  readonly vswitches: Vswitch[];
  /** Bandwidth of the pay-by-traffic EIP, 1-200 Mbit/s (checked by the Network). */
  readonly bandwidthMbps: number;
}

/**
 * Outbound internet for hosts without public addresses: an enhanced NAT gateway in the
 * first zone, one EIP bound to it, and one SNAT entry per host vSwitch.
 */
export class NatEgress extends Construct {
  readonly gateway: NatGateway;
  readonly snatEntries: SnatEntry[];

  constructor(scope: Construct, id: string, props: NatEgressProps) {
    super(scope, id);
    const idc = props.idc;
    this.gateway = new NatGateway(this, "nat", {
      vpcId: props.vpc.id,
      vswitchId: props.vswitches[0].id,
      natGatewayName: `dcp-${idc}`,
      natType: "Enhanced",
      networkType: "internet",
      paymentType: "PayAsYouGo",
      internetChargeType: "PayByLcu",
    });
    const eip = new EipAddress(this, "eip", {
      addressName: `dcp-${idc}-nat`,
      bandwidth: String(props.bandwidthMbps),
      internetChargeType: "PayByTraffic",
      paymentType: "PayAsYouGo",
    });
    const association = new EipAssociation(this, "eip-association", { allocationId: eip.id, instanceId: this.gateway.id, instanceType: "Nat" });
    this.snatEntries = props.vswitches.map(
      (vswitch) =>
        new SnatEntry(this, `snat-${vswitch.zoneIdInput}`, {
          snatTableId: this.gateway.snatTableIds,
          sourceVswitchId: vswitch.id,
          snatIp: eip.ipAddress,
          // The EIP must be bound to the gateway before an SNAT entry can use it.
          dependsOn: [association],
        }),
    );
  }
}
