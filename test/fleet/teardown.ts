/** Jest globalTeardown of the fleet tests: the test fleet stays up for the next run, except on CI. */
import { fleetDown, TEST_FLEET } from "../../fleet/local";

export default async function teardown(): Promise<void> {
  if (process.env.CI === "true") await fleetDown(TEST_FLEET, (line) => process.stderr.write(`[fleet teardown] ${line}\n`));
}
