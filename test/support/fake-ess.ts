/**
 * A FAKE of Alibaba Cloud's ESS (Auto Scaling) RPC endpoint, for tests only: the real API
 * cannot be reached from here. It checks what the real API documents — the common
 * parameters (Version 2014-08-28, SignatureMethod HMAC-SHA1, SignatureVersion 1.0, a UTC
 * Timestamp within 15 minutes, a SignatureNonce never used before) and the HMAC-SHA1
 * signature, recomputed here with its own encoder rather than the client's — then keeps a
 * few scaling groups and lifecycle actions in memory. Errors answer as the API does:
 * JSON with RequestId, Code and Message.
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

export interface FakeGroup {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

export interface FakeEssCall {
  action: string;
  params: Record<string, string>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 3986 unreserved characters stay; every other UTF-8 byte becomes %XY. */
function encode(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export class FakeEss {
  readonly calls: FakeEssCall[] = [];
  readonly groups = new Map<string, FakeGroup>();
  /** Pending lifecycle actions: token → hook id; completed ones move to `completed`. */
  readonly pendingActions = new Map<string, string>();
  readonly completed: Array<{ hookId: string; token: string; result: string }> = [];
  private readonly nonces = new Set<string>();
  private server?: Server;

  constructor(readonly credentials: { accessKeyId: string; accessKeySecret: string }) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    const answer = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ RequestId: requestId, ...body }));
    };
    try {
      const params = await this.params(req);
      this.verify(req.method as "GET" | "POST", params);
      this.calls.push({ action: params.Action, params });
      answer(200, this.act(params));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      answer(err.status, { Code: err.code, Message: err.message, HostId: "ess.aliyuncs.com" });
    }
  }

  private async params(req: IncomingMessage): Promise<Record<string, string>> {
    let body = "";
    for await (const chunk of req) body += String(chunk);
    const query = new URL(req.url ?? "/", "http://fake").searchParams;
    const form = new URLSearchParams(body);
    return Object.fromEntries([...query, ...form]);
  }

  private verify(method: "GET" | "POST", p: Record<string, string>): void {
    for (const name of ["Action", "Version", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Format"]) {
      if (!p[name]) throw new ApiError(400, "MissingParameter", `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
    }
    if (p.Version !== "2014-08-28") throw new ApiError(400, "InvalidVersion", `Specified parameter Version is not valid: ${p.Version}`);
    if (p.SignatureMethod !== "HMAC-SHA1" || p.SignatureVersion !== "1.0") throw new ApiError(400, "InvalidParameter", "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0");
    if (p.AccessKeyId !== this.credentials.accessKeyId) throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.Timestamp) || Math.abs(Date.parse(p.Timestamp) - Date.now()) > 15 * 60_000) {
      throw new ApiError(400, "InvalidTimeStamp.Expired", `Specified time stamp or date value is expired: ${p.Timestamp}`);
    }
    const canonical = Object.keys(p).filter((k) => k !== "Signature").sort().map((k) => `${encode(k)}=${encode(p[k])}`).join("&");
    const expected = createHmac("sha1", `${this.credentials.accessKeySecret}&`).update(`${method}&${encode("/")}&${encode(canonical)}`).digest("base64");
    if (p.Signature !== expected) throw new ApiError(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.");
    if (this.nonces.has(p.SignatureNonce)) throw new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    this.nonces.add(p.SignatureNonce);
  }

  private act(p: Record<string, string>): Record<string, unknown> {
    if (!p.RegionId) throw new ApiError(400, "MissingParameter", 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');
    switch (p.Action) {
      case "DescribeScalingGroups":
        return this.describe(p);
      case "ModifyScalingGroup":
        return this.modify(p);
      case "CompleteLifecycleAction":
        return this.complete(p);
      default:
        throw new ApiError(400, "InvalidAction.NotFound", `Specified api is not found, please check your url and method: ${p.Action}`);
    }
  }

  private group(id: string | undefined): FakeGroup {
    const group = id ? this.groups.get(id) : undefined;
    if (!group) throw new ApiError(404, "InvalidScalingGroupId.NotFound", `The specified scaling group does not exist: ${id}`);
    return group;
  }

  private describe(p: Record<string, string>): Record<string, unknown> {
    const ids = Object.keys(p).filter((k) => /^ScalingGroupIds\.\d+$/.test(k)).map((k) => p[k]);
    const groups = ids.filter((id) => this.groups.has(id)).map((id) => {
      const g = this.groups.get(id)!;
      return { ScalingGroupId: id, MinSize: g.minSize, MaxSize: g.maxSize, DesiredCapacity: g.desiredCapacity, TotalCapacity: g.desiredCapacity };
    });
    return { TotalCount: groups.length, ScalingGroups: { ScalingGroup: groups } };
  }

  private modify(p: Record<string, string>): Record<string, unknown> {
    const group = this.group(p.ScalingGroupId);
    if (p.DesiredCapacity !== undefined) {
      const desired = Number(p.DesiredCapacity);
      if (!Number.isInteger(desired) || desired < group.minSize || desired > group.maxSize) {
        throw new ApiError(400, "InvalidParameter", `DesiredCapacity ${p.DesiredCapacity} must be between MinSize ${group.minSize} and MaxSize ${group.maxSize}.`);
      }
      group.desiredCapacity = desired;
    }
    return {};
  }

  private complete(p: Record<string, string>): Record<string, unknown> {
    if (!p.LifecycleHookId || !p.LifecycleActionToken) throw new ApiError(400, "MissingParameter", "LifecycleHookId and LifecycleActionToken are mandatory.");
    const result = p.LifecycleActionResult ?? "CONTINUE";
    if (!["CONTINUE", "ABANDON", "ROLLBACK"].includes(result)) throw new ApiError(400, "InvalidParameter", `LifecycleActionResult ${result} is not valid.`);
    if (this.pendingActions.get(p.LifecycleActionToken) !== p.LifecycleHookId) {
      throw new ApiError(404, "InvalidLifecycleActionToken.NotFound", `The specified lifecycle action token does not exist for hook ${p.LifecycleHookId}.`);
    }
    this.pendingActions.delete(p.LifecycleActionToken);
    this.completed.push({ hookId: p.LifecycleHookId, token: p.LifecycleActionToken, result });
    return {};
  }
}
