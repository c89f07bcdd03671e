/** The published schema is checked on its own, without the loader: editors use it directly. */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import poolSchema from "../../../schema/pool.schema.json";

const examples = path.resolve(__dirname, "../../../stacks/pools");
const exampleFiles = fs.readdirSync(examples).filter((f) => f.endsWith(".yaml"));

function strictAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  return ajv;
}

test("is a valid draft-07 JSON Schema", () => {
  const ajv = strictAjv();
  expect(poolSchema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  expect(ajv.validateSchema(poolSchema)).toBe(true);
  expect(ajv.errors ?? null).toBeNull();
});

test("compiles in strict mode (no unknown keywords, no ambiguous types)", () => {
  expect(() => strictAjv().compile(poolSchema)).not.toThrow();
});

test.each(exampleFiles)("accepts the example %s", (file) => {
  const validate = strictAjv().compile(poolSchema);
  const data = parse(fs.readFileSync(path.join(examples, file), "utf8"));
  const valid = validate(data);
  expect(validate.errors ?? null).toBeNull();
  expect(valid).toBe(true);
});

test.each(exampleFiles)("example %s points editors at the schema", (file) => {
  expect(fs.readFileSync(path.join(examples, file), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../../schema/pool.schema.json");
});

test("rejects unknown fields at every level", () => {
  const validate = strictAjv().compile(poolSchema);
  const pool = { name: "a", image: "r/a:1", containerType: "dP01", replicas: 1, idcs: ["yf-private"], owner: "t" };
  expect(validate(pool)).toBe(true);
  expect(validate({ ...pool, extra: 1 })).toBe(false);
  expect(validate({ ...pool, placement: { strategy: "spread", extra: 1 } })).toBe(false);
  expect(validate({ ...pool, ports: [{ name: "http", port: 80, extra: 1 }] })).toBe(false);
  expect(validate({ ...pool, healthCheck: { path: "/", extra: 1 } })).toBe(false);
  expect(validate({ ...pool, upstream: { name: "a", extra: 1 } })).toBe(false);
  expect(validate({ ...pool, dependencies: [{ pool: "b", ratio: 1, extra: 1 }] })).toBe(false);
});

test("durations: positive, in ms, s, m or h, combinable", () => {
  const validate = strictAjv().compile(poolSchema.definitions.duration);
  for (const ok of ["500ms", "5s", "1m", "1h", "1m30s", "0.5s"]) expect(validate(ok)).toBe(true);
  for (const bad of ["0s", "5", "5 s", "5sec", "-1s", "", "s", 5]) expect(validate(bad)).toBe(false);
});
