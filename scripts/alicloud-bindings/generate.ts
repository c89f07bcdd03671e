/**
 * Regenerates the Alibaba Cloud provider bindings in .gen/providers/alicloud/ (where
 * cdktf projects keep generated bindings) from the schema subset kept in schema/ here.
 *
 *   npm run gen:bindings                       # from the committed subset
 *   npm run gen:bindings -- --from <schema>    # re-extract the subset from a full
 *                                              # `terraform providers schema -json` dump first
 *
 * The subset exists because the whole provider generates ~4,000 files, some of which
 * do not compile; dcp only needs the resources listed below.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeMaker } from "codemaker";
import { TerraformProviderGenerator } from "@cdktf/provider-generator/lib/get/generator/provider-generator";

export const PROVIDER_FQN = "registry.terraform.io/aliyun/alicloud";
export const PROVIDER_VERSION = "1.289.0";

/** Resources and data sources dcp synthesizes. Add one here, then regenerate. */
export const RESOURCES = [
  "alicloud_vpc",
  "alicloud_vswitch",
  "alicloud_security_group",
  "alicloud_security_group_rule",
  "alicloud_instance",
  "alicloud_ess_scaling_group",
  "alicloud_ess_scaling_configuration",
  "alicloud_ess_lifecycle_hook",
  "alicloud_ess_scalinggroup_vserver_groups",
  "alicloud_slb_load_balancer",
  "alicloud_slb_listener",
  "alicloud_slb_server_group",
  "alicloud_slb_acl",
  "alicloud_nat_gateway",
  "alicloud_eip_address",
  "alicloud_eip_association",
  "alicloud_snat_entry",
  "alicloud_cen_instance_attachment",
  "alicloud_pvtz_zone",
  "alicloud_pvtz_zone_record",
  "alicloud_pvtz_zone_attachment",
];
export const DATA_SOURCES: string[] = [];

const here = __dirname;
const subsetPath = join(here, "schema", "provider-schema.subset.json");

function extractSubset(fullSchemaPath: string): void {
  const full = JSON.parse(readFileSync(fullSchemaPath, "utf8"));
  const provider = full.provider_schemas[PROVIDER_FQN];
  const pick = (all: Record<string, unknown>, names: string[]) =>
    Object.fromEntries(
      names.map((n) => {
        if (!all[n]) throw new Error(`${n} is not in ${fullSchemaPath}`);
        return [n, all[n]];
      }),
    );
  const subset = {
    format_version: full.format_version,
    provider_schemas: {
      [PROVIDER_FQN]: {
        provider: provider.provider,
        resource_schemas: pick(provider.resource_schemas, RESOURCES),
        data_source_schemas: pick(provider.data_source_schemas, DATA_SOURCES),
      },
    },
    provider_versions: { [PROVIDER_FQN]: PROVIDER_VERSION },
  };
  writeFileSync(subsetPath, JSON.stringify(subset, null, 1) + "\n");
}

async function main(): Promise<void> {
  const fromIdx = process.argv.indexOf("--from");
  if (fromIdx > 0) extractSubset(process.argv[fromIdx + 1]);
  const schema = JSON.parse(readFileSync(subsetPath, "utf8"));
  const outDir = join(here, "..", "..", ".gen", "providers", "alicloud");
  const workDir = mkdtempSync(join(tmpdir(), "dcp-bindings-"));
  const code = new CodeMaker();
  new TerraformProviderGenerator(code, schema).generateAll();
  await code.save(workDir);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(join(workDir, "providers", "alicloud"), outDir);
  rmSync(workDir, { recursive: true, force: true });
  console.log(`bindings for ${RESOURCES.length} resources and ${DATA_SOURCES.length} data sources written to ${outDir}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
