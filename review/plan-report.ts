/** The plan review as a report (summary lines + sections) for the table and Markdown renderers. */
import { Money } from "../cost/prices";
import { Report, signed } from "../output";
import { BurstSection, CostDelta, Delta, PlanReview } from "./types";

function arrow(d: Delta): string {
  return d.delta === 0 ? `${d.head}` : `${d.base} → ${d.head} (${signed(d.delta)})`;
}

function money(m: Money, currency: string): string {
  return `${signed(m.monthly, 2)} ${currency}/month (${signed(m.hourly, 2)}/hour)`;
}

function costCells(c: CostDelta): string[] {
  return [c.head.monthly.toFixed(2), signed(c.delta.monthly, 2), signed(c.delta.hourly, 2)];
}

/** What the estimate rests on, so a reviewer can judge it (and the policy file can change it). */
function burstAssumptions(b: BurstSection): string {
  const r = b.rates;
  return (
    `burst time assumes ${r.secondsPerCall} s per RunInstances call of up to ${r.instancesPerCall}, ${r.instancesPerActivity} instances per ESS activity (one at a time per fleet), ` +
    `bootstrap ${r.bootstrapSeconds} s, ${r.imageMB} MB of images at ${r.pullMBps} MB/s, ${r.containerSeconds} s per container on a host, ${r.dcpMsPerContainer} ms of dcp per container, ` +
    `serving ${r.serveSeconds} s after the last start; set them under burst: in the policy file`
  );
}

