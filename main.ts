/** cdktf app entry (cdktf.json runs `npx tsx main.ts`): `cdktf synth`. DCP_PROFILE=local selects the local profile. */
import { App } from "cdktf";
import { buildStacks } from "./stacks";

const app = new App();
buildStacks(app, { profile: process.env.DCP_PROFILE === "local" ? "local" : "cloud", projectDir: __dirname });
app.synth();
