/**
 * Identity of containers: the spec hash (what defines a container; a change means a
 * rolling update), stable instance ids and container names. Names are derived, never
 * stored, so a re-run after a crash finds what the killed run created.
 */
import { createHash } from "node:crypto";
import { PoolSpec } from "../../model/desired-state";

/** Stable JSON: object keys sorted, so the hash does not depend on key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What defines a pool's containers: image, type, env, command, ports and health check. Apply records it per spec hash, so `--abort` can return to it. */
export type DefiningSpec = Pick<PoolSpec, "image" | "containerType" | "env" | "command" | "ports" | "healthCheck">;

export function definingSpec(pool: DefiningSpec): DefiningSpec {
  return { image: pool.image, containerType: pool.containerType, env: pool.env, command: pool.command, ports: pool.ports, healthCheck: pool.healthCheck };
}

/** 12 hex digits over the defining spec. Replicas and upstream weight are not part of it: changing them must not restart containers. */
export function specHash(pool: PoolSpec | DefiningSpec): string {
  return createHash("sha256").update(stableJson(definingSpec(pool))).digest("hex").slice(0, 12);
}

/** `feed-api-00017`: index 17 of pool feed-api. */
export function instanceId(pool: string, index: number): string {
  return `${pool}-${String(index).padStart(5, "0")}`;
}

/** Index of an instance id of this pool, or undefined when it is not one. */
export function instanceIndex(pool: string, instance: string): number | undefined {
  const prefix = `${pool}-`;
  if (!instance.startsWith(prefix)) return undefined;
  const rest = instance.slice(prefix.length);
  return /^\d{5,}$/.test(rest) ? Number(rest) : undefined;
}

/** Docker container name and Consul service id. Two specs of one instance coexist during a rolling update. */
export function containerName(instance: string, hash: string): string {
  return `dcp-${instance}-${hash.slice(0, 8)}`;
}
