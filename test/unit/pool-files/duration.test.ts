import { durationSeconds } from "../../../constructs/pool-files/duration";

test("durations convert to seconds", () => {
  expect(durationSeconds("500ms")).toBe(0.5);
  expect(durationSeconds("100ms")).toBe(0.1);
  expect(durationSeconds("5s")).toBe(5);
  expect(durationSeconds("1m30s")).toBe(90);
  expect(durationSeconds("2h")).toBe(7200);
  expect(durationSeconds("1.5s")).toBe(1.5);
});
