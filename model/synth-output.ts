/**
 * What synth produces for one revision of a project, as plain JSON: the Terraform
 * configuration of each stack and the desired state the runtime plans against. Synth
 * makes it; Terraform runs, reviews and policies read it.
 */
import { DesiredState } from "./desired-state";

/** One stack: its name and its Terraform JSON, as `cdktf synth` writes it to cdk.tf.json. */
export interface SynthesizedStack {
  name: string;
  terraform: any;
}

export interface SynthOutput {
  stacks: SynthesizedStack[];
  desired: DesiredState;
}
