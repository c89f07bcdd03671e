import { FileProblem, YamlFileError } from "../../yaml/problems";

/** Every problem found in the pool files of a directory (or one pool file), in one error. */
export class PoolFileError extends YamlFileError {
  constructor(problems: FileProblem[]) {
    super(problems, "pool files");
    this.name = "PoolFileError";
  }
}
