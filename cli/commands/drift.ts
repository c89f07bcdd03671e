/**
 * `dcp drift`: what differs between the desired state and what is live (containers,
 * upstreams, assignments, node meta, stray Consul entries, and Terraform's own
 * refresh-only plan when a binary is on PATH). Exit 0 no drift, 2 drift, 1 error.
 * `--fix` repairs through the normal apply path, then reports what is left.
 */
import { Command, Option } from "commander";
import { Profile } from "../../constructs/profile";
import { synthesize } from "../../constructs/synthesize";
import { DesiredState } from "../../model/desired-state";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { DockerHosts } from "../../runtime/docker/hosts";
import { countByKind } from "../../runtime/drift/detect";
import { fixDrift, readDrift } from "../../runtime/drift/index";
import { renderJson, renderMarkdown, renderTable } from "../../runtime/drift/render";
import { findTerraform, terraformDrift } from "../../runtime/drift/terraform";
import { DriftReport } from "../../runtime/drift/types";
import { loadDesiredFile } from "../../runtime/drift/desired-file";
import { DcpError, EXIT } from "../errors";

interface DriftCliOptions {
  profile: Profile;
  json?: boolean;
  markdown?: boolean;
  fix?: boolean;
  desired?: string;
  pool?: string[];
  waitLock: string;
  insecureDocker?: boolean;
}

/** Where synthesized stacks are written for Terraform, as `cdktf synth` does. */
const STACKS_OUT_DIR = "cdktf.out";

export function register(program: Command): void {
  program
    .command("drift")
    .description("report drift between the desired state and the live fleet; exit 0 none, 2 drift, 1 error")
    .addOption(new Option("--profile <profile>", "profile the project is synthesized for").choices(["cloud", "local"]).default("cloud"))
    .addOption(new Option("--json", "JSON output (schema/drift.schema.json)").conflicts("markdown"))
    .option("--markdown", "Markdown output for an issue or pull-request comment")
    .option("--fix", "repair the drift through the normal apply path, then report what is left")
    .option("--desired <file>", "desired state JSON instead of synthesizing the project (no Terraform check)")
    .option("--pool <name...>", "only these pools (fleet-wide checks still run)")
    .option("--wait-lock <seconds>", "with --fix: wait this long for another apply's lock", "0")
    .option("--insecure-docker", "allow plain tcp:// to non-loopback Docker daemons")
    .action(async (options: DriftCliOptions) => {
      const waitLockSeconds = Number(options.waitLock);
      if (!Number.isFinite(waitLockSeconds) || waitLockSeconds < 0) throw new DcpError(`--wait-lock "${options.waitLock}" must be a number of seconds >= 0`);
      const terraform = options.desired ? undefined : findTerraform();
      const { desired, stacks } = options.desired
        ? { desired: loadDesiredFile(options.desired), stacks: [] as string[] }
        : await synthesizeProject(options.profile, terraform !== undefined);
      for (const pool of options.pool ?? []) {
        if (!desired.pools.some((p) => p.name === pool)) {
          throw new DcpError(`unknown pool "${pool}" in --pool; desired pools: ${desired.pools.map((p) => p.name).sort().join(", ") || "(none)"}`);
        }
      }

      const consul = new ConsulClient(consulConfigFromEnv());
      const dockers = new DockerHosts({ insecureDocker: options.insecureDocker });
      try {
        const run = { consul, dockers, pools: options.pool };
        let report: DriftReport;
        if (options.fix) {
          const fixed = await fixDrift(desired, {
            ...run,
            profile: options.profile,
            insecureDocker: options.insecureDocker,
            waitLockSeconds,
            log: (line) => console.error(`fix: ${line}`),
          });
          report = fixed.after;
        } else {
          report = (await readDrift(desired, run)).report;
        }
        report = foldTerraform(report, options, terraform, stacks);
        console.log(options.json ? renderJson(report) : options.markdown ? renderMarkdown(report) : renderTable(report));
        process.exitCode = report.findings.length > 0 ? EXIT.changes : EXIT.ok;
      } finally {
        consul.close();
      }
    });
}

async function synthesizeProject(profile: Profile, forTerraform: boolean): Promise<{ desired: DesiredState; stacks: string[] }> {
  const result = await synthesize(process.cwd(), { profile, outDir: forTerraform ? STACKS_OUT_DIR : undefined });
  // Stacks without resources (the local profile's hosts come from `dcp up`) have nothing to refresh.
  const stacks = result.stacks.filter((s) => s.terraform?.resource && Object.keys(s.terraform.resource).length > 0).map((s) => s.name);
  return { desired: result.desired, stacks };
}

function foldTerraform(report: DriftReport, options: DriftCliOptions, terraform: string | undefined, stacks: string[]): DriftReport {
  if (options.desired) {
    return { ...report, notes: [...report.notes, "Terraform not checked: --desired gives a desired state without stacks."] };
  }
  if (!terraform) {
    return { ...report, notes: [...report.notes, "Terraform not checked: neither terraform nor tofu is on PATH, so infrastructure drift (refresh-only plan) is unknown."] };
  }
  if (stacks.length === 0) {
    return { ...report, notes: [...report.notes, `Terraform: profile ${options.profile} has no stack with resources; nothing to refresh.`] };
  }
  const findings = [...report.findings, ...terraformDrift(terraform, STACKS_OUT_DIR, stacks)];
  return { ...report, findings, counts: countByKind(findings), notes: [...report.notes, `Terraform: ${terraform} plan -refresh-only over ${stacks.join(", ")}.`] };
}
