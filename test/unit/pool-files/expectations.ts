/**
 * Each fixture under fixtures/malformed/ is a pool file with one kind of mistake. The
 * problems it must produce are written at its end as `# expect: LINE:COLUMN FIELD: MESSAGE`
 * (MESSAGE is a prefix of the expected message).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const malformedDir = path.join(__dirname, "fixtures", "malformed");
export const malformedFixtures = fs.readdirSync(malformedDir).filter((f) => f.endsWith(".yaml")).sort();

export interface Expected {
  line: number;
  column: number;
  field: string;
  message: string;
}

export function expectations(file: string): Expected[] {
  const found: Expected[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^# expect: (\d+):(\d+) (\S*): (.+)$/.exec(line);
    if (m) found.push({ line: Number(m[1]), column: Number(m[2]), field: m[3], message: m[4] });
  }
  return found;
}
