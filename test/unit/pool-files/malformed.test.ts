/**
 * Each malformed fixture must be rejected by the loader with exactly the problems written
 * at its end (see expectations.ts), each at its line and column.
 */
import * as path from "node:path";
import { PoolFileError, loadPoolFile } from "../../../constructs/pool-files/load";
import { expectations, malformedDir as dir, malformedFixtures as fixtures } from "./expectations";

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
