/**
 * schema/pool.schema.json, published for editors, states the pool rules of model/pool-rules:
 * the same patterns and messages, number bounds and values. Every pattern, value list and
 * bound in the schema belongs to a rule here, so neither can change without the other.
 */
import poolSchema from "../../../schema/pool.schema.json";
import { CONTAINER_TYPE_NAMES } from "../../../model/container-types";
import { AUTOSCALE_COUNT, AUTOSCALE_TARGET, METRIC_FORMATS, METRIC_PER, PORT_NAME_REF, SERIES, STATS_PATH } from "../../../model/pool-rules/autoscale";
import { CONSTRAINT } from "../../../model/pool-rules/constraints";
import { RATIO } from "../../../model/pool-rules/dependencies";
import { HEALTH_PATH } from "../../../model/pool-rules/health-checks";
import { IMAGE } from "../../../model/pool-rules/images";
import { ENV_NAME, NAME } from "../../../model/pool-rules/names";
import { ANTI_AFFINITIES, PLACEMENT_STRATEGIES } from "../../../model/pool-rules/placement";
import { REPLICAS } from "../../../model/pool-rules/pool";
import { PORT_NAME, PORT_NUMBER } from "../../../model/pool-rules/ports";
import { NumberRule, PatternRule } from "../../../model/pool-rules/rule";
import { MAX_FAILS, UPSTREAM_NAME, UPSTREAM_WEIGHT } from "../../../model/pool-rules/upstreams";
import { STATUS_PATH, STATUS_URL } from "../../../model/pool-rules/consumers";
import { BUDGET_COUNT, BUDGET_PERCENTAGE, CANARY_COUNT } from "../../../model/pool-rules/update";
import { CONSUMER_FORMATS } from "../../../model/take-down";

const PATTERNS: Record<string, PatternRule> = {
  "/properties/name": NAME,
  "/definitions/identifier": NAME,
  "/properties/dependencies/items/properties/pool": NAME,
  "/properties/env/propertyNames": ENV_NAME,
  "/properties/image": IMAGE,
  "/properties/ports/items/properties/name": PORT_NAME,
  "/properties/healthCheck/properties/path": HEALTH_PATH,
  "/properties/upstream/properties/name": UPSTREAM_NAME,
  "/properties/placement/properties/constraints/items": CONSTRAINT,
  "/properties/upstream/properties/consumers/properties/status/items/properties/url": STATUS_URL,
  "/properties/follows/properties/upstreams/items": UPSTREAM_NAME,
  "/properties/follows/properties/status/properties/path": STATUS_PATH,
  "/definitions/intOrPercent/oneOf/1": BUDGET_PERCENTAGE,
  "/properties/autoscale/properties/metric/properties/requestsPerSecond/properties/entryPool": NAME,
  "/properties/autoscale/properties/metric/properties/requestsPerSecond/properties/port": PORT_NAME_REF,
  "/properties/autoscale/properties/metric/properties/requestsPerSecond/properties/path": STATS_PATH,
  "/properties/autoscale/properties/metric/properties/prometheus/properties/series": SERIES,
};

const NUMBERS: Record<string, NumberRule> = {
  "/properties/replicas": REPLICAS,
  "/definitions/port": PORT_NUMBER,
  "/properties/upstream/properties/weight": UPSTREAM_WEIGHT,
  "/properties/upstream/properties/maxFails": MAX_FAILS,
  "/properties/dependencies/items/properties/ratio": RATIO,
  "/definitions/intOrPercent/oneOf/0": BUDGET_COUNT,
  "/properties/update/properties/canary": CANARY_COUNT,
  "/properties/autoscale/properties/min": AUTOSCALE_COUNT,
  "/properties/autoscale/properties/max": AUTOSCALE_COUNT,
  "/properties/autoscale/properties/target": AUTOSCALE_TARGET,
  "/properties/autoscale/properties/schedule/items/properties/min": AUTOSCALE_COUNT,
};

const VALUES: Record<string, readonly string[]> = {
  "/properties/containerType": CONTAINER_TYPE_NAMES,
  "/properties/placement/properties/strategy": PLACEMENT_STRATEGIES,
  "/properties/placement/properties/antiAffinity": ANTI_AFFINITIES,
  "/definitions/statusFormat": CONSUMER_FORMATS,
  "/properties/autoscale/properties/metric/properties/requestsPerSecond/properties/format": METRIC_FORMATS,
  "/properties/autoscale/properties/metric/properties/prometheus/properties/per": METRIC_PER,
};

/** The file format's own: constructs/pool-files/duration.ts reads this pattern from the schema. */
const FILE_FORMAT = ["/definitions/duration"];

type Node = Record<string, any>;

function at(pointer: string): Node {
  return pointer.split("/").slice(1).reduce<Node>((node, key) => node[key], poolSchema as Node);
}

/** Every schema node (by JSON pointer) that states a pattern, a value list or a number bound. */
function ruleNodes(node: Node = poolSchema as Node, pointer = ""): string[] {
  const own = ["pattern", "enum", "minimum", "maximum", "exclusiveMinimum"].some((k) => k in node) ? [pointer] : [];
  const children = Object.entries(node).flatMap(([key, child]) => (child && typeof child === "object" && !Array.isArray(child) ? ruleNodes(child, `${pointer}/${key}`) : []));
  return [...own, ...children];
}

test.each(Object.entries(PATTERNS))("%s has the rule's pattern and message", (pointer, rule) => {
  const node = at(pointer);
  expect({ pattern: new RegExp(node.pattern).source, message: node.patternErrorMessage }).toEqual({ pattern: rule.pattern.source, message: rule.message });
});

test.each(Object.entries(NUMBERS))("%s has the rule's type and bounds", (pointer, rule) => {
  const { type, minimum, maximum, exclusiveMinimum } = at(pointer);
  expect(JSON.parse(JSON.stringify({ integer: type === "integer", minimum, maximum, exclusiveMinimum }))).toEqual(rule);
});

test.each(Object.entries(VALUES))("%s lists the rule's values", (pointer, values) => {
  expect(at(pointer).enum).toEqual([...values]);
});

test("IDC lists are not empty and name each IDC once; the owner is not empty", () => {
  expect(at("/properties/idcs")).toMatchObject({ minItems: 1, uniqueItems: true, items: { $ref: "#/definitions/identifier" } });
  expect(at("/properties/owner")).toMatchObject({ type: "string", minLength: 1 });
});

test("every pattern, value list and bound in the schema belongs to a rule", () => {
  const known = [...Object.keys(PATTERNS), ...Object.keys(NUMBERS), ...Object.keys(VALUES), ...FILE_FORMAT];
  expect(ruleNodes().filter((p) => !known.includes(p))).toEqual([]);
});
