/**
 * The one YAML-against-a-schema pipeline (yaml/load.ts) on a small schema of its own:
 * every problem at once, each at the field's own line and column.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DcpError } from "../../../model/errors";
import { YamlFileType } from "../../../yaml/load";
import { YamlFileError } from "../../../yaml/problems";

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "size"],
  properties: {
    name: { type: "string", pattern: "^[a-z]+$", patternErrorMessage: "must be lower-case letters" },
    size: { type: "integer", minimum: 1 },
    mode: { enum: ["fast", "slow"], default: "slow" },
    limits: {
      type: "object",
      additionalProperties: false,
      anyOf: [{ required: ["cpu"] }, { required: ["memory"] }],
      properties: { cpu: { type: "number" }, memory: { type: "number" } },
    },
  },
};

interface Thing {
  name: string;
  size: number;
  mode: "fast" | "slow";
}

const things = new YamlFileType<Thing>({
  name: "thing file",
  holds: "thing",
  schema,
  rules: (data) => (data.name === "reserved" ? [{ path: ["name"], message: "is reserved" }] : []),
});

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dcp-yaml-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(text: string): string {
  const file = path.join(tmp, "thing.yaml");
  fs.writeFileSync(file, text);
  return file;
}

function problems(text: string): string[] {
  return things.read(write(text)).problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`);
}

test("a valid file loads with the schema's defaults filled in", () => {
  expect(things.load(write("name: box\nsize: 2\n"))).toEqual({ name: "box", size: 2, mode: "slow" });
});

test("every problem of a file comes at once, in line order, each at its field", () => {
  expect(problems("size: 0\nname: Box\nmdoe: fast\nlimits: {}\n")).toEqual([
    "1:7 size: must be >= 1 (got number 0)",
    '2:7 name: must be lower-case letters (got "Box")',
    '3:1 mdoe: unknown field; did you mean "mode"?',
    // A mapping is named at its key: that line is where a reader looks.
    "4:1 limits: needs cpu or memory",
  ]);
});

test("an unknown field points at its key, a missing one at the mapping that lacks it", () => {
  expect(problems("name: box\nlimits:\n  cpu: 1\n  colour: red\n")).toEqual([
    "1:1 size: required field is missing",
    "4:3 limits.colour: unknown field; expected one of cpu, memory",
  ]);
});

test("the caller's rules are positioned like the schema's", () => {
  expect(problems("size: 1\nname: reserved\n")).toEqual(["2:7 name: is reserved"]);
});

test("rules know which fields the schema found wrong, so one that restates the schema can leave them out", () => {
  const restating = new YamlFileType<Thing>({
    name: "thing file",
    holds: "thing",
    schema,
    rules: (_data, { schemaFound }) => [{ path: ["size"], message: "is too small" }].filter((p) => !schemaFound(p.path)),
  });
  const messages = (text: string) => restating.read(write(text)).problems.map((p) => `${p.field}: ${p.message}`);
  expect(messages("name: box\nsize: 0\n")).toEqual(["size: must be >= 1 (got number 0)"]);
  expect(messages("name: box\nsize: 2\n")).toEqual(["size: is too small"]);
});

test("keys written twice are named with both lines", () => {
  expect(problems("name: box\nsize: 1\nsize: 2\n")).toEqual(["3:1 size: field is written twice (first at line 2); keep one"]);
});

test("a file that is not one mapping says what it should hold", () => {
  expect(problems("")).toEqual([": file is empty; a thing file defines one thing (name, size)"].map((p) => `1:1 ${p}`));
  expect(problems("- name\n")).toEqual(["1:1 : must be a mapping of thing fields (name: …, size: …), got a list"]);
  expect(problems("name: a\nsize: 1\n---\nname: b\n")).toEqual(["3:1 : a thing file holds one thing; move this second YAML document (after ---) to its own file"]);
});

test("a YAML syntax error is the only problem reported: what follows it may not mean what it says", () => {
  expect(problems("name: [box\nsize: 0\n")).toEqual([expect.stringMatching(/^2:1 : YAML: Flow sequence in block collection/)]);
  expect(problems("name: box\n\tsize: 0\nmode: [\n")).toEqual([expect.stringMatching(/^2:1 : YAML: Tabs are not allowed .*\(fix this first: \d+ more YAML errors? after it may follow from it\)$/)]);
});

test("load throws one YamlFileError (a DcpError) listing every problem as file:line:column: field: message", () => {
  const file = write("size: 0\nname: Box\n");
  let error: unknown;
  try {
    things.load(file);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(YamlFileError);
  expect(error).toBeInstanceOf(DcpError);
  expect((error as Error).message.split("\n")).toEqual([
    `2 problems in thing file ${file}:`,
    `${file}:1:7: size: must be >= 1 (got number 0)`,
    `${file}:2:7: name: must be lower-case letters (got "Box")`,
  ]);
});

test("a file that cannot be read is a DcpError naming it", () => {
  const missing = path.join(tmp, "nope.yaml");
  expect(() => things.read(missing)).toThrow(new RegExp(`^${missing}: cannot read: ENOENT`));
});

test("files inside the working directory are shown relative to it", () => {
  const cwd = process.cwd();
  try {
    process.chdir(tmp);
    expect(things.read(write("name: box\nsize: 1\n")).file).toBe("thing.yaml");
  } finally {
    process.chdir(cwd);
  }
});
