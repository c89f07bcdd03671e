/**
 * Runs in a child process: synthesizes one revision with THAT revision's own code and
 * prints the result as JSON on stdout. Loading base code in its own process keeps two
 * versions of the constructs from meeting in one module cache.
 *
 *   tsx review/synth-child.ts <code dir> <project dir> <profile>
 *
 * A project dir with stacks/index.ts is synthesized as a project. Any other directory is
 * a set of pool files (in <dir>/stacks/pools, or <dir> itself) synthesized with the code
 * dir's stacks in place of its own stacks/pools; tests and benchmarks generate those.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

async function main(): Promise<void> {
  const [codeDir, projectDir, profile] = process.argv.slice(2);
  const { synthesize, synthesizeStacks } = require(join(codeDir, "constructs", "synthesize"));
  // The local site (DcpStackProps.localSite) the parent chose; code that predates it ignores it.
  const localSite = profile === "local" && process.env.DCP_SYNTH_LOCAL_SITE ? JSON.parse(process.env.DCP_SYNTH_LOCAL_SITE) : undefined;
  let result: { stacks: unknown; desired: unknown };
  if (existsSync(join(projectDir, "stacks", "index.ts"))) {
    result = await synthesize(projectDir, { profile, localSite });
  } else {
    const { buildStacks } = require(join(codeDir, "stacks"));
    const poolsDir = existsSync(join(projectDir, "stacks", "pools")) ? join(projectDir, "stacks", "pools") : projectDir;
    result = synthesizeStacks((app: unknown) => buildStacks(app, { profile, projectDir: codeDir, poolsDir, localSite }));
  }
  process.stdout.write(JSON.stringify({ stacks: result.stacks, desired: result.desired }));
}

main().catch((err: unknown) => {
  // A DcpError's message already says what to change; anything else needs its stack.
  const e = err as Error;
  process.stderr.write(`${e?.name === "DcpError" ? e.message : e?.stack ?? String(err)}\n`);
  process.exit(1);
});
