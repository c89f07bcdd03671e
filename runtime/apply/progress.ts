/**
 * Apply progress. On a terminal: one line rewritten in place. Otherwise (CI logs, tests
 * that watch a child apply): one line per finished change, `done N/M kind instance on node`,
 * so a reader can tell exactly how far an apply got.
 */
import { Change } from "../plan/types";

export type ProgressMode = "auto" | "lines" | "quiet";

export interface Progress {
  done(change: Change, error?: unknown): void;
  note(message: string): void;
  finish(): void;
}

function describe(change: Change): string {
  const subject = "instance" in change && change.instance ? change.instance : "server" in change ? change.server : "";
  return `${change.kind} ${subject} on ${change.node || "-"}`.replace(/\s+/g, " ");
}

export function createProgress(total: number, mode: ProgressMode = "auto", out: NodeJS.WriteStream = process.stderr): Progress {
  let count = 0;
  let failed = 0;
  const tty = mode === "auto" && out.isTTY === true;
  if (mode === "quiet") return { done: () => undefined, note: () => undefined, finish: () => undefined };
  return {
    done(change, error) {
      count++;
      if (error) failed++;
      if (tty) {
        out.write(`\r\x1b[2Kapplying: ${count}/${total} changes${failed ? `, ${failed} failed` : ""} — ${describe(change)}`);
      } else {
        out.write(`${error ? "failed" : "done"} ${count}/${total} ${describe(change)}${error ? `: ${(error as Error).message ?? error}` : ""}\n`);
      }
    },
    note(message) {
      out.write(tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
    },
    finish() {
      if (tty) out.write("\n");
    },
  };
}
