/**
 * Loading a YAML file against its JSON Schema, in one pipeline: one document, YAML syntax,
 * keys written twice, the schema, then the caller's rules that a schema cannot state.
 * Every problem names file, line, column and field, and all are reported at once, so a
 * pull request needs one round, not ten. Pool files, price tables and policy files are
 * each a YamlFileType.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Document, Node, isMap, isScalar, isSeq, parseAllDocuments } from "yaml";
import { DcpError } from "../model/errors";
import { FieldPath, FieldProblem, describeValue, formatFieldPath } from "../model/fields";
import { Position, SourcePositions } from "./positions";
import { FileProblem, YamlFileError } from "./problems";
import { SchemaCheck, compileSchema } from "./schema";

export interface YamlFileKind {
  /** What a file of this kind is called in messages: "pool file", "price file". */
  name: string;
  /** What one file holds: "pool", "price table". */
  holds: string;
  /** The file's JSON Schema; its `required` fields are named when a file is empty. */
  schema: object & { required?: string[] };
  /** Rules the schema cannot state (between fields, say); they run after it. */
  rules?: (data: Record<string, unknown>, context: RuleContext) => FieldProblem[];
}

/** What reading one file found. */
export interface YamlDocument {
  /** The file as shown in problems: relative to the working directory when inside it. */
  file: string;
  /** The top-level mapping, once the file has one (it may still have problems). */
  data?: Record<string, unknown>;
  /** Where each field was written, once the file parsed. */
  positions?: SourcePositions;
  /** In line and column order; none when the file is valid. */
  problems: FileProblem[];
}

/**
 * What rules know besides the data. The data may have failed the schema too, so rules read
 * it defensively; a rule that restates the schema leaves out the fields it found wrong.
 */
export interface RuleContext {
  filePath: string;
  /** The schema found this field, or one that holds it, wrong. */
  schemaFound: (path: FieldPath) => boolean;
}

type Report = (at: Position, field: FieldPath, message: string) => void;

/** A kind of YAML file: its schema compiled once, read and loaded the same way each time. */
export class YamlFileType<T> {
  private readonly check: SchemaCheck;

  constructor(readonly kind: YamlFileKind) {
    this.check = compileSchema(kind.schema);
  }

  /** The file's data, valid against schema and rules, with the schema's defaults filled in; else a YamlFileError listing every problem. */
  load(filePath: string): T {
    const doc = this.read(filePath);
    if (doc.problems.length > 0) throw new YamlFileError(doc.problems, `${this.kind.name} ${doc.file}`);
    return doc.data as T;
  }

  /** Every problem of the file, and as much of it as could be read. Throws only when the file cannot be read at all. */
  read(filePath: string): YamlDocument {
    const file = shownPath(filePath);
    const text = readText(filePath, file);
    const problems: FileProblem[] = [];
    const report: Report = (at, field, message) => problems.push({ file, ...at, field: formatFieldPath(field), message });
    const parsed = parseOne(text, this.kind, report);
    if (!parsed) return { file, problems };
    const data = mappingOf(parsed.document, parsed.positions, this.kind, report);
    if (!data) return { file, problems, positions: parsed.positions };
    const schemaProblems = this.check(data);
    const schemaFound = (path: FieldPath) => schemaProblems.some((s) => isWithin(path, s.path));
    const ruleProblems = this.kind.rules?.(data, { filePath, schemaFound }) ?? [];
    for (const p of [...schemaProblems, ...ruleProblems.map((r) => ({ ...r, atKey: false }))]) report(parsed.positions.of(p.path, { key: p.atKey }), p.path, p.message);
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    return { file, data, positions: parsed.positions, problems };
  }
}

/** `path` is `outer` or a field inside it. */
function isWithin(path: FieldPath, outer: FieldPath): boolean {
  return outer.length <= path.length && outer.every((segment, i) => segment === path[i]);
}

function readText(filePath: string, file: string): string {
  try {
    return fs.readFileSync(filePath, "utf8");
  } catch (err) {
    throw new DcpError(`${file}: cannot read: ${(err as Error).message}`);
  }
}

/** The file's one YAML document, or undefined after reporting why there is none to read. */
function parseOne(text: string, kind: YamlFileKind, report: Report): { document: Document; positions: SourcePositions } | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  const document = docs[0] as Document | undefined;
  if (!document || document.contents === null) {
    report({ line: 1, column: 1 }, [], `file is empty; a ${kind.name} defines one ${kind.holds} (${(kind.schema.required ?? []).join(", ")})`);
    return undefined;
  }
  const positions = new SourcePositions(document, text);
  let ok = true;
  if (docs.length > 1) {
    report(positions.offset(docs[1].range[0]), [], `a ${kind.name} holds one ${kind.holds}; move this second YAML document (after ---) to its own file`);
    ok = false;
  }
  const yamlErrors = [...document.errors, ...document.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (yamlErrors.length > 0) {
    // After a syntax error the parser reports every following token too; the first is the one to fix.
    const more = yamlErrors.length - 1;
    const followUps = more > 0 ? ` (fix this first: ${more} more YAML error${more === 1 ? "" : "s"} after it may follow from it)` : "";
    report(positions.offset(yamlErrors[0].pos[0]), [], `YAML: ${yamlErrors[0].message}${followUps}`);
    ok = false;
  }
  return ok ? { document, positions } : undefined;
}

/** The document's top-level mapping as plain data, after reporting keys written twice. */
function mappingOf(document: Document, positions: SourcePositions, kind: YamlFileKind, report: Report): Record<string, unknown> | undefined {
  for (const duplicate of duplicateKeys(document.contents as Node, [])) {
    const first = positions.offset(duplicate.first.range![0]);
    report(positions.offset(duplicate.second.range![0]), duplicate.path, `field is written twice (first at line ${first.line}); keep one`);
  }
  let data: unknown;
  try {
    // An alias bomb (aliases of aliases) would otherwise expand without bound.
    data = document.toJS({ maxAliasCount: 100 });
  } catch (err) {
    report(positions.of([]), [], `YAML: ${(err as Error).message}`);
    return undefined;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    const example = (kind.schema.required ?? []).slice(0, 2).map((f) => `${f}: …`).join(", ");
    report(positions.of([]), [], `must be a mapping of ${kind.holds} fields (${example}), got ${describeValue(data)}`);
    return undefined;
  }
  return data as Record<string, unknown>;
}

/** Keys written twice in one mapping; YAML would silently keep the last. */
function duplicateKeys(node: Node, at: FieldPath): Array<{ path: FieldPath; first: Node; second: Node }> {
  const found: Array<{ path: FieldPath; first: Node; second: Node }> = [];
  if (isMap(node)) {
    const seen = new Map<string, Node>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const first = seen.get(key);
      if (first) found.push({ path: [...at, key], first, second: pair.key });
      else seen.set(key, pair.key);
      if (pair.value) found.push(...duplicateKeys(pair.value as Node, [...at, key]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => found.push(...duplicateKeys(item as Node, [...at, index])));
  }
  return found;
}

/** Paths inside the working directory are shown relative to it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative;
}
