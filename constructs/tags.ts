import { IAspect, TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

const TAGS = Symbol.for("dcp.tags");

/** Declares tags for every taggable resource under `scope`; inner scopes override outer ones. */
export function addTags(scope: IConstruct, tags: Record<string, string | undefined>): void {
  const own = ((scope as unknown as Record<symbol, Record<string, string>>)[TAGS] ??= {});
  for (const [k, v] of Object.entries(tags)) if (v !== undefined && v !== "") own[k] = v;
}

interface Taggable {
  tags: Record<string, string>;
  readonly tagsInput: Record<string, string> | undefined;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return node instanceof TerraformResource && "tagsInput" in node;
}

/** Applies the tags declared with {@link addTags} on a resource's scopes to the resource. */
export class TagResources implements IAspect {
  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const merged: Record<string, string> = {};
    for (const scope of node.node.scopes) Object.assign(merged, (scope as unknown as Record<symbol, Record<string, string>>)[TAGS] ?? {});
    node.tags = { ...merged, ...(node.tagsInput ?? {}) };
  }
}
