/**
 * Output of dcp's reporting commands: JSON for CI, a Markdown comment for pull requests,
 * a table for people. A command builds its document (for JSON) and its Report (for the
 * other two), and prints what the flags ask for.
 */
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { Report } from "./report";
import { renderTable } from "./table";

export { renderJson } from "./json";
export { renderMarkdown } from "./markdown";
export { renderTable } from "./table";
export type { Report, ReportSection } from "./report";
export { signed } from "./report";

export interface OutputFlags {
  json?: boolean;
  markdown?: boolean;
}

/** The document as the flags ask: `--json`, `--markdown`, else a table. */
export function renderOutput(flags: OutputFlags, document: { json: object; schemaId?: string; report: () => Report }): string {
  if (flags.json) return renderJson(document.json, document.schemaId);
  return flags.markdown ? renderMarkdown(document.report()) : renderTable(document.report());
}
