import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDesiredFile } from "../../../cli/runtime-input";
import { desired, pool } from "./fixtures";

const dir = mkdtempSync(join(tmpdir(), "dcp-desired-"));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
};

describe("--desired file", () => {
  test("a valid desired state is read as is", () => {
    const d = desired([pool("feed-api")]);
    expect(readDesiredFile(write("ok.json", d))).toEqual(d);
  });

  test.each([
    ["missing file", () => join(dir, "nope.json"), /nope\.json: not found/],
    ["not JSON", () => write("bad.json", "{ x"), /bad\.json: not valid JSON/],
    ["wrong version", () => write("v.json", { ...desired([]), version: 2 }), /field version is 2; must be 1/],
    ["unknown container type", () => write("t.json", desired([{ ...pool("a"), containerType: "dP9" as never }])), /field pools\[0\]\.containerType is "dP9"; must be one of dP01, dP02, dP03, dP04/],
    ["negative replicas", () => write("r.json", desired([{ ...pool("a"), effectiveReplicas: -1 }])), /field pools\[0\]\.effectiveReplicas is -1/],
    ["duplicate pool", () => write("d.json", desired([pool("a"), pool("a")])), /field pools\[1\]\.name "a" appears twice/],
    ["bad port", () => write("p.json", desired([{ ...pool("a"), ports: [{ name: "http", port: 70000 }] }])), /field pools\[0\]\.ports\[0\]\.port is 70000/],
  ])("%s is an error naming file and field", (_, file, message) => {
    expect(() => readDesiredFile(file())).toThrow(message);
  });
});
