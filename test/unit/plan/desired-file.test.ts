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
    ["unknown container type", () => write("t.json", desired([{ ...pool("a"), containerType: "dP9" as never }])), /field pools\[0\]\.containerType must be one of dP01, dP02, dP03, dP04 \(got "dP9"\)/],
    ["negative replicas", () => write("r.json", desired([{ ...pool("a"), effectiveReplicas: -1 }])), /field pools\[0\]\.effectiveReplicas must be >= 0 \(got number -1\)/],
    ["duplicate pool", () => write("d.json", desired([pool("a"), pool("a")])), /field pools\[1\]\.name "a" appears twice/],
    ["bad port", () => write("p.json", desired([{ ...pool("a"), ports: [{ name: "http", port: 70000 }] }])), /field pools\[0\]\.ports\[0\]\.port must be <= 65535 \(got number 70000\)/],
    ["bad pool name", () => write("n.json", desired([pool("Feed_API")])), /field pools\[0\]\.name must be 1-63 lower-case letters/],
    ["health check on an undeclared port", () => write("h.json", desired([{ ...pool("a"), healthCheck: { path: "/health", port: 9090, intervalSeconds: 5, timeoutSeconds: 2 } }])), /field pools\[0\]\.healthCheck\.port 9090 is not one of the pool's ports \(0\)/],
    ["upstream without ports", () => write("u.json", desired([{ ...pool("a"), ports: [], healthCheck: undefined }])), /field pools\[0\]\.upstream needs the pool's ports/],
    ["constraint syntax", () => write("c.json", desired([{ ...pool("a"), placement: { strategy: "spread", constraints: ["zone = a"] } }])), /field pools\[0\]\.placement\.constraints\[0\] must be key==value or key!=value/],
  ])("%s is an error naming file and field", (_, file, message) => {
    expect(() => readDesiredFile(file())).toThrow(message);
  });

  test("every problem of every pool is named at once, one line each", () => {
    const file = write("many.json", desired([{ ...pool("a"), image: "Bad Image" }, { ...pool("b"), upstream: { name: "b-b", weight: 0, maxFails: 2, failTimeoutSeconds: 10 } }]));
    expect(() => readDesiredFile(file)).toThrow(
      [
        `${file}: field pools[0].image must be an image reference like registry.local/feed-api:1.4.2 (lower-case repository, optional :tag or @sha256:digest) (got "Bad Image")`,
        `${file}: field pools[1].upstream.name must be letters, digits and '_' (an nginx upstream name), e.g. feed_api (got "b-b")`,
        `${file}: field pools[1].upstream.weight must be >= 1 (got number 0)`,
      ].join("\n"),
    );
  });
});
