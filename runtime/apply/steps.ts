/**
 * What each kind of change does to the fleet. Every step is idempotent: create reuses a
 * container of the same name, stop/remove/deregister accept "already gone", upstream
 * writes are a diff against what KV holds.
 */
import pLimit from "p-limit";
import { KV, SERVICE_META } from "../../model/host-metadata";
import { InventoryHost } from "../../model/inventory";
import { ConsulClient } from "../consul/client";
import { DiscoveryPublisher } from "../discovery/publisher";
import { UpstreamBatcher } from "../discovery/upstream-batcher";
import { cpuLimit, CpuScaling } from "../docker/cpu-limit";
import { DockerHosts } from "../docker/hosts";
import { assignmentValue } from "../inventory/read";
import { Change, RegisterChange } from "../plan/types";
import { waitHealthy } from "./health";
import { awaitTakeDown } from "./take-down";

/** The fleet as the steps reach it. */
export interface StepContext {
  consul: ConsulClient;
  publisher: DiscoveryPublisher;
  dockers: DockerHosts;
  hosts: Map<string, InventoryHost>;
  upstreams: UpstreamBatcher;
  /** Bounds Consul agent calls (register, deregister). */
  consulLimit: ReturnType<typeof pLimit>;
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
  const assignment = (node: string) => KV.assignment(ctx.consul.config.kvRoot, node);
  switch (change.kind) {
    case "assign-host":
      return ctx.consul.kvPut(assignment(change.node), assignmentValue(change.pools));
    case "unassign-host":
      if (change.pools.length > 0) return ctx.consul.kvPut(assignment(change.node), assignmentValue(change.pools));
      return ctx.consul.kvDelete(assignment(change.node));
    case "create":
      await docker().create(change, cpuLimit(change.resources.cpu, host!.capacity.cpu, ctx.cpu));
      return;
    case "start":
      return docker().start(change.containerName);
    case "wait-healthy":
      return waitHealthy(change, () => docker().running(change.containerName), ctx.dockerIdle, ctx.healthTimeoutMs);
    case "register":
      return ctx.consulLimit(() => register(change, ctx.publisher));
    case "publish-upstream":
      return ctx.upstreams.publish(change);
    case "unpublish-upstream":
      return ctx.upstreams.unpublish(change.upstream, change.server);
    case "drain":
      return ctx.consulLimit(() => ctx.publisher.deregisterContainer({ node: change.node, address: change.address }, change.serviceId));
    case "await-consumers":
      return awaitTakeDown(change, ctx.warnings);
    case "stop":
      return docker().stop(change.containerId, change.timeoutSeconds);
    case "remove":
      return docker().remove(change.containerId);
  }
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
