/** Jest globalTeardown of the fleet tests: the test fleet stays up for the next run, except on CI. */
import { siteDown, TEST_SITE } from "../../local-site";

export default async function teardown(): Promise<void> {
  if (process.env.CI === "true") await siteDown(TEST_SITE, (line) => process.stderr.write(`[fleet teardown] ${line}\n`));
}
