/** Small checks shared by the constructs; each error says what to change. */
import { DcpError } from "../model/errors";

/** Pool, fleet and IDC names end up in DNS names, container names and tags. */
export const NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkName(kind: string, name: string, where: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new DcpError(
      `${where}: ${kind} name "${name}" is invalid; use 1-63 lowercase letters, digits and "-", starting with a letter and not ending with "-"`,
    );
  }
}

export function checkCount(field: string, value: number, where: string, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DcpError(`${where}: ${field} must be an integer >= ${min} (got ${value})`);
  }
}
