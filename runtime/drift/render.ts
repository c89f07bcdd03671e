/**
 * The three outputs of `dcp drift`: a terminal table, JSON (schema/drift.schema.json)
 * and a Markdown comment for an issue or pull request (summary first, details folded).
 */
import Table from "cli-table3";
import { DRIFT_KINDS, DriftFinding, DriftReport } from "./types";

export const DRIFT_SCHEMA_ID = "https://dcp.dev/schema/drift.schema.json";

export function renderJson(report: DriftReport): string {
  return JSON.stringify({ $schema: DRIFT_SCHEMA_ID, ...report }, null, 2);
}

export function renderTable(report: DriftReport): string {
  const lines: string[] = [];
  if (report.findings.length === 0) {
    lines.push("No drift: live state matches the desired state.");
  } else {
    // No colours: the table is read in CI logs as often as in a terminal.
    const widths = [21, 34, 28, 28, 44, 10];
    const table = new Table({ head: ["kind", "object", "expected", "actual", "why", "fix"], colWidths: widths, wordWrap: true, style: { head: [], border: [] } });
    for (const f of report.findings) {
      const cells = [f.kind, f.object, f.expected, f.actual, f.explanation, f.repair];
      table.push(cells.map((text, i) => breakLongWords(text, widths[i] - 2)));
    }
    lines.push(table.toString());
    lines.push(`Drift: ${summaryLine(report)}.`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}

export function renderMarkdown(report: DriftReport): string {
  const lines: string[] = [];
  if (report.findings.length === 0) {
    lines.push("### dcp drift: none", "", `Live state matches the desired state (read at ${report.at}).`);
  } else {
    lines.push(`### dcp drift: ${report.findings.length} finding(s)`, "", `Read at ${report.at}.`, "");
    lines.push("| kind | findings |", "|---|---:|");
    for (const kind of DRIFT_KINDS) if (report.counts[kind] > 0) lines.push(`| ${kind} | ${report.counts[kind]} |`);
    lines.push("", "<details><summary>Details</summary>", "");
    lines.push("| kind | object | expected | actual | why | fix |", "|---|---|---|---|---|---|");
    for (const f of report.findings) lines.push(markdownRow(f));
    lines.push("", "</details>");
    lines.push("", "Run `dcp drift --fix` to repair what dcp can (fix: apply, upstream, remove); `manual` findings need a person.");
  }
  if (report.notes.length > 0) lines.push("", ...report.notes.map((n) => `> ${n}`));
  return lines.join("\n") + "\n";
}

/** Words wrap at spaces; a word longer than the column (a KV value, a key) is split so it is shown whole. */
function breakLongWords(text: string, width: number): string {
  return text
    .split(" ")
    .map((word) => (word.length <= width ? word : word.match(new RegExp(`.{1,${width}}`, "g"))!.join("\n")))
    .join(" ");
}

function summaryLine(report: DriftReport): string {
  return DRIFT_KINDS.filter((k) => report.counts[k] > 0)
    .map((k) => `${report.counts[k]} ${k}`)
    .join(", ");
}

function markdownRow(f: DriftFinding): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return `| ${f.kind} | \`${cell(f.object)}\` | ${cell(f.expected)} | ${cell(f.actual)} | ${cell(f.explanation)} | ${f.repair} |`;
}
