/** The local fleet itself: what every other fleet test relies on. */
import { NODE_META, KV } from "../../model/host-metadata";
import { clientTls, dockerPing, readFleet, LocalFleet } from "../../fleet/local";

let fleet: LocalFleet;

beforeAll(() => {
  fleet = readFleet(process.env.DCP_TEST_FLEET);
});

async function consul<T>(path: string): Promise<T> {
  const res = await fetch(`${fleet.consulHttp}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as T;
}

test("every host is in the Consul catalog with its node meta", async () => {
  const nodes = await consul<Array<{ Node: string; Address: string; Meta: Record<string, string> }>>("/v1/catalog/nodes");
  for (const host of fleet.hosts) {
    const node = nodes.find((n) => n.Node === host.node);
    expect(node).toBeDefined();
    expect(node!.Address).toBe(host.ip);
    expect(node!.Meta).toMatchObject({
      [NODE_META.idc]: host.idc,
      [NODE_META.zone]: host.zone,
      [NODE_META.fleet]: host.fleet,
      [NODE_META.hostClassCpu]: String(host.cpu),
      [NODE_META.hostClassMemoryMiB]: String(host.memoryMiB),
      [NODE_META.cloud]: String(host.cloud),
      [NODE_META.docker]: `tcp://${host.ip}:2376`,
    });
  }
  expect(new Set(fleet.hosts.map((h) => h.idc))).toEqual(new Set(["yf-private", "aliyun-bj"]));
});

test("every host's init status in KV says ready", async () => {
  for (const host of fleet.hosts) {
    const [entry] = await consul<Array<{ Value: string }>>(`/v1/kv/${KV.hostInit("dcp", host.node)}`);
    const status = JSON.parse(Buffer.from(entry.Value, "base64").toString("utf8"));
    expect(status).toMatchObject({ stage: "ready", ok: true });
    expect(Date.parse(status.at)).not.toBeNaN();
  }
});

test("each daemon answers over TLS with the client certificate and refuses without it", async () => {
  const tls = clientTls(fleet);
  for (const host of fleet.hosts) {
    expect(await dockerPing(host, tls)).toBe(true);
    expect(await dockerPing(host, { ca: tls.ca })).toBe(false);
  }
});
