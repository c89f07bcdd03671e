/** A desired state given as a JSON file (`--desired`), checked enough to name what is wrong. */
import { readFileSync } from "node:fs";
import { DcpError } from "../../cli/errors";
import { DesiredState } from "../../model/desired-state";

export function loadDesiredFile(file: string): DesiredState {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new DcpError(`${file}: cannot read: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DcpError(`${file}: not JSON: ${(err as Error).message}`);
  }
  const state = value as Partial<DesiredState>;
  if (!state || typeof state !== "object") throw new DcpError(`${file}: a desired state must be a JSON object`);
  if (state.version !== 1) throw new DcpError(`${file}: version: must be 1 (got ${JSON.stringify(state.version)})`);
  for (const field of ["idcs", "fleets", "pools"] as const) {
    if (!Array.isArray(state[field])) throw new DcpError(`${file}: ${field}: must be an array`);
  }
  state.pools!.forEach((pool, i) => {
    for (const field of ["name", "image", "containerType"] as const) {
      if (typeof pool?.[field] !== "string") throw new DcpError(`${file}: pools[${i}].${field}: must be a string`);
    }
    if (!Number.isInteger(pool.effectiveReplicas) || pool.effectiveReplicas < 0) {
      throw new DcpError(`${file}: pools[${i}].effectiveReplicas: must be an integer >= 0`);
    }
  });
  return state as DesiredState;
}
