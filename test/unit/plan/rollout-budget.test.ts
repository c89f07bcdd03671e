import { updateBudget } from "../../../model/rollout";
import { updateProblems } from "../../../model/pool-rules/update";

test("defaults are a Deployment's: 25% surge rounded up, 25% unavailable rounded down", () => {
  expect(updateBudget(undefined, 6)).toEqual({ surge: 2, unavailable: 1, floor: 5 });
  expect(updateBudget(undefined, 4)).toEqual({ surge: 1, unavailable: 1, floor: 3 });
  expect(updateBudget(undefined, 300)).toEqual({ surge: 75, unavailable: 75, floor: 225 });
});

test("counts and percentages; unavailable never exceeds the pool", () => {
  expect(updateBudget({ maxSurge: 0, maxUnavailable: 2 }, 6)).toEqual({ surge: 0, unavailable: 2, floor: 4 });
  expect(updateBudget({ maxSurge: "100%", maxUnavailable: 0 }, 3)).toEqual({ surge: 3, unavailable: 0, floor: 3 });
  expect(updateBudget({ maxSurge: 1, maxUnavailable: 10 }, 3)).toEqual({ surge: 1, unavailable: 3, floor: 0 });
});

test("percentages that both round to 0 allow one unavailable, so a roll always progresses", () => {
  expect(updateBudget({ maxSurge: "0%", maxUnavailable: "10%" }, 2)).toEqual({ surge: 0, unavailable: 1, floor: 1 });
  expect(updateBudget(undefined, 0)).toEqual({ surge: 0, unavailable: 0, floor: 0 });
});

test("bad values name the field and what to write", () => {
  expect(updateProblems({ maxSurge: 0, maxUnavailable: 0 })).toEqual([{ path: ["update", "maxUnavailable"], message: "may not be 0 when maxSurge is 0: nothing could move; allow a surge or one unavailable" }]);
  expect(updateProblems({ maxSurge: "150%" })).toEqual([{ path: ["update", "maxSurge"], message: 'must be a percentage 0%-100% such as 25% (got "150%")' }]);
  expect(updateProblems({ maxUnavailable: -1 })).toEqual([{ path: ["update", "maxUnavailable"], message: "must be >= 0 (got number -1)" }]);
  expect(() => updateBudget({ maxSurge: 0, maxUnavailable: "0%" }, 4)).toThrow(/update.maxUnavailable may not be 0 when maxSurge is 0/);
});
