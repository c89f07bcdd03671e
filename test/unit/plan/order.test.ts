/** Phase 4 of the planner: waves in order; in a wave host changes, then up chains, then down chains; otherwise as made. */
import { orderChanges } from "../../../runtime/plan/order";
import { Change } from "../../../runtime/plan/types";

const change = (id: string, wave: number, direction: Change["direction"]): Change =>
  ({ kind: direction === "host" ? "assign-host" : direction === "up" ? "start" : "remove", wave, direction, chain: id, node: "h1", reason: "scale-out" }) as Change;

test("orders by wave, then host → up → down, keeping the order within each", () => {
  const input = [change("d1", 1, "down"), change("u1", 1, "up"), change("h9", 9, "host"), change("d0", 0, "down"), change("u2", 1, "up"), change("h1", 1, "host"), change("d2", 1, "down")];
  expect(orderChanges(input).map((c) => c.chain)).toEqual(["d0", "h1", "u1", "u2", "d1", "d2", "h9"]);
});

test("an empty plan stays empty, and the input is not reordered in place", () => {
  expect(orderChanges([])).toEqual([]);
  const input = [change("b", 2, "up"), change("a", 1, "up")];
  orderChanges(input);
  expect(input.map((c) => c.chain)).toEqual(["b", "a"]);
});
