/**
 * The Docker driver: one host's daemon, reached over TLS with client certificates
 * (dockerode). It speaks in dcp terms — containers identified by their dcp labels and
 * names — and every operation is idempotent so that an apply can be re-run after a crash.
 */
import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { Socket } from "node:net";
import { createSecureContext, SecureContext } from "node:tls";
import { join } from "node:path";
import { inspect } from "node:util";
import Docker from "dockerode";
import { CONTAINER_LABELS } from "../../model/host-metadata";
import { DcpError } from "../../model/errors";
import { InventoryContainer } from "../../model/inventory";
import { CreateChange } from "../plan/types";
import { DaemonModem } from "./modem";

export interface DockerOptions {
  /** Dir with ca.pem, cert.pem, key.pem. Default: env DCP_TLS_DIR. */
  tlsDir?: string;
  /** Allow plain tcp:// to a non-loopback address. Default false. */
  insecureDocker?: boolean;
  /** Connection timeout per request, ms. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * Connections kept to one daemon (keep-alive, TLS): requests beyond it wait for one to be
   * free. Default DOCKER_SOCKETS_PER_HOST, the executor's per-host bound, so a thousand
   * hosts cost at most a few thousand sockets.
   */
  maxSockets?: number;
}

/** Default connections per daemon: as many as the executor has Docker steps in flight on one host by default. */
export const DOCKER_SOCKETS_PER_HOST = 4;

/**
 * How long a connection to a daemon stays open unused. The agent's `timeout` (the connect
 * timeout) would otherwise close it after 5 s idle, and one host's steps in an apply are
 * often further apart than that: a thousand hosts made up to a thousand TLS handshakes
 * more than the connections they needed (measured in the scale simulation). Short
 * enough that a long-lived controller does not hold every daemon's connections.
 */
const DOCKER_IDLE_MS = 60_000;

/** Keep-alive connections to one daemon, closed after DOCKER_IDLE_MS unused. */
class DaemonAgent extends Agent {
  keepSocketAlive(socket: Socket): boolean {
    // Node's typings say void; the agent keeps the socket only when this returns true.
    const kept = super.keepSocketAlive(socket) as unknown as boolean;
    socket.setTimeout(DOCKER_IDLE_MS);
    return kept;
  }
}

/**
 * Parsed once per dir. Without it every new connection parses the PEM files and the CA
 * again (tls.connect makes a context per call): about 6 ms of CPU per host, measured over
 * a thousand simulated hosts.
 */
const tlsCache = new Map<string, SecureContext>();

/** The client TLS context of a dir (ca.pem, cert.pem, key.pem), read once; names the first file that is missing. */
export function readTlsMaterial(tlsDir: string | undefined): SecureContext {
  if (!tlsDir) throw new DcpError("TLS material missing: DCP_TLS_DIR is not set; set it to a dir with ca.pem, cert.pem and key.pem");
  const cached = tlsCache.get(tlsDir);
  if (cached) return cached;
  const files = ["ca.pem", "cert.pem", "key.pem"].map((f) => join(tlsDir, f));
  for (const file of files) {
    if (!existsSync(file)) throw new DcpError(`TLS material missing: ${file} not found; set DCP_TLS_DIR`);
  }
  const [ca, cert, key] = files.map((f) => readFileSync(f));
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({ ca, cert, key });
  } catch (err) {
    throw new DcpError(`TLS material in ${tlsDir} is not usable (ca.pem and cert.pem must be PEM certificates, key.pem the key of cert.pem): ${(err as Error).message}`);
  }
  tlsCache.set(tlsDir, secureContext);
  return secureContext;
}

/**
 * docker-modem formats the options of each request it sends (streams: pull, events; see
 * modem.ts) with util.inspect(showHidden, depth: null) even when its debug output is off,
 * and the options carry the agent: walking its sockets and TLS state took 46 of 56 CPU-s
 * of an apply benchmark (--cpu-prof) when every request went that way. It formats as one
 * line.
 */
