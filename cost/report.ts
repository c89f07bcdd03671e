/** `dcp cost` as a report for the table and Markdown renderers. */
import { Report } from "../output";
import { CostLine, LiveCost } from "./live";

export function costReport(c: LiveCost): Report {
  const cur = c.currency;
  const money = (l: CostLine) => [l.runRate.hourly.toFixed(2), l.runRate.monthly.toFixed(2), l.accrued === undefined ? "" : l.accrued.toFixed(2)];
  const headers = [`${cur}/hour`, `${cur}/month`, `${cur} so far`];
  const summary = [
    `total: ${c.total.runRate.monthly.toFixed(2)} ${cur}/month (${c.total.runRate.hourly.toFixed(2)}/hour) for ${c.total.hosts} hosts` +
      (c.total.accrued !== undefined ? `; ${c.total.accrued.toFixed(2)} ${cur} since the hosts joined` : "") +
      (c.examplePrices ? " — EXAMPLE prices" : ""),
    ...c.byOwner.map((o) => `owner ${o.name}: ${o.runRate.monthly.toFixed(2)} ${cur}/month`),
  ];
  const notes = [...c.notes];
  if (c.examplePrices) notes.unshift(`costs use EXAMPLE prices from ${c.priceFile}; they are not real Alibaba Cloud prices`);
  return {
    title: `dcp cost (${c.source === "live" ? `live fleet at ${c.at}` : "desired state"})`,
    summary,
    sections: [
      { title: "By pool", headers: ["pool", "owner", ...headers], rows: c.byPool.map((p) => [p.name, p.owner, ...money(p)]) },
      { title: "By owner", headers: ["owner", ...headers], rows: c.byOwner.map((o) => [o.name, ...money(o)]) },
      { title: "By fleet", headers: ["fleet", "hosts", ...headers], rows: c.byFleet.map((f) => [f.name, String(f.hosts ?? ""), ...money(f)]) },
      ...(c.source === "live"
        ? [{ title: "Hosts", headers: ["node", "fleet", "pools", "since", "hours", `${cur}/hour`, `${cur} so far`], rows: c.hosts.map((h) => [h.node, h.fleet, h.pools.join(", "), h.since ?? "unknown", h.hours?.toFixed(1) ?? "", h.perHost.hourly.toFixed(2), h.accrued?.toFixed(2) ?? ""]) }]
        : []),
    ],
    notes,
  };
}
