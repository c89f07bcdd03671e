/**
 * Validation of a parsed document against its JSON Schema (the same schema editors use),
 * with ajv's errors rewritten as messages that say what to change: the nearest valid name
 * for a typo, the schema's own wording for a format, "write it without quotes" for a
 * number in quotes.
 */
import Ajv, { ErrorObject } from "ajv";
import { FieldPath, FieldProblem, describeValue } from "../model/fields";
import { nearest } from "./suggest";

export interface SchemaProblem extends FieldProblem {
  /** The problem is with the field's key (unknown field, bad name) rather than its value. */
  atKey: boolean;
}

export type SchemaCheck = (data: unknown) => SchemaProblem[];

/**
 * Compiles a schema into a check that returns every problem. Defaults the schema states
 * (`default`) are filled into the data, as a reader of the schema expects.
 */
export function compileSchema(schema: object): SchemaCheck {
  const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true });
  // Understood by editors (vscode-json-languageservice); the loader uses it for the same message.
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  const validate = ajv.compile(schema);
  return (data) => {
    if (validate(data)) return [];
    const errors = validate.errors ?? [];
    return withoutAlternatives(errors).flatMap((error) => toProblem(error, data) ?? []);
  };
}

/**
 * `anyOf` of required fields ("maxPercent or maxHosts") fails with one error per branch;
 * a reader needs one line naming the choice, not a claim that each field is required.
 */
function withoutAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const choices = errors.filter((e) => e.keyword === "anyOf" && fieldChoice(e.schema) !== undefined).map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => !choices.some((prefix) => e.schemaPath.startsWith(prefix)));
}

/** The field sets of an `anyOf` whose branches only require fields, e.g. [["maxPercent"], ["maxHosts"]]. */
function fieldChoice(anyOf: unknown): string[][] | undefined {
  if (!Array.isArray(anyOf)) return undefined;
  const sets = anyOf.map((b) => (Object.keys(b ?? {}).join() === "required" ? (b as { required: string[] }).required : undefined));
  return sets.every((s) => s !== undefined) ? (sets as string[][]) : undefined;
}

function toProblem(error: ErrorObject, root: unknown): SchemaProblem | undefined {
  const path = pointerToPath(error.instancePath, root);
  const data: unknown = error.data;
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: [...path, error.params.missingProperty as string], atKey: false, message: "required field is missing" };
    case "anyOf": {
      const choice = fieldChoice(error.schema);
      if (choice) return { path, atKey: false, message: `needs ${choice.map((fields) => fields.join(" and ")).join(" or ")}` };
      return { path, atKey: false, message: `${error.message ?? "is invalid"} (got ${describeValue(data)})` };
    }
    case "additionalProperties": {
      const field = error.params.additionalProperty as string;
      const known = Object.keys((parentSchema.properties ?? {}) as object);
      const guess = nearest(field, known);
      const hint = guess ? `did you mean "${guess}"?` : known.length > 0 ? `expected one of ${known.join(", ")}` : "remove it";
      return { path: [...path, field], atKey: true, message: `unknown field; ${hint}` };
    }
    case "propertyNames":
      // ajv reports the failing name itself as a separate error (with propertyName), handled below.
      return undefined;
    case "enum": {
      const allowed = error.params.allowedValues as unknown[];
      const guess = typeof data === "string" ? nearest(data, allowed.map(String)) : undefined;
      const got = `got ${describeValue(data)}${guess ? `; did you mean "${guess}"?` : ""}`;
      return { path, atKey: false, message: `must be one of ${allowed.join(", ")} (${got})` };
    }
    case "type": {
      // A string with a format (duration, image…) is better explained by its format than by "a string".
      const format = parentSchema.patternErrorMessage as string | undefined;
      const message = format ? `${format} (got ${describeValue(data)})` : typeMessage(error.params.type as string, data);
      return { path, atKey: false, message };
    }
    case "pattern": {
      const text = (parentSchema.patternErrorMessage as string | undefined) ?? `must match ${error.params.pattern}`;
      if (error.propertyName !== undefined) {
        return { path: [...path, error.propertyName], atKey: true, message: `name ${text} (got "${error.propertyName}")` };
      }
      return { path, atKey: false, message: `${text} (got ${describeValue(data)})` };
    }
    case "uniqueItems": {
      const later = error.params.i as number;
      const first = error.params.j as number;
      const items = data as unknown[];
      return { path: [...path, later], atKey: false, message: `${describeValue(items[later])} is listed twice (also item ${first})` };
    }
    case "minItems":
    case "minLength":
    case "minProperties":
      return { path, atKey: false, message: "must not be empty" };
    default:
      return { path, atKey: false, message: `${error.message ?? "is invalid"} (got ${describeValue(data)})` };
  }
}

/** A JSON pointer (ajv's instancePath) as a field path; indices become numbers where the data is an array. */
function pointerToPath(pointer: string, data: unknown): FieldPath {
  if (pointer === "") return [];
  const path: FieldPath = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list",
};

function typeMessage(expected: string, data: unknown): string {
  let message = `must be ${TYPE_NAMES[expected] ?? expected} (got ${describeValue(data)})`;
  if (expected === "string" && (typeof data === "number" || typeof data === "boolean")) {
    message += `; quote it: "${String(data)}"`;
  } else if ((expected === "integer" || expected === "number") && typeof data === "string" && data.trim() !== "" && !Number.isNaN(Number(data))) {
    message += "; write it without quotes";
  }
  return message;
}
