/**
 * Runs in a child process: synthesizes one revision with THAT revision's own code and
 * prints the result as JSON on stdout. Loading base code in its own process keeps two
 * versions of the constructs from meeting in one module cache.
 *
 *   tsx review/synth-child.ts <code dir> <project dir> <profile>
 */
import { join } from "node:path";

async function main(): Promise<void> {
  const [codeDir, projectDir, profile] = process.argv.slice(2);
  const { synthesize } = require(join(codeDir, "constructs", "synthesize"));
  const { stacks, desired } = await synthesize(projectDir, { profile });
  process.stdout.write(JSON.stringify({ stacks, desired }));
}

main().catch((err: unknown) => {
  // A DcpError's message already says what to change; anything else needs its stack.
  const e = err as Error;
  process.stderr.write(`${e?.name === "DcpError" ? e.message : e?.stack ?? String(err)}\n`);
  process.exit(1);
});
