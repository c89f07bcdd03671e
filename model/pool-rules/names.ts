/**
 * Names. Pool, IDC and fleet names end up in DNS names, container names and tags, so they
 * are DNS labels. Environment variable names are what a shell accepts.
 */
import { FieldPath, FieldProblem, isMapping } from "../fields";
import { PatternRule, patternProblems } from "./rule";

export const NAME: PatternRule = {
  pattern: /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
  message: "must be 1-63 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
};

export const ENV_NAME: PatternRule = {
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  message: "must be an environment variable name (letters, digits and '_', not starting with a digit)",
};

export function nameProblems(value: unknown, path: FieldPath): FieldProblem[] {
  return patternProblems(NAME, value, path);
}

/** The names of a pool's environment variables (their values are strings by type). */
export function envProblems(env: unknown, path: FieldPath = ["env"]): FieldProblem[] {
  if (!isMapping(env)) return [];
  return Object.keys(env)
    .filter((name) => !ENV_NAME.pattern.test(name))
    .map((name) => ({ path: [...path, name], message: `name ${ENV_NAME.message} (got "${name}")` }));
}
