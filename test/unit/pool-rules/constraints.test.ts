import { DcpError } from "../../../model/errors";
import { CONSTRAINT, admits, constraintProblems, constraintText, parseConstraint, readConstraint } from "../../../model/pool-rules/constraints";

describe("constraint syntax", () => {
  test("key==value and key!=value parse into key, operator and value", () => {
    expect(readConstraint("zone==cn-beijing-h")).toEqual({ ok: true, constraint: { key: "zone", op: "==", value: "cn-beijing-h" } });
    expect(readConstraint("dcp_fleet!=yf-standard")).toEqual({ ok: true, constraint: { key: "dcp_fleet", op: "!=", value: "yf-standard" } });
  });

  test("a glob keeps its * in the value", () => {
    expect(readConstraint("zone==cn-beijing-*")).toEqual({ ok: true, constraint: { key: "zone", op: "==", value: "cn-beijing-*" } });
  });

  test("~ after the operator makes a preference (Swarm's soft constraint)", () => {
    expect(readConstraint("zone==~cn-beijing-h")).toEqual({ ok: true, constraint: { key: "zone", op: "==", value: "cn-beijing-h", soft: true } });
    expect(readConstraint("rack!=~r*")).toEqual({ ok: true, constraint: { key: "rack", op: "!=", value: "r*", soft: true } });
  });

  test.each([
    "zone=a", "zone==", "==a", "zone == a", " zone==a", "zone==a b", "zone<>a", "",
    // Swarm's regular expressions, and ~ anywhere but right after the operator
    "zone==/cn-beijing-[hi]/", "zone!=~/j$/", "~zone==a", "zone~=a", "zone==~", "zone==~~a",
  ])("%j is not a constraint, and the problem says what to write", (text) => {
    expect(readConstraint(text)).toEqual({ ok: false, problem: CONSTRAINT.message });
  });

  test("the problem shows the syntax, a glob and a preference, and what to write for a regular expression", () => {
    expect(CONSTRAINT.message).toBe(
      "must be key==value or key!=value, with * for any characters and ~ before the value for a preference " +
        "(e.g. zone==cn-beijing-*, zone==~cn-beijing-h); /regex/ is not supported, write a glob"
    );
    for (const example of ["zone==cn-beijing-*", "zone==~cn-beijing-h"]) expect(readConstraint(example).ok).toBe(true);
  });

  test("parseConstraint throws a DcpError naming where the constraint came from", () => {
    expect(parseConstraint("idc!=aliyun-bj")).toEqual({ key: "idc", op: "!=", value: "aliyun-bj" });
    expect(() => parseConstraint("idc=aliyun-bj", "stacks/pools/a.yaml: pool a")).toThrow(DcpError);
    expect(() => parseConstraint("idc=aliyun-bj", "stacks/pools/a.yaml: pool a")).toThrow('stacks/pools/a.yaml: pool a: invalid placement constraint "idc=aliyun-bj": must be key==value');
  });

  test.each(["zone==a", "zone!=a", "zone==cn-*", "zone==~a", "rack!=~r*"])("%s reads back as written", (text) => {
    expect(constraintText(parseConstraint(text))).toBe(text);
  });
});

describe("admits", () => {
  const eq = parseConstraint("zone==a");
  const ne = parseConstraint("zone!=a");
  test("== admits the value only; != everything else", () => {
    expect([admits(eq, "a"), admits(eq, "b"), admits(ne, "a"), admits(ne, "b")]).toEqual([true, false, false, true]);
  });
  test("a host without the attribute equals nothing: != admits it, == does not", () => {
    expect([admits(eq, undefined), admits(ne, undefined)]).toEqual([false, true]);
  });
  test("* matches any run of characters, none included, and the rest of the value literally", () => {
    const beijing = parseConstraint("zone==cn-beijing-*");
    expect(["cn-beijing-h", "cn-beijing-", "cn-beijing-long-name"].map((z) => admits(beijing, z))).toEqual([true, true, true]);
    expect(["cn-shanghai-a", "xcn-beijing-h", "cn-beijing"].map((z) => admits(beijing, z))).toEqual([false, false, false]);
    const middle = parseConstraint("node==yf-*-0*1");
    expect(["yf-rack7-001", "yf--01", "yf-a-0b-01"].map((n) => admits(middle, n))).toEqual([true, true, true]);
    expect(["yf-rack7-010", "yf-01", "yf-a-1"].map((n) => admits(middle, n))).toEqual([false, false, false]);
    expect(admits(parseConstraint("zone==a.c"), "abc")).toBe(false);
  });
  test("a glob matches no host without the attribute, not even *: key==* asks for the attribute, key!=* for its absence", () => {
    expect([admits(parseConstraint("gpu==*"), undefined), admits(parseConstraint("gpu==*"), "")]).toEqual([false, true]);
    expect([admits(parseConstraint("gpu!=*"), undefined), admits(parseConstraint("gpu!=*"), "a100")]).toEqual([true, false]);
  });
  test("a preference is met as the same constraint would be", () => {
    const soft = parseConstraint("zone!=~cn-beijing-*");
    expect([admits(soft, "cn-beijing-h"), admits(soft, "yf-a")]).toEqual([false, true]);
  });
});

test("constraintProblems names each malformed item of the list", () => {
  expect(constraintProblems(["zone==a", "zone=b", 3, "zone==/a|b/"])).toEqual([
    { path: ["placement", "constraints", 1], message: `${CONSTRAINT.message} (got "zone=b")` },
    { path: ["placement", "constraints", 2], message: "must be a string (got number 3)" },
    { path: ["placement", "constraints", 3], message: `${CONSTRAINT.message} (got "zone==/a|b/")` },
  ]);
  expect(constraintProblems(undefined)).toEqual([]);
  expect(constraintProblems("zone==a")).toEqual([{ path: ["placement", "constraints"], message: 'must be a list (got "zone==a")' }]);
});
