/**
 * The planner and the executor stay readable: no function in runtime/plan or runtime/apply
 * is longer than 80 lines (a function, method or arrow function, from its first line to its
 * last). Measured with the TypeScript compiler's own parser.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";

const REPO = join(__dirname, "..", "..", "..");
const FOLDERS = ["runtime/plan", "runtime/apply"];
const MAX_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      const name = (node as ts.FunctionDeclaration).name?.getText() ?? "(anonymous)";
      if (lines > MAX_LINES) found.push(`${relative(REPO, file)}:${first + 1} ${name}: ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("function length", () => {
  it(`keeps every function in ${FOLDERS.join(" and ")} within ${MAX_LINES} lines`, () => {
    const files = FOLDERS.flatMap((f) => sourceFiles(join(REPO, f)));
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap(longFunctions)).toEqual([]);
  });
});
