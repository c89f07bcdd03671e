/**
 * The simulated Consul agent of one host: service register and deregister, and agent self,
 * the calls dcp makes on a host's agent. Like a real agent it answers once its local state
 * has the change and syncs the catalog afterwards (anti-entropy), one change at a time per
 * host, through the REAL Consul server's catalog API. It does not run health checks: the
 * check is written with the status the registration gives (dcp registers a service after
 * it has verified its health, with status passing).
 */
import { Agent, IncomingMessage, request, ServerResponse } from "node:http";
import { readBody, send } from "./docker-api";
import { SimHost } from "./host";

interface ServiceBody {
  ID?: string;
  Name: string;
  Address?: string;
  Port?: number;
  Tags?: string[];
  Meta?: Record<string, string>;
  Check?: { HTTP?: string; Interval?: string; Timeout?: string; Status?: string };
}

/** The catalog API of the real Consul server, reached over keep-alive connections. */
export class Catalog {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });
  private readonly url: URL;
  writes = 0;

  constructor(address: string) {
    this.url = new URL(address);
  }

  put(path: string, body: unknown): Promise<void> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.url.hostname, port: this.url.port, path, method: "PUT", agent: this.agent, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`catalog ${path}: HTTP ${res.statusCode} ${Buffer.concat(chunks)}`))));
        },
      );
      req.on("error", reject);
      req.end(text);
      this.writes++;
    });
  }

  /** The host as its agent registers it when it joins, with the serfHealth check the servers add for a live member. */
  registerNode(host: SimHost): Promise<void> {
    return this.put("/v1/catalog/register", {
      Node: host.node,
      Address: host.ip,
      NodeMeta: host.meta,
      Check: { Node: host.node, CheckID: "serfHealth", Name: "Serf Health Status", Status: "passing" },
    });
  }

  deregisterNode(node: string): Promise<void> {
    return this.put("/v1/catalog/deregister", { Node: node });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Changes waiting to reach the catalog, per host, in order. */
const syncQueues = new WeakMap<SimHost, Promise<void>>();

function sync(host: SimHost, write: () => Promise<void>): void {
  const next = (syncQueues.get(host) ?? Promise.resolve()).then(write).catch((err: Error) => {
    process.stderr.write(`sim agent ${host.node}: catalog sync failed: ${err.message}\n`);
  });
  syncQueues.set(host, next);
}

/** Resolves when every host's catalog sync has caught up. */
export async function synced(hosts: SimHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => syncQueues.get(h)));
}

function catalogService(host: SimHost, s: ServiceBody) {
  const id = s.ID ?? s.Name;
  return {
    Node: host.node,
    Address: host.ip,
    NodeMeta: host.meta,
    Service: { ID: id, Service: s.Name, Address: s.Address ?? "", Port: s.Port ?? 0, Tags: s.Tags ?? [], Meta: s.Meta ?? {} },
    ...(s.Check && { Check: { Node: host.node, CheckID: `service:${id}`, Name: `Service '${s.Name}' check`, Status: s.Check.Status ?? "critical", ServiceID: id } }),
  };
}

export async function agentApi(host: SimHost, catalog: Catalog, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sim");
  const method = req.method ?? "GET";
  if (url.pathname === "/v1/agent/service/register" && method === "PUT") {
    const body = JSON.parse(await readBody(req)) as ServiceBody;
    const id = body.ID ?? body.Name;
    await host.read("register", () => host.services.set(id, { id, body: body as unknown as Record<string, unknown> }));
    sync(host, () => catalog.put("/v1/catalog/register", catalogService(host, body)));
    return send(res, 200, "");
  }
  const dereg = /^\/v1\/agent\/service\/deregister\/(.+)$/.exec(url.pathname);
  if (dereg && method === "PUT") {
    const id = decodeURIComponent(dereg[1]);
    const known = await host.read("deregister", () => host.services.delete(id));
    if (!known) return send(res, 404, `Unknown service "${id}"`);
    sync(host, () => catalog.put("/v1/catalog/deregister", { Node: host.node, ServiceID: id }));
    return send(res, 200, "");
  }
  if (url.pathname === "/v1/agent/self" && method === "GET") {
    return send(res, 200, await host.read("ping", () => ({ Config: { NodeName: host.node, NodeID: "" }, Meta: host.meta })));
  }
  send(res, 404, `the simulation does not implement ${method} ${url.pathname}`);
}
