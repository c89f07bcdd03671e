import { DcpError } from "../../../model/errors";
import { admits, constraintProblems, parseConstraint, readConstraint } from "../../../model/pool-rules/constraints";

describe("constraint syntax", () => {
  test("key==value and key!=value parse into key, operator and value", () => {
    expect(readConstraint("zone==cn-beijing-h")).toEqual({ ok: true, constraint: { key: "zone", op: "==", value: "cn-beijing-h" } });
    expect(readConstraint("dcp_fleet!=yf-standard")).toEqual({ ok: true, constraint: { key: "dcp_fleet", op: "!=", value: "yf-standard" } });
  });

  test.each(["zone=a", "zone==", "==a", "zone == a", " zone==a", "zone==a b", "zone<>a", ""])("%j is not a constraint, and the problem says what to write", (text) => {
    expect(readConstraint(text)).toEqual({ ok: false, problem: "must be key==value or key!=value, e.g. zone!=cn-beijing-j" });
  });

  test("parseConstraint throws a DcpError naming where the constraint came from", () => {
    expect(parseConstraint("idc!=aliyun-bj")).toEqual({ key: "idc", op: "!=", value: "aliyun-bj" });
    expect(() => parseConstraint("idc=aliyun-bj", "stacks/pools/a.yaml: pool a")).toThrow(DcpError);
    expect(() => parseConstraint("idc=aliyun-bj", "stacks/pools/a.yaml: pool a")).toThrow('stacks/pools/a.yaml: pool a: invalid placement constraint "idc=aliyun-bj": must be key==value');
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
});

test("constraintProblems names each malformed item of the list", () => {
  expect(constraintProblems(["zone==a", "zone=b", 3])).toEqual([
    { path: ["placement", "constraints", 1], message: 'must be key==value or key!=value, e.g. zone!=cn-beijing-j (got "zone=b")' },
    { path: ["placement", "constraints", 2], message: "must be a string (got number 3)" },
  ]);
  expect(constraintProblems(undefined)).toEqual([]);
  expect(constraintProblems("zone==a")).toEqual([{ path: ["placement", "constraints"], message: 'must be a list (got "zone==a")' }]);
});
