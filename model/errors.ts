/**
 * Exit codes follow `terraform plan -detailed-exitcode`: 0 no changes, 2 changes or
 * drift, 1 error. A DcpError is an expected failure: its message is printed as is,
 * without a stack trace, and it must already say what to change.
 */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export class DcpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DcpError";
  }
}
