import Ajv from "ajv";
import addFormats from "ajv-formats";
import schema from "../../../schema/drift.schema.json";
import { detectDrift } from "../../../runtime/drift/detect";
import { renderJson, renderMarkdown, renderTable } from "../../../runtime/drift/render";
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
      const ok = validate(JSON.parse(renderJson(r)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  test("the schema rejects an unknown kind, so it is not a rubber stamp", () => {
    const validate = validator();
    const json = JSON.parse(renderJson(drifted()));
    json.findings[0].kind = "weird";
    expect(validate(json)).toBe(false);
  });

  test("schema and code list the same kinds", () => {
    expect([...schema.definitions.kind.enum].sort()).toEqual([...DRIFT_KINDS].sort());
  });

  test("table: every finding's object, and the summary line", () => {
    const report = drifted();
    const text = renderTable({ ...report, notes: ["Terraform not checked"] });
    for (const f of report.findings) expect(text).toContain(f.kind);
    expect(text).toContain('"max_fails":2');
    expect(text).toMatch(/Drift: .*1 missing-container/);
    expect(text).toContain("note: Terraform not checked");
    expect(renderTable({ ...report, findings: [], notes: [] })).toContain("No drift");
  });

  test("Markdown: summary counts first, details folded, pipes escaped", () => {
    const md = renderMarkdown(drifted());
    const lines = md.split("\n");
    expect(lines[0]).toMatch(/^### dcp drift: \d+ finding\(s\)$/);
    expect(md.indexOf("| missing-container | 1 |")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("</details>");
    expect(md).toContain("fleet=ghost \\| fleet");
    expect(md).toContain("dcp drift --fix");
  });
});
