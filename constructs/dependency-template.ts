import { Construct } from "constructs";
import { DcpError } from "../model/errors";

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
    if (!(Number.isFinite(props.ratio) && props.ratio > 0)) {
      throw new DcpError(
        `${this.source}: dependency of "${props.pool}" on "${props.dependsOn}": ratio must be a number > 0 (got ${props.ratio}), e.g. 0.2 for one "${props.dependsOn}" per five "${props.pool}"`,
      );
    }
    this.pool = props.pool;
    this.dependsOn = props.dependsOn;
    this.ratio = props.ratio;
  }
}
