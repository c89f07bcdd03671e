/**
 * The price table: what one host costs, per region, instance type and charge type for
 * cloud fleets and per host and month for private IDCs. Loaded from YAML and validated.
 */
import { join } from "node:path";
import { ChargeType, FleetSpec, IdcSpec } from "../model/desired-state";
import { YamlFileType } from "../yaml/load";
import schema from "./prices.schema.json";

/** dcp counts a month as 730 hours (8,760 / 12), as cloud price calculators do. */
export const HOURS_PER_MONTH = 730;

export const EXAMPLE_PRICES_FILE = join(__dirname, "prices.example.yaml");

export interface PriceTable {
  example?: boolean;
  currency: string;
  prepaidTerm: "month" | "year";
  regions: Record<string, Record<string, Partial<Record<"PostPaid" | "Spot", { hourly: number }>> & { PrePaid?: { monthly: number; yearly?: number } }>>;
  private?: Record<string, { monthlyPerHost: number }>;
}

/** Cost of something running continuously: per hour and per (730-hour) month. */
export interface Money {
  hourly: number;
  monthly: number;
}

export const ZERO: Money = { hourly: 0, monthly: 0 };

const PRICE_FILE = new YamlFileType<PriceTable>({ name: "price file", holds: "price table", schema });

export function loadPrices(file: string = EXAMPLE_PRICES_FILE): PriceTable {
  return PRICE_FILE.load(file);
}

export interface HostPrice {
  perHost: Money;
  /** What was priced, e.g. "cn-beijing ecs.c7.4xlarge PostPaid". */
  basis: string;
}

/**
 * Price of one host of a fleet, or a reason why there is none. A cloud fleet is priced
 * at its first instance type that has a price: ESS tries the types in order, so the
 * first is what the fleet is normally made of.
 */
export function hostPrice(prices: PriceTable, fleet: Pick<FleetSpec, "instanceTypes" | "chargeType">, idc: IdcSpec): HostPrice | { missing: string } {
  if (idc.kind === "private") {
    const p = prices.private?.[idc.name];
    if (!p) return { missing: `no private host price for IDC ${idc.name}` };
    return { perHost: fromMonthly(p.monthlyPerHost), basis: `${idc.name} private host` };
  }
  const region = idc.region ?? "";
  const types = prices.regions[region];
  for (const type of fleet.instanceTypes) {
    const rate = rateOf(prices, types?.[type], fleet.chargeType);
    if (rate) return { perHost: rate, basis: `${region} ${type} ${fleet.chargeType}` };
  }
  return { missing: `no ${fleet.chargeType} price for ${fleet.instanceTypes.join("/") || "(no instance type)"} in region ${region || "(none)"}` };
}

function rateOf(prices: PriceTable, entry: PriceTable["regions"][string][string] | undefined, charge: ChargeType): Money | undefined {
  if (!entry) return undefined;
  if (charge === "PrePaid") {
    const p = entry.PrePaid;
    if (!p) return undefined;
    return fromMonthly(prices.prepaidTerm === "year" && p.yearly !== undefined ? p.yearly / 12 : p.monthly);
  }
  const h = entry[charge]?.hourly;
  return h === undefined ? undefined : { hourly: h, monthly: h * HOURS_PER_MONTH };
}

function fromMonthly(monthly: number): Money {
  return { hourly: monthly / HOURS_PER_MONTH, monthly };
}

export function add(a: Money, b: Money): Money {
  return { hourly: a.hourly + b.hourly, monthly: a.monthly + b.monthly };
}

export function sub(a: Money, b: Money): Money {
  return { hourly: a.hourly - b.hourly, monthly: a.monthly - b.monthly };
}

export function scale(a: Money, k: number): Money {
  return { hourly: a.hourly * k, monthly: a.monthly * k };
}

/** Rounded to cents for output, so JSON and tables agree. */
export function round(a: Money): Money {
  return { hourly: cents(a.hourly), monthly: cents(a.monthly) };
}

export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}
