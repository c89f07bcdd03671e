/** The stacks of this project; main.ts (cdktf synth) and `dcp synth` both build them from here. */
import { App } from "cdktf";
import { DcpStack } from "../constructs";
import { ExampleStack, ExampleStackProps } from "./example";

export function buildStacks(app: App, props: ExampleStackProps): DcpStack[] {
  return [new ExampleStack(app, "example", props)];
}
