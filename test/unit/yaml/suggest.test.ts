import { editDistance, nearest } from "../../../yaml/suggest";

test("edit distance counts a swap of neighbours as one edit", () => {
  expect(editDistance("spread", "spread")).toBe(0);
  expect(editDistance("spraed", "spread")).toBe(1);
  expect(editDistance("replica", "replicas")).toBe(1);
  expect(editDistance("binpak", "binpack")).toBe(1);
  expect(editDistance("", "abc")).toBe(3);
  expect(editDistance("kitten", "sitting")).toBe(3);
});

test("nearest suggests close names, case-only differences, and nothing for unrelated words", () => {
  const fields = ["name", "image", "replicas", "healthCheck", "antiAffinity", "owner"];
  expect(nearest("replica", fields)).toBe("replicas");
  expect(nearest("healtcheck", fields)).toBe("healthCheck");
  expect(nearest("antiAfinity", fields)).toBe("antiAffinity");
  expect(nearest("OWNER", fields)).toBe("owner");
  expect(nearest("colour", fields)).toBeUndefined();
  // Short words need to be closer: "nme" is one edit from "name", "xyz" is nothing.
  expect(nearest("nme", fields)).toBe("name");
  expect(nearest("xyz", fields)).toBeUndefined();
});
