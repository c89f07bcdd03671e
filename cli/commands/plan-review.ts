/**
 * `dcp plan --base REF`: the review flavour of `dcp plan`. plan.ts adds these options to
 * the command and hands over here; the comparison itself lives in review/.
 */
import { Command, Option } from "commander";
import { join, relative, resolve } from "node:path";
import { DcpError, EXIT } from "../../model/errors";
import { Profile } from "../../model/profile";
import { renderOutput } from "../../output";
import { loadPrices, EXAMPLE_PRICES_FILE } from "../../cost/prices";
import { blocking, DEFAULT_POLICY_FILE, loadPolicyConfig, parseOverrides } from "../../policies";
import { planFromLive, RuntimeOptions } from "../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { planReport } from "../../review/plan-report";
import { reviewPlan, runtimeSection, skippedRuntime } from "../../review/plan-review";
import { RuntimeSection } from "../../review/types";
import { localSiteTarget } from "../../local-site";

export interface PlanReviewCliOptions {
  base: string;
  head: string;
  profile: Profile;
  json?: boolean;
  markdown?: boolean;
  prices: string;
  policy: string;
  override: string[];
  terraform: boolean;
  runtime: boolean;
  /** `dcp plan --desired`: meaningless with --base, which synthesizes both sides. */
  desired?: string;
  /** Local profile: the site to review against (default env DCP_SITE, else "dcp"). */
  site?: string;
}

/** The options `--base` brings to `dcp plan`. */
export function addPlanReviewOptions(command: Command): Command {
  return command
    .option("--base <ref|dir>", "compare with this git revision or project directory (replicas, hosts, Terraform resources, cost, policies)")
    .option("--head <dir>", "the revision under review, with --base", ".")
    .option("--markdown", "with --base: print a pull-request comment in Markdown")
    .addOption(new Option("--prices <file>", "with --base: price table (YAML)").default(EXAMPLE_PRICES_FILE, "cost/prices.example.yaml"))
    .addOption(new Option("--policy <file>", "with --base: policy file (YAML)").default(DEFAULT_POLICY_FILE, "policies/policy.yaml"))
    .addOption(new Option("--override <policy=reason...>", "with --base: let a failing error policy pass; the reason is recorded in the output").default([]))
    .option("--no-terraform", "with --base: do not run terraform/tofu plan even when one is on PATH")
    .option("--no-runtime", "with --base: do not plan runtime changes against the live fleet");
}

/** Runs the review, prints it, returns the exit code (0 no changes, 2 changes, 1 blocked). */
/** `runtimeOptions` is asked only when the runtime part runs (`--site` needs that site up). */
export async function runPlanReview(options: PlanReviewCliOptions, runtimeOptions: () => RuntimeOptions): Promise<number> {
  if (options.json && options.markdown) throw new DcpError("--json and --markdown cannot be combined; pick one output");
  if (options.desired) throw new DcpError("--desired cannot be combined with --base: both revisions are synthesized from their pool files and stacks");
  // Bad configuration fails before the slow part.
  const prices = loadPrices(options.prices);
  const policies = loadPolicyConfig(options.policy);
  const overrides = parseOverrides(options.override);
  const review = await reviewPlan({
    baseSource: options.base,
    headSource: options.head,
    repoRoot: resolve(__dirname, "..", ".."),
    profile: options.profile,
    prices,
    // Shown in the comment: the project path, not the runner's checkout path.
    priceFile: relative(process.cwd(), resolve(options.prices)),
    policies,
    overrides,
    terraform: options.terraform,
    ...(options.profile === "local" ? { localSite: localSiteTarget(options.site, join(resolve(options.head), "cdktf.out")) } : {}),
    runtime: (head) => (options.runtime ? liveRuntime(head.desired, runtimeOptions) : Promise.resolve(skippedRuntime("not requested (--no-runtime)"))),
  });
  process.stdout.write(renderOutput(options, { json: review, report: () => planReport(review) }));
  const blocked = blocking(review.policies);
  if (blocked.length > 0) {
    process.stderr.write(`error: blocked by policy ${blocked.map((p) => p.policy).join(", ")}; fix the change or pass --override ${blocked[0].policy}="<reason>"\n`);
    return EXIT.error;
  }
  return review.exitCode;
}

/**
 * Runtime changes of the head on the live fleet. A review often runs where the fleet is
 * not reachable (a CI runner): then it is skipped with the reason, quickly.
 */
async function liveRuntime(desired: Parameters<typeof planFromLive>[0], runtimeOptions: () => RuntimeOptions): Promise<RuntimeSection> {
  let options: RuntimeOptions;
  try {
    options = runtimeOptions();
  } catch (err) {
    if (err instanceof DcpError) return skippedRuntime(err.message);
    throw err;
  }
  const consul = options.consul ?? new ConsulClient(consulConfigFromEnv({ retryForMs: 2_000, ...(options.consulAddress ? { address: options.consulAddress } : {}) }));
  try {
    await consul.ping();
    const { inventory, plan } = await planFromLive(desired, { ...options, consul });
    return runtimeSection(plan, `against ${inventory.hosts.length} hosts read from ${consul.config.address} at ${inventory.at}`);
  } catch (err) {
    if (err instanceof DcpError) return skippedRuntime(err.message);
    throw err;
  } finally {
    if (!options.consul) consul.close();
  }
}
