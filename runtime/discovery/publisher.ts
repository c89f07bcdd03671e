/**
 * Publishes containers to their consumers: upstream entries in Consul KV for
 * nginx-upsync-module, and catalog services with an HTTP health check for DNS SRV consumers
 * (HAProxy server-template, RPC clients).
 *
 * A service is registered with the Consul agent ON ITS HOST, not with the server: the agent
 * runs the HTTP check from the host (so the check tests what consumers will reach), and if
 * the host dies its node's serfHealth turns critical, which takes the service out of DNS
 * answers at once.
 */
import { DcpError } from "../../model/errors";
import type { UpstreamEntry } from "../../model/inventory";
import { SERVICE_META } from "../../model/host-metadata";
import { CheckStatus, ConsulClient, ConsulRequestError, KvOp } from "../consul/client";
import { parseUpstreamKey, parseUpstreamValue, upstreamRoot } from "./upstreams";

export interface ContainerRegistration {
  serviceId: string;
  /** Catalog service name, e.g. the pool name ("feed-api" → feed-api.service.consul). */
  name: string;
  port: number;
  tags: string[];
  /** Must include dcp_pool, dcp_instance and dcp_spec_hash. */
  meta: Record<string, string>;
  /** HTTP check the host's agent runs against http://<host address>:<port><path>. */
  check?: { path: string; port: number; intervalSeconds: number; timeoutSeconds: number; initialStatus?: CheckStatus };
}

export interface PublisherHost {
  node: string;
  address: string;
}

const POLL_MS = 500;
/** How long a host's agent may be unreachable before deregistration goes through the server. */
const AGENT_GONE_AFTER_MS = 10_000;

export class DiscoveryPublisher {
  constructor(private readonly client: ConsulClient) {}

  /** Applies upstream KV operations (from diffUpstreams) in order, 64 per transaction. */
  async apply(ops: KvOp[]): Promise<void> {
    await this.client.txn(ops);
  }

  /**
   * Every upstream entry under the prefix, read as nginx-upsync-module reads it. Keys it would
   * skip (not `<upstream>/<ipv4>:<port>`) are left out, as they do not route traffic.
   */
  async readUpstreams(): Promise<UpstreamEntry[]> {
    const prefix = this.client.config.upstreamPrefix;
    const items = await this.client.kvList(upstreamRoot(prefix));
    const entries: UpstreamEntry[] = [];
    for (const { key, value } of items) {
      const k = parseUpstreamKey(prefix, key);
      if (!k) continue;
      const v = parseUpstreamValue(value);
      entries.push({ upstream: k.upstream, server: k.server, weight: v.weight, maxFails: v.maxFails, failTimeoutSeconds: v.failTimeoutSeconds, down: v.down, raw: value });
    }
    return entries;
  }

  async registerContainer(host: PublisherHost, reg: ContainerRegistration): Promise<void> {
    const missing = Object.values(SERVICE_META).filter((k) => !reg.meta[k]);
    if (missing.length) throw new DcpError(`service ${reg.serviceId}: meta ${missing.join(", ")} missing; dcp registrations carry pool, instance and spec hash`);
    if (!Number.isInteger(reg.port) || reg.port < 1 || reg.port > 65535) throw new DcpError(`service ${reg.serviceId}: port ${reg.port} is not a TCP port`);
    if (reg.check && !(reg.check.intervalSeconds > 0 && reg.check.timeoutSeconds > 0)) {
      throw new DcpError(`service ${reg.serviceId}: health check interval and timeout must be > 0 s (got ${reg.check.intervalSeconds} s and ${reg.check.timeoutSeconds} s)`);
    }
    await this.client.agentAt(host.address).registerService({
      serviceId: reg.serviceId,
      name: reg.name,
      address: host.address,
      port: reg.port,
      tags: reg.tags,
      meta: reg.meta,
      check: reg.check && {
        url: `http://${host.address}:${reg.check.port}${reg.check.path.startsWith("/") ? "" : "/"}${reg.check.path}`,
        intervalSeconds: reg.check.intervalSeconds,
        timeoutSeconds: reg.check.timeoutSeconds,
        initialStatus: reg.check.initialStatus,
      },
    });
  }

  /**
   * Idempotent: a service the host's agent no longer has counts as deregistered. When the
   * host's agent does not answer (host down), the service is removed from the catalog through
   * the server instead, so consumers stop resolving it without waiting for the host.
   */
  async deregisterContainer(host: PublisherHost, serviceId: string): Promise<void> {
    try {
      await this.client.agentAt(host.address).deregisterService(serviceId, Math.min(this.client.config.retryForMs, AGENT_GONE_AFTER_MS));
    } catch (err) {
      if (err instanceof ConsulRequestError) throw err; // the agent answered: a real refusal
      await this.client.catalogDeregister(host.node, serviceId);
    }
  }

  /**
   * Waits until every service has at least one check and all its checks pass, or the timeout
   * ends; returns the ids still not passing (empty: all passed).
   */
  async waitPassing(serviceIds: string[], timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let pending = [...new Set(serviceIds)];
    while (pending.length > 0) {
      const checks = await this.client.checks();
      const byService = new Map<string, string[]>();
      for (const c of checks) {
        if (c.serviceId) byService.set(c.serviceId, [...(byService.get(c.serviceId) ?? []), c.status]);
      }
      pending = pending.filter((id) => {
        const statuses = byService.get(id);
        return !statuses || statuses.some((s) => s !== "passing");
      });
      if (pending.length === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
    }
    return pending;
  }
}
