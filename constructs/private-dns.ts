import { Construct } from "constructs";
import { PvtzZone } from "../.gen/providers/alicloud/pvtz-zone";
import { PvtzZoneAttachment } from "../.gen/providers/alicloud/pvtz-zone-attachment";
import { PvtzZoneRecord } from "../.gen/providers/alicloud/pvtz-zone-record";
import { Vpc } from "../.gen/providers/alicloud/vpc";
import { DcpError } from "../model/errors";
import { Cidr, contains, parseCidr } from "./cidr";

/** A registry host that pool images name, and where it is inside a cloud IDC. */
export interface ImageRegistry {
  /** Host as image references write it, e.g. `registry.local` in `registry.local/feed/feed-api:1.4.2`. */
  readonly host: string;
  /**
   * IPv4 address of the registry (or its mirror) as seen from the VPC: inside the VPC, or
   * in the private IDC over the link. It must serve a certificate for `host`.
   */
  readonly address: string;
}

/** Top-level names that no public resolver answers: such a registry resolves only where it is declared. */
const PRIVATE_SUFFIXES = [".local", ".internal", ".lan", ".corp", ".home.arpa", ".intranet"];

export interface PrivateRegistryDnsProps {
  readonly vpc: Vpc;
  readonly registries: ImageRegistry[];
}

/**
 * Makes registry names resolve inside the VPC: one PrivateZone per registry host with an
 * apex A record, attached to the VPC. Without it `registry.local` resolves nowhere in the
 * cloud and every image pull fails.
 */
export class PrivateRegistryDns extends Construct {
  readonly attachments: PvtzZoneAttachment[];

  constructor(scope: Construct, id: string, props: PrivateRegistryDnsProps) {
    super(scope, id);
    this.attachments = props.registries.map((r) => {
      const zone = new PvtzZone(this, `zone-${r.host}`, { zoneName: r.host, remark: `dcp: image registry ${r.host}` });
      new PvtzZoneRecord(this, `record-${r.host}`, { zoneId: zone.id, rr: "@", type: "A", value: r.address, ttl: 60 });
      return new PvtzZoneAttachment(this, `attachment-${r.host}`, { zoneId: zone.id, vpcIds: [props.vpc.id] });
    });
  }

  /** Validates the declared registries; `reachable` are the ranges the VPC can route to. */
  static check(registries: ImageRegistry[], reachable: Cidr[], where: string): void {
    const seen = new Set<string>();
    registries.forEach((r, i) => {
      const at = `${where}: imageRegistries[${i}]`;
      if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(r.host)) {
        throw new DcpError(`${at}: host "${r.host}" must be a lower-case DNS name with at least two labels, as image references write it (e.g. "registry.local")`);
      }
      if (seen.has(r.host)) throw new DcpError(`${at}: host "${r.host}" is declared twice`);
      seen.add(r.host);
      const ip = parseCidr(`${r.address}/32`);
      if (!ip) throw new DcpError(`${at}: address "${r.address}" must be an IPv4 address`);
      if (!reachable.some((c) => contains(c, ip))) {
        throw new DcpError(`${at}: address ${r.address} is neither in the VPC nor in idcLink.idcCidrs; hosts could not reach the registry`);
      }
    });
  }
}

/** The registry host of an image reference, as Docker reads it (no host part: Docker Hub). */
export function registryHostOf(image: string): string {
  const first = image.split("/")[0];
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first.split(":")[0] : "docker.io";
}

/** A name that only private DNS answers, so it must be declared to resolve in the cloud. */
export function isPrivateName(host: string): boolean {
  return !host.includes(".") || PRIVATE_SUFFIXES.some((s) => host.endsWith(s));
}
