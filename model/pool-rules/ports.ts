/**
 * A pool's ports: each a name (it becomes env PORT_<NAME>) and a host port, 0 for one the
 * runtime picks. Names are unique, and so are fixed numbers; several dynamic ports are fine.
 */
import { FieldPath, FieldProblem, isMapping } from "../fields";
import { NumberRule, PatternRule, listProblems, mappingProblems, numberProblems, patternProblems } from "./rule";

export const PORT_NAME: PatternRule = {
  pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
  message: "must be letters, digits and '_', starting with a letter (it becomes env PORT_<NAME>)",
};

export const PORT_NUMBER: NumberRule = { integer: true, minimum: 0, maximum: 65535 };

export function portProblems(ports: unknown, path: FieldPath = ["ports"]): FieldProblem[] {
  return listProblems(ports, path, (items) => [
    ...items.flatMap((port, i) =>
      mappingProblems(port, [...path, i], (p) => [...patternProblems(PORT_NAME, p.name, [...path, i, "name"]), ...numberProblems(PORT_NUMBER, p.port, [...path, i, "port"])]),
    ),
    ...uniqueProblems(items, path),
  ]);
}

function uniqueProblems(items: unknown[], path: FieldPath): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byName = new Map<unknown, number>();
  const byNumber = new Map<unknown, number>();
  items.forEach((port, i) => {
    if (!isMapping(port)) return;
    if (byName.has(port.name)) problems.push({ path: [...path, i, "name"], message: `port name "${port.name}" is used twice (also ports[${byName.get(port.name)}])` });
    else byName.set(port.name, i);
    // Port 0 is dynamic: several dynamic ports are fine.
    if (port.port === 0) return;
    if (byNumber.has(port.port)) problems.push({ path: [...path, i, "port"], message: `port ${port.port} is used twice (also ports[${byNumber.get(port.port)}])` });
    else byNumber.set(port.port, i);
  });
  return problems;
}

/** The pool's port numbers, as far as they can be read. */
export function portNumbers(ports: unknown): number[] {
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((p) => (isMapping(p) && typeof p.port === "number" ? [p.port] : []));
}

/** A pool has ports to serve from (the first serves the upstream and, by default, the health check). */
export function hasPorts(ports: unknown): boolean {
  return Array.isArray(ports) && ports.length > 0;
}
