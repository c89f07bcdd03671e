/** Small checks shared by the constructs; each error says what to change. */
import { DcpError } from "../model/errors";
import { NAME } from "../model/pool-rules/names";

/** Fleet and IDC names follow the rule of pool names (model/pool-rules/names.ts). */
export function checkName(kind: string, name: string, where: string): void {
  if (!NAME.pattern.test(name)) throw new DcpError(`${where}: ${kind} name "${name}" is invalid; it ${NAME.message}`);
}

export function checkCount(field: string, value: number, where: string, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DcpError(`${where}: ${field} must be an integer >= ${min} (got ${value})`);
  }
}
