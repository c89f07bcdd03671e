/**
 * Checks synthesized Terraform JSON against the Alibaba Cloud provider schema kept in
 * scripts/alicloud-bindings/schema/ and Terraform's built-in provider (terraform_data;
 * terraform-builtin-schema.json, from `terraform providers schema -json`): every resource type, data source and attribute exists,
 * values have the schema's type, required attributes and blocks are present, read-only
 * (computed-only) attributes are not set, no deprecated attribute is used, and no
 * attribute the provider has removed is used (Terraform accepts those, the provider
 * rejects them at validate time).
 * Reusable: `schemaProblems(terraformJson)` returns one line per problem.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type CtyType = string | [string, CtyType] | ["object", Record<string, CtyType>];

interface SchemaAttribute {
  type?: CtyType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  deprecated?: boolean;
}

interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: "single" | "list" | "set" | "map"; block: SchemaBlock; min_items?: number; max_items?: number }>;
}

interface ProviderSchema {
  provider: { block: SchemaBlock };
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}

const SCHEMA_DIR = join(__dirname, "..", "..", "scripts", "alicloud-bindings", "schema");
const PROVIDER = "registry.terraform.io/aliyun/alicloud";
/** Terraform meta-arguments and cdktf's metadata key: allowed on every resource. */
const META = new Set(["//", "count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);

const BUILTIN = "terraform.io/builtin/terraform";

let cached: { schema: ProviderSchema; removed: { resource_schemas: Record<string, string[]>; data_source_schemas: Record<string, string[]> } } | undefined;

function load() {
  if (!cached) {
    const alicloud: ProviderSchema = JSON.parse(readFileSync(join(SCHEMA_DIR, "provider-schema.subset.json"), "utf8")).provider_schemas[PROVIDER];
    const builtin = JSON.parse(readFileSync(join(__dirname, "terraform-builtin-schema.json"), "utf8")).provider_schemas[BUILTIN];
    cached = {
      schema: { ...alicloud, resource_schemas: { ...alicloud.resource_schemas, ...builtin.resource_schemas } },
      removed: JSON.parse(readFileSync(join(SCHEMA_DIR, "removed-attributes.json"), "utf8")),
    };
  }
  return cached;
}

/** A whole-value Terraform expression such as "${var.x}" or "${aws_x.y.id}": its type is known only at plan time. */
function isExpression(v: unknown): boolean {
  return typeof v === "string" && /^\$\{[\s\S]*\}$/.test(v) && !v.startsWith("$${");
}

function checkType(value: unknown, type: CtyType, path: string, out: string[]): void {
  if (isExpression(value)) return;
  if (typeof type === "string") {
    const ok =
      type === "dynamic" ||
      (type === "string" && typeof value === "string") ||
      (type === "number" && typeof value === "number" && Number.isFinite(value)) ||
      (type === "bool" && typeof value === "boolean");
    if (!ok) out.push(`${path}: expected ${type}, got ${JSON.stringify(value)?.slice(0, 60)}`);
    return;
  }
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) return void out.push(`${path}: expected ${kind} of ${JSON.stringify(inner)}, got ${typeof value}`);
    if (kind === "set" && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) out.push(`${path}: set has duplicate elements`);
    value.forEach((v, i) => checkType(v, inner as CtyType, `${path}[${i}]`, out));
  } else if (kind === "map") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return void out.push(`${path}: expected map, got ${JSON.stringify(value)}`);
    for (const [k, v] of Object.entries(value)) checkType(v, inner as CtyType, `${path}.${k}`, out);
  } else if (kind === "object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return void out.push(`${path}: expected object, got ${JSON.stringify(value)}`);
    const attrs = inner as Record<string, CtyType>;
    for (const [k, v] of Object.entries(value)) {
      if (!(k in attrs)) out.push(`${path}.${k}: not an attribute of this object`);
      else checkType(v, attrs[k], `${path}.${k}`, out);
    }
  } else {
    out.push(`${path}: unknown schema type ${JSON.stringify(type)}`);
  }
}

