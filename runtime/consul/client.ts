/**
 * The one Consul client of the runtime: KV, transactions, catalog, health, sessions and
 * agent service registration, all through the `consul` package, all retried the same way.
 *
 * Retries: connection errors, timeouts and 5xx answers are retried with capped exponential
 * backoff until `retryForMs` has passed, because Consul restarting or electing a leader is
 * routine during an apply and an apply must ride it out. 4xx answers are never retried: they
 * mean the request or the token is wrong, and waiting will not fix that.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { isNativeError } from "node:util/types";
import Consul from "consul";
import { DcpError } from "../../model/errors";
import { DCP_SERVICE_TAG, DEFAULT_UPSTREAM_PREFIX, SERVICE_META } from "../../model/host-metadata";

export interface ConsulConfig {
  /** HTTP address of the Consul agent or server the runtime talks to, e.g. http://127.0.0.1:8500 */
  address: string;
  /** ACL token sent as X-Consul-Token on every request. */
  token?: string;
  /** Root of dcp's own KV keys (assignments, host init status, locks), e.g. "dcp". */
  kvRoot: string;
  /** Root of the upstream keys nginx-upsync-module follows, e.g. "upstreams". */
  upstreamPrefix: string;
  /** HTTP port of the Consul agent on every host (service registration goes there). */
  agentPort: number;
  /** How long a call keeps retrying connection errors and 5xx answers. */
  retryForMs: number;
}

/** CONSUL_HTTP_ADDR (default http://127.0.0.1:8500), CONSUL_HTTP_TOKEN, DCP_KV_ROOT (default dcp). */
export function consulConfigFromEnv(overrides: Partial<ConsulConfig> = {}): ConsulConfig {
  const env = process.env;
  const config: ConsulConfig = {
    address: normaliseAddress(env.CONSUL_HTTP_ADDR || "http://127.0.0.1:8500", "CONSUL_HTTP_ADDR"),
    token: env.CONSUL_HTTP_TOKEN || undefined,
    kvRoot: env.DCP_KV_ROOT || "dcp",
    upstreamPrefix: DEFAULT_UPSTREAM_PREFIX,
    agentPort: 8500,
    retryForMs: 60_000,
    ...overrides,
  };
  config.address = normaliseAddress(config.address, "Consul address");
  return config;
}

/** Accepts `host:port` like the consul CLI does, and refuses anything that is not http(s). */
function normaliseAddress(raw: string, what: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new DcpError(`${what} "${raw}" is not a valid address; use e.g. http://127.0.0.1:8500`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new DcpError(`${what} "${raw}" must use http:// or https://`);
  }
  return `${url.protocol}//${url.host}`;
}

export type KvOp =
  | { verb: "set"; key: string; value: string }
  | { verb: "delete"; key: string }
  | { verb: "delete-tree"; key: string };

/** Consul refuses transactions with more operations than this. */
export const TXN_MAX_OPS = 64;

export interface ServiceRegistration {
  serviceId: string;
  name: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  /**
   * HTTP check run by the agent the service is registered with. `initialStatus`: what the
   * check reports until its first run; Consul's default is critical.
   */
  check?: { url: string; intervalSeconds: number; timeoutSeconds: number; initialStatus?: CheckStatus };
}

export type CheckStatus = "passing" | "warning" | "critical";

/** One health check and its status (node checks such as serfHealth have serviceId ""). */
export interface CheckState {
  node: string;
  checkId: string;
  serviceId: string;
  serviceName: string;
  status: CheckStatus;
}

/** A blocking-query follower; stop() ends it. */
export interface Watching {
  stop(): void;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Connections kept to one host's agent. Registrations on an agent are quick local writes
 * (a few ms), and the executor sends at most this many to one agent at a time.
 */
export const AGENT_SOCKETS_PER_HOST = 2;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 2_000;

export class ConsulClient {
  readonly config: ConsulConfig;
  private readonly consul: Consul;
  private readonly agents = new Map<string, ConsulClient>();

