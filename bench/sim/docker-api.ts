/**
 * The simulated Docker Engine API of one host: only the calls dcp makes (ping, info,
 * container list/create/inspect/start/stop/remove, image inspect and pull), with the status
 * codes dockerode expects from a real daemon (201, 204, 304, 404, 409).
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { SimHost } from "./host";

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function send(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain" : "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const notFound = (res: ServerResponse, what: string) => send(res, 404, { message: `No such ${what}` });

/** `label` filters as the Engine reads them: "key" or "key=value", all must match. */
function labelsMatch(labels: Record<string, string>, filters: string | null): boolean {
  if (!filters) return true;
  const wanted = ((JSON.parse(filters) as { label?: string[] }).label ?? []).map((f) => f.split("="));
  return wanted.every(([k, v]) => (v === undefined ? k in labels : labels[k] === v));
}

async function containerRoute(host: SimHost, method: string, id: string, action: string, res: ServerResponse): Promise<void> {
  const found = () => host.find(decodeURIComponent(id));
  if (method === "GET" && action === "json") {
    const c = await host.read("inspect", found);
    if (!c) return notFound(res, `container: ${id}`);
    return send(res, 200, { Id: c.id, Name: `/${c.name}`, Image: c.image, State: { Running: c.running, Status: c.running ? "running" : "created" }, Config: { Labels: c.labels } });
  }
  if (method === "POST" && action === "start") {
    const status = await host.operate("start", async () => {
      const c = found();
      if (!c) return 404;
      if (c.running) return 304;
      await host.start(c);
      return 204;
    });
    return status === 404 ? notFound(res, `container: ${id}`) : send(res, status);
  }
  if (method === "POST" && action === "stop") {
    const status = await host.operate("stop", async () => {
      const c = found();
      if (!c) return 404;
      if (!c.running) return 304;
      await host.stop(c);
      return 204;
    });
    return status === 404 ? notFound(res, `container: ${id}`) : send(res, status);
  }
  if (method === "DELETE" && action === "") {
    const gone = await host.operate("remove", async () => {
      const c = found();
      if (c) await host.remove(c);
      return !c;
    });
    return gone ? notFound(res, `container: ${id}`) : send(res, 204);
  }
  send(res, 404, { message: `the simulation does not implement ${method} /containers/${id}/${action}` });
}

async function createContainer(host: SimHost, url: URL, body: string, res: ServerResponse): Promise<void> {
  const spec = JSON.parse(body) as { Image: string; Labels?: Record<string, string> };
  const name = url.searchParams.get("name") ?? "";
  const outcome = await host.operate("create", () => {
    if (!host.images.has(spec.Image)) return { status: 404, body: { message: `No such image: ${spec.Image}` } };
    if (host.containers.has(name)) return { status: 409, body: { message: `Conflict. The container name "/${name}" is already in use` } };
    return { status: 201, body: { Id: host.add(name, spec.Image, spec.Labels ?? {}).id, Warnings: [] } };
  });
  send(res, outcome.status, outcome.body);
}

function listContainers(host: SimHost, url: URL) {
  const all = url.searchParams.get("all") === "true" || url.searchParams.get("all") === "1";
  return [...host.containers.values()]
    .filter((c) => (all || c.running) && labelsMatch(c.labels, url.searchParams.get("filters")))
    .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Image: c.image, Labels: c.labels, State: c.running ? "running" : "created", Created: c.created }));
}

/** Image name from `fromImage` and `tag` as docker pull sends them. */
function pulledImage(url: URL): string {
  const from = url.searchParams.get("fromImage") ?? "";
  const tag = url.searchParams.get("tag");
  return tag && !from.endsWith(`:${tag}`) ? `${from}:${tag}` : from;
}

export async function dockerApi(host: SimHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sim");
  const path = url.pathname.replace(/^\/v\d+\.\d+/, "");
  const method = req.method ?? "GET";
  const body = method === "POST" ? await readBody(req) : "";
  if (path === "/_ping") return send(res, 200, await host.read("ping", () => "OK"));
  if (path === "/info") return send(res, 200, await host.read("ping", () => ({ NCPU: Number(host.meta.dcp_cpu ?? 0), Name: host.node })));
  if (path === "/containers/json") return send(res, 200, await host.read("list", () => listContainers(host, url)));
  if (path === "/containers/create" && method === "POST") return createContainer(host, url, body, res);
  const image = /^\/images\/(.+)\/json$/.exec(path);
  if (image && method === "GET") {
    const present = await host.read("imageInspect", () => host.images.has(decodeURIComponent(image[1])));
    return present ? send(res, 200, { Id: `sha256:${"0".repeat(64)}`, RepoTags: [decodeURIComponent(image[1])] }) : notFound(res, `image: ${image[1]}`);
  }
  if (path === "/images/create" && method === "POST") {
    // A pull as a container operation of its own: the sim's images are small, like the demo image.
    await host.operate("create", () => host.images.add(pulledImage(url)));
    return send(res, 200, `${JSON.stringify({ status: "Pulling from simulation" })}\n${JSON.stringify({ status: "Download complete" })}\n`);
  }
  const container = /^\/containers\/([^/]+)\/?([a-z]*)$/.exec(path);
  if (container) return containerRoute(host, method, container[1], container[2], res);
  send(res, 404, { message: `the simulation does not implement ${method} ${path}` });
}
