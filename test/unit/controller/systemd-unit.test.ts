/** The shipped systemd unit starts `dcp controller` with options the command has, and its environment file names every variable the unit uses. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");
const unit = readFileSync(join(root, "hosts", "systemd", "dcp-controller.service"), "utf8");
const env = readFileSync(join(root, "hosts", "systemd", "controller.env.example"), "utf8");

test("ExecStart runs `dcp controller` with options it accepts", () => {
  const exec = /^ExecStart=(.*)$/m.exec(unit)![1];
  expect(exec).toMatch(/\/bin\/dcp controller /);
  const help = spawnSync(join(root, "bin", "dcp"), ["controller", "--help"], { encoding: "utf8" });
  expect(help.status).toBe(0);
  const flags = exec.match(/--[a-z-]+/g)!;
  expect(flags.length).toBeGreaterThan(0);
  for (const flag of flags) expect(help.stdout).toContain(flag);
}, 60_000);

test("every ${VARIABLE} of the unit is set in the example environment file", () => {
  const used = [...unit.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]);
  const set = new Set([...env.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
  expect(used.filter((v) => !set.has(v))).toEqual([]);
  for (const required of ["CONSUL_HTTP_ADDR", "DCP_TLS_DIR"]) expect(set.has(required)).toBe(true);
});
