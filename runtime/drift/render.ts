/**
 * The report of `dcp drift` for the shared renderers (output/): a terminal table or a
 * Markdown comment, summary first, one section per kind of drift. Its JSON form is the
 * DriftReport itself, published as schema/drift.schema.json.
 */
import { Report } from "../../output";
import { DRIFT_KINDS, DriftKind, DriftReport } from "./types";

export const DRIFT_SCHEMA_ID = "https://dcp.local/schema/drift.schema.json";

const KIND_TITLES: Record<DriftKind, string> = {
  "missing-container": "Missing containers",
  "extra-container": "Extra containers",
  "spec-changed": "Wrong image or spec",
  "dead-upstream": "Upstreams pointing at containers that are gone",
  "upstream-edited": "Upstream values edited by hand",
  "assignment-mismatch": "Hosts assigned differently",
  "label-mismatch": "Hosts labelled differently",
  "unowned-entry": "Consul entries nobody owns",
  infrastructure: "Infrastructure changed outside Terraform",
};

export function driftReview(report: DriftReport): Report {
  const n = report.findings.length;
  const kinds = DRIFT_KINDS.filter((k) => report.counts[k] > 0);
  return {
    title: n === 0 ? "dcp drift: none" : `dcp drift: ${n} finding${n === 1 ? "" : "s"}`,
    summary:
      n === 0
        ? [`Live state matches the desired state (read at ${report.at}).`]
        : kinds.map((k) => `${KIND_TITLES[k]} (${k}): ${report.counts[k]}`),
    sections: kinds.map((kind) => ({
      title: KIND_TITLES[kind],
      headers: ["object", "expected", "actual", "why", "fix"],
      rows: report.findings.filter((f) => f.kind === kind).map((f) => [f.object, f.expected, f.actual, f.explanation, f.repair]),
    })),
    notes: [
      ...(n > 0 ? ["`dcp drift --fix` repairs findings whose fix is apply, upstream, remove or node-meta; manual ones need a person."] : []),
      ...report.notes,
    ],
  };
}
