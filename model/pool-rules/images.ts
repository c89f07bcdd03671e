/** Image references: [registry[:port]/]repository[:tag][@sha256:digest], as Docker reads them. */
import { FieldPath, FieldProblem } from "../fields";
import { PatternRule, patternProblems } from "./rule";

export const IMAGE: PatternRule = {
  pattern:
    /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
  message: "must be an image reference like registry.local/feed-api:1.4.2 (lower-case repository, optional :tag or @sha256:digest)",
};

export function imageProblems(value: unknown, path: FieldPath = ["image"]): FieldProblem[] {
  return patternProblems(IMAGE, value, path);
}
