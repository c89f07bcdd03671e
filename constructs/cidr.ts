/** IPv4 CIDR arithmetic for carving vSwitch ranges out of a VPC range. Pure. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((addr & mask) >>> 0 !== addr) return undefined; // host bits set: ambiguous, refuse
  return { base: addr, prefix };
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** The first `count` subnets of length `prefix` inside `parent`, in order. */
export function carve(parent: Cidr, prefix: number, count: number): Cidr[] {
  const available = 2 ** (prefix - parent.prefix);
  if (prefix < parent.prefix || count > available) {
    throw new Error(`${formatCidr(parent)} holds ${prefix < parent.prefix ? 0 : available} /${prefix} subnets, ${count} needed`);
  }
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) => ({ base: (parent.base + i * size) >>> 0, prefix }));
}

/** The last `count` subnets of length `prefix` inside `parent`, in order (lowest first). */
export function carveFromEnd(parent: Cidr, prefix: number, count: number): Cidr[] {
  const all = 2 ** (prefix - parent.prefix);
  return carve(parent, prefix, all).slice(all - count);
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && lastAddress(inner) <= lastAddress(outer) && inner.base >= outer.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/** The address `offset` places after the network address, e.g. offset 4 of 10.0.0.0/28 is 10.0.0.4. */
export function addressAt(c: Cidr, offset: number): string {
  return formatCidr({ base: (c.base + offset) >>> 0, prefix: 32 }).replace(/\/32$/, "");
}

function lastAddress(c: Cidr): number {
  return (c.base + 2 ** (32 - c.prefix) - 1) >>> 0;
}
