/**
 * Upstream entries in Consul KV, in the format nginx-upsync-module reads (pure; no I/O):
 *
 *   <prefix>/<upstream>/<ipv4>:<port>  →  {"weight":16,"max_fails":2,"fail_timeout":10,"down":0}
 *
 * What the module does with these keys decides the rules here:
 * - the key's last segment must be a literal IPv4:port; a host name is skipped;
 * - a value that is not JSON is logged and the server is used with defaults (weight 1,
 *   max_fails 2, fail_timeout 10, down 0), so a typo silently becomes weight 1 — values are
 *   written strictly (upstreamValue, model/upstreams.ts) and read back here with the
 *   module's own leniency to spot that;
 * - values are decoded into a 1 KB buffer;
 * - an upstream cannot be emptied through KV (deleting its last key leaves nginx sending to
 *   that server), so the last entry is marked down instead of deleted.
 */
import { DcpError } from "../../model/errors";
import { DEFAULT_UPSTREAM_PREFIX } from "../../model/host-metadata";
import type { UpstreamEntry } from "../../model/inventory";
import type { KvOp } from "../consul/client";
import { UpstreamServerParams, upstreamValue } from "../../model/upstreams";

/** nginx-upsync-module decodes a value into a buffer of this many bytes (NUL included). */
export const UPSTREAM_VALUE_MAX_BYTES = 1024;

/** The module's defaults for fields that are missing or invalid. */
export const UPSTREAM_DEFAULTS = { weight: 1, maxFails: 2, failTimeoutSeconds: 10, down: false } as const;

const IPV4_PORT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;
/** nginx upstream names; also keeps the name a single KV path segment. */
const UPSTREAM_NAME = /^[A-Za-z0-9_.-]+$/;

/** True when `server` is a literal `a.b.c.d:port` that nginx-upsync-module accepts. */
export function isUpstreamServer(server: string): boolean {
  const m = IPV4_PORT.exec(server);
  if (!m) return false;
  const octetsOk = m.slice(1, 5).every((o) => Number(o) <= 255 && (o === "0" || !o.startsWith("0")));
  const port = Number(m[5]);
  return octetsOk && port >= 1 && port <= 65535 && !m[5].startsWith("0");
}

function checkUpstreamName(upstream: string): void {
  if (!UPSTREAM_NAME.test(upstream)) {
    throw new DcpError(`upstream name "${upstream}" must use only letters, digits, "_", "." and "-" (it is an nginx upstream name and one KV path segment)`);
  }
}

function trimPrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, "");
  if (!p) throw new DcpError(`upstream KV prefix "${prefix}" is empty; use e.g. "upstreams"`);
  return p;
}

/** The folder holding every upstream, with the trailing slash. */
export function upstreamRoot(prefix: string): string {
  return trimPrefix(prefix) + "/";
}

/** The folder a consumer follows, WITH the trailing slash (without it `feed` also matches `feed2`). */
export function upstreamFolder(prefix: string, upstream: string): string {
  checkUpstreamName(upstream);
  return `${upstreamRoot(prefix)}${upstream}/`;
}

export function upstreamKey(prefix: string, upstream: string, server: string): string {
  if (!isUpstreamServer(server)) {
    throw new DcpError(
      `upstream ${upstream}: server "${server}" is not a literal IPv4:port; nginx-upsync-module would skip it (register the container's IP address, not a host name)`,
    );
  }
  return upstreamFolder(prefix, upstream) + server;
}

/** Splits `<prefix>/<upstream>/<server>`; undefined for keys nginx-upsync-module would not use. */
export function parseUpstreamKey(prefix: string, key: string): { upstream: string; server: string } | undefined {
  const folder = upstreamRoot(prefix);
  if (!key.startsWith(folder)) return undefined;
  const rest = key.slice(folder.length).split("/");
  if (rest.length !== 2 || !UPSTREAM_NAME.test(rest[0]) || !isUpstreamServer(rest[1])) return undefined;
  return { upstream: rest[0], server: rest[1] };
}

export interface ParsedUpstreamValue extends UpstreamServerParams {
  /** Empty when the value is exactly what dcp writes; otherwise what is wrong and what nginx does about it. */
  problems: string[];
}

/**
 * Reads a value the way nginx-upsync-module does (same defaults, same leniency) and lists
 * every way it departs from the strict format, so a hand edit or a typo is visible.
 */
