/**
 * One simulated host: what its Docker daemon holds (images, containers) and what its
 * Consul agent has registered. Container operations (create, start, stop, remove, pull)
 * run one at a time, each taking a latency drawn from the measured samples; reads answer
 * after their own latency without waiting for them. `busyMs` is the host's own serial work,
 * which no client can make shorter: the ideal an apply is judged against.
 *
 * A started container answers HTTP on its ports at the host's address (a plain socket
 * that says 200 to anything), so dcp's health probes reach it as they would a real one.
 */
import { createServer, Server } from "node:net";
import { CONTAINER_LABELS } from "../../model/host-metadata";
import { LatencyModel, SimCall } from "./latencies";

export interface SimContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  created: number;
  running: boolean;
  listeners: Server[];
}

export interface SimService {
  id: string;
  body: Record<string, unknown>;
}

const HEALTH_ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SimHost {
  readonly containers = new Map<string, SimContainer>();
  readonly images = new Set<string>();
  readonly services = new Map<string, SimService>();
  busyMs = 0;
  requests = 0;
  /** How late, in sum, this process got round to finishing operations after their end on the host's clock. */
  lateMs = 0;
  /** Time between the host's first and last operation with none to do: waiting for the client's next request. */
  idleMs = 0;
  /** When the host's first operation started and its last one ended, ms since the epoch (0: none yet). */
  firstAt = 0;
  lastEndAt = 0;
  private serial: Promise<unknown> = Promise.resolve();
  /** When the host's last accepted operation ends, on its own clock (performance.now()). */
  private freeAt = 0;
  private nextId = 1;

  constructor(
    readonly node: string,
    readonly ip: string,
    readonly meta: Record<string, string>,
    private readonly latency: LatencyModel,
  ) {}

  /** A read: answers after its latency, beside whatever operation runs. */
  async read<T>(call: SimCall, answer: () => T): Promise<T> {
    this.requests++;
    await sleep(this.latency.drawMs(call));
    return answer();
  }

  /**
   * A container operation: starts when the ones before it end, then takes its latency. The
   * host keeps its own clock: an operation ends at its start plus its latency even when this
   * process, sharing the cores with dcp, gets round to it late, as a real host's work does
   * not wait for the machine dcp runs on. The lateness is counted (`lateMs`), not carried
   * into the next operation.
   */
  operate<T>(call: SimCall, effect: () => T | Promise<T>): Promise<T> {
    this.requests++;
    const ms = this.latency.drawMs(call);
    this.busyMs += ms;
    const now = performance.now();
    if (this.freeAt > 0) this.idleMs += Math.max(0, now - this.freeAt);
    const endsAt = Math.max(now, this.freeAt) + ms;
    if (this.firstAt === 0) this.firstAt = performance.timeOrigin + now;
    this.lastEndAt = performance.timeOrigin + endsAt;
    this.freeAt = endsAt;
    const run = this.serial.then(async () => {
      await sleep(endsAt - performance.now());
      this.lateMs += Math.max(0, performance.now() - endsAt);
      return effect();
    });
    this.serial = run.catch(() => undefined);
    return run;
  }

  find(idOrName: string): SimContainer | undefined {
    const byName = this.containers.get(idOrName.replace(/^\//, ""));
    if (byName) return byName;
    for (const c of this.containers.values()) if (c.id === idOrName || (idOrName.length >= 12 && c.id.startsWith(idOrName))) return c;
    return undefined;
  }

  add(name: string, image: string, labels: Record<string, string>): SimContainer {
    const id = `${this.node.replace(/\W/g, "")}${(this.nextId++).toString(16)}`.padEnd(64, "0");
    const c: SimContainer = { id, name, image, labels, created: Math.floor(Date.now() / 1000), running: false, listeners: [] };
    this.containers.set(name, c);
    return c;
  }

  async start(c: SimContainer): Promise<void> {
    const ports = (c.labels[CONTAINER_LABELS.ports] ?? "").split(",").filter(Boolean).map(Number);
    c.listeners = await Promise.all(ports.map((port) => this.listen(port)));
    c.running = true;
  }

  async stop(c: SimContainer): Promise<void> {
    await Promise.all(c.listeners.map((l) => new Promise((resolve) => l.close(resolve))));
    c.listeners = [];
    c.running = false;
  }

  async remove(c: SimContainer): Promise<void> {
    await this.stop(c);
    this.containers.delete(c.name);
  }

  /** Forgets every container and service (between runs); images stay. */
  async reset(): Promise<void> {
    await Promise.all([...this.containers.values()].map((c) => this.stop(c)));
    this.containers.clear();
    this.services.clear();
    this.busyMs = 0;
    this.requests = 0;
    this.lateMs = 0;
    this.idleMs = 0;
    this.firstAt = 0;
    this.lastEndAt = 0;
    this.freeAt = 0;
  }

  private listen(port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => {
        socket.once("data", () => socket.end(HEALTH_ANSWER));
        socket.on("error", () => socket.destroy());
      });
      server.once("error", reject);
      server.listen(port, this.ip, () => resolve(server));
    });
  }
}
