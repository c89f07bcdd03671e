/**
 * Jest globalSetup of the fleet tests: brings up the test fleet `dcptest` (no deploy), or
 * reuses it when it is up and healthy (a second or so), and tells the tests where it is
 * through DCP_TEST_FLEET (the path of its fleet.json; `readSite(process.env.DCP_TEST_FLEET)`
 * reads it). Fails loudly when it cannot: fleet tests are never skipped.
 */
import { siteJsonPath, siteUp } from "../../local-site";
import { testSiteOptions } from "./site";

export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error("fleet tests need root: they create network namespaces and Docker daemons (run the tests as root)");
  }
  const options = testSiteOptions();
  await siteUp({ ...options, log: (line) => process.stderr.write(`[fleet setup] ${line}\n`) });
  process.env.DCP_TEST_FLEET = siteJsonPath(options.name!);
}