function checkBlock(value: Record<string, unknown>, block: SchemaBlock, path: string, removed: Set<string>, prefix: string, out: string[], topLevel: boolean): void {
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, v] of Object.entries(value)) {
    if (topLevel && META.has(key)) continue;
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (removed.has(dotted)) {
      out.push(`${path}.${key}: removed from the provider (Terraform accepts it, the provider rejects it)`);
      continue;
    }
    const attr = attributes[key];
    if (attr) {
      if (attr.computed && !attr.optional && !attr.required) out.push(`${path}.${key}: read-only (computed) attribute cannot be set`);
      else if (attr.deprecated) out.push(`${path}.${key}: deprecated in the provider; use its replacement`);
      else if (attr.type !== undefined) checkType(v, attr.type, `${path}.${key}`, out);
      continue;
    }
    const nested = blocks[key];
    if (!nested) {
      out.push(`${path}.${key}: no such attribute or block`);
      continue;
    }
    if (isExpression(v)) continue;
    const items = nested.nesting_mode === "single" ? (Array.isArray(v) ? v : [v]) : v;
    if (!Array.isArray(items)) {
      out.push(`${path}.${key}: block (${nested.nesting_mode}) must be a list of objects`);
      continue;
    }
    if (nested.min_items !== undefined && items.length < nested.min_items) out.push(`${path}.${key}: at least ${nested.min_items} block(s) required, got ${items.length}`);
    if (nested.max_items !== undefined && items.length > nested.max_items) out.push(`${path}.${key}: at most ${nested.max_items} block(s) allowed, got ${items.length}`);
    items.forEach((item, i) => {
      if (typeof item !== "object" || item === null) return void out.push(`${path}.${key}[${i}]: block must be an object`);
      checkBlock(item as Record<string, unknown>, nested.block, `${path}.${key}[${i}]`, removed, dotted, out, false);
    });
  }
  for (const [key, attr] of Object.entries(attributes)) {
    if (attr.required && !(key in value)) out.push(`${path}.${key}: required attribute missing`);
  }
  for (const [key, nested] of Object.entries(blocks)) {
    if ((nested.min_items ?? 0) > 0 && !(key in value)) out.push(`${path}.${key}: required block missing`);
  }
}

/** Problems of a synthesized stack (cdk.tf.json as an object), one line each; empty when it conforms. */
export function schemaProblems(terraform: any): string[] {
  const { schema, removed } = load();
  const out: string[] = [];
  const sections: Array<["resource" | "data", Record<string, { block: SchemaBlock }>, Record<string, string[]>]> = [
    ["resource", schema.resource_schemas, removed.resource_schemas],
    ["data", schema.data_source_schemas, removed.data_source_schemas],
  ];
  for (const [section, schemas, removedBy] of sections) {
    for (const [type, instances] of Object.entries<Record<string, Record<string, unknown>>>(terraform[section] ?? {})) {
      const s = schemas[type];
      if (!s) {
        out.push(`${section}.${type}: not a ${section === "data" ? "data source" : "resource type"} of the provider schema`);
        continue;
      }
      for (const [name, body] of Object.entries(instances)) {
        checkBlock(body, s.block, `${section}.${type}.${name}`, new Set(removedBy[type] ?? []), "", out, true);
      }
    }
  }
  const providers = terraform.provider ?? {};
  for (const [name, configs] of Object.entries<Array<Record<string, unknown>>>(providers)) {
    if (name !== "alicloud") {
      out.push(`provider.${name}: not the alicloud provider`);
      continue;
    }
    configs.forEach((c, i) => {
      const { alias: _alias, ...rest } = c;
      checkBlock(rest, schema.provider.block, `provider.alicloud[${i}]`, new Set(), "", out, false);
    });
  }
  return out;
}
