/**
 * Upstream publishing: 2,000 upstream entries written, then removed, through dcp's
 * publisher (diffUpstreams → 64-operation transactions) versus one KV request per entry,
 * against the local fleet's Consul server (a real server with a data dir, so every write
 * is a Raft commit to disk). Median of 3 rounds; target: the publisher is >= 10× faster.
 *
 * Fleet: DCP_BENCH_FLEET (name or fleet.json path), else the default fleet `dcp` when it is
 * up, else the test fleet `dcptest`.
 */
import { existsSync } from "node:fs";
import { DEFAULT_SITE, siteJsonPath, readSite, TEST_SITE } from "../local-site";
import { ConsulClient, consulConfigFromEnv } from "../runtime/consul/client";
import { DiscoveryPublisher } from "../runtime/discovery/publisher";
import { diffUpstreams, upstreamKey } from "../runtime/discovery/upstreams";
import { upstreamValue } from "../model/upstreams";
import type { UpstreamEntry } from "../model/inventory";
import { Benchmark, Figure, median } from "./harness";

const ENTRIES = 2_000;
const UPSTREAMS = 20;
const ROUNDS = 3;

function entries(): UpstreamEntry[] {
  return Array.from({ length: ENTRIES }, (_, i) => {
    const p = { weight: 16, maxFails: 2, failTimeoutSeconds: 10, down: false };
    const host = `192.168.77.${11 + (i % 200)}`;
    return { upstream: `bench_${i % UPSTREAMS}`, server: `${host}:${20000 + Math.floor(i / 200)}`, ...p, raw: upstreamValue(p) };
  });
}

async function seconds(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const bench: Benchmark = {
  name: "upstreams",
  needsFleet: true,
  async run(): Promise<Figure[]> {
    const chosen = process.env.DCP_BENCH_FLEET ?? (existsSync(siteJsonPath(DEFAULT_SITE)) ? DEFAULT_SITE : TEST_SITE);
    const fleet = readSite(chosen);
    const client = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp, upstreamPrefix: `bench-upstreams-${process.pid}` }));
    const prefix = client.config.upstreamPrefix;
    const publisher = new DiscoveryPublisher(client);
    const desired = entries();
    const count = async () => (await client.kvList(`${prefix}/`)).length;
    const clear = () => client.txn([{ verb: "delete-tree", key: `${prefix}/` }]);

    const results = { txnWrite: [] as number[], txnRemove: [] as number[], singleWrite: [] as number[], singleRemove: [] as number[] };
    try {
      await clear();
      for (let round = 0; round < ROUNDS; round++) {
        // dcp's publisher: the diff against what is live, applied in 64-operation transactions.
        results.txnWrite.push(await seconds(async () => publisher.apply(diffUpstreams(desired, await publisher.readUpstreams(), prefix))));
        if ((await count()) !== ENTRIES) throw new Error(`publisher wrote ${await count()} entries, not ${ENTRIES}`);
        results.txnRemove.push(await seconds(async () => publisher.apply(diffUpstreams([], await publisher.readUpstreams(), prefix))));
        // The last entry of each upstream stays, marked down (nginx-upsync-module cannot empty an upstream).
        if ((await count()) !== UPSTREAMS) throw new Error(`publisher left ${await count()} entries, not ${UPSTREAMS}`);
        await clear();

        // One KV request per entry, in sequence, on the same keep-alive client.
        results.singleWrite.push(
          await seconds(async () => {
            for (const e of desired) await client.kvPut(upstreamKey(prefix, e.upstream, e.server), e.raw);
          }),
        );
        if ((await count()) !== ENTRIES) throw new Error(`single PUTs wrote ${await count()} entries, not ${ENTRIES}`);
        results.singleRemove.push(
          await seconds(async () => {
            for (const e of desired) await client.kvDelete(upstreamKey(prefix, e.upstream, e.server));
          }),
        );
        if ((await count()) !== 0) throw new Error(`single DELETEs left ${await count()} entries`);
      }
    } finally {
      await clear();
      client.close();
    }

    const txn = median(results.txnWrite) + median(results.txnRemove);
    const single = median(results.singleWrite) + median(results.singleRemove);
    const note = `${ENTRIES} entries in ${UPSTREAMS} upstreams, median of ${ROUNDS}, Consul ${fleet.consulHttp} (fleet ${fleet.name}, server with data dir)`;
    return [
      { name: "upstreams.publisher.write.seconds", value: median(results.txnWrite), unit: "s", note: `${Math.ceil(ENTRIES / 64)} transactions` },
      { name: "upstreams.publisher.remove.seconds", value: median(results.txnRemove), unit: "s", note: `last entry of each upstream kept, down` },
      { name: "upstreams.single-put.write.seconds", value: median(results.singleWrite), unit: "s", note: `${ENTRIES} PUTs` },
      { name: "upstreams.single-put.remove.seconds", value: median(results.singleRemove), unit: "s", note: `${ENTRIES} DELETEs` },
      { name: "upstreams.publisher.total.seconds", value: txn, unit: "s", note },
      { name: "upstreams.single-put.total.seconds", value: single, unit: "s", note },
      { name: "upstreams.speedup", value: single / txn, unit: "x", target: { op: ">=", value: 10 }, note: "single-put total / publisher total" },
    ];
  },
};

export default bench;
