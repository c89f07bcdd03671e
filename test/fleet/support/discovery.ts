/**
 * Helpers of the discovery fleet tests: the test fleet, and small HTTP services started
 * with busybox httpd inside a test host's network namespace (so a Consul HTTP check on that
 * host's agent, and consumers on the bridge, reach a real server on the host's IP).
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalSite, readSite } from "../../../local-site";
import { ConsulClient, ConsulConfig, consulConfigFromEnv } from "../../../runtime/consul/client";

export function testFleet(): LocalSite {
  return readSite(process.env.DCP_TEST_FLEET ?? "dcptest");
}

/** A client of the test fleet's Consul, with its own KV root and upstream prefix so suites do not collide. */
export function testClient(fleet: LocalSite, suite: string, overrides: Partial<ConsulConfig> = {}): ConsulClient {
  return new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp, kvRoot: `test-${suite}`, upstreamPrefix: `test-${suite}-upstreams`, ...overrides }));
}

export interface HostHttpd {
  node: string;
  ip: string;
  port: number;
  /** Text of GET / : names the instance, so a consumer can tell which server answered. */
  body: string;
  stop(): Promise<void>;
}

/** Starts `busybox httpd` on <host ip>:<port> inside the host's namespace, serving / and /health. */
export async function startHostHttpd(fleet: LocalSite, node: string, port: number, instance: string): Promise<HostHttpd> {
  const host = fleet.hosts.find((h) => h.node === node);
  if (!host) throw new Error(`no host ${node} in fleet ${fleet.name}`);
  const dir = mkdtempSync(join(tmpdir(), `dcp-httpd-${instance}-`));
  mkdirSync(dir, { recursive: true });
  const body = `instance ${instance} on ${node}\n`;
  writeFileSync(join(dir, "index.html"), body);
  writeFileSync(join(dir, "health"), "ok\n");
  const child: ChildProcess = spawn("nsenter", [`--net=/var/run/netns/${host.netns}`, "busybox", "httpd", "-f", "-p", `${host.ip}:${port}`, "-h", dir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://${host.ip}:${port}/health`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`busybox httpd on ${node} exited: ${stderr}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`busybox httpd on ${url} did not answer within 10 s: ${stderr}`);
    await sleep(100);
  }
  return {
    node,
    ip: host.ip,
    port,
    body,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
