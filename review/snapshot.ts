/**
 * Getting a synth snapshot of a revision: a git revision (exported with `git archive`
 * into a scratch directory that borrows this checkout's node_modules) or a directory.
 * Each is synthesized in a child process with its own code, so a base revision whose
 * constructs differ from the head's is synthesized as it was.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DcpError } from "../model/errors";
import { SynthSnapshot } from "./types";
import { Profile } from "../model/profile";
import { LocalSiteTarget } from "../local-site";

const run = promisify(execFile);

export interface SnapshotOptions {
  /** The checkout dcp runs from: its node_modules and, for directories without code, its constructs. */
  repoRoot: string;
  /** The git repository revisions are read from (the project under review). */
  gitDir: string;
  profile: Profile;
  /** Local profile: the site to synthesize for (both revisions the same one). */
  localSite?: LocalSiteTarget;
}

export async function loadSnapshot(source: string, options: SnapshotOptions): Promise<SynthSnapshot> {
  const dir = resolve(source);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    // A directory with its own constructs is a whole project tree; one without (a project
    // using this checkout's constructs, or a folder of pool files) uses this checkout's code.
    const codeDir = hasCode(dir) ? dir : options.repoRoot;
    return { source, ...(await synthIn(codeDir, dir, options, source)) };
  }
  const revision = resolveRevision(source, options.gitDir);
  const tree = mkdtempSync(join(tmpdir(), "dcp-base-"));
  try {
    const tar = join(tree, ".dcp-archive.tar");
    execFileSync("git", ["archive", "--format=tar", `--output=${tar}`, revision], { cwd: options.gitDir, stdio: ["ignore", "ignore", "pipe"] });
    execFileSync("tar", ["-xf", tar, "-C", tree]);
    rmSync(tar);
    symlinkSync(join(options.repoRoot, "node_modules"), join(tree, "node_modules"), "dir");
    if (!hasCode(tree)) throw new DcpError(`base ${source} (${revision.slice(0, 12)}) has no constructs/synthesize.ts; it predates synth and cannot be compared`);
    return { source, revision, ...(await synthIn(tree, tree, options, source)) };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

function hasCode(dir: string): boolean {
  return existsSync(join(dir, "constructs", "synthesize.ts"));
}

function resolveRevision(ref: string, repoRoot: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    throw new DcpError(`${ref}: neither a directory nor a git revision of ${repoRoot}; pass a branch, tag, commit or a project directory`);
  }
}

async function synthIn(codeDir: string, projectDir: string, options: SnapshotOptions, label: string): Promise<Omit<SynthSnapshot, "source" | "revision">> {
  const tsx = join(options.repoRoot, "node_modules", ".bin", "tsx");
  try {
    const { stdout } = await run(tsx, [join(__dirname, "synth-child.ts"), codeDir, projectDir, options.profile], {
      cwd: projectDir,
      // The child (perhaps another revision's code) takes the site from here, not from this machine's view of it.
      env: { ...process.env, DCP_SYNTH_LOCAL_SITE: options.localSite ? JSON.stringify(options.localSite) : "" },
      maxBuffer: 512 * 1024 * 1024,
      encoding: "utf8",
    });
    return JSON.parse(stdout);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new DcpError(`synth of ${label} failed:\n${(e.stderr || e.message).trim()}`);
  }
}
