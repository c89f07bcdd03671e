/**
 * The metric readers on real pages: the fixtures are HAProxy 2.6's own stats CSV and
 * Prometheus exporter output, read twice from one HAProxy (two servers behind one backend,
 * 20 requests before the first reading and 30 more before the second).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHaproxyCsv, parseHaproxyPrometheus } from "../../../runtime/autoscale/metrics/haproxy";
import { parsePrometheus, sumOf } from "../../../runtime/autoscale/metrics/prometheus";
import { increase, prometheusReading, requestsPerSecond, SamplePair } from "../../../runtime/autoscale/metrics/rate";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("HAProxy statistics", () => {
  it("reads a backend's requests and its serving servers from the CSV page", () => {
    const backends = parseHaproxyCsv(fixture("haproxy-stats-2.csv"), "entry");
    // Slots in maintenance (server-template, not yet filled) do not serve.
    expect(backends.get("feed_api")).toEqual({ requests: 50, serving: 2, addresses: ["127.0.0.1:18081", "127.0.0.1:18082"] });
  });

  it("reads the same from the Prometheus exporter", () => {
    expect(parseHaproxyPrometheus(fixture("haproxy-exporter-2.txt"), "entry").get("feed_api")).toEqual({ requests: 50, serving: 2 });
  });

  it("refuses a page that is not HAProxy's", () => {
    expect(() => parseHaproxyCsv("<html>stats</html>", "http://h1:8081/haproxy-stats")).toThrow(/http:\/\/h1:8081\/haproxy-stats: not HAProxy's CSV statistics/);
    expect(() => parseHaproxyPrometheus("up 1\n", "http://h1:8081/metrics")).toThrow(/no series haproxy_backend_http_requests_total/);
  });
});

describe("Prometheus text format", () => {
  const page = [
    "# TYPE feed_queue_depth gauge",
    'feed_queue_depth{queue="feed",shard="1"} 120',
    'feed_queue_depth{queue="feed",shard="2"} 30',
    'feed_queue_depth{queue="remind",shard="1"} 999',
    "# TYPE rpc_seconds histogram",
    'rpc_seconds_bucket{le="+Inf"} 7',
    "rpc_seconds_sum 1.5",
    "rpc_seconds_count 7",
  ].join("\n");

  it("sums the series whose labels match", () => {
    const series = parsePrometheus(page, "q");
    expect(sumOf(series, "feed_queue_depth", { queue: "feed" }, "q")).toBe(150);
    expect(sumOf(series, "rpc_seconds_count", {}, "q")).toBe(7);
  });

  it("reads labelled histograms, whatever the order of their labels", () => {
    // As prom-client writes them: le first, then the histogram's own labels.
    const histogram = [
      "# TYPE rpc_seconds histogram",
      'rpc_seconds_bucket{le="1",method="get"} 3',
      'rpc_seconds_bucket{le="+Inf",method="get"} 4',
      'rpc_seconds_sum{method="get"} 2.5',
      'rpc_seconds_count{method="get"} 4',
      'rpc_seconds_bucket{le="+Inf",method="put"} 6',
      'rpc_seconds_sum{method="put"} 1',
      'rpc_seconds_count{method="put"} 6',
    ].join("\n");
    const series = parsePrometheus(histogram, "q");
    expect(sumOf(series, "rpc_seconds_count", { method: "get" }, "q")).toBe(4);
    expect(sumOf(series, "rpc_seconds_count", {}, "q")).toBe(10);
    expect(sumOf(series, "rpc_seconds_bucket", { le: "+Inf" }, "q")).toBe(10);
  });

  it("names the URL and the selector when nothing matches, and refuses values that are not numbers", () => {
    expect(() => sumOf(parsePrometheus(page, "http://m/metrics"), "feed_queue_depth", { queue: "hongbao" }, "http://m/metrics")).toThrow('http://m/metrics: no series feed_queue_depth{queue="hongbao"}');
    expect(() => parsePrometheus("requests lots\n", "http://m/metrics")).toThrow(/requests has the value "lots"/);
  });
});

describe("rates from two readings", () => {
  const csv = (name: string) => parseHaproxyCsv(fixture(name), "entry");

  it("gives requests per second per container from two readings of each entry instance", () => {
    const instances = new Map<string, SamplePair>([
      ["10.0.0.1:8081", { previous: { at: 0, backends: csv("haproxy-stats-1.csv") }, latest: { at: 2000, backends: csv("haproxy-stats-2.csv") } }],
      // A second instance routing to the same two servers: its requests add, its servers do not.
      ["10.0.0.2:8081", { previous: { at: 500, backends: csv("haproxy-stats-1.csv") }, latest: { at: 1500, backends: csv("haproxy-stats-2.csv") } }],
    ]);
    // 30 requests in 2 s plus 30 in 1 s: 45 requests/s over 2 containers.
    expect(requestsPerSecond(instances, "feed_api")).toEqual({ reading: { total: 45, containers: 2 } });
  });

  it("needs two readings, and counts a counter that went down as reset", () => {
    expect(requestsPerSecond(new Map([["e", { latest: { at: 0, backends: csv("haproxy-stats-1.csv") } }]]), "feed_api").error).toMatch(/no two readings yet/);
    expect(increase(50, 20)).toBe(20);
    expect(increase(20, 50)).toBe(30);
  });

  it("reads a Prometheus counter as its rate and a per-container gauge times the containers", () => {
    const counter = { url: "http://m/metrics", series: "x_total", labels: {}, counter: true, per: "pool" as const };
    expect(prometheusReading(counter, { at: 4000, value: 200 }, { at: 0, value: 100 }, 5)).toEqual({ reading: { total: 25, containers: 5 } });
    expect(prometheusReading(counter, { at: 4000, value: 200 }, undefined, 5).error).toMatch(/no two readings/);
    expect(prometheusReading({ ...counter, counter: false, per: "container" }, { at: 0, value: 0.7 }, undefined, 4)).toEqual({ reading: { total: 2.8, containers: 4 } });
  });
});
