/**
 * Whatever a pool file contains, the loader answers with a pool or with a PoolFileError
 * whose problems point inside the file: never a crash, never a position that does not exist.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { PoolFileError, loadPoolFile } from "../../../constructs/pool-files/load";

const example = fs.readFileSync(path.resolve(__dirname, "../../../stacks/pools/feed-api.yaml"), "utf8");

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dcp-pool-fuzz-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Edits a person might make by mistake: delete, insert or replace a few characters, or swap two lines. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ unit: fc.constantFrom(..." \t\n:-[]{},#&*!|>'\"0123456789abcXYZ"), maxLength: 6 }) }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
);

type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function apply(text: string, edits: Edit[]): string {
  for (const e of edits) {
    if (e.kind === "delete") {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + text.slice(at + e.length);
    } else if (e.kind === "insert") {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + e.text + text.slice(at);
    } else {
      const lines = text.split("\n");
      const a = e.a % lines.length;
      const b = e.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      text = lines.join("\n");
    }
  }
  return text;
}

test("mutated pool files load or fail with positions inside the file", () => {
  const file = path.join(dir, "feed-api.yaml");
  const outcomes = { loaded: 0, rejected: 0 };
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      const text = apply(example, edits);
      fs.writeFileSync(file, text);
      const lines = text.split("\n");
      try {
        const pool = loadPoolFile(file);
        expect(pool.name).toBe("feed-api");
        outcomes.loaded++;
      } catch (err) {
        expect(err).toBeInstanceOf(PoolFileError);
        outcomes.rejected++;
        for (const p of (err as PoolFileError).problems) {
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.line).toBeLessThanOrEqual(lines.length);
          expect(p.column).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeLessThanOrEqual(lines[p.line - 1].length + 1);
          expect(p.message.length).toBeGreaterThan(0);
        }
      }
    }),
    { numRuns: 300 },
  );
  // Both paths were taken: edits inside comments keep the file valid, most others do not.
  expect(outcomes.loaded).toBeGreaterThan(0);
  expect(outcomes.rejected).toBeGreaterThan(0);
});
