/** A pool's own fields: its container type, replicas, the IDCs it may run in, its owner. */
import { CONTAINER_TYPE_NAMES } from "../container-types";
import { FieldPath, FieldProblem, describeValue } from "../fields";
import { nameProblems } from "./names";
import { NumberRule, numberProblems, oneOfProblems } from "./rule";

export const REPLICAS: NumberRule = { integer: true, minimum: 0 };

export function containerTypeProblems(value: unknown, path: FieldPath = ["containerType"]): FieldProblem[] {
  return oneOfProblems(CONTAINER_TYPE_NAMES, value, path);
}

export function replicaProblems(value: unknown, path: FieldPath = ["replicas"]): FieldProblem[] {
  return numberProblems(REPLICAS, value, path);
}

/** IDCs in preference order: at least one, each once. */
export function idcListProblems(idcs: unknown, path: FieldPath = ["idcs"]): FieldProblem[] {
  if (!Array.isArray(idcs)) return [{ path, message: `must be a list (got ${describeValue(idcs)})` }];
  if (idcs.length === 0) return [{ path, message: "must not be empty" }];
  return idcs.flatMap((idc, i) => {
    const first = idcs.indexOf(idc);
    return first < i ? [{ path: [...path, i], message: `${describeValue(idc)} is listed twice (also item ${first})` }] : nameProblems(idc, [...path, i]);
  });
}

/** The team that owns the pool: it tags its hosts and is charged for them. */
export function ownerProblems(owner: unknown, path: FieldPath = ["owner"]): FieldProblem[] {
  if (typeof owner !== "string") return [{ path, message: `must be a string (got ${describeValue(owner)})` }];
  return owner.trim() === "" ? [{ path, message: "must not be empty" }] : [];
}