  /** `maxSockets`: connections kept to the address; default unbounded (one server, many requests at once). */
  constructor(config: ConsulConfig, maxSockets?: number) {
    this.config = config;
    const url = new URL(normaliseAddress(config.address, "Consul address"));
    const secure = url.protocol === "https:";
    this.consul = new Consul({
      ...(maxSockets && { agent: new (secure ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets }) }),
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 443 : 80,
      secure,
      // Consistent reads: right after a server restart the new leader can answer default-mode
      // reads from a state that does not yet include the last writes (a key written before a
      // restart read back as missing in the restart test). Consistent mode answers 500 until
      // the leader has caught up, and that is retried like any 5xx.
      defaults: { consistent: true, ...(config.token ? { token: config.token } : {}) },
      // papi's per-request timeout; a hung connection is then retried like a refused one.
      timeout: REQUEST_TIMEOUT_MS,
    } as ConstructorParameters<typeof Consul>[0]);
  }

  /** A client for the Consul agent on one host (same token and retry policy); closed with this one. */
  agentAt(hostAddress: string): ConsulClient {
    let agent = this.agents.get(hostAddress);
    if (!agent) {
      agent = new ConsulClient({ ...this.config, address: `http://${hostAddress}:${this.config.agentPort}` }, AGENT_SOCKETS_PER_HOST);
      this.agents.set(hostAddress, agent);
    }
    return agent;
  }

  async kvGet(key: string): Promise<string | undefined> {
    const item = await this.call(`read key ${key}`, () => this.consul.kv.get(key));
    return item ? item.Value ?? "" : undefined;
  }

