/** Pool-file directories for CLI tests: the example pools with edits applied. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = join(__dirname, "..", "..", "..");
export const DCP = join(REPO, "bin", "dcp");

/** A copy of stacks/pools; `edit(file, text)` returns the new text of each pool file (undefined: delete it). */
export function poolSet(edit: (file: string, text: string) => string | undefined = (_, t) => t): string {
  const dir = mkdtempSync(join(tmpdir(), "dcp-poolset-"));
  cpSync(join(REPO, "stacks", "pools"), dir, { recursive: true });
  for (const file of ["feed-api.yaml", "feed-cache.yaml", "hongbao-api.yaml", "nginx-entry.yaml", "remind-api.yaml"]) {
    const path = join(dir, file);
    const text = edit(file, readFileSync(path, "utf8"));
    if (text === undefined) rmSync(path);
    else writeFileSync(path, text);
  }
  return dir;
}

export function setReplicas(text: string, replicas: number): string {
  const out = text.replace(/^replicas: \d+/m, `replicas: ${replicas}`);
  if (out === text) throw new Error("no replicas line to edit");
  return out;
}
