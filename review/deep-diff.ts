/**
 * Leaf-level differences between two JSON values, as dotted paths. Arrays are compared
 * index by index: Terraform lists are ordered (instance_types order is the ESS fallback
 * order), so a reordering is a real change.
 */
import { AttributeChange } from "./types";

export function deepDiff(before: unknown, after: unknown, path = ""): AttributeChange[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const out: AttributeChange[] = [];
    for (const k of [...keys].sort(naturalOrder)) {
      // cdktf's "//" keys carry construct metadata, not configuration.
      if (k === "//") continue;
      out.push(...deepDiff(own(before, k), own(after, k), path ? `${path}.${k}` : k));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const change: AttributeChange = { path: path || "(value)" };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

/** The object's own value at k: never an inherited one (a key "__proto__" in JSON is data). */
function own(o: Record<string, unknown> | unknown[], k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === "object" && v !== null;
}

function naturalOrder(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isInteger(na) && Number.isInteger(nb) ? na - nb : a.localeCompare(b);
}
