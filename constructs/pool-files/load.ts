/**
 * Pool files: one pool per YAML file under stacks/pools/, read through the YAML pipeline
 * (yaml/load.ts) against schema/pool.schema.json and the pool rules (model/pool-rules).
 * Every problem names file, line, column and field, and all problems are reported at
 * once so that a pull request needs one round, not ten. The loader converts the file
 * format (durations → seconds) and applies no defaults: those belong to the ServicePool
 * construct.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DcpError } from "../../model/errors";
import { ContainerTypeName } from "../../model/container-types";
import { AutoscaleDefinition } from "../../model/autoscale";
import { DependencySpec, PlacementStrategy, PoolDefinition, PortSpec } from "../../model/desired-state";
import { FieldPath, FieldProblem, formatFieldPath, isMapping } from "../../model/fields";
import { PoolFields, poolProblems } from "../../model/pool-rules";
import { RuleContext, YamlFileType, shownPath } from "../../yaml/load";
import { Position, SourcePositions } from "../../yaml/positions";
import { FileProblem } from "../../yaml/problems";
import poolSchema from "../../schema/pool.schema.json";
import { IntOrPercent } from "../../model/rollout";
import { ConsumerFormat } from "../../model/take-down";
import { DURATION, durationSeconds } from "./duration";
import { PoolFileError } from "./error";

export { PoolFileError } from "./error";

/** A pool file as written, once it matches the schema. */
interface PoolFile {
  name: string;
  image: string;
  containerType: ContainerTypeName;
  replicas: number;
  idcs: string[];
  ports?: PortSpec[];
  healthCheck?: { path: string; port?: number; interval?: string; timeout?: string };
  upstream?: {
    name: string;
    weight?: number;
    maxFails?: number;
    failTimeout?: string;
    consumers?: { followWithin?: string; status?: Array<{ url: string; format?: ConsumerFormat }> };
  };
  placement?: { strategy?: PlacementStrategy; antiAffinity?: "host"; constraints?: string[] };
  dependencies?: DependencySpec[];
  autoscale?: Omit<AutoscaleDefinition, "scaleOutCooldownSeconds" | "scaleInCooldownSeconds" | "schedule"> & {
    scaleOutCooldown?: string;
    scaleInCooldown?: string;
    schedule?: Array<{ name?: string; cron: string; duration: string; min: number; timezone?: string }>;
  };
  owner: string;
  costCentre?: string;
  env?: Record<string, string>;
  command?: string[];
  update?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent; canary?: number };
  stopGracePeriod?: string;
  follows?: PoolDefinition["follows"];
}

interface FileResult {
  file: string;
  pool?: PoolDefinition;
  /** Where the `name` field is, for naming both places of a pool defined twice. */
  name?: { value: string; at: Position };
  problems: FileProblem[];
}

/** Loads and validates one pool file; throws PoolFileError listing all of its problems. */
export function loadPoolFile(file: string): PoolDefinition {
  const result = readPoolFile(file);
  if (result.problems.length > 0) throw new PoolFileError(result.problems);
  return result.pool!;
}

/**
 * Loads every `*.yaml` / `*.yml` file of `dir` (not recursive), in file-name order.
 * Throws one PoolFileError with the problems of all files, including pools defined twice.
 */
export function loadPoolFiles(dir: string): PoolDefinition[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new DcpError(`pool file directory ${shownPath(dir)} does not exist`);
  }
  const files = fs
    .readdirSync(dir)
    .filter((entry) => /\.ya?ml$/.test(entry) && !entry.startsWith("."))
    .sort()
    .map((entry) => path.join(dir, entry));
  const results = files.map(readPoolFile);
  const problems = results.flatMap((r) => r.problems);
  const firstByName = new Map<string, FileResult>();
  for (const result of results) {
    if (!result.name) continue;
    const first = firstByName.get(result.name.value);
    if (!first) {
      firstByName.set(result.name.value, result);
      continue;
    }
    const at = first.name!.at;
    problems.push({
      file: result.file,
      ...result.name.at,
      field: "name",
      message: `pool "${result.name.value}" is defined twice: here and at ${first.file}:${at.line}:${at.column}`,
    });
  }
  if (problems.length > 0) throw new PoolFileError(problems);
  return results.map((r) => r.pool!);
}

const POOL_FILE = new YamlFileType<PoolFile>({
  name: "pool file",
  holds: "pool",
  schema: poolSchema,
  rules: poolFileProblems,
});

function readPoolFile(filePath: string): FileResult {
  const { file, data, positions, problems } = POOL_FILE.read(filePath);
  const result: FileResult = { file, problems };
  if (!data || !positions) return result;
  if (typeof data.name === "string") result.name = { value: data.name, at: positions.of(["name"]) };
  if (problems.length === 0) {
    result.pool = { ...toDefinition(data as unknown as PoolFile, `${file}:${positions.of([]).line}`), fieldSources: fieldSources(data, positions, file) };
  }
  return result;
}

