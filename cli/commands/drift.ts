/**
 * `dcp drift`: what differs between the desired state and what is live (containers,
 * upstreams, assignments, node meta, stray Consul entries, and Terraform's own
 * refresh-only plan when a binary is on PATH). Exit 0 no drift, 2 drift, 1 error.
 * `--fix` repairs through the normal apply path, then reports what is left.
 */
import { Command, Option } from "commander";
import { DesiredState } from "../../model/desired-state";
import { SynthesizedStack } from "../../model/synth-output";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { DockerHosts } from "../../runtime/docker/hosts";
import { countByKind } from "../../runtime/drift/detect";
import { fixDrift, readDrift } from "../../runtime/drift/index";
import { DRIFT_SCHEMA_ID, driftReview } from "../../runtime/drift/render";
import { renderOutput } from "../../output";
import { terraformDrift } from "../../runtime/drift/terraform";
import { findTerraform } from "../../runtime/terraform";
import { DriftReport } from "../../runtime/drift/types";
import { DcpError, EXIT } from "../../model/errors";
import { addRuntimeOptions, readDesiredFile, runtimeOptions, RuntimeCliOptions, synthesizeProject } from "../runtime-input";

interface DriftCliOptions extends RuntimeCliOptions {
  markdown?: boolean;
  fix?: boolean;
  waitLock: string;
  varFile?: string[];
}

export function register(program: Command): void {
  addRuntimeOptions(program.command("drift").description("report drift between the desired state and the live fleet; exit 0 none, 2 drift, 1 error"))
    .addOption(new Option("--markdown", "Markdown for an issue or pull-request comment").conflicts("json"))
    .option("--fix", "repair the drift through the normal apply path, then report what is left")
    .option("--wait-lock <seconds>", "with --fix: wait this long for another apply to finish instead of refusing", "0")
    .option("--var-file <files...>", "Terraform variable files for the refresh-only plan, as given to cdktf deploy (TF_VAR_<name> values are used too)")
    .action(async (options: DriftCliOptions) => {
      const waitLockSeconds = Number(options.waitLock);
      if (!Number.isFinite(waitLockSeconds) || waitLockSeconds < 0) throw new DcpError(`--wait-lock ${options.waitLock}: must be a number >= 0`);
      const { desired, stacks } = options.desired ? { desired: readDesiredFile(options.desired), stacks: [] } : await synthesizeForDrift(options.profile, options.site);
      for (const pool of options.pool ?? []) {
        if (!desired.pools.some((p) => p.name === pool)) {
          throw new DcpError(`unknown pool "${pool}" in --pool; desired pools: ${desired.pools.map((p) => p.name).sort().join(", ") || "(none)"}`);
        }
      }

      const { consulAddress, tlsDir } = runtimeOptions(options);
      const consul = new ConsulClient(consulConfigFromEnv(consulAddress ? { address: consulAddress } : {}));
      const dockers = new DockerHosts({ tlsDir, insecureDocker: options.insecureDocker });
      try {
        const run = { consul, dockers, pools: options.pool };
        if (options.fix) {
          const apply = { ...runtimeOptions(options), waitLockSeconds, progress: "quiet" as const };
          await fixDrift(desired, { ...run, apply, log: (line) => console.error(`fix: ${line}`) });
        }
        // After --fix, what dcp could not repair.
        const report = await foldTerraform((await readDrift(desired, run)).report, options, stacks);
        process.stdout.write(renderOutput(options, { json: report, schemaId: DRIFT_SCHEMA_ID, report: () => driftReview(report) }));
        process.exitCode = report.findings.length > 0 ? EXIT.changes : EXIT.ok;
      } finally {
        consul.close();
      }
    });
}

async function synthesizeForDrift(profile: DriftCliOptions["profile"], site: string | undefined): Promise<{ desired: DesiredState; stacks: SynthesizedStack[] }> {
  const result = await synthesizeProject(profile, undefined, site);
  // Stacks without resources have nothing to refresh.
  const stacks = result.stacks.filter((s) => s.terraform?.resource && Object.keys(s.terraform.resource).length > 0);
  return { desired: result.desired, stacks };
}

async function foldTerraform(report: DriftReport, options: DriftCliOptions, stacks: SynthesizedStack[]): Promise<DriftReport> {
  const note = (text: string) => ({ ...report, notes: [...report.notes, text] });
  if (options.desired) return note("Terraform not checked: --desired gives a desired state without stacks.");
  const binary = findTerraform();
  if (!binary) return note("Terraform not checked: neither terraform nor tofu is on PATH, so infrastructure drift (refresh-only plan) is unknown.");
  if (stacks.length === 0) return note(`Terraform: profile ${options.profile} has no stack with resources; nothing to refresh.`);
  const tf = await terraformDrift(binary, process.cwd(), stacks, { varFiles: options.varFile });
  const findings = [...report.findings, ...tf.findings];
  return { ...report, findings, counts: countByKind(findings), notes: [...report.notes, ...tf.notes] };
}
