import fc from "fast-check";
import { deepDiff } from "../../../review/deep-diff";

describe("deepDiff", () => {
  test("leaf paths with before and after; cdktf metadata ignored", () => {
    const before = { "//": { metadata: { path: "a" } }, tags: { owner: "feed-team" }, list: [1, 2, 3], same: { x: 1 } };
    const after = { "//": { metadata: { path: "b" } }, tags: { owner: "search-team", cost: "cc" }, list: [1, 5], same: { x: 1 } };
    expect(deepDiff(before, after)).toEqual([
      { path: "list.1", before: 2, after: 5 },
      { path: "list.2", before: 3 },
      { path: "tags.cost", after: "cc" },
      { path: "tags.owner", before: "feed-team", after: "search-team" },
    ]);
  });

  test("a value changing shape is one change at that path", () => {
    expect(deepDiff({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: "a", before: [1], after: { 0: 1 } }]);
    expect(deepDiff({ a: null }, { a: {} })).toEqual([{ path: "a", before: null, after: {} }]);
  });

  test("a key named __proto__ is data, compared like any other", () => {
    expect(deepDiff({}, JSON.parse('{"__proto__": {"a": 1}}'))).toEqual([{ path: "__proto__", after: { a: 1 } }]);
  });

  test("properties: no diff with itself; a diff exists whenever the JSON differs", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(deepDiff(a, a)).toEqual([]);
        // Key order and cdktf's "//" metadata are not changes, so compare canonical forms.
        const canon = (v: unknown): string =>
          JSON.stringify(v, (_, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== "//").sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : x));
        expect(deepDiff(a, b).length > 0).toBe(canon(a) !== canon(b));
      }),
    );
  });
});