export function parseUpstreamValue(raw: string): ParsedUpstreamValue {
  const result: ParsedUpstreamValue = { ...UPSTREAM_DEFAULTS, problems: [] };
  const usesDefaults = "nginx-upsync-module uses weight 1, max_fails 2, fail_timeout 10, down 0";
  if (Buffer.byteLength(raw, "utf8") >= UPSTREAM_VALUE_MAX_BYTES) {
    result.problems.push(`value is ${Buffer.byteLength(raw, "utf8")} bytes; nginx-upsync-module decodes values into a ${UPSTREAM_VALUE_MAX_BYTES}-byte buffer`);
    return result;
  }
  if (raw === "") {
    result.problems.push(`value is empty; ${usesDefaults}`);
    return result;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    result.problems.push(`value is not JSON; ${usesDefaults}`);
    return result;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    result.problems.push(`value is not a JSON object; ${usesDefaults}`);
    return result;
  }
  const obj = json as Record<string, unknown>;

  const intField = (name: string, min: number, fallback: number): number => {
    if (!(name in obj)) return fallback;
    const v = obj[name];
    let n: number;
    if (typeof v === "number") {
      if (!Number.isInteger(v)) result.problems.push(`"${name}" is ${v}, not an integer; nginx-upsync-module truncates it`);
      n = Math.trunc(v);
    } else if (typeof v === "string") {
      // The module reads strings with ngx_atoi: digits only, anything else is an error (-1).
      n = /^\d+$/.test(v) ? Number(v) : -1;
      result.problems.push(`"${name}" is the string ${JSON.stringify(v)}, not a number`);
    } else {
      result.problems.push(`"${name}" is ${JSON.stringify(v)}, not a number; nginx-upsync-module ignores it and uses ${fallback}`);
      return fallback;
    }
    if (n < min) {
      result.problems.push(`"${name}" is ${JSON.stringify(v)}, below ${min}; nginx-upsync-module uses ${fallback}`);
      return fallback;
    }
    return n;
  };
  result.weight = intField("weight", 1, UPSTREAM_DEFAULTS.weight);
  result.maxFails = intField("max_fails", 0, UPSTREAM_DEFAULTS.maxFails);
  result.failTimeoutSeconds = intField("fail_timeout", 0, UPSTREAM_DEFAULTS.failTimeoutSeconds);

  if ("down" in obj) {
    const v = obj.down;
    // The module reads down as a JSON number (or a digit string); true/false are not numbers to it.
    const n = typeof v === "number" ? Math.trunc(v) : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
    if (n === 0 || n === 1) {
      result.down = n === 1;
      if (typeof v !== "number") result.problems.push(`"down" is the string ${JSON.stringify(v)}, not 0 or 1`);
    } else {
      result.problems.push(`"down" is ${JSON.stringify(v)}; nginx-upsync-module accepts only 0 or 1 and uses 0 (server up)`);
    }
  }

  for (const k of Object.keys(obj)) {
    if (!["weight", "max_fails", "fail_timeout", "down", "backup"].includes(k)) {
      result.problems.push(`unknown field "${k}" (nginx-upsync-module ignores it)`);
    }
  }
  if (result.problems.length === 0 && raw !== upstreamValue(result)) {
    result.problems.push(`value is valid but not in dcp's canonical form ${upstreamValue(result)}`);
  }
  return result;
}

/**
 * The KV operations that turn `live` into `desired`.
 *
 * - An entry whose stored value already equals the desired value is left alone.
 * - An upstream with no desired servers keeps ONE live entry, marked `"down":1` (an entry
 *   already down is preferred, so repeated runs change nothing); nginx-upsync-module cannot
 *   empty an upstream, and a deleted last key would keep receiving traffic.
 * - An upstream whose only entry is a down placeholder and that gets a real server has the
 *   placeholder deleted like any other stale entry.
 * - All sets come before all deletes, so no prefix of the list (e.g. one 64-operation
 *   transaction) ever leaves an upstream with fewer servers than it ends with.
 */
export function diffUpstreams(desired: UpstreamEntry[], live: UpstreamEntry[], prefix: string = DEFAULT_UPSTREAM_PREFIX): KvOp[] {
  const desiredBy = groupByUpstream(desired, "desired");
  const liveBy = groupByUpstream(live, "live");
  const sets: KvOp[] = [];
  const deletes: KvOp[] = [];
  const upstreams = [...new Set([...desiredBy.keys(), ...liveBy.keys()])].sort();
  for (const upstream of upstreams) {
    const want = desiredBy.get(upstream) ?? new Map<string, UpstreamEntry>();
    const have = liveBy.get(upstream) ?? new Map<string, UpstreamEntry>();
    for (const [server, entry] of want) {
      const value = upstreamValue(entry);
      if (have.get(server)?.raw !== value) sets.push({ verb: "set", key: upstreamKey(prefix, upstream, server), value });
    }
    const stale = [...have.values()].filter((e) => !want.has(e.server));
    if (want.size === 0 && stale.length > 0) {
      const keep = stale.find((e) => e.down) ?? stale[0];
      const value = upstreamValue({ ...keep, down: true });
      if (keep.raw !== value) sets.push({ verb: "set", key: upstreamKey(prefix, upstream, keep.server), value });
      stale.splice(stale.indexOf(keep), 1);
    }
    for (const e of stale) deletes.push({ verb: "delete", key: upstreamKey(prefix, upstream, e.server) });
  }
  return [...sets, ...deletes];
}

function groupByUpstream(entries: UpstreamEntry[], what: string): Map<string, Map<string, UpstreamEntry>> {
  const sorted = [...entries].sort((a, b) => cmp(a.upstream, b.upstream) || cmp(a.server, b.server));
  const by = new Map<string, Map<string, UpstreamEntry>>();
  for (const e of sorted) {
    const servers = by.get(e.upstream) ?? new Map<string, UpstreamEntry>();
    if (servers.has(e.server)) throw new DcpError(`${what} upstream ${e.upstream} lists server ${e.server} twice`);
    servers.set(e.server, e);
    by.set(e.upstream, servers);
  }
  return by;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
