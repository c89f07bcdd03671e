/**
 * The floors of dcp, lowest first. A module may import its own floor and the floors below
 * it, never one above; no import circle is allowed anywhere. `npm run check:layers` (and
 * the unit test test/unit/architecture/layers.test.ts) runs this rule file.
 *
 * Inside the fourth floor the order is constructs → cost → policies → review: a review
 * runs the policies over costed changes to constructs, not the other way round.
 */
const FLOORS = [
  { name: "model", paths: ["^model/", "^output/", "^yaml/", "^\\.gen/"], note: "domain types and contracts, errors, output rendering, YAML loading, generated bindings" },
  { name: "runtime core", paths: ["^runtime/scheduler/", "^runtime/plan/", "^runtime/autoscale/"], note: "pure: scheduler, planner, autoscale rule" },
  { name: "runtime shell", paths: ["^runtime/", "^local-site/"], note: "Docker, Consul, Terraform, apply, drift; the local site's daemons" },
  { name: "constructs", paths: ["^constructs/"], note: "cdktf constructs and synth" },
  { name: "cost", paths: ["^cost/"], note: "prices and cost of a desired state or a live fleet" },
  { name: "policies", paths: ["^policies/"], note: "checks over a reviewed change" },
  { name: "review", paths: ["^review/"], note: "plan comparison across revisions" },
  { name: "cli", paths: ["^cli/", "^stacks/", "^bench/", "^main\\.ts$"], note: "the dcp command, the example stacks, benchmarks" },
];

const pathOf = (floor) => `(${floor.paths.join("|")})`;

/** Paths of a floor minus those of the floors below it (e.g. runtime/ without runtime/plan/). */
function floorPath(index) {
  const lower = FLOORS.slice(0, index).map(pathOf);
  return { path: pathOf(FLOORS[index]), ...(lower.length ? { pathNot: lower.join("|") } : {}) };
}

const upward = FLOORS.slice(0, -1).map((floor, i) => ({
  name: `no-upward-from-${floor.name.replace(/ /g, "-")}`,
  comment: `${floor.name} (${floor.note}) must not import a floor above it`,
  severity: "error",
  from: floorPath(i),
  to: { path: FLOORS.slice(i + 1).map(pathOf).join("|"), pathNot: FLOORS.slice(0, i + 1).map(pathOf).join("|") },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-circular",
      comment: "modules that import each other cannot be read or tested one at a time",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|test|cdktf\\.out|dist)/" },
    tsPreCompilationDeps: true,
    moduleSystems: ["cjs", "es6"],
  },
};
