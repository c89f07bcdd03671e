/** Terminal output: summary lines, then one cli-table3 table per section. */
import Table from "cli-table3";
import { Report } from "./report";

export function renderTable(report: Report): string {
  const out: string[] = [report.title, ""];
  for (const line of report.summary) out.push(`  ${line}`);
  for (const s of report.sections) {
    out.push("", `${s.title}:`);
    if (s.rows.length === 0) {
      out.push(`  ${s.empty ?? "none"}`);
      continue;
    }
    const table = new Table({ head: s.headers, style: { head: [], border: [] }, wordWrap: true });
    for (const r of s.rows) table.push(r);
    out.push(table.toString());
  }
  if (report.notes.length) {
    out.push("", "Notes:");
    for (const n of report.notes) out.push(`  - ${n}`);
  }
  return out.join("\n") + "\n";
}
