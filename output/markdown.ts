/**
 * Pull-request comment, in the manner of Atlantis and Infracost: the summary first (one
 * line each, readable without expanding anything), details folded in <details>.
 */
import { Report } from "./report";

/** GitHub comments are limited to 65,536 characters; long details are cut to stay under. */
const MAX_CHARS = 60_000;

export function renderMarkdown(report: Report): string {
  const head: string[] = [`### ${escape(report.title)}`, ""];
  for (const line of report.summary) head.push(`- ${escape(line)}`);
  const tail: string[] = [];
  if (report.notes.length) {
    tail.push("", "> **Notes**");
    for (const n of report.notes) tail.push(`> - ${escape(n)}`);
  }
  const fixed = head.join("\n").length + tail.join("\n").length;
  const body: string[] = [];
  let budget = MAX_CHARS - fixed;
  for (const s of report.sections) {
    const lines = ["", `<details><summary>${escape(s.title)} (${s.rows.length})</summary>`, ""];
    if (s.rows.length === 0) lines.push(s.empty ?? "none");
    else {
      lines.push(`| ${s.headers.map(escape).join(" | ")} |`, `| ${s.headers.map(() => "---").join(" | ")} |`);
      for (const [i, r] of s.rows.entries()) {
        const row = `| ${r.map(escape).join(" | ")} |`;
        if (budget - row.length < 500) {
          lines.push("", `…${s.rows.length - i} more rows; see the JSON output (\`--json\`) for all of them.`);
          break;
        }
        budget -= row.length + 1;
        lines.push(row);
      }
    }
    lines.push("", "</details>");
    body.push(...lines);
  }
  return [...head, ...body, ...tail].join("\n") + "\n";
}

/** Table cells and summaries must not break the Markdown table or inject HTML. */
function escape(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\n/g, "<br>");
}