function value(v: unknown): string {
  if (v === undefined) return "";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

export function planReport(r: PlanReview): Report {
  const cur = r.cost.currency;
  const example = r.cost.examplePrices ? " — EXAMPLE prices" : "";
  const summary: string[] = [];
  for (const p of r.pools.filter((p) => p.change !== "unchanged")) {
    const fields = p.changedFields.filter((f) => f !== "replicas");
    const fromDeps = p.effectiveReplicas.delta - p.replicas.delta;
    summary.push(
      `pool ${p.pool} (${p.owner}) ${p.change}: replicas ${arrow(p.effectiveReplicas)}` +
        (fromDeps !== 0 ? ` [${signed(fromDeps)} from dependency ratios]` : "") +
        (fields.length ? `; changed: ${fields.join(", ")}` : "") +
        `; cost ${signed(p.cost.delta.monthly, 2)} ${cur}/month`,
    );
  }
  for (const f of r.fleets.filter((f) => f.change !== "unchanged")) {
    const types = f.instanceTypes.base.join(",") !== f.instanceTypes.head.join(",") ? `; instance types ${f.instanceTypes.base.join(",") || "-"} → ${f.instanceTypes.head.join(",") || "-"}` : "";
    const charge = f.chargeType.base !== f.chargeType.head && f.change === "changed" ? `; charge ${f.chargeType.base} → ${f.chargeType.head}` : "";
    summary.push(`fleet ${f.fleet} (${f.idc}) ${f.change}: hosts ${arrow(f.desiredHosts)}${types}${charge}; cost ${signed(f.cost.delta.monthly, 2)} ${cur}/month`);
  }
  const rc = r.resources.counts;
  summary.push(`terraform: ${rc.create} to add, ${rc.update} to change, ${rc.replace} to replace, ${rc.delete} to destroy (${r.resources.source === "terraform" ? "terraform plan" : "synth comparison"})`);
  const runtimeCount = Object.values(r.runtime.changes).reduce((a, b) => a + b, 0);
  summary.push(r.runtime.status === "skipped" ? `runtime: skipped — ${r.runtime.note}` : `runtime: ${runtimeCount} changes${r.runtime.unplaced.length ? `, ${r.runtime.unplaced.length} containers cannot be placed` : ""} (${r.runtime.note})`);
  summary.push(`cost: ${money(r.cost.total.delta, cur)}, total ${r.cost.total.head.monthly.toFixed(2)} ${cur}/month${example}`);
  summary.push(`burst time: ${r.burst.phases.length ? r.burst.summary : "none (no new cloud hosts or containers)"}`);
  for (const p of r.policies) {
    const label = { pass: "passed", warn: "WARNING", fail: "FAILED (blocks)", overridden: "OVERRIDDEN" }[p.status];
    const why = p.override && p.status === "overridden" ? ` — reason: ${p.override.reason}` : "";
    summary.push(`policy ${p.policy}: ${label}${p.violations.length ? ` — ${p.violations[0]}${p.violations.length > 1 ? ` (+${p.violations.length - 1} more)` : ""}` : ""}${why}`);
  }

  const verdict = r.exitCode === 1 ? "blocked by policy" : r.changed ? "changes" : "no changes";
  const notes = [...r.notes, ...r.cost.notes];
  if (r.cost.examplePrices) notes.unshift(`costs use EXAMPLE prices from ${r.cost.priceFile}; they are not real Alibaba Cloud prices`);
  for (const p of r.policies.filter((p) => p.override)) notes.push(`override of ${p.policy} recorded: ${p.override!.reason}${p.status === "overridden" ? "" : " (the policy did not fail)"}`);
  notes.push(...r.runtime.notes.map((n) => `runtime: ${n}`));
  if (r.burst.phases.length) notes.push(burstAssumptions(r.burst));

  return {
    title: `dcp plan (${r.profile}): ${verdict} — ${r.base.source}${r.base.revision ? ` @ ${r.base.revision.slice(0, 12)}` : ""} → ${r.head.source}`,
    summary,
    sections: [
      {
        title: "Pools",
        headers: ["pool", "owner", "change", "type", "replicas", "effective replicas", "changed fields", `${cur}/month`, "Δ/month", "Δ/hour"],
        rows: r.pools.map((p) => [p.pool, p.owner, p.change, p.containerType.base === p.containerType.head ? p.containerType.head ?? "" : `${p.containerType.base ?? "-"} → ${p.containerType.head ?? "-"}`, arrow(p.replicas), arrow(p.effectiveReplicas), p.changedFields.join(", "), ...costCells(p.cost)]),
      },
      {
        title: "Fleets",
        headers: ["fleet", "idc", "change", "hosts", "for pools", "buffer", "instance types", "charge", `${cur}/month`, "Δ/month", "Δ/hour"],
        rows: r.fleets.map((f) => [f.fleet, f.idc, f.change, arrow(f.desiredHosts), arrow(f.hostsForPools), arrow(f.bufferHosts), f.instanceTypes.head.join(", "), f.chargeType.head ?? f.chargeType.base ?? "", ...costCells(f.cost)]),
      },
      {
        title: "Cost by owner",
        headers: ["owner", `${cur}/month`, "Δ/month", "Δ/hour"],
        rows: r.cost.byOwner.map((o) => [o.owner, ...costCells(o)]),
      },
      {
        title: `Terraform resources (${r.resources.source === "terraform" ? "terraform plan" : "synth comparison"})`,
        headers: ["action", "address", "stack", "attribute changes"],
        rows: r.resources.items.map((i) => [i.action, i.address, i.stack, i.attributes.map((a) => `${a.path}: ${a.unknown ? `${value(a.before)} → (known after apply)` : `${value(a.before) || "∅"} → ${value(a.after) || "∅"}`}`).join("\n")]),
        empty: "no resource changes",
      },
      {
        title: "Runtime changes",
        headers: ["pool", "changes"],
        rows: r.runtime.byPool.map((p) => [p.pool, Object.entries(p.changes).map(([k, v]) => `${k} ${v}`).join(", ")]).concat(r.runtime.unplaced.map((u) => [u.pool, `cannot place ${u.instance}: ${u.reason}`])),
        empty: r.runtime.status === "skipped" ? `skipped: ${r.runtime.note}` : "no runtime changes",
      },
      {
        title: "Policies",
        headers: ["policy", "severity", "status", "violations", "override reason"],
        rows: r.policies.map((p) => [p.policy, p.severity, p.status, p.violations.join("\n"), p.override?.reason ?? ""]),
        empty: "no policies configured",
      },
    ],
    notes,
  };
}
