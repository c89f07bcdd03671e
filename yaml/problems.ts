import { DcpError } from "../model/errors";

/** One problem in a file, at the place an editor should jump to. */
export interface FileProblem {
  /** The file as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Field path, e.g. "placement.strategy" or "ports[1].port"; empty for the whole file. */
  field: string;
  message: string;
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`;
}

/**
 * Every problem found in one or more files, one per line, in `file:line:column: field:
 * message` form so that editors and terminals can jump to each.
 */
export class YamlFileError extends DcpError {
  /** `files` names what was read, for the heading above several problems: "pool files". */
  constructor(
    readonly problems: FileProblem[],
    files: string,
  ) {
    const lines = problems.map(formatProblem);
    super(problems.length === 1 ? lines[0] : [`${problems.length} problems in ${files}:`, ...lines].join("\n"));
    this.name = "YamlFileError";
  }
}
