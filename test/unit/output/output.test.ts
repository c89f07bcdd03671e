/** output/: one document, printed as the flags ask. */
import { Report, renderJson, renderMarkdown, renderOutput, renderTable } from "../../../output";

const report: Report = {
  title: "dcp thing: 1 change",
  summary: ["pool a: replicas 1 → 2 (+1)"],
  sections: [{ title: "Pools", headers: ["pool", "replicas"], rows: [["a", "2"]] }],
  notes: ["example prices"],
};
const document = { changed: true, pools: [{ pool: "a", replicas: 2 }] };

test("JSON is the document, indented, with its schema named first and one trailing newline", () => {
  const text = renderJson(document, "https://dcp.local/schema/thing.json");
  expect(text.endsWith("}\n")).toBe(true);
  expect(Object.keys(JSON.parse(text))).toEqual(["$schema", "changed", "pools"]);
  expect(renderJson(document)).toBe(JSON.stringify(document, null, 2) + "\n");
});

test("--json prints the document without building the report; --markdown the comment; else the table", () => {
  const unused = () => {
    throw new Error("the report is not needed for JSON");
  };
  expect(renderOutput({ json: true }, { json: document, report: unused })).toBe(renderJson(document));
  expect(renderOutput({ markdown: true }, { json: document, report: () => report })).toBe(renderMarkdown(report));
  expect(renderOutput({}, { json: document, report: () => report })).toBe(renderTable(report));
  expect(renderMarkdown(report)).toMatch(/^### dcp thing: 1 change\n\n- pool a: replicas 1 → 2 \(\+1\)\n/);
  expect(renderTable(report)).toMatch(/^dcp thing: 1 change\n\n  pool a: replicas 1 → 2 \(\+1\)\n/);
});
