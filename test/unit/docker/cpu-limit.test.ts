/** Docker CPU limits: full on the cloud profile, scaled by machine cores / host class CPU on the local one, and the plan's note. */
import { cpuLimit, cpuScale, cpuScalingNote } from "../../../runtime/docker/cpu-limit";
import { host } from "../plan/fixtures";

describe("CPU limits", () => {
  test("the cloud profile hands Docker the container type's CPU", () => {
    expect(cpuLimit(4, 128, {})).toBe(4);
    expect(cpuLimit(4, 128, { profile: "cloud", machineCores: 2 })).toBe(4);
    expect(cpuScalingNote([host(1, { capacity: { cpu: 128, memoryMiB: 262144 } })], { profile: "cloud", machineCores: 2 })).toBeUndefined();
  });

  test("the local profile scales by machine cores / host class CPU, to four decimals", () => {
    expect(cpuScale(128, { profile: "local", machineCores: 2 })).toBe(2 / 128);
    expect(cpuLimit(4, 128, { profile: "local", machineCores: 2 })).toBe(0.0625);
    expect(cpuLimit(2, 48, { profile: "local", machineCores: 2 })).toBe(0.0833);
    // A machine with as many cores as the host class: nothing to scale.
    expect(cpuLimit(4, 16, { profile: "local", machineCores: 32 })).toBe(4);
  });

  test("the note names the machine's cores and each factor once, hosts in node order", () => {
    const hosts = [host(2, { capacity: { cpu: 64, memoryMiB: 1 } }), host(1, { capacity: { cpu: 128, memoryMiB: 1 } }), host(3, { capacity: { cpu: 128, memoryMiB: 1 } })];
    expect(cpuScalingNote(hosts, { profile: "local", machineCores: 2 })).toBe(
      "local profile: Docker refuses CPU limits above the machine's 2 core(s), so container CPU limits are scaled by machine cores / host class CPU (×0.0156, ×0.0313); placement still uses the container types' full CPU",
    );
    expect(cpuScalingNote([host(1, { capacity: { cpu: 2, memoryMiB: 1 } })], { profile: "local", machineCores: 2 })).toBeUndefined();
  });

  test("without a machine core count the machine's own is used", () => {
    const cores = require("node:os").cpus().length;
    expect(cpuScale(1024, { profile: "local" })).toBe(cores / 1024);
  });
});
