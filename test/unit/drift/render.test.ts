import Ajv from "ajv";
import addFormats from "ajv-formats";
import schema from "../../../schema/drift.schema.json";
import { countByKind, detectDrift } from "../../../runtime/drift/detect";
import { DRIFT_SCHEMA_ID, driftReview } from "../../../runtime/drift/render";
import { renderJson, renderMarkdown, renderTable } from "../../../output";
import { DRIFT_KINDS, DriftReport } from "../../../runtime/drift/types";
import { OPTIONS, converged, hostOf } from "./fixture";

function drifted(): DriftReport {
  const world = converged();
  hostOf(world, "h3").containers = [];
  hostOf(world, "h4").fleet = "ghost | fleet";
  world.consul.kvKeys.push("dcp/leftover");
  world.consul.agentlessNodes.push("stray");
  return detectDrift(world.desired, world.inventory, world.consul, OPTIONS);
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe("drift outputs", () => {
  test("JSON validates against schema/drift.schema.json, with and without drift", () => {
    const validate = validator();
    const report = drifted();
    expect(report.findings.length).toBeGreaterThan(3);
    for (const r of [report, detectDrift(converged().desired, converged().inventory, converged().consul, OPTIONS)]) {
      const ok = validate(JSON.parse(renderJson(r, DRIFT_SCHEMA_ID)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  test("the schema rejects an unknown kind, so it is not a rubber stamp", () => {
    const validate = validator();
    const json = JSON.parse(renderJson(drifted(), DRIFT_SCHEMA_ID));
    json.findings[0].kind = "weird";
    expect(validate(json)).toBe(false);
  });

  test("schema and code list the same kinds", () => {
    expect([...schema.definitions.kind.enum].sort()).toEqual([...DRIFT_KINDS].sort());
  });

  test("table: the summary counts each kind, every finding is a row of its kind's section", () => {
    const report = drifted();
    const text = renderTable(driftReview({ ...report, notes: ["Terraform not checked"] }));
    expect(text.split("\n")[0]).toBe(`dcp drift: ${report.findings.length} findings`);
    expect(text).toContain("Missing containers (missing-container): 1");
    for (const f of report.findings) expect(text).toContain(f.object.slice(0, 20));
    expect(text).toContain('"max_fails":2');
    expect(text).toContain("- Terraform not checked");
    expect(renderTable(driftReview({ ...report, findings: [], counts: countByKind([]), notes: [] }))).toContain("Live state matches the desired state");
  });

  test("Markdown: summary first, details folded per kind, pipes escaped", () => {
    const md = renderMarkdown(driftReview(drifted()));
    expect(md.split("\n")[0]).toMatch(/^### dcp drift: \d+ findings$/);
    expect(md.indexOf("- Missing containers (missing-container): 1")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("<details><summary>Hosts labelled differently (1)</summary>");
    expect(md).toContain("fleet=ghost \\| fleet");
    expect(md).toContain("dcp drift --fix");
  });
});
