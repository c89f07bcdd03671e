/**
 * No PrePaid hosts in a buffer: buffer hosts wait idle for a scale-out, and a monthly
 * subscription for an idle host is the most expensive way to wait. Keep buffers on
 * PostPaid (or Spot) fleets.
 */
import { PolicyCheck, PolicyConfigBase } from "../types";

export const prepaidBuffer: PolicyCheck<PolicyConfigBase> = {
  name: "no-prepaid-buffer",
  description: "buffer hosts are not bought PrePaid",
  check({ head }) {
    const idcs = new Map(head.desired.idcs.map((i) => [i.name, i]));
    return head.desired.fleets
      .filter((f) => f.chargeType === "PrePaid" && f.bufferHosts > 0 && idcs.get(f.idc)?.kind === "cloud")
      .map((f) => `fleet ${f.name}: ${f.bufferHosts} buffer hosts are PrePaid; keep the buffer on a PostPaid or Spot fleet`);
  },
};
