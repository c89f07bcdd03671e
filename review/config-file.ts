/**
 * Loads a small YAML configuration file (price table, policy file) and validates it
 * against its JSON Schema. Every problem is reported as `file:line:col: field: message`
 * in one DcpError, so a reviewer fixes the file in one pass.
 */
import { readFileSync } from "node:fs";
import Ajv, { ErrorObject } from "ajv";
import { LineCounter, parseDocument, isNode, Document } from "yaml";
import { DcpError } from "../model/errors";

export function loadYamlConfig<T>(file: string, schema: object): T {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new DcpError(`${file}: cannot read: ${(err as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${file}:${pos ? `${pos.line}:${pos.col}` : "1:1"}: ${e.message.split("\n")[0]}`;
    });
    throw new DcpError(lines.join("\n"));
  }
  const data = doc.toJS() as unknown;
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(data)) {
    const lines = (validate.errors ?? []).map((e) => `${file}:${position(doc, lineCounter, e)}: ${field(e)}: ${message(e)}`);
    throw new DcpError(lines.join("\n"));
  }
  return data as T;
}

function segments(e: ErrorObject): string[] {
  return e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function field(e: ErrorObject): string {
  const path = segments(e);
  if (e.keyword === "additionalProperties") path.push(String(e.params.additionalProperty));
  if (e.keyword === "required") path.push(String(e.params.missingProperty));
  return path.length ? path.join(".") : "(top level)";
}

function message(e: ErrorObject): string {
  if (e.keyword === "additionalProperties") return "unknown field; remove it or check its spelling";
  if (e.keyword === "required") return "is required";
  if (e.keyword === "enum") return `must be one of ${(e.params.allowedValues as unknown[]).join(", ")}`;
  return e.message ?? e.keyword;
}

function position(doc: Document, lineCounter: LineCounter, e: ErrorObject): string {
  const path = segments(e);
  if (e.keyword === "additionalProperties") path.push(String(e.params.additionalProperty));
  // Walk down to the deepest node that exists; a missing field points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return "1:1";
}