function shortInspect<T extends object>(value: T, text: string): T {
  return Object.defineProperty(value, inspect.custom, { value: () => text });
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

/** `tcp://10.0.0.5:2376` (TLS) or `unix:///var/run/docker.sock`. */
export function connectDocker(endpoint: string, options: DockerOptions = {}): Docker {
  const timeout = options.connectTimeoutMs ?? 5000;
  if (endpoint.startsWith("unix://")) return new Docker({ socketPath: endpoint.slice("unix://".length), timeout: 120_000 });
  const m = /^(?:tcp|https?):\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(endpoint);
  if (!m) throw new DcpError(`Docker endpoint "${endpoint}" is not tcp://host:port or unix:///path`);
  const [, host, port] = m;
  const tlsDir = options.tlsDir ?? process.env.DCP_TLS_DIR;
  if (!tlsDir) {
    if (isLoopback(host) || options.insecureDocker) return new Docker({ host, port: Number(port), protocol: "http", timeout: 120_000 });
    throw new DcpError(
      `TLS material missing for Docker at ${endpoint}: set DCP_TLS_DIR to a dir with ca.pem, cert.pem and key.pem (plain tcp:// is allowed only to loopback or with --insecure-docker)`,
    );
  }
  const secureContext = readTlsMaterial(tlsDir);
  // One keep-alive agent per daemon: a TLS handshake per request would cost more than the
  // request. It gets the parsed context only, and docker-modem none of the PEM files:
  // https.Agent names its connection pool after each request's ca, cert and key, a
  // 1.4 KB string built anew for every request.
  const agent = new DaemonAgent({ secureContext, keepAlive: true, maxSockets: options.maxSockets ?? DOCKER_SOCKETS_PER_HOST, timeout });
  shortInspect(agent, `[docker agent ${host}:${port}]`);
  return new Docker({ modem: new DaemonModem({ host, port: Number(port), agent, timeoutMs: 120_000 }) } as Docker.DockerOptions);
}

/** A container as dcp sees it, before health (which comes from Consul) is known. */
export type DaemonContainer = Omit<InventoryContainer, "health">;

const PORTS_LABEL = CONTAINER_LABELS.ports;

/** A keep-alive connection the daemon closed under us: the request never reached it, so it is safe to send again. */
function isConnectionReset(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "ECONNRESET" || e.code === "EPIPE" || /socket hang up/.test(e.message ?? "");
}

async function retryReset<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 3 || !isConnectionReset(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** Splits `registry:5000/dcp/demo:1` into registry and repository for error messages. */
function registryOf(image: string): string {
  const first = image.split("/")[0];
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

export class HostDocker {
  readonly docker: Docker;

  constructor(readonly node: string, readonly endpoint: string, options: DockerOptions = {}) {
    this.docker = connectDocker(endpoint, options);
  }

  /** Closes the connections kept to the daemon. */
  close(): void {
    (this.docker.modem as unknown as { agent?: Agent }).agent?.destroy();
  }

  /** Fails within `timeoutMs` when the daemon does not answer, so a dead host cannot hang a read. */
  async ping(timeoutMs: number): Promise<void> {
    await withTimeout(this.docker.ping(), timeoutMs, `Docker daemon of ${this.node} at ${this.endpoint} did not answer within ${timeoutMs} ms`);
  }

  async cpus(): Promise<number> {
    return (await this.docker.info()).NCPU as number;
  }

  async listDcpContainers(timeoutMs: number): Promise<DaemonContainer[]> {
    const list = await withTimeout(
      retryReset(() => this.docker.listContainers({ all: true, filters: { label: [`${CONTAINER_LABELS.managed}=true`] } })),
      timeoutMs,
      `Docker daemon of ${this.node} at ${this.endpoint} did not answer within ${timeoutMs} ms`,
    );
    return list.map((c) => {
      const labels = c.Labels ?? {};
      return {
        id: c.Id,
        name: (c.Names?.[0] ?? "").replace(/^\//, ""),
        pool: labels[CONTAINER_LABELS.pool] ?? "",
        specHash: labels[CONTAINER_LABELS.specHash] ?? "",
        instance: labels[CONTAINER_LABELS.instance] ?? "",
        image: c.Image,
        running: c.State === "running",
        resources: { cpu: Number(labels[CONTAINER_LABELS.cpu] ?? 0), memoryMiB: Number(labels[CONTAINER_LABELS.memoryMiB] ?? 0) },
        ports: (labels[PORTS_LABEL] ?? "").split(",").filter(Boolean).map(Number),
        createdAt: new Date(c.Created * 1000).toISOString(),
      };
    });
  }

  /** Pulls the image unless the daemon has it; a missing image is a DcpError naming the registry. */
  async ensureImage(image: string): Promise<void> {
    try {
      await retryReset(() => this.docker.getImage(image).inspect());
      return;
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
    try {
      const stream = await this.docker.pull(image);
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (e: Error | null, events: Array<{ error?: string }>) => {
          const failed = events?.find((ev) => ev.error);
          if (e || failed) reject(e ?? new Error(failed!.error));
          else resolve();
        });
      });
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (/not found|manifest unknown|404|does not exist/i.test(message)) {
        throw new DcpError(`image ${image} not found in registry ${registryOf(image)} (pull on ${this.node}: ${message.trim()})`);
      }
      throw new DcpError(`pulling image ${image} on ${this.node} failed: ${message.trim()}`);
    }
  }

  /**
   * Creates the container with `cpuLimit` CPUs (see cpu-limit.ts); one that exists under this
   * name already (a re-run after a crash) is reused. Returns its id.
   */
  async create(change: CreateChange, cpuLimit: number): Promise<string> {
    const env = [
      ...Object.entries(change.env).map(([k, v]) => `${k}=${v}`),
      ...(change.ports.length > 0 ? [`PORT=${change.ports[0].port}`] : []),
      ...change.ports.map((p) => `PORT_${p.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}=${p.port}`),
      `DCP_POOL=${change.pool}`,
      `DCP_INSTANCE=${change.instance}`,
    ];
    const spec: Docker.ContainerCreateOptions = {
      name: change.containerName,
      Image: change.image,
      Env: env,
      Cmd: change.command,
      Labels: {
        [CONTAINER_LABELS.managed]: "true",
        [CONTAINER_LABELS.pool]: change.pool,
        [CONTAINER_LABELS.specHash]: change.specHash,
        [CONTAINER_LABELS.instance]: change.instance,
        [CONTAINER_LABELS.ports]: change.ports.map((p) => p.port).join(","),
        [CONTAINER_LABELS.cpu]: String(change.resources.cpu),
        [CONTAINER_LABELS.memoryMiB]: String(change.resources.memoryMiB),
      },
      HostConfig: {
        NetworkMode: "host",
        Privileged: false,
        SecurityOpt: ["no-new-privileges"],
        NanoCpus: Math.round(cpuLimit * 1e9),
        Memory: change.resources.memoryMiB * 1024 * 1024,
        RestartPolicy: { Name: "unless-stopped" },
      },
    };
    try {
      return (await retryReset(() => this.docker.createContainer(spec))).id;
    } catch (err) {
      if (statusCode(err) === 409) {
        // Created by a killed run, or by a request that timed out after the daemon acted.
        const id = await this.inspect(change.containerName);
        if (id) return id;
      }
      if (statusCode(err) === 404) {
        await this.ensureImage(change.image);
        return (await this.docker.createContainer(spec)).id;
      }
      throw err;
    }
  }

  /** Container id by name, or undefined when there is none. */
  async inspect(name: string): Promise<string | undefined> {
    try {
      return (await retryReset(() => this.docker.getContainer(name).inspect())).Id;
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async running(name: string): Promise<boolean> {
    try {
      return (await retryReset(() => this.docker.getContainer(name).inspect())).State.Running;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /** Already running (304) is success. */
  async start(name: string): Promise<void> {
    try {
      await retryReset(() => this.docker.getContainer(name).start());
    } catch (err) {
      if (statusCode(err) !== 304) throw err;
    }
  }

  /** Already stopped (304) or gone (404) is success. */
  async stop(nameOrId: string, timeoutSeconds: number): Promise<void> {
    try {
      await retryReset(() => this.docker.getContainer(nameOrId).stop({ t: timeoutSeconds }));
    } catch (err) {
      if (statusCode(err) !== 304 && statusCode(err) !== 404) throw err;
    }
  }

  /** Already gone (404) is success; a removal in progress (409) too. */
  async remove(nameOrId: string): Promise<void> {
    try {
      await retryReset(() => this.docker.getContainer(nameOrId).remove({ force: true }));
    } catch (err) {
      if (statusCode(err) !== 404 && statusCode(err) !== 409) throw err;
    }
  }
}

/** A container event of the daemon (die, oom, start, destroy …) for a dcp container. */
export interface ContainerEvent {
  action: string;
  containerId: string;
  name: string;
  pool: string;
  instance: string;
  /** Seconds since the epoch, as the daemon stamps it. */
  time: number;
}

/**
 * Follows the daemon's container events for dcp containers (the events API, filtered by
 * the managed label) until stop(); the stream ending or failing is reported once to
 * `onEnd`, and the caller follows again when it wants to.
 */
export async function followContainerEvents(docker: Docker, onEvent: (e: ContainerEvent) => void, onEnd: (err?: Error) => void): Promise<{ stop(): void }> {
  const stream = (await docker.getEvents({ filters: { type: ["container"], label: [`${CONTAINER_LABELS.managed}=true`] } })) as NodeJS.ReadableStream & { destroy(): void };
  let buffer = "";
  let ended = false;
  const end = (err?: Error) => {
    if (ended) return;
    ended = true;
    onEnd(err);
  };
  stream.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line) continue;
      try {
        const e = JSON.parse(line) as { Action?: string; id?: string; time?: number; Actor?: { Attributes?: Record<string, string> } };
        const attributes = e.Actor?.Attributes ?? {};
        onEvent({ action: e.Action ?? "", containerId: e.id ?? "", name: attributes.name ?? "", pool: attributes[CONTAINER_LABELS.pool] ?? "", instance: attributes[CONTAINER_LABELS.instance] ?? "", time: e.time ?? 0 });
      } catch {
        // A partial or foreign line: skip it; the next pass reads the daemon anyway.
      }
    }
  });
  stream.on("end", () => end());
  stream.on("error", (err: Error) => end(err));
  return {
    stop: () => {
      ended = true;
      stream.destroy();
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DcpError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