  /** Every key under `prefix` (recursive), sorted by key. */
  async kvList(prefix: string): Promise<Array<{ key: string; value: string }>> {
    const items = await this.call(`list keys under ${prefix}`, () => this.consul.kv.get({ key: prefix, recurse: true }));
    const list = !items ? [] : Array.isArray(items) ? items : [items];
    return list.map((i) => ({ key: i.Key, value: i.Value ?? "" })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async kvPut(key: string, value: string): Promise<void> {
    await this.call(`write key ${key}`, () => this.consul.kv.set(key, value));
  }

  async kvDelete(key: string): Promise<void> {
    await this.call(`delete key ${key}`, () => this.consul.kv.del(key));
  }

  /**
   * Runs the operations in order, as consecutive transactions of at most 64 operations.
   * Each transaction is atomic; the whole list is not, so callers order operations such
   * that every prefix of the list is a safe state (the upstream diff puts sets first).
   */
  async txn(ops: KvOp[]): Promise<void> {
    for (let i = 0; i < ops.length; i += TXN_MAX_OPS) {
      const batch = ops.slice(i, i + TXN_MAX_OPS);
      const operations = batch.map((op) => ({
        KV:
          op.verb === "set"
            ? { Verb: "set", Key: op.key, Value: Buffer.from(op.value, "utf8").toString("base64") }
            : { Verb: op.verb, Key: op.key },
      }));
      await this.call(`transaction of ${batch.length} operations`, async () => {
        try {
          // The package's typings miss the one-argument form create(operations) that its code has.
          return await this.consul.transaction.create(operations as never);
        } catch (err) {
          // 409: Consul rolled the transaction back and says which operation failed.
          const errors = (err as { response?: { body?: { Errors?: Array<{ OpIndex: number; What: string }> } } }).response?.body?.Errors;
          if (!errors?.length) throw err;
          const what = errors.map((e) => `${batch[e.OpIndex]?.verb} "${batch[e.OpIndex]?.key}": ${e.What}`).join("; ");
          throw new ConsulRequestError(`Consul at ${this.config.address} rolled back a transaction: ${what}`, 409);
        }
      });
    }
  }

  /** Catalog nodes with their address and node meta. */
  async nodes(): Promise<Array<{ node: string; address: string; meta: Record<string, string> }>> {
    const nodes = (await this.call("list catalog nodes", () => this.consul.catalog.node.list())) as Array<{
      Node: string;
      Address: string;
      Meta: Record<string, string> | null;
    }>;
    return nodes.map((n) => ({ node: n.Node, address: n.Address, meta: n.Meta ?? {} }));
  }

  /** Every check in the datacenter (node checks such as serfHealth have serviceId ""). */
  async checks(): Promise<CheckState[]> {
    const checks = (await this.call("list health checks", () => this.consul.health.state("any"))) as Array<{
      Node: string;
      CheckID: string;
      ServiceID: string;
      ServiceName: string;
      Status: CheckStatus;
    }>;
    return checks.map((c) => ({ node: c.Node, checkId: c.CheckID, serviceId: c.ServiceID, serviceName: c.ServiceName, status: c.Status }));
  }

  /** Catalog services that dcp registered (tagged `dcp` and carrying the `dcp_pool` meta key). */
  async services(): Promise<Array<{ node: string; serviceId: string; serviceName: string; address: string; port: number; meta: Record<string, string> }>> {
    const names = (await this.call("list catalog services", () => this.consul.catalog.service.list())) as Record<string, string[]>;
    const result: Array<{ node: string; serviceId: string; serviceName: string; address: string; port: number; meta: Record<string, string> }> = [];
    for (const name of Object.keys(names).sort()) {
      if (!(names[name] ?? []).includes(DCP_SERVICE_TAG)) continue;
      const instances = (await this.call(`list instances of service ${name}`, () => this.consul.catalog.service.nodes(name))) as Array<{
        Node: string;
        Address: string;
        ServiceID: string;
        ServiceName: string;
        ServiceAddress: string;
        ServicePort: number;
        ServiceMeta: Record<string, string> | null;
      }>;
      for (const s of instances) {
        const meta = s.ServiceMeta ?? {};
        if (meta[SERVICE_META.pool] === undefined) continue;
        result.push({ node: s.Node, serviceId: s.ServiceID, serviceName: s.ServiceName, address: s.ServiceAddress || s.Address, port: s.ServicePort, meta });
      }
    }
    return result;
  }

  /** Registers a service with THIS client's agent (use `agentAt(host)` so the check runs on the host). */
  async registerService(reg: ServiceRegistration): Promise<void> {
    const tags = reg.tags.includes(DCP_SERVICE_TAG) ? reg.tags : [...reg.tags, DCP_SERVICE_TAG];
    await this.call(`register service ${reg.serviceId}`, () =>
      this.consul.agent.service.register({
        id: reg.serviceId,
        name: reg.name,
        address: reg.address,
        port: reg.port,
        tags,
        meta: reg.meta,
        check: reg.check && {
          http: reg.check.url,
          interval: `${reg.check.intervalSeconds}s`,
          timeout: `${reg.check.timeoutSeconds}s`,
          ...(reg.check.initialStatus && { status: reg.check.initialStatus }),
        },
      } as never),
    );
  }

  /** Deregisters a service from THIS client's agent; a service that is already gone is fine. */
  async deregisterService(serviceId: string, retryForMs = this.config.retryForMs): Promise<void> {
    try {
      await this.call(`deregister service ${serviceId}`, () => this.consul.agent.service.deregister(serviceId), retryForMs);
    } catch (err) {
      // Consul 1.8 answers 404 "Unknown service" for an id it does not have.
      if (err instanceof ConsulRequestError && err.statusCode === 404) return;
      throw err;
    }
  }

  /** Removes a whole node from the catalog (a node whose agent is gone for good). */
  async catalogDeregisterNode(node: string): Promise<void> {
    await this.call(`deregister node ${node} from the catalog`, () => this.consul.catalog.deregister({ node }));
  }

  /** THIS client's agent: its node id and the node meta of its own configuration. */
  async agentSelf(retryForMs = this.config.retryForMs): Promise<{ nodeId: string; meta: Record<string, string> }> {
    const self = (await this.call("read the agent's configuration", () => this.consul.agent.self(), retryForMs)) as { Config?: { NodeID?: string }; Meta?: Record<string, string> };
    return { nodeId: self.Config?.NodeID ?? "", meta: self.Meta ?? {} };
  }

  /**
   * Re-registers a catalog node with `meta` as its node meta, keeping its address and
   * tagged addresses. Plain HTTP rather than the package's catalog.register, which rewrites
   * node tagged addresses (plain strings) into the service form and drops all but lan and wan.
   */
  async setNodeMeta(node: string, nodeId: string, meta: Record<string, string>): Promise<void> {
    const current = (await this.call(`read catalog node ${node}`, () => this.consul.catalog.node.services(node))) as {
      Node?: { Address: string; TaggedAddresses?: Record<string, string> | null };
    } | null;
    if (!current?.Node) throw new ConsulRequestError(`Consul at ${this.config.address}: node ${node} is not in the catalog`, 404);
    const body = { ID: nodeId, Node: node, Address: current.Node.Address, TaggedAddresses: current.Node.TaggedAddresses ?? undefined, NodeMeta: meta };
    await this.call(`re-register node ${node}`, async () => {
      const res = await fetch(`${this.config.address}/v1/catalog/register`, {
        method: "PUT",
        headers: this.config.token ? { "X-Consul-Token": this.config.token } : {},
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      // Shaped like the package's errors, so call() retries 5xx and reports 4xx the same way.
      if (!res.ok) throw Object.assign(new Error((await res.text()).trim()), { statusCode: res.status });
    });
  }

  /** Removes a service of `node` from the catalog directly (for a node whose agent is gone). */
  async catalogDeregister(node: string, serviceId: string): Promise<void> {
    await this.call(`deregister service ${serviceId} of node ${node} from the catalog`, () =>
      this.consul.catalog.deregister({ node, serviceid: serviceId }),
    );
  }

  /**
   * Creates a TTL-only session (for locks); returns its id. No health checks: by default a
   * session is bound to the serfHealth of the node that created it (here the Consul server),
   * and a server restart can flap that check and invalidate the lock of an apply that is
   * alive and renewing. The TTL alone says whether the holder is alive.
   */
  async sessionCreate(name: string, ttlSeconds: number, lockDelaySeconds: number): Promise<string> {
    const res = await this.call("create session", () =>
      this.consul.session.create({ name, ttl: `${ttlSeconds}s`, lockdelay: `${lockDelaySeconds}s`, behavior: "release", checks: [] }),
    );
    return res.ID;
  }

  /** Renews a session; false when Consul no longer knows it (expired or destroyed). */
  async sessionRenew(id: string): Promise<boolean> {
    try {
      await this.call("renew session", () => this.consul.session.renew(id));
      return true;
    } catch (err) {
      if (err instanceof ConsulRequestError && err.statusCode === 404) return false;
      throw err;
    }
  }

  /**
   * Whether Consul knows the session, read in consistent mode: a leader answers that only
   * once it has caught up, unlike a renew sent to a leader that is still replaying its log.
   */
  async sessionExists(id: string): Promise<boolean> {
    // The package answers the session itself, or undefined when Consul lists none.
    return (await this.call("read session", () => this.consul.session.info(id))) != null;
  }

  async sessionDestroy(id: string): Promise<void> {
    await this.call("destroy session", () => this.consul.session.destroy(id));
  }

  /** Writes `key` only if the session can acquire it; true when it did. */
  async kvAcquire(key: string, value: string, session: string): Promise<boolean> {
    return this.call(`acquire ${key}`, () => this.consul.kv.set({ key, value, acquire: session }));
  }

  async kvRelease(key: string, session: string): Promise<void> {
    await this.call(`release ${key}`, () => this.consul.kv.set({ key, value: "", release: session }));
  }

  /** The key's value and the session holding it, if any. */
  async kvGetWithSession(key: string): Promise<{ value: string; session?: string } | undefined> {
    const item = (await this.call(`read key ${key}`, () => this.consul.kv.get(key))) as { Value: string | null; Session?: string } | null;
    return item ? { value: item.Value ?? "", session: item.Session || undefined } : undefined;
  }

  /**
   * Follows every check of the datacenter with blocking queries (the consul package's
   * watch): `onChange` gets the checks each time Consul's index moves. A failed query is
   * retried with backoff (Consul restarting) and reported to `onError`.
   */
  watchChecks(onChange: (checks: CheckState[]) => void, onError: (err: Error) => void, waitSeconds = 30): Watching {
    return this.follow(this.consul.health.state, { state: "any", wait: `${waitSeconds}s` }, (data) => {
      const list = (data ?? []) as Array<{ Node: string; CheckID: string; ServiceID: string; ServiceName: string; Status: CheckStatus; Output?: string }>;
      onChange(list.map((c) => ({ node: c.Node, checkId: c.CheckID, serviceId: c.ServiceID, serviceName: c.ServiceName, status: c.Status })));
    }, onError);
  }

  /** Follows one KV key with blocking queries: its value and holding session, or undefined while it does not exist. */
  watchKey(key: string, onChange: (item: { value: string; session?: string } | undefined) => void, onError: (err: Error) => void, waitSeconds = 30): Watching {
    return this.follow(this.consul.kv.get, { key, wait: `${waitSeconds}s` }, (data) => {
      const item = data as { Value: string | null; Session?: string } | undefined;
      onChange(item ? { value: item.Value ?? "", session: item.Session || undefined } : undefined);
    }, onError);
  }

  private follow(method: Function, options: Record<string, string>, onChange: (data: unknown) => void, onError: (err: Error) => void): Watching {
    const watch = this.consul.watch({ method, options, backoffFactor: BACKOFF_FIRST_MS, backoffMax: BACKOFF_MAX_MS });
    watch.on("change", (data: unknown) => onChange(data));
    watch.on("error", (err: Error) => onError(err));
    return { stop: () => watch.end() };
  }

  /** Fails fast (a few seconds, not retryForMs) when Consul has no reachable leader. */
  async ping(): Promise<void> {
    let leader: string;
    try {
      leader = await this.call("ask for the leader", () => this.consul.status.leader(), Math.min(this.config.retryForMs, 3_000));
    } catch (err) {
      throw new DcpError(`${(err as Error).message}. Set CONSUL_HTTP_ADDR to a running Consul agent.`);
    }
    if (!leader) throw new DcpError(`Consul at ${this.config.address} is unreachable: it answers but has no cluster leader`);
  }

  /** Closes keep-alive connections so a process can exit promptly. */
  close(): void {
    for (const agent of this.agents.values()) agent.close();
    this.agents.clear();
    this.consul.destroy();
  }

  private async call<T>(what: string, fn: () => Promise<T>, retryForMs = this.config.retryForMs): Promise<T> {
    const deadline = Date.now() + retryForMs;
    let delay = BACKOFF_FIRST_MS;
    for (;;) {
      try {
        const result = await fn();
        // The package's transaction.create RESOLVES with the error on a refused connection
        // instead of rejecting; a write that silently did not happen must not pass as done.
        if (isNativeError(result)) throw result;
        return result;
      } catch (err) {
        if (err instanceof DcpError) throw err;
        const status = statusOf(err);
        if (status !== undefined && status < 500) throw requestError(this.config.address, what, status, err);
        if (Date.now() + delay > deadline) {
          if (status !== undefined) throw requestError(this.config.address, what, status, err);
          throw new DcpError(`Consul at ${this.config.address} is unreachable: ${what} failed for ${Math.round(retryForMs / 1000)} s: ${describe(err)}`);
        }
        await sleep(delay * (0.5 + Math.random() / 2));
        delay = Math.min(delay * 2, BACKOFF_MAX_MS);
      }
    }
  }
}

/** A Consul answer with an HTTP status (after retries, for 5xx). */
export class ConsulRequestError extends DcpError {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

function requestError(address: string, what: string, status: number, err: unknown): ConsulRequestError {
  const hint = status === 403 ? " — the ACL token lacks permission; set CONSUL_HTTP_TOKEN to a token that has it" : "";
  return new ConsulRequestError(`Consul at ${address}: ${what} failed with HTTP ${status}: ${describe(err)}${hint}`, status);
}

function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: number; response?: { statusCode?: number } };
  return e?.response?.statusCode ?? e?.statusCode;
}

function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; response?: { body?: unknown } };
  const body = e?.response?.body;
  const detail = typeof body === "string" ? body.trim() : body && typeof body === "object" ? JSON.stringify(body) : "";
  const message = (e?.message ?? String(err)).replace(/^consul: /, "");
  return [message, e?.code && !message.includes(e.code) ? e.code : "", detail && detail !== message ? detail : ""].filter(Boolean).join(" ");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
