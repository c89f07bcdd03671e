/**
 * What `dcp status` says about the controller: who leads, how far behind its last pass
 * is, its last decisions, and the figures of its own /metrics (read from the leader).
 */
import { Decision } from "../autoscale/decision";
import { parsePrometheus, Series } from "../autoscale/metrics/prometheus";
import { ConsulClient } from "../consul/client";
import { readPage } from "../discovery/consumers";
import { LeaderInfo, Leadership } from "./leadership";
import { ControllerStatus, readDecisions, readStatus } from "./state";

export interface ControllerMetrics {
  leader: number;
  decisions: number;
  reactions: number;
  /** Mean reaction time in seconds (none before the first). */
  meanReactionSeconds?: number;
  errors: number;
  lagSeconds: number;
}

export interface ControllerReport {
  leader?: LeaderInfo;
  status?: ControllerStatus;
  /** Seconds since the leader's last complete pass, as recorded in Consul. */
  lagSeconds?: number;
  decisions: Decision[];
  metrics?: ControllerMetrics;
  metricsError?: string;
}

const sum = (series: Series[], name: string) => series.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);

export function summariseMetrics(text: string, source: string): ControllerMetrics {
  const series = parsePrometheus(text, source);
  const reactions = sum(series, "dcp_controller_reaction_seconds_count");
  return {
    leader: sum(series, "dcp_controller_leader"),
    decisions: sum(series, "dcp_controller_decisions_total"),
    reactions,
    ...(reactions > 0 ? { meanReactionSeconds: +(sum(series, "dcp_controller_reaction_seconds_sum") / reactions).toFixed(2) } : {}),
    errors: sum(series, "dcp_controller_errors_total"),
    lagSeconds: +sum(series, "dcp_controller_lag_seconds").toFixed(2),
  };
}

export async function controllerReport(consul: ConsulClient, lastDecisions = 5, now = Date.now()): Promise<ControllerReport> {
  const [leader, status, decisions] = await Promise.all([Leadership.current(consul), readStatus(consul), readDecisions(consul)]);
  const report: ControllerReport = { leader, status, decisions: decisions.slice(-lastDecisions) };
  if (status) report.lagSeconds = +((now - Date.parse(status.lastPassAt)) / 1000).toFixed(1);
  if (leader?.metricsUrl) {
    try {
      report.metrics = summariseMetrics(await readPage(leader.metricsUrl, 2_000), leader.metricsUrl);
    } catch (err) {
      report.metricsError = (err as Error).message;
    }
  }
  return report;
}
