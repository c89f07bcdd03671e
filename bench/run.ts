/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so peak memory is
 * per benchmark), prints one table and writes bench/results.json.
 *
 *   npm run bench                 # all
 *   npm run bench -- scheduler    # only benchmarks whose file name contains "scheduler"
 */
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Table from "cli-table3";
import { Benchmark, Figure, met } from "./harness";

interface Result {
  benchmark: string;
  figures: Figure[];
  skipped?: string;
  error?: string;
}

function fleetAvailable(): boolean {
  try {
    execFileSync(join(__dirname, "..", "bin", "dcp"), ["status", "--quiet"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Child mode: run one benchmark module, print its figures as JSON on the last line. */
async function runOne(file: string): Promise<void> {
  const bench: Benchmark = require(join(__dirname, file)).default;
  const figures = await bench.run();
  process.stdout.write("\n" + JSON.stringify(figures) + "\n");
}

async function main(): Promise<void> {
  const one = process.argv.indexOf("--one");
  if (one > 0) return runOne(process.argv[one + 1]);

  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => !filter || f.includes(filter))
    .sort();
  const hasFleet = fleetAvailable();
  const results: Result[] = [];
  for (const file of files) {
    const bench: Benchmark = require(join(__dirname, file)).default;
    if (bench.needsFleet && !hasFleet) {
      results.push({ benchmark: bench.name, figures: [], skipped: "local fleet not running (run `dcp up` as root)" });
      continue;
    }
    console.error(`bench: ${bench.name} …`);
    try {
      const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--one", file], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 64 * 1024 * 1024,
      });
      const lines = out.trim().split("\n");
      results.push({ benchmark: bench.name, figures: JSON.parse(lines[lines.length - 1]) });
    } catch (err) {
      results.push({ benchmark: bench.name, figures: [], error: err instanceof Error ? err.message.split("\n")[0] : String(err) });
    }
  }

  const table = new Table({ head: ["benchmark", "figure", "value", "target", "result"] });
  for (const r of results) {
    if (r.skipped || r.error) table.push([r.benchmark, r.skipped ? "skipped" : "error", "", "", r.skipped ?? r.error ?? ""]);
    for (const f of r.figures) {
      const ok = met(f);
      table.push([
        r.benchmark,
        f.name,
        `${Number.isInteger(f.value) ? f.value : f.value.toFixed(3)} ${f.unit}`,
        f.target ? `${f.target.op} ${f.target.value}` : "",
        ok === undefined ? f.note ?? "" : ok ? "met" : "MISSED",
      ]);
    }
  }
  console.log(table.toString());
  const out = join(__dirname, "results.json");
  writeFileSync(
    out,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: { cpus: require("node:os").cpus().length, node: process.version },
        results: results.map((r) => ({ ...r, figures: r.figures.map((f) => ({ ...f, met: met(f) })) })),
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`results written to ${out}`);
  const missed = results.some((r) => r.error || r.figures.some((f) => met(f) === false));
  process.exitCode = missed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
