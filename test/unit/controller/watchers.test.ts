import { healthChanges } from "../../../runtime/controller/watchers";

test("a health change names the check and both statuses, and a new or vanished check is not a change", () => {
  const before = new Map([["h1/dcp-web-00000-ab", "passing"], ["h2/serfHealth", "passing"], ["h3/dcp-web-00001-ab", "critical"]]);
  const after = new Map([["h1/dcp-web-00000-ab", "critical"], ["h2/serfHealth", "passing"], ["h4/dcp-web-00002-ab", "passing"]]);
  expect(healthChanges(before, after)).toEqual(["h1/dcp-web-00000-ab passing → critical"]);
});
