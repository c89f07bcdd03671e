/**
 * Who follows a pool's servers (model/take-down.ts): an upstream's consumers (how long they
 * take, status endpoints of consumers outside dcp) and an entry tier's `follows` (the
 * upstreams it routes to, its status page on one of its own ports).
 */
import { CONSUMER_FORMATS } from "../take-down";
import { FieldPath, FieldProblem, isMapping } from "../fields";
import { PatternRule, SECONDS, listProblems, mappingProblems, numberProblems, oneOfProblems, patternProblems } from "./rule";
import { UPSTREAM_NAME } from "./upstreams";

export const STATUS_URL: PatternRule = { pattern: /^https?:\/\/[^/\s]+\/\S*$/, message: "must be an http URL with a path, e.g. http://10.0.0.5:8081/upstream_show" };
export const STATUS_PATH: PatternRule = { pattern: /^\//, message: "must be an absolute HTTP path starting with '/', e.g. /upstream_show" };

function formatProblems(format: unknown, path: FieldPath): FieldProblem[] {
  return format === undefined ? [] : oneOfProblems(CONSUMER_FORMATS, format, path);
}

export function consumerProblems(consumers: unknown, path: FieldPath = ["upstream", "consumers"]): FieldProblem[] {
  return mappingProblems(consumers, path, (c) => [
    ...(c.followWithinSeconds === undefined ? [] : numberProblems(SECONDS, c.followWithinSeconds, [...path, "followWithin"])),
    ...listProblems(c.status, [...path, "status"], (items) =>
      items.flatMap((item, i) =>
        mappingProblems(item, [...path, "status", i], (s) => [...patternProblems(STATUS_URL, s.url, [...path, "status", i, "url"]), ...formatProblems(s.format, [...path, "status", i, "format"])]),
      ),
    ),
  ]);
}

/** Names of the pool's ports, as far as they can be read. */
function portNames(ports: unknown): unknown[] {
  return Array.isArray(ports) ? ports.filter(isMapping).map((p) => p.name) : [];
}

export function followsProblems(follows: unknown, ports: unknown, path: FieldPath = ["follows"]): FieldProblem[] {
  return mappingProblems(follows, path, (f) => {
    const upstreams = f.upstreams === undefined ? [{ path: [...path, "upstreams"], message: "must name the upstreams this pool routes to" }] : listProblems(f.upstreams, [...path, "upstreams"], (items) =>
      items.length === 0 ? [{ path: [...path, "upstreams"], message: "must name at least one upstream this pool routes to" }] : items.flatMap((u, i) => patternProblems(UPSTREAM_NAME, u, [...path, "upstreams", i])),
    );
    const status = mappingProblems(f.status, [...path, "status"], (s) => [
      ...(portNames(ports).includes(s.port) ? [] : [{ path: [...path, "status", "port"], message: `must be the name of one of the pool's ports (${portNames(ports).join(", ") || "none"}; got ${JSON.stringify(s.port)})` }]),
      ...patternProblems(STATUS_PATH, s.path, [...path, "status", "path"]),
      ...formatProblems(s.format, [...path, "status", "format"]),
    ]);
    return [...upstreams, ...status];
  });
}
