/**
 * How a container is taken out of service without dropping a request: the consumers of its
 * upstream (nginx-upsync-module, the entry tier) and of its catalog service (DNS SRV
 * clients) must stop routing to it before it stops.
 *
 * An upstream declares how its consumers follow it:
 * - `followWithin`: the longest a consumer may take to stop routing to a server after dcp
 *   removed it. The default, 10 s, covers nginx-upsync-module's defaults
 *   (`upsync_interval` 5 s between pulls; each pull a blocking query that answers at once
 *   on a change) plus 5 s for a request routed just before the change to finish.
 * - `status`: consumers' status endpoints, polled until the server is gone from every one
 *   of them, bounded by `followWithin`: nginx-upsync-module's `upstream_show` (the servers
 *   an upstream routes to) or HAProxy's stats CSV (a server in MAINT with no session left
 *   counts as gone).
 *
 * Pools that follow upstreams (an entry tier) name their own status endpoint; dcp polls it
 * on every container of such a pool for each upstream it follows. Then, and only then, the
 * container gets SIGTERM and `stopGracePeriod` to finish, then SIGKILL.
 */

export type ConsumerFormat = "upstream_show" | "haproxy-csv";
export const CONSUMER_FORMATS: ConsumerFormat[] = ["upstream_show", "haproxy-csv"];

/** A consumer's status endpoint, e.g. http://10.0.0.5:8081/upstream_show. */
export interface ConsumerStatus {
  url: string;
  format: ConsumerFormat;
}

export interface ConsumersSpec {
  /** @default 10 (TAKE_DOWN_DEFAULTS.followWithinSeconds) */
  followWithinSeconds: number;
  /** @default none: dcp waits followWithin */
  status: ConsumerStatus[];
}

/** A pool that routes to upstreams (an entry tier), and where it shows what it routes to. */
export interface FollowsSpec {
  upstreams: string[];
  /** One of the pool's ports, by name, and the path of its status page there. */
  status?: { port: string; path: string; format: ConsumerFormat };
}

export const TAKE_DOWN_DEFAULTS = {
  /** nginx-upsync-module's upsync_interval (5 s) plus 5 s for a request in flight. */
  followWithinSeconds: 10,
  /** Between SIGTERM and SIGKILL (Docker's default). */
  stopGracePeriodSeconds: 10,
} as const;

/** The status page of `upstream` at one endpoint: upstream_show takes the upstream as a query argument. */
export function statusUrl(status: ConsumerStatus, upstream: string): string {
  if (status.format !== "upstream_show") return status.url;
  return `${status.url}${status.url.includes("?") ? "&" : "?"}upstream=${encodeURIComponent(upstream)}`;
}
