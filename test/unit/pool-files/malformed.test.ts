/**
 * Each fixture under fixtures/malformed/ is a pool file with one kind of mistake. The
 * problems it must produce are written at its end as `# expect: LINE:COLUMN FIELD: MESSAGE`
 * (MESSAGE is a prefix of the expected message); the loader must report exactly those.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PoolFileError, loadPoolFile } from "../../../constructs/pool-files/load";

const dir = path.join(__dirname, "fixtures", "malformed");
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

interface Expected {
  line: number;
  column: number;
  field: string;
  message: string;
}

function expectations(file: string): Expected[] {
  const found: Expected[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^# expect: (\d+):(\d+) (\S*): (.+)$/.exec(line);
    if (m) found.push({ line: Number(m[1]), column: Number(m[2]), field: m[3], message: m[4] });
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function problemsOf(file: string): PoolFileError {
  try {
    loadPoolFile(file);
  } catch (err) {
    if (err instanceof PoolFileError) return err;
    throw err;
  }
  throw new Error(`${file} loaded without error`);
}

test("there are at least 20 distinct malformed pool files, each with expectations", () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(20);
  for (const fixture of fixtures) expect(expectations(path.join(dir, fixture)).length).toBeGreaterThan(0);
});

describe.each(fixtures)("%s", (fixture) => {
  const file = path.join(dir, fixture);
  const shown = path.relative(process.cwd(), file);

  test("is rejected with exactly the expected problems, each at its line and column", () => {
    const error = problemsOf(file);
    const expected = expectations(file);
    const actual = error.problems.map((p) => ({ line: p.line, column: p.column, field: p.field, message: p.message }));
    for (const e of expected) {
      expect(actual).toContainEqual({ ...e, message: expect.stringMatching(new RegExp(`^${escapeRegExp(e.message)}`)) });
    }
    expect(actual).toHaveLength(expected.length);
  });

  test("names file, line, column and field in the message, one problem per line", () => {
    const error = problemsOf(file);
    const lines = error.message.split("\n");
    if (error.problems.length > 1) expect(lines[0]).toBe(`${error.problems.length} problems in pool files:`);
    for (const e of expectations(file)) {
      expect(lines).toContainEqual(expect.stringContaining(`${shown}:${e.line}:${e.column}: ${e.field ? `${e.field}: ` : ""}${e.message}`));
    }
  });
});