/** `file:line:column` of every field and list item of the pool, by formatted field path. */
function fieldSources(raw: Record<string, unknown>, positions: SourcePositions, file: string): Record<string, string> {
  const sources: Record<string, string> = {};
  const visit = (value: unknown, at: FieldPath) => {
    if (at.length > 0) {
      const { line, column } = positions.of(at);
      sources[formatFieldPath(at)] = `${file}:${line}:${column}`;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...at, i]));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, [...at, k]);
  };
  visit(raw, []);
  return sources;
}

/**
 * The pool rules (model/pool-rules) over the file as written, its durations in seconds,
 * on the fields the schema did not already find wrong (it states many of the same rules);
 * and the one rule of pool files alone: the pool is named like its file.
 */
function poolFileProblems(raw: Record<string, unknown>, { filePath, schemaFound }: RuleContext): FieldProblem[] {
  const baseName = path.basename(filePath).replace(/\.ya?ml$/, "");
  const named: FieldProblem[] =
    typeof raw.name === "string" && raw.name !== baseName
      ? [{ path: ["name"], message: `must equal the file's base name "${baseName}": rename the file to ${raw.name}.yaml or the pool to ${baseName}` }]
      : [];
  return [...named, ...poolProblems(inSeconds(raw)).filter((p) => !schemaFound(p.path))];
}

/** The fields that a file writes as durations ("5s"), in seconds as a PoolDefinition has them; a malformed duration is left to the schema. */
function inSeconds(raw: Record<string, unknown>): PoolFields {
  const seconds = (text: unknown) => (typeof text === "string" && DURATION.test(text) ? durationSeconds(text) : undefined);
  const { healthCheck: check, upstream, autoscale } = raw;
  return {
    ...raw,
    healthCheck: isMapping(check) ? { ...check, intervalSeconds: seconds(check.interval), timeoutSeconds: seconds(check.timeout) } : check,
    upstream: isMapping(upstream) ? { ...upstream, failTimeoutSeconds: seconds(upstream.failTimeout) } : upstream,
    autoscale: isMapping(autoscale)
      ? {
          ...autoscale,
          scaleOutCooldownSeconds: seconds(autoscale.scaleOutCooldown),
          scaleInCooldownSeconds: seconds(autoscale.scaleInCooldown),
          schedule: Array.isArray(autoscale.schedule) ? autoscale.schedule.map((w) => (isMapping(w) ? { ...w, durationSeconds: seconds(w.duration) } : w)) : autoscale.schedule,
        }
      : autoscale,
  };
}

/** The file format as a PoolDefinition: durations in seconds, the health check's port resolved, nothing else added. */
function toDefinition(file: PoolFile, source: string): PoolDefinition {
  const { healthCheck, upstream } = file;
  return withoutUndefined({
    name: file.name,
    image: file.image,
    containerType: file.containerType,
    replicas: file.replicas,
    idcs: file.idcs,
    ports: file.ports,
    healthCheck:
      healthCheck &&
      withoutUndefined({
        path: healthCheck.path,
        // The health-check rule guarantees ports exist; PoolDefinition needs the port explicit.
        port: healthCheck.port ?? file.ports![0].port,
        intervalSeconds: healthCheck.interval === undefined ? undefined : durationSeconds(healthCheck.interval),
        timeoutSeconds: healthCheck.timeout === undefined ? undefined : durationSeconds(healthCheck.timeout),
      }),
    upstream:
      upstream &&
      withoutUndefined({
        name: upstream.name,
        weight: upstream.weight,
        maxFails: upstream.maxFails,
        failTimeoutSeconds: upstream.failTimeout === undefined ? undefined : durationSeconds(upstream.failTimeout),
        consumers:
          upstream.consumers &&
          withoutUndefined({
            followWithinSeconds: upstream.consumers.followWithin === undefined ? undefined : durationSeconds(upstream.consumers.followWithin),
            status: upstream.consumers.status,
          }),
      }),
    placement: file.placement,
    dependencies: file.dependencies,
    autoscale: file.autoscale && autoscaleDefinition(file.autoscale),
    owner: file.owner,
    costCentre: file.costCentre,
    env: file.env,
    command: file.command,
    update: file.update,
    stopGracePeriodSeconds: file.stopGracePeriod === undefined ? undefined : durationSeconds(file.stopGracePeriod),
    follows: file.follows,
    source,
  });
}

/** The file's autoscale field with its durations in seconds. */
function autoscaleDefinition(a: NonNullable<PoolFile["autoscale"]>): AutoscaleDefinition {
  const { scaleOutCooldown, scaleInCooldown, schedule, ...rest } = a;
  return withoutUndefined({
    ...rest,
    scaleOutCooldownSeconds: scaleOutCooldown === undefined ? undefined : durationSeconds(scaleOutCooldown),
    scaleInCooldownSeconds: scaleInCooldown === undefined ? undefined : durationSeconds(scaleInCooldown),
    schedule: schedule?.map(({ duration, ...w }) => ({ ...w, durationSeconds: durationSeconds(duration) })),
  });
}

/** Optional fields that the file leaves out stay absent rather than `undefined`. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
