/**
 * The fleet's images, built from files (no registry outside the machine is reachable):
 * a rootfs imported with `docker import` on the first host's daemon and pushed to the
 * fleet's registry, from which every host pulls. Each image is rebuilt when its source
 * files changed since the last push.
 *
 * - demo (`dcp/demo:1`, `:2`, and `:broken`, whose health paths answer 404): busybox httpd
 *   serving hosts/demo-image/entrypoint.sh's pages; every pool of the local profile runs it.
 * - entry (`dcp/entry:1`): Debian's HAProxy with its shared libraries, busybox for the
 *   entrypoint, and hosts/entry-image/upsync.lua, which follows dcp's upstreams in Consul
 *   KV as nginx-upsync-module does; the entry tier of the local profile runs it.
 */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalSite } from "./types";
import { hostStateDir } from "./layout";
import { registryHasTag } from "./daemons";
import { run, tryRun } from "./system";

const REPO_ROOT = join(__dirname, "..");
const DEMO_DIR = join(REPO_ROOT, "hosts", "demo-image");
const ENTRY_DIR = join(REPO_ROOT, "hosts", "entry-image");
const HAPROXY = "/usr/sbin/haproxy";

interface ImageBuild {
  /** Repository in the fleet's registry, e.g. "dcp/demo". */
  repository: string;
  /** Tag → `docker import --change` lines beyond the common ones. */
  tags: Record<string, string[]>;
  /** Files whose content decides whether the pushed image is current. */
  sources: string[];
  /** Fills the rootfs (busybox and its applets are already there). */
  fill(rootfs: string): Promise<void>;
}

const dockerSocket = (fleet: LocalSite, node: string) => `unix://${join(hostStateDir(fleet, node), "docker.sock")}`;

function copyInto(rootfs: string, file: string, target = file): void {
  mkdirSync(dirname(join(rootfs, target)), { recursive: true });
  copyFileSync(file, join(rootfs, target));
  chmodSync(join(rootfs, target), 0o755);
}

async function busyboxRootfs(): Promise<string> {
  const rootfs = mkdtempSync(join(tmpdir(), "dcp-image-"));
  mkdirSync(join(rootfs, "bin"));
  mkdirSync(join(rootfs, "tmp"));
  chmodSync(join(rootfs, "tmp"), 0o1777);
  copyInto(rootfs, "/bin/busybox", "bin/busybox");
  const applets = (await run("/bin/busybox", ["--list"])).split("\n").filter((a) => a && a !== "busybox");
  for (const applet of applets) symlinkSync("busybox", join(rootfs, "bin", applet));
  return rootfs;
}

/** The shared libraries a binary loads, as `ldd` lists them (the loader included). */
async function sharedLibraries(binary: string): Promise<string[]> {
  const out = await run("ldd", [binary]);
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]);
}

const DEMO: ImageBuild = {
  repository: "dcp/demo",
  tags: {
    "1": ["ENV DEMO_VERSION=1"],
    "2": ["ENV DEMO_VERSION=2"],
    broken: ["ENV DEMO_VERSION=broken", "ENV DEMO_HEALTHY=0"],
  },
  sources: [join(DEMO_DIR, "entrypoint.sh")],
  async fill(rootfs) {
    copyInto(rootfs, join(DEMO_DIR, "entrypoint.sh"), "entrypoint.sh");
  },
};

const ENTRY: ImageBuild = {
  repository: "dcp/entry",
  tags: { "1": [] },
  sources: [join(ENTRY_DIR, "entrypoint.sh"), join(ENTRY_DIR, "upsync.lua"), HAPROXY],
  async fill(rootfs) {
    copyInto(rootfs, join(ENTRY_DIR, "entrypoint.sh"), "entrypoint.sh");
    copyInto(rootfs, join(ENTRY_DIR, "upsync.lua"), "etc/dcp-entry/upsync.lua");
    copyInto(rootfs, HAPROXY);
    for (const lib of await sharedLibraries(HAPROXY)) copyInto(rootfs, lib);
  },
};

function sourceHash(build: ImageBuild): string {
  const hash = createHash("sha256");
  for (const file of build.sources) hash.update(readFileSync(file));
  hash.update(JSON.stringify(build.tags));
  return hash.digest("hex");
}

/** Builds and pushes one image's tags unless the registry has them from the same sources. Returns true when it pushed. */
async function ensureImage(fleet: LocalSite, build: ImageBuild): Promise<boolean> {
  const source = sourceHash(build);
  const pushed = join(fleet.stateDir, "registry", `${build.repository.replace("/", "-")}-source.sha256`);
  const current = existsSync(pushed) && readFileSync(pushed, "utf8").trim() === source;
  const tags = Object.keys(build.tags);
  const present = await Promise.all(tags.map((t) => registryHasTag(fleet, build.repository, t)));
  if (current && present.every(Boolean)) return false;
  const rootfs = await busyboxRootfs();
  try {
    await build.fill(rootfs);
    const tarball = `${rootfs}.tar`;
    await run("tar", ["-C", rootfs, "-cf", tarball, ...readdirSync(rootfs)]);
    const host = dockerSocket(fleet, fleet.hosts[0].node);
    const refs = tags.map((t) => `${fleet.registry}/${build.repository}:${t}`);
    for (const [i, tag] of tags.entries()) {
      const changes = ['ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]', "ENV PATH=/bin:/usr/sbin", ...build.tags[tag]];
      await run("docker", ["-H", host, "import", ...changes.flatMap((c) => ["--change", c]), tarball, refs[i]]);
      await run("docker", ["-H", host, "push", refs[i]], { timeoutMs: 120_000 });
    }
    rmSync(tarball, { force: true });
    // Hosts that pulled an older build drop its tags, so their next pull gets this one.
    await Promise.all(fleet.hosts.slice(1).map((h) => tryRun("docker", ["-H", dockerSocket(fleet, h.node), "rmi", "-f", ...refs])));
    writeFileSync(pushed, `${source}\n`);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return true;
}

/** Every image of the fleet; returns the references pushed now (empty: all were current). */
export async function ensureImages(fleet: LocalSite): Promise<string[]> {
  const pushed: string[] = [];
  for (const build of [DEMO, ENTRY]) {
    if (await ensureImage(fleet, build)) pushed.push(...Object.keys(build.tags).map((t) => `${build.repository}:${t}`));
  }
  return pushed;
}

/** True when the registry holds every image the fleet's pools and tests use. */
export async function imagesPresent(fleet: LocalSite): Promise<boolean> {
  const all = [DEMO, ENTRY].flatMap((b) => Object.keys(b.tags).map((t) => registryHasTag(fleet, b.repository, t)));
  return (await Promise.all(all)).every(Boolean);
}
