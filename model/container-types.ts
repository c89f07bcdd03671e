/**
 * Standard container types. DCP used a handful of fixed shapes instead of free-form
 * sizes: fewer shapes pack better and are simpler to review.
 */
export const CONTAINER_TYPES = {
  dP01: { cpu: 2, memoryMiB: 4 * 1024 },
  dP02: { cpu: 4, memoryMiB: 8 * 1024 },
  dP03: { cpu: 8, memoryMiB: 16 * 1024 },
  dP04: { cpu: 16, memoryMiB: 32 * 1024 },
} as const;

export type ContainerTypeName = keyof typeof CONTAINER_TYPES;

export interface Resources {
  /** Whole or fractional cores. */
  cpu: number;
  memoryMiB: number;
}

export const CONTAINER_TYPE_NAMES = Object.keys(CONTAINER_TYPES) as ContainerTypeName[];

export function isContainerType(name: string): name is ContainerTypeName {
  return Object.prototype.hasOwnProperty.call(CONTAINER_TYPES, name);
}
