/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so peak memory is
 * per benchmark), prints one table and writes bench/results.json.
 *
 *   npm run bench                 # all
 *   npm run bench -- scheduler    # only benchmarks whose file name contains "scheduler"
 *
 * A filtered run replaces only its own benchmarks' entries in results.json; each entry
 * keeps the time it was measured.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Table from "cli-table3";
import { Benchmark, Figure, met } from "./harness";
import { BENCH_FLEET } from "./runtime-support";

interface Result {
  benchmark: string;
  /** When this benchmark ran (ISO time). */
  at: string;
  figures: Figure[];
  skipped?: string;
  error?: string;
}

function fleetAvailable(): boolean {
  try {
    execFileSync(join(__dirname, "..", "bin", "dcp"), ["status", "--quiet", "--name", BENCH_FLEET], { stdio: "ignore", timeout: 30_000 });
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
      results.push({ benchmark: bench.name, at: new Date().toISOString(), figures: [], skipped: `local fleet ${BENCH_FLEET} not running (run \`dcp up --name ${BENCH_FLEET}\` as root)` });
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
      results.push({ benchmark: bench.name, at: new Date().toISOString(), figures: JSON.parse(lines[lines.length - 1]) });
    } catch (err) {
      results.push({ benchmark: bench.name, at: new Date().toISOString(), figures: [], error: err instanceof Error ? err.message.split("\n")[0] : String(err) });
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
  const ran = new Set(results.map((r) => r.benchmark));
  const kept = previousResults(out).filter((r) => !ran.has(r.benchmark));
  const merged = [...kept, ...results.map((r) => ({ ...r, figures: r.figures.map((f) => ({ ...f, met: met(f) })) }))].sort((a, b) =>
    a.benchmark.localeCompare(b.benchmark),
  );
  writeFileSync(out, JSON.stringify({ machine: { cpus: require("node:os").cpus().length, node: process.version }, results: merged }, null, 2) + "\n");
  console.log(`results written to ${out}`);
  const missed = results.some((r) => r.error || r.figures.some((f) => met(f) === false));
  process.exitCode = missed ? 1 : 0;
}

/** Entries of an earlier results.json; a file from before per-entry times takes the file's time. */
function previousResults(file: string): Result[] {
  if (!existsSync(file)) return [];
  try {
    const prev = JSON.parse(readFileSync(file, "utf8")) as { at?: string; results?: Result[] };
    return (prev.results ?? []).map((r) => ({ ...r, at: r.at ?? prev.at ?? "" }));
  } catch {
    return [];
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
