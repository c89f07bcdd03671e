/**
 * The benchmark's side of the simulation: loopback addresses and certificates for the
 * simulated hosts, a REAL Consul server of its own (KV, transactions, catalog, sessions),
 * and the simulated fleet's processes, with calls to them over IPC.
 */
import { ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { NODE_META } from "../../model/host-metadata";
import type { SimFleetConfig, SimHostSpec, SimReport, SimRequest } from "./fleet";

/** 127.<net>.0.1 is the Consul server; hosts are 127.<net+1>.<i / 250>.<i % 250 + 1>. */
export interface SimNetwork {
  /** Second octet of the simulation's loopback range. Default 200: 127.200.0.0/15. */
  octet: number;
}

export const SIM_DOCKER_PORT = 2376;
export const SIM_AGENT_PORT = 8500;
const ZONES = ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"];

/**
 * Simulated cloud hosts of one class, like an ESS group's instances: 20 cpu and 40 GiB hold
 * exactly 10 dP01, so 10,000 containers take every one of 1,000 hosts from the buffer.
 */
export function simHosts(count: number, net: SimNetwork = { octet: 200 }): SimHostSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const ip = `127.${net.octet + 1}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    return {
      node: `sim-h${i + 1}`,
      ip,
      meta: {
        [NODE_META.idc]: "aliyun-bj",
        [NODE_META.zone]: ZONES[i % ZONES.length],
        [NODE_META.fleet]: "bj-sim",
        [NODE_META.hostClassCpu]: "20",
        [NODE_META.hostClassMemoryMiB]: "40960",
        [NODE_META.cloud]: "true",
        [NODE_META.docker]: `tcp://${ip}:${SIM_DOCKER_PORT}`,
      },
    };
  });
}

/**
 * A CA, a certificate for each host's address (hosts/<ip>.pem, all with one key,
 * server-key.pem: a real host has a certificate for its own address only, and a single
 * certificate naming a thousand addresses would make every client check a thousand), and
 * the client certificate dcp uses (ca.pem, cert.pem, key.pem).
 */
function simCertificates(dir: string, ips: string[]): void {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...ec, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "30", "-subj", "/CN=dcp simulation CA");
  ssl("req", ...ec, "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=dcp simulated host");
  mkdirSync(join(dir, "hosts"));
  // One shell for all hosts: a thousand openssl runs, a few ms each.
  const script = ips
    .map((ip, i) => `printf 'subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n' > h.ext && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -set_serial ${i + 2} -days 30 -extfile h.ext -out hosts/${ip}.pem 2>/dev/null`)
    .join("\n");
  execFileSync("bash", ["-e"], { cwd: dir, input: script, stdio: ["pipe", "ignore", "ignore"] });
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  ssl("req", ...ec, "-keyout", "key.pem", "-out", "client.csr", "-subj", "/CN=dcp");
  ssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-set_serial", "1", "-out", "cert.pem", "-days", "30", "-extfile", "client.ext");
}

/**
 * Certificates for these hosts, made once and kept in the temporary dir for later runs
 * (a thousand openssl runs take a minute on a loaded machine); remade after a week.
 */
function simTlsDir(hosts: SimHostSpec[]): string {
  const ips = hosts.map((h) => h.ip);
  const dir = join(tmpdir(), `dcp-sim-tls-${createHash("sha256").update(ips.join(",")).digest("hex").slice(0, 12)}`);
  const made = join(dir, "made");
  if (existsSync(made) && Date.now() - statSync(made).mtimeMs < 7 * 86_400_000) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  simCertificates(dir, ips);
  writeFileSync(made, new Date().toISOString());
  return dir;
}

/** CPU (user + system) a process has used so far, in seconds (Linux: /proc/<pid>/stat, 100 ticks a second). */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU the whole machine has been busy so far, over all cores, in seconds (Linux: /proc/stat). */
export function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

export interface ConsulServer {
  address: string;
  /** The server's CPU so far (user + system), in seconds. */
  cpuSeconds: () => number;
  stop: () => Promise<void>;
}

