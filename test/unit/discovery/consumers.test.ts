import { awaitConsumers, consumerDropped, haproxyCsvServers, upstreamShowServers } from "../../../runtime/discovery/consumers";
import { ConsumerStatus } from "../../../model/take-down";

// As nginx-upsync-module's upstream_show writes it (two upstreams, no argument).
const SHOW = [
  "Upstream name: feed_api;Backend server counts: 2",
  "        server 10.0.0.11:8080 weight=20 max_fails=2 fail_timeout=10;",
  "        server 10.0.0.13:8080 weight=16 max_fails=2 fail_timeout=10;",
  "Upstream name: feed_api2;Backend server counts: 1",
  "        server 10.0.0.14:8080 weight=20 max_fails=2 fail_timeout=10;",
  "",
].join("\n");

// HAProxy 2.6 `stats show-legends` CSV, the columns dcp reads and a few around them.
const CSV = [
  "# pxname,svname,qcur,qmax,scur,status,weight,addr,",
  "feed_api,FRONTEND,,,0,OPEN,,,",
  "feed_api,s1,0,0,0,no check,20,10.0.0.11:8080,",
  "feed_api,s2,0,0,1,MAINT,16,10.0.0.13:8080,",
  "feed_api,s3,0,0,0,MAINT,16,10.0.0.14:8080,",
  "feed_api,BACKEND,0,0,1,UP,20,,",
  "",
].join("\n");

test("upstream_show: the servers of the named upstream only (feed_api is not feed_api2)", () => {
  expect(upstreamShowServers(SHOW, "feed_api")).toEqual(new Set(["10.0.0.11:8080", "10.0.0.13:8080"]));
  expect(upstreamShowServers(SHOW, "feed_api2")).toEqual(new Set(["10.0.0.14:8080"]));
  expect(upstreamShowServers(SHOW, "remind_api")).toBeUndefined();
  expect(upstreamShowServers("Upstream name: x;Backend server counts: 0\n", "x")).toEqual(new Set());
});

test("HAProxy CSV: a server in MAINT still routes while it has a session; without one it is gone", () => {
  expect(haproxyCsvServers(CSV, "feed_api")).toEqual(new Set(["10.0.0.11:8080", "10.0.0.13:8080"]));
  expect(haproxyCsvServers(CSV, "other")).toBeUndefined();
  expect(haproxyCsvServers("not,a,stats,page", "feed_api")).toBeUndefined();
});

test("a page that does not know the upstream never confirms (the consumer may not have loaded it)", () => {
  const show: ConsumerStatus = { url: "http://x/upstream_show", format: "upstream_show" };
  expect(consumerDropped(show, SHOW, "feed_api", "10.0.0.12:8080")).toBe(true);
  expect(consumerDropped(show, SHOW, "feed_api", "10.0.0.11:8080")).toBe(false);
  expect(consumerDropped(show, SHOW, "remind_api", "10.0.0.11:8080")).toBe(false);
});

test("awaitConsumers polls each endpoint until it drops the server, with the upstream in the query", async () => {
  const calls: string[] = [];
  let round = 0;
  const read = async (url: string) => {
    calls.push(url);
    if (url.startsWith("http://a/")) round++;
    return round < 3 ? SHOW : SHOW.replace("        server 10.0.0.13:8080 weight=16 max_fails=2 fail_timeout=10;\n", "");
  };
  const status: ConsumerStatus[] = [{ url: "http://a/upstream_show", format: "upstream_show" }, { url: "http://b/upstream_show", format: "upstream_show" }];
  const result = await awaitConsumers({ upstream: "feed_api", server: "10.0.0.13:8080", status, withinMs: 5000 }, read);
  expect(result.unconfirmed).toEqual([]);
  expect(result.waitedMs).toBeLessThan(2000);
  expect(calls[0]).toBe("http://a/upstream_show?upstream=feed_api");
  expect(calls.filter((c) => c.startsWith("http://a/")).length).toBe(3);
});

test("an endpoint that never confirms (or does not answer) holds the take-down for the whole bound, then is reported", async () => {
  const status: ConsumerStatus[] = [{ url: "http://down/", format: "haproxy-csv" }];
  const result = await awaitConsumers({ upstream: "feed_api", server: "10.0.0.11:8080", status, withinMs: 600 }, async () => {
    throw new Error("connection refused");
  });
  expect(result.waitedMs).toBeGreaterThanOrEqual(590);
  expect(result.unconfirmed).toEqual(["http://down/"]);
});

test("without endpoints the wait is the declared bound", async () => {
  const result = await awaitConsumers({ upstream: "u", server: "s", status: [], withinMs: 300 });
  expect(result.waitedMs).toBeGreaterThanOrEqual(290);
  expect(result.unconfirmed).toEqual([]);
});
