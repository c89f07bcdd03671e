/**
 * Reading synthesized Terraform JSON the way Terraform does: resources by address,
 * references (`${type.name.attr}`) and depends_on as the dependency graph, and the user
 * data a host boots with, decoded.
 */
import { synthesizeStacks, SynthesizeResult } from "../../constructs/synthesize";
import { ExampleStack } from "../../stacks/example";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { PROJECT_DIR } from "./stack-fixture";

export type TerraformJson = any;

export interface Addressed {
  address: string;
  type: string;
  name: string;
  body: any;
}

export function resourcesOf(tf: TerraformJson, type: string): Addressed[] {
  return Object.entries<any>(tf.resource?.[type] ?? {}).map(([name, body]) => ({ address: `${type}.${name}`, type, name, body }));
}

export function resourceAt(tf: TerraformJson, address: string): Addressed {
  const [type, name] = address.split(".");
  const body = tf.resource?.[type]?.[name];
  if (!body) throw new Error(`no resource ${address}`);
  return { address, type, name, body };
}

/** `${alicloud_vswitch.x.id}` → "alicloud_vswitch.x". */
export function referenced(expression: string): string {
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[a-z0-9_]+\}$/.exec(expression);
  if (!m) throw new Error(`not a plain reference: ${expression}`);
  return `${m[1]}.${m[2]}`;
}

/** Every resource address a resource refers to or depends on, directly. */
function directDependencies(body: unknown): string[] {
  const text = JSON.stringify(body);
  const refs = [...text.matchAll(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./g)].filter((m) => m[1] !== "var").map((m) => `${m[1]}.${m[2]}`);
  const explicit = ((body as { depends_on?: string[] }).depends_on ?? []).map((d) => d.split(".").slice(0, 2).join("."));
  return [...new Set([...refs, ...explicit])];
}

/** The addresses Terraform must create before `address`: its dependency closure. */
export function createdBefore(tf: TerraformJson, address: string): Set<string> {
  const seen = new Set<string>();
  const stack = directDependencies(resourceAt(tf, address).body);
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...directDependencies(resourceAt(tf, next).body));
  }
  return seen;
}

/** User data as the host receives it: the script text (Terraform's base64encode undone), with `${var.x}` left in. */
export function userDataScript(userData: string): string {
  const m = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(userData);
  if (!m) throw new Error("user data is not ${base64encode(\"…\")}");
  return m[1].replace(/\\n/g, "\n");
}

/** The `export NAME=value` assignments of a user data script. */
export function userDataEnv(script: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of script.split("\n").filter((l) => l.startsWith("export "))) {
    for (const word of line.slice("export ".length).split(" ")) {
      const eq = word.indexOf("=");
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}

/** The bootstrap script carried gzipped and base64-encoded inside the user data. */
export function embeddedBootstrap(script: string): string {
  const m = /<<'DCP_BOOTSTRAP' \| gunzip > \S+\n([A-Za-z0-9+/=\n]+?)DCP_BOOTSTRAP/.exec(script);
  if (!m) throw new Error("no embedded bootstrap");
  return gunzipSync(Buffer.from(m[1].replace(/\n/g, ""), "base64")).toString("utf8");
}

/**
 * The example stack synthesized from a copy of its pool files, with `feed-api` at
 * `factor` times its replicas: factor 1 is the example itself.
 */
export function synthesizeExample(feedApiFactor = 1): SynthesizeResult {
  const pools = mkdtempSync(join(tmpdir(), "dcp-example-pools-"));
  try {
    const source = join(PROJECT_DIR, "stacks", "pools");
    for (const f of readdirSync(source)) copyFileSync(join(source, f), join(pools, f));
    const feedApi = readFileSync(join(pools, "feed-api.yaml"), "utf8");
    const replicas = Number(/^replicas: (\d+)/m.exec(feedApi)![1]);
    writeFileSync(join(pools, "feed-api.yaml"), feedApi.replace(/^replicas: \d+/m, `replicas: ${replicas * feedApiFactor}`));
    return synthesizeStacks((app) => [new ExampleStack(app, "example", { projectDir: PROJECT_DIR, poolsDir: pools })]);
  } finally {
    rmSync(pools, { recursive: true, force: true });
  }
}
