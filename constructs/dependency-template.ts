import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { RATIO } from "../model/pool-rules/dependencies";
import { numberProblems } from "../model/pool-rules/rule";

export interface DependencyTemplateProps {
  /** The dependent pool (the one that scales). */
  readonly pool: string;
  /** The pool it depends on, which grows with it. */
  readonly dependsOn: string;
  /** Containers of `dependsOn` per container of `pool`: n more of `pool` bring ceil(n × ratio) more of `dependsOn`. Must be > 0. */
  readonly ratio: number;
  /**
   * Where it was declared, for error messages.
   * @default the construct path
   */
  readonly source?: string;
}

/**
 * Pool A depends on pool B with a ratio (DCP's dependency templates). Pool-file
 * `dependencies:` become these; cycles are a synth error naming the cycle.
 */
export class DependencyTemplate extends Construct {
  readonly pool: string;
  readonly dependsOn: string;
  readonly ratio: number;
  readonly source: string;

  constructor(scope: Construct, id: string, props: DependencyTemplateProps) {
    super(scope, id);
    this.source = props.source ?? `DependencyTemplate ${this.node.path}`;
    const [problem] = numberProblems(RATIO, props.ratio, ["ratio"]);
    if (problem) {
      throw new DcpError(
        `${this.source}: dependency of "${props.pool}" on "${props.dependsOn}": ratio ${problem.message}, e.g. 0.2 for one "${props.dependsOn}" per five "${props.pool}"`,
      );
    }
    this.pool = props.pool;
    this.dependsOn = props.dependsOn;
    this.ratio = props.ratio;
  }
}
