// Starts the dcp CLI from source: tsx's CommonJS hook compiles the TypeScript as it is
// required. One node process, without tsx's CLI (which starts a second one and loads ESM
// hooks): Terraform starts `dcp host add` once per host, so start-up matters.
require("tsx/cjs");
require("./main.ts");
