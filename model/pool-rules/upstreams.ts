/**
 * A pool's nginx upstream (fed through Consul KV to nginx-upsync-module): a name nginx
 * accepts, a weight, how many failures take a server out and for how long (seconds, named
 * failTimeout as in a pool file). The first port serves it, so the pool needs ports.
 */
import { FieldPath, FieldProblem } from "../fields";
import { NumberRule, PatternRule, SECONDS, mappingProblems, numberProblems, patternProblems } from "./rule";
import { hasPorts } from "./ports";

export const UPSTREAM_NAME: PatternRule = {
  pattern: /^[A-Za-z0-9_]+$/,
  message: "must be letters, digits and '_' (an nginx upstream name), e.g. feed_api",
};

/** On a private host; a cloud host gets weight × its IDC's cloud weight factor (model/upstreams.ts). */
export const UPSTREAM_WEIGHT: NumberRule = { integer: true, minimum: 1, maximum: 100 };

export const MAX_FAILS: NumberRule = { integer: true, minimum: 0 };

export function upstreamProblems(upstream: unknown, ports: unknown, path: FieldPath = ["upstream"]): FieldProblem[] {
  return mappingProblems(upstream, path, (u) => [
    ...patternProblems(UPSTREAM_NAME, u.name, [...path, "name"]),
    ...(u.weight === undefined ? [] : numberProblems(UPSTREAM_WEIGHT, u.weight, [...path, "weight"])),
    ...(u.maxFails === undefined ? [] : numberProblems(MAX_FAILS, u.maxFails, [...path, "maxFails"])),
    ...(u.failTimeoutSeconds === undefined ? [] : numberProblems(SECONDS, u.failTimeoutSeconds, [...path, "failTimeout"])),
    ...(hasPorts(ports) ? [] : [{ path, message: "needs the pool's ports: the upstream is served by the first port; add ports" }]),
  ]);
}
