/**
 * The floors in .dependency-cruiser.cjs hold: no module imports a floor above its own, and
 * no import circle exists. Runs the real dependency-cruiser over the source tree.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const REPO = join(__dirname, "..", "..", "..");
const SOURCES = ["model", "output", "yaml", ".gen", "runtime", "local-site", "constructs", "cost", "policies", "review", "cli", "stacks", "bench", "main.ts"];

describe("layering", () => {
  it("has no upward import and no circle", () => {
    const present = SOURCES.filter((s) => existsSync(join(REPO, s)));
    const run = spawnSync(join(REPO, "node_modules", ".bin", "depcruise"), ["--config", ".dependency-cruiser.cjs", "--output-type", "err", ...present], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(run.error).toBeUndefined();
    // On a violation, the rule and the import are in the message.
    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: expect.stringContaining("no dependency violations") });
  });
});
