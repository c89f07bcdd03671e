/**
 * `dcp apply`: re-plans inside the apply lock and executes the plan. Exit 0 when there
 * was nothing to do, 2 when changes were applied, 1 on error. Everything that can be
 * checked (desired state, Consul, TLS material, placement, images) is checked before
 * the first change.
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import Table from "cli-table3";
import { applyDesired, ApplyReport } from "../../runtime";
import { DcpError, EXIT } from "../../model/errors";
import { PLAIN } from "./plan";
import { DEFAULT_PARALLEL, DEFAULT_PER_HOST } from "../../runtime/apply/execute";
import { addRollOptions, addRuntimeOptions, loadDesired, runtimeOptions, RuntimeCliOptions } from "../runtime-input";
import { DesiredState, desiredStateSha256, takenDown } from "../../model/desired-state";
import { siteJsonPath } from "../../local-site";

const siteIsUp = (name: string) => existsSync(siteJsonPath(name));

interface ApplyCliOptions extends RuntimeCliOptions {
  waitLock: string;
  parallel: string;
  perHost?: string;
  healthTimeout: string;
  progress: "auto" | "lines" | "quiet";
  desiredSha256?: string;
  waitInit?: string;
  takeDown?: boolean;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new DcpError(`${flag} ${value}: must be a number >= 0`);
  return n;
}

export function renderApplyReport(report: ApplyReport): string {
  const t = report.timings;
  const table = new Table({ head: ["phase", "from (s)", "to (s)", "seconds"], style: PLAIN });
  table.push(["read inventory", "", "", t.inventorySeconds.toFixed(2)], ["schedule", "", "", t.scheduleSeconds.toFixed(2)], ["pull images", "", "", t.preflightSeconds.toFixed(2)]);
  for (const p of report.timings.phases) table.push([p.phase, p.startedAt.toFixed(2), p.endedAt.toFixed(2), (p.endedAt - p.startedAt).toFixed(2)]);
  const lines = [table.toString()];
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push(
    report.applied === 0
      ? "No changes: the fleet matches the desired state."
      : `Applied ${report.applied} change(s) in ${t.totalSeconds.toFixed(1)} s.`,
  );
  return lines.join("\n");
}

/** The desired state Terraform planned with must be the one applied: a synth in between (a second deploy) would change it. */
function checkDesiredDigest(options: ApplyCliOptions, desired: DesiredState): void {
  if (!options.desired) throw new DcpError("--desired-sha256 goes with --desired <file>");
  const actual = desiredStateSha256(desired);
  if (actual !== options.desiredSha256) {
    throw new DcpError(
      `${options.desired} is not the desired state this run was planned with (SHA-256 ${actual.slice(0, 12)}…, planned ${options.desiredSha256!.slice(0, 12)}…): another synth replaced it; nothing was changed. Run the deploy again.`,
    );
  }
}

export function register(program: Command): void {
  addRollOptions(addRuntimeOptions(program.command("apply").description("apply the runtime changes to the live fleet; exit 0 nothing to do, 2 changes applied, 1 error")))
    .option("--wait-lock <seconds>", "wait this long for another apply to finish instead of refusing", "0")
    .option("--parallel <n>", "Docker steps in flight over all hosts", String(DEFAULT_PARALLEL))
    .option("--per-host <n>", `Docker steps in flight per host (default ${DEFAULT_PER_HOST}, or fewer, at least 2, when --parallel cannot give every host of the plan ${DEFAULT_PER_HOST})`)
    .option("--health-timeout <seconds>", "how long a new container may take to pass its health check; a roll stops at the first that does not", "60")
    .option("--progress <mode>", "auto (one line on a terminal, a line per change otherwise), lines, quiet", "auto")
    .option("--desired-sha256 <hex>", "with --desired: refuse unless the file is this desired state (the one Terraform planned)")
    .option("--wait-init <seconds>", "first wait this long for the hosts the desired state expects to report init status ready")
    .option("--take-down", "take every pool of the desired state down to zero containers, without dropping traffic (cdktf destroy runs this)")
    .action(async (options: ApplyCliOptions) => {
      if (options.takeDown && options.site && !siteIsUp(options.site)) {
        console.log(`Site ${options.site} is not up: nothing to take down.`);
        return;
      }
      const loaded = await loadDesired(options);
      if (options.desiredSha256 !== undefined) checkDesiredDigest(options, loaded);
      const desired = options.takeDown ? takenDown(loaded) : loaded;
      const parallel = positive(options.parallel, "--parallel");
      const perHost = options.perHost === undefined ? undefined : positive(options.perHost, "--per-host");
      if (parallel < 1 || (perHost !== undefined && perHost < 1)) throw new DcpError("--parallel and --per-host must be at least 1");
      const report = await applyDesired(desired, {
        ...runtimeOptions(options),
        waitLockSeconds: positive(options.waitLock, "--wait-lock"),
        parallel,
        ...(perHost !== undefined ? { perHost } : {}),
        healthTimeoutMs: positive(options.healthTimeout, "--health-timeout") * 1000,
        progress: options.json ? "quiet" : options.progress,
        ...(options.waitInit !== undefined ? { waitInitSeconds: positive(options.waitInit, "--wait-init") } : {}),
      });
      if (options.json) console.log(JSON.stringify({ version: 1, ...report }, null, 2));
      else console.log(renderApplyReport(report));
      process.exitCode = report.applied > 0 ? EXIT.changes : EXIT.ok;
    });
}