/** A real Consul server (data dir, not -dev) on 127.<octet>.0.1; stopped by `stop()`. */
export async function startConsulServer(dir: string, net: SimNetwork = { octet: 200 }): Promise<ConsulServer> {
  const ip = `127.${net.octet}.0.1`;
  const child = spawn(
    "consul",
    ["agent", "-server", "-bootstrap-expect=1", "-node", "sim-consul", "-data-dir", join(dir, "consul"), "-bind", ip, "-client", ip, "-dns-port", "-1", "-log-level", "warn", "-hcl", "performance { raft_multiplier = 1 }"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const address = `http://${ip}:8500`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${address}/v1/kv/dcp/?consistent&keys`);
      if (res.status === 200 || res.status === 404) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the simulation's Consul server did not elect itself within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    address,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The simulated fleet's processes; hosts are split between them round-robin. */
export class SimFleet {
  private readonly children: ChildProcess[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  private constructor(readonly hosts: SimHostSpec[], readonly tlsDir: string) {}

  /** Starts `shards` processes serving `hosts` (certificates: see simTlsDir). */
  static async start(
    hosts: SimHostSpec[],
    options: { consulAddress: string; latencyFactor: number; image: string; shards: number; seed: number; hungNodes?: string[] },
  ): Promise<SimFleet> {
    const tlsDir = simTlsDir(hosts);
    const fleet = new SimFleet(hosts, tlsDir);
    const started = Promise.all(
      Array.from({ length: options.shards }, (_, shard) => {
        const config: SimFleetConfig = {
          hosts: hosts.filter((_, i) => i % options.shards === shard),
          tlsDir,
          consulAddress: options.consulAddress,
          latencyFactor: options.latencyFactor,
          seed: options.seed + shard,
          image: options.image,
          dockerPort: SIM_DOCKER_PORT,
          agentPort: SIM_AGENT_PORT,
          hungNodes: options.hungNodes,
          samplesSockets: shard === 0,
        };
        return fleet.fork(config);
      }),
    );
    try {
      await started;
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    return fleet;
  }

  private fork(config: SimFleetConfig): Promise<void> {
    // TypeScript through tsx, whether the parent runs under tsx (bench) or ts-jest (tests).
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    const child = fork(join(__dirname, "fleet.ts"), [JSON.stringify(config)], { execArgv: ["--import", tsx], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.children.push(child);
    return new Promise((resolve, reject) => {
      child.on("message", (msg: { id: number; result?: unknown; error?: string }) => {
        if (msg.id === 0) return resolve();
        const waiting = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) waiting?.reject(new Error(`simulated fleet: ${msg.error}`));
        else waiting?.resolve(msg.result);
      });
      child.once("exit", (code) => {
        const err = new Error(`simulated fleet process exited with ${code}`);
        reject(err);
        for (const waiting of this.pending.values()) waiting.reject(err);
        this.pending.clear();
      });
    });
  }

  private call(child: ChildProcess, op: SimRequest["op"]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, op } satisfies SimRequest);
    });
  }

  private all(op: SimRequest["op"]): Promise<unknown[]> {
    return Promise.all(this.children.map((c) => this.call(c, op)));
  }

  /** Registers every host in the catalog (node meta, serfHealth passing), as a joining agent would. */
  async join(): Promise<void> {
    await this.all("join");
  }

  /** Waits until every registration the agents answered has reached the catalog. */
  async synced(): Promise<void> {
    await this.all("synced");
  }

  async report(): Promise<SimReport> {
    const reports = (await this.all("report")) as SimReport[];
    return {
      hosts: reports.flatMap((r) => r.hosts),
      clientPeakSockets: Math.max(...reports.map((r) => r.clientPeakSockets)),
      catalogWrites: reports.reduce((s, r) => s + r.catalogWrites, 0),
      cpuSeconds: reports.reduce((s, r) => s + r.cpuSeconds, 0),
      peakRssMB: Math.max(...reports.map((r) => r.peakRssMB)),
    };
  }

  async reset(): Promise<void> {
    await this.all("reset");
  }

  async stop(): Promise<void> {
    await this.all("stop").catch(() => undefined);
    for (const child of this.children) {
      child.removeAllListeners("exit");
      child.kill("SIGTERM");
    }
  }
}
