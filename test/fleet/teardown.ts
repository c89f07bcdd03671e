/** Jest globalTeardown of the fleet tests: the test fleet stays up for the next run, except on CI. */
import { siteDown } from "../../local-site";
import { testSiteOptions } from "./site";

export default async function teardown(): Promise<void> {
  if (process.env.CI === "true") await siteDown(testSiteOptions().name!, (line) => process.stderr.write(`[fleet teardown] ${line}\n`));
}
