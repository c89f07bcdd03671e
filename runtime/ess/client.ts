/**
 * The ESS (Auto Scaling) client: the few calls the controller makes to move a cloud
 * fleet's host capacity between deploys. Terraform owns each scaling group and its
 * min/max; the controller owns desired capacity between them, and completes the SCALE_IN
 * lifecycle hook once it has drained a host.
 *
 * RPC style over HTTPS POST (form body), API version 2014-08-28, JSON answers, signed
 * with HMAC-SHA1 (./signature.ts). Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID and
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET, the names Alibaba Cloud's CLI and SDKs read.
 */
import { randomUUID } from "node:crypto";
import { DcpError } from "../../model/errors";
import { sign } from "./signature";

export const ESS_API_VERSION = "2014-08-28";

export interface EssConfig {
  /** e.g. https://ess.aliyuncs.com */
  endpoint: string;
  regionId: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

/** ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET; DCP_ESS_ENDPOINT overrides the public endpoint. */
export function essConfigFromEnv(regionId: string, env: NodeJS.ProcessEnv = process.env): EssConfig {
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) {
    throw new DcpError("ESS credentials missing: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (a RAM user allowed ess:ModifyScalingGroup, ess:DescribeScalingGroups and ess:CompleteLifecycleAction)");
  }
  return { endpoint: env.DCP_ESS_ENDPOINT || "https://ess.aliyuncs.com", regionId, accessKeyId, accessKeySecret };
}

export interface ScalingGroupCapacity {
  scalingGroupId: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Instances in service now. */
  totalCapacity: number;
}

/** An error answer of the API: its code (e.g. SignatureDoesNotMatch) and message. */
export class EssRequestError extends DcpError {
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

export class EssClient {
  constructor(readonly config: EssConfig) {}

  /** The group's bounds and desired capacity (DescribeScalingGroups). */
  async scalingGroup(scalingGroupId: string): Promise<ScalingGroupCapacity> {
    const body = await this.call("DescribeScalingGroups", { "ScalingGroupIds.1": scalingGroupId });
    const group = (body.ScalingGroups as { ScalingGroup?: Array<Record<string, unknown>> } | undefined)?.ScalingGroup?.[0];
    if (!group) throw new DcpError(`ESS: scaling group ${scalingGroupId} not found in ${this.config.regionId}`);
    return {
      scalingGroupId,
      minSize: Number(group.MinSize),
      maxSize: Number(group.MaxSize),
      desiredCapacity: Number(group.DesiredCapacity),
      totalCapacity: Number(group.TotalCapacity),
    };
  }

  /**
   * Sets the group's desired capacity (ModifyScalingGroup with DesiredCapacity only: min and
   * max stay Terraform's). A value outside [min, max] is refused here with what the bounds
   * are, rather than by the API.
   */
  async setDesiredCapacity(scalingGroupId: string, desiredCapacity: number, bounds?: Pick<ScalingGroupCapacity, "minSize" | "maxSize">): Promise<void> {
    if (!Number.isInteger(desiredCapacity) || desiredCapacity < 0) throw new DcpError(`ESS: desired capacity ${desiredCapacity} must be a whole number >= 0`);
    if (bounds && (desiredCapacity < bounds.minSize || desiredCapacity > bounds.maxSize)) {
      throw new DcpError(`ESS: desired capacity ${desiredCapacity} of ${scalingGroupId} is outside its bounds [${bounds.minSize}, ${bounds.maxSize}] (Terraform sets them); change the fleet's bounds in the stack`);
    }
    await this.call("ModifyScalingGroup", { ScalingGroupId: scalingGroupId, DesiredCapacity: String(desiredCapacity) });
  }

  /** Lets a scale-in (or scale-out) waiting on a lifecycle hook go on: CONTINUE once the host is drained. */
  async completeLifecycleAction(lifecycleHookId: string, lifecycleActionToken: string, result: "CONTINUE" | "ABANDON" = "CONTINUE"): Promise<void> {
    await this.call("CompleteLifecycleAction", { LifecycleHookId: lifecycleHookId, LifecycleActionToken: lifecycleActionToken, LifecycleActionResult: result });
  }

  /** One signed request; an error answer becomes an EssRequestError naming the action, code and request id. */
  async call(action: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const signed = this.signedParams(action, params);
    let res: Response;
    try {
      res = await fetch(`${this.config.endpoint.replace(/\/+$/, "")}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(signed).toString(),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new DcpError(`ESS ${action} at ${this.config.endpoint} failed: ${(err as Error).message}`);
    }
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new EssRequestError(`ESS ${action}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, "", res.status);
    }
    if (!res.ok || typeof body.Code === "string") {
      throw new EssRequestError(`ESS ${action} refused (HTTP ${res.status}, ${body.Code}): ${body.Message} (request ${body.RequestId})`, String(body.Code ?? ""), res.status);
    }
    return body;
  }

  /** The action's parameters with the common ones and the signature. */
  signedParams(action: string, params: Record<string, string>, now = new Date(), nonce: string = randomUUID()): Record<string, string> {
    const all: Record<string, string> = {
      Action: action,
      Version: ESS_API_VERSION,
      Format: "JSON",
      RegionId: this.config.regionId,
      AccessKeyId: this.config.accessKeyId,
      SignatureMethod: "HMAC-SHA1",
      SignatureVersion: "1.0",
      SignatureNonce: nonce,
      // yyyy-MM-ddTHH:mm:ssZ in UTC, without milliseconds.
      Timestamp: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      ...params,
    };
    return { ...all, Signature: sign("POST", all, this.config.accessKeySecret) };
  }
}
