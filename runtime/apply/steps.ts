/**
 * What each kind of change does to the fleet. Every step is idempotent: create reuses a
 * container of the same name, stop/remove/deregister accept "already gone", upstream
 * writes are a diff against what KV holds.
 */
import { KV, SERVICE_META } from "../../model/host-metadata";
import { InventoryHost } from "../../model/inventory";
import { ConsulClient, KvOp } from "../consul/client";
import { DiscoveryPublisher } from "../discovery/publisher";
import { UpstreamBatcher } from "../discovery/upstream-batcher";
import { cpuLimit, CpuScaling } from "../docker/cpu-limit";
import { DockerHosts } from "../docker/hosts";
import { assignmentValue } from "../inventory/read";
import { AssignHostChange, Change, RegisterChange, UnassignHostChange } from "../plan/types";
import { waitHealthy } from "./health";
import { HostLimit } from "./limits";
import { awaitTakeDown } from "./take-down";

/** The fleet as the steps reach it. */
export interface StepContext {
  consul: ConsulClient;
  publisher: DiscoveryPublisher;
  dockers: DockerHosts;
  hosts: Map<string, InventoryHost>;
  upstreams: UpstreamBatcher;
  /** Calls to host agents (register, deregister), per agent and overall: every host registers at once. */
  agents: HostLimit;
  /** No Docker step is running or queued. */
  dockerIdle: () => boolean;
  healthTimeoutMs: number;
  cpu: CpuScaling;
  /** Take-downs whose consumers never confirmed: they went ahead at their bound. */
  warnings: string[];
}

/** Performs one change; Docker steps must hold a slot of their host (see chains.ts). */
export async function performChange(change: Change, ctx: StepContext): Promise<void> {
  const host = ctx.hosts.get(change.node);
  const docker = () => ctx.dockers.get(change.node, host!.dockerEndpoint);
  switch (change.kind) {
    case "assign-host":
    case "unassign-host":
      return assignHosts([change], ctx);
    case "create":
      await docker().create(change, cpuLimit(change.resources.cpu, host!.capacity.cpu, ctx.cpu));
      return;
    case "start":
      return docker().start(change.containerName);
    case "wait-healthy":
      return waitHealthy(change, () => docker().running(change.containerName), ctx.dockerIdle, ctx.healthTimeoutMs);
    case "register":
      return ctx.agents.run(change.node, () => register(change, ctx.publisher));
    case "publish-upstream":
      return ctx.upstreams.publish(change);
    case "unpublish-upstream":
      return ctx.upstreams.unpublish(change.upstream, change.server);
    case "drain":
      return ctx.agents.run(change.node, () => ctx.publisher.deregisterContainer({ node: change.node, address: change.address }, change.serviceId));
    case "await-consumers":
      return awaitTakeDown(change, ctx.warnings);
    case "stop":
      return docker().stop(change.containerId, change.timeoutSeconds);
    case "remove":
      return docker().remove(change.containerId);
  }
}

/**
 * Host changes (assign, unassign) have no order among them: their KV writes go together,
 * 64 per transaction, instead of one Raft write per host.
 */
export async function assignHosts(changes: Array<AssignHostChange | UnassignHostChange>, ctx: StepContext): Promise<void> {
  const root = ctx.consul.config.kvRoot;
  // A host unassigned from its last pool goes back to the buffer: no assignment at all.
  const ops: KvOp[] = changes.map((c) =>
    c.kind === "unassign-host" && c.pools.length === 0 ? { verb: "delete", key: KV.assignment(root, c.node) } : { verb: "set", key: KV.assignment(root, c.node), value: assignmentValue(c.pools) },
  );
  await ctx.consul.txn(ops);
}

/** The container as a catalog service on its host's agent, with the pool's health check. */
function register(change: RegisterChange, publisher: DiscoveryPublisher): Promise<void> {
  return publisher.registerContainer(
    { node: change.node, address: change.address },
    {
      serviceId: change.containerName,
      name: change.pool,
      port: change.port,
      tags: [],
      meta: { [SERVICE_META.pool]: change.pool, [SERVICE_META.instance]: change.instance, [SERVICE_META.specHash]: change.specHash },
      check: change.healthCheck && { ...change.healthCheck, initialStatus: change.healthVerified ? "passing" : undefined },
    },
  );
}
