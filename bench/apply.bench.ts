/**
 * 300 containers over the 6 hosts of the test site: `dcp apply` against bare dockerode at
 * the same parallelism, seven rounds in ABBA order (see apply-rounds.ts).
 */
import { Benchmark, Figure } from "./harness";
import { applyAgainstBare } from "./apply-rounds";
import { benchFleet } from "./runtime-support";

const bench: Benchmark = {
  name: "apply",
  needsFleet: true,
  async run(): Promise<Figure[]> {
    const { fleet, consul } = benchFleet();
    try {
      return await applyAgainstBare({ prefix: "apply", fleet, consul, containers: 300, rounds: 7, parallel: 16, perHost: 8 });
    } finally {
      consul.close();
    }
  },
};

export default bench;
