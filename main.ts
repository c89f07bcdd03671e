/**
 * cdktf app entry (cdktf.json runs `node --require tsx/cjs main.ts`): `cdktf synth`, `deploy`, `diff`,
 * `destroy`. DCP_PROFILE picks the profile (`cloud` by default, or `local`); the local
 * profile deploys onto the local site named by DCP_SITE (default "dcp").
 */
import { App } from "cdktf";
import { isProfile } from "./model/profile";
import { localSiteTarget } from "./local-site";
import { buildStacks } from "./stacks";

const profile = process.env.DCP_PROFILE || "cloud";
if (!isProfile(profile)) {
  console.error(`error: DCP_PROFILE is "${profile}"; set it to "cloud" (the default) or "local"`);
  process.exit(1);
}
const app = new App();
buildStacks(app, { profile, projectDir: __dirname, outDir: app.outdir, ...(profile === "local" ? { localSite: localSiteTarget(undefined, app.outdir) } : {}) });
app.synth();
