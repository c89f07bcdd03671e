/**
 * A simulated fleet's process (a child of the benchmark, so that its CPU and memory are
 * not counted as dcp's): for each of its hosts a Docker Engine API over TLS on
 * <host ip>:2376 and a Consul agent API on <host ip>:8500, on loopback addresses. The
 * parent sends requests over IPC: join (register the hosts in the real Consul catalog),
 * report (each host's serial work), synced (catalog caught up), reset, stop.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer as createHttp, Server } from "node:http";
import { createServer as createHttps } from "node:https";
import { join } from "node:path";
import pLimit from "p-limit";
import { agentApi, Catalog, synced } from "./agent-api";
import { dockerApi, send } from "./docker-api";
import { SimHost } from "./host";
import { LatencyModel, readLatencyFile } from "./latencies";

export interface SimHostSpec {
  node: string;
  ip: string;
  meta: Record<string, string>;
}

export interface SimFleetConfig {
  hosts: SimHostSpec[];
  /** ca.pem, server-key.pem and hosts/<ip>.pem, each host's certificate. */
  tlsDir: string;
  consulAddress: string;
  latencyFactor: number;
  seed: number;
  /** Present on every host at start, as on a host whose image was pulled at bootstrap. */
  image: string;
  dockerPort: number;
  agentPort: number;
  /** Hosts whose daemon takes requests and never answers (a hung dockerd), for fault tests. */
  hungNodes?: string[];
  /** This process samples the benchmark process's sockets (one of the fleet's processes does). */
  samplesSockets: boolean;
}

export type SimRequest = { id: number; op: "join" | "report" | "synced" | "reset" | "stop" };
export interface SimHostReport {
  node: string;
  busyMs: number;
  /** How late this process finished the host's operations, in sum (see SimHost.operate). */
  lateMs: number;
  /** Time the host waited for its client between its first and last operation (see SimHost.idleMs). */
  idleMs: number;
  /** When the host's first operation started and its last one ended, ms since the epoch. */
  firstAt: number;
  lastEndAt: number;
  requests: number;
  containers: number;
}
export interface SimReport {
  hosts: SimHostReport[];
  /** Most sockets the benchmark's process (dcp) had open at once since the last reset. */
  clientPeakSockets: number;
  catalogWrites: number;
  cpuSeconds: number;
  peakRssMB: number;
}

function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Sockets among these open file descriptors of a process (Linux: /proc/<pid>/fd). */
function sockets(pid: number, fds: string[]): number {
  let count = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) count++;
    } catch {
      // closed while we looked
    }
  }
  return count;
}

/**
 * Samples the sockets of the benchmark's process every 250 ms from here, so that the
 * sampling's own CPU is not counted as dcp's. Only one of the fleet's processes samples,
 * and it reads what each descriptor is only when the process has more descriptors than at
 * any sample before (nearly all of them are sockets; the rest stay few and steady): reading
 * all four thousand every time cost each process about 6 s of CPU in a 35 s run, which the
 * two cores then lacked.
 */
class SocketSampler {
  peak = 0;
  private peakDescriptors = 0;
  private readonly timer = setInterval(() => this.sample(process.ppid), 250);

  stop(): void {
    clearInterval(this.timer);
  }

  reset(): void {
    this.peak = 0;
    this.peakDescriptors = 0;
  }

  private sample(pid: number): void {
    const fds = readdirSync(`/proc/${pid}/fd`);
    if (fds.length <= this.peakDescriptors) return;
    this.peakDescriptors = fds.length;
    this.peak = Math.max(this.peak, sockets(pid, fds));
  }
}

function listen(server: Server, port: number, ip: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, ip, () => resolve());
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as SimFleetConfig;
  const latency = new LatencyModel(readLatencyFile(), config.latencyFactor, config.seed);
  const catalog = new Catalog(config.consulAddress);
  const ca = readFileSync(join(config.tlsDir, "ca.pem"));
  const key = readFileSync(join(config.tlsDir, "server-key.pem"));
  const hosts = config.hosts.map((h) => new SimHost(h.node, h.ip, h.meta, latency));
  const servers: Server[] = [];
  const sampler = config.samplesSockets ? new SocketSampler() : undefined;
  const fail = (res: import("node:http").ServerResponse) => (err: Error) => send(res, 500, { message: err.message });
  for (const host of hosts) {
    host.images.add(config.image);
    const hung = config.hungNodes?.includes(host.node);
    const cert = readFileSync(join(config.tlsDir, "hosts", `${host.ip}.pem`));
    const docker = createHttps({ ca, cert, key, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      if (!hung) void dockerApi(host, req, res).catch(fail(res));
    });
    const agent = createHttp((req, res) => void agentApi(host, catalog, req, res).catch(fail(res)));
    // dockerd and Consul (Go's http.Server without an idle timeout) keep idle connections open.
    docker.keepAliveTimeout = 0;
    agent.keepAliveTimeout = 0;
    await listen(docker, config.dockerPort, host.ip);
    await listen(agent, config.agentPort, host.ip);
    servers.push(docker, agent);
  }

  const handlers: Record<SimRequest["op"], () => Promise<unknown>> = {
    join: async () => {
      const limit = pLimit(16);
      await Promise.all(hosts.map((h) => limit(() => catalog.registerNode(h))));
    },
    report: async (): Promise<SimReport> => {
      const cpu = process.cpuUsage();
      return {
        hosts: hosts.map((h) => ({ node: h.node, busyMs: h.busyMs, lateMs: h.lateMs, idleMs: h.idleMs, firstAt: h.firstAt, lastEndAt: h.lastEndAt, requests: h.requests, containers: h.containers.size })),
        clientPeakSockets: sampler?.peak ?? 0,
        catalogWrites: catalog.writes,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssMB: peakRssMB(),
      };
    },
    synced: () => synced(hosts),
    reset: async () => {
      await Promise.all(hosts.map((h) => h.reset()));
      sampler?.reset();
    },
    stop: async () => {
      sampler?.stop();
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      catalog.close();
    },
  };
  process.on("message", (msg: SimRequest) => {
    handlers[msg.op]().then(
      (result) => process.send!({ id: msg.id, result }),
      (err: Error) => process.send!({ id: msg.id, error: err.message }),
    );
  });
  process.send!({ id: 0, result: "ready" });
}

main().catch((err) => {
  process.stderr.write(`sim fleet: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
