/** The stacks of this project; main.ts (cdktf synth) and `dcp synth` both build them from here. */
import { App } from "cdktf";
import { DcpStack, DcpStackProps } from "../constructs";
import { ExampleStack } from "./example";

export function buildStacks(app: App, props: DcpStackProps): DcpStack[] {
  return [new ExampleStack(app, "example", props)];
}
