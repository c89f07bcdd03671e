/**
 * A pool's HTTP health check: an absolute path on one of the pool's ports (by default the
 * first), and a timeout that ends before the next check starts. Times are in seconds
 * (intervalSeconds, timeoutSeconds) and named as a pool file names them (interval, timeout).
 */
import { FieldPath, FieldProblem } from "../fields";
import { PatternRule, SECONDS, mappingProblems, numberProblems, patternProblems } from "./rule";
import { PORT_NUMBER, hasPorts, portNumbers } from "./ports";

export const HEALTH_PATH: PatternRule = { pattern: /^\//, message: "must be an absolute HTTP path starting with '/', e.g. /health" };

export function healthCheckProblems(check: unknown, ports: unknown, path: FieldPath = ["healthCheck"]): FieldProblem[] {
  return mappingProblems(check, path, (c) => {
    const problems = patternProblems(HEALTH_PATH, c.path, [...path, "path"]);
    if (!hasPorts(ports)) {
      problems.push({ path, message: "needs the pool's ports: the health check uses one of them (by default the first); add ports" });
    } else if (c.port !== undefined) {
      problems.push(...portProblems(c.port, ports, [...path, "port"]));
    }
    return [...problems, ...timeProblems(c.intervalSeconds, c.timeoutSeconds, path)];
  });
}

/** One of the pool's ports (whose own rules the port list checks), else a valid port to add there. */
function portProblems(port: unknown, ports: unknown, path: FieldPath): FieldProblem[] {
  const numbers = portNumbers(ports);
  if (numbers.includes(port as number)) return [];
  const invalid = numberProblems(PORT_NUMBER, port, path);
  return invalid.length > 0 ? invalid : [{ path, message: `${port} is not one of the pool's ports (${numbers.join(", ")}); add it under ports` }];
}

function timeProblems(interval: unknown, timeout: unknown, path: FieldPath): FieldProblem[] {
  const problems = [
    ...(interval === undefined ? [] : numberProblems(SECONDS, interval, [...path, "interval"])),
    ...(timeout === undefined ? [] : numberProblems(SECONDS, timeout, [...path, "timeout"])),
  ];
  if (problems.length === 0 && typeof interval === "number" && typeof timeout === "number" && timeout > interval) {
    problems.push({ path: [...path, "timeout"], message: `${timeout}s is longer than the interval (${interval}s); a check must end before the next starts` });
  }
  return problems;
}
